/**
 * The rule-based grader (规则研判): factors and weights are configuration; every grade explains itself — each
 * factor with its contribution, and the contributions add up to the score. Factors, with their defaults:
 *
 * - repeat incidents (重复来访/警情): other cases of the same person (by ID number), phone or address within 90
 *   days, 10 each up to 30; prior police (110) referrals among them, 15 each up to 30; this case referred by the
 *   police, 10;
 * - threat words (扬言) in the description, session summaries and follow-up notes: 25 per distinct word, up to 50;
 * - people involved (群体性): 10 from 5, 25 from 30, 60 from 100 (a possible mass incident, 群体性事件: red on
 *   its own, as local schemes grade it);
 * - vulnerable parties (弱势群体): 10;
 * - money at stake: 10 from ¥100 000, 20 from ¥1 000 000;
 * - category: marriage and family 15, homestead 15 (the top triggers of civil disputes turning criminal, 民转刑),
 *   land expropriation 10, unpaid wages 10, forest and land 10, neighbours 5;
 * - failed or rebounded mediation: 10 per failed session, 10 for a refusal, 20 per rebound, up to 40;
 * - cross-department (跨部门): assisting units, a joint consultation or a summons, 10.
 *
 * All contributions are non-negative, so adding a factor never lowers the score, and levels come from score
 * thresholds, so never the level either.
 *
 * @since 0.1.0
 */
import type { Case } from "@fengqiao/core"
import * as Schema from "effect/Schema"

const Score = Schema.Number.pipe(Schema.nonNegative(), Schema.finite())

const compact = (s: string) => s.replace(/[\s\u3000]+/g, "")

/** A threat word: white space is ignored when matching, so a word of white space alone would match every text. */
const ThreatWord = Schema.String.pipe(
  Schema.maxLength(20),
  Schema.filter((w) => compact(w).length > 0, {
    message: () => "a word with at least one character that is not white space"
  })
)

const Band = Schema.Struct({ atLeast: Schema.Number.pipe(Schema.nonNegative()), score: Score })

const repeatDefaults = {
  withinDays: 90,
  perIncident: 10,
  max: 30,
  perPoliceReferral: 15,
  maxPoliceReferrals: 30,
  thisCaseFromPolice: 10
}

const threatDefaults: { readonly words: ReadonlyArray<string>; readonly perWord: number; readonly max: number } = {
  words: [
    "扬言",
    "报复",
    "自杀",
    "轻生",
    "跳楼",
    "喝农药",
    "同归于尽",
    "杀了他",
    "杀了你",
    "杀了她",
    "杀人",
    "砍死",
    "放火",
    "炸药",
    "炸死",
    "炸掉",
    "拼命",
    "进京",
    "上访",
    "闹事",
    "堵路"
  ],
  perWord: 25,
  max: 50
}

/**
 * The rule grader's configuration (every field has a default).
 *
 * @since 0.1.0
 * @category schemas
 */
export const RulesConfig = Schema.Struct({
  repeat: Schema.optionalWith(
    Schema.Struct({
      withinDays: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 3650)), {
        default: () => repeatDefaults.withinDays
      }),
      perIncident: Schema.optionalWith(Score, { default: () => repeatDefaults.perIncident }),
      max: Schema.optionalWith(Score, { default: () => repeatDefaults.max }),
      perPoliceReferral: Schema.optionalWith(Score, { default: () => repeatDefaults.perPoliceReferral }),
      maxPoliceReferrals: Schema.optionalWith(Score, { default: () => repeatDefaults.maxPoliceReferrals }),
      thisCaseFromPolice: Schema.optionalWith(Score, { default: () => repeatDefaults.thisCaseFromPolice })
    }),
    { default: () => ({ ...repeatDefaults }) }
  ),
  threatWords: Schema.optionalWith(
    Schema.Struct({
      words: Schema.optionalWith(Schema.Array(ThreatWord).pipe(Schema.maxItems(500)), {
        default: () => threatDefaults.words
      }),
      perWord: Schema.optionalWith(Score, { default: () => threatDefaults.perWord }),
      max: Schema.optionalWith(Score, { default: () => threatDefaults.max })
    }),
    { default: () => ({ ...threatDefaults }) }
  ),
  headcount: Schema.optionalWith(Schema.Array(Band), {
    default: () => [{ atLeast: 5, score: 10 }, { atLeast: 30, score: 25 }, { atLeast: 100, score: 60 }]
  }),
  vulnerable: Schema.optionalWith(Score, { default: () => 10 }),
  amount: Schema.optionalWith(Schema.Array(Band), {
    default: () => [{ atLeast: 100_000, score: 10 }, { atLeast: 1_000_000, score: 20 }]
  }),
  categories: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Score }), {
    default: () => ({
      marriageFamily: 15,
      housingHomestead: 15,
      landExpropriation: 10,
      labourWages: 10,
      forestLand: 10,
      neighbourhood: 5
    })
  }),
  mediation: Schema.optionalWith(
    Schema.Struct({ perFailedSession: Score, refused: Score, perRebound: Score, max: Score }),
    { default: () => ({ perFailedSession: 10, refused: 10, perRebound: 20, max: 40 }) }
  ),
  crossDepartment: Schema.optionalWith(Score, { default: () => 10 })
}).annotations({ identifier: "RiskRules" })

