/**
 * The embedded default store: SQLite in one file, through `@effect/sql-sqlite-node` (better-sqlite3). WAL
 * journal, a busy timeout, and `BEGIN IMMEDIATE` for every write transaction, so concurrent writers queue up
 * instead of failing half-way. One process with SQLite serves a township or a small county.
 *
 * @example
 * ```ts
 * import { createCenter } from "@fengqiao/core"
 * import { SqliteStore } from "@fengqiao/adapters-sqlite"
 *
 * const center = await createCenter({ config, store: SqliteStore.layer({ filename: "centre.db" }) })
 * ```
 *
 * @since 0.1.0
 */
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { CaseStore } from "@fengqiao/core"
import { Errors } from "@fengqiao/core"
import type { Dialect } from "@fengqiao/sql"
import { SqlStore } from "@fengqiao/sql"
import * as Cause from "effect/Cause"
import type { ConfigError } from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { availableParallelism } from "node:os"
import * as Readers from "./internal/readers.js"

const sqliteCodes = new Set(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"])

const period = (column: string, offsetMinutes: number, unit: Dialect.PeriodUnit): string => {
  // real division: integer division truncates toward zero, which put the last second before the epoch (and any
  // instant before 1970 with a fraction of a second) in the next day, month or year. `unixepoch` takes fractions
  const seconds = `((${column} + ${offsetMinutes * 60_000}) / 1000.0)`
  switch (unit) {
    case "day":
      return `strftime('%Y-%m-%d', ${seconds}, 'unixepoch')`
    case "week":
      return `date(${seconds}, 'unixepoch', 'weekday 0', '-6 days')`
    case "month":
      return `strftime('%Y-%m', ${seconds}, 'unixepoch')`
    case "quarter":
      return `(strftime('%Y', ${seconds}, 'unixepoch') || '-Q' || ((CAST(strftime('%m', ${seconds}, 'unixepoch') AS INTEGER) + 2) / 3))`
    case "year":
      return `strftime('%Y', ${seconds}, 'unixepoch')`
  }
}

/**
 * The SQLite dialect.
 *
 * @since 0.1.0
 * @category constants
 */
export const dialect: Dialect.Dialect = {
  name: "sqlite",
  numberedPlaceholders: false,
  beginTransaction: "BEGIN IMMEDIATE",
  types: {
    key: "TEXT",
    text: "TEXT",
    int: "INTEGER",
    bigint: "INTEGER",
    json: "TEXT",
    serial: "seq INTEGER PRIMARY KEY AUTOINCREMENT"
  },
  outboxKey: "",
  jsonParameter: (p) => p,
  readJson: (v) => (typeof v === "string" ? JSON.parse(v) : v),
  period,
  isUniqueViolation: (e: SqlError) => sqliteCodes.has((e.cause as { code?: string } | undefined)?.code ?? ""),
  tableExists: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?) AS present",
  skipLocked: "",
  concurrentWriters: false,
  // the percentile extension (SQLITE_ENABLE_PERCENTILE, in better-sqlite3's bundled SQLite): `median` is an
  // ordinary aggregate, so medians are computed in the same GROUP BY pass as the counts (checked at start-up by
  // `layer`, which drops it on a build without the extension)
  median: (x) => `median(${x})`,
  aggregateFilter: true
}

/**
 * The dialect for a connection: {@link dialect}, without `median` when this SQLite build lacks the percentile
 * extension (then each median is a window query of its own).
 *
 * @since 0.1.0
 * @category constants
 */
export const dialectFor = (sql: SqlClient.SqlClient): Effect.Effect<Dialect.Dialect> =>
  sql.unsafe("SELECT median(x) AS m FROM (SELECT 1 AS x UNION ALL SELECT 2)").pipe(
    Effect.map((rows) => (Number((rows[0] as { m?: unknown } | undefined)?.m) === 1.5 ? dialect : withoutMedian)),
    Effect.orElseSucceed(() => withoutMedian)
  )

const withoutMedian: Dialect.Dialect = { ...dialect, median: undefined }

