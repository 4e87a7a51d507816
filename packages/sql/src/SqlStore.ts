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
import { SqlError } from "@effect/sql/SqlError"
import { AuditTrail, Case, CaseStore, Errors, Event, type Jurisdiction } from "@fengqiao/core"
import * as Arr from "effect/Array"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import type { Dialect, SampledMedians } from "./Dialect.js"
import { caseColumns, caseRow, MAX_DEPTH } from "./internal/columns.js"
import * as InternalErrors from "./internal/errors.js"
import * as Medians from "./internal/medians.js"
import * as Q from "./internal/query.js"
import { makeWithTransaction } from "./internal/transaction.js"
import * as Migrations from "./Migrations.js"

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

const storeError = (operation: string) => (cause: SqlError) =>
  new Errors.StoreError({ operation, reason: cause.message + InternalErrors.describeCause(cause.cause), cause })

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

const decodeCase = ParseResult.decodeUnknownEither(Case.Case)

const decodeEnvelope = ParseResult.decodeUnknownEither(Event.Envelope)
const knownEvents: ReadonlySet<string> = new Set(Event.eventNames)

const parseJson = (dialect: Dialect, value: unknown): Either.Either<unknown, string> => {
  try {
    return Either.right(dialect.readJson(value))
  } catch (e) {
    return Either.left(`invalid JSON (${e instanceof Error ? e.message : String(e)})`)
  }
}

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
    const t = Migrations.tables(prefix)
    const subscriptions = options.outboxSubscriptions ?? []
    const withTransaction = makeWithTransaction(sql, dialect.beginTransaction)
    // the dialect's final text of each statement, computed once
    const finished = new Map<string, string>()
    const final = (text: string) => {
      let f = finished.get(text)
      if (f === undefined) {
        f = Q.finish(dialect, text)
        if (finished.size < 10_000) finished.set(text, f)
      }
      return f
    }
    /**
     * Inside a transaction, statements go straight to its connection (prepared and cached by the driver): the
     * statement builder, its span and a connection acquisition per statement cost far more than the statement.
     */
    const raw = <A extends object = Record<string, unknown>>(
      text: string,
      params: ReadonlyArray<unknown> = []
    ): Effect.Effect<ReadonlyArray<A>, SqlError> =>
      Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (tx) =>
        tx._tag === "Some"
          ? tx.value[0].execute(final(text), params, undefined) as Effect.Effect<ReadonlyArray<A>, SqlError>
          : sql.unsafe<A>(final(text), params))
    // No statement may be prepared before its table exists: @effect/sql-sqlite-node caches a failed prepare (for 10
    // minutes), so a query run before `migrate` (with `autoMigrate: false`) would go on failing after it. Until the
    // schema is complete, every query first checks it, and fails without preparing anything if it is not.
    let migrated = false
    const ensureMigrated: Effect.Effect<void, SqlError> = Effect.suspend(() =>
      migrated ? Effect.void : Effect.flatMap(appliedMigrations, (ids) => {
        const newer = newerSchema(ids)
        if (newer !== undefined) return Effect.fail(newer)
        if (all.every((m) => ids.includes(m.id))) {
          migrated = true
          return Effect.void
        }
        return Effect.fail(new SqlError({ message: "the database is not migrated: run migrate first" }))
      })
    )
    const q = <A extends object = Record<string, unknown>>(
      text: string,
      params: ReadonlyArray<unknown> = []
    ): Effect.Effect<ReadonlyArray<A>, SqlError> =>
      migrated ? raw<A>(text, params) : Effect.zipRight(ensureMigrated, raw<A>(text, params))
    /** `inside` when a transaction is open (on this fiber), else `outside`. */
    const inTransactionOr = <A, E>(inside: Effect.Effect<A, E>, outside: Effect.Effect<A, E>) =>
      Effect.flatMap(
        Effect.serviceOption(SqlClient.TransactionConnection),
        (tx) => tx._tag === "Some" ? inside : outside
      )
    /** A statistics query: on the reader where there is one and no transaction is open, else as {@link q}. */
    const reader = options.reader
    const read = (
      text: string,
      params: ReadonlyArray<unknown>
    ): Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError> =>
      reader === undefined
        ? q(text, params)
        : inTransactionOr(q(text, params), Effect.zipRight(ensureMigrated, reader.query(final(text), params)))

    // ---- migrations ------------------------------------------------------------------------------------------
    const all = Migrations.migrations(dialect, prefix)
    const latest = Math.max(...all.map((m) => m.id))
    /**
     * A database migrated by a newer SDK (a recorded id above the last this SDK knows) may have tables and columns
     * this version would write wrongly: refused, before anything is read or written.
     */
    const newerSchema = (ids: Iterable<number>): SqlError | undefined => {
      const highest = Math.max(0, ...ids)
      return highest > latest
        ? new SqlError({
          message:
            `the database schema is at migration ${highest}, newer than this SDK's ${latest}; upgrade @fengqiao/sql`
        })
        : undefined
    }
    // The migrations table is read only once it exists, so reading it never fails to prepare. Reading creates and
    // locks nothing: a role with no right to create tables (the schema migrated by its owner, `autoMigrate: false`)
    // can use the store. Only `migrate` creates the table, under the migration lock.
    const migrationLock = dialect.migrationLock === undefined ? Effect.void : raw(dialect.migrationLock(t.migrations))
    const createMigrationsTable = raw(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (id ${dialect.types.int} PRIMARY KEY, name ${dialect.types.text} NOT NULL, applied_at ${dialect.types.text} NOT NULL)`
    )
    const tableExists = dialect.tableExists
    const migrationsTableExists: Effect.Effect<boolean, SqlError> = tableExists === undefined
      // a dialect that cannot tell: created first, as `migrate` does
      ? Effect.as(withTransaction(Effect.zipRight(migrationLock, createMigrationsTable)), true)
      : Effect.map(raw<{ present: unknown }>(tableExists, [t.migrations]), (rows) => Number(rows[0]?.present) === 1)
    const selectMigrations = Effect.map(
      raw<{ id: number | string }>(`SELECT id FROM ${t.migrations} ORDER BY id`),
      (rows): ReadonlyArray<number> => rows.map((r) => Number(r.id))
    )
    const appliedMigrations: Effect.Effect<ReadonlyArray<number>, SqlError> = Effect.flatMap(
      migrationsTableExists,
      (exists) => (exists ? selectMigrations : Effect.succeed([]))
    )
    const migrate = withTransaction(Effect.gen(function*() {
      yield* migrationLock
      // not created when it exists: with nothing to apply, `migrate` needs no right to create tables
      if (!(yield* migrationsTableExists)) yield* createMigrationsTable
      const done = new Set(
        (yield* raw<{ id: number | string }>(`SELECT id FROM ${t.migrations}`)).map((r) => Number(r.id))
      )
      const newer = newerSchema(done)
      if (newer !== undefined) return yield* newer
      const applied: Array<number> = []
      for (const m of all) {
        if (done.has(m.id)) continue
        for (const statement of m.statements) yield* raw(statement)
        yield* raw(`INSERT INTO ${t.migrations} (id, name, applied_at) VALUES (?, ?, ?)`, [
          m.id,
          m.name,
          new Date().toISOString()
        ])
        applied.push(m.id)
      }
      migrated = true
      return applied as ReadonlyArray<number>
    })).pipe(Effect.mapError(storeError("migrate")))

    if (options.autoMigrate ?? true) yield* migrate

    // ---- reading ---------------------------------------------------------------------------------------------
    /**
     * Decoded snapshots by case, with the exact JSON text they were decoded from (or written as). A row whose text
     * is byte-identical is the same snapshot, so parsing and Schema decoding are skipped; any other text (another
     * writer, a rolled-back write, a tampered row) is decoded and checked in full. The objects are frozen: callers
     * cannot change what the cache hands out.
     */
    const snapshots = new Map<string, { readonly json: string; readonly decoded: Case.Case }>()
    const remember = (centre: string, json: string, decoded: Case.Case) => {
      const key = `${centre}\u0000${decoded.id}`
      snapshots.delete(key)
      snapshots.set(key, { json, decoded: CaseStore.deepFreeze(decoded) })
      if (snapshots.size > 20_000) snapshots.delete(snapshots.keys().next().value!)
    }

    const snapshotOf = (
      centre: string,
      caseId: string,
      version: unknown,
      raw: unknown
    ): Effect.Effect<Case.Case, Errors.CorruptRecord> => {
      if (typeof raw === "string") {
        const hit = snapshots.get(`${centre}\u0000${caseId}`)
        if (hit !== undefined && hit.json === raw) return Effect.succeed(hit.decoded)
      }
      const v = Number(version)
      const json = parseJson(dialect, raw)
      if (Either.isLeft(json)) {
        return Effect.fail(new Errors.CorruptRecord({ caseId, version: v, reason: `snapshot: ${json.left}` }))
      }
      const decoded = decodeCase(json.right)
      if (Either.isLeft(decoded)) {
        return Effect.fail(
          new Errors.CorruptRecord({
            caseId,
            version: v,
            reason: `snapshot does not match the Case schema: ${
              ParseResult.TreeFormatter.formatIssueSync(decoded.left)
            }`
          })
        )
      }
      // a snapshot of another case, or of another version than its row's, is not this row's state (as for events)
      if (decoded.right.id !== caseId || decoded.right.version !== v) {
        return Effect.fail(
          new Errors.CorruptRecord({
            caseId,
            version: v,
            reason: `snapshot says case ${decoded.right.id} version ${decoded.right.version}`
          })
        )
      }
      if (typeof raw === "string") remember(centre, raw, decoded.right)
      return Effect.succeed(decoded.right)
    }

    const envelopeOf = (
      caseId: string,
      row: { readonly version: unknown; readonly type: unknown; readonly envelope: unknown }
    ): Either.Either<Event.Envelope, Errors.CorruptRecord> => {
      const version = Number(row.version)
      const corrupt = (reason: string) => Either.left(new Errors.CorruptRecord({ caseId, version, reason }))
      if (!knownEvents.has(String(row.type))) {
        return corrupt(`unknown event type "${String(row.type)}" (written by a newer version of the SDK?)`)
      }
      const json = parseJson(dialect, row.envelope)
      if (Either.isLeft(json)) return corrupt(`event: ${json.left}`)
      const decoded = decodeEnvelope(json.right)
      if (Either.isLeft(decoded)) {
        return corrupt(
          `event does not match the ${String(row.type)} schema: ${
            ParseResult.TreeFormatter.formatIssueSync(decoded.left)
          }`
        )
      }
      if (decoded.right.version !== version || decoded.right.caseId !== caseId) {
        return corrupt(`event envelope says case ${decoded.right.caseId} version ${decoded.right.version}`)
      }
      return Either.right(decoded.right)
    }

    /**
     * The head hash of each case as last read or written, by case and version: the centre loads a case before it
     * appends to it, so the previous hash of an append is known without a further query. A stale entry is harmless:
     * the update checks the head it chained from, and on a mismatch the store reads the real head and chains again.
     */
    const heads = new Map<string, { readonly version: number; readonly hash: string }>()
    const rememberHead = (centre: string, caseId: string, version: number, hash: unknown) => {
      const key = `${centre}\u0000${caseId}`
      heads.delete(key)
      heads.set(key, { version, hash: typeof hash === "string" ? hash : AuditTrail.genesis })
      if (heads.size > 20_000) heads.delete(heads.keys().next().value!)
    }

    /** A case's row as `load`, `loadByCode` and `loadMany` read it, and the snapshot in it (its head remembered). */
    type CaseRow = { id: string; version: unknown; snapshot: unknown; head_hash: unknown }
    const selectCases = `SELECT id, version, snapshot, head_hash FROM ${t.cases} WHERE centre = ? AND`
    const caseOfRow = (centre: string, row: CaseRow) => {
      rememberHead(centre, row.id, Number(row.version), row.head_hash)
      return snapshotOf(centre, row.id, row.version, row.snapshot)
    }

    const loadWhere = (column: "id" | "code", centre: string, value: string) =>
      q<CaseRow>(`${selectCases} ${column} = ?`, [centre, value]).pipe(
        Effect.mapError(storeError(column === "id" ? "load" : "loadByCode")),
        Effect.flatMap((rows) =>
          rows.length === 0
            ? Effect.succeed(Option.none<Case.Case>())
            : Effect.map(caseOfRow(centre, rows[0]!), Option.some)
        )
      )

    /** Several cases by id: one query per 500 ids. */
    const loadMany = (centre: string, caseIds: ReadonlyArray<string>) =>
      Effect.map(
        Effect.forEach(
          Arr.chunksOf([...new Set(caseIds)], 500),
          (ids) =>
            q<CaseRow>(`${selectCases} id IN (${ids.map(() => "?").join(", ")})`, [centre, ...ids]).pipe(
              Effect.mapError(storeError("loadMany")),
              Effect.flatMap((rows) => Effect.forEach(rows, (row) => caseOfRow(centre, row)))
            )
        ),
        (pages) => pages.flat()
      )

    // ---- writing ---------------------------------------------------------------------------------------------
    const casePlaceholders = `(?, ${
      caseColumns.map((c) => (c === "snapshot" ? dialect.jsonParameter("?") : "?")).join(", ")
    }, ?)`
    const insertCaseSql = `INSERT INTO ${t.cases} (centre, ${
      caseColumns.join(", ")
    }, head_hash) VALUES ${casePlaceholders} ON CONFLICT DO NOTHING RETURNING version`
    // the head it chained from must still be the row's: see `heads`
    const updateCaseSql = `UPDATE ${t.cases} SET ${
      caseColumns.map((c) => `${c} = ${c === "snapshot" ? dialect.jsonParameter("?") : "?"}`).join(", ")
    }, head_hash = ? WHERE centre = ? AND id = ? AND version = ? AND COALESCE(head_hash, '') = ? RETURNING version`
    const eventColumns = "centre, case_id, version, type, at_ms, actor_id, command_id, correlation_id, envelope, hash"
    const eventPlaceholders = `(?, ?, ?, ?, ?, ?, ?, ?, ${dialect.jsonParameter("?")}, ?)`
    const eventValues = (centre: string, e: Event.Envelope, hash: string): ReadonlyArray<unknown> => [
      centre,
      e.caseId,
      e.version,
      e.event._tag,
      Date.parse(e.at),
      e.actor.id,
      e.commandId,
      e.correlationId,
      JSON.stringify(e),
      hash
    ]
    const outboxPlaceholders = `(?, ?, ?, ?, ${dialect.jsonParameter("?")}, ?)`

    const currentHead = (centre: string, caseId: string) =>
      Effect.map(
        q<{ version: unknown; head_hash: unknown }>(
          `SELECT version, head_hash FROM ${t.cases} WHERE centre = ? AND id = ?`,
          [centre, caseId]
        ),
        (rows) =>
          rows.length === 0
            ? { version: 0, hash: AuditTrail.genesis }
            : {
              version: Number(rows[0]!.version),
              hash: typeof rows[0]!.head_hash === "string" ? rows[0]!.head_hash : AuditTrail.genesis
            }
      )
    const currentVersion = (centre: string, caseId: string) => Effect.map(currentHead(centre, caseId), (h) => h.version)

    const insertChunks = (
      head: string,
      placeholders: string,
      rows: ReadonlyArray<ReadonlyArray<unknown>>,
      perChunk: number
    ) =>
      Effect.forEach(
        Array.from(
          { length: Math.ceil(rows.length / perChunk) },
          (_, i) => rows.slice(i * perChunk, (i + 1) * perChunk)
        ),
        (chunk) => q(`${head} VALUES ${chunk.map(() => placeholders).join(", ")}`, chunk.flat()),
        { discard: true }
      )

    const writeOne = (req: CaseStore.AppendRequest) =>
      Effect.gen(function*() {
        // ON CONFLICT … DO NOTHING: a clash is an empty RETURNING, never an error (PostgreSQL would abort the
        // whole transaction on an error)
        const claimed = yield* q(
          `INSERT INTO ${t.commands} (centre, command_id, case_id, from_version, to_version) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING command_id`,
          [req.centre, req.commandId, req.caseId, req.expectedVersion + 1, req.expectedVersion + req.events.length]
        )
        if (claimed.length === 0) return yield* new CaseStore.DuplicateCommand({ commandId: req.commandId })
        const snapshotJson = JSON.stringify(req.snapshot)
        const row = caseRow(req.summary, snapshotJson)
        // the audit trail: chained from the head the case is at (known from the load that preceded the append)
        const known = heads.get(`${req.centre}\u0000${req.caseId}`)
        let previous = req.expectedVersion === 0
          ? AuditTrail.genesis
          : known !== undefined && known.version === req.expectedVersion
          ? known.hash
          : undefined
        if (previous === undefined) {
          const h = yield* currentHead(req.centre, req.caseId)
          previous = h.hash
        }
        let hashes = AuditTrail.chain(previous, req.events)
        let written = req.expectedVersion === 0
          ? yield* q(insertCaseSql, [req.centre, ...row, hashes.at(-1) ?? previous])
          : yield* q(updateCaseSql, [
            ...row,
            hashes.at(-1) ?? previous,
            req.centre,
            req.caseId,
            req.expectedVersion,
            previous
          ])
        if (written.length === 0 && req.expectedVersion > 0) {
          // a stale head (the row is at the expected version with another head): chain from the real one
          const h = yield* currentHead(req.centre, req.caseId)
          if (h.version === req.expectedVersion && h.hash !== previous) {
            previous = h.hash
            hashes = AuditTrail.chain(previous, req.events)
            written = yield* q(updateCaseSql, [
              ...row,
              hashes.at(-1) ?? previous,
              req.centre,
              req.caseId,
              req.expectedVersion,
              previous
            ])
          }
        }
        if (written.length === 0) {
          const actual = yield* currentVersion(req.centre, req.caseId)
          if (req.expectedVersion === 0 && actual === 0) {
            return yield* new Errors.StoreError({
              operation: "append",
              reason: `case code ${req.snapshot.code} is already used by another case`
            })
          }
          return yield* new Errors.VersionConflict({
            caseId: req.caseId,
            expectedVersion: req.expectedVersion,
            actualVersion: actual
          })
        }
        yield* insertChunks(
          `INSERT INTO ${t.events} (${eventColumns})`,
          eventPlaceholders,
          req.events.map((e, i) => eventValues(req.centre, e, hashes[i]!)),
          500
        )
        // whether or not this transaction commits, the text decides: a later read only reuses it if the row holds it
        remember(req.centre, snapshotJson, req.snapshot)
        rememberHead(req.centre, req.caseId, req.expectedVersion + req.events.length, hashes.at(-1) ?? previous)
        if (subscriptions.length > 0) {
          const now = Date.now()
          yield* insertChunks(
            `INSERT INTO ${t.outbox} (centre, subscription, case_id, version, envelope, created_ms)`,
            outboxPlaceholders,
            subscriptions.flatMap((s) =>
              req.events.map((e) => [req.centre, s, req.caseId, e.version, JSON.stringify(e), now])
            ),
            500
          )
        }
      })

    const notify = dialect.notify !== undefined && subscriptions.length > 0
      ? q(dialect.notify(`${prefix}outbox`))
      : Effect.void

    const writeError = (operation: string) =>
    <A>(
      effect: Effect.Effect<A, SqlError | Errors.StoreError | Errors.VersionConflict | CaseStore.DuplicateCommand>
    ): Effect.Effect<A, Errors.StoreError | Errors.VersionConflict | CaseStore.DuplicateCommand> =>
      Effect.catchIf(
        effect,
        (e): e is SqlError => e._tag === "SqlError",
        (e) => Effect.fail(storeError(operation)(e))
      )

    const append = (req: CaseStore.AppendRequest) => {
      const body = Effect.zipRight(writeOne(req), notify)
      return (req.callerRollsBack === true
        // the caller's transaction is all or nothing around this append: no savepoint of its own
        ? inTransactionOr(body, withTransaction(body))
        : withTransaction(body)).pipe(writeError("append"))
    }

    /** New cases in bulk: multi-row inserts; anything else goes through `writeOne`. */
    const appendBatch = (reqs: ReadonlyArray<CaseStore.AppendRequest>) =>
      withTransaction(Effect.gen(function*() {
        const fresh = reqs.filter((r) => r.expectedVersion === 0)
        if (fresh.length !== reqs.length || new Set(reqs.map((r) => r.caseId)).size !== reqs.length) {
          for (const r of reqs) yield* writeOne(r)
          return
        }
        const chains = reqs.map((r) => AuditTrail.chain(AuditTrail.genesis, r.events))
        yield* Effect.all([
          insertChunks(
            `INSERT INTO ${t.commands} (centre, command_id, case_id, from_version, to_version)`,
            "(?, ?, ?, ?, ?)",
            reqs.map((r) => [r.centre, r.commandId, r.caseId, 1, r.events.length]),
            1000
          ),
          insertChunks(
            `INSERT INTO ${t.cases} (centre, ${caseColumns.join(", ")}, head_hash)`,
            casePlaceholders,
            reqs.map((r, i) => [
              r.centre,
              ...caseRow(r.summary, JSON.stringify(r.snapshot)),
              chains[i]!.at(-1) ?? AuditTrail.genesis
            ]),
            200
          )
        ], { discard: true })
        yield* insertChunks(
          `INSERT INTO ${t.events} (${eventColumns})`,
          eventPlaceholders,
          reqs.flatMap((r, i) => r.events.map((e, j) => eventValues(r.centre, e, chains[i]![j]!))),
          1000
        )
        if (subscriptions.length > 0) {
          const now = Date.now()
          yield* insertChunks(
            `INSERT INTO ${t.outbox} (centre, subscription, case_id, version, envelope, created_ms)`,
            outboxPlaceholders,
            subscriptions.flatMap((s) =>
              reqs.flatMap((r) => r.events.map((e) => [r.centre, s, r.caseId, e.version, JSON.stringify(e), now]))
            ),
            1000
          )
        }
        yield* notify
      })).pipe(
        Effect.catchIf(
          (e): e is SqlError => e._tag === "SqlError" && dialect.isUniqueViolation(e),
          // a unique violation in the bulk path: replay the batch one by one inside a fresh transaction to name it
          () => withTransaction(Effect.forEach(reqs, writeOne, { discard: true }))
        ),
        writeError("appendBatch")
      )

    // ---- queries ---------------------------------------------------------------------------------------------
    const list = (centre: string, req: CaseStore.ListRequest) => {
      const params: Array<unknown> = [centre]
      const where = Q.condition(req.where, params)
      let keyset = ""
      if (req.after !== undefined) {
        const op = req.order === "asc" ? ">" : "<"
        const ms = Date.parse(req.after.registeredAt)
        // a row value, so that both engines seek the index to the cursor instead of filtering every row before it
        // (the OR form made each page cost as much as all the pages before it)
        keyset = ` AND (registered_at, id) ${op} (?, ?)`
        params.push(ms, req.after.id)
      }
      const dir = req.order === "asc" ? "ASC" : "DESC"
      params.push(req.limit + 1)
      return q<{ id: string; version: unknown; snapshot: unknown }>(
        `SELECT id, version, snapshot FROM ${t.cases} WHERE centre = ? AND ${where}${keyset} ORDER BY registered_at ${dir}, id ${dir} LIMIT ?`,
        params
      ).pipe(
        Effect.mapError(storeError("list")),
        Effect.flatMap((rows) =>
          Effect.map(
            Effect.forEach(rows.slice(0, req.limit), (r) => snapshotOf(centre, r.id, r.version, r.snapshot)),
            (items): CaseStore.ListResult => {
              const last = items.at(-1)
              // `next` only when a further row exists (the query asked for one more than the limit)
              return rows.length > req.limit && last !== undefined
                ? { items, next: { registeredAt: last.registeredAt, id: last.id } }
                : { items }
            }
          )
        )
      )
    }

    const maxBracketedParams = 1000
    /**
     * The brackets of an ungrouped aggregate's medians from a sample of the table (by measure index): a median
     * whose sample is too small has none, and stays an ordinary aggregate.
     */
    const sampleBrackets = (
      sampling: SampledMedians,
      measures: ReadonlyArray<Q.MeasureSql>,
      where: string,
      whereParams: ReadonlyArray<unknown>
    ) =>
      Effect.gen(function*() {
        const out = new Map<number, { readonly low: number; readonly high: number }>()
        // a median whose condition has many parameters stays an ordinary aggregate: its bracketed form repeats them
        // five times (a long `In` list would then exceed the engine's parameter limit)
        const medians = measures.flatMap((m, i) =>
          m.medianValue === undefined || m.medianValue.params.length > maxBracketedParams
            ? []
            : [[i, m.medianValue] as const]
        )
        if (medians.length === 0) return out
        const parts = medians.flatMap(([, x], j): Array<Q.Sql> => [
          { text: `COUNT(${x.text}) AS s${j}`, params: x.params },
          Q.template((e) => `${sampling.quantiles(e, Medians.fractions)} AS q${j}`, [x])
        ])
        const [row] = yield* read(
          `SELECT ${parts.map((p) => p.text).join(", ")} FROM ${t.cases} ${
            sampling.tableSample(sampling.percent)
          } WHERE centre = ? AND ${where}`,
          [...parts.flatMap((p) => p.params), ...whereParams]
        )
        medians.forEach(([i], j) => {
          const b = Medians.bracket(Number(row?.[`s${j}`] ?? 0), row?.[`q${j}`], sampling)
          if (b !== undefined) out.set(i, b)
        })
        return out
      })

    const aggregate = (centre: string, req: CaseStore.AggregateRequest) => {
      // `sample`: whether medians may be bracketed by a sample (see `SampledMedians`); when a bracket misses, the
      // whole request is computed again without, so that every figure of the answer comes from one statement
      const compute = (
        sample: boolean
      ): Effect.Effect<ReadonlyArray<CaseStore.AggregateRow>, SqlError> =>
        Effect.gen(function*() {
          const keys = req.groupBy.map((d) => Q.dimension(d, dialect, req.utcOffsetMinutes))
          const measures = req.measures.map((m) => Q.measure(m, dialect))
          const whereParams: Array<unknown> = [centre]
          const where = Q.condition(req.where, whereParams)
          const keyCols = keys.map((k, i) => `${k.expression} AS k${i}`)
          // the medians of an ungrouped aggregate, by sampling where the dialect offers it: a sample of the table
          // brackets each median, and the pass below collects only the values inside its bracket
          const sampling = sample && keys.length === 0 ? dialect.sampledMedians : undefined
          const brackets = sampling === undefined
            ? new Map<number, { readonly low: number; readonly high: number }>()
            : yield* sampleBrackets(sampling, measures, where, whereParams)
          // each distinct aggregate expression once (a step's count and its average's count are the same COUNT)
          const aliases = new Map<string, string>()
          const values: Array<Q.Sql> = []
          const aliasOf = (e: Q.Sql): string => {
            const id = `${e.text}\u0000${JSON.stringify(e.params)}`
            let alias = aliases.get(id)
            if (alias === undefined) {
              alias = `m${values.length}`
              aliases.set(id, alias)
              values.push({ text: `${e.text} AS ${alias}`, params: e.params })
            }
            return alias
          }
          // a bracketed median's columns: the count of its values, how many lie below the bracket, and the middle
          // values (collected inside the bracket, then picked by an outer query)
          const bracketed = new Map<
            number,
            { readonly count: string; readonly below: string; readonly middle: string }
          >()
          const columnsOf = measures.map((m, i) => {
            const b = brackets.get(i)
            if (b === undefined || m.medianValue === undefined || sampling === undefined) {
              return m.expressions.map(aliasOf)
            }
            const x = m.medianValue
            bracketed.set(i, {
              count: aliasOf({ text: `COUNT(${x.text})`, params: x.params }),
              below: aliasOf({
                text: dialect.aggregateFilter === true
                  ? `COUNT(*) FILTER (WHERE ${x.text} < ?)`
                  : `COUNT(CASE WHEN ${x.text} < ? THEN 1 END)`,
                params: [...x.params, b.low]
              }),
              middle: aliasOf(
                Q.template(sampling.collect, [x, { text: "?", params: [b.low] }, { text: "?", params: [b.high] }])
              )
            })
            return []
          })
          const select = [...keyCols, ...values.map((v) => v.text)]
          const groupBy = keys.length === 0
            ? ""
            : ` GROUP BY ${keys.map((k, i) => k.group ?? String(i + 1)).join(", ")}`
          const inner = `SELECT ${select.join(", ")} FROM ${t.cases} WHERE centre = ? AND ${where}${groupBy}`
          const middles = new Map([...bracketed.values()].map((b) => [b.middle, b] as const))
          const text = middles.size === 0 || sampling === undefined ? inner : `SELECT ${
            values.map((_, j) => {
              const alias = `m${j}`
              const b = middles.get(alias)
              return b === undefined
                ? alias
                : `${sampling.middle(alias, Medians.offsetSql(b.count, b.below))} AS ${alias}`
            }).join(", ")
          } FROM (${inner}) s`
          const rows = select.length === 0
            ? [{}]
            : yield* read(text, [...values.flatMap((v) => v.params), ...whereParams])
          const out = new Map<
            string,
            { keys: Array<string | number | boolean | null>; values: Record<string, number | null> }
          >()
          // bracketed medians whose bracket missed the middle: computed whole below
          const missed: Array<number> = []
          for (const row of rows) {
            const k = keys.map((key, i) => key.read(row[`k${i}`]))
            const values: Record<string, number | null> = {}
            measures.forEach((m, i) => {
              const b = bracketed.get(i)
              if (b === undefined) {
                values[req.measures[i]!.name] = m.combine(columnsOf[i]!.map((alias) => row[alias]))
                return
              }
              const median = Medians.fromBracket(Number(row[b.count] ?? 0), Number(row[b.below] ?? 0), row[b.middle])
              if (median === undefined) missed.push(i)
              values[req.measures[i]!.name] = median ?? null
            })
            out.set(JSON.stringify(k), { keys: k, values })
          }
          if (missed.length > 0) return yield* compute(false)
          // medians without the dialect's `median` aggregate: one window query each, over the rows its filter admits
          const keyList = keys.map((_, j) => `k${j}`)
          const partition = keys.length === 0 ? "" : `PARTITION BY ${keyList.join(", ")}`
          for (const [i, m] of measures.entries()) {
            if (m.median === undefined) continue
            const medianRows = yield* read(
              `SELECT ${[...keyList, "AVG(d) AS median"].join(", ")} FROM (
  SELECT ${
                [...keyList, "d"].join(", ")
              }, ROW_NUMBER() OVER (${partition} ORDER BY d) AS rn, COUNT(*) OVER (${partition}) AS cnt
  FROM (SELECT ${[...keyCols, `${m.median.duration} AS d`].join(", ")} FROM ${t.cases}
        WHERE ${m.median.filter.text} AND centre = ? AND ${where}) x
) y WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2)${keys.length === 0 ? "" : ` GROUP BY ${keyList.join(", ")}`}`,
              [...m.median.filter.params, ...whereParams]
            )
            for (const r of medianRows) {
              const k = keys.map((key, j) => key.read(r[`k${j}`]))
              const entry = out.get(JSON.stringify(k))
              if (entry !== undefined) entry.values[req.measures[i]!.name] = r.median === null ? null : Number(r.median)
            }
          }
          const result = [...out.values()].map((e): CaseStore.AggregateRow => ({ keys: e.keys, values: e.values }))
          return result.sort((a, b) => CaseStore.compareKeys(a.keys, b.keys))
        })
      return compute(true).pipe(
        (body) => {
          const settings = dialect.aggregateSettings ?? []
          if (settings.length === 0) return body
          // the dialect's settings for statistics, only around these queries (also inside a caller's transaction)
          const set = (value: (v: string) => string) =>
            Effect.forEach(settings, ([name, v]) => q(`SET LOCAL ${name} ${value(v)}`), { discard: true })
          return withTransaction(
            Effect.zipRight(set((v) => `= ${v}`), Effect.zipLeft(body, set(() => "TO DEFAULT")))
          )
        },
        Effect.mapError(storeError("aggregate"))
      )
    }

    // ---- audit trail and retention ---------------------------------------------------------------------------
    type EventRow = {
      case_id: string
      version: unknown
      type: unknown
      at_ms: unknown
      actor_id: unknown
      command_id: unknown
      correlation_id: unknown
      envelope: unknown
      hash: unknown
    }
    const storedEvent = (r: EventRow): AuditTrail.StoredEvent => {
      const version = Number(r.version)
      const hash = typeof r.hash === "string" ? r.hash : null
      const json = parseJson(dialect, r.envelope)
      if (Either.isLeft(json)) return { version, content: undefined, unreadable: json.left, hash }
      const e = json.right as {
        event?: { _tag?: unknown }
        at?: unknown
        actor?: { id?: unknown }
        commandId?: unknown
        correlationId?: unknown
      } | null
      const atMs = typeof e?.at === "string" ? Date.parse(e.at) : Number.NaN
      // the index columns beside the envelope are copies of its content: a changed copy is a changed row
      const problem = e === null || typeof e !== "object"
        ? "the stored event is not an object"
        : String(r.type) !== String(e.event?._tag)
        ? "the type column does not match the event"
        : Number(r.at_ms) !== atMs
        ? "the at_ms column does not match the event's time"
        : String(r.actor_id) !== String(e.actor?.id)
        ? "the actor_id column does not match the event"
        : String(r.command_id) !== String(e.commandId) || String(r.correlation_id) !== String(e.correlationId)
        ? "the command_id or correlation_id column does not match the event"
        : undefined
      return { version, content: json.right, hash, problem, atMs: Number(r.at_ms) }
    }
    const eventSelect =
      `SELECT case_id, version, type, at_ms, actor_id, command_id, correlation_id, envelope, hash FROM ${t.events}`

    const verify = (centre: string, caseId?: string) =>
      Effect.gen(function*() {
        const enabled = yield* q<{ applied_at: unknown }>(`SELECT applied_at FROM ${t.migrations} WHERE id = 5`)
        const enabledAtMs = enabled.length === 0 ? undefined : Date.parse(String(enabled[0]!.applied_at))
        let report = AuditTrail.emptyReport
        let after: string | undefined
        for (;;) {
          const params: Array<unknown> = [centre]
          let where = "centre = ?"
          if (caseId !== undefined) {
            where += " AND id = ?"
            params.push(caseId)
          } else if (after !== undefined) {
            where += " AND id > ?"
            params.push(after)
          }
          const page = yield* q<{ id: string; version: unknown; head_hash: unknown; status: unknown }>(
            `SELECT id, version, head_hash, status FROM ${t.cases} WHERE ${where} ORDER BY id LIMIT 500`,
            params
          )
          const last = caseId ?? (page.length === 500 ? page.at(-1)!.id : undefined)
          // events of the page's id range: (after, last], so rows without a case row are found too
          const eventParams: Array<unknown> = [centre]
          let eventWhere = "centre = ?"
          if (caseId !== undefined) {
            eventWhere += " AND case_id = ?"
            eventParams.push(caseId)
          } else {
            if (after !== undefined) {
              eventWhere += " AND case_id > ?"
              eventParams.push(after)
            }
            if (last !== undefined) {
              eventWhere += " AND case_id <= ?"
              eventParams.push(last)
            }
          }
          const rows = yield* q<EventRow>(`${eventSelect} WHERE ${eventWhere} ORDER BY case_id, version`, eventParams)
          const byCase = new Map<string, Array<AuditTrail.StoredEvent>>()
          for (const r of rows) {
            const list = byCase.get(r.case_id) ?? []
            if (list.length === 0) byCase.set(r.case_id, list)
            list.push(storedEvent(r))
          }
          const caseRows = new Map(page.map((r) => [r.id, r]))
          const ids = [...new Set([...caseRows.keys(), ...byCase.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          for (const id of ids) {
            const row = caseRows.get(id)
            const events = byCase.get(id) ?? []
            const findings = row === undefined
              ? {
                events: events.length,
                unhashed: 0,
                broken: { version: events[0]?.version ?? 1, reason: "events are stored without a case row" }
              }
              : AuditTrail.checkCase(
                id,
                events,
                {
                  version: Number(row.version),
                  hash: typeof row.head_hash === "string" ? row.head_hash : null,
                  status: String(row.status)
                },
                enabledAtMs
              )
            report = AuditTrail.addFindings(report, id, findings)
          }
          if (caseId !== undefined || last === undefined) return report
          after = last
        }
      }).pipe(Effect.mapError(storeError("verify")))

    const redact = (req: CaseStore.RedactRequest) =>
      withTransaction(Effect.gen(function*() {
        const snapshotJson = JSON.stringify(req.snapshot)
        const hashes = req.events === undefined ? [] : AuditTrail.chain(AuditTrail.genesis, req.events)
        const head = req.events === undefined ? AuditTrail.purgedHead : hashes.at(-1) ?? AuditTrail.genesis
        const updated = req.snapshot.version !== req.version ? [] : yield* q(
          `UPDATE ${t.cases} SET snapshot = ${
            dialect.jsonParameter("?")
          }, head_hash = ? WHERE centre = ? AND id = ? AND version = ? RETURNING version`,
          [snapshotJson, head, req.centre, req.caseId, req.version]
        )
        if (updated.length === 0) {
          return yield* new Errors.VersionConflict({
            caseId: req.caseId,
            expectedVersion: req.version,
            actualVersion: yield* currentVersion(req.centre, req.caseId)
          })
        }
        yield* q(`DELETE FROM ${t.events} WHERE centre = ? AND case_id = ?`, [req.centre, req.caseId])
        // the outbox holds copies of the events: purged, they all go; rewritten, the delivered copies go and those
        // not yet delivered are rewritten (still delivered, without what retention removed)
        yield* q(
          `DELETE FROM ${t.outbox} WHERE centre = ? AND case_id = ?${
            req.events === undefined ? "" : " AND delivered_ms IS NOT NULL"
          }`,
          [req.centre, req.caseId]
        )
        if (req.events !== undefined && req.events.length > 0) {
          yield* q(
            `UPDATE ${t.outbox} SET envelope = CASE version ${
              req.events.map(() => `WHEN ? THEN ${dialect.jsonParameter("?")}`).join(" ")
            } ELSE envelope END WHERE centre = ? AND case_id = ? AND delivered_ms IS NULL`,
            [...req.events.flatMap((e) => [e.version, JSON.stringify(e)]), req.centre, req.caseId]
          )
        }
        if (req.events !== undefined) {
          yield* insertChunks(
            `INSERT INTO ${t.events} (${eventColumns})`,
            eventPlaceholders,
            req.events.map((e, i) => eventValues(req.centre, e, hashes[i]!)),
            500
          )
        }
        remember(req.centre, snapshotJson, req.snapshot)
        rememberHead(req.centre, req.caseId, req.version, head)
      })).pipe(
        Effect.catchIf(
          (e): e is SqlError => e._tag === "SqlError",
          (e) => Effect.fail(storeError("redact")(e))
        )
      )

    // ---- plugin state ----------------------------------------------------------------------------------------
    const stateVersion = (centre: string, namespace: string, key: string) =>
      Effect.map(
        q<{ version: unknown }>(`SELECT version FROM ${t.pluginState} WHERE centre = ? AND namespace = ? AND key = ?`, [
          centre,
          namespace,
          key
        ]),
        (rows) => (rows.length === 0 ? 0 : Number(rows[0]!.version))
      )

    const writeState = (centre: string, namespace: string, key: string, expectedVersion: number, value: unknown) =>
      Effect.gen(function*() {
        const conflict = (actual: number) =>
          new CaseStore.StateConflict({ namespace, key, expectedVersion, actualVersion: actual })
        if (value === undefined) {
          if (expectedVersion === 0) {
            const actual = yield* stateVersion(centre, namespace, key)
            return actual === 0 ? 0 : yield* conflict(actual)
          }
          const deleted = yield* q(
            `DELETE FROM ${t.pluginState} WHERE centre = ? AND namespace = ? AND key = ? AND version = ? RETURNING version`,
            [centre, namespace, key, expectedVersion]
          )
          return deleted.length === 1 ? 0 : yield* conflict(yield* stateVersion(centre, namespace, key))
        }
        const json = JSON.stringify(value)
        const written = expectedVersion === 0
          ? yield* q(
            `INSERT INTO ${t.pluginState} (centre, namespace, key, version, value, updated_ms) VALUES (?, ?, ?, 1, ${
              dialect.jsonParameter("?")
            }, ?) ON CONFLICT DO NOTHING RETURNING version`,
            [centre, namespace, key, json, Date.now()]
          )
          : yield* q(
            `UPDATE ${t.pluginState} SET version = version + 1, value = ${
              dialect.jsonParameter("?")
            }, updated_ms = ? WHERE centre = ? AND namespace = ? AND key = ? AND version = ? RETURNING version`,
            [json, Date.now(), centre, namespace, key, expectedVersion]
          )
        return written.length === 1
          ? Number(written[0]!.version)
          : yield* conflict(yield* stateVersion(centre, namespace, key))
      }).pipe(
        Effect.catchIf(
          (e): e is SqlError => e._tag === "SqlError",
          (e) => Effect.fail(storeError("writeState")(e))
        )
      )

    const stateEntries = (rows: ReadonlyArray<{ key: string; value: unknown; version: unknown }>) =>
      rows.map((r): CaseStore.StateEntry => ({
        key: r.key,
        value: dialect.readJson(r.value),
        version: Number(r.version)
      }))

    const store: SqlStore = {
      capabilities: {
        name: dialect.name,
        persistent: true,
        concurrentWriters: dialect.concurrentWriters,
        parallelReads: Math.max(1, Math.floor(options.parallelReads ?? 1))
      },
      dialect,
      tables: t,
      outboxSubscriptions: subscriptions,
      migrate,
      appliedMigrations: appliedMigrations.pipe(Effect.mapError(storeError("appliedMigrations"))),
      ensureMigrated: ensureMigrated.pipe(Effect.mapError(storeError("ensureMigrated"))),
      load: (centre, caseId) => loadWhere("id", centre, caseId),
      loadMany,
      loadByCode: (centre, code) => loadWhere("code", centre, code),
      append,
      appendBatch,
      readEvents: (centre, caseId, range) =>
        q<{ version: unknown; type: unknown; envelope: unknown }>(
          `SELECT version, type, envelope FROM ${t.events} WHERE centre = ? AND case_id = ? AND version >= ? AND version <= ? ORDER BY version`,
          [centre, caseId, range?.fromVersion ?? 1, range?.toVersion ?? 2_147_483_647]
        ).pipe(
          Effect.mapError(storeError("readEvents")),
          Effect.flatMap((rows) => {
            // versions are contiguous: row i is version first + i. A row missing (deleted by hand) or stored under
            // another number is a gap, named by the first version not found. A purged case has no rows at all; a
            // range past the last event, none either
            const first = Math.max(1, Math.ceil(range?.fromVersion ?? 1))
            return Effect.forEach(rows, (r, i) => {
              const expected = first + i
              if (Number(r.version) !== expected) {
                return Effect.fail(
                  new Errors.CorruptRecord({ caseId, version: expected, reason: `event ${expected} is missing` })
                )
              }
              const e = envelopeOf(caseId, r)
              return Either.isRight(e) ? Effect.succeed(e.right) : Effect.fail(e.left)
            })
          })
        ),
      findCommand: (centre, commandId) =>
        q<{ case_id: string; from_version: unknown; to_version: unknown }>(
          `SELECT case_id, from_version, to_version FROM ${t.commands} WHERE centre = ? AND command_id = ?`,
          [centre, commandId]
        ).pipe(
          Effect.mapError(storeError("findCommand")),
          Effect.map((rows) =>
            rows.length === 0
              ? Option.none()
              : Option.some({
                commandId,
                caseId: rows[0]!.case_id,
                fromVersion: Number(rows[0]!.from_version),
                toVersion: Number(rows[0]!.to_version)
              })
          )
        ),
      nextSequence: (centre, scope, count = 1) =>
        q<{ value: unknown }>(
          `INSERT INTO ${t.sequences} (centre, scope, value) VALUES (?, ?, ?) ON CONFLICT (centre, scope) DO UPDATE SET value = ${t.sequences}.value + ? RETURNING value`,
          [centre, scope, count, count]
        ).pipe(
          Effect.map((rows) => Number(rows[0]!.value) - count + 1),
          Effect.mapError(storeError("nextSequence"))
        ),
      list,
      aggregate,
      verify,
      redact,
      registerCentre: (centre, nodes) => {
        // the cases table keeps a column per level for grouping by jurisdiction (place_d0 … place_d5): a deeper
        // tree would be grouped wrongly, so it is refused before anything is written
        const deep = nodes.find((n: Jurisdiction.PlacedNode) => n.depth > MAX_DEPTH)
        if (deep !== undefined) {
          return Effect.fail(
            new Errors.StoreError({
              operation: "registerCentre",
              reason: `the SQL stores hold jurisdiction trees of at most ${MAX_DEPTH + 1} levels from the centre's ` +
                `root; node ${deep.code} is on level ${deep.depth + 1}`
            })
          )
        }
        return withTransaction(Effect.zipRight(
          // centres starting at once replace the tree one after the other (PostgreSQL: an advisory lock held
          // until COMMIT; SQLite's BEGIN IMMEDIATE already excludes other writers)
          dialect.migrationLock === undefined
            ? q(`DELETE FROM ${t.jurisdictions} WHERE centre = ?`, [centre])
            : Effect.zipRight(
              q(dialect.migrationLock(t.jurisdictions)),
              q(`DELETE FROM ${t.jurisdictions} WHERE centre = ?`, [centre])
            ),
          insertChunks(
            `INSERT INTO ${t.jurisdictions} (centre, code, parent, level, tier, depth, name, path)`,
            "(?, ?, ?, ?, ?, ?, ?, ?)",
            nodes.map((n: Jurisdiction.PlacedNode) => [
              centre,
              n.code,
              n.parent ?? null,
              n.level,
              n.tier,
              n.depth,
              n.name,
              n.path
            ]),
            500
          )
        )).pipe(Effect.mapError(storeError("registerCentre")))
      },
      readState: (centre, namespace, keys) =>
        keys.length === 0 ? Effect.succeed([]) : q<{ key: string; value: unknown; version: unknown }>(
          `SELECT key, value, version FROM ${t.pluginState} WHERE centre = ? AND namespace = ? AND key IN (${
            keys.map(() => "?").join(", ")
          })`,
          [centre, namespace, ...keys]
        ).pipe(
          Effect.map((rows) => {
            const byKey = new Map(stateEntries(rows).map((e) => [e.key, e]))
            return keys.flatMap((k) => {
              const e = byKey.get(k)
              return e === undefined ? [] : [e]
            })
          }),
          Effect.mapError(storeError("readState"))
        ),
      writeState,
      scanState: (centre, namespace, options) => {
        // substr counts characters (code points), not JavaScript's UTF-16 units
        const params: Array<unknown> = [centre, namespace, options.prefix, [...options.prefix].length, options.prefix]
        let text =
          `SELECT key, value, version FROM ${t.pluginState} WHERE centre = ? AND namespace = ? AND key >= ? AND substr(key, 1, ?) = ?`
        const last = options.prefix.charCodeAt(options.prefix.length - 1)
        if (options.prefix.length > 0 && last < 0xd7ff) {
          // an upper bound keeps the scan inside the prefix's range of the index
          text += " AND key < ?"
          params.push(options.prefix.slice(0, -1) + String.fromCharCode(last + 1))
        }
        if (options.after !== undefined) {
          text += " AND key > ?"
          params.push(options.after)
        }
        params.push(options.limit)
        return q<{ key: string; value: unknown; version: unknown }>(`${text} ORDER BY key LIMIT ?`, params).pipe(
          Effect.map(stateEntries),
          Effect.mapError(storeError("scanState"))
        )
      },
      pluginMigrations: (centre, plugin) => {
        const select = q<{ id: unknown }>(
          `SELECT id FROM ${t.pluginMigrations} WHERE centre = ? AND plugin = ? ORDER BY id`,
          [centre, plugin]
        )
        // inside a transaction, the store's migration lock first (held until it ends): a process applying a plugin
        // migration reads, applies and records it before another one reads (SQLite: BEGIN IMMEDIATE already did)
        const locked = dialect.migrationLock === undefined
          ? select
          : Effect.zipRight(q(dialect.migrationLock(t.migrations)), select)
        return inTransactionOr(locked, select).pipe(
          Effect.map((rows) => rows.map((r) => Number(r.id))),
          Effect.mapError(storeError("pluginMigrations"))
        )
      },
      recordPluginMigration: (centre, plugin, id, name) =>
        q(`INSERT INTO ${t.pluginMigrations} (centre, plugin, id, name, applied_at) VALUES (?, ?, ?, ?, ?)`, [
          centre,
          plugin,
          id,
          name,
          new Date().toISOString()
        ]).pipe(Effect.asVoid, Effect.mapError(storeError("recordPluginMigration"))),
      withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        withTransaction(effect).pipe(
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
