/**
 * A third-party risk grader: domestic violence (家暴风险). Marriage and family disputes are the most frequent
 * civil disputes to turn criminal (民转刑); signs of violence in the texts of such a case, a woman or a minor among
 * the parties, and a protection order all add to the grade. It is an ordinary plugin: install it next to
 * `riskPlugin()` and the risk plugin's policy combines its grade with the others.
 */
import type { Case, Plugin } from "@fengqiao/core"
import { defineRiskGrader, Rules } from "@fengqiao/plugins-risk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/**
 * The grader's configuration.
 */
export const DomesticViolenceConfig = Schema.Struct({
  /** Words that signal violence at home. */
  signs: Schema.optionalWith(Schema.Array(Schema.String.pipe(Schema.minLength(1))), {
    default: () => ["家暴", "家庭暴力", "打我", "殴打", "掐脖子", "威胁离婚就杀", "人身安全保护令"]
  }),
  perSign: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), { default: () => 20 }),
  maxSigns: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), { default: () => 40 }),
  /** A woman, a minor or an elderly person among the parties of a family dispute. */
  vulnerableInFamily: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), { default: () => 15 }),
  /** The categories it looks at. */
  categories: Schema.optionalWith(Schema.Array(Schema.String), { default: () => ["marriageFamily"] })
})

export type DomesticViolenceOptions = typeof DomesticViolenceConfig.Encoded

/**
 * Grades a case: pure, so it is easy to test on its own.
 */
export const grade = (config: typeof DomesticViolenceConfig.Type, c: Case.Case) => {
  const factors: Array<Case.RiskFactor> = []
  if (c.category === undefined || !config.categories.includes(c.category)) return { score: 0, factors }
  const text = Rules.textsOf(c).join("\n")
  const signs = config.signs.filter((s) => text.includes(s))
  const fromSigns = Math.min(config.maxSigns, signs.length * config.perSign)
  if (fromSigns > 0) factors.push({ id: "violenceSigns", contribution: fromSigns, detail: signs.join("、") })
  const vulnerable = c.parties.some((p) =>
    p._tag === "Person" &&
    (p.sex === "female" || (p.vulnerabilities ?? []).some((v) => v === "minor" || v === "elderly"))
  )
  if (vulnerable && fromSigns > 0) factors.push({ id: "vulnerableInFamily", contribution: config.vulnerableInFamily })
  return { score: factors.reduce((n, f) => n + f.contribution, 0), factors }
}

/**
 * The plugin: install with `domesticViolence()` (or with options).
 */
export const domesticViolence = (
  options: DomesticViolenceOptions = {}
): Plugin.Plugin<"domestic-violence", typeof DomesticViolenceConfig.Type, DomesticViolenceOptions, Plugin.NoApi> =>
  defineRiskGrader({
    id: "domestic-violence",
    version: "1.0.0",
    dependsOn: ["risk"],
    config: DomesticViolenceConfig,
    options,
    triggers: ["Registered", "Assessed", "MediationSessionRecorded", "FollowUpRecorded", "RegradeRequested"],
    grade: (ctx) => Effect.succeed(grade(ctx.config, ctx.case))
  })
