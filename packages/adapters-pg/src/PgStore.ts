/**
 * The scale-out store: PostgreSQL through `@effect/sql-pg`. Several processes and connections write at once
 * (optimistic concurrency per case), outbox workers share the work with `FOR UPDATE SKIP LOCKED` and are woken by
 * `LISTEN/NOTIFY`, and every table leads with the centre key so a distributed PostgreSQL (e.g. Citus) can shard
 * by it.
 *
 * @example
 * ```ts
 * import { createCenter } from "@fengqiao/core"
 * import { PgStore } from "@fengqiao/adapters-pg"
 *
 * const center = await createCenter({ config, store: PgStore.layer({ url: process.env.DATABASE_URL! }) })
 * ```
 *
 * @since 0.1.0
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { CaseStore } from "@fengqiao/core"
import { Errors } from "@fengqiao/core"
import type { Dialect } from "@fengqiao/sql"
import { SqlStore } from "@fengqiao/sql"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"

const periodFormats: Record<Dialect.PeriodUnit, string> = {
  day: "'YYYY-MM-DD'",
  week: "'YYYY-MM-DD'",
  month: "'YYYY-MM'",
  quarter: `'YYYY-"Q"Q'`,
  year: "'YYYY'"
}

// grouped by `date_trunc` of the local time (a timestamp), the key written by `to_char` once per group. With
// `to_char` on every row the key took about a quarter of a dashboard's grouped pass (0.56 µs of 2 µs per row);
// `date_trunc` takes about 0.34 µs (psql, 250 000 rows of the benchmark fixture, same session)
const periodGroup = (column: string, offsetMinutes: number, unit: Dialect.PeriodUnit) => ({
  group: `date_trunc('${unit}', (to_timestamp((${column} + ${
    offsetMinutes * 60_000
  }) / 1000.0::float8) AT TIME ZONE 'UTC'))`,
  key: (group: string) => `to_char(${group}, ${periodFormats[unit]})`
})

const period = (column: string, offsetMinutes: number, unit: Dialect.PeriodUnit): string => {
  const local = `(to_timestamp((${column} + ${offsetMinutes * 60_000}) / 1000.0::float8) AT TIME ZONE 'UTC')`
  switch (unit) {
    case "day":
      return `to_char(${local}, 'YYYY-MM-DD')`
    case "week":
      return `to_char(date_trunc('week', ${local}), 'YYYY-MM-DD')`
    case "month":
      return `to_char(${local}, 'YYYY-MM')`
    case "quarter":
      return `to_char(${local}, 'YYYY-"Q"Q')`
    case "year":
      return `to_char(${local}, 'YYYY')`
  }
}

/**
 * The median as an ordered-set aggregate. Not `percentile_cont(0.5)`: it casts every value to `float8` and sorts
 * them with the generic comparator. `percentile_disc` sorts the `bigint` durations themselves (PostgreSQL's
 * specialised integer sort) — about 40 % less time per median over 500 000 rows in `bench/stats.ts`. With two
 * fractions it returns both middle values from one sort (the aggregate appears twice with the same arguments, so
 * PostgreSQL computes it once): the value at row ⌈0.5·n⌉, and at row ⌈(0.5 + 10⁻¹³)·n⌉, which is the next row when
 * n is even (0.5·n is then a whole number, and 10⁻¹³·n is below 1 for fewer than 10¹³ rows but above the rounding
 * of 0.5·n) and the same row when n is odd. Their mean is exactly `percentile_cont(0.5)`, and what the in-memory
 * store computes.
 */
const median = (x: string): string => {
  const disc = `(percentile_disc(ARRAY[0.5, 0.5000000000001]) WITHIN GROUP (ORDER BY ${x}))`
  return `((${disc}[1] + ${disc}[2])::float8 / 2)`
}

/**
 * The PostgreSQL dialect. Keys use the `"C"` collation so that ordering is byte-wise, whatever the database's
 * locale. JSON is kept as text: it round-trips exactly (`jsonb` would reject `\u0000` in citizens' text); cast
 * to `jsonb` in your own reporting queries.
 *
 * @since 0.1.0
 * @category constants
 */
