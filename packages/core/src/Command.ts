/**
 * Commands: what actors ask the centre to do. Each carries the actor, an optional command id (a repeated id gives
 * the first result again: idempotency), an optional time (the centre's clock otherwise) and an optional
 * correlation id. Commands are plain tagged objects, so they travel as JSON.
 *
 * Each command's schema lives in its command module (`lifecycle/<phase>.ts`, next to its events, row, guards,
 * decide, evolvers, labels and permissions); this module gathers them.
 *
 * @since 0.1.0
 */
import type { Command } from "./lifecycle/registry.js"

export { Accept, Merge, Register, Reject } from "./lifecycle/intake.js"

export { Assess, Dispatch, Redispatch, SendBack } from "./lifecycle/routing.js"

export {
  ConveneConsultation,
  Escalate,
  ExtendDeadline,
  OutcomeInput,
  RecordMediationSession,
  RecordOutcome,
  RecordReport,
  StartHandling,
  SummonDepartment
} from "./lifecycle/handling.js"

export { Archive, GiveFeedback, RecordFollowUp, RequestJudicialConfirmation, Withdraw } from "./lifecycle/closing.js"

export { AnswerSupervision, IssueSupervision, RecomputeCaseDeadlines, Regrade } from "./lifecycle/supervision.js"

export {
  /**
   * Any command: the union of the command modules' schemas, in lifecycle order.
   *
   * @since 0.1.0
   * @category schemas
   */
  Command,
  /**
   * The tag of a command.
   *
   * @since 0.1.0
   * @category models
   */
  type CommandName,
  /**
   * Every command name, in lifecycle order.
   *
   * @since 0.1.0
   * @category constants
   */
  commandNames
} from "./lifecycle/registry.js"

/**
 * A command as callers write it (times may be `Date`s or ISO strings with a zone).
 *
 * @since 0.1.0
 * @category models
 */
export type CommandInput = typeof Command.Encoded
