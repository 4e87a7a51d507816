/**
 * The store's context: how its statements run (the dialect's final text, straight on a transaction's connection,
 * the schema checked before anything is prepared) and the schema migrations that context depends on.
 *
 * @internal
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import type * as Statement from "@effect/sql/Statement"
import { AuditTrail, Errors } from "@fengqiao/core"
import * as EffectContext from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { Dialect } from "../../Dialect.js"
import * as Migrations from "../../Migrations.js"
import { caseColumns } from "../columns.js"
import * as InternalErrors from "../errors.js"
import * as Q from "../query.js"
import { makeWithTransaction } from "../transaction.js"

/** @internal */
export const storeError = (operation: string) => (cause: SqlError) =>
  new Errors.StoreError({ operation, reason: cause.message + InternalErrors.describeCause(cause.cause), cause })

/** @internal */
export const parseJson = (dialect: Dialect, value: unknown): Either.Either<unknown, string> => {
  try {
    return Either.right(dialect.readJson(value))
  } catch (e) {
    return Either.left(`invalid JSON (${e instanceof Error ? e.message : String(e)})`)
  }
}

/** A statement's rows. @internal */
export type Run = <A extends object = Record<string, unknown>>(
  text: string,
  params?: ReadonlyArray<unknown>
) => Effect.Effect<ReadonlyArray<A>, SqlError>

/** The store's tables as fragments of `@effect/sql` statements (their names as they are, not quoted). @internal */
export type TableFragments = { readonly [K in keyof Migrations.Tables]: Statement.Fragment }