/**
 * Options of the SQLite store.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The database file (created if missing). `:memory:` works but is not shared between connections. */
  readonly filename: string
  /** Apply migrations when the layer is built (default `true`). */
  readonly autoMigrate?: boolean | undefined
  /** Table-name prefix (default `fq_`). */
  readonly tablePrefix?: string | undefined
  /** Outbox subscriptions (default none). */
  readonly outboxSubscriptions?: ReadonlyArray<string> | undefined
  /**
   * How long a writer waits for the write lock before failing, in milliseconds (default 5 000); anything but an
   * integer from 0 to 3 600 000 is a `StoreError` naming it.
   */
  readonly busyTimeoutMs?: number | undefined
  /**
   * `NORMAL` (default; SQLite's recommendation for WAL): a committed transaction survives a crash of the process;
   * a power loss may lose the last ones but never corrupts the file. `FULL` also survives power loss, at the
   * cost of an fsync per commit.
   */
  readonly synchronous?: "NORMAL" | "FULL" | undefined
  /**
   * Reader threads for the statistics queries (`aggregate`, what `@fengqiao/plugins-stats` runs): each a worker
   * thread with a read-only connection of its own, so a dashboard's passes run side by side on several cores and
   * the main thread stays free meanwhile. Default: the number of cores, at most 4; `0` runs them on the main
   * connection; anything but an integer from 0 to 64 is a `StoreError` naming it. Ignored for `:memory:`. Threads
   * start on the first statistics query.
   */
  readonly readers?: number | undefined
}

/**
 * The SQLite client with the store's pragmas applied. A file that cannot be opened (a missing directory, no
 * permission, not a database) is a `StoreError` naming it.
 *
 * @since 0.1.0
 * @category layers
 */
export const clientLayer = (
  options: Pick<Options, "filename" | "busyTimeoutMs" | "synchronous">
): Layer.Layer<SqlClient.SqlClient | SqliteClient.SqliteClient, ConfigError | Errors.StoreError> =>
  Layer.effectDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* Effect.orDie(sql.unsafe(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`))
    yield* Effect.orDie(sql.unsafe(`PRAGMA synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`))
    yield* Effect.orDie(sql.unsafe("PRAGMA foreign_keys = ON"))
  })).pipe(
    Layer.provideMerge(SqliteClient.layer({ filename: options.filename })),
    // better-sqlite3 throws when it cannot open the file: a defect of the client's layer, made a typed error here
    Layer.catchAllCause((cause) => {
      const failed = (e: Cause.Cause<ConfigError | Errors.StoreError>) =>
        Layer.effectContext<SqlClient.SqlClient | SqliteClient.SqliteClient, ConfigError | Errors.StoreError, never>(
          Effect.failCause(e)
        )
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure) || Cause.isInterruptedOnly(cause)) return failed(cause)
      const defect = Cause.squash(cause)
      return failed(Cause.fail(
        new Errors.StoreError({
          operation: "open",
          reason: `cannot open the SQLite database ${JSON.stringify(options.filename)}: ${
            defect instanceof Error ? defect.message : String(defect)
          }`
        })
      ))
    })
  )

/**
 * A layer with the SQLite store (as `CaseStore` and `SqlStore`) and its client.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<
  CaseStore.CaseStore | SqlStore.SqlStore | SqlClient.SqlClient | SqliteClient.SqliteClient,
  Errors.StoreError | ConfigError
> => {
  // numeric options are refused before the file is opened
  const outOfRange = (name: "busyTimeoutMs" | "readers", min: number, max: number) => {
    const value = options[name]
    return value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)
      ? `${name}: expected an integer from ${min} to ${max}, got ${String(value)}`
      : undefined
  }
  const refused = outOfRange("busyTimeoutMs", 0, 3_600_000) ?? outOfRange("readers", 0, 64)
  if (refused !== undefined) return Layer.fail(new Errors.StoreError({ operation: "layer", reason: refused }))
  const readers = options.readers
  return Layer.unwrapScoped(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const dialect = yield* dialectFor(sql)
    const count = readers ?? Math.min(4, availableParallelism())
    const reader = count > 0 && options.filename !== ":memory:" && options.filename !== ""
      ? yield* Readers.make({
        filename: options.filename,
        count,
        busyTimeoutMs: Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000)),
        fallback: (text, params) => sql.unsafe<Record<string, unknown>>(text, params)
      })
      : undefined
    return SqlStore.layer({
      dialect,
      tablePrefix: options.tablePrefix,
      autoMigrate: options.autoMigrate,
      outboxSubscriptions: options.outboxSubscriptions,
      reader,
      parallelReads: reader === undefined ? 1 : count
    })
  })).pipe(Layer.provideMerge(clientLayer(options)))
}
