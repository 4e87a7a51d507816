/**
 * The arithmetic of sampled medians: for any values and any sample of them, the median read off a bracket is the
 * exact median or a miss (never a wrong value), a bracket spanning every value never misses, and the bracket's
 * width follows the sample size.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Medians from "../src/internal/medians.js"

const reference = (xs: ReadonlyArray<number>): number | null => {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return null
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** PostgreSQL's `percentile_disc(f)` of sorted values: the value at row ⌈f·n⌉ (the first row for 0). */
const disc = (sorted: ReadonlyArray<number>, f: number): number =>
  sorted[Math.max(0, Math.ceil(f * sorted.length) - 1)]!

/** What the bracket's pass returns: the count, the number below, and the middle values inside the bracket. */
const pass = (xs: ReadonlyArray<number>, low: number, high: number) => {
  const below = xs.filter((x) => x < low).length
  const inside = xs.filter((x) => x >= low && x <= high).sort((a, b) => a - b)
  const offset = Math.max(Math.floor((xs.length + 1) / 2) - below - 1, 0)
  return { count: xs.length, below, middle: inside.slice(offset, offset + 2) }
}

const value = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2 ** 50 }))

describe("sampled medians", () => {
  it("asks the sample for ascending fractions from 0 to 1, 0.5 in the middle", () => {
    const f = Medians.fractions
    expect(f[0]).toBe(0)
    expect(f.at(-1)).toBe(1)
    expect(f[(f.length - 1) / 2]).toBe(0.5)
    for (let i = 1; i < f.length; i++) expect(f[i]!).toBeGreaterThan(f[i - 1]!)
  })

  it("reads the exact median off any bracket, or reports a miss", () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 200 }),
        fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        fc.double({ min: 0, max: 8, noNaN: true }),
        (xs, picks, width) => {
          const sample = xs.filter((_, i) => picks[i]).sort((a, b) => a - b)
          const b = Medians.bracket(sample.length, Medians.fractions.map((f) => disc(sample, f)), {
            minimum: 1,
            width
          })
          if (sample.length === 0) {
            expect(b).toBeUndefined()
            return
          }
          expect(b).toBeDefined()
          const { below, count, middle } = pass(xs, b!.low, b!.high)
          const median = Medians.fromBracket(count, below, middle)
          if (median !== undefined) expect(median).toBe(reference(xs))
          // a bracket from the smallest to the largest value always holds the middle
          if (b!.low <= Math.min(...xs) && b!.high >= Math.max(...xs)) expect(median).toBe(reference(xs))
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("misses when the middle lies outside the bracket", () => {
    // 1 … 10: the middle values are 5 and 6
    const xs = Array.from({ length: 10 }, (_, i) => i + 1)
    expect(Medians.fromBracket(10, 0, [1, 2])).toBe(1.5) // what a pass would return for a bracket at the bottom…
    const low = pass(xs, 1, 3)
    expect(Medians.fromBracket(low.count, low.below, low.middle)).toBeUndefined() // …is refused: only 3 values
    const high = pass(xs, 7, 10)
    expect(Medians.fromBracket(high.count, high.below, high.middle)).toBeUndefined() // 6 below the bracket
    const one = pass(xs, 5, 5)
    expect(Medians.fromBracket(one.count, one.below, one.middle)).toBeUndefined() // 6 is outside
    const both = pass(xs, 5, 6)
    expect(Medians.fromBracket(both.count, both.below, both.middle)).toBe(5.5)
    expect(Medians.fromBracket(0, 0, [])).toBeNull()
  })

  it("narrows the bracket as the sample grows, and keeps small or unreadable samples whole", () => {
    const sorted = Array.from({ length: 100_001 }, (_, i) => i)
    const widthAt = (n: number) => {
      const b = Medians.bracket(n, Medians.fractions.map((f) => disc(sorted, f)), { minimum: 1000, width: 4 })
      return b === undefined ? undefined : (b.high - b.low) / sorted.length
    }
    expect(widthAt(999)).toBeUndefined()
    const w = [1000, 5000, 20_000, 1_000_000].map(widthAt)
    for (let i = 1; i < w.length; i++) expect(w[i]!).toBeLessThan(w[i - 1]!)
    // four standard errors either side: 2 / √n of the rows, rounded up to an offset on offer
    expect(w[1]!).toBeGreaterThanOrEqual(2 * (2 / Math.sqrt(5000)))
    expect(w[1]!).toBeLessThanOrEqual(2 * 0.03 + 1e-5)
    expect(Medians.bracket(5000, [1, 2], { minimum: 1, width: 4 })).toBeUndefined()
    expect(Medians.bracket(5000, "{1,2}", { minimum: 1, width: 4 })).toBeUndefined()
    expect(Medians.bracket(5000, Medians.fractions.map(() => null), { minimum: 1, width: 4 })).toBeUndefined()
  })
})