export const dialect: Dialect.Dialect = {
  name: "postgresql",
  numberedPlaceholders: true,
  beginTransaction: "BEGIN",
  types: {
    key: `TEXT COLLATE "C"`,
    text: "TEXT",
    int: "INTEGER",
    bigint: "BIGINT",
    json: "TEXT",
    serial: "seq BIGSERIAL NOT NULL"
  },
  outboxKey: ",\n  PRIMARY KEY (centre, seq)",
  jsonParameter: (p) => p,
  readJson: (v) => (typeof v === "string" ? JSON.parse(v) : v),
  period,
  periodGroup,
  isUniqueViolation: (e: SqlError) => (e.cause as { code?: string } | undefined)?.code === "23505",
  migrationLock: (name) => `SELECT pg_advisory_xact_lock(hashtext('${name}'))`,
  // resolved on the search path, as the store's unqualified table names are
  tableExists: "SELECT to_regclass(?) IS NOT NULL AS present",
  skipLocked: " FOR UPDATE SKIP LOCKED",
  notify: (channel) => `SELECT pg_notify('${channel}', '1')`,
  concurrentWriters: true,
  // an ordered-set aggregate: medians in the same GROUP BY pass as the counts
  median,
  // large selections: exact medians from a 1 % sample of the table's pages and one pass sorting only the values
  // near the middle (`SampledMedians`)
  sampledMedians: {
    tableSample: (percent) => `TABLESAMPLE SYSTEM (${percent})`,
    quantiles: (x, fractions) => `percentile_disc(ARRAY[${fractions.join(", ")}]) WITHIN GROUP (ORDER BY ${x})`,
    collect: (x, low, high) => `array_agg(${x}) FILTER (WHERE ${x} >= ${low} AND ${x} <= ${high})`,
    middle: (collected, offset) => `ARRAY(SELECT v FROM unnest(${collected}) AS v ORDER BY v OFFSET ${offset} LIMIT 2)`,
    percent: 1,
    minimum: 1000,
    width: 4
  },
  aggregateFilter: true,
  // statistics (see `Dialect.aggregateSettings`): no JIT (it took longer to compile a dashboard's forty aggregate
  // expressions than to run them over a million rows); GROUP BY by hashing, in memory — the planner cannot
  // estimate how few groups a period expression has, and would otherwise sort the whole selection on disk; no
  // parallel workers: the statistics already run their slices side by side on the pool's connections, and a
  // parallel scan on top of that oversubscribes the cores (an ungrouped pass over 500 000 rows took 1.2 s with two
  // workers, 0.5 s without, on two cores)
  aggregateSettings: [
    ["jit", "off"],
    ["work_mem", "'64MB'"],
    ["enable_sort", "off"],
    ["max_parallel_workers_per_gather", "0"]
  ]
}

/**
 * Options of the PostgreSQL store.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string | Redacted.Redacted
  /** Pool size (default 10); anything but an integer from 1 to 1 000 is a `StoreError` naming it. */
  readonly maxConnections?: number | undefined
  /** Apply migrations when the layer is built (default `true`). */
  readonly autoMigrate?: boolean | undefined
  /** Table-name prefix (default `fq_`). */
  readonly tablePrefix?: string | undefined
  /** Outbox subscriptions (default none). */
  readonly outboxSubscriptions?: ReadonlyArray<string> | undefined
  /** Shown in `pg_stat_activity` (default `fengqiao`). */
  readonly applicationName?: string | undefined
}

/**
 * Where a URL points, for messages: host, port, database and user — never the password. A URL that does not parse
 * is not repeated (it may hold one).
 */
const whereOf = (url: string): string => {
  try {
    const u = new URL(url)
    const database = decodeURIComponent(u.pathname.replace(/^\//, ""))
    const user = decodeURIComponent(u.username)
    return `${u.hostname || "localhost"}:${u.port || "5432"}${database === "" ? "" : `, database "${database}"`}${
      user === "" ? "" : `, user "${user}"`
    }`
  } catch {
    return "the given url (not a postgres:// URL)"
  }
}

/**
 * The PostgreSQL client. A server that cannot be reached or that refuses the connection (nothing listening, a
 * database that does not exist, a wrong password …) is a `StoreError` (operation `connect`) whose reason names
 * the server and carries the driver's message, e.g. `connect ECONNREFUSED 127.0.0.1:5432` or
 * `database "x" does not exist`.
 *
 * @since 0.1.0
 * @category layers
 */
export const clientLayer = (
  options: Pick<Options, "url" | "maxConnections" | "applicationName">
): Layer.Layer<SqlClient.SqlClient | PgClient.PgClient, Errors.StoreError> => {
  const url = typeof options.url === "string" ? Redacted.make(options.url) : options.url
  return PgClient.layer({
    url,
    maxConnections: options.maxConnections ?? 10,
    applicationName: options.applicationName ?? "fengqiao"
  }).pipe(
    Layer.mapError((e) =>
      new Errors.StoreError({
        operation: "connect",
        reason: `cannot connect to PostgreSQL at ${whereOf(Redacted.value(url))}: ${
          SqlStore.causeText(e.cause) || e.message
        }`,
        cause: e
      })
    )
  )
}

/**
 * A layer with the PostgreSQL store (as `CaseStore` and `SqlStore`) and its client. A bad option, a server that
 * cannot be connected to (see `clientLayer`) or a failed migration is a `StoreError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<
  CaseStore.CaseStore | SqlStore.SqlStore | SqlClient.SqlClient | PgClient.PgClient,
  Errors.StoreError
> => {
  const pool = options.maxConnections
  if (pool !== undefined && !(Number.isInteger(pool) && pool >= 1 && pool <= 1000)) {
    // refused before connecting
    return Layer.fail(
      new Errors.StoreError({
        operation: "layer",
        reason: `maxConnections: expected an integer from 1 to 1000, got ${String(pool)}`
      })
    )
  }
  return SqlStore.layer({
    dialect,
    tablePrefix: options.tablePrefix,
    autoMigrate: options.autoMigrate,
    outboxSubscriptions: options.outboxSubscriptions,
    // statistics slice a period over the pool's connections, at most 4 at once (the server's cores are unknown here)
    parallelReads: Math.min(4, pool ?? 10)
  }).pipe(Layer.provideMerge(clientLayer(options)))
}

/**
 * A stream that ticks whenever events are appended to the outbox (PostgreSQL `LISTEN`), to pass as `wake` to
 * `Outbox.run`.
 *
 * @since 0.1.0
 * @category outbox
 */
export const outboxWake = (
  tablePrefix = "fq_"
): Stream.Stream<string, SqlError, PgClient.PgClient> =>
  Stream.unwrap(Effect.map(PgClient.PgClient, (pg) => pg.listen(`${tablePrefix}outbox`)))
