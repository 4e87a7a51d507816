/**
 * Computing the figures: from the values of an aggregate row (counts, step counts, sums, averages and medians) to
 * counts, rates, the three-rate score and step durations; and the roll-up of additive rows across groups.
 *
 * @internal
 */
import { count, decimalOf, percent, roundRatio } from "./decimal.js"
import {
  type CountName,
  countNames,
  rateDefinitions,
  type RateName,
  rateNames,
  type StepName,
  stepNames,
  stepValue,
  type ThreeRateName,
  threeRateNames,
  threeRateSources
} from "./definitions.js"
import type { KpiOptions, ThreeRateWeights } from "./options.js"

/**
 * A rate: its counts, the exact ratio, and the percentage rounded half-up to the configured decimals. Both are
 * `null` when the denominator is 0 (no rate, rather than 0 %).
 *
 * @internal
 */
export interface Rate {
  readonly numerator: number
  readonly denominator: number
  /** numerator ÷ denominator, unrounded, in [0, 1]. */
  readonly ratio: number | null
  /** The ratio in percent, rounded half-up (99.00 for 23 487 ÷ 23 724 at 2 decimals). */
  readonly percent: number | null
}

/**
 * Durations of one step, in milliseconds.
 *
 * @internal
 */
export interface StepDuration {
  /** Cases with both times. */
  readonly count: number
  readonly averageMs: number | null
  /** `undefined` when medians were not asked for. */
  readonly medianMs?: number | null | undefined
}

/**
 * The hotline three rates and their weighted score.
 *
 * @internal
 */
export interface ThreeRates {
  readonly response: Rate
  readonly resolution: Rate
  readonly satisfaction: Rate
  readonly weights: ThreeRateWeights
  /**
   * Σ weightᵢ · rateᵢ ÷ Σ weightᵢ in percent over the rates that exist, computed exactly and rounded half-up once
   * (`Kpi.threeRateScore`); `null` when none exists.
   */
  readonly score: number | null
}

/**
 * All figures of one group (or of the whole selection).
 *
 * @internal
 */
export interface Figures {
  readonly counts: Readonly<Record<CountName, number>>
  readonly rates: Readonly<Record<RateName, Rate>>
  readonly threeRates: ThreeRates
  readonly durations: Readonly<Record<StepName, StepDuration>>
}

/**
 * A rate from two counts.
 *
 * @internal
 */
export const rate = (numerator: number, denominator: number, decimals: number): Rate => ({
  numerator,
  denominator,
  ratio: denominator === 0 ? null : numerator / denominator,
  percent: percent(numerator, denominator, decimals)
})

/**
 * The weighted score of the three rates, in percent, computed exactly and rounded half-up once (see
 * `Kpi.threeRateScore`).
 *
 * @internal
 */
export const threeRateScore = (
  rates: Readonly<Record<ThreeRateName, Rate>>,
  weights: ThreeRateWeights,
  decimals: number
): number | null => {
  const parts: Array<{ readonly weight: ReturnType<typeof decimalOf>; readonly rate: Rate }> = []
  for (const k of threeRateNames) {
    if (rates[k].denominator === 0 || weights[k] === 0) continue
    parts.push({ weight: decimalOf(weights[k]), rate: rates[k] })
  }
  if (parts.length === 0) return null
  // every weight as an integer multiple of 10^exponent, the finest decimal place among them
  const exponent = Math.min(0, ...parts.map((p) => p.weight.exponent))
  const terms = parts.map(({ rate, weight }) => ({
    w: (weight.negative ? -weight.digits : weight.digits) * 10n ** BigInt(weight.exponent - exponent),
    n: count(rate.numerator),
    d: count(rate.denominator)
  }))
  // 100 · Σ wᵢ·nᵢ/dᵢ ÷ Σ wᵢ, over the common denominator Π dᵢ
  const product = terms.reduce((p, t) => p * t.d, 1n)
  const sum = terms.reduce((s, t) => s + t.w * t.n * (product / t.d), 0n)
  const total = terms.reduce((s, t) => s + t.w, 0n)
  return total === 0n ? null : roundRatio(100n * sum, total * product, decimals)
}

/**
 * The change of a rate between two periods in percentage points, exactly, rounded half-up once (see
 * `Kpi.rateChange`).
 *
 * @internal
 */
export const rateChange = (current: Rate, previous: Rate, decimals: number): number | null => {
  if (current.denominator === 0 || previous.denominator === 0) return null
  const [n1, d1] = [count(current.numerator), count(current.denominator)]
  const [n2, d2] = [count(previous.numerator), count(previous.denominator)]
  return roundRatio(100n * (n1 * d2 - n2 * d1), d1 * d2, decimals)
}

/**
 * The figures of an aggregate row made with the KPI measures.
 *
 * @internal
 */
export const figuresOf = (values: Readonly<Record<string, number | null>>, options: KpiOptions): Figures => {
  const counts = {} as Record<CountName, number>
  for (const c of countNames) counts[c] = values[c] ?? 0
  const rates = {} as Record<RateName, Rate>
  for (const r of rateNames) {
    const { denominator, numerator } = rateDefinitions[r]
    rates[r] = rate(counts[numerator], counts[denominator], options.decimals)
  }
  const durations = {} as Record<StepName, StepDuration>
  for (const s of stepNames) {
    const median = values[stepValue(s, "median")]
    durations[s] = {
      count: values[stepValue(s, "count")] ?? 0,
      averageMs: values[stepValue(s, "avg")] ?? null,
      ...(median !== undefined ? { medianMs: median } : {})
    }
  }
  const three = {} as Record<ThreeRateName, Rate>
  for (const k of threeRateNames) three[k] = rates[threeRateSources[k]]
  return {
    counts,
    rates,
    threeRates: { ...three, weights: options.weights, score: threeRateScore(three, options.weights, options.decimals) },
    durations
  }
}

/**
 * Adds the values of an additive aggregate row into a running total (in place).
 *
 * @internal
 */
export const addValues = (
  total: Record<string, number>,
  values: Readonly<Record<string, number | null>>
): Record<string, number> => {
  for (const k in values) total[k] = (total[k] ?? 0) + (values[k] ?? 0)
  return total
}

/**
 * The values of the KPI measures from summed additive ones: each step's average is its sum ÷ its count (`null`
 * without timed cases), exactly what the store's `avg` gives.
 *
 * @internal
 */
export const withAverages = (values: Readonly<Record<string, number>>): Record<string, number | null> => {
  const out: Record<string, number | null> = { ...values }
  for (const step of stepNames) {
    const n = values[stepValue(step, "count")] ?? 0
    out[stepValue(step, "avg")] = n === 0 ? null : (values[stepValue(step, "sum")] ?? 0) / n
  }
  return out
}

/**
 * The values of a selection without medians' rows: every step's median `null`.
 *
 * @internal
 */
export const medianNulls = (): Record<string, number | null> => {
  const values: Record<string, number | null> = {}
  for (const s of stepNames) values[stepValue(s, "median")] = null
  return values
}
