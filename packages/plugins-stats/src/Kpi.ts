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
 * @since 0.1.0
 */
import type { CaseStore, CenterConfig, Summary } from "@fengqiao/core"
import * as Schema from "effect/Schema"

/**
 * The counts every figure is made of.
 *
 * @since 0.1.0
 * @category models
 */
export type CountName =
  | "registered"
  | "accepted"
  | "closed"
  | "resolved"
  | "acceptedDisputes"
  | "resolvedDisputes"
  | "rated"
  | "satisfied"
  | "respondedOnTime"
  | "responseBase"
  | "followedUp"
  | "rebounded"
  | "followUpBase"
  | "overdue"
  | "overdueOpen"
  | "overdueBase"
  | "open"
  | "escalated"
  | "lowTierResolved"
  | "warnings"
  | "enteredLate"

/**
 * Every count, in display order.
 *
 * @since 0.1.0
 * @category constants
 */
export const countNames: ReadonlyArray<CountName> = [
  "registered",
  "accepted",
  "closed",
  "resolved",
  "acceptedDisputes",
  "resolvedDisputes",
  "rated",
  "satisfied",
  "respondedOnTime",
  "responseBase",
  "followedUp",
  "rebounded",
  "followUpBase",
  "overdue",
  "overdueOpen",
  "overdueBase",
  "open",
  "escalated",
  "lowTierResolved",
  "warnings",
  "enteredLate"
]

/**
 * The rates (率), each a numerator count over a denominator count.
 *
 * @since 0.1.0
 * @category models
 */
export type RateName =
  | "closure"
  | "resolution"
  | "satisfaction"
  | "response"
  | "hotlineResolution"
  | "followUp"
  | "rebound"
  | "overdue"
  | "escalation"
  | "lowTier"

/**
 * Each rate's numerator and denominator.
 *
 * @since 0.1.0
 * @category constants
 */
export const rateDefinitions: Readonly<
  Record<RateName, { readonly numerator: CountName; readonly denominator: CountName }>
> = {
  closure: { numerator: "closed", denominator: "accepted" },
  resolution: { numerator: "resolvedDisputes", denominator: "acceptedDisputes" },
  satisfaction: { numerator: "satisfied", denominator: "rated" },
  response: { numerator: "respondedOnTime", denominator: "responseBase" },
  hotlineResolution: { numerator: "resolved", denominator: "closed" },
  followUp: { numerator: "followedUp", denominator: "closed" },
  rebound: { numerator: "rebounded", denominator: "followUpBase" },
  overdue: { numerator: "overdue", denominator: "overdueBase" },
  escalation: { numerator: "escalated", denominator: "accepted" },
  lowTier: { numerator: "lowTierResolved", denominator: "resolved" }
}

/**
 * Every rate, in display order.
 *
 * @since 0.1.0
 * @category constants
 */
export const rateNames: ReadonlyArray<RateName> = Object.keys(rateDefinitions) as Array<RateName>

/**
 * The steps of the closed loop whose durations are measured, and intake to close.
 *
 * @since 0.1.0
 * @category models
 */
export type StepName =
  | "acceptance"
  | "assessment"
  | "dispatch"
  | "handlingStart"
  | "handling"
  | "feedback"
  | "archive"
  | "intakeToClose"

/**
 * Each step: the time it starts at and the time it ends at.
 *
 * @since 0.1.0
 * @category constants
 */
export const stepDefinitions: Readonly<
  Record<StepName, { readonly from: Summary.TimeField; readonly to: Summary.TimeField }>
> = {
  acceptance: { from: "registeredAt", to: "acceptedAt" },
  assessment: { from: "acceptedAt", to: "assessedAt" },
  dispatch: { from: "assessedAt", to: "dispatchedAt" },
  handlingStart: { from: "dispatchedAt", to: "handlingStartedAt" },
  handling: { from: "handlingStartedAt", to: "closedAt" },
  feedback: { from: "closedAt", to: "feedbackAt" },
  archive: { from: "feedbackAt", to: "archivedAt" },
  intakeToClose: { from: "registeredAt", to: "closedAt" }
}

/**
 * Every step, in loop order.
 *
 * @since 0.1.0
 * @category constants
 */
export const stepNames: ReadonlyArray<StepName> = Object.keys(stepDefinitions) as Array<StepName>

