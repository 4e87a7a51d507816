/**
 * The audit trail on SQLite: rows changed behind the store's back (through better-sqlite3 directly) are found by
 * `verify`, which names the first broken link (case and version); rows written before the audit trail existed
 * (hash NULL) are reported as unhashed, and the chain goes on from them.
 */
import { describe, expect, it } from "@effect/vitest"
import { Examples } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { join } from "node:path"
import { tempDir } from "./fixtures/processes.js"
import { withDatabase } from "./fixtures/rawDb.js"
import { open, registerInput, supervisionInput } from "./fixtures/shared.js"

const actor = Examples.admin

const tampered = {
  content: "t1-content",
  hash: "t2-hash",
  lastDeleted: "t3-last-deleted",
  middleDeleted: "t4-middle-deleted",
  hashRemoved: "t5-hash-removed",
  typeColumn: "t6-type-column",
  headChanged: "t7-head-changed",
  forgedPurge: "t7b-forged-purge"
} as const
const healthy = "t0-healthy"
const legacy = "t8-legacy"

describe("SQLite: the audit trail finds rows changed directly in the database", () => {
  it.live("verify names the first broken link of each case and of the whole store", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "audit.db")
      yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename })
        for (const caseId of [healthy, ...Object.values(tampered), legacy]) {
          yield* center.execute(registerInput({ caseId }))
          yield* center.execute({ _tag: "Accept", actor, caseId })
          yield* center.execute(supervisionInput(caseId, `${caseId}-o1`))
        }
        expect(yield* center.verify({ actor })).toStrictEqual({
          ok: true,
          cases: 10,
          events: 30,
          unhashed: 0,
          purged: 0
        })
      }))

      withDatabase(filename, (db) => {
        const run = (sql: string, ...params: ReadonlyArray<unknown>) =>
          expect(db.prepare(sql).run(...params).changes).toBeGreaterThan(0)
        run(
          `UPDATE fq_events SET envelope = json_set(envelope, '$.event.note', '已督办（改）') WHERE case_id = ? AND version = 3`,
          tampered.content
        )
        run(`UPDATE fq_events SET hash = ? WHERE case_id = ? AND version = 2`, "0".repeat(64), tampered.hash)
        run(`DELETE FROM fq_events WHERE case_id = ? AND version = 3`, tampered.lastDeleted)
        run(`DELETE FROM fq_events WHERE case_id = ? AND version = 2`, tampered.middleDeleted)
        run(`UPDATE fq_events SET hash = NULL WHERE case_id = ? AND version = 3`, tampered.hashRemoved)
        run(`UPDATE fq_events SET type = 'Rejected' WHERE case_id = ? AND version = 2`, tampered.typeColumn)
        run(`UPDATE fq_cases SET head_hash = ? WHERE id = ?`, "f".repeat(64), tampered.headChanged)
        // the events of an open case removed under the retention rule's purge marker
        run(`DELETE FROM fq_events WHERE case_id = ?`, tampered.forgedPurge)
        run(`UPDATE fq_cases SET head_hash = 'purged' WHERE id = ?`, tampered.forgedPurge)
        // as if written before migration 5 (and so before the seals of migration 9)
        run(`UPDATE fq_events SET hash = NULL WHERE case_id = ?`, legacy)
        run(`UPDATE fq_cases SET head_hash = NULL, seal = NULL WHERE id = ?`, legacy)
      })

      const { center, store } = yield* open({ filename })
      const one = (caseId: string) => store.verify!("dunhua", caseId)
      expect(yield* one(healthy)).toStrictEqual({ ok: true, cases: 1, events: 3, unhashed: 0, purged: 0 })
      const expectations: ReadonlyArray<readonly [string, number, RegExp]> = [
        [tampered.content, 3, /hash does not match the event's content/],
        [tampered.hash, 2, /hash does not match/],
        [tampered.lastDeleted, 3, /case row is at version 3 but 2 event/],
        [tampered.middleDeleted, 2, /event 2 is missing/],
        [tampered.hashRemoved, 3, /has no hash, yet follows hashed events/],
        [tampered.typeColumn, 2, /type column does not match/],
        [tampered.headChanged, 3, /head hash does not match/],
        [tampered.forgedPurge, 3, /marked purged but is/]
      ]
      for (const [caseId, version, reason] of expectations) {
        const report = yield* one(caseId)
        expect(report.ok, caseId).toBe(false)
        expect(report.broken, caseId).toMatchObject({ caseId, version, reason: expect.stringMatching(reason) })
      }
      // legacy rows are reported, not broken
      expect(yield* one(legacy)).toStrictEqual({
        ok: true,
        cases: 1,
        events: 3,
        unhashed: 3,
        purged: 0,
        firstUnhashed: { caseId: legacy, version: 1 }
      })
      // the whole store: the first broken link in case-id order, through the centre
      const whole = yield* center.verify({ actor })
      expect(whole).toMatchObject({
        ok: false,
        cases: 10,
        unhashed: 3,
        broken: { caseId: tampered.content, version: 3 }
      })
      // a legacy case takes new events: the chain starts again from them
      yield* center.execute(supervisionInput(legacy, `${legacy}-o2`))
      expect(yield* one(legacy)).toMatchObject({ ok: true, events: 4, unhashed: 3 })
    })))

  it.live("hashes removed from the end of a case are found, whatever times its events and fq_migrations say", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "audit-tail.db")
      // backdated events, as imports of historical cases have: older than migration 5's applied_at
      const backdated = (caseId: string) => [
        registerInput({ caseId }),
        { _tag: "Accept", actor, caseId, at: "2025-03-03T10:00:00+08:00" },
        supervisionInput(caseId, `${caseId}-o1`, { at: "2025-03-03T11:00:00+08:00" })
      ]
      const cases = { tail: "u1-tail", head: "u2-head", now: "u3-now", all: "u4-all" }
      yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename })
        for (const caseId of [cases.tail, cases.head, cases.all]) {
          for (const c of backdated(caseId)) yield* center.execute(c)
        }
        // written now: no time of its own can tell it from a legacy row once fq_migrations is moved
        yield* center.execute(registerInput({ caseId: cases.now, at: undefined }))
        yield* center.execute({ _tag: "Accept", actor, caseId: cases.now })
        expect(yield* center.verify({ actor })).toMatchObject({ ok: true, cases: 4, unhashed: 0 })
      }))

      withDatabase(filename, (db) => {
        const run = (sql: string, ...params: ReadonlyArray<unknown>) =>
          expect(db.prepare(sql).run(...params).changes).toBeGreaterThan(0)
        // the last two events changed, their hashes and the head removed
        run(
          `UPDATE fq_events SET hash = NULL, envelope = json_set(envelope, '$.event.note', '（改）') WHERE case_id = ? AND version = 3`,
          cases.tail
        )
        run(`UPDATE fq_events SET hash = NULL WHERE case_id = ? AND version = 2`, cases.tail)
        run(`UPDATE fq_cases SET head_hash = NULL WHERE id = ?`, cases.tail)
        // only the head removed
        run(`UPDATE fq_cases SET head_hash = NULL WHERE id = ?`, cases.head)
        run(`UPDATE fq_events SET hash = NULL WHERE case_id = ? AND version = 2`, cases.now)
        run(`UPDATE fq_cases SET head_hash = NULL WHERE id = ?`, cases.now)
        run(`UPDATE fq_migrations SET applied_at = '2099-01-01T00:00:00.000Z' WHERE id = 5`)
        // every hash and the head removed: indistinguishable from a case written before migration 5
        run(`UPDATE fq_events SET hash = NULL WHERE case_id = ?`, cases.all)
        run(`UPDATE fq_cases SET head_hash = NULL, seal = NULL WHERE id = ?`, cases.all)
      })

      const { center, store } = yield* open({ filename })
      const one = (caseId: string) => store.verify!("dunhua", caseId)
      const expectations: ReadonlyArray<readonly [string, number, RegExp]> = [
        [cases.tail, 2, /has no hash, yet follows hashed events/],
        [cases.head, 3, /no head hash, yet its events are hashed/],
        [cases.now, 2, /has no hash, yet follows hashed events/]
      ]
      for (const [caseId, version, reason] of expectations) {
        const report = yield* one(caseId)
        expect(report.ok, caseId).toBe(false)
        expect(report.broken, caseId).toMatchObject({ caseId, version, reason: expect.stringMatching(reason) })
      }
      // the limit: without hashes, a case looks as if written before the audit trail …
      expect(yield* one(cases.all)).toStrictEqual({
        ok: true,
        cases: 1,
        events: 3,
        unhashed: 3,
        purged: 0,
        firstUnhashed: { caseId: cases.all, version: 1 }
      })
      // … unless the check is told that this store had the audit trail from its start
      expect(yield* center.verify({ actor, caseId: cases.all, unhashed: "broken" })).toStrictEqual({
        ok: false,
        cases: 1,
        events: 3,
        unhashed: 3,
        purged: 0,
        firstUnhashed: { caseId: cases.all, version: 1 },
        broken: { caseId: cases.all, version: 1, reason: expect.stringMatching(/has no hash/) }
      })
      // the whole store: the first broken link in case-id order, the strict check's included
      expect(yield* center.verify({ actor })).toMatchObject({
        ok: false,
        cases: 4,
        unhashed: 3,
        broken: { caseId: cases.tail, version: 2 }
      })
      expect(yield* center.verify({ actor, unhashed: "broken" })).toMatchObject({
        ok: false,
        broken: { caseId: cases.tail, version: 2 }
      })
    })))
})
