/**
 * Planning the KPIs: the condition of each count and the aggregate measures the store computes (SQL `GROUP BY`
 * on the SQL stores, the same fold in memory).
 *
 * @internal
 */
import { Case, type CaseStore, type CenterConfig, type Summary } from "@fengqiao/core"
import { type CountName, countNames, stepDefinitions, stepNames, type StepStat, stepValue } from "./definitions.js"
import { type KpiOptions, lowestTierIndex, resolutionKindsOf } from "./options.js"

const present = (field: Summary.TimeField): CaseStore.Condition => ({ _tag: "Present", field })
const and = (...conditions: ReadonlyArray<CaseStore.Condition>): CaseStore.Condition => ({ _tag: "And", conditions })
const or = (...conditions: ReadonlyArray<CaseStore.Condition>): CaseStore.Condition => ({ _tag: "Or", conditions })
const positive = (field: CaseStore.Column): CaseStore.Condition => ({ _tag: "Gt", field, value: 0 })

/**
 * The condition of each count, for a centre, options and the reference time of "overdue".
 *
 * @internal
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
    rated: { _tag: "In", field: "rating", values: Case.Rating.literals },
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
 * The `Duration` measures of some statistics of every step, step by step (`acceptance_n`, `acceptance_avg`, …).
 *
 * @internal
 */
export const stepMeasures = (stats: ReadonlyArray<StepStat>): Array<CaseStore.Measure> =>
  stepNames.flatMap((step) => {
    const { from, to } = stepDefinitions[step]
    return stats.map((stat): CaseStore.Measure => ({ _tag: "Duration", name: stepValue(step, stat), from, to, stat }))
  })

/**
 * Every count and, per step, the number of timed cases and their average duration (and median when asked).
 *
 * @internal
 */
export const measures = (
  centre: CenterConfig.Resolved,
  options: KpiOptions,
  asOf: string,
  withMedians: boolean
): ReadonlyArray<CaseStore.Measure> => [
  ...countMeasures(centre, options, asOf),
  ...stepMeasures(withMedians ? ["count", "avg", "median"] : ["count", "avg"])
]

/**
 * Every count and, per step, the number of timed cases and the sum of their durations: values that add up
 * across groups.
 *
 * @internal
 */
export const additiveMeasures = (
  centre: CenterConfig.Resolved,
  options: KpiOptions,
  asOf: string
): ReadonlyArray<CaseStore.Measure> => [...countMeasures(centre, options, asOf), ...stepMeasures(["count", "sum"])]
