/**
 * The dashboard's shapes: what is asked (the query and the input with its actor), what comes back (the
 * dashboard, its rows and comparisons) and where the figures come from (a source).
 *
 * @internal
 */
import { Actor, type CaseStore, type CenterConfig, type Errors, Primitives, Query } from "@fengqiao/core"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Period from "../Period.js"
import { BreakdownName, type CountName, type RateName } from "./definitions.js"
import type { Figures } from "./figures.js"

/**
 * What a dashboard shows (see `Stats.DashboardQuery`).
 *
 * @internal
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
 * A decoded dashboard query.
 *
 * @internal
 */
export type DashboardQuery = typeof DashboardQuery.Type

/**
 * A dashboard query with the actor asking.
 *
 * @internal
 */
export const DashboardInput = Schema.extend(Schema.Struct({ actor: Actor.Actor }), DashboardQuery).annotations({
  identifier: "DashboardInput"
})

/**
 * A dashboard input as a caller writes it.
 *
 * @internal
 */
export type DashboardInput = typeof DashboardInput.Encoded

/**
 * A period with the instants it spans, `[from, to)`.
 *
 * @internal
 */
export type BoundedPeriod = Period.Period & { readonly from: string; readonly to: string }

/**
 * One group of a breakdown or trend.
 *
 * @internal
 */
export interface Row {
  readonly key: string | number | boolean | null
  readonly label: string
  readonly figures: Figures
}

/**
 * A comparison (同比 or 环比): the other period's figures and the changes — counts in percent of the other
 * period's value, rates in percentage points (both `null` when there is nothing to compare with).
 *
 * @internal
 */
export interface Comparison {
  readonly period: BoundedPeriod
  readonly figures: Figures
  readonly counts: Readonly<Record<CountName, number | null>>
  readonly rates: Readonly<Record<RateName, number | null>>
}

/**
 * A dashboard.
 *
 * @internal
 */
export interface Dashboard {
  readonly centre: string
  readonly locale: Primitives.Locale
  readonly asOf: string
  readonly decimals: number
  readonly period?: BoundedPeriod | undefined
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly jurisdiction: { readonly code: string; readonly name: string }
  /**
   * How the cases entered late (历史补录) counted in the figures of timeliness (the option `enteredLate`), and how
   * many of the selected cases were left out of them (0 when included).
   */
  readonly timeliness: { readonly enteredLate: "exclude" | "include"; readonly leftOut: number }
  readonly totals: Figures
  readonly yearOnYear?: Comparison | undefined
  readonly periodOnPeriod?: Comparison | undefined
  readonly breakdowns: Readonly<Partial<Record<BreakdownName, ReadonlyArray<Row>>>>
  readonly trend?: { readonly unit: Period.Unit; readonly rows: ReadonlyArray<Row> } | undefined
}

/**
 * Where the figures come from: a centre's configuration and its store's `aggregate`.
 *
 * @internal
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
 * The key of the jurisdiction breakdown's group of the cases in scope that arose outside the focus node's subtree
 * (see `Stats.outsideKey`).
 *
 * @internal
 */
export const outsideKey = "_outside"

/**
 * The breakdowns a dashboard has unless told otherwise.
 *
 * @internal
 */
export const defaultBreakdowns: ReadonlyArray<BreakdownName> = ["tier", "jurisdiction", "category", "riskLevel"]
