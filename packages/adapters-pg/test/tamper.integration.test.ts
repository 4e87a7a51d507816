/**
 * Tampering that computes no hash (issue 26, section 1), on PostgreSQL: rows changed as a superuser so that the
 * stored chain still links — a last event deleted with the head moved back, an open case passed off as purged, a
 * whole case deleted, snapshot and summary rows edited. `verify` finds each at the right case, and `get`, `list` and
 * the access check answer a typed `CorruptRecord`, never the tampered data.
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

const ids = {
  healthy: "m0-healthy",
  tailCut: "m1-tail-cut",
  forgedArchive: "m2-forged-archive",
  deleted: "m3-deleted",
  snapshotPlace: "m4-snapshot-place",
  summaryPlace: "m5-summary-place",
  summaryStatus: "m6-summary-status",
  other: "m7-other-township"
} as const

describe(`PostgreSQL: tampering that computes no hash is found (${db.source})`, () => {
  it.live("verify names each tampered case; get, list and the access check answer CorruptRecord", () =>
    Effect.scoped(Effect.gen(function*() {
      const prefix = freshPrefix("tamper")
      const { center } = yield* open({ url: db.url, tablePrefix: prefix, maxConnections: db.maxConnections })
      for (const caseId of Object.values(ids)) {
        const commands = toHandling(caseId)
        yield* runAll(
          center,
          caseId === ids.other
            ? [{ ...commands[0], place: "222403001001", intakeNode: "222403001001" }, commands[1]!]
            : commands
        )
      }
      expect(yield* center.verify({ actor })).toMatchObject({ ok: true, cases: 8 })

      const cases = `${prefix}cases`
      const events = `${prefix}events`
      const ofCase = `centre = $1 AND id = $2`
      // 1. the last event deleted, the previous event's hash copied into the head, the versions patched
      yield* admin(`DELETE FROM ${events} WHERE centre = $1 AND case_id = $2 AND version = 5`, [centre, ids.tailCut])
      yield* admin(
        `UPDATE ${cases} SET version = 4, snapshot = jsonb_set(snapshot::jsonb, '{version}', '4')::text,
           head_hash = (SELECT hash FROM ${events} WHERE centre = $1 AND case_id = $2 AND version = 4) WHERE ${ofCase}`,
        [centre, ids.tailCut]
      )
      // 2. an open case's events deleted and the case passed off as archived and purged
      yield* admin(`DELETE FROM ${events} WHERE centre = $1 AND case_id = $2`, [centre, ids.forgedArchive])
      yield* admin(
        `UPDATE ${cases} SET head_hash = 'purged', status = 'archived',
           snapshot = jsonb_set(snapshot::jsonb, '{status}', '"archived"')::text WHERE ${ofCase}`,
        [centre, ids.forgedArchive]
      )
      // 3. a whole case deleted: a gap in the case codes (一案一码)
      const [deleted] = yield* admin(`SELECT code FROM ${cases} WHERE ${ofCase}`, [centre, ids.deleted])
      const deletedCode = String(deleted!.code)
      yield* admin(`DELETE FROM ${events} WHERE centre = $1 AND case_id = $2`, [centre, ids.deleted])
      yield* admin(`DELETE FROM ${prefix}commands WHERE centre = $1 AND case_id = $2`, [centre, ids.deleted])
      yield* admin(`DELETE FROM ${cases} WHERE ${ofCase}`, [centre, ids.deleted])
      // 4. the snapshot's place moved to another township
      yield* admin(
        `UPDATE ${cases} SET snapshot = jsonb_set(snapshot::jsonb, '{place}', '"222403001001"')::text WHERE ${ofCase}`,
        [centre, ids.snapshotPlace]
      )
      // 5. the summary row's place moved to another township (copied from a case there)
      const placeColumns = ["place_code", "place_path", "place_d0", "place_d1", "place_d2", "place_d3"]
      yield* admin(
        `UPDATE ${cases} AS c SET ${placeColumns.map((col) => `${col} = o.${col}`).join(", ")}
           FROM ${cases} AS o WHERE o.centre = $1 AND o.id = $3 AND c.centre = $1 AND c.id = $2`,
        [centre, ids.summaryPlace, ids.other]
      )
      // 6. the summary row's status changed
      yield* admin(`UPDATE ${cases} SET status = 'closed' WHERE ${ofCase}`, [centre, ids.summaryStatus])

      // a fresh centre over the same tables: nothing remembered from before the edits
      const { center: fresh } = yield* open({ url: db.url, tablePrefix: prefix, maxConnections: db.maxConnections })
      expect(yield* fresh.verify({ actor, caseId: ids.healthy })).toMatchObject({ ok: true, cases: 1, events: 5 })
      const tampered = [ids.tailCut, ids.forgedArchive, ids.snapshotPlace, ids.summaryPlace, ids.summaryStatus]
      for (const caseId of tampered) {
        const report = yield* fresh.verify({ actor, caseId })
        expect(report.ok, caseId).toBe(false)
        expect(report.broken?.caseId, caseId).toBe(caseId)
      }
      for (const caseId of tampered) {
        const failure = yield* Effect.flip(fresh.get({ actor, caseId }))
        expect(failure._tag, caseId).toBe("CorruptRecord")
      }
      for (const caseId of [ids.snapshotPlace, ids.summaryPlace]) {
        const failure = yield* Effect.flip(fresh.get({ actor: Examples.otherTownship, caseId }))
        expect(failure._tag, caseId).toBe("CorruptRecord")
      }
      const listed = yield* Effect.either(fresh.list({ actor: Examples.otherTownship }))
      if (listed._tag === "Right") {
        expect(listed.right.items.map((c) => c.id)).toStrictEqual([ids.other])
      } else {
        expect(listed.left._tag).toBe("CorruptRecord")
      }
      const whole = yield* fresh.verify({ actor })
      expect(whole.ok).toBe(false)
      expect(whole.broken?.caseId).toBe(ids.tailCut)
      expect(JSON.stringify(whole)).toContain(deletedCode)
    })))
})
