/**
 * The KPIs (考核指标) a comprehensive governance centre is judged by, each defined once as measures the store
 * computes where the data lives (`CaseStore.aggregate`: SQL `GROUP BY` on the SQL stores, the same fold in
 * memory), and the formulas that turn those counts into rates. The definitions, with their Chinese names, are
 * written down in `docs/kpis.md`.
 *
 * Every count is over the case summaries selected by the query (by default: registered in the period, inside the
 * caller's jurisdiction subtree):
 *
 * - 受理数 `accepted`: cases with an acceptance time;
 * - 办结数 `closed`: accepted cases with a closing time (an outcome recorded and not reopened since);
 * - 化解数 `resolved`: closed cases whose outcome is *resolved* — a case closed without resolution never counts;
 * - 化解率 counts disputes only (纠纷: the kinds of `resolutionKinds`, by default `dispute`): resolvedDisputes ÷
 *   acceptedDisputes;
 * - 办结率 = closed ÷ accepted, 满意度 = (satisfied + basically satisfied) ÷ rated …
 * - timeliness (及时响应, 超期) leaves out the cases entered late (历史补录: imported, or backdated by a role allowed
 *   to) unless `enteredLate: "include"`: their times are the caller's word, not the centre's record.
 *
 * This module is the face of three parts: the definitions and options (`internal/definitions.ts`,
 * `internal/options.ts`), the planning of the measures (`internal/measures.ts`) and the computing of the figures
 * (`internal/figures.ts`, `internal/decimal.ts`).
 *
 * @since 0.1.0
 */
import type { CaseStore, CenterConfig, Summary } from "@fengqiao/core"
import * as decimal from "./internal/decimal.js"
import * as definitions from "./internal/definitions.js"
import * as figures from "./internal/figures.js"
import * as internalMeasures from "./internal/measures.js"
import * as internalOptions from "./internal/options.js"

/**
 * The counts every figure is made of.
 *
 * @since 0.1.0
 * @category models
 */
export type CountName = definitions.CountName

/**
 * Every count, in display order.
 *
 * @since 0.1.0
 * @category constants
 */
export const countNames: ReadonlyArray<CountName> = definitions.countNames

/**
 * The rates (率), each a numerator count over a denominator count.
 *
 * @since 0.1.0
 * @category models
 */
export type RateName = definitions.RateName

/**
 * Each rate's numerator and denominator.
 *
 * @since 0.1.0
 * @category constants
 */
export const rateDefinitions: Readonly<
  Record<RateName, { readonly numerator: CountName; readonly denominator: CountName }>
> = definitions.rateDefinitions

/**
 * Every rate, in display order.
 *
 * @since 0.1.0
 * @category constants
 */
export const rateNames: ReadonlyArray<RateName> = definitions.rateNames

/**
 * The steps of the closed loop whose durations are measured, and intake to close.
 *
 * @since 0.1.0
 * @category models
 */
export type StepName = definitions.StepName

/**
 * Each step: the time it starts at and the time it ends at.
 *
 * @since 0.1.0
 * @category constants
 */
export const stepDefinitions: Readonly<
  Record<StepName, { readonly from: Summary.TimeField; readonly to: Summary.TimeField }>
> = definitions.stepDefinitions

/**
 * Every step, in loop order.
 *
 * @since 0.1.0
 * @category constants
 */
export const stepNames: ReadonlyArray<StepName> = definitions.stepNames

/**
 * The weights of the hotline "three rates" (三率: 响应率, 解决率, 满意率). The score is their weighted mean in
 * percent. The default (10 / 45 / 45) is a common published scheme; centres set their own.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ThreeRateWeights: typeof internalOptions.ThreeRateWeights = internalOptions.ThreeRateWeights

/**
 * @since 0.1.0
 * @category models
 */
export type ThreeRateWeights = typeof ThreeRateWeights.Type

/**
 * How the KPIs are computed and shown; every field has a default: `decimals` of a percentage (2), the three-rate
 * `weights`, the `satisfiedRatings` (满意 + 基本满意), the `lowestTier` of 小事不出村 (`village` when the centre
 * has that level, else its deepest), the `resolutionKinds` 化解率 counts (`dispute` when the centre has that kind,
 * else every kind), and whether the cases entered late count in the figures of timeliness (`enteredLate`:
 * `exclude` by default, so that imported history can neither flatter nor spoil the on-time figures).
 *
 * @since 0.1.0
 * @category schemas
 */
