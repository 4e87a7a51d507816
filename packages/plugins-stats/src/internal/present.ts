/**
 * Presenting a dashboard: each part's groups ordered and labelled in the dashboard's language, the trend's
 * periods filled in, and the dashboard object shaped.
 *
 * @internal
 */
import { CaseStore, type CenterConfig } from "@fengqiao/core"
import * as Labels from "../Labels.js"
import * as Period from "../Period.js"
import type { BreakdownName } from "./definitions.js"
import type { Figures } from "./figures.js"
import { type Dashboard, type DashboardQuery, outsideKey, type Row } from "./model.js"
import type { Key, Plan } from "./plan.js"
import type { Sliced } from "./slice.js"

type Group = { readonly key: Key; readonly figures: Figures }

/** A part's groups in order: by key, the cases that arose outside the focus's subtree last. */
const ordered = (groups: ReadonlyArray<Group>): Array<Group> =>
  [...groups].sort((a, b) =>
    a.key === outsideKey || b.key === outsideKey
      ? Number(a.key === outsideKey) - Number(b.key === outsideKey)
      : CaseStore.compareKeys([a.key], [b.key])
  )

/**
 * The trend's rows. Without both bounds, the trend spans from the given bound (else the first period with cases) to
 * the given bound (else the last period with cases). Either way the periods in between are shown, empty ones as
 * zeros (up to the limit of `keysBetween`), and a period with cases is never left out.
 */
const trendRows = (
  plan: Plan,
  unit: Period.Unit,
  query: DashboardQuery,
  groups: ReadonlyArray<Group>,
  empty: Figures
): ReadonlyArray<Row> => {
  const byKey = new Map(groups.map((r) => [String(r.key), r.figures]))
  const present = [...byKey.keys()]
  const first = query.from ??
    (present.length > 0 ? Period.range({ unit, key: present[0]! }, plan.offset).from : undefined)
  const last = query.to ??
    (present.length > 0 ? Period.range({ unit, key: present.at(-1)! }, plan.offset).to : undefined)
  const filled = plan.trendKeys ??
    (first !== undefined && last !== undefined ? Period.keysBetween(unit, first, last, plan.offset) : [])
  const known = new Set(filled)
  const keys = present.every((k) => known.has(k))
    ? filled
    : [...new Set([...filled, ...present])].sort()
  return keys.map((key) => ({ key, label: key, figures: byKey.get(key) ?? empty }))
}

/** The label of a breakdown's group. */
const labelOf = (centre: CenterConfig.Resolved, plan: Plan, name: BreakdownName, key: Key): string =>
  name !== "jurisdiction"
    ? Labels.keyLabel(centre, name, key, plan.locale)
    : key === null
    ? plan.node.name
    : key === outsideKey
    ? Labels.pick(Labels.words.outside, plan.locale)
    : Labels.keyLabel(centre, name, key, plan.locale)

/**
 * The dashboard of a plan's sliced figures.
 *
 * @internal
 */
export const present = (
  centre: CenterConfig.Resolved,
  query: DashboardQuery,
  plan: Plan,
  sliced: Sliced
): Dashboard => {
  const breakdowns: Partial<Record<BreakdownName, ReadonlyArray<Row>>> = {}
  let trend: Dashboard["trend"]
  for (const [i, part] of plan.parts.entries()) {
    const name = part.name
    const groups = ordered(sliced.groups[i]!)
    if (name === "trend") {
      if (plan.unit !== "none") {
        trend = { unit: plan.unit, rows: trendRows(plan, plan.unit, query, groups, sliced.empty) }
      }
      continue
    }
    breakdowns[name] = groups.map((g) => ({
      key: g.key,
      label: labelOf(centre, plan, name, g.key),
      figures: g.figures
    }))
  }
  const { kpi, node } = plan
  const { periodOnPeriod, totals, yearOnYear } = sliced
  return {
    centre: centre.id,
    locale: plan.locale,
    asOf: plan.asOf,
    decimals: kpi.decimals,
    ...(query.period !== undefined ? { period: { ...query.period, ...plan.bounds! } } : {}),
    ...(query.from !== undefined ? { from: query.from } : {}),
    ...(query.to !== undefined ? { to: query.to } : {}),
    jurisdiction: { code: node.code, name: node.name },
    timeliness: {
      enteredLate: kpi.enteredLate,
      leftOut: kpi.enteredLate === "exclude" ? totals.counts.enteredLate : 0
    },
    totals,
    ...(yearOnYear !== undefined ? { yearOnYear } : {}),
    ...(periodOnPeriod !== undefined ? { periodOnPeriod } : {}),
    breakdowns,
    ...(trend !== undefined ? { trend } : {})
  }
}
