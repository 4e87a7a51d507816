/**
 * Risk grading (风险研判) as a plugin capability: a plugin contributes graders (`Grading.grader`) and at most one
 * plugin of a centre a risk policy (`Grading.riskPolicy`) — ordinary contributions to the extension points
 * {@link graders} and {@link policy}. The grading plugin that owns them (installed by the centre as soon as
 * something contributes to them) runs after a command whose events include a grader's `triggers`: it grades the
 * case, combines the grades (with the risk policy, or the highest level any grader gave), never lowers a level set
 * by hand at assessment, and appends a `RiskGraded` event to the command's when the case's risk changes. A grader
 * whose triggers differ from the others' still counts with its last grade, which the grading plugin keeps in its
 * state (namespace `fengqiao:grades`, by case id; removed when the retention rule purges the case).
 *
 * @example
 * ```ts
 * import { Grading, Plugin } from "@fengqiao/core"
 * import * as Effect from "effect/Effect"
 *
 * export const crowd = Plugin.definePlugin({
 *   id: "crowd",
 *   version: "1.0.0",
 *   contributes: [
 *     Grading.grader({
 *       id: "headcount",
 *       grade: (ctx) =>
 *         Effect.succeed(
 *           ctx.case.headcount >= 5
 *             ? { score: 40, level: "yellow", factors: [{ id: "groupCase", contribution: 40 }] }
 *             : undefined
 *         )
 *     })
 *   ]
 * })
 * ```
 *
 * @since 0.3.0
 */
import type * as Effect from "effect/Effect"
import type { RiskFactor } from "./Case.js"
import type { StoreError } from "./Errors.js"
import type { EventName } from "./Event.js"
import * as internal from "./internal/grading.js"
import type * as Plugin from "./Plugin.js"

/**
 * A risk grade: a score, an optional level, and the factors that add up to the score.
 *
 * @since 0.3.0
 * @category models
 */
export interface Grade extends internal.Grade {
  readonly score: number
  readonly level?: string | undefined
  readonly factors: ReadonlyArray<RiskFactor>
}

/**
 * A risk grader. It runs after a command whose events include one of its `triggers`.
 *
 * @since 0.3.0
 * @category models
 */
export interface Grader<C> extends internal.Grader<C> {
  /**
   * Its id. Factors and the risk policy name the grader `<plugin id>/<id>` (`risk/rules`), or the plugin's id alone
   * when the grader's is the same (`night-visits`, as a plugin made with `defineRiskGrader` has).
   */
  readonly id: string
  /** The event types after which the case is graded again (default: {@link defaultTriggers}). */
  readonly triggers?: ReadonlyArray<EventName> | undefined
  readonly grade: (ctx: Plugin.EventsContext<C>) => Effect.Effect<Grade | undefined, StoreError>
}

/**
 * Turns the grades of every grader into the case's risk. At most one plugin of a centre contributes one; without
 * one, the highest level any grader gave wins (a manual level set at assessment is never lowered).
 *
 * @since 0.3.0
 * @category models
 */
export type Policy<C> = internal.Policy<C>

/**
 * The event types after which graders run by default.
 *
 * @since 0.3.0
 * @category constants
 */
export const defaultTriggers: ReadonlyArray<EventName> = internal.defaultTriggers

/**
 * The extension point of graders. A grader's id, `grade` function and triggers are checked when the centre is made
 * (`plugins.<index>.contributes.<j>.<member>`).
 *
 * @since 0.3.0
 * @category extension points
 */
export const graders: Plugin.ExtensionPoint<Grader<any>> = internal.graders

/**
 * The extension point of the risk policy: one per centre among the plugins (a second is an `InvalidConfig` naming
 * `plugins.<index>.contributes.<j>`; a plugin's replaces the centre's own hooks').
 *
 * @since 0.3.0
 * @category extension points
 */
export const policy: Plugin.ExtensionPoint<Policy<any>> = internal.policy

/**
 * A grader, as a contribution of a plugin whose config is `C` (its `grade` reads that config).
 *
 * @since 0.3.0
 * @category constructors
 */
export const grader = <C = any>(value: Grader<C>): Plugin.Contribution<C> => graders.of(value)

/**
 * A risk policy, as a contribution of a plugin whose config is `C`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const riskPolicy = <C = any>(value: Policy<C>): Plugin.Contribution<C> => policy.of(value)

/**
 * The id of a grader as factors and the risk policy name it: `<plugin>/<grader>`, or the plugin's id alone when the
 * grader has the same id.
 *
 * @since 0.3.0
 * @category utils
 */
export const graderId: (plugin: string, grader: string) => string = internal.graderId

/**
 * The namespace of the grading plugin's state: the last grades of the graders whose triggers differ from the
 * others', by case id.
 *
 * @since 0.3.0
 * @category constants
 */
export const namespace: string = internal.ownerId
