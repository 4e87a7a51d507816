/**
 * Events: the facts a case is made of. Every event travels in an {@link Envelope} with the case id, its version
 * (1, 2, 3 … without gaps), the time, the actor, the command id and the correlation id. Events are append-only;
 * the case is their fold.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Actor } from "./Actor.js"
import { Attachment, MediationResult, Outcome, Rating, Risk } from "./Case.js"
import { Basis, Deadline, DeadlineClock } from "./Deadline.js"
import { PartyRecord } from "./Party.js"
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
  Timestamp,
  Yuan
} from "./Primitives.js"

const opt = <S extends Schema.Schema.Any>(s: S) => Schema.optionalWith(s, { exact: true })

/**
 * @since 0.1.0
 * @category events
 */
export const Registered = Schema.TaggedStruct("Registered", {
  code: Schema.String,
  kind: Key,
  channel: Key,
  place: DivisionCode,
  intakeNode: DivisionCode,
  parties: Schema.Array(PartyRecord),
  headcount: Schema.Int,
  description: Description,
  amountAtStake: opt(Yuan),
  attachments: Schema.Array(Attachment),
  category: opt(Key),
  occurredAt: opt(Timestamp),
  language: opt(Locale),
  risk: Risk,
  acceptanceDeadline: opt(Deadline)
})

/**
 * @since 0.1.0
 * @category events
 */
export const Accepted = Schema.TaggedStruct("Accepted", { handlingDeadline: opt(Deadline) })

/**
 * @since 0.1.0
 * @category events
 */
export const Rejected = Schema.TaggedStruct("Rejected", { reason: Note, redirectTo: Note })

/**
 * @since 0.1.0
 * @category events
 */
export const Merged = Schema.TaggedStruct("Merged", { into: CaseId, reason: opt(Note) })

/**
 * @since 0.1.0
 * @category events
 */
export const Assessed = Schema.TaggedStruct("Assessed", {
  category: Key,
  complexity: Key,
  risk: Risk,
  handlingNode: DivisionCode,
  note: opt(Note),
  handlingDeadline: opt(Deadline)
})

/**
 * @since 0.1.0
 * @category events
 */
export const Dispatched = Schema.TaggedStruct("Dispatched", {
  leadUnit: Key,
  assistingUnits: Schema.Array(Key),
  mediationType: opt(Key),
  note: opt(Note)
})

/**
 * @since 0.1.0
 * @category events
 */
export const SentBack = Schema.TaggedStruct("SentBack", { unit: Key, reason: Note })

/**
 * @since 0.1.0
 * @category events
 */
export const Redispatched = Schema.TaggedStruct("Redispatched", {
  leadUnit: Key,
  assistingUnits: Schema.Array(Key),
  mediationType: opt(Key),
  reason: Note
})

/**
 * @since 0.1.0
 * @category events
 */
export const HandlingStarted = Schema.TaggedStruct("HandlingStarted", {})

/**
 * @since 0.1.0
 * @category events
 */
export const MediationSessionRecorded = Schema.TaggedStruct("MediationSessionRecorded", {
  sessionId: Id,
  mediators: Schema.Array(Name),
  result: MediationResult,
  summary: opt(Note),
  heldAt: Timestamp,
  mediationType: opt(Key)
})

/**
 * @since 0.1.0
 * @category events
 */
export const ConsultationConvened = Schema.TaggedStruct("ConsultationConvened", {
  departments: Schema.Array(Key),
  conclusion: opt(Note)
})

/**
 * @since 0.1.0
 * @category events
 */
export const DepartmentSummoned = Schema.TaggedStruct("DepartmentSummoned", {
  summonsId: Id,
  department: Key,
  reason: Note
})

/**
 * @since 0.1.0
 * @category events
 */
export const DepartmentReported = Schema.TaggedStruct("DepartmentReported", { summonsId: Id, note: opt(Note) })

/**
 * @since 0.1.0
 * @category events
 */
export const Escalated = Schema.TaggedStruct("Escalated", { from: DivisionCode, to: DivisionCode, reason: Note })

/**
 * @since 0.1.0
 * @category events
 */
export const DeadlineExtended = Schema.TaggedStruct("DeadlineExtended", {
  deadline: Schema.Literal("acceptance", "handling"),
  amount: Schema.Int,
  approver: Name,
  reason: Note,
  previousDueAt: Timestamp,
  dueAt: Timestamp,
  basis: opt(Basis),
  latestDueAt: opt(Timestamp)
})

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
 * @since 0.1.0
 * @category events
 */
