/**
 * Supervision (监督): the centre's oversight of its cases — risk re-grading (and the graders' verdict), deadlines
 * counted again after a holiday notice, and supervision orders (督办) with their answers.
 *
 * @since 0.3.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { openStatuses, Risk, type Status } from "../Case.js"
import { Basis, DeadlineClock } from "../Deadline.js"
import { GuardFailed } from "../Errors.js"
import { recomputedChanges } from "../internal/recompute.js"
import { Id, Note, optionalField, Timestamp, TimestampInput } from "../Primitives.js"
import { defineCommand, defineEvent, onCase, opt } from "./define.js"
import { ok, recorded, withBasis } from "./shared.js"

const ENDED_NOT_ARCHIVED: ReadonlyArray<Status> = ["closed", "feedbackGiven", "rejected", "merged", "withdrawn"]

/**
 * 风险复评: ask the risk graders to grade an open case again (e.g. a new incident about the same person arrived).
 * Records the request; the graders' verdict follows as `RiskGraded` when the grade changes.
 *
 * @since 0.1.0
 * @category commands
 */
export const Regrade = Schema.TaggedStruct("Regrade", { ...onCase, reason: Note }).annotations({
  identifier: "Regrade"
})

/**
 * Someone (or a plugin) asked for the case to be graded again.
 *
 * @since 0.1.0
 * @category events
 */
export const RegradeRequested = Schema.TaggedStruct("RegradeRequested", { reason: Note })

/**
 * 风险复评.
 *
 * @since 0.3.0
 * @category definitions
 */
export const regrade = defineCommand({
  command: Regrade,
  events: [RegradeRequested],
  row: { from: openStatuses, to: ["unchanged"] },
  guards: [],
  decide: (_ctx, _s, c) => ok({ _tag: "RegradeRequested" as const, reason: c.reason }),
  evolve: { RegradeRequested: (s, env) => recorded(s, env) },
  labels: { "zh-Hans": "风险复评", "zh-Hant": "風險複評", en: "Re-grade risk", ko: "위험 재평가" },
  permissions: ["dispatcher"]
})

/**
 * The risk graders (plugins) graded the case again after a command changed one of its factors.
 *
 * @since 0.1.0
 * @category events
 */
export const RiskGraded = Schema.TaggedStruct("RiskGraded", { risk: Risk })

/**
 * `RiskGraded` belongs to no command: the plugin host records it after any command whose risk factors changed.
 *
 * @since 0.3.0
 * @category definitions
 */
export const riskGraded = defineEvent({
  event: RiskGraded,
  evolve: (s, env) => {
    const n = recorded(s, env)
    n.risk = env.event.risk
    return n
  }
})

/**
 * 时限重算: count the case's running deadlines again on the centre's calendar as it now is — after an official
 * holiday notice replaced the prediction they were counted on. Refused (guard `deadlinesMoved`) when nothing moves;
 * `Center.recomputeDeadlines` sends it to every case that needs it.
 *
 * @since 0.2.0
 * @category commands
 */
export const RecomputeCaseDeadlines = Schema.TaggedStruct("RecomputeCaseDeadlines", {
  ...onCase,
  reason: optionalField(Note)
}).annotations({ identifier: "RecomputeCaseDeadlines" })

/**
 * Running deadlines counted again on the calendar as it now is (时限重算), after an official holiday notice replaced
 * the prediction they were counted on: each change with the old and new due instants and the new basis.
 *
 * @since 0.2.0
 * @category events
 */
export const DeadlinesRecomputed = Schema.TaggedStruct("DeadlinesRecomputed", {
  calendar: Schema.String,
  changes: Schema.NonEmptyArray(Schema.Struct({
    deadline: DeadlineClock,
    previousDueAt: Timestamp,
    dueAt: Timestamp,
    basis: Basis,
    latestDueAt: opt(Timestamp)
  }))
})

/**
 * 时限重算.
 *
 * @since 0.3.0
 * @category definitions
 */
