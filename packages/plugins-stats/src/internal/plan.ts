/**
 * Planning a dashboard: what to aggregate for a query — the selection and its bounds, the compared periods, the
 * parts (breakdowns and trend) and how they are packed into grouped passes, and every store query in the order
 * they start. Pure: nothing here reads the store.
 *
 * @internal
 */
import type { CaseStore, CenterConfig, Jurisdiction, Primitives } from "@fengqiao/core"
import * as Arr from "effect/Array"
import * as Period from "../Period.js"
import { breakdownColumns, type BreakdownName, taxonomyOf } from "./definitions.js"
import { additiveMeasures, stepMeasures } from "./measures.js"
import type { DashboardQuery } from "./model.js"
import { defaultBreakdowns, outsideKey } from "./model.js"
import type { KpiOptions } from "./options.js"

/**
 * A key of a group, as the store gives it.
 *
 * @internal
 */
export type Key = string | number | boolean | null

/**
 * A part of the dashboard (a breakdown or the trend): the dimensions it groups by and how a group's keys make its
 * key.
 *
 * @internal
 */
export interface Part {
  readonly name: BreakdownName | "trend"
  readonly dimensions: ReadonlyArray<CaseStore.Dimension>
  readonly key: (keys: ReadonlyArray<Key>) => Key
}

/**
 * What a dashboard aggregates, and how the answers fit together.
 *
 * @internal
 */
export interface Plan {
  /** The node the dashboard is about (the query's jurisdiction, else the caller's). */
  readonly node: Jurisdiction.PlacedNode
  /** The options, with the query's decimals. */
  readonly kpi: KpiOptions
  readonly locale: Primitives.Locale
  readonly asOf: string
  readonly offset: number
  readonly medians: boolean
  /** The instants selected, when both ends are known. */
  readonly bounds: { readonly from: string; readonly to: string } | undefined
  /** 同比 and 环比, in that order, when compared. */
  readonly others: ReadonlyArray<Period.Period>
  readonly compare: boolean
  /** The trend's unit. */
  readonly unit: Period.Unit | "none"
  /** The trend's keys, when the bounds are known. */
  readonly trendKeys: ReadonlyArray<string> | undefined
  readonly parts: ReadonlyArray<Part>
  /** The parts of each grouped pass (indices into `parts`). */
  readonly passes: ReadonlyArray<ReadonlyArray<number>>
  /** Every store query, in the order they start (the heaviest first). */
  readonly requests: ReadonlyArray<CaseStore.AggregateRequest>
  /** How many requests run at once. */
  readonly concurrency: number
  /** The requests of each grouped pass (indices into `requests`): its time slices. */
  readonly passRequests: ReadonlyArray<ReadonlyArray<number>>
  /** The requests of the medians, each some of them over every selected case; `undefined` without medians. */
  readonly medianRequests: ReadonlyArray<number> | undefined
  /** The compared periods by key (one when 同比 and 环比 are the same period) and their requests. */
  readonly compared: ReadonlyArray<{ readonly key: string; readonly requests: ReadonlyArray<number> }>
}

/** The most groups one rolled-up pass may have (an estimate from the configuration's taxonomies). */
const maxGroupsPerPass = 20_000

const within = (from: string, to: string): CaseStore.Condition => ({
  _tag: "And",
  conditions: [
    { _tag: "NotBefore", field: "registeredAt", value: from },
    { _tag: "Before", field: "registeredAt", value: to }
  ]
})

const only = (keys: ReadonlyArray<Key>): Key => keys[0] ?? null

/**
 * The parts of a dashboard: the trend (unless `none`), then each breakdown. A part groups by one dimension, except
 * the jurisdiction under a focus below the root: the scope may hold cases that arose outside the focus's subtree
 * (the default policy lets an actor read the cases handled in it too), so the part also groups by the place's
 * ancestor at the focus's depth, and a case whose ancestor there is not the focus goes to the group `outsideKey` —
 * not to the focus itself, nor to a node that is not one of its children.
 */
