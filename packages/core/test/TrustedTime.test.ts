/**
 * Time the centre can trust (可信时间): the centre stamps every event with its own clock, takes a caller's `at` only
 * inside its window, and judges every deadline and window by its own time — on both front doors.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Actor } from "../src/Actor.js"
import { Case } from "../src/Case.js"
import { CaseStore } from "../src/CaseStore.js"
import * as Center from "../src/Center.js"
import { createCenter } from "../src/CenterClient.js"
import type { CenterConfigInput } from "../src/CenterConfig.js"
import type { CommandInput } from "../src/Command.js"
import * as Deadline from "../src/Deadline.js"
import * as MemoryStore from "../src/MemoryStore.js"
import * as SimulatedClock from "../src/SimulatedClock.js"
import { admin, applicant, countyConfig, registerInput } from "./fixtures.js"

/** The centre's clock in these tests: 10:00 on 3 March 2025 in China. */
const noon = "2025-03-03T02:00:00.000Z"
const minutes = (n: number) => new Date(Date.parse(noon) + n * 60_000).toISOString()
const days = (n: number) => minutes(n * 24 * 60)

const registration = (at: string | undefined, actor: Actor = admin, caseId = "t1"): CommandInput => {
  const { at: _, ...rest } = registerInput({ caseId, actor })
  return (at === undefined ? rest : { ...rest, at }) as unknown as CommandInput
}

/** A centre on the memory store, every call run on `clock`. */
const onClock = (clock: SimulatedClock.SimulatedClock, config: CenterConfigInput = countyConfig) =>
  Effect.gen(function*() {
    const store = yield* MemoryStore.make
    const center = yield* Center.make({ config }).pipe(Effect.provideService(CaseStore, store))
    const run = <A, E>(e: Effect.Effect<A, E>) => Effect.withClock(e, clock.clock)
    return { store, center, run }
  })

