/**
 * Fengqiao (枫桥) on PostgreSQL: the store for county and provincial scale.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as PgStore from "./PgStore.js"
