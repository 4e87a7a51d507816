/**
 * Commands: what actors ask the centre to do. Each carries the actor, an optional command id (a repeated id gives
 * the first result again: idempotency), an optional time (the centre's clock otherwise) and an optional
 * correlation id. Commands are plain tagged objects, so they travel as JSON.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Actor } from "./Actor.js"
import { Attachment, Rating } from "./Case.js"
import { Party } from "./Party.js"
import {
  CaseId,
  CommandId,
  Description,
  DivisionCode,
  Id,
  Key,
  Locale,
  Name,
  Note,
  optionalField,
  TimestampInput,
  Yuan
} from "./Primitives.js"

const meta = {
  actor: Actor,
  commandId: optionalField(CommandId),
  at: optionalField(TimestampInput),
  correlationId: optionalField(Id)
}

const onCase = {
  ...meta,
  caseId: CaseId,
  /**
   * The version of the case the sender decided on (乐观并发): when the case has moved on since, the command is
   * refused with a `VersionConflict` and not retried, instead of being applied to a state its sender has not seen.
   */
  expectedVersion: optionalField(
    Schema.Int.pipe(Schema.between(1, 2_147_483_647)).annotations({
      title: "expectedVersion",
      description: "a case version, 1 or more: the one the sender decided on"
    })
  )
}

/**
 * 登记: register a case taken in at a window or through any channel. Whoever registers it is its first
 * receiver (首接负责制) for good.
 *
 * @since 0.1.0
 * @category commands
 */
export const Register = Schema.TaggedStruct("Register", {
  ...meta,
  caseId: optionalField(CaseId),
  kind: Key,
  channel: Key,
  /** Where the matter arose. */
  place: DivisionCode,
  /** The node whose window took the case in; the actor's jurisdiction if omitted. */
  intakeNode: optionalField(DivisionCode),
  parties: Schema.Array(Party).pipe(Schema.minItems(1), Schema.maxItems(500)),
  /** People involved (for group cases, 群体性); at least the number of parties who are persons. */
  headcount: optionalField(Schema.Int.pipe(Schema.between(1, 1_000_000))),
  description: Description,
  amountAtStake: optionalField(Yuan),
  attachments: optionalField(Schema.Array(Attachment).pipe(Schema.maxItems(200))),
  category: optionalField(Key),
  /** When the dispute arose; not after the registration. */
  occurredAt: optionalField(TimestampInput),
  language: optionalField(Locale)
}).annotations({ identifier: "Register" })

/**
 * 受理: accept the case.
 *
 * @since 0.1.0
 * @category commands
 */
export const Accept = Schema.TaggedStruct("Accept", onCase).annotations({ identifier: "Accept" })

/**
 * 不予受理: decline to accept, saying why and where to go instead.
 *
 * @since 0.1.0
 * @category commands
 */
export const Reject = Schema.TaggedStruct("Reject", { ...onCase, reason: Note, redirectTo: Note }).annotations({
  identifier: "Reject"
})

/**
 * 并单: merge a duplicate request into another case about the same matter.
 *
 * @since 0.1.0
 * @category commands
 */
export const Merge = Schema.TaggedStruct("Merge", { ...onCase, into: CaseId, reason: optionalField(Note) })
  .annotations({ identifier: "Merge" })

/**
 * 研判: classify, grade the risk and decide where the case is handled. Without `risk`, the centre's risk
 * graders decide; with none installed, the lowest level applies.
 *
 * @since 0.1.0
 * @category commands
 */
export const Assess = Schema.TaggedStruct("Assess", {
  ...onCase,
  category: Key,
  complexity: Key,
  risk: optionalField(Schema.Struct({ level: Key, reason: optionalField(Note) })),
  /** The node that will handle the case (the tier); the current one if omitted. */
  handlingNode: optionalField(DivisionCode),
  note: optionalField(Note)
}).annotations({ identifier: "Assess" })

/**
 * 分流交办: hand the case to a lead unit, with assisting units and a mediation type that the lead unit may
 * conduct.
 *
 * @since 0.1.0
 * @category commands
 */
export const Dispatch = Schema.TaggedStruct("Dispatch", {
  ...onCase,
  leadUnit: Key,
  assistingUnits: optionalField(Schema.Array(Key).pipe(Schema.maxItems(50))),
  mediationType: optionalField(Key),
  note: optionalField(Note)
}).annotations({ identifier: "Dispatch" })

/**
 * 退单: the lead unit objects to the dispatch.
 *
 * @since 0.1.0
 * @category commands
 */
export const SendBack = Schema.TaggedStruct("SendBack", { ...onCase, reason: Note }).annotations({
  identifier: "SendBack"
})

/**
 * 改派: the centre re-routes the case to another unit.
 *
 * @since 0.1.0
 * @category commands
 */
export const Redispatch = Schema.TaggedStruct("Redispatch", {
  ...onCase,
  leadUnit: Key,
  assistingUnits: optionalField(Schema.Array(Key).pipe(Schema.maxItems(50))),
  mediationType: optionalField(Key),
  reason: Note
}).annotations({ identifier: "Redispatch" })

/**
 * 开始办理: the lead unit starts handling the case.
 *
 * @since 0.1.0
 * @category commands
 */
export const StartHandling = Schema.TaggedStruct("StartHandling", onCase).annotations({ identifier: "StartHandling" })

/**
 * 调解: record a mediation session. `partyRefused` records a party's clear refusal: no further mediation
 * sessions of that type may be held (人民调解法 art. 17).
 *
 * @since 0.1.0
 * @category commands
 */