/**
 * @since 0.1.0
 * @category models
 */
export type RulesConfig = typeof RulesConfig.Type

/**
 * Another case of one of the same people, phones or addresses.
 *
 * @since 0.1.0
 * @category models
 */
export interface Incident {
  readonly caseId: string
  readonly at: string
  readonly channel: string
}

/**
 * The factors of a grade, each with its contribution; the contributions add up to `score`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Graded {
  readonly score: number
  readonly factors: ReadonlyArray<Case.RiskFactor>
}

const band = (bands: ReadonlyArray<{ readonly atLeast: number; readonly score: number }>, value: number): number =>
  bands.reduce((best, b) => (value >= b.atLeast && b.score > best ? b.score : best), 0)

/**
 * The texts of a case the threat words are looked for in.
 *
 * @since 0.1.0
 * @category utils
 */
export const textsOf = (c: Case.Case): ReadonlyArray<string> => [
  c.description,
  ...c.sessions.flatMap((s) => (s.summary === undefined ? [] : [s.summary])),
  ...c.followUps.flatMap((f) => (f.note === undefined ? [] : [f.note])),
  ...c.consultations.flatMap((x) => (x.conclusion === undefined ? [] : [x.conclusion]))
]

/**
 * Whether a time lies within `repeat.withinDays` either side of `at` (both ends included): the window of repeat
 * incidents, for grading and for finding the cases a new incident may raise.
 *
 * @since 0.1.0
 * @category grading
 */
export const withinRepeatWindow = (rules: RulesConfig, at: string): (time: string) => boolean => {
  const window = rules.repeat.withinDays * 86_400_000
  const centre = Date.parse(at)
  return (time) => Math.abs(Date.parse(time) - centre) <= window
}

/**
 * Grades a case by the rules. Pure: the same case, incidents and time always give the same grade.
 * `incidents` are the other cases of the same people, phones or addresses (any time; the window of
 * `repeat.withinDays` is applied here, either side of `at`: cases entered later with earlier times, a backlog,
 * count only when they fall inside it).
 *
 * @since 0.1.0
 * @category grading
 */
export const grade = (
  rules: RulesConfig,
  c: Case.Case,
  incidents: ReadonlyArray<Incident>,
  at: string
): Graded => {
  const factors: Array<Case.RiskFactor> = []
  const add = (id: string, contribution: number, detail?: string) => {
    if (contribution > 0) factors.push(detail === undefined ? { id, contribution } : { id, contribution, detail })
  }
  const near = withinRepeatWindow(rules, at)
  const recent = new Map<string, Incident>()
  for (const i of incidents) {
    // within the window either side of the grading time: later incidents (a case graded again after them) count,
    // as long as they are inside it
    if (i.caseId !== c.id && near(i.at)) recent.set(i.caseId, i)
  }
  // the other cases may lie anywhere in the centre, outside the jurisdiction of whoever reads this case: the
  // grade counts them (it is the centre's), the texts say neither how many nor where they are
  add(
    "repeatIncidents",
    Math.min(rules.repeat.max, recent.size * rules.repeat.perIncident),
    `other cases of the same people, phones or addresses within ${rules.repeat.withinDays} days`
  )
  const police = [...recent.values()].filter((i) => i.channel === "policeReferral").length
  add(
    "policeReferrals",
    Math.min(rules.repeat.maxPoliceReferrals, police * rules.repeat.perPoliceReferral),
    "prior police referrals among them"
  )
  if (c.channel === "policeReferral") add("fromPolice", rules.repeat.thisCaseFromPolice)
  const text = compact(textsOf(c).join("\n"))
  const found = [...new Set(rules.threatWords.words)].filter((w) => text.includes(compact(w)))
  add("threatWords", Math.min(rules.threatWords.max, found.length * rules.threatWords.perWord), found.join("、"))
  add("headcount", band(rules.headcount, c.headcount), `${c.headcount} people`)
  const vulnerable = c.parties.some((p) => p._tag === "Person" && (p.vulnerabilities?.length ?? 0) > 0)
  if (vulnerable) add("vulnerableParties", rules.vulnerable)
  if (c.amountAtStake !== undefined) add("amountAtStake", band(rules.amount, c.amountAtStake), `¥${c.amountAtStake}`)
  if (c.category !== undefined) add("category", rules.categories[c.category] ?? 0, c.category)
  const failed = c.sessions.filter((s) => s.result === "failed").length
  const refused = c.sessions.some((s) => s.result === "partyRefused")
  add(
    "mediationFailures",
    Math.min(
      rules.mediation.max,
      failed * rules.mediation.perFailedSession + (refused ? rules.mediation.refused : 0) +
        c.reopenCount * rules.mediation.perRebound
    ),
    `${failed} failed session(s), ${c.reopenCount} rebound(s)${refused ? ", refused" : ""}`
  )
  const cross = c.assistingUnits.length > 0 || c.consultations.length > 0 || c.summons.length > 0
  if (cross) add("crossDepartment", rules.crossDepartment)
  return { score: factors.reduce((n, f) => n + f.contribution, 0), factors }
}
