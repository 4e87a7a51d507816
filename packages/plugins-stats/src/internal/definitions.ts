/**
 * The lists every part of the statistics is made from, each written once: the counts, the rates over them, the
 * timed steps, the hotline three rates and the breakdowns. The public modules (`Kpi`, `Stats`, `Labels`) expose
 * them; planning, computing and presentation read them from here.
 *
 * @internal
 */
import type { CenterConfig, Primitives, Summary } from "@fengqiao/core"
import * as Schema from "effect/Schema"

/**
 * Every count, in display order: the one list `Kpi.CountName` is made from.
 *
 * @internal
 */
export const countNames = [
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
] as const

/**
 * A count.
 *
 * @internal
 */
export type CountName = typeof countNames[number]

/**
 * Each rate's numerator and denominator, in display order: the one list `Kpi.RateName` is made from.
 *
 * @internal
 */
export const rateDefinitions = {
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
} as const satisfies Readonly<Record<string, { readonly numerator: CountName; readonly denominator: CountName }>>

/**
 * A rate.
 *
 * @internal
 */
export type RateName = keyof typeof rateDefinitions

/**
 * Every rate, in display order.
 *
 * @internal
 */
export const rateNames: ReadonlyArray<RateName> = Object.keys(rateDefinitions) as Array<RateName>

/**
 * Each timed step: the time it starts at and the time it ends at, in loop order: the one list `Kpi.StepName` is
 * made from.
 *
 * @internal
 */
export const stepDefinitions = {
  acceptance: { from: "registeredAt", to: "acceptedAt" },
  assessment: { from: "acceptedAt", to: "assessedAt" },
  dispatch: { from: "assessedAt", to: "dispatchedAt" },
  handlingStart: { from: "dispatchedAt", to: "handlingStartedAt" },
  handling: { from: "handlingStartedAt", to: "closedAt" },
  feedback: { from: "closedAt", to: "feedbackAt" },
  archive: { from: "feedbackAt", to: "archivedAt" },
  intakeToClose: { from: "registeredAt", to: "closedAt" }
} as const satisfies Readonly<Record<string, { readonly from: Summary.TimeField; readonly to: Summary.TimeField }>>

/**
 * A timed step.
 *
 * @internal
 */
export type StepName = keyof typeof stepDefinitions

/**
 * Every step, in loop order.
 *
 * @internal
 */
export const stepNames: ReadonlyArray<StepName> = Object.keys(stepDefinitions) as Array<StepName>

/**
 * The statistics of a step's durations, and the suffix of the aggregate value each is named by.
 *
 * @internal
 */
export const stepStatSuffixes = { count: "n", avg: "avg", sum: "sum", median: "median" } as const

/**
 * A statistic of a step's durations.
 *
 * @internal
 */
export type StepStat = keyof typeof stepStatSuffixes

/**
 * The name of the aggregate value of a step's statistic: `acceptance_n`, `acceptance_avg`, `acceptance_sum`,
 * `acceptance_median`.
 *
 * @internal
 */
export const stepValue = (step: StepName, stat: StepStat): string => `${step}_${stepStatSuffixes[stat]}`

/**
 * The hotline three rates (三率), in display order, each with the rate it is: 响应率, 解决率 and 满意率.
 *
 * @internal
 */
export const threeRateSources = {
  response: "response",
  resolution: "hotlineResolution",
  satisfaction: "satisfaction"
} as const satisfies Readonly<Record<string, RateName>>

/**
 * One of the hotline three rates.
 *
 * @internal
 */
export type ThreeRateName = keyof typeof threeRateSources

/**
 * The three rates, in display order.
 *
 * @internal
 */
export const threeRateNames: ReadonlyArray<ThreeRateName> = Object.keys(threeRateSources) as Array<ThreeRateName>

/**
 * A breakdown (分组维度): the one list `Stats.BreakdownName` and `Labels.BreakdownName` are made from.
 *
 * @internal
 */
export const BreakdownName = Schema.Literal(
  "tier",
  "jurisdiction",
  "department",
  "category",
  "channel",
  "mediationType",
  "riskLevel",
  "kind"
).annotations({ identifier: "BreakdownName" })

/**
 * A breakdown.
 *
 * @internal
 */
export type BreakdownName = typeof BreakdownName.Type

/**
 * The summary column each breakdown groups by (the jurisdiction groups by the place's ancestors instead).
 *
 * @internal
 */
export const breakdownColumns: Readonly<Record<Exclude<BreakdownName, "jurisdiction">, Summary.Column>> = {
  tier: "handlingTier",
  department: "leadUnit",
  category: "category",
  channel: "channel",
  mediationType: "mediationType",
  riskLevel: "riskLevel",
  kind: "kind"
}

/**
 * The breakdowns whose keys are entries of one of the centre's taxonomies.
 *
 * @internal
 */
export type TaxonomyBreakdown = Exclude<BreakdownName, "tier" | "jurisdiction" | "department">

/**
 * The taxonomy of each such breakdown, in a centre's configuration.
 *
 * @internal
 */
export const taxonomyOf: Readonly<
  Record<
    TaxonomyBreakdown,
    (centre: CenterConfig.Resolved) => ReadonlyMap<string, { readonly labels: Primitives.Labels }>
  >
> = {
  category: (centre) => centre.categories,
  channel: (centre) => centre.channels,
  mediationType: (centre) => centre.mediationTypes,
  riskLevel: (centre) => centre.riskLevels,
  kind: (centre) => centre.caseKinds
}
