/**
 * Fengqiao (枫桥) SQL: the `CaseStore` on `@effect/sql` shared by the SQLite and PostgreSQL adapters, its schema
 * migrations and the outbox.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Dialect from "./Dialect.js"

/**
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.js"

/**
 * @since 0.1.0
 */
export * as Outbox from "./Outbox.js"

/**
 * @since 0.1.0
 */
export * as SqlStore from "./SqlStore.js"
