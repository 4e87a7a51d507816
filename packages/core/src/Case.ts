/**
 * A case (案件/事项) as it stands: the fold of its events. One case, one code (一案一码); the state shows the step
 * it is on, since when, and everything recorded about it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Actor } from "./Actor.js"
import { Deadline } from "./Deadline.js"
import { PartyRecord } from "./Party.js"
import {
  CaseId,
  Description,
  DivisionCode,
  Id,
  Key,
  Locale,
  Name,
  Note,
  optionalField,
  Timestamp,
  Yuan
} from "./Primitives.js"

/**
 * The states of the lifecycle.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Status = Schema.Literal(
  "registered",
  "accepted",
  "assessed",
  "dispatched",
  "sentBack",
  "handling",
  "escalated",
  "closed",
  "feedbackGiven",
  "archived",
  "rejected",
  "merged",
  "withdrawn"
).annotations({ identifier: "Status" })

/**
 * @since 0.1.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * All states, in lifecycle order.
 *
 * @since 0.1.0
 * @category constants
 */
export const statuses: ReadonlyArray<Status> = Status.literals

/**
 * States in which a case is still being worked on (open, 在办): neither closed nor ended.
 *
 * @since 0.1.0
 * @category constants
 */
export const openStatuses: ReadonlyArray<Status> = [
  "registered",
  "accepted",
  "assessed",
  "dispatched",
  "sentBack",
  "handling",
  "escalated"
]

/**
 * A file reference attached to a case (the SDK stores references, never the files).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Attachment = Schema.Struct({
  ref: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024)),
  name: optionalField(Name),
  mediaType: optionalField(Schema.String.pipe(Schema.pattern(/^[\w.+-]+\/[\w.+-]+$/))),
  sha256: optionalField(Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/)))
}).annotations({ identifier: "Attachment" })

/**
 * @since 0.1.0
 * @category models
 */
export type Attachment = typeof Attachment.Type

/**
 * One factor of a risk grade and what it contributed to the score.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RiskFactor = Schema.Struct({
  id: Schema.String,
  contribution: Schema.Number,
  detail: Schema.optionalWith(Schema.String, { exact: true }),
  grader: Schema.optionalWith(Schema.String, { exact: true })
}).annotations({ identifier: "RiskFactor" })

/**
 * @since 0.1.0
 * @category models
 */
export type RiskFactor = typeof RiskFactor.Type

/**
 * A risk grade (风险等级): the level, and when graded by rules, the score and the factors behind it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Risk = Schema.Struct({
  level: Key,
  score: Schema.optionalWith(Schema.Number, { exact: true }),
  factors: Schema.optionalWith(Schema.Array(RiskFactor), { exact: true }),
  source: Schema.Literal("manual", "grader", "default")
}).annotations({ identifier: "Risk" })

/**
 * @since 0.1.0
 * @category models
 */
export type Risk = typeof Risk.Type

/**
 * The result of a mediation session.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MediationResult = Schema.Literal("progress", "agreement", "failed", "partyRefused").annotations({
  identifier: "MediationResult"
})

/**
 * A mediation session (调解).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MediationSession = Schema.Struct({
  sessionId: Id,
  mediators: Schema.Array(Name),
  result: MediationResult,
  summary: Schema.optionalWith(Note, { exact: true }),
  heldAt: Timestamp,
  mediationType: Schema.optionalWith(Key, { exact: true })
}).annotations({ identifier: "MediationSession" })

/**
 * A summons of a department (吹哨) and its report (报到).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Summons = Schema.Struct({
  summonsId: Id,
  department: Key,
  reason: Note,
  summonedAt: Timestamp,
  reportedAt: Schema.optionalWith(Timestamp, { exact: true }),
  report: Schema.optionalWith(Note, { exact: true })
}).annotations({ identifier: "Summons" })

/**
 * A supervision order (督办) on an open case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SupervisionOrder = Schema.Struct({
  orderId: Id,
  level: Schema.Literal("reminder", "warning", "order"),
  note: Note,
  issuedBy: Id,
  issuedAt: Timestamp,
  dueAt: Timestamp,
  answeredAt: Schema.optionalWith(Timestamp, { exact: true }),
  answer: Schema.optionalWith(Note, { exact: true })
}).annotations({ identifier: "SupervisionOrder" })

/**
 * @since 0.1.0
 * @category models
 */
export type SupervisionOrder = typeof SupervisionOrder.Type

/**
 * The applicant's rating (评价).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Rating = Schema.Literal("satisfied", "basicallySatisfied", "dissatisfied").annotations({
  identifier: "Rating"
})

/**
 * @since 0.1.0
 * @category models
 */
export type Rating = typeof Rating.Type

