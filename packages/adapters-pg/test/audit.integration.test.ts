/**
 * The audit trail on PostgreSQL: rows changed behind the store's back (as a superuser, with SQL) are found by
 * `verify`, which names the first broken link (case and version); rows without a hash (written before the audit
 * trail) are reported as unhashed.
 */
import { describe, expect, it } from "@effect/vitest"
import { Examples } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { afterAll } from "vitest"
import { testDatabase } from "./database.js"
import { centre, freshPrefix, open, runAll, toHandling } from "./support.js"

const db = await testDatabase()
afterAll(() => db.close())

const admin = (sql: string, params: ReadonlyArray<unknown> = []) => Effect.promise(() => db.admin(sql, params))
const actor = Examples.admin

const healthy = "p0-healthy"
const tampered = {
  content: "p1-content",
  hash: "p2-hash",
  lastDeleted: "p3-last-deleted",
  middleDeleted: "p4-middle-deleted",
  actorColumn: "p5-actor-column",
  headChanged: "p6-head-changed",
  forgedPurge: "p6b-forged-purge"
} as const
const legacy = "p7-legacy"

describe(`PostgreSQL: the audit trail finds rows changed directly in the database (${db.source})`, () => {
  it.live("verify names the first broken link of each case and of the whole store", () =>
    Effect.scoped(Effect.gen(function*() {
      const prefix = freshPrefix("audit")
      const { center, store } = yield* open({ url: db.url, tablePrefix: prefix, maxConnections: db.maxConnections })
      for (const caseId of [healthy, ...Object.values(tampered), legacy]) {
        yield* runAll(center, toHandling(caseId)) // versions 1 … 5
      }
      expect(yield* center.verify({ actor })).toStrictEqual({ ok: true, cases: 9, events: 45, unhashed: 0, purged: 0 })

      const event = (set: string, caseId: string, version: number, params: ReadonlyArray<unknown> = []) =>
        admin(`UPDATE ${prefix}events SET ${set} WHERE centre = $1 AND case_id = $2 AND version = $3`, [
          centre,
          caseId,
          version,
          ...params
        ])
      yield* event(`envelope = jsonb_set(envelope::jsonb, '{event,note}', '"改过的"')::text`, tampered.content, 3)
      yield* event(`hash = $4`, tampered.hash, 2, ["0".repeat(64)])
      yield* admin(`DELETE FROM ${prefix}events WHERE centre = $1 AND case_id = $2 AND version = 5`, [
        centre,
        tampered.lastDeleted
      ])
      yield* admin(`DELETE FROM ${prefix}events WHERE centre = $1 AND case_id = $2 AND version = 2`, [
        centre,
        tampered.middleDeleted
      ])
      yield* event(`actor_id = 'someone-else'`, tampered.actorColumn, 4)
      yield* admin(`UPDATE ${prefix}cases SET head_hash = $3 WHERE centre = $1 AND id = $2`, [
        centre,
        tampered.headChanged,
        "f".repeat(64)
      ])
      // the events of an open case removed under the retention rule's purge marker
      yield* admin(`DELETE FROM ${prefix}events WHERE centre = $1 AND case_id = $2`, [centre, tampered.forgedPurge])
      yield* admin(`UPDATE ${prefix}cases SET head_hash = 'purged' WHERE centre = $1 AND id = $2`, [
        centre,
        tampered.forgedPurge
      ])
      yield* admin(`UPDATE ${prefix}events SET hash = NULL WHERE centre = $1 AND case_id = $2`, [centre, legacy])
      yield* admin(`UPDATE ${prefix}cases SET head_hash = NULL, seal = NULL WHERE centre = $1 AND id = $2`, [
        centre,
        legacy
      ])

      const one = (caseId: string) => store.verify!(centre, caseId)
      expect(yield* one(healthy)).toStrictEqual({ ok: true, cases: 1, events: 5, unhashed: 0, purged: 0 })
      const expectations: ReadonlyArray<readonly [string, number, RegExp]> = [
        [tampered.content, 3, /hash does not match the event's content/],
        [tampered.hash, 2, /hash does not match/],
        [tampered.lastDeleted, 5, /case row is at version 5 but 4 event/],
        [tampered.middleDeleted, 2, /event 2 is missing/],
        [tampered.actorColumn, 4, /actor_id column does not match/],
        [tampered.headChanged, 5, /head hash does not match/],
        [tampered.forgedPurge, 5, /marked purged but is/]
      ]
      for (const [caseId, version, reason] of expectations) {
        const report = yield* one(caseId)
        expect(report.ok, caseId).toBe(false)
        expect(report.broken, caseId).toMatchObject({ caseId, version, reason: expect.stringMatching(reason) })
      }
      expect(yield* one(legacy)).toStrictEqual({
        ok: true,
        cases: 1,
        events: 5,
        unhashed: 5,
        purged: 0,
        firstUnhashed: { caseId: legacy, version: 1 }
      })
      expect(yield* center.verify({ actor })).toMatchObject({
        ok: false,
        cases: 9,
        broken: { caseId: tampered.content, version: 3 }
      })
    })))

  it.live("hashes removed from the end of a case are found, whatever times its events and the migrations say", () =>
    Effect.scoped(Effect.gen(function*() {
      const prefix = freshPrefix("audittail")
      const { center, store } = yield* open({ url: db.url, tablePrefix: prefix, maxConnections: db.maxConnections })
      // toHandling's events are backdated to 2025, before migration 5's applied_at (as imports are)
      const cases = { tail: "q1-tail", head: "q2-head", all: "q3-all" }
      for (const caseId of Object.values(cases)) yield* runAll(center, toHandling(caseId))
      const events = (set: string, caseId: string, fromVersion = 1) =>
        admin(`UPDATE ${prefix}events SET ${set} WHERE centre = $1 AND case_id = $2 AND version >= $3`, [
          centre,
          caseId,
          fromVersion
        ])
      const noHead = (caseId: string) =>
        admin(`UPDATE ${prefix}cases SET head_hash = NULL, seal = NULL WHERE centre = $1 AND id = $2`, [centre, caseId])
      // the last events changed, their hashes and the head removed
      yield* events(`envelope = jsonb_set(envelope::jsonb, '{actor,name}', '"改过的"')::text`, cases.tail, 4)
      yield* events(`hash = NULL`, cases.tail, 4)
      yield* noHead(cases.tail)
      yield* noHead(cases.head)
      yield* admin(`UPDATE ${prefix}migrations SET applied_at = '2099-01-01T00:00:00.000Z' WHERE id = 5`)
      // every hash and the head removed: indistinguishable from a case written before migration 5
      yield* events(`hash = NULL`, cases.all)
      yield* noHead(cases.all)

      const one = (caseId: string) => store.verify!(centre, caseId)
      expect((yield* one(cases.tail)).broken).toStrictEqual({
        caseId: cases.tail,
        version: 4,
        reason: expect.stringMatching(/has no hash, yet follows hashed events/)
      })
      expect((yield* one(cases.head)).broken).toStrictEqual({
        caseId: cases.head,
        version: 5,
        reason: expect.stringMatching(/no head hash, yet its events are hashed/)
      })
      expect(yield* one(cases.all)).toMatchObject({ ok: true, unhashed: 5, firstUnhashed: { version: 1 } })
      expect(yield* center.verify({ actor, caseId: cases.all, unhashed: "broken" })).toMatchObject({
        ok: false,
        unhashed: 5,
        broken: { caseId: cases.all, version: 1, reason: expect.stringMatching(/has no hash/) }
      })
      expect(yield* center.verify({ actor, unhashed: "broken" })).toMatchObject({
        ok: false,
        cases: 3,
        broken: { caseId: cases.tail, version: 4 }
      })
    })))
})
