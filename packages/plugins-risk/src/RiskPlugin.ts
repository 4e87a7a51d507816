/**
 * The risk plugin (风险研判与预警): grades cases with the rule-based grader (and any grader another plugin
 * contributes), keeps an early warning (预警) for every open case at a warning level — its owner and the time by
 * which it must be reported — suggests or carries out escalation by level, re-grades related open cases when a
 * new incident about the same person, phone or address arrives, and answers the early-warning list (预警清单).
 *
 * Its state lives in its own namespace: `i/<kind>/<fingerprint>` (the incidents of a person, phone or address —
 * fingerprints, never the ID numbers themselves) and `w/<place path><case id>` (open warnings, so that a
 * jurisdiction subtree is one prefix scan). When the centre's retention rule anonymises or purges a case, the
 * plugin removes the case's links from the incident index in the same transaction (`onRetention`);
 * `pruneIncidents` sweeps the links of cases changed or removed otherwise (or anonymised before this plugin was
 * installed).
 *
 * @example
 * ```ts
 * import { createCenter } from "@fengqiao/core"
 * import { riskPlugin } from "@fengqiao/plugins-risk"
 *
 * const center = await createCenter({ config, plugins: [riskPlugin({ combine: "max" })] })
 * const warnings = await center.plugins.risk.earlyWarnings({ actor, levels: ["red"] })
 * ```
 *
 * @since 0.1.0
 */
import type { Actor } from "@fengqiao/core"
import { Grading, Plugin } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { api } from "./internal/api.js"
import { combine } from "./internal/combine.js"
import { RiskConfig, type RiskOptions, validate } from "./internal/config.js"
import { linkIncidents, regradeRelated, rulesGrader, unlinkIncidents } from "./internal/incidents.js"
import { escalateAutomatically, keepWarning } from "./internal/warnings.js"

/**
 * The configuration: its Schema and type, the resolved settings, the default acknowledging roles.
 *
 * @since 0.1.0
 */
export { defaultAcknowledgeRoles, RiskConfig, type RiskOptions, type Settings, settings } from "./internal/config.js"

/**
 * Grades the risk policy refuses, and their check.
 *
 * @since 0.1.0
 */
export { checkGrade, InvalidGrade } from "./internal/combine.js"

/**
 * The incident keys of a case (`i/<kind>/<hash>`).
 *
 * @since 0.1.0
 */
export { incidentKeys } from "./internal/incidents.js"

/**
 * An early warning (预警).
 *
 * @since 0.1.0
 */
export type { Warning } from "./internal/warnings.js"

/**
 * The inputs of the plugin's API, with their Schemas.
 *
 * @since 0.1.0
 */
export {
  type AcknowledgeInput,
  AcknowledgeQuery,
  type EarlyWarningsInput,
  EarlyWarningsQuery,
  type ExplainInput,
  ExplainQuery,
  type PruneIncidentsInput,
  PruneIncidentsQuery
} from "./internal/api.js"

/**
 * The risk plugin: the incident index (a projection, unlinked on retention), the rule-based grader and the risk
 * policy (contributions to `Grading`), early warnings (`onEvents`), automatic escalation and the re-grading of
 * related cases (`afterCommit`), and its API.
 *
 * @since 0.1.0
 * @category constructors
 */
export const riskPlugin = (options: RiskOptions = {}) =>
  Plugin.definePlugin({
    id: "risk",
    version: "0.1.0",
    config: RiskConfig,
    options,
    validate: (config, centre) => validate(config, centre, options),
    projections: [{ name: "incidents", events: ["Registered"], apply: linkIncidents }],
    onRetention: unlinkIncidents,
    contributes: [Grading.grader(rulesGrader), Grading.riskPolicy(combine)],
    onEvents: keepWarning,
    afterCommit: (ctx) =>
      Effect.gen(function*() {
        const system: Actor.Actor = {
          id: ctx.config.systemActorId,
          roles: ["admin"],
          jurisdiction: ctx.centre.tree.root.code
        }
        yield* escalateAutomatically(ctx, system)
        yield* regradeRelated(ctx, system)
      }),
    api
  })
