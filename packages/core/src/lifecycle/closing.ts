/**
 * Closing (结案): judicial confirmation of an agreement, feedback to the applicant, the follow-up visit (a rebound
 * reopens the case), the archive — and the applicant's withdrawal, which ends a case at any open stage.
 *
 * @since 0.3.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { openStatuses, Rating } from "../Case.js"
import { Deadline } from "../Deadline.js"
import { Key, Note, optionalField } from "../Primitives.js"
import { defineCommand, onCase, opt } from "./define.js"
import {
  judicialWindowDue,
  latestOf,
  moved,
  ok,
  recorded,
  startDeadline,
  surelyInJudicialWindow,
  withDeadline,
  without
} from "./shared.js"
import { bad } from "./shared.js"

/**
 * 申请司法确认: the parties ask a court to confirm a people's-mediation agreement (within 30 days of it taking
 * effect by default).
 *
 * @since 0.1.0
 * @category commands
 */
export const RequestJudicialConfirmation = Schema.TaggedStruct("RequestJudicialConfirmation", {
  ...onCase,
  court: Key,
  note: optionalField(Note)
}).annotations({ identifier: "RequestJudicialConfirmation" })

/**
 * @since 0.1.0
 * @category events
 */
export const JudicialConfirmationRequested = Schema.TaggedStruct("JudicialConfirmationRequested", {
  court: Key,
  note: opt(Note)
})

/**
 * 申请司法确认.
 *
 * @since 0.3.0
 * @category definitions
 */
export const requestJudicialConfirmation = defineCommand({
  command: RequestJudicialConfirmation,
  events: [JudicialConfirmationRequested],
  row: { from: ["closed", "feedbackGiven"], to: ["unchanged"] },
  guards: ["actorIsLeadUnit", "judicialConfirmationEligible", "courtIsCourt"],
  decide: (ctx, s, c) => {
    const { config } = ctx
    if (!config.departments.has(c.court)) return bad("court", `a configured department (${c.court} is unknown)`)
    const due = judicialWindowDue(config, s)
    if (Either.isLeft(due) && !surelyInJudicialWindow(config, s, latestOf(ctx.at, ctx.now))) {
      return Either.left(due.left)
    }
    return ok({
      _tag: "JudicialConfirmationRequested" as const,
      court: c.court,
      ...(c.note !== undefined ? { note: c.note } : {})
    })
  },
  evolve: {
    JudicialConfirmationRequested: (s, env) => {
      const e = env.event
      const n = recorded(s, env)
      n.judicialConfirmation = e.note !== undefined
        ? { court: e.court, note: e.note, requestedAt: env.at }
        : { court: e.court, requestedAt: env.at }
      return n
    }
  },
  labels: {
    "zh-Hans": "申请司法确认",
    "zh-Hant": "申請司法確認",
    en: "Request judicial confirmation",
    ko: "사법확인 신청"
  },
  permissions: ["handler"]
})

/**
 * 反馈评价: tell the applicant the result and record the rating.
 *
 * @since 0.1.0
 * @category commands
 */
export const GiveFeedback = Schema.TaggedStruct("GiveFeedback", {
  ...onCase,
  rating: Rating,
  comment: optionalField(Note)
}).annotations({ identifier: "GiveFeedback" })

/**
 * @since 0.1.0
 * @category events
 */
export const FeedbackGiven = Schema.TaggedStruct("FeedbackGiven", { rating: Rating, comment: opt(Note) })

/**
 * 反馈评价.
 *
 * @since 0.3.0
 * @category definitions
 */
export const giveFeedback = defineCommand({
  command: GiveFeedback,
  events: [FeedbackGiven],
  row: { from: ["closed"], to: ["feedbackGiven"] },
  guards: [],
  decide: (_ctx, _s, c) =>
    ok({
      _tag: "FeedbackGiven" as const,
      rating: c.rating,
      ...(c.comment !== undefined ? { comment: c.comment } : {})
    }),
  evolve: {
    FeedbackGiven: (s, env) => {
      const e = env.event
      const n = moved(s, env, "feedbackGiven")
      n.feedback = e.comment !== undefined
        ? { rating: e.rating, comment: e.comment, at: env.at }
        : { rating: e.rating, at: env.at }
      n.feedbackAt = env.at
      return n
    }
  },
  labels: { "zh-Hans": "反馈评价", "zh-Hant": "反饋評價", en: "Give feedback", ko: "피드백·평가" },
  permissions: ["followUp"]
})

/**
 * 回访: a follow-up visit. A rebound (反弹) reopens the case.
 *
 * @since 0.1.0
 * @category commands
 */
export const RecordFollowUp = Schema.TaggedStruct("RecordFollowUp", {
  ...onCase,
  result: Schema.Literal("stable", "rebound"),
  note: optionalField(Note)
}).annotations({ identifier: "RecordFollowUp" })

