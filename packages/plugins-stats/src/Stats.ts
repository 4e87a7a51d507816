/**
 * The dashboard (统计看板): every KPI of {@link Kpi} for a period, jurisdiction subtree and filter, with 同比 and
 * 环比, breakdowns (tier, jurisdiction, lead unit, category, channel, mediation type, risk level, kind) and a
 * trend. Every figure is computed by the store's `aggregate` — SQL `GROUP BY` on the SQL stores, the same fold on
 * the in-memory store — never by loading cases into JavaScript: a dashboard is a handful of aggregate queries
 * whatever the number of cases.
 *
 * Two ways in: plain functions over a `CaseStore` ({@link dashboard}, given an actor and a policy), and the
 * plugin's API (`center.plugins.stats.dashboard`, see `StatsPlugin`), which shares this code.
 *
 * @since 0.1.0
 */
import { Actor, CaseStore, type CenterConfig, Errors, Plugin, Policy, Primitives, Query } from "@fengqiao/core"
import * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Kpi from "./Kpi.js"
import * as Labels from "./Labels.js"
import * as Period from "./Period.js"

/**
 * A breakdown.
 *
 * @since 0.1.0
 * @category schemas
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
 * The breakdowns a dashboard has unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBreakdowns: ReadonlyArray<Labels.BreakdownName> = ["tier", "jurisdiction", "category", "riskLevel"]

/**
 * What a dashboard shows. Cases are selected by their registration time (a cohort: 办结率 of March is the share of
 * March's cases closed by now), inside the caller's jurisdiction subtree, narrowed to `jurisdiction` (where they
 * arose) and `where`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DashboardQuery = Schema.Struct({
  /** The period, e.g. `{ unit: "month", key: "2025-03" }`; without it and without `from`/`to`: all time. */
  period: Schema.optional(Period.Period),
  /** An explicit range of registration times instead of a period: `[from, to)`. */
  from: Schema.optional(Primitives.TimestampInput),
  to: Schema.optional(Primitives.TimestampInput),
  /** A node of the tree: only cases that arose in its subtree; breakdowns by jurisdiction show its children. */
  jurisdiction: Schema.optional(Primitives.DivisionCode),
  /** A further condition on the cases (the store's condition language). */
  where: Schema.optional(Query.ConditionSchema),
  breakdowns: Schema.optional(Schema.Array(BreakdownName).pipe(Schema.maxItems(8))),
  /** The unit of the trend (default `month`); `none` for no trend. */
  trend: Schema.optional(Schema.Union(Period.Unit, Schema.Literal("none"))),
  /** Compare with the same period last year (同比) and the period before (环比); default true with a period. */
  compare: Schema.optional(Schema.Boolean),
  /** Medians per step in the totals (default true; each is one more pass on SQL stores). */
  medians: Schema.optional(Schema.Boolean),
  /** The reference time of "overdue" (default: now). */
  asOf: Schema.optional(Primitives.TimestampInput),
  /** Decimals of percentages, overriding the configured ones. */
  decimals: Schema.optional(Schema.Int.pipe(Schema.between(0, 6))),
  /** The language of labels (zh-Hans by default). */
  locale: Schema.optional(Primitives.Locale)
}).pipe(
  Schema.filter((q) =>
    q.period !== undefined && (q.from !== undefined || q.to !== undefined)
      ? { path: ["from"], message: "either a period or from/to, not both" }
      : q.from !== undefined && q.to !== undefined && !(Date.parse(q.from) < Date.parse(q.to))
      ? { path: ["to"], message: "a time after from" }
      : undefined
  )
).annotations({ identifier: "DashboardQuery" })

/**
 * @since 0.1.0
 * @category models
 */
export type DashboardQuery = typeof DashboardQuery.Type

/**
 * A dashboard query with the actor asking (the plugin API's input, and what {@link dashboard} takes).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DashboardInput = Schema.extend(Schema.Struct({ actor: Actor.Actor }), DashboardQuery).annotations({
  identifier: "DashboardInput"
})

/**
 * @since 0.1.0
 * @category models
 */
export type DashboardInput = typeof DashboardInput.Encoded

/**
 * One group of a breakdown or trend.
 *
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly key: string | number | boolean | null
  readonly label: string
  readonly figures: Kpi.Figures
}

/**
 * A comparison (同比 or 环比): the other period's figures and the changes — counts in percent of the other
 * period's value, rates in percentage points (both `null` when there is nothing to compare with).
 *
 * @since 0.1.0
 * @category models
 */