export const RecordMediationSession = Schema.TaggedStruct("RecordMediationSession", {
  ...onCase,
  sessionId: optionalField(Id),
  mediators: Schema.Array(Name).pipe(Schema.minItems(1), Schema.maxItems(20)),
  result: Schema.Literal("progress", "agreement", "failed", "partyRefused"),
  summary: optionalField(Note),
  /** When the session was held: between the case's registration and the command's time; the latter if omitted. */
  heldAt: optionalField(TimestampInput)
}).annotations({ identifier: "RecordMediationSession" })

/**
 * 联合会商: convene a joint consultation of departments.
 *
 * @since 0.1.0
 * @category commands
 */
export const ConveneConsultation = Schema.TaggedStruct("ConveneConsultation", {
  ...onCase,
  departments: Schema.Array(Key).pipe(Schema.minItems(1), Schema.maxItems(50)),
  conclusion: optionalField(Note)
}).annotations({ identifier: "ConveneConsultation" })

/**
 * 吹哨: summon a department to the case.
 *
 * @since 0.1.0
 * @category commands
 */
export const SummonDepartment = Schema.TaggedStruct("SummonDepartment", {
  ...onCase,
  summonsId: optionalField(Id),
  department: Key,
  reason: Note
}).annotations({ identifier: "SummonDepartment" })

/**
 * 报到: a summoned department reports in.
 *
 * @since 0.1.0
 * @category commands
 */
export const RecordReport = Schema.TaggedStruct("RecordReport", {
  ...onCase,
  summonsId: Id,
  note: optionalField(Note)
}).annotations({ identifier: "RecordReport" })

/**
 * 上报: move the case up to a node of a strictly higher tier above the one handling it.
 *
 * @since 0.1.0
 * @category commands
 */
export const Escalate = Schema.TaggedStruct("Escalate", { ...onCase, to: DivisionCode, reason: Note }).annotations({
  identifier: "Escalate"
})

/**
 * 延期: extend a running deadline, with the approver and the reason (told to the applicant), within the limits
 * of its rule.
 *
 * @since 0.1.0
 * @category commands
 */
export const ExtendDeadline = Schema.TaggedStruct("ExtendDeadline", {
  ...onCase,
  deadline: Schema.Literal("acceptance", "handling"),
  amount: Schema.Int.pipe(Schema.between(1, 3650)),
  approver: Name,
  reason: Note
}).annotations({ identifier: "ExtendDeadline" })

/**
 * The outcome given with {@link RecordOutcome}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OutcomeInput = Schema.Union(
  Schema.TaggedStruct("Resolved", {
    agreement: Schema.Struct({
      summary: Note,
      /**
       * When the agreement took effect (signed, 人民调解法 art. 29): between the case's registration and the
       * command's time; the latter if omitted.
       */
      effectiveAt: optionalField(TimestampInput),
      written: optionalField(Schema.Boolean)
    })
  }),
  Schema.TaggedStruct("NotResolved", { disposition: Key, note: Note })
).annotations({ identifier: "OutcomeInput" })

/**
 * 办结: record the outcome — resolved with an agreement, or not resolved with a disposition.
 *
 * @since 0.1.0
 * @category commands
 */
export const RecordOutcome = Schema.TaggedStruct("RecordOutcome", { ...onCase, outcome: OutcomeInput }).annotations(
  { identifier: "RecordOutcome" }
)

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
 * 归档销号: close the file for good.
 *
 * @since 0.1.0
 * @category commands
 */
export const Archive = Schema.TaggedStruct("Archive", onCase).annotations({ identifier: "Archive" })

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
 * Any command.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Command = Schema.Union(
  Register,
  Accept,
  Reject,
  Merge,
  Assess,
  Dispatch,
  SendBack,
  Redispatch,
  StartHandling,
  RecordMediationSession,
  ConveneConsultation,
  SummonDepartment,
  RecordReport,
  Escalate,
  ExtendDeadline,
  RecordOutcome,
  RequestJudicialConfirmation,
  GiveFeedback,
  RecordFollowUp,
  Archive,
  Withdraw,
  Regrade,
  RecomputeCaseDeadlines,
  IssueSupervision,
  AnswerSupervision
).annotations({ identifier: "Command" })

/**
 * A decoded command.
 *
 * @since 0.1.0
 * @category models
 */
export type Command = typeof Command.Type

/**
 * A command as callers write it (times may be `Date`s or ISO strings with a zone).
 *
 * @since 0.1.0
 * @category models
 */
export type CommandInput = typeof Command.Encoded

/**
 * The tag of a command.
 *
 * @since 0.1.0
 * @category models
 */
export type CommandName = Command["_tag"]

const commandNameSet: Record<CommandName, null> = {
  Register: null,
  Accept: null,
  Reject: null,
  Merge: null,
  Assess: null,
  Dispatch: null,
  SendBack: null,
  Redispatch: null,
  StartHandling: null,
  RecordMediationSession: null,
  ConveneConsultation: null,
  SummonDepartment: null,
  RecordReport: null,
  Escalate: null,
  ExtendDeadline: null,
  RecordOutcome: null,
  RequestJudicialConfirmation: null,
  GiveFeedback: null,
  RecordFollowUp: null,
  Archive: null,
  Withdraw: null,
  Regrade: null,
  RecomputeCaseDeadlines: null,
  IssueSupervision: null,
  AnswerSupervision: null
}

/**
 * Every command name, in lifecycle order.
 *
 * @since 0.1.0
 * @category constants
 */
export const commandNames: ReadonlyArray<CommandName> = Object.keys(commandNameSet) as Array<CommandName>
