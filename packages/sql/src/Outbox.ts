/**
 * The outbox (发件箱): every appended event is also written, in the same transaction, as one row per configured
 * subscription. Consumers receive every event at least once and, for each case, in version order. Several workers
 * can share a subscription: each batch claims the oldest undelivered event of distinct cases (on PostgreSQL with
 * `FOR UPDATE SKIP LOCKED`, so workers never wait on each other), hands them to the handler, and marks them
 * delivered when the handler succeeds — a failure leaves them for the next attempt.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import type * as Statement from "@effect/sql/Statement"
import { Errors, Event } from "@fengqiao/core"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import { SqlStore } from "./SqlStore.js"

/**
 * An event waiting in the outbox.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly seq: number
  readonly subscription: string
  readonly caseId: string
  readonly version: number
  readonly envelope: Event.Envelope
}

/**
 * What a consumer does with an entry it cannot read (an event type this version does not know, a damaged row):
 * `"fail"` (the default) fails the batch with `CorruptRecord` and leaves the entry pending, so the consumer stops
 * at it; `"park"` sets it aside (see {@link Outbox.parked}) with a warning in the log and goes on with the other
 * cases. A parked entry still holds back the later entries of its own case, so they are never delivered out of
 * order; {@link Outbox.unpark} puts it back once the consumer can read it (after an upgrade, a repair).
 *
 * @since 0.1.0
 * @category models
 */
export type OnCorrupt = "fail" | "park"

/**
 * Options of one batch.
 *
 * @since 0.1.0
 * @category models
 */
export interface BatchOptions {
  /** Events per batch (default 100). */
  readonly limit?: number | undefined
  /** What to do with an entry that cannot be read (default `"fail"`). */
  readonly onCorrupt?: OnCorrupt | undefined
}

/**
 * An entry set aside because it could not be read.
 *
 * @since 0.1.0
 * @category models
 */
export interface Parked {
  readonly seq: number
  readonly subscription: string
  readonly caseId: string
  readonly version: number
  readonly reason: string
  /** When it was parked (ISO 8601). */
  readonly parkedAt: string
}

/**
 * Options of a consumer.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunOptions extends BatchOptions {
  /** How long to wait between polls when idle (default 1 second). */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** A stream that ticks when new events may be waiting (PostgreSQL `LISTEN`); polling only if absent. */
  readonly wake?: Stream.Stream<unknown, unknown> | undefined
}

/**
 * The outbox of one centre.
 *
 * @since 0.1.0
 * @category models
 */
export interface Outbox {
  /**
   * Claims up to `limit` events (the next undelivered one of distinct cases), runs `handle` on them in outbox
   * order inside a transaction and marks them delivered. Returns how many were delivered. An entry that cannot be
   * read fails the batch with `CorruptRecord`, or is parked with `onCorrupt: "park"` (see {@link OnCorrupt}).
   */
  readonly processBatch: <E, R>(
    subscription: string,
    handle: (entries: ReadonlyArray<Entry>) => Effect.Effect<void, E, R>,
    options?: BatchOptions
  ) => Effect.Effect<number, E | Errors.StoreError | Errors.CorruptRecord, R>
  /** Processes batches until none is left, then waits for a wake-up or the poll interval, forever. */
  readonly run: <E, R>(
    subscription: string,
    handle: (entries: ReadonlyArray<Entry>) => Effect.Effect<void, E, R>,
    options?: RunOptions
  ) => Effect.Effect<never, E | Errors.StoreError | Errors.CorruptRecord, R>
  /** How many events wait for a subscription (parked ones included: they are not delivered). */
  readonly pending: (subscription: string) => Effect.Effect<number, Errors.StoreError>
  /** The entries set aside for a subscription, oldest first. */
  readonly parked: (subscription: string) => Effect.Effect<ReadonlyArray<Parked>, Errors.StoreError>
  /**
   * Puts parked entries back in line (all of the subscription's, or those whose `seq` is given); the next batch
   * claims them again. Returns how many were put back.
   */
  readonly unpark: (
    subscription: string,
    seqs?: ReadonlyArray<number>
  ) => Effect.Effect<number, Errors.StoreError>
}