describe("the centre's clock stamps every event", () => {
  it.effect("recordedAt is the centre's time; at is the caller's, inside the window", () =>
    Effect.gen(function*() {
      const { center, run } = yield* onClock(SimulatedClock.make(noon))
      const r = yield* run(center.execute(registration(minutes(-90))))
      expect(r.events[0]).toMatchObject({ at: minutes(-90), recordedAt: noon })
      expect(r.events[0]?.enteredLate).toBeUndefined()
      // without a time, both are the centre's
      const plain = yield* run(center.execute(registration(undefined, admin, "t2")))
      expect(plain.events[0]).toMatchObject({ at: noon, recordedAt: noon })
    }))

  it.effect("a future, a too-old and a before-the-last-event time are refused naming at; nothing is written", () =>
    Effect.gen(function*() {
      const { center, run, store } = yield* onClock(SimulatedClock.make(noon))
      const ahead = yield* Effect.flip(run(center.execute(registration(minutes(6)))))
      expect(ahead).toMatchObject({ _tag: "InvalidInput", field: "at" })
      expect(ahead.message).toContain(minutes(5))
      const old = yield* Effect.flip(run(center.execute(registration(days(-8)))))
      expect(old).toMatchObject({ _tag: "InvalidInput", field: "at" })
      expect(old.message).toContain(days(-7))
      expect(Option.isNone(yield* store.load("dunhua", "t1"))).toBe(true)
      // the edges of the window are in it
      yield* run(center.execute(registration(minutes(5), admin, "edge-ahead")))
      const first = yield* run(center.execute(registration(days(-7), admin, "edge-back")))
      // never before the case's last event
      yield* run(center.execute({ _tag: "Accept", actor: admin, caseId: first.caseId, at: days(-3) }))
      const before = yield* Effect.flip(
        run(center.execute({ _tag: "Withdraw", actor: admin, caseId: first.caseId, reason: "x", at: days(-5) }))
      )
      expect(before).toMatchObject({ _tag: "GuardFailed", guard: "timeMovesForward" })
      expect((yield* center.get({ actor: admin, caseId: first.caseId })).version).toBe(2)
    }))

  it("the Promise front door refuses the same times, with nothing written", async () => {
    const clock = SimulatedClock.make(noon)
    const center = await createCenter({ config: countyConfig, clock: clock.now })
    try {
      await expect(center.execute(registration(minutes(6)))).rejects.toMatchObject({
        _tag: "InvalidInput",
        field: "at"
      })
      await expect(center.execute(registration(days(-8)))).rejects.toMatchObject({ _tag: "InvalidInput", field: "at" })
      await expect(center.get({ actor: admin, caseId: "t1" })).rejects.toMatchObject({ _tag: "CaseNotFound" })
      const r = await center.execute(registration(minutes(-1)))
      expect(r.events[0]).toMatchObject({ at: minutes(-1), recordedAt: noon })
      await expect(center.withdraw({ actor: admin, caseId: "t1", reason: "x", at: minutes(-2) })).rejects
        .toMatchObject({ _tag: "GuardFailed", guard: "timeMovesForward" })
      expect((await center.get({ actor: admin, caseId: "t1" })).version).toBe(1)
      // a clock option that is not a function is named
      await expect(createCenter({ config: countyConfig, clock: 5 as never })).rejects.toMatchObject({
        _tag: "InvalidConfig",
        field: "clock"
      })
    } finally {
      await center.dispose()
    }
  })

  it.effect("a role allowed to backdate enters older history, marked enteredLate; importCases takes history", () =>
    Effect.gen(function*() {
      const records: Actor = { id: "records-1", roles: ["intake", "records"], jurisdiction: "222403" }
      const { center, run } = yield* onClock(SimulatedClock.make(noon), {
        ...countyConfig,
        time: { backdateRoles: ["records"] }
      })
      const late = yield* run(center.execute(registration(days(-40), records)))
      expect(late.events[0]).toMatchObject({ at: days(-40), recordedAt: noon, enteredLate: true })
      // an admin without the role may not
      expect(yield* Effect.flip(run(center.execute(registration(days(-40), admin, "t9"))))).toMatchObject({
        field: "at"
      })
      // the future is refused whoever asks
      expect(yield* Effect.flip(run(center.execute(registration(days(1), records, "t8"))))).toMatchObject({
        field: "at"
      })
      const imported = yield* run(center.importCases({
        cases: [{ commands: [registration("2019-05-05T09:00:00+08:00", admin, "old-1")] }]
      }))
      expect(imported.imported).toHaveLength(1)
      // but not the future
      expect(
        yield* Effect.flip(run(center.importCases({ cases: [{ commands: [registration(days(2), admin, "new-1")] }] })))
      ).toMatchObject({ _tag: "ImportRefused", caseIndex: 0, commandIndex: 0, error: "InvalidInput" })
      const history = yield* run(center.history({ actor: admin, caseId: "old-1" }))
      expect(history[0]).toMatchObject({ at: "2019-05-05T01:00:00.000Z", recordedAt: noon, enteredLate: true })
    }))

  it.effect("a case with any event entered late is marked so: its state, its summary row, the list filter", () =>
    Effect.gen(function*() {
      const records: Actor = { id: "records-1", roles: ["admin", "records"], jurisdiction: "222403" }
      const clock = SimulatedClock.make(noon)
      const { center, run, store } = yield* onClock(clock, { ...countyConfig, time: { backdateRoles: ["records"] } })
      // registered as it happened (inside the window), then accepted as history entered a month later
      const live = yield* run(center.execute(registration(days(-6), admin, "t1")))
      expect(live.case.enteredLate).toBeUndefined()
      yield* run(center.execute(registration(days(-1), admin, "t2")))
      clock.set(days(30))
      const accepted = yield* run(center.execute({ _tag: "Accept", actor: records, caseId: "t1", at: days(-5) }))
      expect(accepted.events[0]?.enteredLate).toBe(true)
      expect(accepted.case.enteredLate).toBe(true)
      // and for good: a later event entered on time does not take the mark away
      const assessed = yield* run(center.execute({
        _tag: "Assess",
        actor: admin,
        caseId: "t1",
        category: "neighbourhood",
        complexity: "simple"
      }))
      expect(assessed.events[0]?.enteredLate).toBeUndefined()
      expect(assessed.case.enteredLate).toBe(true)
      const rows = yield* store.aggregate("dunhua", {
        where: { _tag: "Eq", field: "enteredLate", value: true },
        groupBy: [],
        measures: [{ _tag: "Count", name: "n" }],
        utcOffsetMinutes: 480
      })
      expect(rows).toEqual([{ keys: [], values: { n: 1 } }])
      const ids = (enteredLate: boolean) =>
        Effect.map(run(center.list({ actor: admin, filter: { enteredLate } })), (p) => p.items.map((c) => c.id))
      expect(yield* ids(true)).toEqual(["t1"])
      expect(yield* ids(false)).toEqual(["t2"])
      // a snapshot stored before the mark existed (no field) still decodes, as not entered late
      const { enteredLate: _, ...older } = Schema.encodeSync(Case)(assessed.case)
      expect(Schema.decodeUnknownSync(Case)(older).enteredLate).toBeUndefined()
    }))

  it.effect("the window is configuration, checked like the rest", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const bad = (time: unknown) =>
        Effect.flip(
          Center.make({ config: { ...countyConfig, time } as CenterConfigInput }).pipe(
            Effect.provideService(CaseStore, store)
          )
        )
      expect(yield* bad({ backDays: -1 })).toMatchObject({ _tag: "InvalidConfig", field: "time.backDays" })
      expect(yield* bad({ aheadMinutes: 1.5 })).toMatchObject({ _tag: "InvalidConfig", field: "time.aheadMinutes" })
      const { center, run } = yield* onClock(SimulatedClock.make(noon), {
        ...countyConfig,
        time: { aheadMinutes: 0, backDays: 1 }
      })
      expect(yield* Effect.flip(run(center.execute(registration(minutes(1)))))).toMatchObject({ field: "at" })
      expect(yield* Effect.flip(run(center.execute(registration(days(-2)))))).toMatchObject({ field: "at" })
      yield* run(center.execute(registration(days(-1))))
    }))

  it.effect("a party's window is judged by the centre's clock: a late request dated inside it is refused", () =>
    Effect.gen(function*() {
      const clock = SimulatedClock.make("2025-03-03T01:00:00Z")
      // a wide backdating allowance, so that the caller's time is taken and only the window can refuse it
      const { center, run } = yield* onClock(clock, { ...countyConfig, time: { backDays: 365 } })
      const { caseId } = yield* run(center.execute(registration(undefined, admin, "jc")))
      const steps = [
        { _tag: "Accept" },
        { _tag: "Assess", category: "neighbourhood", complexity: "general" },
        { _tag: "Dispatch", leadUnit: "dstMediation", mediationType: "people" },
        { _tag: "StartHandling" },
        { _tag: "RecordOutcome", outcome: { _tag: "Resolved", agreement: { summary: "双方达成协议" } } }
      ]
      let last: Center.CommandResult | undefined
      for (const step of steps) {
        clock.advance(60_000)
        last = yield* run(center.execute({ ...step, actor: admin, caseId }))
      }
      const window = last!.case.deadlines.judicialConfirmation!
      expect(window.basis).toBe("official")
      const request = (at: string) => ({
        _tag: "RequestJudicialConfirmation",
        actor: admin,
        caseId,
        court: "court",
        at
      })
      const dated = new Date(Date.parse(last!.case.updatedAt) + 86_400_000).toISOString()
      // the centre's clock is past the window; the request says it was made the day after the agreement
      clock.set(Date.parse(Deadline.latestDueOf(window)) + 1)
      expect(yield* Effect.flip(run(center.execute(request(dated))))).toMatchObject({
        _tag: "GuardFailed",
        guard: "judicialConfirmationEligible"
      })
      // the same request while the window is open is taken
      clock.set(Date.parse(dated) + 60_000)
      yield* run(center.execute(request(dated)))
    }))
})

