/**
 * Writing cases: `append` (the command id, the case row with its expected-version and head checks, the events and
 * the outbox rows, in one transaction) and `appendBatch` (new cases in multi-row inserts). `insertEvents` and
 * `insertOutbox` are the only writers of the events and outbox tables (retention's `redact` uses them too).
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import { AuditTrail, CaseStore, Errors, type Event } from "@fengqiao/core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { caseColumns, caseRow } from "../columns.js"
import { doom } from "../transaction.js"
import { type Context, storeError } from "./migrate.js"
import type { Read } from "./read.js"

/** The events of one case with the hash of each, for {@link makeAppend}'s `insertEvents`. @internal */
export interface ChainedEvents {
  readonly centre: string
  readonly events: ReadonlyArray<Event.Envelope>
  readonly hashes: ReadonlyArray<string>
}

/** The events of one case, for {@link makeAppend}'s `insertOutbox`. @internal */
export interface CaseEvents {
  readonly centre: string
  readonly caseId: string
  readonly events: ReadonlyArray<Event.Envelope>
}

/** The values of an events row: the event's index columns, its envelope and its audit-trail hash. @internal */
export const eventValues = (centre: string, e: Event.Envelope, hash: string): ReadonlyArray<unknown> => [
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

type AppendError = Errors.StoreError | Errors.VersionConflict | CaseStore.DuplicateCommand

/** Whether a failure is only one of the append's refusals, which leave nothing written (see `writeOne`). */
const refusal = (cause: Cause.Cause<unknown>): boolean =>
  Cause.isFailType(cause) && (cause.error as { readonly _tag?: unknown })._tag !== "SqlError"

/** @internal */
export const makeAppend = (ctx: Context, reading: Read) => {
  const {
    dialect,
    inTransactionOr,
    insertRows,
    json,
    prefix,
    prepare,
    run,
    seal,
    sql,
    subscriptions,
    tf,
    withTransaction
  } = ctx
  const { currentHead, currentVersion, heads, remember, rememberHead } = reading
  // stand-ins for the parameters of statements compiled once (see `Context.prepare`)
  const p = null
  const pj = json("")
  const caseColumnList = sql.literal(caseColumns.join(", "))
  /** A cases row: `centre`, then {@link caseRow}'s values (the snapshot JSON last), then the head hash and seal. */
  const caseTuple = sql`(${
    sql.csv([
      sql`${p}`,
      ...caseColumns.map((c) => (c === "snapshot" ? sql`${pj}` : sql`${p}`)),
      sql`${p}`,
      sql`${p}`
    ])
  })`
  const insertCaseHead = sql`INSERT INTO ${tf.cases} (centre, ${caseColumnList}, head_hash, seal)`
  /** The seal of a row written by an append: its values bound to its head (`AuditTrail.sealCase`). */
  const sealOf = (centre: string, caseId: string, head: string, cells: ReadonlyArray<unknown>) =>
    AuditTrail.sealCase({ centre, caseId, head, purge: null, cells }, seal.key)
  const insertCase = prepare(
    sql<{ version: unknown }>`${insertCaseHead} VALUES ${caseTuple} ON CONFLICT DO NOTHING RETURNING version`
  )
  // the head it chained from must still be the row's: see `heads`
  const updateCase = prepare(
    sql<{ version: unknown }>`UPDATE ${tf.cases} SET ${
      sql.csv(caseColumns.map((c) => sql`${sql.literal(c)} = ${c === "snapshot" ? pj : p}`))
    }, head_hash = ${p}, seal = ${p}, purge = NULL WHERE centre = ${p} AND id = ${p} AND version = ${p} AND COALESCE(head_hash, '') = ${p} RETURNING version`
  )
  const eventsHead =
    sql`INSERT INTO ${tf.events} (centre, case_id, version, type, at_ms, actor_id, command_id, correlation_id, envelope, hash)`
  const eventRow = sql`(${p}, ${p}, ${p}, ${p}, ${p}, ${p}, ${p}, ${p}, ${pj}, ${p})`
  const outboxHead = sql`INSERT INTO ${tf.outbox} (centre, subscription, case_id, version, envelope, created_ms)`
  const outboxRow = sql`(${p}, ${p}, ${p}, ${p}, ${pj}, ${p})`
  const commandsHead = sql`INSERT INTO ${tf.commands} (centre, command_id, case_id, from_version, to_version)`
  const commandRow = sql`(${p}, ${p}, ${p}, ${p}, ${p})`

  /** The events of the cases, in that order, `perChunk` rows per statement. */
  const insertEvents = (cases: ReadonlyArray<ChainedEvents>, perChunk: number) =>
    insertRows(
      eventsHead,
      eventRow,
      cases.flatMap((c) => c.events.map((e, i) => eventValues(c.centre, e, c.hashes[i]!))),
      perChunk
    )

  /** One outbox row per subscription and event (subscription by subscription); nothing without subscriptions. */
  const insertOutbox = (cases: ReadonlyArray<CaseEvents>, perChunk: number) => {
    if (subscriptions.length === 0) return Effect.void
    const now = Date.now()
    return insertRows(
      outboxHead,
      outboxRow,
      subscriptions.flatMap((s) =>
        cases.flatMap((c) => c.events.map((e) => [c.centre, s, c.caseId, e.version, JSON.stringify(e), now]))
      ),
      perChunk
    )
  }

  /**
   * One append. With `undo` (inside a caller's transaction, without a savepoint), a refused append removes the
   * command id it claimed before it fails, so that it leaves nothing behind: the refusals come from the first two
   * statements, and the claim is the only write before them.
   */
  const writeOne = (req: CaseStore.AppendRequest, undo: boolean) =>
    Effect.gen(function*() {
      // ON CONFLICT … DO NOTHING: a clash is an empty RETURNING, never an error (PostgreSQL would abort the
      // whole transaction on an error)
      const claimed = yield* run(
        sql`${commandsHead} VALUES (${req.centre}, ${req.commandId}, ${req.caseId}, ${req.expectedVersion + 1}, ${
          req.expectedVersion + req.events.length
        }) ON CONFLICT DO NOTHING RETURNING command_id`
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
      const update = (from: string, chained: ReadonlyArray<string>) => {
        const head = chained.at(-1) ?? from
        return updateCase([
          ...row,
          head,
          sealOf(req.centre, req.caseId, head, row),
          req.centre,
          req.caseId,
          req.expectedVersion,
          from
        ])
      }
      let hashes = AuditTrail.chain(previous, req.events)
      let written = req.expectedVersion === 0
        ? yield* insertCase([
          req.centre,
          ...row,
          hashes.at(-1) ?? previous,
          sealOf(req.centre, req.caseId, hashes.at(-1) ?? previous, row)
        ])
        : yield* update(previous, hashes)
      if (written.length === 0 && req.expectedVersion > 0) {
        // a stale head (the row is at the expected version with another head): chain from the real one
        const h = yield* currentHead(req.centre, req.caseId)
        if (h.version === req.expectedVersion && h.hash !== previous) {
          previous = h.hash
          hashes = AuditTrail.chain(previous, req.events)
          written = yield* update(previous, hashes)
        }
      }
      if (written.length === 0) {
        const actual = yield* currentVersion(req.centre, req.caseId)
        if (undo) {
          yield* run(sql`DELETE FROM ${tf.commands} WHERE centre = ${req.centre} AND command_id = ${req.commandId}`)
        }
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
      yield* insertEvents([{ centre: req.centre, events: req.events, hashes }], 500)
      // whether or not this transaction commits, the text decides: a later read only reuses it if the row holds it
      remember(req.centre, snapshotJson, req.snapshot)
      rememberHead(req.centre, req.caseId, req.expectedVersion + req.events.length, hashes.at(-1) ?? previous)
      yield* insertOutbox([req], 500)
    })

  const notify = dialect.notify !== undefined && subscriptions.length > 0
    ? run(sql.unsafe(dialect.notify(`${prefix}outbox`)))
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

  /**
   * Inside a transaction, an append takes no savepoint of its own (two statements, on PostgreSQL two round trips,
   * per command): a refusal undoes its claim (see `writeOne`), and any other failure, which may leave part of the
   * append written, dooms the transaction (its commit becomes a rollback), so that nothing half-written commits
   * even when the caller catches the failure and goes on.
   */
  const append = (req: CaseStore.AppendRequest) =>
    inTransactionOr(
      Effect.catchAllCause(Effect.zipRight(writeOne(req, true), notify), (cause): Effect.Effect<never, AppendError> => {
        if (refusal(cause)) return Effect.failCause(cause as Cause.Cause<AppendError>)
        const failure = Cause.failureOption(cause)
        return Effect.zipRight(
          doom,
          failure._tag === "Some" && failure.value._tag === "SqlError"
            ? Effect.fail(storeError("append")(failure.value))
            : Effect.failCause(cause as Cause.Cause<AppendError>)
        )
      }),
      writeError("append")(withTransaction(Effect.zipRight(writeOne(req, false), notify)))
    )

  /** New cases in bulk: multi-row inserts; anything else goes through `writeOne`. */
  const appendBatch = (reqs: ReadonlyArray<CaseStore.AppendRequest>) =>
    withTransaction(Effect.gen(function*() {
      const fresh = reqs.filter((r) => r.expectedVersion === 0)
      if (fresh.length !== reqs.length || new Set(reqs.map((r) => r.caseId)).size !== reqs.length) {
        for (const r of reqs) yield* writeOne(r, false)
        return
      }
      const chains = reqs.map((r) => AuditTrail.chain(AuditTrail.genesis, r.events))
      yield* Effect.all([
        insertRows(
          commandsHead,
          commandRow,
          reqs.map((r) => [r.centre, r.commandId, r.caseId, 1, r.events.length]),
          1000
        ),
        insertRows(
          insertCaseHead,
          caseTuple,
          reqs.map((r, i) => {
            const row = caseRow(r.summary, JSON.stringify(r.snapshot))
            const head = chains[i]!.at(-1) ?? AuditTrail.genesis
            return [r.centre, ...row, head, sealOf(r.centre, r.caseId, head, row)]
          }),
          200
        )
      ], { discard: true })
      yield* insertEvents(reqs.map((r, i) => ({ centre: r.centre, events: r.events, hashes: chains[i]! })), 1000)
      yield* insertOutbox(reqs, 1000)
      yield* notify
    })).pipe(
      Effect.catchIf(
        (e): e is SqlError => e._tag === "SqlError" && dialect.isUniqueViolation(e),
        // a unique violation in the bulk path: replay the batch one by one inside a fresh transaction to name it
        () => withTransaction(Effect.forEach(reqs, (r) => writeOne(r, false), { discard: true }))
      ),
      writeError("appendBatch")
    )

  return { insertEvents, insertOutbox, append, appendBatch }
}