/**
 * The weights of the hotline "three rates" (三率: 响应率, 解决率, 满意率). The score is their weighted mean in
 * percent. The default (10 / 45 / 45) is a common published scheme; centres set their own.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ThreeRateWeights = Schema.Struct({
  response: Schema.Number.pipe(Schema.nonNegative(), Schema.finite()),
  resolution: Schema.Number.pipe(Schema.nonNegative(), Schema.finite()),
  satisfaction: Schema.Number.pipe(Schema.nonNegative(), Schema.finite())
}).pipe(
  Schema.filter((w) => w.response + w.resolution + w.satisfaction > 0 || "weights that are not all zero")
).annotations({ identifier: "ThreeRateWeights" })

/**
 * @since 0.1.0
 * @category models
 */
export type ThreeRateWeights = typeof ThreeRateWeights.Type

/**
 * How the KPIs are computed and shown; every field has a default.
 *
 * @since 0.1.0
 * @category schemas
 */
export const KpiOptions = Schema.Struct({
  /** Decimals of a percentage (half-up rounding, 四舍五入). Default 2: 99.00 %. */
  decimals: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 6)), { default: () => 2 }),
  /** Weights of the hotline three rates. */
  weights: Schema.optionalWith(ThreeRateWeights, {
    default: () => ({ response: 0.1, resolution: 0.45, satisfaction: 0.45 })
  }),
  /** The ratings that count as satisfied (满意 + 基本满意 by default). */
  satisfiedRatings: Schema.optionalWith(
    Schema.Array(Schema.Literal("satisfied", "basicallySatisfied", "dissatisfied")).pipe(Schema.minItems(1)),
    { default: () => ["satisfied", "basicallySatisfied"] as const }
  ),
  /**
   * The jurisdiction level of 小事不出村: a case resolved while handled at this level or below counts. Default:
   * `village` when the centre has that level, else its deepest level.
   */
  lowestTier: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))),
  /**
   * The case kinds 化解率 is computed over (its cases are disputes, 矛盾纠纷): resolvedDisputes ÷ acceptedDisputes.
   * Default: `dispute` when the centre has that kind, else every kind.
   */
  resolutionKinds: Schema.optional(
    Schema.Array(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))).pipe(Schema.minItems(1))
  ),
  /**
   * How the cases entered late (历史补录: imported by `importCases`, or backdated by a role of
   * `time.backdateRoles`) count in the figures of timeliness — 及时响应数 and 响应率, 超期数, 在办超期数 and 超期率.
   * `exclude` (the default) leaves them out of those figures, numerators and denominators alike: their times are
   * what the caller said, not what the centre recorded as it happened, so imported history can neither flatter nor
   * spoil the on-time figures. `include` counts them as any other case. Every other figure counts them either way;
   * the count `enteredLate` says how many there are.
   */
  enteredLate: Schema.optionalWith(Schema.Literal("exclude", "include"), { default: () => "exclude" as const })
}).annotations({ identifier: "KpiOptions" })

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
export const defaultOptions: KpiOptions = Schema.decodeSync(KpiOptions)({})

/**
 * Why `options.lowestTier` does not fit a centre (it names none of its levels), if it does not: the problem the
 * plugin reports at start-up and a direct dashboard call refuses with.
 *
 * @since 0.1.0
 * @category utils
 */
export const lowestTierProblem = (
  centre: CenterConfig.Resolved,
  options: KpiOptions
): { readonly field: "lowestTier"; readonly expected: string } | undefined =>
  options.lowestTier === undefined || centre.tree.levels.some((l) => l.id === options.lowestTier)
    ? undefined
    : { field: "lowestTier", expected: `one of the centre's levels: ${centre.tree.levels.map((l) => l.id).join(", ")}` }

/**
 * Why `options.resolutionKinds` does not fit a centre (a kind it does not have), if it does not.
 *
 * @since 0.1.0
 * @category utils
 */
export const resolutionKindsProblem = (
  centre: CenterConfig.Resolved,
  options: KpiOptions
): { readonly field: "resolutionKinds"; readonly expected: string } | undefined =>
  options.resolutionKinds === undefined || options.resolutionKinds.every((k) => centre.caseKinds.has(k))
    ? undefined
    : { field: "resolutionKinds", expected: `the centre's case kinds: ${[...centre.caseKinds.keys()].join(", ")}` }

/**
 * The first problem of the options for a centre (`lowestTier`, then `resolutionKinds`), if any: what the plugin
 * reports at start-up and a direct dashboard call refuses with.
 *
 * @since 0.1.0
 * @category utils
 */
export const optionsProblem = (
  centre: CenterConfig.Resolved,
  options: KpiOptions
): { readonly field: string; readonly expected: string } | undefined =>
  lowestTierProblem(centre, options) ?? resolutionKindsProblem(centre, options)

