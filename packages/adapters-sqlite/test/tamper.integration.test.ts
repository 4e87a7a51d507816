/**
 * Tampering that computes no hash (issue 26, section 1), on SQLite: rows changed directly in the database so that
 * the stored chain still links — a last event deleted with the head moved back, an open case passed off as purged,
 * a whole case deleted, snapshot and summary rows edited. `verify` finds each at the right case, and `get`, `list`
 * and the access check answer a typed `CorruptRecord`, never the tampered data.
 */
import { describe, expect, it } from "@effect/vitest"
import { AuditTrail, Examples, Privacy } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { caseColumns } from "../../sql/src/internal/columns.js"
import { tempDir } from "./fixtures/processes.js"
import { withDatabase } from "./fixtures/rawDb.js"
import { open, registerInput, supervisionInput } from "./fixtures/shared.js"

const actor = Examples.admin

const ids = {
  healthy: "k0-healthy",
  tailCut: "k1-tail-cut",
  forgedArchive: "k2-forged-archive",
  deleted: "k3-deleted",
  snapshotPlace: "k4-snapshot-place",
  summaryPlace: "k5-summary-place",
  summaryStatus: "k6-summary-status",
  other: "k7-other-township"
} as const

describe("SQLite: tampering that computes no hash is found", () => {
  it.live("verify names each tampered case; get, list and the access check answer CorruptRecord", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "tamper.db")
      yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename })
        for (const caseId of Object.values(ids)) {
          yield* center.execute(
            registerInput(caseId === ids.other ? { caseId, place: "222403001001" } : { caseId })
          )
          yield* center.execute({ _tag: "Accept", actor, caseId })
          yield* center.execute(supervisionInput(caseId, `${caseId}-o1`))
        }
        expect(yield* center.verify({ actor })).toMatchObject({ ok: true, cases: 8, events: 24 })
      }))

      let deletedCode = ""
      withDatabase(filename, (db) => {
        const run = (sql: string, ...params: ReadonlyArray<unknown>) =>
          expect(db.prepare(sql).run(...params).changes, sql).toBeGreaterThan(0)
        // 1. the last event deleted, the previous event's hash copied into the head, the versions patched
        run(`DELETE FROM fq_events WHERE case_id = ? AND version = 3`, ids.tailCut)
        run(
          `UPDATE fq_cases SET version = 2, snapshot = json_set(snapshot, '$.version', 2),
             head_hash = (SELECT hash FROM fq_events WHERE case_id = ? AND version = 2) WHERE id = ?`,
          ids.tailCut,
          ids.tailCut
        )
        // 2. an open case's events deleted and the case passed off as archived and purged
        run(`DELETE FROM fq_events WHERE case_id = ?`, ids.forgedArchive)
        run(
          `UPDATE fq_cases SET head_hash = 'purged', status = 'archived', snapshot = json_set(snapshot, '$.status', 'archived') WHERE id = ?`,
          ids.forgedArchive
        )
        // 3. a whole case deleted: a gap in the case codes (一案一码)
        deletedCode = String(
          (db.prepare(`SELECT code FROM fq_cases WHERE id = ?`).get(ids.deleted) as { code: unknown }).code
        )
        run(`DELETE FROM fq_events WHERE case_id = ?`, ids.deleted)
        run(`DELETE FROM fq_commands WHERE case_id = ?`, ids.deleted)
        run(`DELETE FROM fq_cases WHERE id = ?`, ids.deleted)
        // 4. the snapshot's place moved to another township
        run(
          `UPDATE fq_cases SET snapshot = json_set(snapshot, '$.place', '222403001001') WHERE id = ?`,
          ids.snapshotPlace
        )
        // 5. the summary row's place moved to another township (copied from a case there)
        const placeColumns = ["place_code", "place_path", "place_d0", "place_d1", "place_d2", "place_d3"]
        run(
          `UPDATE fq_cases SET ${
            placeColumns.map((c) => `${c} = (SELECT ${c} FROM fq_cases WHERE id = ?)`).join(", ")
          } WHERE id = ?`,
          ...placeColumns.map(() => ids.other),
          ids.summaryPlace
        )
        // 6. the summary row's status changed
        run(`UPDATE fq_cases SET status = 'closed' WHERE id = ?`, ids.summaryStatus)
      })

      const { center, store } = yield* open({ filename })
      expect(yield* store.verify!("dunhua", ids.healthy)).toMatchObject({ ok: true, cases: 1, events: 3 })
      for (const caseId of [ids.tailCut, ids.forgedArchive, ids.snapshotPlace, ids.summaryPlace, ids.summaryStatus]) {
        const report = yield* center.verify({ actor, caseId })
        expect(report.ok, caseId).toBe(false)
        expect(report.broken?.caseId, caseId).toBe(caseId)
      }
      // reads answer a typed CorruptRecord, never the tampered data
      for (const caseId of [ids.tailCut, ids.forgedArchive, ids.snapshotPlace, ids.summaryPlace, ids.summaryStatus]) {
        const failure = yield* Effect.flip(center.get({ actor, caseId }))
        expect(failure._tag, caseId).toBe("CorruptRecord")
      }
      // the access check: the other township's staff cannot read a case moved to them
      for (const caseId of [ids.snapshotPlace, ids.summaryPlace]) {
        const failure = yield* Effect.flip(center.get({ actor: Examples.otherTownship, caseId }))
        expect(failure._tag, caseId).toBe("CorruptRecord")
      }
      const listed = yield* Effect.either(center.list({ actor: Examples.otherTownship }))
      if (listed._tag === "Right") {
        expect(listed.right.items.map((c) => c.id)).toStrictEqual([ids.other])
      } else {
        expect(listed.left._tag).toBe("CorruptRecord")
      }
      // the whole centre: broken, and the deleted case is named by its code
      const whole = yield* center.verify({ actor })
      expect(whole.ok).toBe(false)
      expect(whole.broken?.caseId).toBe(ids.tailCut)
      expect(JSON.stringify(whole)).toContain(deletedCode)
    })))

  it.live("with a key service, rows are sealed with its key: a seal recomputed without the key is found", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "tamper-keyed.db")
      const encryption = Privacy.staticKeys({
        current: "k1",
        keys: { k1: randomBytes(32) },
        lookupKey: randomBytes(32)
      })
      // a case written before the centre had keys: sealed with the first key the store is given
      yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename })
        yield* center.execute(registerInput({ caseId: "h0-before-keys" }))
      }))
      yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename }, { encryption })
        for (const caseId of ["h1-healthy", "h2-resealed"]) {
          yield* center.execute(registerInput({ caseId }))
          yield* center.execute({ _tag: "Accept", actor, caseId })
        }
        expect(yield* center.verify({ actor })).toMatchObject({ ok: true, cases: 3 })
      }))
      const seals = withDatabase(filename, (db) => {
        const sealOf = (id: string) =>
          String((db.prepare(`SELECT seal FROM fq_cases WHERE id = ?`).get(id) as { seal: unknown }).seal)
        // the summary row's status changed, and its seal computed again as the store computes it, without the key
        expect(db.prepare(`UPDATE fq_cases SET status = 'closed' WHERE id = ?`).run("h2-resealed").changes).toBe(1)
        const row = db.prepare(`SELECT centre, head_hash, purge, ${caseColumns.join(", ")} FROM fq_cases WHERE id = ?`)
          .get("h2-resealed") as Record<string, unknown>
        const forged = AuditTrail.sealCase({
          centre: String(row.centre),
          caseId: "h2-resealed",
          head: String(row.head_hash),
          purge: null,
          cells: caseColumns.map((c) => row[c])
        })
        db.prepare(`UPDATE fq_cases SET seal = ? WHERE id = ?`).run(forged, "h2-resealed")
        return ["h0-before-keys", "h1-healthy"].map(sealOf)
      })
      expect(seals.every((seal) => seal.startsWith("k:"))).toBe(true)
      const { center } = yield* open({ filename }, { encryption })
      expect((yield* center.get({ actor, caseId: "h0-before-keys" })).id).toBe("h0-before-keys")
      expect((yield* center.get({ actor, caseId: "h1-healthy" })).version).toBe(2)
      const failure = yield* Effect.flip(center.get({ actor, caseId: "h2-resealed" }))
      expect(failure).toMatchObject({ _tag: "CorruptRecord", reason: expect.stringMatching(/without the key/) })
      expect(yield* center.verify({ actor })).toMatchObject({
        ok: false,
        broken: { caseId: "h2-resealed", version: 2, reason: expect.stringMatching(/without the key/) }
      })
    })))

  it.live("migration 9 seals the rows present at the upgrade, a legacy purge included: they stay readable", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "before-9.db")
      yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open({ filename })
        for (const caseId of ["g1-open", "g2-purged"]) {
          yield* center.execute(registerInput({ caseId }))
          yield* center.execute({ _tag: "Accept", actor, caseId })
        }
      }))
      // the file as migration 8 left it, with a case purged under the bare marker as retention did then
      withDatabase(filename, (db) => {
        db.prepare(`DELETE FROM fq_events WHERE case_id = ?`).run("g2-purged")
        db.prepare(`UPDATE fq_cases SET head_hash = 'purged', status = 'archived' WHERE id = ?`).run("g2-purged")
        db.exec("ALTER TABLE fq_cases DROP COLUMN seal")
        db.exec("ALTER TABLE fq_cases DROP COLUMN purge")
        db.prepare("DELETE FROM fq_migrations WHERE id = 9").run()
      })
      const { center } = yield* open({ filename })
      expect((yield* center.get({ actor, caseId: "g1-open" })).version).toBe(2)
      expect(yield* center.verify({ actor })).toStrictEqual({ ok: true, cases: 2, events: 2, unhashed: 0, purged: 1 })
      yield* center.execute(supervisionInput("g1-open", "g1-o1"))
      expect(yield* center.verify({ actor, caseId: "g1-open" })).toMatchObject({ ok: true, events: 3 })
    })))
})
