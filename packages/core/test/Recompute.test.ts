/**
 * `Center.recomputeDeadlines`' limit: a run changes at most `limit` cases and leaves the rest, uncounted, to the next.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Calendar from "../src/Calendar.js"
import { CaseStore } from "../src/CaseStore.js"
import * as Center from "../src/Center.js"
import * as MemoryStore from "../src/MemoryStore.js"
import * as SimulatedClock from "../src/SimulatedClock.js"
import { admin, applicant, countyConfig } from "./fixtures.js"

/** 2027 with 5 February (除夕) a working day: a 60-day deadline from 7 December 2026 ends on it. */
const official2027 = Either.getOrThrow(Calendar.extend(Calendar.china, {
  "2027": { daysOff: ["2027-01-01", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09"], workdays: [] }
}))

describe("Center.recomputeDeadlines", () => {
  it.effect("changes at most limit cases a run; the rest move in the next run, and nothing after that", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const clock = SimulatedClock.make("2026-12-07T01:00:00Z")
      const open = (calendar: Calendar.Calendar) =>
        Center.make({ config: countyConfig }).pipe(
          Effect.provideService(CaseStore, store),
          Effect.provideService(Calendar.Calendar, calendar),
          Effect.map((center) => SimulatedClock.follow(center, clock))
        )
      const predicted = yield* open(Calendar.china)
      for (const caseId of ["a", "b", "c"]) {
        yield* predicted.execute({
          _tag: "Register",
          actor: admin,
          caseId,
          kind: "petition",
          channel: "walkIn",
          place: "222403100201",
          parties: [applicant],
          description: "信访"
        })
        yield* predicted.execute({ _tag: "Accept", actor: admin, caseId })
      }
      const updated = yield* open(official2027)
      const first = yield* updated.recomputeDeadlines({ actor: admin, limit: 2 })
      expect(first.recomputed).toHaveLength(2)
      expect(first.unchanged).toBe(0)
      const second = yield* updated.recomputeDeadlines({ actor: admin, limit: 2 })
      expect(second.recomputed.map((r) => r.caseId)).toEqual(
        ["a", "b", "c"].filter((id) => !first.recomputed.some((r) => r.caseId === id))
      )
      expect(second.unchanged).toBe(0)
      const third = yield* updated.recomputeDeadlines({ actor: admin, limit: 2 })
      expect(third).toEqual({ recomputed: [], unchanged: 0 })
    }))
})