/**
 * The case kinds 化解率 counts, for a centre: `options.resolutionKinds`, else `dispute` when the centre has it, else
 * every kind (`undefined`).
 *
 * @since 0.1.0
 * @category utils
 */
export const resolutionKindsOf = (
  centre: CenterConfig.Resolved,
  options: KpiOptions
): ReadonlyArray<string> | undefined =>
  options.resolutionKinds ?? (centre.caseKinds.has("dispute") ? ["dispute"] : undefined)

/**
 * The tier index (0 = the top level) of the level 小事不出村 counts at, for a centre.
 *
 * @since 0.1.0
 * @category utils
 */
export const lowestTierIndex = (centre: CenterConfig.Resolved, options: KpiOptions): number => {
  const levels = centre.tree.levels.map((l) => l.id)
  const id = options.lowestTier ?? (levels.includes("village") ? "village" : levels.at(-1)!)
  const i = levels.indexOf(id)
  return i < 0 ? levels.length - 1 : i
}

const present = (field: Summary.TimeField): CaseStore.Condition => ({ _tag: "Present", field })
const and = (...conditions: ReadonlyArray<CaseStore.Condition>): CaseStore.Condition => ({ _tag: "And", conditions })
const or = (...conditions: ReadonlyArray<CaseStore.Condition>): CaseStore.Condition => ({ _tag: "Or", conditions })
const positive = (field: CaseStore.Column): CaseStore.Condition => ({ _tag: "Gt", field, value: 0 })

/**
 * The condition of each count, for a centre, options and the reference time of "overdue".
 *
 * @since 0.1.0
 * @category constructors
 */
export const countConditions = (
  centre: CenterConfig.Resolved,
  options: KpiOptions,
  asOf: string
): Readonly<Record<CountName, CaseStore.Condition | undefined>> => {
  const accepted = present("acceptedAt")
  const closed = and(accepted, present("closedAt"))
  const resolved = and(closed, { _tag: "Eq", field: "outcome", value: "resolved" })
  const open: CaseStore.Condition = { _tag: "Eq", field: "open", value: true }
  const enteredLate: CaseStore.Condition = { _tag: "Eq", field: "enteredLate", value: true }
  // the cases whose times the figures of timeliness judge: those entered as they happened, unless told otherwise
  const timed = (...conditions: ReadonlyArray<CaseStore.Condition>): CaseStore.Condition =>
    options.enteredLate === "include"
      ? and(...conditions)
      : and(...conditions, { _tag: "Eq", field: "enteredLate", value: false })
  const responseBase = options.enteredLate === "include" ? accepted : timed(accepted)
  const overdueOpen = timed(open, { _tag: "Before", field: "dueAt", value: asOf })
  const kinds = resolutionKindsOf(centre, options)
  const disputes = (c: CaseStore.Condition): CaseStore.Condition =>
    kinds === undefined ? c : and(c, { _tag: "In", field: "kind", values: kinds })
  return {
    registered: undefined,
    accepted,
    closed,
    resolved,
    acceptedDisputes: disputes(accepted),
    resolvedDisputes: disputes(resolved),
    rated: { _tag: "In", field: "rating", values: ["satisfied", "basicallySatisfied", "dissatisfied"] },
    satisfied: { _tag: "In", field: "rating", values: options.satisfiedRatings },
    respondedOnTime: and(responseBase, {
      _tag: "Not",
      condition: { _tag: "Later", field: "acceptedAt", than: "acceptanceDueAt" }
    }),
    responseBase,
    followedUp: and(closed, positive("followUpCount")),
    rebounded: and(accepted, positive("reopenCount")),
    followUpBase: and(accepted, or(positive("followUpCount"), positive("reopenCount"))),
    overdue: or(overdueOpen, timed({ _tag: "Later", field: "closedAt", than: "handlingDueAt" })),
    overdueOpen,
    overdueBase: options.enteredLate === "include" ? undefined : timed(),
    open,
    escalated: and(accepted, positive("escalationCount")),
    lowTierResolved: and(resolved, { _tag: "Gt", field: "handlingTier", value: lowestTierIndex(centre, options) - 1 }),
    warnings: and(open, positive("riskRank")),
    enteredLate
  }
}

/** One `Count` measure per count name, with its condition. */
const countMeasures = (
  centre: CenterConfig.Resolved,
  options: KpiOptions,
  asOf: string
): Array<CaseStore.Measure> => {
  const conditions = countConditions(centre, options, asOf)
  return countNames.map((name) => {
    const where = conditions[name]
    return where === undefined ? { _tag: "Count", name } : { _tag: "Count", name, where }
  })
}

