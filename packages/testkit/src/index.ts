/**
 * Fengqiao (枫桥) test kit: the conformance suite every `CaseStore` adapter runs, the generators behind it, and
 * given/when/then specifications of the lifecycle (`Spec`).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Conformance from "./Conformance.js"

/**
 * @since 0.1.0
 */
export * as Generators from "./Generators.js"

/**
 * @since 0.1.0
 */
export * as Queries from "./Queries.js"

/**
 * @since 0.1.0
 */
export * as Statistics from "./Statistics.js"

/**
 * @since 0.3.0
 */
export * as Spec from "./Spec.js"
