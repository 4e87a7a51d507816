/**
 * Slicing a dashboard's answers: the rows of the grouped passes rolled up into the totals and each part's groups,
 * the compared periods' slices added up, the medians merged in, and the figures of each, with the changes of
 * 同比 and 环比.
 *
 * @internal
 */
import type { CaseStore } from "@fengqiao/core"
import * as Period from "../Period.js"
import { percent } from "./decimal.js"
import { type CountName, countNames, type RateName, rateNames } from "./definitions.js"
import { addValues, type Figures, figuresOf, medianNulls, rateChange, withAverages } from "./figures.js"
import type { Comparison } from "./model.js"
import type { Key, Plan } from "./plan.js"

/**
 * The figures of a dashboard, before they are labelled and ordered.
 *
 * @internal
 */
export interface Sliced {
  readonly totals: Figures
  /** The figures of a selection without cases. */
  readonly empty: Figures
  readonly yearOnYear: Comparison | undefined
  readonly periodOnPeriod: Comparison | undefined
  /** Each part's groups, in the order they came (indices as `plan.parts`). */
  readonly groups: ReadonlyArray<ReadonlyArray<{ readonly key: Key; readonly figures: Figures }>>
}

const changes = (
  current: Figures,
  previous: Figures,
  decimals: number
): Pick<Comparison, "counts" | "rates"> => {
  const counts = {} as Record<CountName, number | null>
  for (const c of countNames) {
    counts[c] = percent(current.counts[c] - previous.counts[c], previous.counts[c], decimals)
  }
  const rates = {} as Record<RateName, number | null>
  for (const r of rateNames) rates[r] = rateChange(current.rates[r], previous.rates[r], decimals)
  return { counts, rates }
}

/**
 * Slices the answers of a plan's requests (in the plan's order) into figures.
 *
 * @internal
 */
export const slice = (plan: Plan, answers: ReadonlyArray<ReadonlyArray<CaseStore.AggregateRow>>): Sliced => {
  const { kpi, offset, parts, passes } = plan
  const empty = figuresOf({}, kpi)
  const answersOf = (indices: ReadonlyArray<number>) => indices.flatMap((i) => answers[i]!)
  let totalValues: Record<string, number> | undefined
  const byPart = parts.map(() => new Map<string, { key: Key; values: Record<string, number> }>())
  for (const [p, members] of passes.entries()) {
    for (const row of answersOf(plan.passRequests[p]!)) {
      // every pass covers every selected case: the first one's rows add up to the totals
      if (p === 0) totalValues = addValues(totalValues ?? {}, row.values)
      let at = 0
      for (const i of members) {
        const part = parts[i]!
        const key = part.key(row.keys.slice(at, at + part.dimensions.length))
        at += part.dimensions.length
        const groupsOfPart = byPart[i]!
        const id = JSON.stringify(key)
        const g = groupsOfPart.get(id)
        if (g === undefined) groupsOfPart.set(id, { key, values: addValues({}, row.values) })
        else addValues(g.values, row.values)
      }
    }
  }
  const comparedValues = new Map(
    plan.compared.map(({ key, requests }) =>
      [key, answersOf(requests).reduce((sum, row) => addValues(sum, row.values), {})] as const
    )
  )
  const figuresAt = (key: string) => {
    const v = comparedValues.get(key)
    return v === undefined ? empty : figuresOf(withAverages(v), kpi)
  }

  const medianValues = plan.medianRequests === undefined
    ? {}
    : Object.assign(medianNulls(), ...plan.medianRequests.map((i) => answers[i]![0]?.values ?? {}))
  const totals = totalValues === undefined && !plan.medians
    ? empty
    : figuresOf({ ...(totalValues === undefined ? {} : withAverages(totalValues)), ...medianValues }, kpi)
  const comparison = (p: Period.Period): Comparison => {
    const f = figuresAt(p.key)
    return { period: { ...p, ...Period.range(p, offset) }, figures: f, ...changes(totals, f, kpi.decimals) }
  }
  return {
    totals,
    empty,
    yearOnYear: plan.compare ? comparison(plan.others[0]!) : undefined,
    periodOnPeriod: plan.compare ? comparison(plan.others[1]!) : undefined,
    groups: byPart.map((groups) =>
      [...groups.values()].map((g) => ({ key: g.key, figures: figuresOf(withAverages(g.values), kpi) }))
    )
  }
}
