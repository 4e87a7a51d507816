/**
 * A SQLite writer killed with SIGKILL leaves no partial command behind, and the file opens and works afterwards.
 * The writer is a child process (`fixtures/crash-writer.ts`) that reports, as JSON lines, what it committed and
 * when it is blocked inside an open transaction.
 */
import { describe, expect, it } from "@effect/vitest"
import { Examples, Lifecycle } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { join } from "node:path"
import { jsonLines, start, tempDir } from "./fixtures/processes.js"
import { withDatabase } from "./fixtures/rawDb.js"
import {
  centre,
  importItem,
  inconsistencies,
  open,
  readCase,
  registerInput,
  supervisionInput,
  year
} from "./fixtures/shared.js"

interface Committed {
  readonly caseId: string
  readonly code: string
  readonly version: number
}

interface Blocked {
  readonly caseIds: ReadonlyArray<string>
  readonly commandIds: ReadonlyArray<string>
  readonly touched: ReadonlyArray<string>
  readonly walBefore: number
  readonly walNow: number
}

/** Reads the file with better-sqlite3 directly (no store): counts and the case-code counter. */
const inspect = (filename: string) =>
  withDatabase(filename, (db) => {
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
    const seq = db.prepare("SELECT value FROM fq_sequences WHERE centre = ? AND scope = ?").get(
      centre,
      `caseCode:${year}`
    ) as { value: number } | undefined
    return {
      integrity: db.pragma("integrity_check", { simple: true }),
      cases: count("fq_cases"),
      events: count("fq_events"),
      commands: count("fq_commands"),
      sequence: seq?.value,
      // every command row points at events that exist
      danglingCommands: (db.prepare(
        `SELECT COUNT(*) AS n FROM fq_commands c WHERE (SELECT COUNT(*) FROM fq_events e
           WHERE e.centre = c.centre AND e.case_id = c.case_id AND e.version BETWEEN c.from_version AND c.to_version)
           <> c.to_version - c.from_version + 1`
      ).get() as { n: number }).n,
      // every event was written by a recorded command
      orphanEvents: (db.prepare(
        `SELECT COUNT(*) AS n FROM fq_events e WHERE NOT EXISTS (SELECT 1 FROM fq_commands c
           WHERE c.centre = e.centre AND c.case_id = e.case_id AND e.version BETWEEN c.from_version AND c.to_version)`
      ).get() as { n: number }).n,
      caseIds: (db.prepare("SELECT id FROM fq_cases WHERE centre = ? ORDER BY id").all(centre) as Array<{ id: string }>)
        .map((r) => r.id)
    }
  })

