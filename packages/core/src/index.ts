/**
 * Fengqiao (枫桥) core: the case lifecycle of comprehensive governance centres (综治中心), the `Center` service
 * and its ports, the in-memory store, and the Promise front door `createCenter`.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Actor from "./Actor.js"

/**
 * @since 0.1.0
 */
export * as AuditTrail from "./AuditTrail.js"

/**
 * @since 0.1.0
 */
export * as Calendar from "./Calendar.js"

/**
 * @since 0.1.0
 */
export * as Case from "./Case.js"

/**
 * @since 0.1.0
 */
export * as CaseStore from "./CaseStore.js"

/**
 * @since 0.1.0
 */
export * as Center from "./Center.js"

/**
 * @since 0.1.0
 */
export * as CenterClient from "./CenterClient.js"

/**
 * @since 0.1.0
 */
export * as CenterConfig from "./CenterConfig.js"

/**
 * @since 0.1.0
 */
export * as Command from "./Command.js"

/**
 * @since 0.1.0
 */
export * as ConfigKeys from "./ConfigKeys.js"

/**
 * @since 0.1.0
 */
export * as Deadline from "./Deadline.js"

/**
 * @since 0.1.0
 */
export * as Department from "./Department.js"

/**
 * @since 0.1.0
 */
export * as Errors from "./Errors.js"

/**
 * @since 0.1.0
 */
export * as Event from "./Event.js"

/**
 * @since 0.1.0
 */
export * as Examples from "./Examples.js"

/**
 * @since 0.3.0
 */
export * as Grading from "./Grading.js"

/**
 * @since 0.1.0
 */
export * as I18n from "./I18n.js"

/**
 * @since 0.1.0
 */
export * as IdGenerator from "./IdGenerator.js"

/**
 * @since 0.1.0
 */
export * as Jurisdiction from "./Jurisdiction.js"

/**
 * @since 0.1.0
 */
export * as Lifecycle from "./Lifecycle.js"

/**
 * @since 0.1.0
 */
export * as LifecycleDiagram from "./LifecycleDiagram.js"

/**
 * @since 0.1.0
 */
export * as MemoryStore from "./MemoryStore.js"

/**
 * @since 0.1.0
 */
export * as Party from "./Party.js"

/**
 * @since 0.1.0
 */
export * as Plugin from "./Plugin.js"

/**
 * @since 0.1.0
 */
export * as Policy from "./Policy.js"

/**
 * @since 0.1.0
 */
export * as Primitives from "./Primitives.js"

/**
 * @since 0.1.0
 */
export * as Privacy from "./Privacy.js"

/**
 * @since 0.1.0
 */
export * as Query from "./Query.js"

/**
 * @since 0.2.0
 */
export * as SimulatedClock from "./SimulatedClock.js"

/**
 * @since 0.1.0
 */
export * as Summary from "./Summary.js"

/**
 * @since 0.1.0
 */
export * as Taxonomy from "./Taxonomy.js"

/**
 * The Promise front door; see {@link CenterClient.createCenter}.
 *
 * @since 0.1.0
 */
export { createCenter } from "./CenterClient.js"