/**
 * The aggregate measures of every count and, per step, the number of timed cases and their average duration;
 * medians when asked (ordinary aggregates on an SQL store whose dialect has `median`, else a window query each).
 *
 * @since 0.1.0
 * @category constructors
 */
export const measures = (
  centre: CenterConfig.Resolved,
  options: KpiOptions,
  asOf: string,
  withMedians: boolean
): ReadonlyArray<CaseStore.Measure> => {
  const out = countMeasures(centre, options, asOf)
  for (const step of stepNames) {
    const { from, to } = stepDefinitions[step]
    out.push({ _tag: "Duration", name: `${step}_n`, from, to, stat: "count" })
    out.push({ _tag: "Duration", name: `${step}_avg`, from, to, stat: "avg" })
    if (withMedians) out.push({ _tag: "Duration", name: `${step}_median`, from, to, stat: "median" })
  }
  return out
}

/**
 * The additive measures of every count and, per step, the number of timed cases (`<step>_n`) and the sum of
 * their durations (`<step>_sum`): what {@link measures} asks for minus the averages and medians, in a form whose
 * values add up across groups, so that one `GROUP BY` pass over fine groups can be rolled up into several
 * coarser ones ({@link addValues}, {@link withAverages}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const additiveMeasures = (
  centre: CenterConfig.Resolved,
  options: KpiOptions,
  asOf: string
): ReadonlyArray<CaseStore.Measure> => {
  const out = countMeasures(centre, options, asOf)
  for (const step of stepNames) {
    const { from, to } = stepDefinitions[step]
    out.push({ _tag: "Duration", name: `${step}_n`, from, to, stat: "count" })
    out.push({ _tag: "Duration", name: `${step}_sum`, from, to, stat: "sum" })
  }
  return out
}

/**
 * Adds the values of an aggregate row of {@link additiveMeasures} into a running total (in place).
 *
 * @since 0.1.0
 * @category utils
 */
export const addValues = (
  total: Record<string, number>,
  values: Readonly<Record<string, number | null>>
): Record<string, number> => {
  for (const k in values) total[k] = (total[k] ?? 0) + (values[k] ?? 0)
  return total
}

/**
 * The values of {@link measures} from summed {@link additiveMeasures}: each step's average is its sum ÷ its count
 * (`null` without timed cases), exactly what the store's `avg` gives.
 *
 * @since 0.1.0
 * @category utils
 */
export const withAverages = (values: Readonly<Record<string, number>>): Record<string, number | null> => {
  const out: Record<string, number | null> = { ...values }
  for (const step of stepNames) {
    const n = values[`${step}_n`] ?? 0
    out[`${step}_avg`] = n === 0 ? null : (values[`${step}_sum`] ?? 0) / n
  }
  return out
}

/**
 * A rate: its counts, the exact ratio, and the percentage rounded half-up to the configured decimals. Both are
 * `null` when the denominator is 0 (no rate, rather than 0 %).
 *
 * @since 0.1.0
 * @category models
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
 * @since 0.1.0
 * @category models
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
 * @since 0.1.0
 * @category models
 */
export interface ThreeRates {
  readonly response: Rate
  readonly resolution: Rate
  readonly satisfaction: Rate
  readonly weights: ThreeRateWeights
  /**
   * Σ weightᵢ · rateᵢ ÷ Σ weightᵢ in percent over the rates that exist, computed exactly and rounded half-up once
   * ({@link threeRateScore}); `null` when none exists.
   */
  readonly score: number | null
}

/**
 * All figures of one group (or of the whole selection).
 *
 * @since 0.1.0
 * @category models
 */
export interface Figures {
  readonly counts: Readonly<Record<CountName, number>>
  readonly rates: Readonly<Record<RateName, Rate>>
  readonly threeRates: ThreeRates
  readonly durations: Readonly<Record<StepName, StepDuration>>
}

/**
 * A finite number as the exact decimal it prints as (JavaScript's shortest round-trip form, exponent forms
 * included): `sign · digits · 10^exponent`, so `1.8e-7` is `18 · 10^-8` and `0.45` is `45 · 10^-2`.
 */
const decimalOf = (
  value: number
): { readonly negative: boolean; readonly digits: bigint; readonly exponent: number } => {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value))
  if (m === null) throw new RangeError(`not a finite number: ${value}`)
  const fraction = m[3] ?? ""
  return {
    negative: m[1] === "-",
    digits: BigInt(`${m[2]}${fraction}`),
    exponent: Number(m[4] ?? 0) - fraction.length
  }
}

