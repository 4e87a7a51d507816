/**
 * Fengqiao (枫桥) statistics (统计): the KPIs centres are judged by, computed where the data lives.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Export from "./Export.js"

/**
 * @since 0.1.0
 */
export * as Kpi from "./Kpi.js"

/**
 * @since 0.1.0
 */
export * as Labels from "./Labels.js"

/**
 * @since 0.1.0
 */
export * as Period from "./Period.js"

/**
 * @since 0.1.0
 */
export * as Report from "./Report.js"

/**
 * @since 0.1.0
 */
export * as Stats from "./Stats.js"

/**
 * @since 0.1.0
 */
export * as StatsPlugin from "./StatsPlugin.js"

/**
 * The statistics plugin; see {@link StatsPlugin.statsPlugin}.
 *
 * @since 0.1.0
 */
export { statsPlugin } from "./StatsPlugin.js"