const partsOf = (
  query: DashboardQuery,
  node: Jurisdiction.PlacedNode,
  unit: Period.Unit | "none"
): ReadonlyArray<Part> => {
  const parts: Array<Part> = []
  if (unit !== "none") {
    parts.push({ name: "trend", dimensions: [{ _tag: "Period", field: "registeredAt", unit }], key: only })
  }
  for (const name of query.breakdowns ?? defaultBreakdowns) {
    if (name !== "jurisdiction") {
      parts.push({ name, dimensions: [{ _tag: "Column", field: breakdownColumns[name] }], key: only })
    } else {
      const child: CaseStore.Dimension = { _tag: "Jurisdiction", of: "place", depth: node.depth + 1 }
      parts.push(
        node.depth === 0
          ? { name, dimensions: [child], key: only }
          : {
            name,
            dimensions: [{ _tag: "Jurisdiction", of: "place", depth: node.depth }, child],
            key: ([at, below]) => (at === node.code ? below ?? null : outsideKey)
          }
      )
    }
  }
  return parts
}

/** How many groups a part may have at most, from the configuration. */
const cardinality = (
  centre: CenterConfig.Resolved,
  node: Jurisdiction.PlacedNode,
  trendKeys: ReadonlyArray<string> | undefined,
  name: BreakdownName | "trend"
): number => {
  switch (name) {
    case "tier":
      return centre.tree.levels.length + 1
    case "jurisdiction":
      // the children, the focus itself and the cases that arose outside (grouped by their ancestor at the focus's
      // depth: at most one group per node there, and one for shallower places)
      return centre.tree.nodes.filter((n) => n.depth === node.depth + 1 || n.depth === node.depth).length + 2
    case "department":
      return centre.departments.size + 1
    case "trend":
      return trendKeys === undefined ? Number.POSITIVE_INFINITY : trendKeys.length + 1
    default:
      return taxonomyOf[name](centre).size + 1
  }
}

/**
 * Packs the parts into passes while the number of groups (bounded by the configuration) stays small: one GROUP BY
 * pass over the selected cases gives the totals, every breakdown and the trend of its parts.
 */
const packPasses = (cardinalities: ReadonlyArray<number>): ReadonlyArray<ReadonlyArray<number>> => {
  const passes: Array<Array<number>> = [[]]
  let groups = 1
  for (const [i, c] of cardinalities.entries()) {
    if (groups * c > maxGroupsPerPass && passes.at(-1)!.length > 0) {
      passes.push([])
      groups = 1
    }
    passes.at(-1)!.push(i)
    groups *= c
  }
  return passes
}

/**
 * Plans a dashboard, inside `scope`, about `node`, for a decoded query; `now` is the default reference time of
 * "overdue", `parallelReads` how many queries the source runs at once.
 *
 * @internal
 */