/** `q · 10^-decimals` as the nearest number (parsing a decimal string rounds correctly). */
const scaled = (q: bigint, decimals: number): number => {
  const value = Number(`${q}e${-decimals}`)
  return value === 0 ? 0 : value
}

/** A count (a whole number, as the stores give it) as a bigint. */
const count = (x: number): bigint => BigInt(Math.round(x))

/**
 * The exact ratio `numerator ÷ denominator` rounded half away from zero (四舍五入) to `decimals`, in integers.
 */
const roundRatio = (numerator: bigint, denominator: bigint, decimals: number): number => {
  const negative = numerator < 0n !== denominator < 0n
  const n = numerator < 0n ? -numerator : numerator
  const d = denominator < 0n ? -denominator : denominator
  // round(n·10^decimals / d) half-up = ⌊(2·n·10^decimals + d) / (2·d)⌋
  const q = decimals >= 0
    ? (2n * n * 10n ** BigInt(decimals) + d) / (2n * d)
    : (2n * n + d * 10n ** BigInt(-decimals)) / (2n * d * 10n ** BigInt(-decimals))
  return scaled(negative ? -q : q, decimals)
}

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
export const percent = (numerator: number, denominator: number, decimals: number): number | null =>
  denominator === 0
    ? null
    : roundRatio(100n * count(numerator), count(denominator), decimals)

/**
 * Rounds a number half away from zero (四舍五入) to `decimals`, exactly, on the decimal it prints as (JavaScript's
 * shortest representation): 1.005 → 1.01, -0.005 → -0.01, 1.8e-7 → 0, 1e21 → 1e21. Works for every finite
 * number (exponent forms included); `NaN` and ±Infinity are returned as they are. A result of zero is 0, never -0.
 *
 * @since 0.1.0
 * @category utils
 */
export const roundHalfUp = (value: number, decimals: number): number => {
  if (!Number.isFinite(value)) return value
  const { digits, exponent, negative } = decimalOf(value)
  const shift = exponent + decimals
  if (shift >= 0) return scaled((negative ? -digits : digits) * 10n ** BigInt(shift), decimals)
  // digits · 10^shift, half away from zero
  const unit = 10n ** BigInt(-shift)
  const q = (2n * digits + unit) / (2n * unit)
  return scaled(negative ? -q : q, decimals)
}

/**
 * A rate from two counts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const rate = (numerator: number, denominator: number, decimals: number): Rate => ({
  numerator,
  denominator,
  ratio: denominator === 0 ? null : numerator / denominator,
  percent: percent(numerator, denominator, decimals)
})

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
export const threeRateScore = (
  rates: { readonly response: Rate; readonly resolution: Rate; readonly satisfaction: Rate },
  weights: ThreeRateWeights,
  decimals: number
): number | null => {
  const parts: Array<{ readonly weight: ReturnType<typeof decimalOf>; readonly rate: Rate }> = []
  for (const k of ["response", "resolution", "satisfaction"] as const) {
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
 * The change of a rate between two periods in percentage points (百分点): `(current − previous) × 100`,
 * computed exactly from both rates' counts and rounded half away from zero (四舍五入) once — 60 % (3/5) against
 * 28.125 % (9/32) is +31.88 points at 2 decimals. `null` when either rate does not exist.
 *
 * @since 0.1.0
 * @category utils
 */
export const rateChange = (current: Rate, previous: Rate, decimals: number): number | null => {
  if (current.denominator === 0 || previous.denominator === 0) return null
  const [n1, d1] = [count(current.numerator), count(current.denominator)]
  const [n2, d2] = [count(previous.numerator), count(previous.denominator)]
  return roundRatio(100n * (n1 * d2 - n2 * d1), d1 * d2, decimals)
}

/**
 * The figures of an aggregate row made with {@link measures}.
 *
 * @since 0.1.0
 * @category constructors
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
    const median = values[`${s}_median`]
    durations[s] = {
      count: values[`${s}_n`] ?? 0,
      averageMs: values[`${s}_avg`] ?? null,
      ...(median !== undefined ? { medianMs: median } : {})
    }
  }
  const three = { response: rates.response, resolution: rates.hotlineResolution, satisfaction: rates.satisfaction }
  return {
    counts,
    rates,
    threeRates: { ...three, weights: options.weights, score: threeRateScore(three, options.weights, options.decimals) },
    durations
  }
}