export const recomputeCaseDeadlines = defineCommand({
  command: RecomputeCaseDeadlines,
  events: [DeadlinesRecomputed],
  row: { from: [...openStatuses, "closed", "feedbackGiven"], to: ["unchanged"] },
  guards: ["deadlinesMoved"],
  decide: (ctx, s, c) => {
    const [first, ...rest] = recomputedChanges(ctx.config, s)
    // the guard deadlinesMoved has refused a case where nothing moves
    return first === undefined
      ? Either.left(
        new GuardFailed({
          caseId: s.id,
          state: s.status,
          command: c._tag,
          guard: "deadlinesMoved",
          reason: "no running deadline moves on the calendar as it now is"
        })
      )
      : ok({ _tag: "DeadlinesRecomputed" as const, calendar: ctx.config.calendar.id, changes: [first, ...rest] })
  },
  evolve: {
    DeadlinesRecomputed: (s, env) => {
      const n = recorded(s, env)
      const deadlines = { ...s.deadlines }
      for (const c of env.event.changes) {
        const d = deadlines[c.deadline]
        if (d !== undefined) deadlines[c.deadline] = { ...withBasis(d, c), dueAt: c.dueAt }
      }
      n.deadlines = deadlines
      return n
    }
  },
  labels: { "zh-Hans": "时限重算", "zh-Hant": "時限重算", en: "Recompute deadlines", ko: "기한 재계산" },
  permissions: ["supervisor"]
})

/**
 * 督办: issue a supervision order (a reminder, a warning or an order) on an open case, due at a time.
 *
 * @since 0.1.0
 * @category commands
 */
export const IssueSupervision = Schema.TaggedStruct("IssueSupervision", {
  ...onCase,
  orderId: optionalField(Id),
  level: Schema.Literal("reminder", "warning", "order"),
  dueAt: TimestampInput,
  note: Note
}).annotations({ identifier: "IssueSupervision" })

/**
 * @since 0.1.0
 * @category events
 */
export const SupervisionIssued = Schema.TaggedStruct("SupervisionIssued", {
  orderId: Id,
  level: Schema.Literal("reminder", "warning", "order"),
  dueAt: Timestamp,
  note: Note
})

/**
 * 督办.
 *
 * @since 0.3.0
 * @category definitions
 */
export const issueSupervision = defineCommand({
  command: IssueSupervision,
  events: [SupervisionIssued],
  row: { from: openStatuses, to: ["unchanged"] },
  guards: ["orderIdUnique", "orderDueAfterIssue"],
  decide: (ctx, _s, c) =>
    ok({
      _tag: "SupervisionIssued" as const,
      orderId: c.orderId ?? ctx.commandId,
      level: c.level,
      dueAt: c.dueAt,
      note: c.note
    }),
  evolve: {
    SupervisionIssued: (s, env) => {
      const e = env.event
      const n = recorded(s, env)
      n.supervision = [...s.supervision, {
        orderId: e.orderId,
        level: e.level,
        note: e.note,
        issuedBy: env.actor.id,
        issuedAt: env.at,
        dueAt: e.dueAt
      }]
      return n
    }
  },
  labels: { "zh-Hans": "督办", "zh-Hant": "督辦", en: "Issue supervision", ko: "독촉 지시" },
  permissions: ["supervisor"]
})

/**
 * 督办回复: answer a supervision order.
 *
 * @since 0.1.0
 * @category commands
 */
export const AnswerSupervision = Schema.TaggedStruct("AnswerSupervision", {
  ...onCase,
  orderId: Id,
  answer: Note
}).annotations({ identifier: "AnswerSupervision" })

/**
 * @since 0.1.0
 * @category events
 */
export const SupervisionAnswered = Schema.TaggedStruct("SupervisionAnswered", { orderId: Id, answer: Note })

/**
 * 督办回复.
 *
 * @since 0.3.0
 * @category definitions
 */
export const answerSupervision = defineCommand({
  command: AnswerSupervision,
  events: [SupervisionAnswered],
  row: { from: [...openStatuses, ...ENDED_NOT_ARCHIVED], to: ["unchanged"] },
  guards: ["actorIsLeadUnit", "orderPending"],
  decide: (_ctx, _s, c) => ok({ _tag: "SupervisionAnswered" as const, orderId: c.orderId, answer: c.answer }),
  evolve: {
    SupervisionAnswered: (s, env) => {
      const e = env.event
      const n = recorded(s, env)
      n.supervision = s.supervision.map((o) =>
        o.orderId === e.orderId ? { ...o, answeredAt: env.at, answer: e.answer } : o
      )
      return n
    }
  },
  labels: { "zh-Hans": "督办回复", "zh-Hant": "督辦回覆", en: "Answer supervision", ko: "독촉 회신" },
  permissions: ["handler"]
})

/**
 * The commands of supervision, in lifecycle order, with the event no command owns (`RiskGraded`) after `Regrade`.
 *
 * @since 0.3.0
 * @category definitions
 */
export const supervision = [regrade, riskGraded, recomputeCaseDeadlines, issueSupervision, answerSupervision] as const
