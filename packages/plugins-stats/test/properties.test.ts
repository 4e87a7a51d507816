import { describe, expect, it } from "@effect/vitest"
import { CaseStore, MemoryStore } from "@fengqiao/core"
import { Statistics } from "@fengqiao/testkit"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Kpi from "../src/Kpi.js"
import { check } from "./invariants.js"

// Property tests on generated histories: every rate in [0, 1], closed ≤ accepted, resolved ≤ closed, and every
// breakdown's parts adding up to the total (on the in-memory store, against itself rebuilt from the same history).
Statistics.run(
  {
    name: "memory",
    fresh: () => Layer.succeed(CaseStore.CaseStore, Effect.runSync(MemoryStore.make)),
    concurrentWriters: { skip: "not needed" }
  },
  { ...check, runs: 40, maxCases: 16 }
)

// The reference of exact rounding: the rational p / q (q > 0) rounded half away from zero to `decimals`, as the
// decimal text `toFixed` prints, by long division of the absolute value.
const reference = (p: bigint, q: bigint, decimals: number): string => {
  const a = p < 0n ? -p : p
  const scaled = a * 10n ** BigInt(decimals)
  let whole = scaled / q
  if (2n * (scaled % q) >= q) whole++
  const digits = whole.toString().padStart(decimals + 1, "0")
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`
  return p < 0n && whole !== 0n ? `-${text}` : text
}

/**
 * A count and a denominator it does not exceed (at least 1): mostly denominators made of 2s and 5s, whose ratios
 * are short decimals that often sit exactly on a half at the rounded place (where floating point goes wrong).
 */
const counts = FastCheck.oneof(
  {
    weight: 3,
    arbitrary: FastCheck.constantFrom(1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 40, 50, 64, 80, 125, 128, 160, 200)
  },
  { weight: 1, arbitrary: FastCheck.integer({ min: 1, max: 1_000_000 }) }
).chain((d) => FastCheck.tuple(FastCheck.integer({ min: 0, max: d }), FastCheck.constant(d)))
/** A weight as users write one: a decimal with up to 4 places, as a number, with its exact value w / 10^4. */
const weight = FastCheck.tuple(
  FastCheck.oneof(FastCheck.integer({ min: 0, max: 100 }), FastCheck.integer({ min: 0, max: 1_000_000 })),
  FastCheck.integer({ min: 0, max: 4 })
).map(([n, places]) => ({ value: n / 10 ** places, exact: BigInt(n) * 10n ** BigInt(4 - places) }))
const decimals = FastCheck.integer({ min: 0, max: 6 })

describe("exact half-up rounding against a rational reference", () => {
  it("the three-rate score: Σ wᵢ·nᵢ/dᵢ ÷ Σ wᵢ in percent, rounded once", () =>
    FastCheck.assert(
      FastCheck.property(
        FastCheck.tuple(counts, counts, counts),
        FastCheck.tuple(weight, weight, weight),
        FastCheck.tuple(FastCheck.boolean(), FastCheck.boolean(), FastCheck.boolean()),
        decimals,
        (cs, ws, missing, decimals) => {
          const names = ["response", "resolution", "satisfaction"] as const
          const rates = names.map((_, i) =>
            missing[i] ? Kpi.rate(0, 0, decimals) : Kpi.rate(cs[i]![0], cs[i]![1], decimals)
          )
          const score = Kpi.threeRateScore(
            { response: rates[0]!, resolution: rates[1]!, satisfaction: rates[2]! },
            { response: ws[0].value, resolution: ws[1].value, satisfaction: ws[2].value },
            decimals
          )
          // Σ wᵢ·nᵢ/dᵢ over the rates that exist and weigh something, as one fraction p / q
          let p = 0n
          let q = 1n
          let total = 0n
          for (const i of [0, 1, 2]) {
            if (missing[i] || ws[i]!.exact === 0n) continue
            const [n, d] = [BigInt(cs[i]![0]), BigInt(cs[i]![1])]
            p = p * d + ws[i]!.exact * n * q
            q = q * d
            total += ws[i]!.exact
          }
          if (total === 0n) expect(score).toBeNull()
          else expect(score?.toFixed(decimals)).toBe(reference(100n * p, q * total, decimals))
        }
      ),
      { numRuns: 2000 }
    ))

  it("a change of a rate in percentage points: 100 · (n₁/d₁ − n₂/d₂), rounded once", () =>
    FastCheck.assert(
      FastCheck.property(counts, counts, decimals, ([n1, d1], [n2, d2], decimals) => {
        const change = Kpi.rateChange(Kpi.rate(n1, d1, decimals), Kpi.rate(n2, d2, decimals), decimals)
        const p = 100n * (BigInt(n1) * BigInt(d2) - BigInt(n2) * BigInt(d1))
        expect(change?.toFixed(decimals)).toBe(reference(p, BigInt(d1) * BigInt(d2), decimals))
        expect(Object.is(change, -0)).toBe(false)
      }),
      { numRuns: 2000 }
    ))

  it("percentages of counts, rounded once", () =>
    FastCheck.assert(
      FastCheck.property(counts, decimals, ([n, d], decimals) => {
        expect(Kpi.percent(n, d, decimals)?.toFixed(decimals)).toBe(reference(100n * BigInt(n), BigInt(d), decimals))
      }),
      { numRuns: 1000 }
    ))

  it("roundHalfUp: every finite number, rounded on the decimal it prints as", () =>
    FastCheck.assert(
      FastCheck.property(
        FastCheck.double({ noNaN: true, noDefaultInfinity: true }),
        decimals,
        (x, decimals) => {
          // the printed decimal as an exact fraction p / q
          const [mantissa, exponent = "0"] = String(x).split("e")
          const [whole, fraction = ""] = mantissa!.split(".")
          const e = Number(exponent) - fraction.length
          const p = BigInt(`${whole}${fraction}`) * (e > 0 ? 10n ** BigInt(e) : 1n)
          const q = e < 0 ? 10n ** BigInt(-e) : 1n
          const rounded = Kpi.roundHalfUp(x, decimals)
          expect(Number.isFinite(rounded)).toBe(true)
          expect(Object.is(rounded, -0)).toBe(false)
          expect(rounded).toBe(Number(reference(p, q, decimals)))
        }
      ),
      { numRuns: 5000 }
    ))
})