/**
 * @since 0.1.0
 * @category events
 */
export const FollowUpRecorded = Schema.TaggedStruct("FollowUpRecorded", {
  result: Schema.Literal("stable", "rebound"),
  note: opt(Note)
})

/**
 * A rebound found at follow-up reopens the case: back to handling by the same lead unit, outcome cleared and
 * the handling deadline restarted.
 *
 * @since 0.1.0
 * @category events
 */
export const Reopened = Schema.TaggedStruct("Reopened", {
  reason: Schema.Literal("rebound"),
  handlingDeadline: opt(Deadline)
})

/**
 * 回访. A rebound records `Reopened` after `FollowUpRecorded`.
 *
 * @since 0.3.0
 * @category definitions
 */
export const recordFollowUp = defineCommand({
  command: RecordFollowUp,
  events: [FollowUpRecorded, Reopened],
  row: { from: ["feedbackGiven"], to: ["unchanged", "handling"] },
  guards: [],
  decide: (ctx, s, c) => {
    const followUp = {
      _tag: "FollowUpRecorded" as const,
      result: c.result,
      ...(c.note !== undefined ? { note: c.note } : {})
    }
    if (c.result === "stable") return ok(followUp)
    return Either.map(
      startDeadline(ctx.config, "handling", s, ctx.at),
      (
        d
      ) => [followUp, { _tag: "Reopened" as const, reason: "rebound" as const, ...withDeadline("handlingDeadline", d) }]
    )
  },
  evolve: {
    FollowUpRecorded: (s, env) => {
      const e = env.event
      const n = recorded(s, env)
      n.followUps = [
        ...s.followUps,
        e.note !== undefined ? { result: e.result, note: e.note, at: env.at } : { result: e.result, at: env.at }
      ]
      return n
    },
    Reopened: (s, env) => {
      const e = env.event
      const n = without(
        moved(s, env, "handling"),
        "outcome",
        "closedAt",
        "feedback",
        "feedbackAt",
        "judicialConfirmation"
      )
      n.reopenCount = s.reopenCount + 1
      // the agreement's window went with the outcome; a new outcome fixes its own
      const { judicialConfirmation: _, ...deadlines } = s.deadlines
      n.deadlines = e.handlingDeadline !== undefined ? { ...deadlines, handling: e.handlingDeadline } : deadlines
      return n
    }
  },
  labels: { "zh-Hans": "回访", "zh-Hant": "回訪", en: "Record follow-up visit", ko: "사후 방문" },
  permissions: ["followUp"]
})

/**
 * 归档销号: close the file for good.
 *
 * @since 0.1.0
 * @category commands
 */
export const Archive = Schema.TaggedStruct("Archive", onCase).annotations({ identifier: "Archive" })

/**
 * @since 0.1.0
 * @category events
 */
export const Archived = Schema.TaggedStruct("Archived", {})

/**
 * 归档销号.
 *
 * @since 0.3.0
 * @category definitions
 */
export const archive = defineCommand({
  command: Archive,
  events: [Archived],
  row: { from: ["feedbackGiven", "rejected", "merged", "withdrawn"], to: ["archived"] },
  guards: ["noPendingSupervision"],
  decide: () => ok({ _tag: "Archived" as const }),
  evolve: {
    Archived: (s, env) => {
      const n = moved(s, env, "archived")
      n.archivedAt = env.at
      return n
    }
  },
  labels: { "zh-Hans": "归档销号", "zh-Hant": "歸檔銷號", en: "Archive", ko: "보관·종결" },
  permissions: ["archivist"]
})

/**
 * 撤回: the applicant withdraws the case.
 *
 * @since 0.1.0
 * @category commands
 */
export const Withdraw = Schema.TaggedStruct("Withdraw", { ...onCase, reason: Note }).annotations({
  identifier: "Withdraw"
})

/**
 * @since 0.1.0
 * @category events
 */
export const Withdrawn = Schema.TaggedStruct("Withdrawn", { reason: Note })

/**
 * 撤回.
 *
 * @since 0.3.0
 * @category definitions
 */
export const withdraw = defineCommand({
  command: Withdraw,
  events: [Withdrawn],
  row: { from: openStatuses, to: ["withdrawn"] },
  guards: [],
  decide: (_ctx, _s, c) => ok({ _tag: "Withdrawn" as const, reason: c.reason }),
  evolve: {
    Withdrawn: (s, env) => {
      const n = moved(s, env, "withdrawn")
      n.withdrawal = { reason: env.event.reason }
      return n
    }
  },
  labels: { "zh-Hans": "撤回", "zh-Hant": "撤回", en: "Withdraw", ko: "철회" },
  permissions: ["intake"]
})

/**
 * The commands of closing, in lifecycle order.
 *
 * @since 0.3.0
 * @category definitions
 */
export const closing = [requestJudicialConfirmation, giveFeedback, recordFollowUp, archive, withdraw] as const