export const KpiOptions: typeof internalOptions.KpiOptions = internalOptions.KpiOptions

/**
 * @since 0.1.0
 * @category models
 */
export type KpiOptions = typeof KpiOptions.Type

/**
 * The defaults of {@link KpiOptions}.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultOptions: KpiOptions = internalOptions.defaultOptions

/**
 * Why `options.lowestTier` does not fit a centre (it names none of its levels), if it does not: the problem the
 * plugin reports at start-up and a direct dashboard call refuses with.
 *
 * @since 0.1.0
 * @category utils
 */
export const lowestTierProblem: (
  centre: CenterConfig.Resolved,
  options: KpiOptions
) => { readonly field: "lowestTier"; readonly expected: string } | undefined = internalOptions.lowestTierProblem

/**
 * Why `options.resolutionKinds` does not fit a centre (a kind it does not have), if it does not.
 *
 * @since 0.1.0
 * @category utils
 */
export const resolutionKindsProblem: (
  centre: CenterConfig.Resolved,
  options: KpiOptions
) => { readonly field: "resolutionKinds"; readonly expected: string } | undefined =
  internalOptions.resolutionKindsProblem

/**
 * The first problem of the options for a centre (`lowestTier`, then `resolutionKinds`), if any: what the plugin
 * reports at start-up and a direct dashboard call refuses with.
 *
 * @since 0.1.0
 * @category utils
 */
export const optionsProblem: (
  centre: CenterConfig.Resolved,
  options: KpiOptions
) => { readonly field: string; readonly expected: string } | undefined = internalOptions.optionsProblem

/**
 * The case kinds 化解率 counts, for a centre: `options.resolutionKinds`, else `dispute` when the centre has it, else
 * every kind (`undefined`).
 *
 * @since 0.1.0
 * @category utils
 */
export const resolutionKindsOf: (
  centre: CenterConfig.Resolved,
  options: KpiOptions
) => ReadonlyArray<string> | undefined = internalOptions.resolutionKindsOf

/**
 * The tier index (0 = the top level) of the level 小事不出村 counts at, for a centre.
 *
 * @since 0.1.0
 * @category utils
 */
export const lowestTierIndex: (centre: CenterConfig.Resolved, options: KpiOptions) => number =
  internalOptions.lowestTierIndex

/**
 * The condition of each count, for a centre, options and the reference time of "overdue".
 *
 * @since 0.1.0
 * @category constructors
 */
export const countConditions: (
  centre: CenterConfig.Resolved,
  options: KpiOptions,
  asOf: string
) => Readonly<Record<CountName, CaseStore.Condition | undefined>> = internalMeasures.countConditions

/**
 * The aggregate measures of every count and, per step, the number of timed cases and their average duration;
 * medians when asked (ordinary aggregates on an SQL store whose dialect has `median`, else a window query each).
 *
 * @since 0.1.0
 * @category constructors
 */
export const measures: (
  centre: CenterConfig.Resolved,
  options: KpiOptions,
  asOf: string,
  withMedians: boolean
) => ReadonlyArray<CaseStore.Measure> = internalMeasures.measures

/**
 * The additive measures of every count and, per step, the number of timed cases (`<step>_n`) and the sum of
 * their durations (`<step>_sum`): what {@link measures} asks for minus the averages and medians, in a form whose
 * values add up across groups, so that one `GROUP BY` pass over fine groups can be rolled up into several
 * coarser ones ({@link addValues}, {@link withAverages}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const additiveMeasures: (
  centre: CenterConfig.Resolved,
  options: KpiOptions,
  asOf: string
) => ReadonlyArray<CaseStore.Measure> = internalMeasures.additiveMeasures

/**
 * Adds the values of an aggregate row of {@link additiveMeasures} into a running total (in place).
 *
 * @since 0.1.0
 * @category utils
 */
export const addValues: (
  total: Record<string, number>,
  values: Readonly<Record<string, number | null>>
) => Record<string, number> = figures.addValues

/**
 * The values of {@link measures} from summed {@link additiveMeasures}: each step's average is its sum ÷ its count
 * (`null` without timed cases), exactly what the store's `avg` gives.
 *
 * @since 0.1.0
 * @category utils
 */
export const withAverages: (values: Readonly<Record<string, number>>) => Record<string, number | null> =
  figures.withAverages