export interface Comparison {
  readonly period: Period.Period & { readonly from: string; readonly to: string }
  readonly figures: Kpi.Figures
  readonly counts: Readonly<Record<Kpi.CountName, number | null>>
  readonly rates: Readonly<Record<Kpi.RateName, number | null>>
}

/**
 * A dashboard.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dashboard {
  readonly centre: string
  readonly locale: Primitives.Locale
  readonly asOf: string
  readonly decimals: number
  readonly period?: (Period.Period & { readonly from: string; readonly to: string }) | undefined
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly jurisdiction: { readonly code: string; readonly name: string }
  /**
   * How the cases entered late (历史补录) counted in the figures of timeliness (the option `enteredLate`), and how
   * many of the selected cases were left out of them (0 when included).
   */
  readonly timeliness: { readonly enteredLate: "exclude" | "include"; readonly leftOut: number }
  readonly totals: Kpi.Figures
  readonly yearOnYear?: Comparison | undefined
  readonly periodOnPeriod?: Comparison | undefined
  readonly breakdowns: Readonly<Partial<Record<Labels.BreakdownName, ReadonlyArray<Row>>>>
  readonly trend?: { readonly unit: Period.Unit; readonly rows: ReadonlyArray<Row> } | undefined
}

/**
 * Where the figures come from: a centre's configuration and its store's `aggregate` (the plugin API's
 * `ctx.aggregate`, or {@link fromStore}).
 *
 * @since 0.1.0
 * @category models
 */
export interface Source {
  readonly centre: CenterConfig.Resolved
  readonly aggregate: (
    request: CaseStore.AggregateRequest
  ) => Effect.Effect<ReadonlyArray<CaseStore.AggregateRow>, Errors.StoreError>
  /** How many `aggregate` queries the source runs at once (default 1): a period is split into that many slices. */
  readonly parallelReads?: number | undefined
}

/**
 * A source over a store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromStore = (store: CaseStore.CaseStore, centre: CenterConfig.Resolved): Source => ({
  centre,
  aggregate: (request) => store.aggregate(centre.id, request),
  parallelReads: store.capabilities.parallelReads
})

/**
 * Decodes a dashboard input (actor and query); a bad field is an `InvalidInput` naming it.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeInput: (input: unknown) => Either.Either<typeof DashboardInput.Type, Errors.InvalidInput> = Plugin
  .decodeInput(DashboardInput)

const decodeKpiOptions = Plugin.decodeInput(Kpi.KpiOptions)

/**
 * Decodes KPI options; a bad field is an `InvalidInput` naming it.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeOptions = (input: unknown): Either.Either<Kpi.KpiOptions, Errors.InvalidInput> =>
  decodeKpiOptions(input ?? {})

const within = (from: string, to: string): CaseStore.Condition => ({
  _tag: "And",
  conditions: [
    { _tag: "NotBefore", field: "registeredAt", value: from },
    { _tag: "Before", field: "registeredAt", value: to }
  ]
})

const dimensionOf = (name: Exclude<Labels.BreakdownName, "jurisdiction">): CaseStore.Dimension => {
  switch (name) {
    case "tier":
      return { _tag: "Column", field: "handlingTier" }
    case "department":
      return { _tag: "Column", field: "leadUnit" }
    case "category":
      return { _tag: "Column", field: "category" }
    case "channel":
      return { _tag: "Column", field: "channel" }
    case "mediationType":
      return { _tag: "Column", field: "mediationType" }
    case "riskLevel":
      return { _tag: "Column", field: "riskLevel" }
    case "kind":
      return { _tag: "Column", field: "kind" }
  }
}

const changes = (
  current: Kpi.Figures,
  previous: Kpi.Figures,
  decimals: number
): Pick<Comparison, "counts" | "rates"> => {
  const counts = {} as Record<Kpi.CountName, number | null>
  for (const c of Kpi.countNames) {
    counts[c] = Kpi.percent(current.counts[c] - previous.counts[c], previous.counts[c], decimals)
  }
  const rates = {} as Record<Kpi.RateName, number | null>
  for (const r of Kpi.rateNames) rates[r] = Kpi.rateChange(current.rates[r], previous.rates[r], decimals)
  return { counts, rates }
}

/**
 * Computes a dashboard from a source, inside `scope` (the condition of the cases the caller may read). The query
 * must be decoded ({@link DashboardQuery}); `now` is the default reference time of "overdue".
 *
 * @since 0.1.0
 * @category computing
 */
