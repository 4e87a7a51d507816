/**
 * Events: the facts a case is made of. Every event travels in an {@link Envelope} with the case id, its version
 * (1, 2, 3 … without gaps), the time, the actor, the command id and the correlation id. Events are append-only;
 * the case is their fold.
 *
 * Each event's schema lives in the module of the command that records it (`lifecycle/<phase>.ts`), with its
 * evolver; an event no command owns (`RiskGraded`, recorded by plugins) is defined in its phase with `defineEvent`.
 *
 * @since 0.1.0
 */

export { Accepted, Merged, Registered, Rejected } from "./lifecycle/intake.js"

export { Assessed, Dispatched, Redispatched, SentBack } from "./lifecycle/routing.js"

export {
  ConsultationConvened,
  DeadlineExtended,
  DepartmentReported,
  DepartmentSummoned,
  Escalated,
  HandlingStarted,
  MediationSessionRecorded,
  OutcomeRecorded
} from "./lifecycle/handling.js"

export {
  Archived,
  FeedbackGiven,
  FollowUpRecorded,
  JudicialConfirmationRequested,
  Reopened,
  Withdrawn
} from "./lifecycle/closing.js"

export {
  DeadlinesRecomputed,
  RegradeRequested,
  RiskGraded,
  SupervisionAnswered,
  SupervisionIssued
} from "./lifecycle/supervision.js"

export {
  /**
   * Any case event: the union of the command modules' events, in lifecycle order.
   *
   * @since 0.1.0
   * @category schemas
   */
  CaseEvent,
  /**
   * An event with its envelope.
   *
   * @since 0.1.0
   * @category schemas
   */
  Envelope,
  /**
   * The tag of an event.
   *
   * @since 0.1.0
   * @category models
   */
  type EventName,
  /**
   * Every event name.
   *
   * @since 0.1.0
   * @category constants
   */
  eventNames
} from "./lifecycle/registry.js"
