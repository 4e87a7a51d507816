import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, Examples, MemoryStore, SimulatedClock } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Kpi from "../src/Kpi.js"
import * as Period from "../src/Period.js"
import * as Stats from "../src/Stats.js"
import { many, type Story } from "./stories.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

const centerOver = (store: CaseStore.CaseStore) =>
  scenarioMake({ config: Examples.countyConfig }).pipe(Effect.provideService(CaseStore.CaseStore, store))

/** Imports `n` stories into a fresh in-memory centre and answers the all-time totals for the administrator. */
const totalsOf = (n: number, f: (i: number) => Story) =>
  Effect.gen(function*() {
    const store = yield* MemoryStore.make
    const center = yield* centerOver(store)
    // in chunks, letting the event loop run between them (a long synchronous import starves the test runner)
    const all = many("s", n, f).cases
    for (let i = 0; i < all.length; i += 2000) {
      yield* center.importCases({ cases: all.slice(i, i + 2000), batchSize: 2000 })
      yield* Effect.sleep("1 millis")
    }
    const board = yield* Stats.dashboard(store, center.config, {
      actor: Examples.admin,
      breakdowns: [],
      trend: "none",
      asOf: "2025-12-31T00:00:00Z"
    })
    return board.totals
  })

describe("the seed articles' figures come out exactly from their counts", () => {
  it("half-up percentages from counts, computed in integers", () => {
    expect(Kpi.percent(23487, 23724, 2)).toBe(99) // 舒兰: 办结率 99.00 %
    expect(Kpi.percent(16198, 16412, 2)).toBe(98.7) // 延边: 化解率 98.70 %
    expect(Kpi.percent(516, 532, 2)).toBe(96.99) // 民权: 满意度 96.99 %
    expect(Kpi.percent(1, 8, 2)).toBe(12.5)
    expect(Kpi.percent(1, 8, 0)).toBe(13) // 12.5 → 13: half up, not half even
    expect(Kpi.percent(1, 200, 0)).toBe(1) // 0.5 → 1
    expect(Kpi.percent(1, 3, 4)).toBe(33.3333)
    expect(Kpi.percent(2, 3, 1)).toBe(66.7)
    expect(Kpi.percent(0, 0, 2)).toBeNull()
    expect(Kpi.percent(-1, 8, 0)).toBe(-13) // a fall of 12.5 % rounds away from zero
    expect(Kpi.roundHalfUp(1.005, 2)).toBe(1.01)
    expect(Kpi.roundHalfUp(-0.125, 2)).toBe(-0.13)
  })

  it.live("舒兰: 23 724 accepted, 23 487 closed → 办结率 99.00 %", () =>
    Effect.gen(function*() {
      const t = yield* totalsOf(
        23724,
        (i) => ({ ending: i < 23487 ? (i % 3 === 0 ? "notResolved" : "resolved") : "accepted" })
      )
      expect(t.counts.accepted).toBe(23724)
      expect(t.counts.closed).toBe(23487)
      expect(t.rates.closure).toEqual({ numerator: 23487, denominator: 23724, ratio: 23487 / 23724, percent: 99 })
      expect(t.rates.closure.percent!.toFixed(2)).toBe("99.00")
    }), 120_000)

  it.live(
    "延边: 16 412 accepted, 16 198 resolved → 化解率 98.70 %; closed without resolution never counts",
    () =>
      Effect.gen(function*() {
        // 16 198 resolved, 150 closed without resolution (引导诉讼), 64 still open
        const t = yield* totalsOf(16412, (i) => ({
          ending: i < 16198 ? "resolved" : i < 16348 ? "notResolved" : "accepted"
        }))
        expect(t.counts).toMatchObject({ accepted: 16412, closed: 16348, resolved: 16198 })
        expect(t.rates.resolution.percent).toBe(98.7)
        expect(t.rates.resolution.percent!.toFixed(2)).toBe("98.70")
        expect(t.rates.closure.percent).toBe(Kpi.percent(16348, 16412, 2))
      }),
    120_000
  )

  it.live("民权: 满意度 96.99 % from 516 satisfied or basically satisfied of 532 rated", () =>
    // The article gives 96.99 % and "500余件" but not the counts; 516 / 532 is the smallest pair above 500 that
    // gives 96.99 % — fed in as ratings on closed cases.
    Effect.gen(function*() {
      const t = yield* totalsOf(540, (i) => ({
        ending: "resolved",
        rating: i < 400 ? "satisfied" : i < 516 ? "basicallySatisfied" : i < 532 ? "dissatisfied" : undefined
      }))
      expect(t.counts).toMatchObject({ rated: 532, satisfied: 516 })
      expect(t.rates.satisfaction.percent).toBe(96.99)
    }))
})

