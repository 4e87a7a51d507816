/**
 * Cost of one case and one import (issue 26 §3): limits on events per case and commands per import, refused with
 * `CaseLimitExceeded` before any work; commands and reads of a case use its snapshot, never its history; history
 * pages read only their page; an import lets the event loop run.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { CaseStore } from "../src/CaseStore.js"
import * as Center from "../src/Center.js"
import { createCenter } from "../src/CenterClient.js"
import * as MemoryStore from "../src/MemoryStore.js"
import { admin, applicant, countyConfig } from "./fixtures.js"

/** What a store was asked for: calls of `readEvents` and the events they returned. */
interface Reads {
  readEventsCalls: number
  eventsRead: number
}

/** The memory store, counting its history reads. */
const countingStore = (reads: Reads) =>
  Layer.effect(
    CaseStore,
    Effect.map(MemoryStore.make, (store) => ({
      ...store,
      readEvents: (...args: Parameters<typeof store.readEvents>) =>
        Effect.tap(store.readEvents(...args), (events) =>
          Effect.sync(() => {
            reads.readEventsCalls++
            reads.eventsRead += events.length
          }))
    }))
  )

const centerWith = (reads: Reads, limits?: Center.Limits) =>
  Center.make({ config: countyConfig, ...(limits !== undefined ? { limits } : {}) }).pipe(
    Effect.provide(countingStore(reads))
  )

const minute = 60_000
const start = Date.parse("2025-03-03T09:00:00+08:00")

/** A case's commands: registered, dispatched, handled, then mediation sessions up to `length` commands. */
const longCase = (caseId: string, length: number): ReadonlyArray<Record<string, unknown>> => {
  let t = start
  const at = () => new Date(t += minute).toISOString()
  const on = { caseId, actor: admin }
  const commands: Array<Record<string, unknown>> = [
    {
      _tag: "Register",
      ...on,
      kind: "dispute",
      channel: "walkIn",
      place: "222403100201",
      parties: [applicant],
      description: "历史数据",
      at: at()
    },
    { _tag: "Accept", ...on, at: at() },
    { _tag: "Assess", ...on, at: at(), category: "neighbourhood", complexity: "general" },
    { _tag: "Dispatch", ...on, at: at(), leadUnit: "dstMediation", mediationType: "people" },
    { _tag: "StartHandling", ...on, at: at() }
  ]
  while (commands.length < length) {
    commands.push({ _tag: "RecordMediationSession", ...on, at: at(), mediators: ["王调解员"], result: "progress" })
  }
  return commands
}

const session = (caseId: string) => ({
  _tag: "RecordMediationSession" as const,
  caseId,
  actor: admin,
  mediators: ["王调解员"],
  result: "progress" as const
})

describe("limits of a case and of an import", () => {
  it.live("a case takes no more events than eventsPerCase: CaseLimitExceeded, nothing written", () =>
    Effect.gen(function*() {
      const center = yield* centerWith({ readEventsCalls: 0, eventsRead: 0 }, { eventsPerCase: 20 })
      // an imported case longer than the limit is refused before any of it is decided
      const tooLong = yield* Effect.flip(center.importCases({ cases: [{ commands: longCase("x", 21) }] }))
      expect(tooLong).toMatchObject({ _tag: "ImportRefused", caseIndex: 0, error: "CaseLimitExceeded" })
      expect((tooLong as { detail: string }).detail).toContain("eventsPerCase")
      yield* center.importCases({ cases: [{ commands: longCase("a", 18) }] })
      yield* center.execute(session("a"))
      yield* center.execute(session("a"))
      const refused = yield* Effect.flip(center.execute(session("a")))
      expect(refused).toMatchObject({
        _tag: "CaseLimitExceeded",
        limit: "eventsPerCase",
        max: 20,
        actual: 21,
        caseId: "a"
      })
      expect(refused.message).toContain("eventsPerCase")
      expect((yield* center.get({ actor: admin, caseId: "a" })).version).toBe(20)
    }))

  it.live("an import carries no more commands than commandsPerImport", () =>
    Effect.gen(function*() {
      const center = yield* centerWith({ readEventsCalls: 0, eventsRead: 0 }, { commandsPerImport: 10 })
      const refused = yield* Effect.flip(center.importCases({
        cases: [{ commands: longCase("a", 6) }, { commands: longCase("b", 6) }]
      }))
      expect(refused).toMatchObject({
        _tag: "ImportRefused",
        caseIndex: -1,
        commandIndex: -1,
        error: "CaseLimitExceeded"
      })
      expect((refused as { detail: string }).detail).toContain("commandsPerImport")
      expect(yield* Effect.flip(center.get({ actor: admin, caseId: "a" }))).toMatchObject({ _tag: "CaseNotFound" })
      yield* center.importCases({ cases: [{ commands: longCase("a", 5) }, { commands: longCase("b", 5) }] })
    }))

  it.live("by default a case holds at most 10 000 events, refused before any command is read", () =>
    Effect.gen(function*() {
      const center = yield* centerWith({ readEventsCalls: 0, eventsRead: 0 })
      // 10 001 commands, each unreadable: the limit is checked first
      const refused = yield* Effect.flip(center.importCases({ cases: [{ commands: Array(10_001).fill(null) }] }))
      expect(refused).toMatchObject({ _tag: "ImportRefused", caseIndex: 0, error: "CaseLimitExceeded" })
      expect((refused as { detail: string }).detail).toContain("10000")
    }))

  it.effect("bad limits are InvalidConfig naming them", () =>
    Effect.gen(function*() {
      for (const limits of [{ eventsPerCase: 0 }, { eventsPerCase: 1.5 }, { commandsPerImport: -1 }, { other: 1 }]) {
        const e = yield* Effect.flip(
          Center.make({ config: countyConfig, limits: limits as Center.Limits }).pipe(Effect.provide(MemoryStore.layer))
        )
        expect(e, JSON.stringify(limits)).toMatchObject({ _tag: "InvalidConfig" })
        expect(JSON.stringify(e)).toContain("limits.")
      }
    }))
})

