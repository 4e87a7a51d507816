/**
 * Fengqiao (枫桥) risk grading and early warning (风险研判与预警).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Grader from "./Grader.js"

/**
 * @since 0.1.0
 */
export * as Presets from "./Presets.js"

/**
 * @since 0.1.0
 */
export * as RiskPlugin from "./RiskPlugin.js"

/**
 * @since 0.1.0
 */
export * as Rules from "./Rules.js"

/**
 * The risk plugin; see {@link RiskPlugin.riskPlugin}.
 *
 * @since 0.1.0
 */
export { riskPlugin } from "./RiskPlugin.js"

/**
 * Defines a third-party risk grader plugin; see {@link Grader.defineRiskGrader}.
 *
 * @since 0.1.0
 */
export { defineRiskGrader } from "./Grader.js"