describe("exact half-up rounding (四舍五入)", () => {
  it("roundHalfUp: half away from zero on the decimal a number prints as, for every finite number", () => {
    // exponent forms (JavaScript prints numbers below 1e-6 and from 1e21 on so)
    expect(Kpi.roundHalfUp(1.8e-7, 2)).toBe(0)
    expect(Kpi.roundHalfUp(1.8e-7, 6)).toBe(0)
    expect(Kpi.roundHalfUp(1.8e-7, 7)).toBe(2e-7)
    expect(Kpi.roundHalfUp(-1.5e-7, 7)).toBe(-2e-7)
    expect(Kpi.roundHalfUp(5e-324, 2)).toBe(0)
    expect(Kpi.roundHalfUp(-5e-324, 6)).toBe(0)
    expect(Kpi.roundHalfUp(1e21, 2)).toBe(1e21)
    expect(Kpi.roundHalfUp(-1.2345e22, 0)).toBe(-1.2345e22)
    expect(Kpi.roundHalfUp(Number.MAX_VALUE, 6)).toBe(Number.MAX_VALUE)
    expect(Kpi.roundHalfUp(123_456_789.125, 2)).toBe(123_456_789.13)
    // exactly on .5 at the requested decimals (as printed): up, away from zero
    expect(Kpi.roundHalfUp(1.005, 2)).toBe(1.01)
    expect(Kpi.roundHalfUp(2.675, 2)).toBe(2.68) // (2.675).toFixed(2) is "2.67"
    expect(Kpi.roundHalfUp(1.0049999999999997, 2)).toBe(1) // the number just below 1.005
    expect(Kpi.roundHalfUp(0.5, 0)).toBe(1)
    expect(Kpi.roundHalfUp(2.5, 0)).toBe(3)
    expect(Kpi.roundHalfUp(-2.5, 0)).toBe(-3)
    expect(Kpi.roundHalfUp(-0.005, 2)).toBe(-0.01)
    expect(Kpi.roundHalfUp(-0.125, 2)).toBe(-0.13)
    expect(Kpi.roundHalfUp(31.875, 2)).toBe(31.88)
    // a result of zero is 0, never -0
    expect(Object.is(Kpi.roundHalfUp(-0.004, 2), 0)).toBe(true)
    expect(Object.is(Kpi.roundHalfUp(-1.8e-7, 2), 0)).toBe(true)
    expect(Kpi.roundHalfUp(Number.NaN, 2)).toBeNaN()
    expect(Kpi.roundHalfUp(Number.NEGATIVE_INFINITY, 2)).toBe(Number.NEGATIVE_INFINITY)
    // an average step time of 0.1 ms, in hours (the CSV export) and in hours to one decimal (the report)
    expect(Kpi.roundHalfUp(0.1 / 3_600_000, 2)).toBe(0)
    expect(Kpi.roundHalfUp(0.1 / 3_600_000, 1)).toBe(0)
  })

  it("the three-rate score is exact from the counts and the weights as decimals, rounded once", () => {
    const r = (n: number, d: number) => Kpi.rate(n, d, 2)
    const weights = Kpi.defaultOptions.weights
    expect(weights).toEqual({ response: 0.1, resolution: 0.45, satisfaction: 0.45 })
    // 0.1 × 3/8 + 0.45 × 0/8 + 0.45 × 5/8 = 0.31875 exactly: 31.875 % → 31.88 (in floating point 31.87)
    const rates = { response: r(3, 8), resolution: r(0, 8), satisfaction: r(5, 8) }
    expect(Kpi.threeRateScore(rates, weights, 2)).toBe(31.88)
    expect(Kpi.threeRateScore(rates, weights, 1)).toBe(31.9)
    expect(Kpi.threeRateScore(rates, weights, 3)).toBe(31.875)
    // through the figures of an aggregate row, with the default options
    const f = Kpi.figuresOf({ responseBase: 8, respondedOnTime: 3, closed: 8, resolved: 0, rated: 8, satisfied: 5 }, {
      ...Kpi.defaultOptions
    })
    expect(f.threeRates.score).toBe(31.88)
    // a rate that does not exist, or weighs nothing, is left out: 5/8 alone
    expect(Kpi.threeRateScore({ ...rates, response: r(0, 0) }, weights, 3)).toBe(
      Kpi.threeRateScore(rates, { ...weights, response: 0 }, 3)
    )
    expect(Kpi.threeRateScore({ ...rates, response: r(0, 0), resolution: r(0, 0) }, weights, 2)).toBe(62.5)
    expect(Kpi.threeRateScore({ response: r(0, 0), resolution: r(0, 0), satisfaction: r(0, 0) }, weights, 2))
      .toBeNull()
    // weights printed in exponent form are exact too: 1e-7 : 3e-7 over 1/2 and 1/4 → (0.5 + 0.75) / 4 = 31.25 %
    expect(
      Kpi.threeRateScore(
        { response: r(1, 2), resolution: r(1, 4), satisfaction: r(0, 0) },
        { response: 1e-7, resolution: 3e-7, satisfaction: 1 },
        2
      )
    ).toBe(31.25)
  })

  it("a change of a rate in percentage points is exact from the counts, rounded once", () => {
    const r = (n: number, d: number) => Kpi.rate(n, d, 2)
    // 60 % (3/5) against 28.125 % (9/32): +31.875 points → +31.88 (in floating point +31.87)
    expect(Kpi.rateChange(r(3, 5), r(9, 32), 2)).toBe(31.88)
    expect(Kpi.rateChange(r(9, 32), r(3, 5), 2)).toBe(-31.88) // a fall rounds away from zero
    // a change too small to print without an exponent: 19 999/20 000 against 19 998/19 999 is 2.5e-7 points
    expect(Kpi.rateChange(r(19_999, 20_000), r(19_998, 19_999), 2)).toBe(0)
    expect(Kpi.rateChange(r(19_999, 20_000), r(19_998, 19_999), 6)).toBe(0)
    expect(Kpi.rateChange(r(5, 7), r(1, 1), 2)).toBe(-28.57)
    expect(Kpi.rateChange(r(1, 2), r(0, 0), 2)).toBeNull()
    expect(Kpi.rateChange(r(0, 0), r(1, 2), 2)).toBeNull()
  })
})