/**
 * A mediation agreement (调解协议).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Agreement = Schema.Struct({
  summary: Note,
  effectiveAt: Timestamp,
  written: Schema.Boolean
}).annotations({ identifier: "Agreement" })

/**
 * The outcome (结果): resolved (化解) with an agreement, or closed without resolution with a disposition (referred
 * to litigation, arbitration or administrative review, explained, rejected). The second is never counted as the
 * first.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Outcome = Schema.Union(
  Schema.TaggedStruct("Resolved", { agreement: Agreement, at: Timestamp }),
  Schema.TaggedStruct("NotResolved", { disposition: Key, note: Note, at: Timestamp })
).annotations({ identifier: "Outcome" })

/**
 * @since 0.1.0
 * @category models
 */
export type Outcome = typeof Outcome.Type

const opt = <S extends Schema.Schema.Any>(s: S) => Schema.optionalWith(s, { exact: true })

/**
 * A case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Case = Schema.Struct({
  id: CaseId,
  centre: Id,
  code: Schema.String,
  version: Schema.Int,
  status: Status,
  statusSince: Timestamp,

  kind: Key,
  channel: Key,
  category: opt(Key),
  complexity: opt(Key),
  risk: Risk,
  parties: Schema.Array(PartyRecord),
  headcount: Schema.Int,
  description: Description,
  amountAtStake: opt(Yuan),
  attachments: Schema.Array(Attachment),
  language: opt(Locale),
  occurredAt: opt(Timestamp),

  place: DivisionCode,
  intakeNode: DivisionCode,
  handlingNode: DivisionCode,
  firstReceiver: Actor,

  registeredAt: Timestamp,
  acceptedAt: opt(Timestamp),
  assessedAt: opt(Timestamp),
  dispatchedAt: opt(Timestamp),
  handlingStartedAt: opt(Timestamp),
  closedAt: opt(Timestamp),
  feedbackAt: opt(Timestamp),
  archivedAt: opt(Timestamp),
  updatedAt: Timestamp,

  rejection: opt(Schema.Struct({ reason: Note, redirectTo: Note })),
  mergedInto: opt(CaseId),
  withdrawal: opt(Schema.Struct({ reason: Note })),

  leadUnit: opt(Key),
  assistingUnits: Schema.Array(Key),
  mediationType: opt(Key),
  dispatchCount: Schema.Int,
  sendBacks: Schema.Array(Schema.Struct({ unit: Key, reason: Note, at: Timestamp })),
  sessions: Schema.Array(MediationSession),
  consultations: Schema.Array(
    Schema.Struct({ departments: Schema.Array(Key), conclusion: opt(Note), at: Timestamp })
  ),
  summons: Schema.Array(Summons),
  escalations: Schema.Array(
    Schema.Struct({ from: DivisionCode, to: DivisionCode, reason: Note, at: Timestamp })
  ),
  deadlines: Schema.Struct({
    acceptance: opt(Deadline),
    handling: opt(Deadline),
    /** The window for asking a court to confirm a people's-mediation agreement, fixed when the outcome was recorded. */
    judicialConfirmation: opt(Deadline)
  }),

  outcome: opt(Outcome),
  judicialConfirmation: opt(Schema.Struct({ court: Key, note: opt(Note), requestedAt: Timestamp })),
  feedback: opt(Schema.Struct({ rating: Rating, comment: opt(Note), at: Timestamp })),
  followUps: Schema.Array(
    Schema.Struct({ result: Schema.Literal("stable", "rebound"), note: opt(Note), at: Timestamp })
  ),
  reopenCount: Schema.Int,
  supervision: Schema.Array(SupervisionOrder),
  /**
   * Set when any event of the case was entered late (历史补录: imported by `importCases`, or backdated by a role of
   * `time.backdateRoles`): its times are the caller's word, not the centre's, and measures of timeliness can leave
   * it out. Absent on cases entered as they happened (and on snapshots stored before the mark existed).
   */
  enteredLate: opt(Schema.Literal(true))
}).annotations({ identifier: "Case" })

/**
 * @since 0.1.0
 * @category models
 */
export type Case = typeof Case.Type

/**
 * True while the case is being worked on (see {@link openStatuses}).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isOpen = (c: { readonly status: Status }): boolean => openStatusSet.has(c.status)

const openStatusSet: ReadonlySet<Status> = new Set(openStatuses)

/**
 * The deadline that is currently running, if any: the acceptance deadline while the case awaits acceptance, the
 * handling deadline while it is open after that.
 *
 * @since 0.1.0
 * @category utils
 */
export const runningDeadline = (c: Case): Deadline | undefined =>
  c.status === "registered" ? c.deadlines.acceptance : isOpen(c) ? c.deadlines.handling : undefined

/**
 * True when a running deadline has passed at `now`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isOverdue = (c: Case, now: string): boolean => {
  const d = runningDeadline(c)
  return d !== undefined && d.dueAt < now
}
