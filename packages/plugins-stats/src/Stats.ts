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
 * This module is the face of three steps: planning what to aggregate (`internal/plan.ts`), slicing the store's
 * rows into figures (`internal/slice.ts`) and presenting them (`internal/present.ts`).
 *
 * @since 0.1.0
 */
import type { CaseStore, CenterConfig, Errors, Policy } from "@fengqiao/core"
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as internal from "./internal/dashboard.js"
import * as definitions from "./internal/definitions.js"
import * as model from "./internal/model.js"
import type * as Kpi from "./Kpi.js"
import type * as Labels from "./Labels.js"

/**
 * A breakdown.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BreakdownName: typeof definitions.BreakdownName = definitions.BreakdownName

/**
 * The breakdowns a dashboard has unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBreakdowns: ReadonlyArray<Labels.BreakdownName> = model.defaultBreakdowns

/**
 * What a dashboard shows. Cases are selected by their registration time (a cohort: 办结率 of March is the share of
 * March's cases closed by now), inside the caller's jurisdiction subtree, narrowed to `jurisdiction` (where they
 * arose) and `where`. A `period` (or a range `from`/`to`, not both), the `breakdowns`, the `trend`'s unit
 * (`month` by default, `none` for none), whether to `compare` (同比/环比), whether to compute `medians`, the
 * reference time `asOf` of "overdue", the `decimals` of percentages and the `locale` of labels.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DashboardQuery: typeof model.DashboardQuery = model.DashboardQuery

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
export const DashboardInput: typeof model.DashboardInput = model.DashboardInput

/**
 * @since 0.1.0
 * @category models
 */
export type DashboardInput = typeof DashboardInput.Encoded

/**
 * One group of a breakdown or trend: its key, its label and its figures.
 *
 * @since 0.1.0
 * @category models
 */
export type Row = model.Row

/**
 * A comparison (同比 or 环比): the other period's figures and the changes — counts in percent of the other
 * period's value, rates in percentage points (both `null` when there is nothing to compare with).
 *
 * @since 0.1.0
 * @category models
 */
export type Comparison = model.Comparison

/**
 * A dashboard: the centre, locale, reference time and decimals; the period or range and the jurisdiction shown;
 * how the cases entered late counted in the figures of timeliness; the totals, 同比 and 环比, the breakdowns and
 * the trend.
 *
 * @since 0.1.0
 * @category models
 */
export type Dashboard = model.Dashboard

/**
 * Where the figures come from: a centre's configuration and its store's `aggregate` (the plugin API's
 * `ctx.aggregate`, or {@link fromStore}), and how many `aggregate` queries it runs at once (`parallelReads`,
 * default 1: a period is split into that many slices).
 *
 * @since 0.1.0
 * @category models
 */
export type Source = model.Source

/**
 * A source over a store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromStore: (store: CaseStore.CaseStore, centre: CenterConfig.Resolved) => Source = internal.fromStore

/**
 * Decodes a dashboard input (actor and query); a bad field is an `InvalidInput` naming it.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeInput: (input: unknown) => Either.Either<typeof DashboardInput.Type, Errors.InvalidInput> =
  internal.decodeInput

/**
 * Decodes KPI options; a bad field is an `InvalidInput` naming it.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeOptions: (input: unknown) => Either.Either<Kpi.KpiOptions, Errors.InvalidInput> =
  internal.decodeOptions

/**
 * Computes a dashboard from a source, inside `scope` (the condition of the cases the caller may read). The query
 * must be decoded ({@link DashboardQuery}); `focus` is the node shown without `query.jurisdiction` (the caller's);
 * `now` is the default reference time of "overdue".
 *
 * @since 0.1.0
 * @category computing
 */
export const compute: (
  source: Source,
  scope: CaseStore.Condition,
  query: DashboardQuery,
  focus: string,
  options: Kpi.KpiOptions,
  now: string
) => Effect.Effect<Dashboard, Errors.StoreError | Errors.InvalidInput> = internal.compute

/**
 * The key of the jurisdiction breakdown's group of the cases in scope that arose outside the focus node's subtree
 * (辖区外发生: the default policy lets an actor read the cases handled in its subtree too). No division code can be
 * this key: a code starts with a letter or a digit.
 *
 * @since 0.1.0
 * @category constants
 */
export const outsideKey: typeof model.outsideKey = model.outsideKey

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
export const dashboard: (
  store: CaseStore.CaseStore,
  centre: CenterConfig.Resolved,
  input: DashboardInput,
  settings?: { readonly options?: typeof Kpi.KpiOptions.Encoded | undefined; readonly policy?: Policy.Policy }
) => Effect.Effect<Dashboard, Errors.InvalidInput | Errors.Forbidden | Errors.StoreError> = internal.dashboard
