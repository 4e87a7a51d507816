/**
 * Aggregates grouped by period on SQLite give the in-memory store's keys, also for instants before 1970 (negative
 * epoch milliseconds), in the centre's time zone and either side of UTC.
 */
import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, MemoryStore, SimulatedClock, Summary } from "@fengqiao/core"
import type { Case } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { join } from "node:path"
import { tempDir } from "./fixtures/processes.js"
import { centre, config, open, registerInput } from "./fixtures/shared.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

/** Registration instants around period boundaries before (and at) the epoch. */
const instants = [
  "1969-12-31T23:59:59.500Z",
  "1969-12-31T23:59:59.999Z",
  "1969-12-31T23:59:59.000Z",
  "1970-01-01T00:00:00.000Z",
  "1970-01-01T04:59:59.999Z", // before 1970 at UTC−05:00
  "1969-12-31T16:00:00.500Z", // 1970 at UTC+08:00
  "1969-09-30T23:59:59.500Z",
  "1969-06-30T23:59:59.500Z",
  "1965-03-01T00:00:00.250Z"
]

const units = ["day", "week", "month", "quarter", "year"] as const

const byPeriod = (unit: (typeof units)[number], utcOffsetMinutes: number): CaseStore.AggregateRequest => ({
  where: { _tag: "And", conditions: [] },
  groupBy: [{ _tag: "Period", field: "registeredAt", unit }],
  measures: [{ _tag: "Count", name: "cases" }],
  utcOffsetMinutes
})

const sorted = (rows: ReadonlyArray<CaseStore.AggregateRow>) =>
  [...rows].sort((a, b) => String(a.keys[0]).localeCompare(String(b.keys[0])))

describe("SQLite: aggregates by period", () => {
  it.live("group instants before 1970 into the same day, week, month, quarter and year as the in-memory store", () =>
    Effect.scoped(Effect.gen(function*() {
      // a real case to copy (registered in 2025 through a centre), and the resolved config for its summaries
      const source = yield* MemoryStore.make
      const center = yield* Effect.provideService(scenarioMake({ config }), CaseStore.CaseStore, source)
      const registered = yield* center.execute(registerInput({ caseId: "template" }))
      const template = Option.getOrThrow(yield* source.load(centre, registered.caseId))
      const [event] = yield* source.readEvents(centre, registered.caseId)

      const memory = yield* MemoryStore.make
      const sqlite = yield* open({ filename: join(yield* tempDir, "periods.db") })
      for (const [i, at] of instants.entries()) {
        const caseId = `early-${i}`
        const snapshot: Case.Case = { ...template, id: caseId, code: `EARLY-${i}`, registeredAt: at }
        const request: CaseStore.AppendRequest = {
          centre,
          caseId,
          expectedVersion: 0,
          commandId: `early-${i}`,
          events: [{ ...event!, caseId, commandId: `early-${i}`, correlationId: `early-${i}` }],
          snapshot,
          summary: Summary.ofCase(center.config, snapshot)
        }
        yield* memory.append(request)
        yield* sqlite.store.append(request)
      }

      for (const utcOffsetMinutes of [0, 480, -300]) {
        for (const unit of units) {
          const request = byPeriod(unit, utcOffsetMinutes)
          const expected = sorted(yield* memory.aggregate(centre, request))
          expect(sorted(yield* sqlite.store.aggregate(centre, request)), `${unit} at ${utcOffsetMinutes}`).toEqual(
            expected
          )
        }
      }
      // and those keys are the right ones (in UTC: 1969 up to the last millisecond before the epoch)
      const utc = (unit: (typeof units)[number]) =>
        Effect.map(
          sqlite.store.aggregate(centre, byPeriod(unit, 0)),
          (rows) => Object.fromEntries(sorted(rows).map((r) => [r.keys[0], r.values.cases]))
        )
      expect(yield* utc("day")).toEqual({
        "1965-03-01": 1,
        "1969-06-30": 1,
        "1969-09-30": 1,
        "1969-12-31": 4,
        "1970-01-01": 2
      })
      expect(yield* utc("month")).toEqual({ "1965-03": 1, "1969-06": 1, "1969-09": 1, "1969-12": 4, "1970-01": 2 })
      expect(yield* utc("quarter")).toEqual({ "1965-Q1": 1, "1969-Q2": 1, "1969-Q3": 1, "1969-Q4": 4, "1970-Q1": 2 })
      expect(yield* utc("year")).toEqual({ "1965": 1, "1969": 6, "1970": 2 })
    })))
})
