/**
 * The conformance tests of deadlines counted on a predicted calendar (时限重算): once a year's official notice replaces
 * its prediction, `Center.recomputeDeadlines` records one `DeadlinesRecomputed` event on exactly the cases whose
 * running deadlines move, atomically, and nothing the second time — on every store.
 * @internal
 */
import { expect } from "@effect/vitest"
import {
  Calendar,
  type Case,
  CaseStore,
  Center,
  Deadline,
  type Event,
  Examples,
  Lifecycle,
  SimulatedClock,
  Summary
} from "@fengqiao/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { type Suite, test } from "../internal/conformance.js"

const config = Examples.countyConfig
const admin = Examples.admin

/** A petition (信访) or a dispute, registered now by the centre's clock. */
const register = (caseId: string, kind: "petition" | "dispute") => ({
  _tag: "Register",
  actor: admin,
  caseId,
  kind,
  channel: "walkIn",
  place: "222403100201",
  parties: [Examples.applicant],
  description: "时限重算"
})

/**
 * 2027 as a notice could set it, different from the prediction: the Spring Festival from 6 to 14 February (so
 * 5 February, 除夕, is a working day), New Year's Day alone, and Sunday 10 January a make-up workday (调休).
 */
const official2027 = (base: Calendar.Calendar): Calendar.Calendar =>
  Either.getOrThrow(Calendar.extend(base, {
    "2027": {
      daysOff: [
        "2027-01-01",
        ...Array.from({ length: 9 }, (_, i) => `2027-02-${String(6 + i).padStart(2, "0")}`),
        "2027-04-05",
        "2027-05-01",
        "2027-05-02",
        "2027-05-03",
        "2027-06-09",
        "2027-09-15",
        "2027-10-01",
        "2027-10-02",
        "2027-10-03",
        "2027-10-04",
        "2027-10-05",
        "2027-10-06",
        "2027-10-07"
      ],
      workdays: ["2027-01-10"],
      source: "a notice written for the test kit"
    }
  }))

