/**
 * The PostgreSQL dialect's median (`percentile_disc` at 0.5 and just above, averaged) is exactly the median the
 * in-memory store computes (the middle value, or the mean of the two middle values): for arbitrary lists of
 * durations with ties, zeros, large values and NULLs (ignored), and for counts large enough that the offset above
 * 0.5 must still pick the next row.
 */
import { describe, expect, it } from "@effect/vitest"
import { PgStore } from "@fengqiao/adapters-pg"
import * as fc from "fast-check"
import { afterAll } from "vitest"
import { testDatabase } from "./database.js"

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
