/**
 * The outbox on SQLite: every committed event reaches each subscription at least once, in version order per case;
 * a failing handler leaves its entries for the next batch; `pending` counts down to 0.
 */
import { describe, expect, it } from "@effect/vitest"
import { type Center, type Event, Examples, SimulatedClock } from "@fengqiao/core"
import { Outbox, SqlStore } from "@fengqiao/sql"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { join } from "node:path"
import { SqliteStore } from "../src/index.js"
import { tempDir } from "./fixtures/processes.js"
import { withDatabase } from "./fixtures/rawDb.js"
import { centre, config, importItem, open, registerInput, supervisionInput } from "./fixtures/shared.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

const actor = Examples.admin
const key = (caseId: string, version: number) => `${caseId}#${version}`

/** A centre with an outbox, some history written through single commands, an import and a rolled-back batch. */
const setup = (filename: string) =>
  Effect.gen(function*() {
    const opened = yield* open({ filename, outboxSubscriptions: ["bus", "audit"] })
    const { center, store } = opened
    const caseIds: Array<string> = []
    for (let i = 0; i < 3; i++) caseIds.push((yield* center.execute(registerInput({ caseId: `ob-${i}` }))).caseId)
    // interleave the cases' commands, so outbox order differs from case order
    for (const caseId of caseIds) yield* center.execute({ _tag: "Accept", actor, caseId })
    for (let k = 0; k < 3; k++) {
      for (const caseId of caseIds) yield* center.execute(supervisionInput(caseId, `${caseId}-o${k}`))
    }
    // the bulk path
    const imported = yield* center.importCases({ cases: [importItem("ob-a"), importItem("ob-b")] })
    caseIds.push(...imported.imported.map((c) => c.caseId))
    // a transaction that fails leaves nothing in the outbox
    const rolledBack = yield* Effect.either(store.withTransaction(Effect.gen(function*() {
      yield* center.execute(registerInput({ caseId: "ob-rolled-back" }))
      yield* center.execute(supervisionInput(caseIds[0]!, "rolled-back"))
      return yield* Effect.fail("abort" as const)
    })))
    expect(Either.isLeft(rolledBack)).toBe(true)
    const events: Array<Event.Envelope> = []
    for (const caseId of caseIds) events.push(...(yield* store.readEvents(centre, caseId)))
    const outbox = yield* Effect.provide(Outbox.make(centre), opened.context)
    return { ...opened, caseIds, events, outbox }
  })