/** @internal */
export const deadlines: Suite = ({ adapter }) => {
  const fresh = adapter.fresh
  return [
    test("deadlines counted on a predicted year are counted again once its notice is added: the cases that move, once", () =>
      Effect.scoped(Effect.gen(function*() {
        const context = yield* Layer.build(fresh())
        const store = Context.get(context, CaseStore.CaseStore)
        // the centre's clock: 7 December 2026, 09:00 in China, with no notice for 2027 yet
        const clock = SimulatedClock.make("2026-12-07T01:00:00Z")
        const open = (calendar: Calendar.Calendar) =>
          Center.make({ config }).pipe(
            Effect.provideService(CaseStore.CaseStore, store),
            Effect.provideService(Calendar.Calendar, calendar),
            Effect.map((center) => SimulatedClock.follow(center, clock))
          )
        const predicted = yield* open(Calendar.china)
        // a petition accepted today: 60 days end on 5 February 2027 (除夕), predicted
        yield* predicted.execute(register("p-moves", "petition"))
        const accepted = yield* predicted.execute({ _tag: "Accept", actor: admin, caseId: "p-moves" })
        const handling = accepted.case.deadlines.handling!
        expect(handling.basis).toBe("predicted")
        expect(Deadline.latestDueOf(handling) >= handling.dueAt).toBe(true)
        // a dispute due within 2026: official, untouched
        yield* predicted.execute(register("d-official", "dispute"))
        // a petition registered on 28 December: its acceptance deadline (15 days) ends in January 2027
        clock.set("2026-12-28T01:00:00Z")
        const late = yield* predicted.execute(register("p-january", "petition"))
        expect(late.case.deadlines.acceptance!.basis).toBe("predicted")
        // a petition registered on Saturday 26 December: 15 days end on Sunday 10 January, rolled to Monday 11
        clock.set("2026-12-26T01:00:00Z")
        const weekend = yield* predicted.execute(register("p-makeup", "petition"))
        expect(weekend.case.deadlines.acceptance).toMatchObject({
          dueAt: "2027-01-11T15:59:59.999Z",
          basis: "predicted"
        })

        // the notice comes out: the same store, a centre with the official 2027
        const calendar = official2027(Calendar.china)
        const updated = yield* open(calendar)
        clock.set("2026-12-29T01:00:00Z")
        const versions = new Map<string, number>()
        for (const id of ["p-moves", "d-official", "p-january", "p-makeup"]) {
          versions.set(id, (yield* updated.get({ actor: admin, caseId: id })).version)
        }
        const first = yield* updated.recomputeDeadlines({ actor: admin, reason: "2027 notice" })
        const byCase = new Map(first.recomputed.map((r) => [r.caseId, r.changes]))
        expect([...byCase.keys()].sort()).toEqual(["p-january", "p-makeup", "p-moves"])
        // the make-up workday moves the weekend petition's acceptance deadline back onto it
        expect(byCase.get("p-makeup")).toEqual([{
          deadline: "acceptance",
          previousDueAt: "2027-01-11T15:59:59.999Z",
          dueAt: "2027-01-10T15:59:59.999Z",
          basis: "official"
        }])
        // 60 days from 7 December 2026 on the official 2027: 5 February is a working day now
        const expected = Either.getOrThrow(
          Deadline.dueAfter(calendar, 480, handling.startedAt, { amount: 60, unit: "calendarDays" })
        )
        expect(byCase.get("p-moves")).toEqual([{
          deadline: "handling",
          previousDueAt: handling.dueAt,
          dueAt: expected,
          basis: "official"
        }])
        expect(byCase.get("p-january")?.[0]).toMatchObject({ deadline: "acceptance", basis: "official" })
        const moved = yield* updated.get({ actor: admin, caseId: "p-moves" })
        expect(moved.deadlines.handling).toMatchObject({ dueAt: expected, basis: "official" })
        expect(moved.deadlines.handling?.latestDueAt).toBeUndefined()
        expect(moved.version).toBe(versions.get("p-moves")! + 1)
        const history = yield* updated.history({ actor: admin, caseId: "p-moves" })
        expect(history.at(-1)?.event).toMatchObject({ _tag: "DeadlinesRecomputed", calendar: "china" })
        // the untouched case has no new event
        expect((yield* updated.get({ actor: admin, caseId: "d-official" })).version).toBe(versions.get("d-official"))
        // again: nothing moves, nothing is written
        const second = yield* updated.recomputeDeadlines({ actor: admin })
        expect(second.recomputed).toEqual([])
        for (const [id, v] of versions) {
          const now = (yield* updated.get({ actor: admin, caseId: id })).version
          expect(now).toBe(id === "d-official" ? v : v + 1)
        }
        // the audit chain covers the new events
        expect((yield* updated.verify({ actor: admin })).ok).toBe(true)
        // only an actor at the root who may issue the command runs it
        expect(yield* Effect.flip(updated.recomputeDeadlines({ actor: Examples.townshipIntake }))).toMatchObject({
          _tag: "Forbidden"
        })
      }))),

    test("events and snapshots stored before deadlines had a basis and events a recordedAt load and replay the same", () =>
      Effect.scoped(Effect.gen(function*() {
        const context = yield* Layer.build(fresh())
        const store = Context.get(context, CaseStore.CaseStore)
        const center = yield* Center.make({ config }).pipe(
          Effect.provideService(CaseStore.CaseStore, store),
          Effect.map((c) => SimulatedClock.follow(c, SimulatedClock.make("2025-03-03T01:00:00Z")))
        )
        // a case as today's code writes it, then the same history as the code before wrote it
        yield* center.execute({ ...register("today", "petition"), at: "2025-03-03T09:00:00+08:00" })
        yield* center.execute({ _tag: "Accept", actor: admin, caseId: "today", at: "2025-03-03T10:00:00+08:00" })
        const stripDeadline = (d: Deadline.Deadline | undefined) => {
          if (d === undefined) return undefined
          const { basis: _b, latestDueAt: _l, ...rest } = d
          return rest
        }
        const old = (yield* center.history({ actor: admin, caseId: "today" })).map((e): Event.Envelope => {
          const { recordedAt: _r, ...env } = e
          const event = e.event._tag === "Registered"
            ? { ...e.event, acceptanceDeadline: stripDeadline(e.event.acceptanceDeadline)! }
            : e.event._tag === "Accepted"
            ? { ...e.event, handlingDeadline: stripDeadline(e.event.handlingDeadline)! }
            : e.event
          return { ...env, caseId: "before", commandId: `before-${e.version}`, correlationId: "before", event }
        })
        const snapshot: Case.Case = Lifecycle.replay(old)!
        expect(snapshot.deadlines.handling?.basis).toBeUndefined()
        const resolved = center.config
        yield* store.append({
          centre: "dunhua",
          caseId: "before",
          expectedVersion: 0,
          commandId: "before",
          events: old,
          snapshot: { ...snapshot, code: "222403-2025-009999" },
          summary: Summary.ofCase(resolved, { ...snapshot, code: "222403-2025-009999" })
        })
        const loaded = yield* center.get({ actor: admin, caseId: "before" })
        const history = yield* center.history({ actor: admin, caseId: "before" })
        expect(history.map((e) => e.recordedAt)).toEqual([undefined, undefined])
        // the code was changed in the stored snapshot only (codes are unique per centre)
        expect({ ...Lifecycle.replay(history)!, code: loaded.code }).toEqual(loaded)
        // a deadline without a basis reads as official, and is never recounted
        expect(Deadline.basisOf(loaded.deadlines.handling!)).toBe("official")
        expect(Deadline.latestDueOf(loaded.deadlines.handling!)).toBe(loaded.deadlines.handling!.dueAt)
        // commands go on from it with today's code
        const next = yield* center.execute({
          _tag: "Assess",
          actor: admin,
          caseId: "before",
          category: "neighbourhood",
          complexity: "general",
          at: "2025-03-03T11:00:00+08:00"
        })
        expect(next.events[0]?.recordedAt).toBe("2025-03-03T03:00:00.000Z")
      })))
  ]
}
