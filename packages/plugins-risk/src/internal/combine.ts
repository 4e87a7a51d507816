/**
 * How the risk plugin combines the grades of every grader into the case's risk (its risk policy): each grade
 * checked first, then the highest level or a weighted score.
 * @internal
 */
import type { Case, CenterConfig, Grading } from "@fengqiao/core"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { type RiskConfig, settings } from "./config.js"

/**
 * A grade the risk plugin's policy refuses: a score or contribution that is negative (it would cancel what other
 * graders found, a red among them) or not finite (JSON cannot hold it), or a level the centre does not have. The
 * centre reports it as the risk plugin's `PluginFailed` in `riskPolicy`, whose reason names the grader and field;
 * the command is not recorded.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidGrade extends Schema.TaggedError<InvalidGrade>("@fengqiao/plugins-risk/InvalidGrade")(
  "InvalidGrade",
  { grader: Schema.String, field: Schema.String, expected: Schema.String },
  { identifier: "InvalidGrade" }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `grader ${this.grader} gave an invalid grade: ${this.field} must be ${this.expected}`
  }
}

const Amount = Schema.Number.pipe(Schema.nonNegative(), Schema.finite())

/** What a grade must be for the policy to combine it. */
const ValidGrade = Schema.Struct({
  score: Amount,
  level: Schema.optional(Schema.String),
  factors: Schema.Array(
    Schema.Struct({ id: Schema.String, contribution: Amount, detail: Schema.optional(Schema.String) })
  )
})

const decodeGrade = ParseResult.decodeUnknownEither(ValidGrade)

/**
 * Checks a grader's grade: a finite, non-negative score and contributions, a text `detail` where a factor has one,
 * and a level of the centre if it names one.
 *
 * @since 0.1.0
 * @category utils
 */
export const checkGrade = (
  grader: string,
  grade: Grading.Grade,
  centre: CenterConfig.Resolved
): InvalidGrade | undefined => {
  const decoded = decodeGrade(grade)
  if (Either.isLeft(decoded)) {
    const issue = ParseResult.ArrayFormatter.formatIssueSync(decoded.left)[0]
    return new InvalidGrade({
      grader,
      field: issue?.path.map(String).join(".") || "(root)",
      expected: issue === undefined
        ? "a grade"
        : issue.message.startsWith("Expected ")
        ? issue.message.slice("Expected ".length)
        : issue.message
    })
  }
  if (grade.level !== undefined && !centre.riskLevels.has(grade.level)) {
    return new InvalidGrade({
      grader,
      field: "level",
      expected: `a risk level of the centre (${[...centre.riskLevels.keys()].join(", ")}), not "${grade.level}"`
    })
  }
  return undefined
}

/**
 * The risk plugin's policy: a bad grade is refused (thrown, so that the centre reports a `PluginFailed` in
 * `riskPolicy`), the others combined by `combine`; a level set by hand at assessment is never lowered.
 * @internal
 */
export const combine: Grading.Policy<RiskConfig> = (grades, ctx) => {
  // a bad grade is refused, not combined: a negative score must not cancel another grader's level
  for (const g of grades) {
    const invalid = checkGrade(g.grader, g.grade, ctx.centre)
    if (invalid !== undefined) throw invalid
  }
  const s = settings(ctx.config, ctx.centre)
  const levelled = grades.map((g) => ({ ...g, level: g.grade.level ?? s.levelOf(g.grade.score) }))
  // a factor as the case keeps it: only its own fields (a grader's object may carry others)
  const factorOf = (f: Grading.Grade["factors"][number], grader: string, contribution = f.contribution) => ({
    id: f.id,
    contribution,
    ...(f.detail === undefined ? {} : { detail: f.detail }),
    grader
  })
  let risk: Case.Risk | undefined
  const combine = ctx.config.combine
  if (combine === "max") {
    const top = levelled.reduce<(typeof levelled)[number] | undefined>(
      (best, g) =>
        best === undefined || s.rank(g.level) > s.rank(best.level) ||
          (s.rank(g.level) === s.rank(best.level) && g.grade.score > best.grade.score)
          ? g
          : best,
      undefined
    )
    if (top !== undefined) {
      risk = {
        level: top.level,
        score: top.grade.score,
        factors: top.grade.factors.map((f) => factorOf(f, top.grader)),
        source: "grader"
      }
    }
  } else {
    // by the grader's id (`risk/rules`, `night`), its last part (`rules`), or the doubled id a grader named like
    // its plugin had before (`night/night`)
    const weight = (g: string) =>
      combine.weighted[g] ?? combine.weighted[g.split("/").pop() ?? g] ??
        (g.includes("/") ? undefined : combine.weighted[`${g}/${g}`]) ?? 1
    // each grader's score, weighted (its factors explain it, weighted alike): a grader that gives a score
    // without factors counts all the same
    const score = levelled.reduce((n, g) => n + g.grade.score * weight(g.grader), 0)
    const factors = grades.flatMap((g) =>
      g.grade.factors.map((f) => factorOf(f, g.grader, f.contribution * weight(g.grader)))
    )
    if (!Number.isFinite(score) || factors.some((f) => !Number.isFinite(f.contribution))) {
      throw new InvalidGrade({
        grader: "combine.weighted",
        field: "score",
        expected: "a finite number: the weighted grades add up beyond what a number can hold"
      })
    }
    // a level a grader names is a floor, as under "max": the weighted score may raise it, never lower it
    const named = levelled.filter((g) => g.grade.level !== undefined).map((g) => g.level)
    const level = named.reduce((top, l) => (s.rank(l) > s.rank(top) ? l : top), s.levelOf(score))
    risk = { level, score, factors, source: "grader" }
  }
  // a level set by hand at assessment is never lowered by the graders
  if (
    risk === undefined || (ctx.case.risk.source === "manual" && s.rank(ctx.case.risk.level) >= s.rank(risk.level))
  ) {
    return undefined
  }
  return risk
}