describe("SQLite: outbox", () => {
  it.live("delivers every event at least once, in version order per case; failures are redelivered", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const { caseIds, center, events, outbox } = yield* setup(join(dir, "outbox.db"))
      expect(events).toHaveLength(3 * 5 + 2 * 3)
      expect(yield* outbox.pending("bus")).toBe(events.length)
      expect(yield* outbox.pending("audit")).toBe(events.length)

      // a failing handler: nothing is marked delivered, the same entries come again
      const failed: Array<Outbox.Entry> = []
      const boom = yield* Effect.flip(outbox.processBatch("bus", (entries) => {
        failed.push(...entries)
        return Effect.fail("handler failed" as const)
      }, { limit: 4 }))
      expect(boom).toBe("handler failed")
      expect(failed).toHaveLength(4)
      expect(yield* outbox.pending("bus")).toBe(events.length)

      const delivered: Array<Outbox.Entry> = []
      const batches: Array<ReadonlyArray<Outbox.Entry>> = []
      const pendingAfter: Array<number> = []
      for (;;) {
        const n = yield* outbox.processBatch("bus", (entries) =>
          Effect.sync(() => {
            batches.push(entries)
            delivered.push(...entries)
          }), { limit: 4 })
        if (n === 0) break
        expect(n).toBe(batches.at(-1)!.length)
        pendingAfter.push(yield* outbox.pending("bus"))
      }
      // the entries of the failed attempt are the first ones delivered
      expect(batches[0]!.map((e) => e.seq)).toEqual(failed.map((e) => e.seq))
      // pending counts down by each batch, to 0
      let expected = events.length
      batches.forEach((b, i) => {
        expected -= b.length
        expect(pendingAfter[i]).toBe(expected)
      })
      expect(pendingAfter.at(-1)).toBe(0)
      // each batch holds at most one entry per case
      for (const b of batches) expect(new Set(b.map((e) => e.caseId)).size).toBe(b.length)
      // every event, exactly as stored; per case in version order
      expect(new Set(delivered.map((e) => key(e.caseId, e.version)))).toEqual(
        new Set(events.map((e) => key(e.caseId, e.version)))
      )
      for (const e of delivered) {
        expect(e.subscription).toBe("bus")
        expect(e.envelope).toStrictEqual(events.find((x) => x.caseId === e.caseId && x.version === e.version))
      }
      for (const caseId of caseIds) {
        const versions = delivered.filter((e) => e.caseId === caseId).map((e) => e.version)
        expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1))
      }
      expect(delivered.some((e) => e.caseId === "ob-rolled-back")).toBe(false)
      // other subscriptions are untouched
      expect(yield* outbox.pending("audit")).toBe(events.length)

      // a new command is a new entry
      const more = yield* center.execute(supervisionInput(caseIds[1]!, "later"))
      expect(yield* outbox.pending("bus")).toBe(1)
      const late: Array<Outbox.Entry> = []
      expect(yield* outbox.processBatch("bus", (entries) => Effect.sync(() => late.push(...entries)))).toBe(1)
      expect(late.map((e) => key(e.caseId, e.version))).toEqual([key(caseIds[1]!, more.version)])
      expect(yield* outbox.pending("bus")).toBe(0)
    })))

  it.live("two consumers draining one subscription at once deliver everything, in order per case", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const { caseIds, events, outbox } = yield* setup(join(dir, "workers.db"))
      const delivered: Array<Outbox.Entry> = []
      const worker: Effect.Effect<void, unknown> = Effect.flatMap(
        outbox.processBatch("audit", (entries) => Effect.sync(() => delivered.push(...entries)), { limit: 3 }),
        (n) => (n === 0 ? Effect.void : worker)
      )
      yield* Effect.all([worker, worker], { concurrency: 2, discard: true })
      expect(yield* outbox.pending("audit")).toBe(0)
      expect(new Set(delivered.map((e) => key(e.caseId, e.version)))).toEqual(
        new Set(events.map((e) => key(e.caseId, e.version)))
      )
      for (const caseId of caseIds) {
        const versions = delivered.filter((e) => e.caseId === caseId).map((e) => e.version)
        expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1))
      }
    })))

  it.live("an unreadable outbox entry is a typed CorruptRecord, and stays pending", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "corrupt-outbox.db")
      const { events, outbox } = yield* setup(filename)
      withDatabase(filename, (db) =>
        db.prepare(
          "UPDATE fq_outbox SET envelope = '{not json' WHERE subscription = 'bus' AND case_id = 'ob-1' AND version = 1"
        ).run())
      let handled = 0
      const error = yield* Effect.flip(outbox.processBatch("bus", (entries) =>
        Effect.sync(() => {
          handled += entries.length
        })))
      expect(error).toMatchObject({ _tag: "CorruptRecord", caseId: "ob-1", version: 1 })
      expect(handled).toBe(0)
      expect(yield* outbox.pending("bus")).toBe(events.length)
    })))

  it.live("a readable envelope of another case or version in an entry is a CorruptRecord too, not delivered", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "copied-outbox.db")
      const { outbox } = yield* setup(filename)
      // ob-1's first entry holds a copy of ob-0's first envelope
      withDatabase(filename, (db) =>
        db.prepare(
          "UPDATE fq_outbox SET envelope = (SELECT envelope FROM fq_outbox WHERE subscription = 'bus' AND " +
            "case_id = 'ob-0' AND version = 1) WHERE subscription = 'bus' AND case_id = 'ob-1' AND version = 1"
        ).run())
      const handled: Array<Outbox.Entry> = []
      const error = yield* Effect.flip(
        outbox.processBatch("bus", (entries) => Effect.sync(() => void handled.push(...entries)))
      )
      expect(error).toMatchObject({ _tag: "CorruptRecord", caseId: "ob-1", version: 1 })
      expect(handled).toEqual([])
    })))
})