describe("SQLite: a writer killed with SIGKILL", () => {
  it.live("in the middle of a batch (inside an open transaction) leaves none of it; the store works afterwards", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "crash-import.db")
      const writer = yield* start("crash-writer.ts", ["import", filename])
      const marker = yield* writer.waitForLine((l) => l.includes(`"type":"blocked"`))
      // the child sits inside its open transaction: kill it there
      yield* writer.kill("SIGKILL")
      const exit = yield* writer.exited
      expect(exit.signal).toBe("SIGKILL")

      const blocked = JSON.parse(marker) as Blocked
      const committed = jsonLines(writer).filter((l) => l.type === "committed").flatMap((l) =>
        l.cases as Array<Committed>
      )
      expect(committed).toHaveLength(61)
      expect(blocked.caseIds).toHaveLength(405)
      // uncommitted pages of the interrupted transaction had reached the WAL file when it was killed
      expect(blocked.walNow).toBeGreaterThan(blocked.walBefore)

      // the file as SQLite sees it, before any store opens it
      const raw = inspect(filename)
      expect(raw.integrity).toBe("ok")
      expect(raw.cases).toBe(61)
      expect(raw.events).toBe(61 * 3)
      expect(raw.sequence).toBe(61)
      expect(raw.danglingCommands).toBe(0)
      expect(raw.orphanEvents).toBe(0)
      expect(raw.caseIds).toEqual(committed.map((c) => c.caseId).sort())

      const { center, store } = yield* open({ filename })
      // nothing of the interrupted transaction: no case, no event, no command id
      for (const caseId of blocked.caseIds) {
        expect(Option.isNone(yield* store.load(centre, caseId))).toBe(true)
        expect(yield* store.readEvents(centre, caseId)).toEqual([])
      }
      for (const commandId of blocked.commandIds) {
        expect(Option.isNone(yield* store.findCommand(centre, commandId))).toBe(true)
      }
      // every committed case is intact: as reported at commit, snapshot = replay, codes gapless 1 … 61
      for (const c of committed) {
        const { events, snapshot } = yield* readCase(store, c.caseId)
        expect(snapshot?.version).toBe(c.version)
        expect(snapshot?.code).toBe(c.code)
        expect(events.map((e) => e.version)).toEqual(Array.from({ length: c.version }, (_, i) => i + 1))
        expect(snapshot).toStrictEqual(Lifecycle.replay(events))
      }
      expect(committed.map((c) => c.code).sort()).toEqual(
        Array.from({ length: 61 }, (_, i) => center.config.formatCode(year, i + 1))
      )
      // the commands the transaction ran on committed cases left them as they were
      for (const caseId of blocked.touched) {
        const c = (yield* store.load(centre, caseId)).pipe(Option.getOrThrow)
        expect(c.version).toBe(3)
        expect(c.status).toBe("accepted")
        expect(c.supervision.map((o) => o.orderId)).not.toContain("pending-order")
      }

      // new commands work, and the case-code sequence did not advance for the lost registrations
      const fresh = yield* center.execute(registerInput({ commandId: "after-reg" }))
      expect(fresh.code).toBe(center.config.formatCode(year, 62))
      const accepted = yield* center.execute({
        _tag: "Accept",
        actor: Examples.admin,
        caseId: fresh.caseId,
        commandId: "after-acc"
      })
      expect(accepted.version).toBe(2)
      // the same command ids as the lost ones are new commands now, not duplicates
      const redo = yield* center.execute(supervisionInput(blocked.touched[0]!, "pending-order"))
      expect(redo).toMatchObject({ duplicate: false, version: 4 })
      const reimported = yield* center.importCases({ cases: [importItem("p-0"), importItem("p-1")] })
      expect(reimported.imported.map((c) => c.code)).toEqual([
        center.config.formatCode(year, 63),
        center.config.formatCode(year, 64)
      ])
      for (const caseId of [fresh.caseId, blocked.touched[0]!, "imp-p-0", "imp-p-1"]) {
        const { events, snapshot } = yield* readCase(store, caseId)
        expect(snapshot).toStrictEqual(Lifecycle.replay(events))
      }
    })))

  it.live("in the middle of many single-command transactions leaves every committed case consistent", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "crash-execute.db")
      const writer = yield* start("crash-writer.ts", ["execute", filename])
      // let it commit a few hundred commands, then kill it wherever it is
      yield* writer.waitForLine(() => writer.lines.length >= 300)
      yield* writer.kill("SIGKILL")
      expect((yield* writer.exited).signal).toBe("SIGKILL")
      const reported = jsonLines(writer).filter((l) => l.type === "committed") as Array<
        { caseId: string; commandId: string; version: number }
      >
      expect(reported.length).toBeGreaterThanOrEqual(300)

      const raw = inspect(filename)
      expect(raw.integrity).toBe("ok")
      expect(raw.danglingCommands).toBe(0)
      expect(raw.orphanEvents).toBe(0)
      // gapless codes: one number per stored case, none taken by a lost registration
      expect(raw.sequence).toBe(raw.cases)

      const { center, store } = yield* open({ filename })
      // every command reported as committed is there, at the version it reported
      for (const r of reported) {
        const found = Option.getOrThrow(yield* store.findCommand(centre, r.commandId))
        expect(found).toMatchObject({ caseId: r.caseId, toVersion: r.version })
      }
      // every stored case (including one the kill may have caught half-way) is consistent
      const codes: Array<string> = []
      for (const caseId of raw.caseIds) {
        const { events, snapshot } = yield* readCase(store, caseId)
        expect(inconsistencies(snapshot, events)).toEqual([])
        expect(snapshot).toStrictEqual(Lifecycle.replay(events))
        codes.push(snapshot!.code)
      }
      expect(codes.sort()).toEqual(Array.from({ length: raw.cases }, (_, i) => center.config.formatCode(year, i + 1)))
      // and the store goes on
      const next = yield* center.execute(registerInput())
      expect(next.code).toBe(center.config.formatCode(year, raw.cases + 1))
      const last = reported.at(-1)!
      const more = yield* center.execute(supervisionInput(last.caseId, "after-kill"))
      const { events, snapshot } = yield* readCase(store, last.caseId)
      expect(more.version).toBe(events.length)
      expect(snapshot).toStrictEqual(Lifecycle.replay(events))
    })))
})