describe("periods", () => {
  it("keys, ranges in the centre's time zone, 同比 and 环比", () => {
    const offset = 480
    expect(Period.range({ unit: "month", key: "2025-03" }, offset)).toEqual({
      from: "2025-02-28T16:00:00.000Z",
      to: "2025-03-31T16:00:00.000Z"
    })
    expect(Period.range({ unit: "year", key: "2024" }, offset).to).toBe("2024-12-31T16:00:00.000Z")
    expect(Period.range({ unit: "quarter", key: "2025-Q4" }, offset)).toEqual({
      from: "2025-09-30T16:00:00.000Z",
      to: "2025-12-31T16:00:00.000Z"
    })
    expect(Period.range({ unit: "week", key: "2025-02-24" }, offset).to).toBe("2025-03-02T16:00:00.000Z")
    expect(Period.keyOf("week", "2025-03-02T15:59:59Z", offset)).toBe("2025-02-24") // Sunday 23:59 in China
    expect(Period.keyOf("week", "2025-03-02T16:00:00Z", offset)).toBe("2025-03-03")
    expect(Period.keyOf("quarter", "2025-03-31T16:00:00Z", offset)).toBe("2025-Q2")
    expect(Period.shift({ unit: "month", key: "2025-01" }, -1)).toEqual({ unit: "month", key: "2024-12" })
    expect(Period.shift({ unit: "quarter", key: "2025-Q1" }, -1)).toEqual({ unit: "quarter", key: "2024-Q4" })
    expect(Period.yearAgo({ unit: "day", key: "2024-02-29" })).toEqual({ unit: "day", key: "2023-02-28" })
    expect(Period.yearAgo({ unit: "week", key: "2025-03-03" })).toEqual({ unit: "week", key: "2024-03-04" })
    expect(Period.yearAgo({ unit: "quarter", key: "2025-Q2" }).key).toBe("2024-Q2")
    expect(Period.keysBetween("month", "2024-12-31T16:00:00Z", "2025-03-31T16:00:00Z", offset)).toEqual([
      "2025-01",
      "2025-02",
      "2025-03"
    ])
  })

  it("periods at the ends of the accepted years (1000 to 9999): ranges and comparisons, never a crash", () => {
    const decode = Schema.decodeUnknownEither(Period.Period)
    for (
      const p of [{ unit: "year", key: "9999" }, { unit: "day", key: "9999-12-31" }, {
        unit: "quarter",
        key: "9999-Q4"
      }]
    ) {
      expect(Either.isRight(decode(p)), p.key).toBe(true)
    }
    expect(Period.range({ unit: "year", key: "9999" }, 0)).toEqual({
      from: "9999-01-01T00:00:00.000Z",
      to: "+010000-01-01T00:00:00.000Z"
    })
    expect(Period.range({ unit: "day", key: "1000-01-01" }, 0).from).toBe("1000-01-01T00:00:00.000Z")
    expect(Period.shift({ unit: "day", key: "1000-01-01" }, -1)).toEqual({ unit: "day", key: "0999-12-31" })
    expect(Period.yearAgo({ unit: "year", key: "1000" })).toEqual({ unit: "year", key: "0999" })
    expect(Period.range({ unit: "year", key: "0999" }, 0).from).toBe("0999-01-01T00:00:00.000Z")
    expect(Period.keysBetween("month", "9999-11-01T00:00:00Z", "9999-12-31T12:00:00Z", 0)).toEqual([
      "9999-11",
      "9999-12"
    ])
    // years below 1000 (which Date.UTC would read as 1900 + y below 100) and five digits are refused, naming the unit
    for (
      const p of [{ unit: "year", key: "0099" }, { unit: "month", key: "0050-03" }, { unit: "year", key: "10000" }]
    ) {
      expect(Either.isLeft(decode(p)), p.key).toBe(true)
    }
  })

  it("a bad key names what a key of its unit looks like", () => {
    const decode = Schema.decodeUnknownEither(Period.Period)
    for (
      const [unit, key] of [
        ["day", "2025-02-30"],
        ["week", "2025-02-25"],
        ["month", "2025-13"],
        ["quarter", "2025-Q5"],
        ["year", "25"]
      ] as const
    ) {
      const r = decode({ unit, key })
      expect(Either.isLeft(r), `${unit} ${key}`).toBe(true)
      if (Either.isLeft(r)) expect(String(r.left)).toContain(Period.expectedKey[unit])
    }
  })
})