describe("SQLite: outbox and retention (保存期限)", () => {
  it.live("anonymising rewrites the copies not yet delivered and drops the delivered ones; purging drops them all", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "retention-outbox.db")
      const { events, outbox, store } = yield* setup(filename)
      // "audit" has delivered everything (a batch takes the next entry of each case); "bus" nothing yet
      while ((yield* outbox.processBatch("audit", () => Effect.void, { limit: 1000 })) > 0) {
        // next batch
      }
      expect(yield* outbox.pending("audit")).toBe(0)
      expect(yield* outbox.pending("bus")).toBe(events.length)
      const redacted = (caseId: string, purge: boolean) =>
        Effect.gen(function*() {
          const snapshot = Option.getOrThrow(yield* store.load(centre, caseId))
          const kept = (yield* store.readEvents(centre, caseId)).map((e) =>
            e.event._tag === "Registered" ? { ...e, event: { ...e.event, description: "（已匿名）" } } : e
          )
          yield* store.redact!({
            centre,
            caseId,
            version: snapshot.version,
            snapshot,
            events: purge ? undefined : kept
          })
          return kept.length
        })
      const copies = (caseId: string) =>
        withDatabase(filename, (db) =>
          db.prepare(
            "SELECT subscription, delivered_ms IS NOT NULL AS delivered, envelope FROM fq_outbox WHERE case_id = ?"
          ).all(caseId) as Array<{ subscription: string; delivered: number; envelope: string }>)
      // anonymised: the pending copies stay, rewritten (it used to delete them: never delivered)
      const n = yield* redacted("ob-0", false)
      expect(yield* outbox.pending("bus")).toBe(events.length)
      const left = copies("ob-0")
      expect(left).toHaveLength(n)
      expect(left.every((c) => c.subscription === "bus" && c.delivered === 0)).toBe(true)
      expect(left.map((c) => JSON.parse(c.envelope).event.description).filter(Boolean)).toEqual(["（已匿名）"])
      // purged: every copy goes
      const m = yield* redacted("ob-1", true)
      expect(copies("ob-1")).toEqual([])
      expect(yield* outbox.pending("bus")).toBe(events.length - m)
      // what is delivered of the anonymised case is the rewritten event
      const seen: Array<Outbox.Entry> = []
      yield* outbox.processBatch("bus", (entries) => Effect.sync(() => void seen.push(...entries)), { limit: 1000 })
      // (the first batch holds each case's first pending entry: version 1 of the anonymised case among them)
      const registered = seen.find((e) => e.caseId === "ob-0" && e.version === 1)!
      expect(registered.envelope.event).toMatchObject({ _tag: "Registered", description: "（已匿名）" })
    })))
})

