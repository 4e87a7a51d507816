/**
 * The risk plugin's configuration: its Schema, the settings resolved from the preset and overrides, and the checks
 * of a config against the centre's at start-up.
 * @internal
 */
import { type CenterConfig, Policy, Primitives } from "@fengqiao/core"
import * as Schema from "effect/Schema"
import * as Presets from "../Presets.js"
import * as Rules from "../Rules.js"

/**
 * A reporting window: the same day, a number of days (to the end of the last), or a number of hours.
 * @internal
 */
export const Window = Schema.Union(
  Schema.TaggedStruct("SameDay", {}),
  Schema.TaggedStruct("Days", { days: Schema.Int.pipe(Schema.between(1, 365)) }),
  Schema.TaggedStruct("Hours", { hours: Schema.Int.pipe(Schema.between(1, 24 * 365)) })
)

/**
 * The roles that may acknowledge a warning by default: those that may issue `Regrade` (风险复评, the risk command of
 * the lifecycle) under `Policy.defaultPermissions`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultAcknowledgeRoles: ReadonlyArray<string> = Object.entries(Policy.defaultPermissions)
  .filter(([, commands]) => commands === "*" || commands.includes("Regrade"))
  .map(([role]) => role)

/**
 * The risk plugin's configuration. Everything has a default: the 红/黄/蓝 preset, the default rules, the highest
 * level among graders, and "suggest escalating a red case from the village to the township".
 *
 * @since 0.1.0
 * @category schemas
 */
export const RiskConfig = Schema.Struct({
  preset: Schema.optionalWith(Schema.Literal("redYellowBlue", "highMediumLow", "fourColour"), {
    default: () => "redYellowBlue" as const
  }),
  /**
   * Override the preset's score thresholds: the lowest score of each warning level, a higher level needing a
   * higher score (checked at start-up).
   */
  thresholds: Schema.optional(
    Schema.Array(
      Schema.Struct({ level: Schema.String, minScore: Schema.Number.pipe(Schema.nonNegative(), Schema.finite()) })
    )
  ),
  /** Override the preset's owners and reporting windows, by level. */
  reporting: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.Struct({ owner: Schema.String, window: Window }) })
  ),
  /**
   * How several graders combine: the highest level, or a weighted score — the sum of each grader's score times its
   * weight (weights by grader id, default 1; finite), each factor's contribution weighted alike, a level a grader
   * names kept as a floor. A sum too large for a number refuses the command (`PluginFailed` in `riskPolicy`).
   */
  combine: Schema.optionalWith(
    // the weights first, so that a bad weight is reported by its own field
    Schema.Union(
      Schema.Struct({
        weighted: Schema.Record({
          key: Schema.String,
          value: Schema.Number.pipe(Schema.nonNegative(), Schema.finite())
        })
      }).annotations({ message: () => "\"max\" or { weighted: { <grader id>: a finite non-negative weight } }" }),
      Schema.Literal("max")
    ),
    { default: () => "max" as const }
  ),
  rules: Schema.optionalWith(Rules.RulesConfig, { default: () => Schema.decodeSync(Rules.RulesConfig)({}) }),
  /**
   * By level, escalate a case handled at jurisdiction level `from` up to level `to`, automatically or as advice.
   * Default: suggest escalating a case at the preset's highest level from the village to the township.
   */
  escalation: Schema.optional(
    Schema.Array(Schema.Struct({
      level: Schema.String,
      from: Schema.String,
      to: Schema.String,
      mode: Schema.Literal("automatic", "suggested")
    }))
  ),
  /**
   * The roles that may acknowledge an early warning (a write on the plugin's state). Default: the roles that may
   * issue the risk command `Regrade` under the default policy (`Policy.defaultPermissions`: admin and
   * dispatcher); a centre with other permissions names its own.
   */
  acknowledgeRoles: Schema.optionalWith(Schema.Array(Primitives.Key).pipe(Schema.minItems(1)), {
    default: () => defaultAcknowledgeRoles
  }),
  /**
   * The roles that may prune the incident index after the retention rule was applied (`pruneIncidents`). Default:
   * the roles granted `applyRetention` under the default policy (`Policy.defaultGrants`: admin and archivist).
   */
  retentionRoles: Schema.optionalWith(Schema.Array(Primitives.Key).pipe(Schema.minItems(1)), {
    default: () => Policy.defaultGrants.applyRetention
  }),
  /** The actor the plugin acts as (automatic escalation, re-grading); placed at the centre's root. */
  systemActorId: Schema.optionalWith(Primitives.Id, { default: () => "system:risk" })
}).annotations({ identifier: "RiskConfig" })

/**
 * @since 0.1.0
 * @category models
 */
export type RiskConfig = typeof RiskConfig.Type

/**
 * What {@link riskPlugin} takes.
 *
 * @since 0.1.0
 * @category models
 */