export const compute = (
  source: Source,
  scope: CaseStore.Condition,
  query: DashboardQuery,
  focus: string,
  options: Kpi.KpiOptions,
  now: string
): Effect.Effect<Dashboard, Errors.StoreError | Errors.InvalidInput> =>
  Effect.gen(function*() {
    const centre = source.centre
    const node = centre.tree.get(query.jurisdiction ?? focus)
    if (node === undefined) {
      return yield* Plugin.invalidInput("jurisdiction", "the code of a node in the centre's jurisdiction tree")
    }
    // the plugin checks its configuration when the centre starts; a direct call checks it here (an unknown level
    // would otherwise count 小事不出村 at the deepest level without a word)
    const tierProblem = Kpi.optionsProblem(centre, options)
    if (tierProblem !== undefined) return yield* Plugin.invalidInput(tierProblem.field, tierProblem.expected)
    const kpi: Kpi.KpiOptions = query.decimals === undefined ? options : { ...options, decimals: query.decimals }
    const locale = query.locale ?? "zh-Hans"
    const asOf = new Date(Date.parse(query.asOf ?? now)).toISOString()
    const offset = centre.utcOffsetMinutes
    const base: Array<CaseStore.Condition> = [scope]
    if (query.jurisdiction !== undefined) base.push({ _tag: "Within", field: "placePath", path: node.path })
    if (query.where !== undefined) base.push(query.where)
    const medians = query.medians ?? true
    const empty = Kpi.figuresOf({}, kpi)
    const additive = Kpi.additiveMeasures(centre, kpi, asOf)

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
    // once and rolled up here: a handful of groups per part, so one GROUP BY pass over the selected cases gives the
    // totals, every breakdown and the trend — instead of one pass per part. Parts are packed into passes while the
    // number of groups (bounded by the configuration) stays small.
    const unit = query.trend ?? "month"
    // A part groups by one dimension, except the jurisdiction under a focus below the root: the scope may hold cases
    // that arose outside the focus's subtree (the default policy lets an actor read the cases handled in it too), so
    // the part also groups by the place's ancestor at the focus's depth, and a case whose ancestor there is not the
    // focus goes to the group `outsideKey` — not to the focus itself, nor to a node that is not one of its children
    type Key = string | number | boolean | null
    const parts: Array<{
      readonly name: Labels.BreakdownName | "trend"
      readonly dimensions: ReadonlyArray<CaseStore.Dimension>
      readonly key: (keys: ReadonlyArray<Key>) => Key
    }> = []
    const only = (keys: ReadonlyArray<Key>): Key => keys[0] ?? null
    if (unit !== "none") {
      parts.push({ name: "trend", dimensions: [{ _tag: "Period", field: "registeredAt", unit }], key: only })
    }
    for (const name of query.breakdowns ?? defaultBreakdowns) {
      if (name !== "jurisdiction") {
        parts.push({ name, dimensions: [dimensionOf(name)], key: only })
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
    const trendKeys = unit !== "none" && bounds !== undefined
      ? Period.keysBetween(unit, bounds.from, bounds.to, offset)
      : undefined
    const cardinality = (name: Labels.BreakdownName | "trend"): number => {
      switch (name) {
        case "tier":
          return centre.tree.levels.length + 1
        case "jurisdiction":
          // the children, the focus itself and the cases that arose outside (grouped by their ancestor at the focus's
          // depth: at most one group per node there, and one for shallower places)
          return centre.tree.nodes.filter((n) => n.depth === node.depth + 1 || n.depth === node.depth).length + 2
        case "department":
          return centre.departments.size + 1
        case "category":
          return centre.categories.size + 1
        case "channel":
          return centre.channels.size + 1
        case "mediationType":
          return centre.mediationTypes.size + 1
        case "riskLevel":
          return centre.riskLevels.size + 1
        case "kind":
          return centre.caseKinds.size + 1
        case "trend":
          return trendKeys === undefined ? Number.POSITIVE_INFINITY : trendKeys.length + 1
      }
    }
    const passes: Array<Array<number>> = [[]]
    let groups = 1
    for (const [i, part] of parts.entries()) {
      const c = cardinality(part.name)
      if (groups * c > maxGroupsPerPass && passes.at(-1)!.length > 0) {
        passes.push([])
        groups = 1
      }
      passes.at(-1)!.push(i)
      groups *= c
    }
    // each compared period (同比, 环比; once when they are the same period) is a pass of its own without any
    // grouping: only its totals are shown, and an ungrouped aggregate needs no sort of the rows
    const compared = new Map(others.map((p) => [p.key, p]))

    // The grouped passes, the medians (only for the selection itself: they do not add up across groups) and the
    // compared periods' passes are independent: they run side by side on a store that reads in parallel
    const medianMeasures = Kpi.measures(centre, kpi, asOf, true).filter((m) =>
      m._tag === "Duration" && m.stat === "median"
    )
    // With a store that reads in parallel, each additive pass is split into time slices, one per connection
    // (slices of the same groups just add up). Medians do not add up: they are shared out among the connections
    // instead, each query computing some of them over all the selected rows
    const slices = Math.max(1, Math.floor(source.parallelReads ?? 1))
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
    const queries: Array<Effect.Effect<ReadonlyArray<CaseStore.AggregateRow>, Errors.StoreError>> = []
    const ask = (request: CaseStore.AggregateRequest): number => queries.push(source.aggregate(request)) - 1
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
    const passQueries = passes.map((members) =>
      additivePass(selected, members.flatMap((i) => parts[i]!.dimensions), bounds)
    )
    const medianQueries = medians
      ? Arr.chunksOf(medianMeasures, Math.ceil(medianMeasures.length / slices)).map((measures) =>
        ask({ where: selected, groupBy: [], measures, utcOffsetMinutes: offset })
      )
      : undefined
    const comparedQueries = [...compared.values()].map((p) => {
      const range = Period.range(p, offset)
      return additivePass({ _tag: "And", conditions: [...base, within(range.from, range.to)] }, [], range)
    })
    const answers = yield* Effect.all(queries, { concurrency: slices })
    const answersOf = (indices: ReadonlyArray<number>) => indices.flatMap((i) => answers[i]!)
    const passRows = passQueries.map(answersOf)
    const medianRows = medianQueries?.map((i) => answers[i]!)
    const comparedRows = comparedQueries.map(answersOf)
    let totalValues: Record<string, number> | undefined
    const byPart = parts.map(() => new Map<string, { key: Key; values: Record<string, number> }>())
    for (const [p, members] of passes.entries()) {
      for (const row of passRows[p]!) {
        // every pass covers every selected case: the first one's rows add up to the totals
        if (p === 0) totalValues = Kpi.addValues(totalValues ?? {}, row.values)
        let at = 0
        for (const i of members) {
          const part = parts[i]!
          const key = part.key(row.keys.slice(at, at + part.dimensions.length))
          at += part.dimensions.length
          const groupsOfPart = byPart[i]!
          const id = JSON.stringify(key)
          const g = groupsOfPart.get(id)
          if (g === undefined) groupsOfPart.set(id, { key, values: Kpi.addValues({}, row.values) })
          else Kpi.addValues(g.values, row.values)
        }
      }
    }
    const comparedValues = new Map(
      [...compared.keys()].map((key, i) =>
        [key, comparedRows[i]!.reduce((sum, row) => Kpi.addValues(sum, row.values), {})] as const
      )
    )
    const figuresAt = (key: string) => {
      const v = comparedValues.get(key)
      return v === undefined ? empty : Kpi.figuresOf(Kpi.withAverages(v), kpi)
    }

    const medianValues = medianRows === undefined
      ? {}
      : Object.assign(medianNulls(), ...medianRows.map((rows) => rows[0]?.values ?? {}))
    const totals = totalValues === undefined && !medians
      ? empty
      : Kpi.figuresOf({ ...(totalValues === undefined ? {} : Kpi.withAverages(totalValues)), ...medianValues }, kpi)
    let yearOnYear: Comparison | undefined
    let periodOnPeriod: Comparison | undefined
    if (compare) {
      const comparison = (p: Period.Period): Comparison => {
        const f = figuresAt(p.key)
        return { period: { ...p, ...Period.range(p, offset) }, figures: f, ...changes(totals, f, kpi.decimals) }
      }
      yearOnYear = comparison(others[0]!)
      periodOnPeriod = comparison(others[1]!)
    }

    // the cases that arose outside the focus's subtree come last
    const rowsOf = (i: number) =>
      [...byPart[i]!.values()].sort((a, b) =>
        a.key === outsideKey || b.key === outsideKey
          ? Number(a.key === outsideKey) - Number(b.key === outsideKey)
          : CaseStore.compareKeys([a.key], [b.key])
      ).map((g) => ({
        key: g.key,
        figures: Kpi.figuresOf(Kpi.withAverages(g.values), kpi)
      }))
    const breakdowns: Partial<Record<Labels.BreakdownName, ReadonlyArray<Row>>> = {}
    let trend: Dashboard["trend"]
    for (const [i, part] of parts.entries()) {
      const name = part.name
      if (name === "trend") {
        if (unit === "none") continue
        const rows = rowsOf(i)
        const byKey = new Map(rows.map((r) => [String(r.key), r.figures]))
        // Without both bounds, the trend spans from the given bound (else the first period with cases) to the
        // given bound (else the last period with cases). Either way the periods in between are shown, empty ones
        // as zeros (up to the limit of `keysBetween`), and a period with cases is never left out
        const present = [...byKey.keys()]
        const first = query.from ??
          (present.length > 0 ? Period.range({ unit, key: present[0]! }, offset).from : undefined)
        const last = query.to ??
          (present.length > 0 ? Period.range({ unit, key: present.at(-1)! }, offset).to : undefined)
        const filled = trendKeys ??
          (first !== undefined && last !== undefined ? Period.keysBetween(unit, first, last, offset) : [])
        const known = new Set(filled)
        const keys = present.every((k) => known.has(k))
          ? filled
          : [...new Set([...filled, ...present])].sort()
        trend = { unit, rows: keys.map((key) => ({ key, label: key, figures: byKey.get(key) ?? empty })) }
        continue
      }
      breakdowns[name] = rowsOf(i).map((r) => ({
        key: r.key,
        label: name !== "jurisdiction"
          ? Labels.keyLabel(centre, name, r.key, locale)
          : r.key === null
          ? node.name
          : r.key === outsideKey
          ? Labels.pick(Labels.words.outside, locale)
          : Labels.keyLabel(centre, name, r.key, locale),
        figures: r.figures
      }))
    }

    return {
      centre: centre.id,
      locale,
      asOf,
      decimals: kpi.decimals,
      ...(period !== undefined ? { period: { ...period, ...bounds! } } : {}),
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
  })

/**
 * The key of the jurisdiction breakdown's group of the cases in scope that arose outside the focus node's subtree
 * (辖区外发生: the default policy lets an actor read the cases handled in its subtree too). No division code can be
 * this key: a code starts with a letter or a digit.
 *
 * @since 0.1.0
 * @category constants
 */
export const outsideKey = "_outside"

/** The most groups one rolled-up pass may have (an estimate from the configuration's taxonomies). */
const maxGroupsPerPass = 20_000

const medianNulls = (): Record<string, number | null> => {
  const values: Record<string, number | null> = {}
  for (const s of Kpi.stepNames) values[`${s}_median`] = null
  return values
}

/**
 * The dashboard for an actor, over a store: the actor's read scope comes from the policy (the default policy:
 * its jurisdiction subtree), so figures never include cases it may not read.
 *
 * @example
 * ```ts
 * import { Stats } from "@fengqiao/plugins-stats"
 *
 * const board = yield* Stats.dashboard(store, center.config, {
 *   actor,
 *   period: { unit: "year", key: "2025" },
 *   breakdowns: ["tier", "category"]
 * })
 * board.totals.rates.closure.percent // 99 (办结率 99.00 %)
 * ```
 *
 * @since 0.1.0
 * @category computing
 */
export const dashboard = (
  store: CaseStore.CaseStore,
  centre: CenterConfig.Resolved,
  input: DashboardInput,
  settings: { readonly options?: typeof Kpi.KpiOptions.Encoded | undefined; readonly policy?: Policy.Policy } = {}
): Effect.Effect<Dashboard, Errors.InvalidInput | Errors.Forbidden | Errors.StoreError> =>
  Effect.gen(function*() {
    const q = yield* decodeInput(input)
    const options = yield* decodeOptions(settings.options)
    const policy = settings.policy ?? Policy.makeDefault()
    const scope = policy.readScope(centre, q.actor)
    if (scope instanceof Errors.Forbidden) return yield* scope
    const now = new Date(yield* Clock.currentTimeMillis).toISOString()
    return yield* compute(fromStore(store, centre), scope, q, q.actor.jurisdiction, options, now)
  })