/**
 * A rate: its counts (`numerator`, `denominator`), the exact `ratio` (numerator ÷ denominator, unrounded, in
 * [0, 1]), and the `percent` rounded half-up to the configured decimals (99.00 for 23 487 ÷ 23 724 at 2
 * decimals). Both are `null` when the denominator is 0 (no rate, rather than 0 %).
 *
 * @since 0.1.0
 * @category models
 */
export type Rate = figures.Rate

/**
 * Durations of one step, in milliseconds: the `count` of cases with both times, their `averageMs`, and their
 * `medianMs` (`undefined` when medians were not asked for).
 *
 * @since 0.1.0
 * @category models
 */
export type StepDuration = figures.StepDuration

/**
 * The hotline three rates and their weighted `score`: Σ weightᵢ · rateᵢ ÷ Σ weightᵢ in percent over the rates that
 * exist, computed exactly and rounded half-up once ({@link threeRateScore}); `null` when none exists.
 *
 * @since 0.1.0
 * @category models
 */
export type ThreeRates = figures.ThreeRates

/**
 * All figures of one group (or of the whole selection): counts, rates, the three rates and step durations.
 *
 * @since 0.1.0
 * @category models
 */
export type Figures = figures.Figures

/**
 * The percentage of `numerator ÷ denominator`, rounded half-up (四舍五入) to `decimals`, computed exactly in
 * integers (no binary floating-point surprises: 0.5 always rounds up; a negative ratio rounds half away from
 * zero). `null` when the denominator is 0.
 *
 * @example
 * ```ts
 * import { Kpi } from "@fengqiao/plugins-stats"
 * Kpi.percent(23487, 23724, 2) // 99
 * Kpi.percent(16198, 16412, 2) // 98.7
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const percent: (numerator: number, denominator: number, decimals: number) => number | null = decimal.percent

/**
 * Rounds a number half away from zero (四舍五入) to `decimals`, exactly, on the decimal it prints as (JavaScript's
 * shortest representation): 1.005 → 1.01, -0.005 → -0.01, 1.8e-7 → 0, 1e21 → 1e21. Works for every finite
 * number (exponent forms included); `NaN` and ±Infinity are returned as they are. A result of zero is 0, never -0.
 *
 * @since 0.1.0
 * @category utils
 */
export const roundHalfUp: (value: number, decimals: number) => number = decimal.roundHalfUp

/**
 * A rate from two counts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const rate: (numerator: number, denominator: number, decimals: number) => Rate = figures.rate

/**
 * The weighted score of the three rates, in percent: Σ wᵢ · rateᵢ ÷ Σ wᵢ over the rates that exist (a rate
 * without a denominator, or with weight 0, is left out), computed exactly from the rates' counts and the weights
 * taken as the decimals they print as (0.1 is exactly one tenth), then rounded half-up (四舍五入) once. `null`
 * when no rate takes part.
 *
 * @example
 * ```ts
 * import { Kpi } from "@fengqiao/plugins-stats"
 * const r = (n: number, d: number) => Kpi.rate(n, d, 2)
 * // 0.1 × 3/8 + 0.45 × 0/8 + 0.45 × 5/8 = 31.875 % exactly
 * Kpi.threeRateScore(
 *   { response: r(3, 8), resolution: r(0, 8), satisfaction: r(5, 8) },
 *   { response: 0.1, resolution: 0.45, satisfaction: 0.45 },
 *   2
 * ) // 31.88
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const threeRateScore: (
  rates: { readonly response: Rate; readonly resolution: Rate; readonly satisfaction: Rate },
  weights: ThreeRateWeights,
  decimals: number
) => number | null = figures.threeRateScore

/**
 * The change of a rate between two periods in percentage points (百分点): `(current − previous) × 100`,
 * computed exactly from both rates' counts and rounded half away from zero (四舍五入) once — 60 % (3/5) against
 * 28.125 % (9/32) is +31.88 points at 2 decimals. `null` when either rate does not exist.
 *
 * @since 0.1.0
 * @category utils
 */
export const rateChange: (current: Rate, previous: Rate, decimals: number) => number | null = figures.rateChange

/**
 * The figures of an aggregate row made with {@link measures}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const figuresOf: (values: Readonly<Record<string, number | null>>, options: KpiOptions) => Figures =
  figures.figuresOf
