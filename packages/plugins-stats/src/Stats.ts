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
import { Actor, type CaseStore, type CenterConfig, Errors, Policy, Primitives, Query } from "@fengqiao/core"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
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
}

/**
 * A source over a store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromStore = (store: CaseStore.CaseStore, centre: CenterConfig.Resolved): Source => ({
  centre,
  aggregate: (request) => store.aggregate(centre.id, request)
})

const parseOptions = { errors: "all", onExcessProperty: "error" } as const

const invalid = (field: string, expected: string) =>
  new Errors.InvalidInput({ field, expected, issues: [{ field, expected }] })

const toInvalid = (issue: ParseResult.ParseIssue): Errors.InvalidInput => {
  const issues = ParseResult.ArrayFormatter.formatIssueSync(issue).map((i) => ({
    field: i.path.map(String).join(".") || "(root)",
    expected: i._tag === "Missing"
      ? "a value (the field is required)"
      : i._tag === "Unexpected"
      ? "no such field"
      : i.message.startsWith("Expected ")
      ? i.message.slice("Expected ".length)
      : i.message
  }))
  const first = issues[0] ?? { field: "(root)", expected: "a dashboard query" }
  return new Errors.InvalidInput({ field: first.field, expected: first.expected, issues })
}

/**
 * Decodes a dashboard input (actor and query); a bad field is an `InvalidInput` naming it.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeInput = (input: unknown): Either.Either<typeof DashboardInput.Type, Errors.InvalidInput> =>
  Either.mapLeft(ParseResult.decodeUnknownEither(DashboardInput, parseOptions)(input), toInvalid)

/**
 * Decodes KPI options; a bad field is an `InvalidInput` naming it.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeOptions = (input: unknown): Either.Either<Kpi.KpiOptions, Errors.InvalidInput> =>
  Either.mapLeft(ParseResult.decodeUnknownEither(Kpi.KpiOptions, parseOptions)(input ?? {}), toInvalid)

const within = (from: string, to: string): CaseStore.Condition => ({
  _tag: "And",
  conditions: [
    { _tag: "NotBefore", field: "registeredAt", value: from },
    { _tag: "Before", field: "registeredAt", value: to }
  ]
})

const dimensionOf = (
  name: Labels.BreakdownName,
  focusDepth: number
): CaseStore.Dimension => {
  switch (name) {
    case "tier":
      return { _tag: "Column", field: "handlingTier" }
    case "jurisdiction":
      return { _tag: "Jurisdiction", of: "place", depth: focusDepth + 1 }
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
  for (const r of Kpi.rateNames) {
    const a = current.rates[r].ratio
    const b = previous.rates[r].ratio
    rates[r] = a === null || b === null ? null : Kpi.roundHalfUp((a - b) * 100, decimals)
  }
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
      return yield* invalid("jurisdiction", "the code of a node in the centre's jurisdiction tree")
    }
    const kpi: Kpi.KpiOptions = query.decimals === undefined ? options : { ...options, decimals: query.decimals }
    const locale = query.locale ?? "zh-Hans"
    const asOf = new Date(Date.parse(query.asOf ?? now)).toISOString()
    const offset = centre.utcOffsetMinutes
    const base: Array<CaseStore.Condition> = [scope]
    if (query.jurisdiction !== undefined) base.push({ _tag: "Within", field: "placePath", path: node.path })
    if (query.where !== undefined) base.push(query.where)
    const medians = query.medians ?? true
    const run = (where: CaseStore.Condition, groupBy: ReadonlyArray<CaseStore.Dimension>, withMedians: boolean) =>
      source.aggregate({
        where,
        groupBy,
        measures: Kpi.measures(centre, kpi, asOf, withMedians),
        utcOffsetMinutes: offset
      })
    const empty = Kpi.figuresOf({}, kpi)

    // the totals, and with a period the same period last year and the period before, in one pass
    let totals: Kpi.Figures
    let yearOnYear: Comparison | undefined
    let periodOnPeriod: Comparison | undefined
    let selected: CaseStore.Condition
    let bounds: { readonly from: string; readonly to: string } | undefined
    const period = query.period
    if (period !== undefined) {
      const current = Period.range(period, offset)
      bounds = current
      selected = { _tag: "And", conditions: [...base, within(current.from, current.to)] }
      const compare = query.compare ?? true
      const others = compare ? [Period.yearAgo(period), Period.shift(period, -1)] : []
      const keys = [period, ...others].map((p) => p.key)
      const rows = yield* run(
        {
          _tag: "And",
          conditions: [
            ...base,
            {
              _tag: "Or",
              conditions: [period, ...others].map((p) => {
                const r = Period.range(p, offset)
                return within(r.from, r.to)
              })
            }
          ]
        },
        [{ _tag: "Period", field: "registeredAt", unit: period.unit }],
        false
      )
      const values = new Map(rows.map((r) => [String(r.keys[0]), r.values]))
      const figuresAt = (key: string) => Kpi.figuresOf(values.get(key) ?? {}, kpi)
      // medians only for the period itself (each is a window query on SQL stores: the costly part of a dashboard)
      const medianValues = medians
        ? (yield* source.aggregate({
          where: selected,
          groupBy: [],
          measures: Kpi.measures(centre, kpi, asOf, true).filter((m) => m._tag === "Duration" && m.stat === "median"),
          utcOffsetMinutes: offset
        }))[0]?.values ?? medianNulls()
        : {}
      totals = Kpi.figuresOf({ ...(values.get(keys[0]!) ?? {}), ...medianValues }, kpi)
      const comparison = (p: Period.Period): Comparison => {
        const f = figuresAt(p.key)
        return { period: { ...p, ...Period.range(p, offset) }, figures: f, ...changes(totals, f, kpi.decimals) }
      }
      if (compare) {
        yearOnYear = comparison(others[0]!)
        periodOnPeriod = comparison(others[1]!)
      }
    } else {
      const range: Array<CaseStore.Condition> = []
      if (query.from !== undefined) range.push({ _tag: "NotBefore", field: "registeredAt", value: query.from })
      if (query.to !== undefined) range.push({ _tag: "Before", field: "registeredAt", value: query.to })
      if (query.from !== undefined && query.to !== undefined) bounds = { from: query.from, to: query.to }
      selected = { _tag: "And", conditions: [...base, ...range] }
      const rows = yield* run(selected, [], medians)
      totals = rows[0] === undefined ? empty : Kpi.figuresOf(rows[0].values, kpi)
    }

    // breakdowns: one GROUP BY each
    const breakdowns: Partial<Record<Labels.BreakdownName, ReadonlyArray<Row>>> = {}
    for (const name of query.breakdowns ?? defaultBreakdowns) {
      const rows = yield* run(selected, [dimensionOf(name, node.depth)], false)
      breakdowns[name] = rows.map((r) => ({
        key: r.keys[0] ?? null,
        label: name === "jurisdiction" && r.keys[0] === null
          ? node.name
          : Labels.keyLabel(centre, name, r.keys[0] ?? null, locale),
        figures: Kpi.figuresOf(r.values, kpi)
      }))
    }

    // the trend, every period of the range present (empty ones with zeros)
    const unit = query.trend ?? "month"
    let trend: Dashboard["trend"]
    if (unit !== "none") {
      const rows = yield* run(selected, [{ _tag: "Period", field: "registeredAt", unit }], false)
      const byKey = new Map(rows.map((r) => [String(r.keys[0]), Kpi.figuresOf(r.values, kpi)]))
      const keys = bounds !== undefined
        ? Period.keysBetween(unit, bounds.from, bounds.to, offset)
        : rows.map((r) => String(r.keys[0]))
      trend = { unit, rows: keys.map((key) => ({ key, label: key, figures: byKey.get(key) ?? empty })) }
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
      totals,
      ...(yearOnYear !== undefined ? { yearOnYear } : {}),
      ...(periodOnPeriod !== undefined ? { periodOnPeriod } : {}),
      breakdowns,
      ...(trend !== undefined ? { trend } : {})
    }
  })

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
