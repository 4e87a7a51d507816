/**
 * What differs between SQL engines. The store itself is written once against `@effect/sql`'s `SqlClient`; an
 * adapter supplies a {@link Dialect}: the transaction start, the column types, how to read JSON, how to format a
 * period from epoch milliseconds, and which errors are unique-key violations. `@fengqiao/adapters-sqlite` and
 * `@fengqiao/adapters-pg` each export theirs; a vendor can write one for another engine and check it with
 * `@fengqiao/testkit`.
 *
 * @since 0.1.0
 */
import type { SqlError } from "@effect/sql/SqlError"

/**
 * A period unit of aggregates.
 *
 * @since 0.1.0
 * @category models
 */
export type PeriodUnit = "day" | "week" | "month" | "quarter" | "year"

/**
 * An SQL dialect.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dialect {
  /** A name for messages and capabilities. */
  readonly name: string
  /** Numbered placeholders (`$1`, `$2` …) instead of `?`. */
  readonly numberedPlaceholders: boolean
  /** The statement that starts a write transaction (`BEGIN IMMEDIATE` on SQLite, so writers queue up front). */
  readonly beginTransaction: string
  /** Column types. `key` must compare byte-wise (binary collation), so that ordering matches JavaScript's. */
  readonly types: {
    readonly key: string
    readonly text: string
    readonly int: string
    readonly bigint: string
    readonly json: string
    /** The definition of an auto-incrementing `seq` column. */
    readonly serial: string
  }
  /** Table constraint making `(centre, seq)` the outbox key, where the serial column is not already the key. */
  readonly outboxKey: string
  /** Wraps a placeholder for a JSON parameter (`?` → `$1::jsonb`). */
  readonly jsonParameter: (placeholder: string) => string
  /** A JSON column's value as read back (a string to parse, or an already parsed value). */
  readonly readJson: (value: unknown) => unknown
  /** An SQL expression giving the period key (`2025-03-01`, `2025-W…` as Monday date, `2025-03`, `2025-Q1`, `2025`)
   * of a column of epoch milliseconds shifted by `offsetMinutes`. */
  readonly period: (column: string, offsetMinutes: number, unit: PeriodUnit) => string
  /**
   * Optionally, the period as an expression to group by that is cheaper per row than {@link period} (PostgreSQL:
   * `date_trunc` of the local time), and the key written from it, which is computed once per group instead of once
   * per row. `NULL` for a `NULL` column. Without it, aggregates group by {@link period}.
   */
  readonly periodGroup?:
    | ((column: string, offsetMinutes: number, unit: PeriodUnit) => {
      readonly group: string
      readonly key: (group: string) => string
    })
    | undefined
  /** Whether an error is a unique or primary-key violation. */
  readonly isUniqueViolation: (error: SqlError) => boolean
  /** A statement run first in the migration transaction to keep concurrent migrators apart (PostgreSQL: an
   * advisory lock). SQLite needs none: `BEGIN IMMEDIATE` already excludes other writers. */
  readonly migrationLock?: ((name: string) => string) | undefined
  /**
   * A query telling whether a table exists, without creating or locking anything: its one parameter (`?`) is the
   * table's name, as the store's statements name it (unqualified), and its one row has a column `present`, true or
   * 1 when the table is there (PostgreSQL: `to_regclass`; SQLite: `sqlite_master`). The store reads its migrations
   * table only once it exists, so a role without the right to create tables can use a store migrated by another.
   * Without it, reading the migrations first creates their table (`CREATE TABLE IF NOT EXISTS`, under
   * {@link migrationLock}), which needs that right.
   */
  readonly tableExists?: string | undefined
  /** Appended to the outbox claim query: `FOR UPDATE SKIP LOCKED` where supported. */
  readonly skipLocked: string
  /** An SQL statement that wakes outbox consumers after a commit (PostgreSQL `NOTIFY`), if any. */
  readonly notify?: ((channel: string) => string) | undefined
  /** Whether several connections may write at once (PostgreSQL yes, SQLite one writer at a time). */
  readonly concurrentWriters: boolean
  /**
   * The median (中位数) of an expression as an ordinary aggregate, NULLs ignored, `NULL` over no values; with an
   * even count the mean of the two middle values (what the in-memory store computes). SQLite with the percentile
   * extension: `median(x)`; PostgreSQL: the mean of `percentile_disc` at 0.5 and just above (see `PgStore`). The
   * expression may appear more than once in the result (its parameters are then repeated). Without it, the store
   * computes each median with a window query of its own (one more pass per median).
   */
  readonly median?: ((expression: string) => string) | undefined
  /**
   * Optionally, medians (中位数) of large selections by sampling, exact all the same (see
   * {@link SampledMedians}). Only used with {@link median}, and only by an aggregate without `groupBy`.
   */
  readonly sampledMedians?: SampledMedians | undefined
  /**
   * Whether aggregates take a `FILTER (WHERE …)` clause (SQLite ≥ 3.30, PostgreSQL): a measure's condition is
   * then a filter, so rows it rejects skip the aggregate, instead of a `CASE` giving it NULL.
   */
  readonly aggregateFilter?: boolean | undefined
  /**
   * Settings for the statistics queries of `aggregate` (`SET LOCAL name = value` inside a transaction, back to
   * their defaults after it), e.g. PostgreSQL's `jit = off`: compiling forty aggregate expressions costs more
   * than it saves on a million rows.
   */
  readonly aggregateSettings?: ReadonlyArray<readonly [name: string, value: string]> | undefined
}

/**
 * Exact medians of a large selection without sorting all of it: a selection algorithm in two queries (as
 * Floyd and Rivest's). A sample of the table (about {@link percent} % of it) gives two values that bracket the
 * median (the sample's quantiles {@link width} standard errors either side of 0.5, counted as if the sampled rows
 * were independent — a sample of pages misses more often when many rows share a page and the values follow their
 * order). One pass over the selection then counts the values below the bracket and collects those inside it, and
 * only those are sorted to pick the middle one(s) by their rank. When a bracket misses the middle, the whole request
 * is computed again with ordinary medians ({@link Dialect.median}), in one statement: the answer is the same either
 * way, and only its cost depends on the sample. Below {@link minimum} sampled values the selection is small enough
 * to sort whole, and a median stays an ordinary aggregate; so does a median whose condition has more than 1 000
 * parameters (the bracketed form repeats them).
 *
 * On PostgreSQL over 500 000 selected rows, each median costs about a third less this way (`bench/stats.ts`).
 *
 * @since 0.1.0
 * @category models
 */
export interface SampledMedians {
  /** The clause after the table's name that reads about `percent` % of it (`TABLESAMPLE SYSTEM (1)`). */
  readonly tableSample: (percent: number) => string
  /** An aggregate giving the values at each fraction (0 … 1, ascending) of an expression, NULLs ignored, as an
   * array (`percentile_disc(ARRAY[…]) WITHIN GROUP (ORDER BY x)`). */
  readonly quantiles: (expression: string, fractions: ReadonlyArray<number>) => string
  /** An aggregate collecting the values of an expression from `low` to `high` (SQL expressions, inclusive) as
   * an array, in any order. */
  readonly collect: (expression: string, low: string, high: string) => string
  /** Given a collected array and an offset (SQL expressions), the values at that offset and the next one in
   * ascending order, as an array (shorter where the array ends). */
  readonly middle: (collected: string, offset: string) => string
  /** Percent of the table sampled (0 < percent ≤ 100). */
  readonly percent: number
  /** The fewest sampled values for which a median is bracketed. */
  readonly minimum: number
  /** The bracket's half-width, in standard errors of the sample median. */
  readonly width: number
}
