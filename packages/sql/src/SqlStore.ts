/**
 * The `CaseStore` port on any SQL engine `@effect/sql` supports, given a {@link Dialect}. One implementation for
 * SQLite and PostgreSQL: each adapter package only adds its client layer, its dialect and its settings.
 *
 * - `append` writes the events, the snapshot and summary row, the command id and the outbox rows in one
 *   transaction, with the expected-version check; conflicts are `VersionConflict`, a repeated command id is
 *   `DuplicateCommand`, never a raw `SqlError`.
 * - `list` and `aggregate` run as SQL (`WHERE`, keyset pagination, `GROUP BY`) with the same semantics as the
 *   in-memory store.
 * - An event or snapshot that cannot be read (unknown type written by a newer version, corrupt JSON) is a typed
 *   `CorruptRecord` naming the case and version.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { CaseStore, Errors } from "@fengqiao/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Dialect } from "./Dialect.js"
import * as InternalErrors from "./internal/errors.js"
import { makeAggregate } from "./internal/store/aggregate.js"
import { makeAppend } from "./internal/store/append.js"
import { makeList } from "./internal/store/list.js"
import { makeContext, storeError } from "./internal/store/migrate.js"
import { makeRead } from "./internal/store/read.js"
import { makeRedact } from "./internal/store/redact.js"
import { makeState } from "./internal/store/state.js"
import { makeVerify } from "./internal/store/verify.js"
import type * as Migrations from "./Migrations.js"

/**
 * Options of the SQL store.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly dialect: Dialect
  /** Prefix of every table name (default `fq_`): lets several stores share one database. */
  readonly tablePrefix?: string | undefined
  /** Apply migrations when the store is made (default `true`); otherwise run {@link SqlStore.migrate} yourself. */
  readonly autoMigrate?: boolean | undefined
  /** Outbox subscriptions: every appended event gets one outbox row per subscription (default none). */
  readonly outboxSubscriptions?: ReadonlyArray<string> | undefined
  /**
   * Connections of their own for the statistics queries of `aggregate` (统计查询), so that several run at once
   * even where the main client has a single connection (SQLite's readers on worker threads). Used only outside a
   * transaction — inside one, `aggregate` reads on the transaction's connection and sees its writes.
   */
  readonly reader?: Reader | undefined
  /**
   * How many statistics queries run at once (`capabilities.parallelReads`): the reader's threads, or the client's
   * pool size (default 1).
   */
  readonly parallelReads?: number | undefined
}

/**
 * A read-only connection (or pool of them) for statistics queries: runs one statement, already in the dialect's
 * final text, and returns its rows. It must see every committed write of the store's own client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reader {
  readonly query: (
    text: string,
    params: ReadonlyArray<unknown>
  ) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError>
}

/**
 * The SQL store: the `CaseStore` port plus its schema management.
 *
 * @since 0.1.0
 * @category models
 */
export interface SqlStore extends CaseStore.CaseStore {
  readonly dialect: Dialect
  readonly tables: Migrations.Tables
  readonly outboxSubscriptions: ReadonlyArray<string>
  /**
   * Applies pending migrations; returns the ids applied now. Fails, applying nothing, when the database records a
   * migration newer than this SDK's last (it was migrated by a newer version).
   */
  readonly migrate: Effect.Effect<ReadonlyArray<number>, Errors.StoreError>
  /**
   * The ids of the migrations applied so far (none while the migrations table does not exist). A plain read: it
   * creates and locks nothing, so it needs no more than the right to read the store's tables.
   */
  readonly appliedMigrations: Effect.Effect<ReadonlyArray<number>, Errors.StoreError>
  /**
   * Succeeds once every migration is applied, else fails without preparing any statement (a statement prepared
   * before its table exists would go on failing on SQLite, which caches failed prepares). Also fails when the
   * database records a migration newer than this SDK's last. Queries of your own on the store's tables (the outbox
   * does this) should run after it.
   */
  readonly ensureMigrated: Effect.Effect<void, Errors.StoreError>
}

/**
 * The SQL store service (for access to migrations and the outbox).
 *
 * @since 0.1.0
 * @category tags
 */
export const SqlStore: Context.Tag<SqlStore, SqlStore> = Context.GenericTag<SqlStore>("@fengqiao/sql/SqlStore")

/**
 * The text of a driver's error (what went wrong, in words), for the reason of a `StoreError`: an `Error`'s
 * message; for one without a message — Node's `AggregateError` when every address of a host refused the
 * connection — its code and the messages of the errors it gathers. The adapters use it for the errors of
 * opening a database.
 *
 * @since 0.1.0
 * @category errors
 */
export const causeText: (cause: unknown) => string = InternalErrors.causeText

/**
 * Makes the SQL store over the `SqlClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<SqlStore, Errors.StoreError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const dialect = options.dialect
    const prefix = options.tablePrefix ?? "fq_"
    if (!/^[a-z_][a-z0-9_]{0,30}$/.test(prefix)) {
      return yield* new Errors.StoreError({
        operation: "make",
        reason: `table prefix "${prefix}" is not [a-z_][a-z0-9_]*`
      })
    }
    const ctx = makeContext(sql, {
      dialect,
      prefix,
      subscriptions: options.outboxSubscriptions ?? [],
      reader: options.reader
    })
    if (options.autoMigrate ?? true) yield* ctx.migrate
    const reading = makeRead(ctx)
    const writing = makeAppend(ctx, reading)
    const store: SqlStore = {
      capabilities: {
        name: dialect.name,
        persistent: true,
        concurrentWriters: dialect.concurrentWriters,
        parallelReads: Math.max(1, Math.floor(options.parallelReads ?? 1))
      },
      dialect,
      tables: ctx.t,
      outboxSubscriptions: ctx.subscriptions,
      migrate: ctx.migrate,
      appliedMigrations: ctx.appliedMigrations.pipe(Effect.mapError(storeError("appliedMigrations"))),
      ensureMigrated: ctx.ensureMigrated.pipe(Effect.mapError(storeError("ensureMigrated"))),
      load: (centre, caseId) => reading.loadWhere("id", centre, caseId),
      loadMany: reading.loadMany,
      loadByCode: (centre, code) => reading.loadWhere("code", centre, code),
      append: writing.append,
      appendBatch: writing.appendBatch,
      readEvents: reading.readEvents,
      findCommand: reading.findCommand,
      list: makeList(ctx, reading),
      aggregate: makeAggregate(ctx),
      verify: makeVerify(ctx),
      useSealKey: ctx.useSealKey,
      redact: makeRedact(ctx, reading, writing),
      ...makeState(ctx),
      withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        ctx.withTransaction(effect).pipe(
          Effect.catchIf(
            (e): e is SqlError => (e as { _tag?: string })._tag === "SqlError",
            (e) => Effect.fail(storeError("transaction")(e))
          )
        ) as Effect.Effect<A, E | Errors.StoreError, R>
    }
    return store
  })

/**
 * A layer providing the store as `CaseStore` and as {@link SqlStore}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<CaseStore.CaseStore | SqlStore, Errors.StoreError, SqlClient.SqlClient> =>
  Layer.effectContext(
    Effect.map(make(options), (store) => Context.make(SqlStore, store).pipe(Context.add(CaseStore.CaseStore, store)))
  )