describe("the cost of one case does not grow with its history", () => {
  it.live("a command and a read use the snapshot: no history is read", () =>
    Effect.gen(function*() {
      const reads: Reads = { readEventsCalls: 0, eventsRead: 0 }
      const center = yield* centerWith(reads)
      yield* center.importCases({ cases: [{ commands: longCase("a", 300) }] })
      reads.readEventsCalls = 0
      reads.eventsRead = 0
      yield* center.execute(session("a"))
      yield* center.execute({ ...session("a"), commandId: "c-1" })
      yield* center.get({ actor: admin, caseId: "a" })
      yield* center.enabledCommands({ actor: admin, caseId: "a" })
      expect(reads).toEqual({ readEventsCalls: 0, eventsRead: 0 })
      // a repeated command id is answered from the snapshot and the command's own events, not a replay
      const again = yield* center.execute({ ...session("a"), commandId: "c-1" })
      expect(again.duplicate).toBe(true)
      expect(again.version).toBe(302)
      expect(reads.eventsRead).toBe(1)
    }))

  it.live("history pages: a page reads only its events, and the pages make the whole history", () =>
    Effect.gen(function*() {
      const reads: Reads = { readEventsCalls: 0, eventsRead: 0 }
      const center = yield* centerWith(reads)
      yield* center.importCases({ cases: [{ commands: longCase("a", 250) }] })
      const all = yield* center.history({ actor: admin, caseId: "a" })
      expect(all.length).toBe(250)
      reads.eventsRead = 0
      const page = yield* center.history({ actor: admin, caseId: "a", fromVersion: 101, limit: 50 })
      expect(page.map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => 101 + i))
      expect(reads.eventsRead).toBe(50)
      const pages: Array<number> = []
      let from = 1
      for (;;) {
        const p = yield* center.history({ actor: admin, caseId: "a", fromVersion: from, limit: 100 })
        pages.push(...p.map((e) => e.version))
        if (p.length < 100) break
        from = p.at(-1)!.version + 1
      }
      expect(pages).toEqual(all.map((e) => e.version))
      // within toVersion too
      expect((yield* center.history({ actor: admin, caseId: "a", fromVersion: 10, toVersion: 12, limit: 100 })).length)
        .toBe(3)
      // a page is at most 1 000 events
      const tooBig = yield* Effect.flip(center.history({ actor: admin, caseId: "a", limit: 1001 }))
      expect(tooBig).toMatchObject({ _tag: "InvalidInput" })
    }))

  it.live("without a limit, history gives at most a case's worth of events (eventsPerCase)", () =>
    Effect.gen(function*() {
      const reads: Reads = { readEventsCalls: 0, eventsRead: 0 }
      // a case imported under a higher limit, read under a lower one
      const store = yield* MemoryStore.make
      const big = yield* Center.make({ config: countyConfig, limits: { eventsPerCase: 40 } }).pipe(
        Effect.provideService(CaseStore, store)
      )
      yield* big.importCases({ cases: [{ commands: longCase("a", 40) }] })
      const small = yield* Center.make({ config: countyConfig, limits: { eventsPerCase: 25 } }).pipe(
        Effect.provideService(CaseStore, store)
      )
      expect((yield* small.history({ actor: admin, caseId: "a" })).length).toBe(25)
      expect((yield* small.history({ actor: admin, caseId: "a", fromVersion: 26 })).length).toBe(15)
      expect(reads.readEventsCalls).toBe(0)
    }))
})

describe("an import lets the event loop run", () => {
  it.live("a timer fires while one long case is imported", () =>
    Effect.gen(function*() {
      const center = yield* centerWith({ readEventsCalls: 0, eventsRead: 0 })
      let ticks = 0
      const timer = setInterval(() => ticks++, 1)
      yield* center.importCases({ cases: [{ commands: longCase("a", 4000) }] }).pipe(
        Effect.ensuring(Effect.sync(() => clearInterval(timer)))
      )
      // the import takes far longer than the 10 ms slices it works in: the timer ran meanwhile (it never did when
      // the import held the event loop from start to end)
      expect(ticks).toBeGreaterThan(0)
    }), 60_000)
})

describe("the Promise API", () => {
  it("takes the limits and pages history", async () => {
    const client = await createCenter({ config: countyConfig, limits: { eventsPerCase: 8 } })
    try {
      await client.importCases({ cases: [{ commands: longCase("a", 8) }] })
      await expect(client.execute(session("a"))).rejects.toMatchObject({
        _tag: "CaseLimitExceeded",
        limit: "eventsPerCase",
        max: 8
      })
      const page = await client.history({ actor: admin, caseId: "a", fromVersion: 3, limit: 4 })
      expect(page.map((e) => e.version)).toEqual([3, 4, 5, 6])
      expect((await client.history({ actor: admin, caseId: "a" })).length).toBe(8)
    } finally {
      await client.dispose()
    }
    await expect(createCenter({ config: countyConfig, limits: { eventsPerCase: 0 } })).rejects.toMatchObject({
      _tag: "InvalidConfig",
      field: "limits.eventsPerCase"
    })
  })
})