export const plan = (
  centre: CenterConfig.Resolved,
  scope: CaseStore.Condition,
  query: DashboardQuery,
  node: Jurisdiction.PlacedNode,
  options: KpiOptions,
  now: string,
  parallelReads: number | undefined
): Plan => {
  const kpi: KpiOptions = query.decimals === undefined ? options : { ...options, decimals: query.decimals }
  const locale = query.locale ?? "zh-Hans"
  const asOf = new Date(Date.parse(query.asOf ?? now)).toISOString()
  const offset = centre.utcOffsetMinutes
  const base: Array<CaseStore.Condition> = [scope]
  if (query.jurisdiction !== undefined) base.push({ _tag: "Within", field: "placePath", path: node.path })
  if (query.where !== undefined) base.push(query.where)
  const medians = query.medians ?? true
  const additive = additiveMeasures(centre, kpi, asOf)

  // what is selected: the period (with 同比/环比 the same period last year and the period before), or a range
  let selected: CaseStore.Condition
  let bounds: { readonly from: string; readonly to: string } | undefined
  const period = query.period
  const compare = period !== undefined && (query.compare ?? true)
  const others = period !== undefined && compare ? [Period.yearAgo(period), Period.shift(period, -1)] : []
  if (period !== undefined) {
    bounds = Period.range(period, offset)
    selected = { _tag: "And", conditions: [...base, within(bounds.from, bounds.to)] }
  } else {
    const range: Array<CaseStore.Condition> = []
    if (query.from !== undefined) range.push({ _tag: "NotBefore", field: "registeredAt", value: query.from })
    if (query.to !== undefined) range.push({ _tag: "Before", field: "registeredAt", value: query.to })
    if (query.from !== undefined && query.to !== undefined) bounds = { from: query.from, to: query.to }
    selected = { _tag: "And", conditions: [...base, ...range] }
  }

  // The parts (each breakdown, the trend) are computed from additive measures grouped by several dimensions at
  // once and rolled up when sliced: a handful of groups per part, so one GROUP BY pass over the selected cases gives
  // the totals, every breakdown and the trend — instead of one pass per part
  const unit = query.trend ?? "month"
  const parts = partsOf(query, node, unit)
  const trendKeys = unit !== "none" && bounds !== undefined
    ? Period.keysBetween(unit, bounds.from, bounds.to, offset)
    : undefined
  const passes = packPasses(parts.map((part) => cardinality(centre, node, trendKeys, part.name)))
  // each compared period (同比, 环比; once when they are the same period) is a pass of its own without any
  // grouping: only its totals are shown, and an ungrouped aggregate needs no sort of the rows
  const compared = new Map(others.map((p) => [p.key, p]))

  // The grouped passes, the medians (only for the selection itself: they do not add up across groups) and the
  // compared periods' passes are independent: they run side by side on a store that reads in parallel.
  // With a store that reads in parallel, each additive pass is split into time slices, one per connection
  // (slices of the same groups just add up). Medians do not add up: they are shared out among the connections
  // instead, each query computing some of them over all the selected rows
  const slices = Math.max(1, Math.floor(parallelReads ?? 1))
  const sliced = (range: { readonly from: string; readonly to: string } | undefined) => {
    if (range === undefined || slices === 1) return [undefined]
    const from = Date.parse(range.from)
    const span = Date.parse(range.to) - from
    const at = (i: number) => new Date(from + Math.round((span * i) / slices)).toISOString()
    return Array.from({ length: slices }, (_, i) => within(at(i), at(i + 1)))
  }
  // Every query of the dashboard, in the order they start (the heaviest first), run at most `slices` at a time:
  // a dashboard never holds more of the store's connections than it reads in parallel (the rest of the pool stays
  // free for the centre's writes)
  const requests: Array<CaseStore.AggregateRequest> = []
  const ask = (request: CaseStore.AggregateRequest): number => requests.push(request) - 1
  const additivePass = (
    where: CaseStore.Condition,
    groupBy: ReadonlyArray<CaseStore.Dimension>,
    range: { readonly from: string; readonly to: string } | undefined
  ): ReadonlyArray<number> =>
    sliced(range).map((slice) =>
      ask({
        where: slice === undefined ? where : { _tag: "And", conditions: [where, slice] },
        groupBy,
        measures: additive,
        utcOffsetMinutes: offset
      })
    )
  const passRequests = passes.map((members) =>
    additivePass(selected, members.flatMap((i) => parts[i]!.dimensions), bounds)
  )
  const medianMeasures = stepMeasures(["median"])
  const medianRequests = medians
    ? Arr.chunksOf(medianMeasures, Math.ceil(medianMeasures.length / slices)).map((measures) =>
      ask({ where: selected, groupBy: [], measures, utcOffsetMinutes: offset })
    )
    : undefined
  const comparedRequests = [...compared.values()].map((p) => {
    const range = Period.range(p, offset)
    return {
      key: p.key,
      requests: additivePass({ _tag: "And", conditions: [...base, within(range.from, range.to)] }, [], range)
    }
  })
  return {
    node,
    kpi,
    locale,
    asOf,
    offset,
    medians,
    bounds,
    others,
    compare,
    unit,
    trendKeys,
    parts,
    passes,
    requests,
    concurrency: slices,
    passRequests,
    medianRequests,
    compared: comparedRequests
  }
}
