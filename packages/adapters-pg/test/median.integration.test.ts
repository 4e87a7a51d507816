/**
 * The PostgreSQL dialect's median (`percentile_disc` at 0.5 and just above, averaged) is exactly the median the
 * in-memory store computes (the middle value, or the mean of the two middle values): for arbitrary lists of
 * durations with ties, zeros, large values and NULLs (ignored), and for counts large enough that the offset above
 * 0.5 must still pick the next row.
 */
import { describe, expect, it } from "@effect/vitest"
import { PgStore } from "@fengqiao/adapters-pg"
import { CaseStore, type Center, Examples, SimulatedClock } from "@fengqiao/core"
import { type Dialect, SqlStore } from "@fengqiao/sql"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fc from "fast-check"
import { afterAll } from "vitest"
import { testDatabase } from "./database.js"
import { centre, config, freshPrefix, hourAt, toHandling } from "./support.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

const db = await testDatabase()
afterAll(() => db.close())

const median = PgStore.dialect.median!
const reference = (xs: ReadonlyArray<number | null>): number | null => {
  const sorted = xs.filter((x): x is number => x !== null).sort((a, b) => a - b)
  if (sorted.length === 0) return null
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const ofList = async (xs: ReadonlyArray<number | null>): Promise<number | null> => {
  const rows = await db.admin(`SELECT ${median("x")} AS m FROM unnest($1::bigint[]) AS t(x)`, [
    xs.map((x) => (x === null ? null : String(x)))
  ])
  const m = rows[0]?.["m"]
  return m === null || m === undefined ? null : Number(m)
}

const ofSeries = async (n: number): Promise<number> => {
  const rows = await db.admin(`SELECT ${median("x")} AS m FROM generate_series(1::bigint, $1::bigint) AS t(x)`, [
    String(n)
  ])
  return Number(rows[0]?.["m"])
}

describe("PgStore.dialect.median", () => {
  it("is the in-memory median of any list (ties, zeros, large values, NULLs)", async () => {
    const duration = fc.oneof(
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 0, max: 90 * 86_400_000 }),
      fc.integer({ min: 0, max: 2 ** 51 })
    )
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(duration, { freq: 5 }), { maxLength: 300 }), async (xs) => {
        expect(await ofList(xs)).toBe(reference(xs))
      }),
      { numRuns: 200 }
    )
  })

  it("picks both middle rows of large even counts and the one middle row of odd ones", async () => {
    // 1 … n: the median is (n + 1) / 2
    for (const n of [1, 2, 3, 4, 999_999, 1_000_000, 2_000_001]) {
      expect(await ofSeries(n)).toBe((n + 1) / 2)
    }
  })
})

/**
 * Sampled medians (`PgStore.dialect.sampledMedians`) on a real table, with the sampling forced on small data
 * (the whole table as the sample, no minimum). To tell which way a median was computed, some stores here are given
 * an ordinary median aggregate that is deliberately wrong (always -1): a correct median from such a store came from
 * the bracket, and -1 from the fallback that sorts every value.
 */