describe("the centre works on the real clock, whatever the date", () => {
  it("a petition registered and accepted now gets its deadlines, on a working day, with the basis they rest on", async () => {
    const center = await createCenter({ config: countyConfig })
    try {
      const { caseId } = await center.register({
        actor: admin,
        kind: "petition",
        channel: "walkIn",
        place: "222403100201",
        parties: [applicant],
        description: "今天登记的信访事项"
      })
      const accepted = await center.accept({ actor: admin, caseId })
      const { acceptance, handling } = accepted.case.deadlines
      expect(acceptance).toBeDefined()
      expect(handling).toBeDefined()
      const calendar = center.config.calendar
      for (const d of [acceptance!, handling!]) {
        // the due instant is the end of a civil day in China (UTC+8)
        const civil = new Date(Date.parse(d.dueAt) + 8 * 3_600_000).toISOString().slice(0, 10)
        expect(Either.getOrThrow(calendar.isWorkingDay(civil))).toBe(true)
        const predictedYear = calendar.predictedYears.includes(Number(civil.slice(0, 4)))
        expect(d.basis).toBe(predictedYear || (d.latestDueAt !== undefined) ? "predicted" : "official")
        expect(Deadline.latestDueOf(d) >= d.dueAt).toBe(true)
      }
      // the event carries the centre's own time
      const [registered] = await center.history({ actor: admin, caseId })
      expect(Math.abs(Date.parse(registered!.recordedAt!) - Date.now())).toBeLessThan(60_000)
    } finally {
      await center.dispose()
    }
  })
})
