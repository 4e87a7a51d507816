/**
 * Records the store cannot read — an event type written by a newer SDK, a corrupt snapshot — are typed
 * `CorruptRecord` failures naming the case and version, never a crash, and the other cases go on working. The file
 * is tampered with through better-sqlite3 directly.
 */
import { describe, expect, it } from "@effect/vitest"
import { type Errors, Examples } from "@fengqiao/core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { join } from "node:path"
import { tempDir } from "./fixtures/processes.js"
import { withDatabase } from "./fixtures/rawDb.js"
import { centre, open, readCase, registerInput, supervisionInput } from "./fixtures/shared.js"

const actor = Examples.admin

/** The typed failure of an effect that must fail (a defect or a success fails the test). */
const failureOf = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value).slice(0, 200)}`)
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure)) throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
    return failure.value
  })

const expectCorrupt = <A, E>(effect: Effect.Effect<A, E>, caseId: string, version: number, reason: RegExp) =>
  Effect.map(failureOf(effect), (e) => {
    expect(e).toMatchObject({ _tag: "CorruptRecord", caseId, version })
    expect((e as Errors.CorruptRecord).reason).toMatch(reason)
    return e
  })

/** Ids of the cases, each registered, accepted and supervised (versions 1 … 3). */
const ids = {
  future: "case-future", // event 2: type column and envelope both say FutureEvent
  futureType: "case-future-type", // event 2: only the type column
  futureEnvelope: "case-future-envelope", // event 2: only the envelope's event._tag
  badEventJson: "case-bad-event-json", // event 2: envelope is not JSON
  badJson: "case-bad-json", // snapshot is not JSON
  badShape: "case-bad-shape", // snapshot is JSON but not a Case
  healthy: "case-healthy"
} as const

describe("SQLite: unreadable records", () => {
  it.live("are typed CorruptRecord naming the case and version; other cases still work", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "corrupt.db")
      const codes = yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename })
        const codes: Record<string, string> = {}
        for (const caseId of Object.values(ids)) {
          codes[caseId] = (yield* center.execute(registerInput({ caseId }))).code
          yield* center.execute({ _tag: "Accept", actor, caseId })
          yield* center.execute(supervisionInput(caseId, `${caseId}-o1`))
        }
        return codes
      }))

      withDatabase(filename, (db) => {
        const setEvent = (sql: string, caseId: string) =>
          expect(db.prepare(`UPDATE fq_events SET ${sql} WHERE case_id = ? AND version = 2`).run(caseId).changes)
            .toBe(1)
        const setSnapshot = (snapshot: string, caseId: string) =>
          expect(db.prepare("UPDATE fq_cases SET snapshot = ? WHERE id = ?").run(snapshot, caseId).changes).toBe(1)
        setEvent(
          `type = 'FutureEvent', envelope = json_set(envelope, '$.event._tag', 'FutureEvent')`,
          ids.future
        )
        setEvent(`type = 'FutureEvent'`, ids.futureType)
        setEvent(`envelope = json_set(envelope, '$.event._tag', 'FutureEvent')`, ids.futureEnvelope)
        setEvent(`envelope = substr(envelope, 1, 40)`, ids.badEventJson)
        setSnapshot("{\"id\": \"case-bad-json\", \"version\": 3,", ids.badJson)
        const shape = JSON.parse(
          (db.prepare("SELECT snapshot FROM fq_cases WHERE id = ?").get(ids.badShape) as { snapshot: string }).snapshot
        ) as Record<string, unknown>
        setSnapshot(JSON.stringify({ ...shape, status: "teleported", parties: "nobody" }), ids.badShape)
      })

      const { center, store } = yield* open({ filename })

      // events that cannot be read: readEvents, history, asOf fail; the snapshot still loads
      for (
        const [caseId, reason] of [
          [ids.future, /unknown event type "FutureEvent"/],
          [ids.futureType, /unknown event type "FutureEvent"/],
          [ids.futureEnvelope, /does not match the Accepted schema/],
          [ids.badEventJson, /invalid JSON/]
        ] as const
      ) {
        yield* expectCorrupt(store.readEvents(centre, caseId), caseId, 2, reason)
        yield* expectCorrupt(center.history({ actor, caseId }), caseId, 2, reason)
        yield* expectCorrupt(center.asOf({ actor, caseId, at: "2099-01-01T00:00:00+08:00" }), caseId, 2, reason)
        // a range that avoids the bad event is fine
        expect((yield* store.readEvents(centre, caseId, { toVersion: 1 })).map((e) => e.event._tag)).toEqual([
          "Registered"
        ])
        expect((yield* center.get({ actor, caseId })).version).toBe(3)
      }

      // snapshots that cannot be read: load, loadByCode, get, history, commands fail, naming the stored version
      for (
        const [caseId, reason] of [
          [ids.badJson, /snapshot: invalid JSON/],
          [ids.badShape, /snapshot does not match the Case schema/]
        ] as const
      ) {
        yield* expectCorrupt(store.load(centre, caseId), caseId, 3, reason)
        yield* expectCorrupt(store.loadByCode(centre, codes[caseId]!), caseId, 3, reason)
        yield* expectCorrupt(store.loadMany!(centre, [ids.healthy, caseId]), caseId, 3, reason)
        yield* expectCorrupt(center.get({ actor, caseId }), caseId, 3, reason)
        yield* expectCorrupt(center.getByCode({ actor, code: codes[caseId]! }), caseId, 3, reason)
        yield* expectCorrupt(center.history({ actor, caseId }), caseId, 3, reason)
        yield* expectCorrupt(center.execute(supervisionInput(caseId, `${caseId}-o2`)), caseId, 3, reason)
        // an import of a case with that id is refused at that command, typed (it used to be a defect)
        const importing = yield* failureOf(center.importCases({ cases: [{ commands: [registerInput({ caseId })] }] }))
        expect(importing).toMatchObject({
          _tag: "ImportRefused",
          caseIndex: 0,
          commandIndex: 0,
          error: "CorruptRecord"
        })
        // the events themselves are intact
        expect(yield* store.readEvents(centre, caseId)).toHaveLength(3)
      }
      // a page that contains a corrupt snapshot is a typed failure too
      const listed = yield* failureOf(center.list({ actor }))
      expect(listed).toMatchObject({ _tag: "CorruptRecord" })
      expect([ids.badJson, ids.badShape]).toContain((listed as Errors.CorruptRecord).caseId)

      // the other cases still work, reads and writes
      const { events, snapshot } = yield* readCase(store, ids.healthy)
      expect(events).toHaveLength(3)
      expect(snapshot?.version).toBe(3)
      const next = yield* center.execute(supervisionInput(ids.healthy, "after-corruption"))
      expect(next.version).toBe(4)
      expect(yield* center.history({ actor, caseId: ids.healthy })).toHaveLength(4)
      // a case whose snapshot is fine but whose history is not can still take commands (they need only the snapshot)
      const onFuture = yield* center.execute(supervisionInput(ids.future, "after-corruption-future"))
      expect(onFuture.version).toBe(4)
      const fresh = yield* center.execute(registerInput())
      expect((yield* center.get({ actor, caseId: fresh.caseId })).version).toBe(1)
      // aggregates read only summary columns
      const rows = yield* center.aggregate({
        actor,
        groupBy: [],
        measures: [{ _tag: "Count", name: "n" }]
      })
      expect(rows).toEqual([{ keys: [], values: { n: Object.keys(ids).length + 1 } }])
    })))

  // GAP: events are checked against their row (case id and version), snapshots are not: a snapshot that decodes
  // but belongs to another version or case is served as is, and commands on the case then fail with
  // VersionConflict on every retry
  it.live("a snapshot whose case id or version disagrees with its row is a CorruptRecord", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "mismatch.db")
      yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename })
        for (const caseId of ["case-stale", "case-other"]) {
          yield* center.execute(registerInput({ caseId }))
          yield* center.execute({ _tag: "Accept", actor, caseId })
        }
      }))
      withDatabase(filename, (db) => {
        const snapshotOf = (caseId: string) =>
          JSON.parse(
            (db.prepare("SELECT snapshot FROM fq_cases WHERE id = ?").get(caseId) as { snapshot: string }).snapshot
          ) as Record<string, unknown>
        const set = db.prepare("UPDATE fq_cases SET snapshot = ? WHERE id = ?")
        set.run(JSON.stringify({ ...snapshotOf("case-stale"), version: 1 }), "case-stale")
        set.run(JSON.stringify({ ...snapshotOf("case-other"), id: "case-stale" }), "case-other")
      })
      const { center, store } = yield* open({ filename }, { retries: 0 })
      yield* expectCorrupt(store.load(centre, "case-stale"), "case-stale", 2, /version/)
      yield* expectCorrupt(center.execute(supervisionInput("case-stale", "o1")), "case-stale", 2, /version/)
      yield* expectCorrupt(store.load(centre, "case-other"), "case-other", 2, /case-stale/)
    })))

  it.live("a CorruptRecord quoting the stored value masks the personal numbers in it (issue 26)", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "quoting.db")
      yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename })
        yield* center.execute(registerInput({ caseId: "case-quoting" }))
      }))
      withDatabase(filename, (db) => {
        const snapshot = JSON.parse(
          (db.prepare("SELECT snapshot FROM fq_cases WHERE id = ?").get("case-quoting") as { snapshot: string })
            .snapshot
        ) as Record<string, unknown>
        // a damaged row: the schema error quotes the value it refused, here a phone number and an ID number
        db.prepare("UPDATE fq_cases SET snapshot = ? WHERE id = ?").run(
          JSON.stringify({ ...snapshot, status: "13812345678", priority: "110105199001010021" }),
          "case-quoting"
        )
      })
      const { center, store } = yield* open({ filename })
      const reads: ReadonlyArray<Effect.Effect<unknown, unknown>> = [
        store.load(centre, "case-quoting"),
        center.get({ actor, caseId: "case-quoting" })
      ]
      for (const read of reads) {
        const e = (yield* expectCorrupt(
          read,
          "case-quoting",
          1,
          /snapshot does not match the Case schema/
        )) as Errors.CorruptRecord
        expect(e.reason).toContain("138****5678")
        for (const text of [e.reason, e.message, JSON.stringify(e)]) {
          expect(text).not.toContain("13812345678")
          expect(text).not.toContain("110105199001010021")
        }
      }
    })))

  it.live("a missing event or one stored under another version is a CorruptRecord naming the missing version", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "gaps.db")
      // versions 1 … 4 each: registered, accepted, supervised twice
      const cases = ["case-gap", "case-first", "case-renumbered", "case-whole"]
      yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename })
        for (const caseId of cases) {
          yield* center.execute(registerInput({ caseId }))
          yield* center.execute({ _tag: "Accept", actor, caseId })
          yield* center.execute(supervisionInput(caseId, `${caseId}-o1`))
          yield* center.execute(supervisionInput(caseId, `${caseId}-o2`))
        }
      }))
      withDatabase(filename, (db) => {
        const run = (sql: string, caseId: string) => expect(db.prepare(sql).run(caseId).changes).toBe(1)
        run("DELETE FROM fq_events WHERE case_id = ? AND version = 2", "case-gap")
        run("DELETE FROM fq_events WHERE case_id = ? AND version = 1", "case-first")
        // row and envelope agree with each other, but not with the versions before them
        run(
          "UPDATE fq_events SET version = 6, envelope = json_set(envelope, '$.version', 6) WHERE case_id = ? AND version = 4",
          "case-renumbered"
        )
      })
      const { center, store } = yield* open({ filename })
      for (
        const [caseId, missing] of [["case-gap", 2], ["case-first", 1], ["case-renumbered", 4]] as const
      ) {
        const reason = new RegExp(`^event ${missing} is missing$`)
        yield* expectCorrupt(store.readEvents(centre, caseId), caseId, missing, reason)
        yield* expectCorrupt(store.readEvents(centre, caseId, { fromVersion: 0 }), caseId, missing, reason)
        yield* expectCorrupt(center.history({ actor, caseId }), caseId, missing, reason)
        yield* expectCorrupt(center.asOf({ actor, caseId, at: "2099-01-01T00:00:00+08:00" }), caseId, missing, reason)
      }
      for (const [caseId, missing] of [["case-gap", 2], ["case-first", 1]] as const) {
        const reason = new RegExp(`^event ${missing} is missing$`)
        yield* expectCorrupt(store.readEvents(centre, caseId, { toVersion: 3 }), caseId, missing, reason)
        // a retried command is answered from the history up to its events: not from a history with a hole
        yield* expectCorrupt(center.execute(supervisionInput(caseId, `${caseId}-o1`)), caseId, missing, reason)
      }
      // ranges that start after the gap, or end before it, are whole
      const versions = (caseId: string, range: { fromVersion?: number; toVersion?: number }) =>
        Effect.map(store.readEvents(centre, caseId, range), (es) => es.map((e) => e.version))
      expect(yield* versions("case-gap", { fromVersion: 3 })).toEqual([3, 4])
      expect(yield* versions("case-gap", { toVersion: 1 })).toEqual([1])
      expect(yield* versions("case-first", { fromVersion: 2 })).toEqual([2, 3, 4])
      expect(yield* versions("case-renumbered", { toVersion: 3 })).toEqual([1, 2, 3])
      // an event past the end with a hole before it is found from any start before it
      yield* expectCorrupt(
        store.readEvents(centre, "case-renumbered", { fromVersion: 5 }),
        "case-renumbered",
        5,
        /^event 5 is missing$/
      )
      // and an untouched case reads as before, from any start
      expect(yield* versions("case-whole", {})).toEqual([1, 2, 3, 4])
      expect(yield* versions("case-whole", { fromVersion: 0 })).toEqual([1, 2, 3, 4])
      expect(yield* versions("case-whole", { fromVersion: 2, toVersion: 3 })).toEqual([2, 3])
      expect(yield* versions("case-whole", { fromVersion: 5 })).toEqual([])
    })))
})