export const OutcomeRecorded = Schema.TaggedStruct("OutcomeRecorded", {
  outcome: Outcome,
  /**
   * The judicial-confirmation window of a people's-mediation agreement, computed when the outcome was decided (so
   * later rule or calendar changes do not move it); absent when no rule applies, and when the calendar did not
   * cover the window's end yet (it is then computed when confirmation is requested).
   */
  judicialConfirmationWindow: opt(Deadline)
})

/**
 * @since 0.1.0
 * @category events
 */
export const JudicialConfirmationRequested = Schema.TaggedStruct("JudicialConfirmationRequested", {
  court: Key,
  note: opt(Note)
})

/**
 * @since 0.1.0
 * @category events
 */
export const FeedbackGiven = Schema.TaggedStruct("FeedbackGiven", { rating: Rating, comment: opt(Note) })

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
 * Someone (or a plugin) asked for the case to be graded again.
 *
 * @since 0.1.0
 * @category events
 */
export const RegradeRequested = Schema.TaggedStruct("RegradeRequested", { reason: Note })

/**
 * The risk graders (plugins) graded the case again after a command changed one of its factors.
 *
 * @since 0.1.0
 * @category events
 */
export const RiskGraded = Schema.TaggedStruct("RiskGraded", { risk: Risk })

/**
 * @since 0.1.0
 * @category events
 */
export const Archived = Schema.TaggedStruct("Archived", {})

/**
 * @since 0.1.0
 * @category events
 */
export const Withdrawn = Schema.TaggedStruct("Withdrawn", { reason: Note })

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
 * @since 0.1.0
 * @category events
 */
export const SupervisionAnswered = Schema.TaggedStruct("SupervisionAnswered", { orderId: Id, answer: Note })

/**
 * Any case event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CaseEvent = Schema.Union(
  Registered,
  Accepted,
  Rejected,
  Merged,
  Assessed,
  Dispatched,
  SentBack,
  Redispatched,
  HandlingStarted,
  MediationSessionRecorded,
  ConsultationConvened,
  DepartmentSummoned,
  DepartmentReported,
  Escalated,
  DeadlineExtended,
  DeadlinesRecomputed,
  OutcomeRecorded,
  JudicialConfirmationRequested,
  FeedbackGiven,
  FollowUpRecorded,
  Reopened,
  RegradeRequested,
  RiskGraded,
  Archived,
  Withdrawn,
  SupervisionIssued,
  SupervisionAnswered
).annotations({ identifier: "CaseEvent" })

/**
 * @since 0.1.0
 * @category models
 */
export type CaseEvent = typeof CaseEvent.Type

/**
 * The tag of an event.
 *
 * @since 0.1.0
 * @category models
 */
export type EventName = CaseEvent["_tag"]

const eventNameSet: Record<EventName, null> = {
  Registered: null,
  Accepted: null,
  Rejected: null,
  Merged: null,
  Assessed: null,
  Dispatched: null,
  SentBack: null,
  Redispatched: null,
  HandlingStarted: null,
  MediationSessionRecorded: null,
  ConsultationConvened: null,
  DepartmentSummoned: null,
  DepartmentReported: null,
  Escalated: null,
  DeadlineExtended: null,
  DeadlinesRecomputed: null,
  OutcomeRecorded: null,
  JudicialConfirmationRequested: null,
  FeedbackGiven: null,
  FollowUpRecorded: null,
  Reopened: null,
  RegradeRequested: null,
  RiskGraded: null,
  Archived: null,
  Withdrawn: null,
  SupervisionIssued: null,
  SupervisionAnswered: null
}

/**
 * Every event name.
 *
 * @since 0.1.0
 * @category constants
 */
export const eventNames: ReadonlyArray<EventName> = Object.keys(eventNameSet) as Array<EventName>

/**
 * An event with its envelope.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Envelope = Schema.Struct({
  caseId: CaseId,
  centre: Id,
  version: Schema.Int.pipe(Schema.positive()),
  at: Timestamp,
  /**
   * When the centre recorded the event, by its own clock (absent on events recorded before the centre stamped
   * them). `at` is when it happened, as the caller said, within the centre's window.
   */
  recordedAt: opt(Timestamp),
  /** Set on history entered late (imported, or backdated by a role allowed to): timeliness can leave it out. */
  enteredLate: opt(Schema.Literal(true)),
  actor: Actor,
  commandId: CommandId,
  correlationId: Id,
  event: CaseEvent
}).annotations({ identifier: "EventEnvelope" })

/**
 * @since 0.1.0
 * @category models
 */
export type Envelope = typeof Envelope.Type
