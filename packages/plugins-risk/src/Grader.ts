/**
 * `defineRiskGrader`: how integrators add their own risk grader as a plugin of its own. Its grades are combined
 * with the others' by the risk plugin's policy (the highest level, or a weighted score).
 *
 * @example
 * ```ts
 * import { defineRiskGrader } from "@fengqiao/plugins-risk"
 * import * as Effect from "effect/Effect"
 *
 * export const nightVisits = defineRiskGrader({
 *   id: "night-visits",
 *   version: "1.0.0",
 *   grade: (ctx) =>
 *     Effect.succeed(new Date(ctx.case.registeredAt).getUTCHours() >= 14
 *       ? { score: 20, factors: [{ id: "nightVisit", contribution: 20 }] }
 *       : { score: 0, factors: [] })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { type Event, Grading, Plugin } from "@fengqiao/core"
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"

/**
 * What {@link defineRiskGrader} takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface GraderDefinition<Id extends string, C, CI> {
  readonly id: Id
  readonly version: string
  readonly dependsOn?: ReadonlyArray<string> | undefined
  readonly config?: Schema.Schema<C, CI> | undefined
  /** Optional when every field of `config` has a default; required otherwise (`Plugin.OptionsRequirement`). */
  readonly options?: CI | undefined
  /** The events after which it grades (default: the core's default triggers). */
  readonly triggers?: ReadonlyArray<Event.EventName> | undefined
  /**
   * The levels its grades may name (`Grade.level`), checked against the centre's risk levels at start-up (an
   * `InvalidConfig` naming `plugins.<index>.options.levels.<i>`). Whether declared or not, a grade naming a level
   * the centre does not have is refused by the risk plugin's policy.
   */
  readonly levels?: ReadonlyArray<string> | undefined
  /** Grades the case: a finite, non-negative score and contributions (the risk plugin refuses any other). */
  readonly grade: (ctx: Plugin.EventsContext<C>) => Effect.Effect<Grading.Grade | undefined, never>
}

/**
 * Makes a plugin that contributes one risk grader (`contributes: [Grading.grader(…)]`, the grader's id the
 * plugin's).
 *
 * @since 0.1.0
 * @category constructors
 */
export const defineRiskGrader = <const Id extends string, C = undefined, CI = C>(
  definition: GraderDefinition<Id, C, CI> & Plugin.OptionsRequirement<CI>
): Plugin.Plugin<Id, C, CI, Plugin.NoApi> => {
  // not an object (plain JavaScript callers): a plugin without an id, which the centre refuses at start-up with an
  // `InvalidConfig` naming it, as it does any other malformed plugin
  const d: Partial<GraderDefinition<Id, C, CI>> = typeof definition === "object" && definition !== null
    ? definition
    : {}
  const plugin: Plugin.Definition<Id, C, CI, Plugin.NoApi> = {
    id: d.id as Id,
    version: d.version as string,
    dependsOn: d.dependsOn,
    config: d.config,
    options: d.options,
    validate: (_, centre) => {
      const levels: unknown = d.levels ?? []
      if (!Array.isArray(levels)) return [{ field: "levels", expected: "an array of the centre's risk levels" }]
      return levels.flatMap((level, i) =>
        typeof level === "string" && centre.riskLevels.has(level) ? [] : [{
          field: `levels.${i}`,
          expected: `a risk level of the centre (${[...centre.riskLevels.keys()].join(", ")}), as the grader's ` +
            `declared levels`
        }]
      )
    },
    // the grader's id is the plugin's: its factors name it once (`night-visits`, not `night-visits/night-visits`)
    contributes: [
      Grading.grader<C>({
        id: d.id as string,
        triggers: d.triggers,
        grade: d.grade as GraderDefinition<Id, C, CI>["grade"]
      })
    ]
  }
  // `options` was checked against the config's requirement where the caller wrote it
  return Plugin.definePlugin<Id, C, CI, Plugin.NoApi>(plugin as typeof plugin & Plugin.OptionsRequirement<CI>)
}