describe("PgStore.dialect.sampledMedians", () => {
  const sampled = PgStore.dialect.sampledMedians!
  const wrongMedian = () => "(-1)::float8"
  const storeWith = (dialect: Dialect.Dialect) =>
    Effect.gen(function*() {
      const context = yield* Layer.build(
        SqlStore.layer({ dialect, tablePrefix: freshPrefix("med") }).pipe(
          Layer.provideMerge(PgStore.clientLayer({ url: db.url, maxConnections: 2 }))
        )
      )
      const store = Context.get(context, SqlStore.SqlStore)
      const center = yield* Effect.provideService(scenarioMake({ config }), CaseStore.CaseStore, store)
      return { store, center }
    })
  /** `n` cases registered at the same time and accepted `d(i)` minutes later. */
  const fill = (center: Center.Center, n: number, d: (i: number) => number) =>
    Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => {
      const [register] = toHandling(`c${i}`)
      return Effect.zipRight(
        center.execute(register),
        center.execute({
          _tag: "Accept",
          actor: Examples.admin,
          caseId: `c${i}`,
          commandId: `c${i}:accept`,
          at: new Date(Date.parse(hourAt(0)) + d(i) * 60_000).toISOString()
        })
      )
    }, { discard: true })
  const medianOf = (store: SqlStore.SqlStore, groupBy: ReadonlyArray<CaseStore.Dimension> = []) =>
    Effect.map(
      store.aggregate(centre, {
        where: { _tag: "And", conditions: [] },
        groupBy,
        measures: [{ _tag: "Duration", name: "m", from: "registeredAt", to: "acceptedAt", stat: "median" }],
        utcOffsetMinutes: 480
      }),
      (rows) => rows.map((r) => r.values["m"])
    )
  const minutes = (m: number) => m * 60_000
  const variant = (
    options: Partial<Dialect.SampledMedians>,
    median: Dialect.Dialect["median"] = PgStore.dialect.median
  ): Dialect.Dialect => ({
    ...PgStore.dialect,
    median,
    sampledMedians: { ...sampled, percent: 100, minimum: 1, ...options }
  })

  it.scoped("reads the median off the bracket, sorting only the values inside it", () =>
    Effect.gen(function*() {
      // 1 … 9 minutes, shuffled, then ten: an odd and an even count of distinct durations
      const odd = yield* storeWith(variant({}, wrongMedian))
      yield* fill(odd.center, 9, (i) => ((i * 4) % 9) + 1)
      expect(yield* medianOf(odd.store)).toEqual([minutes(5)])
      const even = yield* storeWith(variant({ width: 2 }, wrongMedian))
      yield* fill(even.center, 10, (i) => ((i * 3) % 10) + 1)
      expect(yield* medianOf(even.store)).toEqual([minutes(5.5)])
      // a narrower bracket (the sample's quantiles 0.425 and 0.575) over 0 … 60 minutes: 26 values lie below it
      const narrow = yield* storeWith(variant({ width: 1 }, wrongMedian))
      yield* fill(narrow.center, 61, (i) => (i * 17) % 61)
      expect(yield* medianOf(narrow.store)).toEqual([minutes(30)])
      // grouped medians are ordinary aggregates (here the wrong one): no sampling
      expect(yield* medianOf(even.store, [{ _tag: "Column", field: "kind" }])).toEqual([-1])
      // so is a median whose sample is below the minimum
      const small = yield* storeWith({ ...variant({}, wrongMedian), sampledMedians: { ...sampled, percent: 100 } })
      yield* fill(small.center, 3, (i) => i + 1)
      expect(yield* medianOf(small.store)).toEqual([-1])
    }))

  it.scoped("sorts every value again when the bracket misses the middle", () =>
    Effect.gen(function*() {
      // width 0: the bracket is the sample's own median alone; over ten distinct values it holds only the lower of
      // the two middle values, so the store must fall back
      const wrong = yield* storeWith(variant({ width: 0 }, wrongMedian))
      yield* fill(wrong.center, 10, (i) => ((i * 7) % 10) + 1)
      expect(yield* medianOf(wrong.store)).toEqual([-1])
      const right = yield* storeWith(variant({ width: 0 }))
      yield* fill(right.center, 10, (i) => ((i * 7) % 10) + 1)
      expect(yield* medianOf(right.store)).toEqual([minutes(5.5)])
    }))

  it.scoped("computes the whole request again when a bracket misses, so every figure comes from one statement", () =>
    Effect.gen(function*() {
      // a `middle` that misses and, as a write committed by another connection would, changes a duration between
      // the first statement and the next: case c0 is accepted 100 minutes after registration instead of 1
      const prefix = freshPrefix("medtx")
      const touching: Dialect.Dialect = {
        ...variant({ width: 4 }),
        sampledMedians: {
          ...variant({ width: 4 }).sampledMedians!,
          middle: () => `(CASE WHEN ${prefix}touch() THEN ARRAY[]::bigint[] END)`
        }
      }
      const context = yield* Layer.build(
        SqlStore.layer({ dialect: touching, tablePrefix: prefix }).pipe(
          Layer.provideMerge(PgStore.clientLayer({ url: db.url, maxConnections: 2 }))
        )
      )
      const store = Context.get(context, SqlStore.SqlStore)
      const center = yield* Effect.provideService(scenarioMake({ config }), CaseStore.CaseStore, store)
      yield* fill(center, 5, (i) => i + 1) // 1 … 5 minutes
      yield* Effect.promise(() =>
        db.admin(`CREATE OR REPLACE FUNCTION ${prefix}touch() RETURNS boolean LANGUAGE sql AS $$
          UPDATE ${prefix}cases SET accepted_at = registered_at + 6000000 WHERE id = 'c0' RETURNING true $$`)
      )
      const [row] = yield* store.aggregate(centre, {
        where: { _tag: "And", conditions: [] },
        groupBy: [],
        measures: [
          { _tag: "Duration", name: "avg", from: "registeredAt", to: "acceptedAt", stat: "avg" },
          { _tag: "Duration", name: "median", from: "registeredAt", to: "acceptedAt", stat: "median" }
        ],
        utcOffsetMinutes: 480
      })
      // both from the statement after the change: 2 … 5 and 100 minutes
      expect(row!.values).toEqual({ avg: minutes(114 / 5), median: minutes(4) })
    }))

  it.scoped("keeps a median whose condition has many parameters an ordinary aggregate", () =>
    Effect.gen(function*() {
      const kinds = (n: number) => ["dispute", ...Array.from({ length: n - 1 }, (_, i) => `k${i}`)]
      const medianWhere = (store: SqlStore.SqlStore, n: number) =>
        Effect.map(
          store.aggregate(centre, {
            where: { _tag: "And", conditions: [] },
            groupBy: [],
            measures: [{
              _tag: "Duration",
              name: "m",
              from: "registeredAt",
              to: "acceptedAt",
              stat: "median",
              where: { _tag: "In", field: "kind", values: kinds(n) }
            }],
            utcOffsetMinutes: 480
          }),
          (rows) => rows.map((r) => r.values["m"])
        )
      const wrong = yield* storeWith(variant({}, wrongMedian))
      yield* fill(wrong.center, 9, (i) => i + 1)
      expect(yield* medianWhere(wrong.store, 1000)).toEqual([minutes(5)]) // bracketed
      expect(yield* medianWhere(wrong.store, 1001)).toEqual([-1]) // not
      // 14 000 values: bracketed, the five copies would pass PostgreSQL's limit of 65 535 parameters
      const right = yield* storeWith(variant({}))
      yield* fill(right.center, 9, (i) => i + 1)
      expect(yield* medianWhere(right.store, 14_000)).toEqual([minutes(5)])
    }))

  it.scoped("gives the in-memory median with ties, on any sample of the table", () =>
    Effect.gen(function*() {
      const durations = Array.from({ length: 61 }, (_, i) => (i * 17) % 13)
      for (const percent of [100, 50, 10]) {
        for (const width of [0, 1, 4]) {
          const s = yield* storeWith(variant({ percent, width }))
          yield* fill(s.center, durations.length, (i) => durations[i]!)
          expect(yield* medianOf(s.store), `percent ${percent}, width ${width}`).toEqual([
            minutes(reference(durations)!)
          ])
        }
      }
    }))
})