/** What every part of the store shares. @internal */
export interface Context {
  readonly dialect: Dialect
  readonly prefix: string
  readonly t: Migrations.Tables
  /**
   * `@effect/sql`'s statement constructor: the store's statements are built with it (`sql\`…\``, `sql.in`,
   * `sql.and`, `sql.csv`), so its compiler writes the dialect's placeholders and binds every value.
   */
  readonly sql: Statement.Constructor
  /** {@link t} as fragments, for {@link sql}'s templates. */
  readonly tf: TableFragments
  /** A JSON parameter in a {@link sql} template, wrapped as the dialect asks ({@link Dialect.jsonParameter}). */
  readonly json: (text: string) => string | Statement.Fragment
  /**
   * Runs a statement built with {@link sql}: compiled by `@effect/sql`'s compiler, then run as {@link q} runs text
   * (straight on the transaction's connection when one is open, once the schema is complete). The store's own
   * fast path, for the statements of a command: `@effect/sql`'s execution adds a span, a fiber-runtime step and a
   * scoped connection acquisition per statement — a one-row `SELECT` inside a transaction on SQLite took ~20 µs
   * that way against ~7 µs on this path (a micro benchmark on the 2-core bench machine under load), i.e. ~50 µs
   * more per command over its four statements, about 5 % of `Center on SQLite` in `pnpm bench sqlite`.
   */
  readonly run: <A extends object = Record<string, unknown>>(
    statement: Statement.Statement<A>
  ) => Effect.Effect<ReadonlyArray<A>, SqlError>
  /**
   * Runs a statement built with {@link sql} through `@effect/sql`'s own execution, with its `sql.execute` span,
   * once the schema is complete: for the statements off a command's path (plugin migrations, the jurisdiction tree,
   * retention, verification).
   */
  readonly exec: <A extends object = Record<string, unknown>>(
    statement: Statement.Statement<A>
  ) => Effect.Effect<ReadonlyArray<A>, SqlError>
  readonly subscriptions: ReadonlyArray<string>
  readonly withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError, R>
  /** A statement in the dialect's final text, straight on the transaction's connection when one is open. */
  readonly raw: Run
  /** As {@link raw}, once the schema is known to be complete. */
  readonly q: Run
  /** A statistics query: on the reader where there is one and no transaction is open, else as {@link q}. */
  readonly read: (
    text: string,
    params: ReadonlyArray<unknown>
  ) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError>
  /** `inside` when a transaction is open (on this fiber), else `outside`. */
  readonly inTransactionOr: <A, E>(inside: Effect.Effect<A, E>, outside: Effect.Effect<A, E>) => Effect.Effect<A, E>
  /**
   * A statement of fixed shape compiled once by `@effect/sql`'s compiler (its parameters are stand-ins), then run as
   * {@link run} runs one with each call's values, in the order of its parameters. For the statements of a command
   * with many parameters, whose compilation per call shows: the cases row (48 parameters) costs ~19 µs per
   * command compiled per call against ~1 µs bound to text compiled once (a micro benchmark on the 2-core bench
   * machine under load; the per-call compilation of the other statements of a command costs 0.4–2 µs each).
   */
  readonly prepare: <A extends object = Record<string, unknown>>(
    statement: Statement.Statement<A>
  ) => (params: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<A>, SqlError>
  /**
   * Multi-row `INSERT`s (`head VALUES row, row …`) of `perChunk` rows each: `row` is one row's tuple with stand-in
   * parameters (built with {@link sql}), `rows` the values of each row in its parameters' order. The text of each
   * row count is compiled once by `@effect/sql`'s compiler (a bulk import writes thousands of rows a second: a
   * fragment per value would cost ~10 µs per cases row).
   */
  readonly insertRows: (
    head: Statement.Fragment,
    row: Statement.Fragment,
    rows: ReadonlyArray<ReadonlyArray<unknown>>,
    perChunk: number
  ) => Effect.Effect<void, SqlError>
  readonly migrate: Effect.Effect<ReadonlyArray<number>, Errors.StoreError>
  /**
   * The key of the case rows' seals (HMAC), or none: keyless SHA-256 seals (see `AuditTrail.sealCase`). Set once
   * the centre gives it (`CaseStore.useSealKey`), so read when a seal is made or checked.
   */
  readonly seal: { key: Uint8Array | undefined }
  /** `CaseStore.useSealKey`: the key set, and the rows sealed without one sealed with it if none is yet. */
  readonly useSealKey: (key: Uint8Array) => Effect.Effect<void, Errors.StoreError>
  readonly appliedMigrations: Effect.Effect<ReadonlyArray<number>, SqlError>
  readonly ensureMigrated: Effect.Effect<void, SqlError>
}

/** @internal */
export const makeContext = (sql: SqlClient.SqlClient, options: {
  readonly dialect: Dialect
  readonly prefix: string
  readonly subscriptions: ReadonlyArray<string>
  readonly reader?: {
    readonly query: (
      text: string,
      params: ReadonlyArray<unknown>
    ) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError>
  } | undefined
  readonly sealKey?: Uint8Array | undefined
}): Context => {
  const { dialect, prefix } = options
  const t = Migrations.tables(prefix)
  const withTransaction = makeWithTransaction(sql, dialect.beginTransaction)
  const seal: { key: Uint8Array | undefined } = { key: options.sealKey }
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
   * statement builder, its span and a connection acquisition per statement cost far more than the statement. The
   * transaction's connection is read from the fiber's context in the same instruction (a service look-up and a
   * flatMap cost three more on every statement).
   */
  const direct = <A extends object>(text: string, params: ReadonlyArray<unknown>) =>
    Effect.withFiberRuntime<ReadonlyArray<A>, SqlError>((fiber) => {
      const tx = EffectContext.getOption(fiber.currentContext, SqlClient.TransactionConnection)
      return tx._tag === "Some"
        ? tx.value[0].execute(text, params, undefined) as Effect.Effect<ReadonlyArray<A>, SqlError>
        : sql.unsafe<A>(text, params)
    })
  /** A statement written with `?` placeholders, in the dialect's final text, run {@link direct}ly. */
  const raw = <A extends object = Record<string, unknown>>(
    text: string,
    params: ReadonlyArray<unknown> = []
  ): Effect.Effect<ReadonlyArray<A>, SqlError> => direct<A>(final(text), params)
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
  const run = <A extends object = Record<string, unknown>>(
    statement: Statement.Statement<A>
  ): Effect.Effect<ReadonlyArray<A>, SqlError> => {
    const [text, params] = statement.compile()
    return migrated ? direct<A>(text, params) : Effect.zipRight(ensureMigrated, direct<A>(text, params))
  }
  const exec = <A extends object = Record<string, unknown>>(
    statement: Statement.Statement<A>
  ): Effect.Effect<ReadonlyArray<A>, SqlError> => migrated ? statement : Effect.zipRight(ensureMigrated, statement)
  const tf = Object.fromEntries(
    Object.entries(t).map(([k, name]) => [k, sql.literal(name)])
  ) as unknown as TableFragments
  const [jsonBefore, jsonAfter] = dialect.jsonParameter("\u0000").split("\u0000") as [string, string | undefined]
  const json = jsonBefore === "" && (jsonAfter ?? "") === ""
    ? (text: string): string | Statement.Fragment => text
    : (text: string): string | Statement.Fragment =>
      sql`${sql.literal(jsonBefore)}${text}${sql.literal(jsonAfter ?? "")}`
  const inTransactionOr = <A, E>(inside: Effect.Effect<A, E>, outside: Effect.Effect<A, E>) =>
    Effect.withFiberRuntime<A, E>((fiber) =>
      EffectContext.getOption(fiber.currentContext, SqlClient.TransactionConnection)._tag === "Some" ? inside : outside
    )
  const reader = options.reader
  const read = (
    text: string,
    params: ReadonlyArray<unknown>
  ): Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError> =>
    reader === undefined
      ? q(text, params)
      : inTransactionOr(q(text, params), Effect.zipRight(ensureMigrated, reader.query(final(text), params)))
  const prepare = <A extends object = Record<string, unknown>>(statement: Statement.Statement<A>) => {
    const [text] = statement.compile()
    return (params: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<A>, SqlError> =>
      migrated ? direct<A>(text, params) : Effect.zipRight(ensureMigrated, direct<A>(text, params))
  }
  // the text of each (head, row count), compiled once
  const insertTexts = new WeakMap<Statement.Fragment, Map<number, string>>()
  const insertText = (head: Statement.Fragment, row: Statement.Fragment, n: number) => {
    let texts = insertTexts.get(head)
    if (texts === undefined) insertTexts.set(head, texts = new Map())
    let text = texts.get(n)
    if (text === undefined) {
      text = sql`${head} VALUES ${sql.csv(Array.from({ length: n }, () => row))}`.compile()[0]
      if (texts.size < 100) texts.set(n, text)
    }
    return text
  }
  const insertRows = (
    head: Statement.Fragment,
    row: Statement.Fragment,
    rows: ReadonlyArray<ReadonlyArray<unknown>>,
    perChunk: number
  ) =>
    Effect.forEach(
      Array.from(
        { length: Math.ceil(rows.length / perChunk) },
        (_, i) => rows.slice(i * perChunk, (i + 1) * perChunk)
      ),
      (chunk) => {
        const text = insertText(head, row, chunk.length)
        return migrated ? direct(text, chunk.flat()) : Effect.zipRight(ensureMigrated, direct(text, chunk.flat()))
      },
      { discard: true }
    )

  /**
   * Migration 9's own step: every case row present at the upgrade is sealed as it stands (keyless, or with the
   * store's seal key), and a case purged under the bare marker gets a legacy purge record, page by page.
   */
  const sealRows = (which: "all" | "keyless") =>
    Effect.gen(function*() {
      const columns = caseColumns.join(", ")
      const keyless = which === "keyless" ? " AND seal LIKE 'h:%'" : ""
      let after: { centre: string; id: string } | undefined
      for (;;) {
        const page: ReadonlyArray<Record<string, unknown>> = yield* raw(
          `SELECT centre, head_hash, purge, ${columns} FROM ${t.cases} WHERE ${
            after === undefined ? "1 = 1" : "(centre, id) > (?, ?)"
          }${keyless} ORDER BY centre, id LIMIT 500`,
          after === undefined ? [] : [after.centre, after.id]
        )
        for (const r of page) {
          const centre = String(r.centre)
          const id = String(r.id)
          const head = typeof r.head_hash === "string" ? r.head_hash : null
          const purge = typeof r.purge === "string" ? r.purge : head === AuditTrail.purgedHead
            ? JSON.stringify({ _tag: "Purged", caseId: id, version: Number(r.version), legacy: true })
            : null
          const sealed = AuditTrail.sealCase(
            { centre, caseId: id, head, purge, cells: caseColumns.map((c) => r[c]) },
            seal.key
          )
          yield* raw(`UPDATE ${t.cases} SET seal = ?, purge = ? WHERE centre = ? AND id = ?`, [
            sealed,
            purge,
            centre,
            id
          ])
        }
        if (page.length < 500) return
        const last = page.at(-1)!
        after = { centre: String(last.centre), id: String(last.id) }
      }
    })

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
  const migrationsTable = sql.literal(t.migrations)
  const selectMigrations = Effect.map(
    sql<{ id: number | string }>`SELECT id FROM ${migrationsTable} ORDER BY id`,
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
      (yield* sql<{ id: number | string }>`SELECT id FROM ${migrationsTable}`).map((r) => Number(r.id))
    )
    const newer = newerSchema(done)
    if (newer !== undefined) return yield* newer
    const applied: Array<number> = []
    for (const m of all) {
      if (done.has(m.id)) continue
      for (const statement of m.statements) yield* raw(statement)
      if (m.id === 9) yield* sealRows("all")
      yield* sql`INSERT INTO ${migrationsTable} (id, name, applied_at) VALUES (${m.id}, ${m.name}, ${
        new Date().toISOString()
      })`
      applied.push(m.id)
    }
    migrated = true
    return applied as ReadonlyArray<number>
  })).pipe(Effect.mapError(storeError("migrate")))

  return {
    dialect,
    prefix,
    t,
    subscriptions: options.subscriptions,
    sql,
    tf,
    json,
    run,
    exec,
    withTransaction,
    raw,
    q,
    read,
    inTransactionOr,
    prepare,
    insertRows,
    migrate,
    seal,
    useSealKey: (key: Uint8Array) =>
      withTransaction(Effect.gen(function*() {
        seal.key = key
        // the first key a store is given seals its rows as they stand (trust on first key); once any row is sealed
        // with a key, a keyless seal is a broken link and nothing is sealed again
        const keyed = yield* raw(`SELECT 1 AS k FROM ${t.cases} WHERE seal LIKE 'k:%' LIMIT 1`)
        if (keyed.length === 0) yield* sealRows("keyless")
      })).pipe(Effect.mapError(storeError("useSealKey"))),
    appliedMigrations,
    ensureMigrated
  }
}
