/**
 * The statistics plugin (统计插件): the dashboard, its CSV export and its HTML report as queries on both front
 * doors — `center.plugins.stats.dashboard(...)` on the Effect `Center` and on the Promise `createCenter`. Each
 * query takes the asking `actor`, and counts only the cases the centre's policy lets it read (by default its
 * jurisdiction subtree). The figures come from the store's `aggregate`; the plugin keeps no state and adds no
 * hook to the command path.
 *
 * @example
 * ```ts
 * import { createCenter } from "@fengqiao/core"
 * import { statsPlugin } from "@fengqiao/plugins-stats"
 *
 * const center = await createCenter({ config, plugins: [statsPlugin({ decimals: 2 })] })
 * const board = await center.plugins.stats.dashboard({ actor, period: { unit: "year", key: "2025" } })
 * console.log(board.totals.rates.closure.percent) // 办结率
 * ```
 *
 * @since 0.1.0
 */
import { type Errors, Plugin } from "@fengqiao/core"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Export from "./Export.js"
import * as Kpi from "./Kpi.js"
import * as Report from "./Report.js"
import * as Stats from "./Stats.js"

/**
 * What {@link statsPlugin} takes: the KPI options (decimals, three-rate weights, satisfied ratings, lowest tier).
 *
 * @since 0.1.0
 * @category models
 */
export type StatsOptions = typeof Kpi.KpiOptions.Encoded

/**
 * The input of the report query: a dashboard input and an optional title.
 *
 * @since 0.1.0
 * @category models
 */
export type ReportInput = Stats.DashboardInput & { readonly title?: string | undefined }

/**
 * The statistics plugin, id `stats`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const statsPlugin = (options: StatsOptions = {}) =>
  Plugin.definePlugin({
    id: "stats",
    version: "0.1.0",
    config: Kpi.KpiOptions,
    options,
    validate: (config, centre) => {
      const problem = Kpi.optionsProblem(centre, config)
      return problem === undefined ? [] : [problem]
    },
    api: (ctx) => {
      const source: Stats.Source = { centre: ctx.centre, aggregate: ctx.aggregate, parallelReads: ctx.parallelReads }
      const board = (
        input: Stats.DashboardInput,
        caller: Plugin.Caller
      ): Effect.Effect<Stats.Dashboard, Errors.InvalidInput | Errors.StoreError> =>
        Effect.gen(function*() {
          const q = yield* Stats.decodeInput(input)
          const now = new Date(yield* Clock.currentTimeMillis).toISOString()
          return yield* Stats.compute(source, caller.scope, q, caller.actor.jurisdiction, ctx.config, now)
        })
      return {
        /** The dashboard: totals, 同比/环比, breakdowns and trend. */
        dashboard: board,
        /** Only the totals of a selection (no breakdowns, no trend). */
        figures: (input: Stats.DashboardInput, caller: Plugin.Caller) =>
          Effect.map(board({ ...input, breakdowns: [], trend: "none" }, caller), (d) => d.totals),
        /** The dashboard as CSV text (UTF-8 with a byte-order mark). */
        csv: (input: Stats.DashboardInput, caller: Plugin.Caller) => Effect.map(board(input, caller), Export.toCsv),
        /** The dashboard as JSON text. */
        json: (input: Stats.DashboardInput, caller: Plugin.Caller) =>
          Effect.map(board(input, caller), (d) => Export.toJson(d)),
        /** The self-contained HTML report. */
        report: (input: ReportInput, caller: Plugin.Caller) => {
          const { title, ...rest } = input
          if (title !== undefined && (typeof title !== "string" || title.length > 200)) {
            return Effect.fail(Plugin.invalidInput("title", "a text of at most 200 characters"))
          }
          return Effect.map(board(rest, caller), (d) => Report.toHtml(d, { centre: ctx.centre, title }))
        }
      }
    }
  })
