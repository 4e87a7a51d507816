/**
 * Fengqiao (枫桥) on SQLite: the embedded default store.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as SqliteStore from "./SqliteStore.js"