describe("SQLite: outbox, parking what cannot be read", () => {
  it.live("onCorrupt: park sets the entry aside; other cases flow, its own case waits in order; unpark puts it back", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "parked-outbox.db")
      const { events, outbox } = yield* setup(filename)
      const seqOf = (caseId: string, version: number) =>
        withDatabase(
          filename,
          (db) =>
            (db.prepare("SELECT seq FROM fq_outbox WHERE subscription = 'bus' AND case_id = ? AND version = ?").get(
              caseId,
              version
            ) as { seq: number }).seq
        )
      const damaged = seqOf("ob-1", 2)
      const envelope = withDatabase(
        filename,
        (db) =>
          (db.prepare("SELECT envelope FROM fq_outbox WHERE seq = ?").get(damaged) as { envelope: string }).envelope
      )
      // an event type this version does not know, as a newer SDK would write it
      withDatabase(filename, (db) =>
        db.prepare("UPDATE fq_outbox SET envelope = ? WHERE seq = ?").run(
          envelope.replace(/"_tag":"[A-Za-z]+"/, "\"_tag\":\"FromTheFuture\""),
          damaged
        ))
      const delivered: Array<Outbox.Entry> = []
      const record = (entries: ReadonlyArray<Outbox.Entry>) => Effect.sync(() => void delivered.push(...entries))
      // by default the consumer stops at it (once a batch reaches it), having delivered nothing of that batch
      let stopped: unknown
      for (let i = 0; i < 50 && stopped === undefined; i++) {
        const r = yield* Effect.either(outbox.processBatch("bus", record))
        if (Either.isLeft(r)) stopped = r.left
      }
      expect(stopped).toMatchObject({ _tag: "CorruptRecord", caseId: "ob-1", version: 2 })
      // parked: everything else of the other cases arrives, ob-1 stops before version 2
      while ((yield* outbox.processBatch("bus", record, { onCorrupt: "park" })) > 0) {
        // drain
      }
      const of = (caseId: string) => delivered.filter((e) => e.caseId === caseId).map((e) => e.version)
      const total = (caseId: string) => events.filter((e) => e.caseId === caseId).length
      for (const caseId of ["ob-0", "ob-2", "ob-a", "ob-b"]) {
        expect(of(caseId), caseId).toEqual(Array.from({ length: total(caseId) }, (_, i) => i + 1))
      }
      expect(of("ob-1")).toEqual([1])
      const parked = yield* outbox.parked("bus")
      expect(parked).toMatchObject([{ seq: damaged, caseId: "ob-1", version: 2, subscription: "bus" }])
      expect(parked[0]!.reason).toMatch(/cannot be read/)
      expect(yield* outbox.pending("bus")).toBe(total("ob-1") - 1)
      // the other subscription is not affected by this one's parking: it still stops at the entry by default
      expect(yield* outbox.parked("audit")).toEqual([])
      // repaired (here: the row put back as it was) and unparked: the rest of ob-1 arrives, in order
      withDatabase(
        filename,
        (db) => db.prepare("UPDATE fq_outbox SET envelope = ? WHERE seq = ?").run(envelope, damaged)
      )
      expect(yield* outbox.unpark("bus", [damaged])).toBe(1)
      expect(yield* outbox.unpark("bus")).toBe(0)
      while ((yield* outbox.processBatch("bus", record, { onCorrupt: "park" })) > 0) {
        // drain
      }
      expect(of("ob-1")).toEqual(Array.from({ length: total("ob-1") }, (_, i) => i + 1))
      expect(yield* outbox.pending("bus")).toBe(0)
      expect(yield* outbox.parked("bus")).toEqual([])
    })))

  it.live("used before migrate (autoMigrate: false) it fails typed, then works once migrated; bad options are typed", () =>
    Effect.gen(function*() {
      const filename = join(yield* tempDir, "outbox-unmigrated.db")
      const context = yield* Layer.build(
        SqliteStore.layer({ filename, autoMigrate: false, outboxSubscriptions: ["bus"] })
      )
      const outbox = yield* Effect.provide(Outbox.make(centre), context)
      const before = yield* Effect.flip(outbox.processBatch("bus", () => Effect.void))
      expect(before).toMatchObject({ _tag: "StoreError", operation: "outbox.claim" })
      expect(yield* Effect.flip(outbox.pending("bus"))).toMatchObject({ _tag: "StoreError" })
      yield* Context.get(context, SqlStore.SqlStore).migrate
      const center = yield* Effect.provide(scenarioMake({ config }), context)
      yield* center.execute(registerInput({ caseId: "after-migrate" }))
      // nothing was prepared before the tables existed, so nothing stays failing (SQLite caches failed prepares)
      expect(yield* outbox.pending("bus")).toBe(1)
      const seen: Array<string> = []
      yield* outbox.processBatch("bus", (entries) => Effect.sync(() => seen.push(...entries.map((e) => e.caseId))))
      expect(seen).toEqual(["after-migrate"])
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        expect(yield* Effect.flip(outbox.processBatch("bus", () => Effect.void, { limit })), String(limit))
          .toMatchObject({ _tag: "StoreError", operation: "outbox.claim" })
      }
      expect(yield* Effect.flip(outbox.unpark("bus", [1.5]))).toMatchObject({
        _tag: "StoreError",
        operation: "outbox.unpark"
      })
    }).pipe(Effect.scoped))
})