const decodeEnvelope = ParseResult.decodeUnknownEither(Event.Envelope)

/**
 * The outbox of a centre in the SQL store in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (centre: string): Effect.Effect<Outbox, never, SqlStore | SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const store = yield* SqlStore
    const sql = yield* SqlClient.SqlClient
    const { dialect, tables: t } = store
    const outbox = sql.literal(t.outbox)
    // statements built with @effect/sql's compiler and run through its own execution (with its spans); none before
    // the schema is complete (see SqlStore.ensureMigrated)
    const q = <A extends object>(statement: Statement.Statement<A>) =>
      Effect.zipRight(
        Effect.mapError(store.ensureMigrated, (e) => new SqlError({ message: e.reason, cause: e })),
        statement
      )
    const fail = (operation: string) => (e: SqlError) =>
      new Errors.StoreError({ operation, reason: e.message, cause: e })

    const claim = (subscription: string, limit: number) =>
      sql<
        { seq: unknown; case_id: string; version: unknown; envelope: unknown }
      >`SELECT seq, case_id, version, envelope FROM ${outbox} o
WHERE o.centre = ${centre} AND o.subscription = ${subscription} AND o.delivered_ms IS NULL AND o.parked_ms IS NULL
  AND NOT EXISTS (
    SELECT 1 FROM ${outbox} p
    WHERE p.centre = o.centre AND p.subscription = o.subscription AND p.case_id = o.case_id
      AND p.delivered_ms IS NULL AND p.seq < o.seq)
ORDER BY o.seq LIMIT ${limit}${sql.literal(dialect.skipLocked)}`

    /** One batch: how many entries it claimed (delivered and parked) and how many it delivered. */
    const batch = <E, R>(
      subscription: string,
      handle: (entries: ReadonlyArray<Entry>) => Effect.Effect<void, E, R>,
      options: BatchOptions | undefined
    ) =>
      store.withTransaction(Effect.gen(function*() {
        const limit = options?.limit ?? 100
        if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
          return yield* new Errors.StoreError({
            operation: "outbox.claim",
            reason: `limit: expected an integer from 1 to 100000, got ${String(limit)}`
          })
        }
        const rows = yield* q(claim(subscription, limit)).pipe(Effect.mapError(fail("outbox.claim")))
        if (rows.length === 0) return { claimed: 0, delivered: 0 }
        const entries: Array<Entry> = []
        for (const r of rows) {
          const version = Number(r.version)
          const decoded = Either.flatMap(
            Either.try({ try: () => dialect.readJson(r.envelope), catch: (e) => String(e) }),
            (json) => Either.mapLeft(decodeEnvelope(json), (e) => ParseResult.TreeFormatter.formatIssueSync(e))
          ).pipe(
            // a readable envelope of another case or version (a row damaged or copied by hand) is not this entry
            Either.filterOrLeft(
              (env) => env.caseId === r.case_id && env.version === version && env.centre === centre,
              (env) => `the envelope is of case ${env.caseId} version ${env.version}, not of this entry`
            )
          )
          if (Either.isLeft(decoded)) {
            if (options?.onCorrupt !== "park") {
              return yield* new Errors.CorruptRecord({
                caseId: r.case_id,
                version,
                reason: "outbox entry cannot be read"
              })
            }
            const reason = `outbox entry cannot be read: ${decoded.left}`.slice(0, 1000)
            yield* q(
              sql`UPDATE ${outbox} SET parked_ms = ${Date.now()}, parked_reason = ${reason} WHERE centre = ${centre} AND seq = ${
                Number(r.seq)
              }`
            ).pipe(Effect.mapError(fail("outbox.park")))
            yield* Effect.logWarning(`outbox ${subscription}: parked entry ${Number(r.seq)}`).pipe(
              Effect.annotateLogs({ caseId: r.case_id, version, reason })
            )
            continue
          }
          entries.push({ seq: Number(r.seq), subscription, caseId: r.case_id, version, envelope: decoded.right })
        }
        if (entries.length > 0) {
          yield* handle(entries)
          yield* q(
            sql`UPDATE ${outbox} SET delivered_ms = ${Date.now()} WHERE centre = ${centre} AND seq IN ${
              sql.in(entries.map((e) => e.seq))
            }`
          ).pipe(Effect.mapError(fail("outbox.ack")))
        }
        return { claimed: rows.length, delivered: entries.length }
      }))

    const processBatch: Outbox["processBatch"] = (subscription, handle, options) =>
      Effect.map(batch(subscription, handle, options), (r) => r.delivered)

    const drain = <E, R>(
      subscription: string,
      handle: (entries: ReadonlyArray<Entry>) => Effect.Effect<void, E, R>,
      options: BatchOptions | undefined
    ): Effect.Effect<void, E | Errors.StoreError | Errors.CorruptRecord, R> =>
      Effect.flatMap(
        batch(subscription, handle, options),
        // a batch that only parked entries still claimed some: there may be more behind them
        (r) => r.claimed === 0 ? Effect.void : drain(subscription, handle, options)
      )

    const run: Outbox["run"] = (subscription, handle, options) => {
      const idle = Effect.sleep(options?.pollInterval ?? Duration.seconds(1))
      const loop = (wait: Effect.Effect<void>) =>
        Effect.forever(
          Effect.zipRight(drain(subscription, handle, options), wait)
        )
      const wake = options?.wake
      if (wake === undefined) return loop(idle)
      // Listen for the consumer's whole life, not only while it waits: a wake-up that arrives while it drains (or
      // between its last, empty claim and the wait) leaves a token, so the next wait returns at once. Listening
      // only during the wait loses a notification committed in that gap until the poll interval.
      return Effect.scoped(Effect.gen(function*() {
        const woken = yield* Queue.sliding<void>(1)
        yield* Effect.forkScoped(Effect.ignore(Stream.runForEach(wake, () => Queue.offer(woken, undefined))))
        return yield* loop(Effect.race(idle, Queue.take(woken)))
      }))
    }

    return {
      processBatch,
      run,
      pending: (subscription) =>
        q(
          sql<
            { n: unknown }
          >`SELECT COUNT(*) AS n FROM ${outbox} WHERE centre = ${centre} AND subscription = ${subscription} AND delivered_ms IS NULL`
        ).pipe(Effect.map((rows) => Number(rows[0]?.n ?? 0)), Effect.mapError(fail("outbox.pending"))),
      parked: (subscription) =>
        q(
          sql<
            { seq: unknown; case_id: string; version: unknown; parked_ms: unknown; parked_reason: string | null }
          >`SELECT seq, case_id, version, parked_ms, parked_reason FROM ${outbox}
WHERE centre = ${centre} AND subscription = ${subscription} AND delivered_ms IS NULL AND parked_ms IS NOT NULL ORDER BY seq`
        ).pipe(
          Effect.map((rows) =>
            rows.map((r): Parked => ({
              seq: Number(r.seq),
              subscription,
              caseId: r.case_id,
              version: Number(r.version),
              reason: r.parked_reason ?? "",
              parkedAt: new Date(Number(r.parked_ms)).toISOString()
            }))
          ),
          Effect.mapError(fail("outbox.parked"))
        ),
      unpark: (subscription, seqs) =>
        seqs !== undefined && !seqs.every((n) => Number.isSafeInteger(n) && n > 0)
          ? Effect.fail(
            new Errors.StoreError({ operation: "outbox.unpark", reason: "seqs: expected the seq numbers of entries" })
          )
          : seqs !== undefined && seqs.length === 0
          ? Effect.succeed(0)
          : q(
            sql<{ seq: unknown }>`UPDATE ${outbox} SET parked_ms = NULL, parked_reason = NULL
WHERE centre = ${centre} AND subscription = ${subscription} AND parked_ms IS NOT NULL${
              seqs === undefined ? sql.literal("") : sql` AND seq IN ${sql.in(seqs)}`
            } RETURNING seq`
          ).pipe(Effect.map((rows) => rows.length), Effect.mapError(fail("outbox.unpark")))
    }
  })