export type RiskOptions = typeof RiskConfig.Encoded

/**
 * The plugin's resolved settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly thresholds: ReadonlyArray<{ readonly level: string; readonly minScore: number }>
  readonly reporting: Readonly<Record<string, Presets.Reporting>>
  readonly escalation: ReadonlyArray<{
    readonly level: string
    readonly from: string
    readonly to: string
    readonly mode: "automatic" | "suggested"
  }>
  readonly rank: (level: string) => number
  readonly levelOf: (score: number) => string
}

/**
 * Resolves thresholds and reporting from the preset and overrides.
 *
 * @since 0.1.0
 * @category utils
 */
export const settings = (config: RiskConfig, centre: CenterConfig.Resolved): Settings => {
  const preset = Presets.presets[config.preset]
  const thresholds = [...(config.thresholds ?? preset.thresholds)].sort((a, b) => b.minScore - a.minScore)
  const tiers = centre.tree.levels.map((l) => l.id)
  const top = thresholds[0]?.level
  return {
    thresholds,
    reporting: { ...preset.reporting, ...config.reporting },
    escalation: config.escalation ??
      (top !== undefined && tiers.includes("village") && tiers.includes("township")
        ? [{ level: top, from: "village", to: "township", mode: "suggested" as const }]
        : []),
    rank: (level) => centre.riskLevels.get(level)?.rank ?? 0,
    levelOf: (score) => thresholds.find((t) => score >= t.minScore)?.level ?? centre.defaultRiskLevel.id
  }
}

/**
 * The problems of a decoded config against the centre's (levels, thresholds, reporting, escalation, categories),
 * each naming its field; `options` is what the installer gave (categories are checked as given, not defaulted).
 * @internal
 */
export const validate = (
  config: RiskConfig,
  centre: CenterConfig.Resolved,
  options: RiskOptions
): Array<{ field: string; expected: string }> => {
  const problems: Array<{ field: string; expected: string }> = []
  const levels = [...centre.riskLevels.keys()].join(", ")
  const s = settings(config, centre)
  // by the index the user gave (settings sorts them by score)
  const given = config.thresholds ?? Presets.presets[config.preset].thresholds
  const field = (i: number, name: string) => config.thresholds === undefined ? "preset" : `thresholds.${i}.${name}`
  given.forEach((t, i) => {
    if (!centre.riskLevels.has(t.level)) {
      problems.push({
        field: field(i, "level"),
        expected: `a risk level of the centre (${levels}); put the preset's levels in the centre's riskLevels`
      })
      return
    }
    const twice = given.findIndex((u) => u.level === t.level)
    if (twice < i) {
      problems.push({ field: field(i, "level"), expected: `a level not given before (thresholds.${twice})` })
      return
    }
    // a higher level needs a higher score, or a higher score would give a lower level
    const lower = given.reduce<number | undefined>(
      (top, u, j) =>
        centre.riskLevels.has(u.level) && s.rank(u.level) < s.rank(t.level) &&
          (top === undefined || u.minScore > given[top]!.minScore)
          ? j
          : top,
      undefined
    )
    if (lower !== undefined && given[lower]!.minScore >= t.minScore) {
      const u = given[lower]!
      problems.push({
        field: field(i, "minScore"),
        expected: `more than ${u.minScore}, the minScore of the lower level "${u.level}" (thresholds.${lower})`
      })
    }
  })
  for (const level of Object.keys(s.reporting)) {
    if (!centre.riskLevels.has(level) && config.reporting?.[level] !== undefined) {
      problems.push({ field: `reporting.${level}`, expected: `a risk level of the centre (${levels})` })
    }
  }
  const tiers = centre.tree.levels.map((l) => l.id)
  s.escalation.forEach((e, i) => {
    if (!centre.riskLevels.has(e.level)) problems.push({ field: `escalation.${i}.level`, expected: levels })
    if (!tiers.includes(e.from)) problems.push({ field: `escalation.${i}.from`, expected: tiers.join(", ") })
    if (!tiers.includes(e.to) || tiers.indexOf(e.to) >= tiers.indexOf(e.from)) {
      problems.push({ field: `escalation.${i}.to`, expected: `a jurisdiction level above "${e.from}"` })
    }
  })
  // categories given for the rules must be the centre's (a misspelt one would never score); the defaults name
  // the Chinese taxonomy's and are simply unused by a centre without them
  const categories = (options as { readonly rules?: { readonly categories?: unknown } } | null)?.rules?.categories
  if (typeof categories === "object" && categories !== null) {
    for (const key of Object.keys(categories)) {
      if (!centre.categories.has(key)) {
        problems.push({
          field: `rules.categories.${key}`,
          expected: `a category of the centre (${[...centre.categories.keys()].slice(0, 5).join(", ")} …)`
        })
      }
    }
  }
  return problems
}
