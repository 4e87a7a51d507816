/**
 * The lifecycle of a case, as data plus two pure functions (as in emmett's decide/evolve):
 *
 * - {@link transitions}: the table of states and the commands allowed in each, with the states a command may
 *   lead to and the names of its guards;
 * - {@link decide}: `(context, state, command) → events | typed error`;
 * - {@link evolve}: `(state, event) → state`;
 * - {@link enabledCommands}: what can be done now.
 *
 * Neither function does I/O. Deadlines are computed by `decide` and recorded in events, so replaying history
 * never depends on today's configuration.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import type { Actor } from "./Actor.js"
import type { Case, Risk, Status } from "./Case.js"
import { isOpen, openStatuses } from "./Case.js"
import type { CenterConfigInput, Resolved } from "./CenterConfig.js"
import { natureOf } from "./CenterConfig.js"
import type { Command, CommandName } from "./Command.js"
import * as Deadline from "./Deadline.js"
import type { CalendarYearNotCovered, InvalidInput } from "./Errors.js"
import { CommandNotAllowed, GuardFailed } from "./Errors.js"
import type { CaseEvent, Envelope } from "./Event.js"
import { civilDateOf, dayNumberOf, endOfDay } from "./internal/dates.js"
import { invalidInput } from "./internal/parse.js"
import { recomputedChanges } from "./internal/recompute.js"
import * as LifecycleDiagram from "./LifecycleDiagram.js"

/**
 * A state of the table: a {@link Status}, or `none` before a case exists.
 *
 * @since 0.1.0
 * @category models
 */
export type Phase = Status | "none"

/**
 * The names of the guards.
 *
 * @since 0.1.0
 * @category models
 */
export type GuardName =
  | "timeMovesForward"
  | "mergeTargetValid"
  | "leadUnitMayMediate"
  | "leadUnitServesHandlingNode"
  | "summonedServesCase"
  | "assistingUnitsDistinct"
  | "mediationNotRefused"
  | "sessionIdUnique"
  | "summonsIdUnique"
  | "summonsPending"
  | "escalationRaisesTier"
  | "routeNotRaised"
  | "extensionWithinRule"
  | "judicialConfirmationEligible"
  | "courtIsCourt"
  | "orderIdUnique"
  | "orderDueAfterIssue"
  | "orderPending"
  | "noPendingSupervision"
  | "actorIsLeadUnit"
  | "actorIsLeadOrSummoned"
  | "deadlinesMoved"

/**
 * A row of the lifecycle table.
 *
 * @since 0.1.0
 * @category models
 */
export interface Transition {
  readonly command: CommandName
  readonly from: ReadonlyArray<Phase>
  /** The states the command may lead to; `unchanged` when it records something without moving the case. */
  readonly to: ReadonlyArray<Status | "unchanged">
  readonly guards: ReadonlyArray<GuardName>
}

const OPEN: ReadonlyArray<Status> = openStatuses
const ENDED_NOT_ARCHIVED: ReadonlyArray<Status> = ["closed", "feedbackGiven", "rejected", "merged", "withdrawn"]

/**
 * The lifecycle table. `timeMovesForward` applies to every command on an existing case.
 *
 * @since 0.1.0
 * @category constants
 */
export const transitions: ReadonlyArray<Transition> = [
  { command: "Register", from: ["none"], to: ["registered"], guards: [] },
  { command: "Accept", from: ["registered"], to: ["accepted"], guards: [] },
  { command: "Reject", from: ["registered"], to: ["rejected"], guards: [] },
  { command: "Merge", from: ["registered", "accepted", "assessed"], to: ["merged"], guards: ["mergeTargetValid"] },
  {
    command: "Assess",
    from: ["accepted", "assessed", "sentBack", "escalated"],
    to: ["assessed"],
    guards: ["routeNotRaised"]
  },
  {
    command: "Dispatch",
    from: ["assessed", "escalated"],
    to: ["dispatched"],
    guards: ["leadUnitMayMediate", "leadUnitServesHandlingNode", "assistingUnitsDistinct"]
  },
  { command: "SendBack", from: ["dispatched"], to: ["sentBack"], guards: ["actorIsLeadUnit"] },
  {
    command: "Redispatch",
    from: ["dispatched", "sentBack", "handling"],
    to: ["dispatched"],
    guards: ["leadUnitMayMediate", "leadUnitServesHandlingNode", "assistingUnitsDistinct"]
  },
  { command: "StartHandling", from: ["dispatched"], to: ["handling"], guards: ["actorIsLeadUnit"] },
  {
    command: "RecordMediationSession",
    from: ["handling"],
    to: ["unchanged"],
    guards: ["actorIsLeadUnit", "mediationNotRefused", "sessionIdUnique"]
  },
  { command: "ConveneConsultation", from: ["handling"], to: ["unchanged"], guards: ["actorIsLeadUnit"] },
  {
    command: "SummonDepartment",
    from: ["handling"],
    to: ["unchanged"],
    guards: ["actorIsLeadUnit", "summonsIdUnique", "summonedServesCase"]
  },
  {
    command: "RecordReport",
    from: ["handling"],
    to: ["unchanged"],
    guards: ["summonsPending", "actorIsLeadOrSummoned"]
  },
  {
    command: "Escalate",
    from: ["assessed", "dispatched", "sentBack", "handling", "escalated"],
    to: ["escalated"],
    guards: ["actorIsLeadUnit", "escalationRaisesTier"]
  },
  { command: "ExtendDeadline", from: OPEN, to: ["unchanged"], guards: ["extensionWithinRule"] },
  { command: "RecordOutcome", from: ["handling"], to: ["closed"], guards: ["actorIsLeadUnit"] },
  {
    command: "RequestJudicialConfirmation",
    from: ["closed", "feedbackGiven"],
    to: ["unchanged"],
    guards: ["actorIsLeadUnit", "judicialConfirmationEligible", "courtIsCourt"]
  },
  { command: "GiveFeedback", from: ["closed"], to: ["feedbackGiven"], guards: [] },
  { command: "RecordFollowUp", from: ["feedbackGiven"], to: ["unchanged", "handling"], guards: [] },
  {
    command: "Archive",
    from: ["feedbackGiven", "rejected", "merged", "withdrawn"],
    to: ["archived"],
    guards: ["noPendingSupervision"]
  },
  { command: "Withdraw", from: OPEN, to: ["withdrawn"], guards: [] },
  { command: "Regrade", from: OPEN, to: ["unchanged"], guards: [] },
  {
    command: "RecomputeCaseDeadlines",
    from: [...OPEN, "closed", "feedbackGiven"],
    to: ["unchanged"],
    guards: ["deadlinesMoved"]
  },
  { command: "IssueSupervision", from: OPEN, to: ["unchanged"], guards: ["orderIdUnique", "orderDueAfterIssue"] },
  {
    command: "AnswerSupervision",
    from: [...OPEN, ...ENDED_NOT_ARCHIVED],
    to: ["unchanged"],
    guards: ["actorIsLeadUnit", "orderPending"]
  }
]

const byPhase: Record<string, Record<string, Transition>> = {}
for (const t of transitions) {
  for (const f of t.from) (byPhase[f] ??= {})[t.command] = t
}

/**
 * The row of the table for a command in a state, if the command is allowed there.
 *
 * @since 0.1.0
 * @category utils
 */
export const transition = (phase: Phase, command: CommandName): Transition | undefined => byPhase[phase]?.[command]

/**
 * The event each command records first (a command records one event of its own, which plugins may follow with
 * theirs). A repeated command id is answered with the first result only when it names the same command: `Center`
 * compares the kind of the command against the event its id recorded.
 *
 * @since 0.1.0
 * @category models
 */
export const firstEventOf: { readonly [K in CommandName]: CaseEvent["_tag"] } = {
  Register: "Registered",
  Accept: "Accepted",
  Reject: "Rejected",
  Merge: "Merged",
  Assess: "Assessed",
  Dispatch: "Dispatched",
  SendBack: "SentBack",
  Redispatch: "Redispatched",
  StartHandling: "HandlingStarted",
  RecordMediationSession: "MediationSessionRecorded",
  ConveneConsultation: "ConsultationConvened",
  SummonDepartment: "DepartmentSummoned",
  RecordReport: "DepartmentReported",
  Escalate: "Escalated",
  ExtendDeadline: "DeadlineExtended",
  RecordOutcome: "OutcomeRecorded",
  RequestJudicialConfirmation: "JudicialConfirmationRequested",
  GiveFeedback: "FeedbackGiven",
  RecordFollowUp: "FollowUpRecorded",
  Archive: "Archived",
  Withdraw: "Withdrawn",
  Regrade: "RegradeRequested",
  RecomputeCaseDeadlines: "DeadlinesRecomputed",
  IssueSupervision: "SupervisionIssued",
  AnswerSupervision: "SupervisionAnswered"
}

/**
 * Everything `decide` needs besides the state and the command.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecideContext {
  readonly config: Resolved
  /** The case the command is for (the new case's id for `Register`). */
  readonly caseId: string
  /** The command's effective id: default for ids the command leaves out (order, session, summons). */
  readonly commandId: string
  /** The command's effective time: when it happened (the caller's `at`, within the centre's window). */
  readonly at: string
  /**
   * The centre's time when it decides (its clock): windows and due times are judged by it. `at` when absent
   * (history being imported is judged at its own times).
   */
  readonly now?: string | undefined
  /** The case code, for `Register`. */
  readonly code?: string | undefined
  /** The target of a `Merge`, loaded by the caller. */
  readonly mergeTarget?: Case | undefined
}

/**
 * Why `decide` refused a command.
 *
 * @since 0.1.0
 * @category models
 */
export type DecideError = CommandNotAllowed | GuardFailed | InvalidInput | CalendarYearNotCovered

/**
 * A named guard: what it checks, the check itself, and whether the command could pass at all in a state.
 *
 * @since 0.1.0
 * @category models
 */
export interface Guard {
  readonly description: string
  /** A reason for refusal, or undefined. */
  readonly check: (ctx: DecideContext, state: Case, command: Command) => string | undefined
  /**
   * Whether the command could pass at all in this state, at a time and for an actor when given (for
   * `enabledCommands`); true if absent.
   */
  readonly possible?: (config: Resolved, state: Case, at: string | undefined, actor: Actor | undefined) => boolean
}

const pendingOrders = (s: Case) => s.supervision.some((o) => o.answeredAt === undefined)

/** An actor outside any department, an administrator, or one of the lead unit. */
const actsForLeadUnit = (a: Actor, s: Case): boolean =>
  a.department === undefined || a.roles.includes("admin") || a.department === s.leadUnit

const unitFits = (
  config: Resolved,
  s: Case,
  leadUnit: string,
  mediationType: string | undefined
): string | undefined => {
  if (mediationType === undefined) return undefined
  const mt = config.mediationTypes.get(mediationType)
  const nature = natureOf(config, leadUnit)
  if (mt === undefined || nature === undefined) return undefined
  return mt.performedBy.includes(nature)
    ? undefined
    : `${mediationType} mediation is conducted only by ${
      mt.performedBy.join(" or ")
    } bodies; ${leadUnit} is ${nature} (case ${s.id})`
}

/**
 * When the judicial-confirmation window of a resolved case closes: as recorded with the outcome, else (an outcome
 * recorded before windows were, or while the calendar did not cover the window's end) computed now.
 */
/**
 * Why a unit cannot be given a part in a case, if it cannot: its node must be the handling node or above it (a
 * county bureau for a township's case), or below it on the way to the case's place (the township and village of
 * the place). A unit of another branch (a sibling township's committee) could not act on the case: its staff's
 * jurisdiction holds neither the place nor the handling node.
 */
const unitServes = (config: Resolved, s: Case, unit: string): string | undefined => {
  const d = config.departments.get(unit)
  if (d === undefined) return undefined
  const tree = config.tree
  return tree.isWithin(s.handlingNode, d.jurisdiction) ||
      (tree.isWithin(d.jurisdiction, s.handlingNode) && tree.isWithin(s.place, d.jurisdiction))
    ? undefined
    : `${unit} (at ${d.jurisdiction}) does not serve the case: it is handled at ${s.handlingNode} and its place is ${s.place}`
}

/**
 * When the judicial-confirmation window closes for a party: a party's right is never refused before the latest the
 * window can end (`latestDueAt` of a window counted on a predicted calendar).
 */
const judicialWindowDue = (config: Resolved, s: Case): Either.Either<string | undefined, CalendarYearNotCovered> => {
  if (s.outcome?._tag !== "Resolved") return Either.right(undefined)
  if (s.deadlines.judicialConfirmation !== undefined) {
    return Either.right(Deadline.latestDueOf(s.deadlines.judicialConfirmation))
  }
  const rule = Deadline.findRule(config.deadlines, "judicialConfirmation", s)
  return rule === undefined
    ? Either.right(undefined)
    : Either.map(
      Deadline.dueWithBasis(config.calendar, config.utcOffsetMinutes, s.outcome.agreement.effectiveAt, rule.duration),
      Deadline.latestDueOf
    )
}

/**
 * Whether a request at `at` is inside the window whatever the calendar of the window's end says: rolling forward and
 * counting working days only ever move a due date later than the same number of calendar days, so the end of that
 * day is a lower bound. A request that early is in time even when the calendar does not cover the window's end yet.
 */
const surelyInJudicialWindow = (config: Resolved, s: Case, at: string): boolean => {
  if (s.outcome?._tag !== "Resolved") return false
  const rule = Deadline.findRule(config.deadlines, "judicialConfirmation", s)
  if (rule === undefined || rule.duration.unit === "hours") return false
  const start = dayNumberOf(s.outcome.agreement.effectiveAt, config.utcOffsetMinutes)
  return at <= endOfDay(start + rule.duration.amount, config.utcOffsetMinutes)
}

const latestOf = (at: string, now: string | undefined): string => now !== undefined && now > at ? now : at

const mediatedByPeoples = (config: Resolved, s: Case): boolean =>
  s.mediationType !== undefined &&
  (config.mediationTypes.get(s.mediationType)?.performedBy.includes("peoplesMediation") ?? false)

const isPeoplesAgreement = (config: Resolved, s: Case): boolean =>
  s.outcome?._tag === "Resolved" && mediatedByPeoples(config, s)

/**
 * The guards, by name, with what each checks.
 *
 * @since 0.1.0
 * @category constants
 */
export const guards: Readonly<Record<GuardName, Guard>> = {
  timeMovesForward: {
    description: "The command's time is not earlier than the case's last event.",
    check: (ctx, s) => ctx.at < s.updatedAt ? `time ${ctx.at} is before the last event at ${s.updatedAt}` : undefined
  },
  mergeTargetValid: {
    description: "The target is another existing case of the same centre that is still open.",
    check: (ctx, s, c) => {
      if (c._tag !== "Merge") return undefined
      if (c.into === s.id) return "a case cannot be merged into itself"
      const t = ctx.mergeTarget
      if (t === undefined) return `target case ${c.into} was not found`
      return isOpen(t) ? undefined : `target case ${c.into} is ${t.status}, not open`
    }
  },
  leadUnitMayMediate: {
    description: "The mediation type fits the lead unit: judicial by a court, administrative by an administrative " +
      "body, people's by a people's mediation committee (configurable).",
    check: (ctx, s, c) =>
      c._tag === "Dispatch" || c._tag === "Redispatch"
        ? unitFits(ctx.config, s, c.leadUnit, c.mediationType)
        : undefined
  },
  leadUnitServesHandlingNode: {
    description: "The lead unit and every assisting unit belong to the node handling the case or to a node above " +
      "it, or to a node below it on the way to the case's place (not to another township's or village's unit).",
    check: (ctx, s, c) => {
      if (c._tag !== "Dispatch" && c._tag !== "Redispatch") return undefined
      for (const unit of [c.leadUnit, ...(c.assistingUnits ?? [])]) {
        const refused = unitServes(ctx.config, s, unit)
        if (refused !== undefined) return refused
      }
      return undefined
    }
  },
  summonedServesCase: {
    description: "The department summoned (吹哨) belongs to the node handling the case or to a node above it, or " +
      "to a node below it on the way to the case's place.",
    check: (ctx, s, c) => (c._tag === "SummonDepartment" ? unitServes(ctx.config, s, c.department) : undefined)
  },
  assistingUnitsDistinct: {
    description: "Assisting units are distinct and do not include the lead unit.",
    check: (_, __, c) => {
      if (c._tag !== "Dispatch" && c._tag !== "Redispatch") return undefined
      const a = c.assistingUnits ?? []
      if (a.includes(c.leadUnit)) return `the lead unit ${c.leadUnit} is also listed as assisting`
      return new Set(a).size === a.length ? undefined : "an assisting unit is listed twice"
    }
  },
  mediationNotRefused: {
    description: "No party has clearly refused mediation of the current type (人民调解法 art. 17).",
    check: (_, s) =>
      s.sessions.some((x) => x.result === "partyRefused" && x.mediationType === s.mediationType)
        ? "a party has refused mediation of this type; record the outcome or re-dispatch"
        : undefined,
    possible: (_, s) => !s.sessions.some((x) => x.result === "partyRefused" && x.mediationType === s.mediationType)
  },
  sessionIdUnique: {
    description: "The session id is new on this case.",
    check: (ctx, s, c) => {
      const id = c._tag === "RecordMediationSession" ? c.sessionId ?? ctx.commandId : undefined
      return id !== undefined && s.sessions.some((x) => x.sessionId === id)
        ? `session ${id} is already recorded`
        : undefined
    }
  },
  summonsIdUnique: {
    description: "The summons id is new on this case.",
    check: (ctx, s, c) => {
      const id = c._tag === "SummonDepartment" ? c.summonsId ?? ctx.commandId : undefined
      return id !== undefined && s.summons.some((x) => x.summonsId === id) ? `summons ${id} already exists` : undefined
    }
  },
  summonsPending: {
    description: "The summons exists and its department has not reported yet.",
    check: (_, s, c) => {
      if (c._tag !== "RecordReport") return undefined
      const x = s.summons.find((m) => m.summonsId === c.summonsId)
      if (x === undefined) return `no summons ${c.summonsId} on this case`
      return x.reportedAt === undefined ? undefined : `${x.department} already reported for summons ${c.summonsId}`
    },
    possible: (_, s) => s.summons.some((m) => m.reportedAt === undefined)
  },
  escalationRaisesTier: {
    description: "The target is a node above the one handling the case, at a strictly higher tier.",
    check: (ctx, s, c) => {
      if (c._tag !== "Escalate") return undefined
      const tree = ctx.config.tree
      const from = tree.get(s.handlingNode)
      const to = tree.get(c.to)
      if (from === undefined || to === undefined) return undefined
      if (c.to === s.handlingNode || !tree.isWithin(s.handlingNode, c.to)) {
        return `${c.to} is not above ${s.handlingNode}, the node handling the case`
      }
      return to.tier < from.tier ? undefined : `${c.to} is not at a higher tier than ${s.handlingNode}`
    },
    possible: (config, s) =>
      (config.tree.get(s.handlingNode)?.tier ?? 0) > 0 && s.handlingNode !== config.tree.root.code
  },
  routeNotRaised: {
    description: "Once a case has been dispatched, a new assessment routes it at the tier of the node handling it or " +
      "below: taking it to a higher tier is then an escalation (上报), recorded by `Escalate`. The first assessment " +
      "routes freely (a case reported at a grid may belong to the county).",
    check: (ctx, s, c) => {
      if (c._tag !== "Assess" || c.handlingNode === undefined || s.dispatchCount === 0) return undefined
      const from = ctx.config.tree.get(s.handlingNode)
      const to = ctx.config.tree.get(c.handlingNode)
      if (from === undefined || to === undefined) return undefined
      return to.tier < from.tier
        ? `${c.handlingNode} is at a higher tier than ${s.handlingNode}, the node handling the case: escalate instead`
        : undefined
    }
  },
  extensionWithinRule: {
    description: "The deadline is running, its rule allows extensions, and this one stays within the rule's " +
      "count and total amount.",
    check: (ctx, s, c) => {
      if (c._tag !== "ExtendDeadline") return undefined
      const d = s.deadlines[c.deadline]
      if (d === undefined) return `no ${c.deadline} deadline is running on this case`
      if (c.deadline === "acceptance" && s.status !== "registered") {
        return "the acceptance deadline is no longer running"
      }
      const rule = ctx.config.deadlines.find((r) => r.id === d.ruleId)
      if (rule?.extension === undefined) return `rule ${d.ruleId} allows no extension`
      if (d.extensions.length >= rule.extension.maxTimes) {
        return `rule ${d.ruleId} allows ${rule.extension.maxTimes} extension(s); ${d.extensions.length} used`
      }
      const used = d.extensions.reduce((n, e) => n + e.amount, 0)
      return used + c.amount > rule.extension.maxAmount
        ? `rule ${d.ruleId} allows at most ${rule.extension.maxAmount} ${d.unit} in total; ${used} used`
        : undefined
    },
    possible: (config, s) =>
      [s.status === "registered" ? s.deadlines.acceptance : undefined, s.deadlines.handling].some((d) => {
        const rule = d === undefined ? undefined : config.deadlines.find((r) => r.id === d.ruleId)
        // another extension must fit both the count and the total (every extension is at least 1)
        return d !== undefined && rule?.extension !== undefined && d.extensions.length < rule.extension.maxTimes &&
          d.extensions.reduce((n, e) => n + e.amount, 0) < rule.extension.maxAmount
      })
  },
  judicialConfirmationEligible: {
    description: "The case was resolved by a people's-mediation agreement, no confirmation was requested yet, and " +
      "the window (30 days after the agreement takes effect, by default) is still open.",
    check: (ctx, s) => {
      if (!isPeoplesAgreement(ctx.config, s)) return "only a people's-mediation agreement can be judicially confirmed"
      if (s.judicialConfirmation !== undefined) return "judicial confirmation was already requested"
      const due = judicialWindowDue(ctx.config, s)
      // a window the calendar cannot compute is the command's typed `CalendarYearNotCovered` (see decideOn), unless
      // the request is in time whatever the calendar says
      if (Either.isLeft(due)) return undefined
      // judged by the centre's clock: a request sent today is not in time because it says it was made earlier
      const now = ctx.now ?? ctx.at
      return due.right !== undefined && now > due.right ? `the window closed at ${due.right}` : undefined
    },
    possible: (config, s, at) => {
      if (!isPeoplesAgreement(config, s) || s.judicialConfirmation !== undefined) return false
      const due = judicialWindowDue(config, s)
      if (Either.isLeft(due)) return at === undefined || surelyInJudicialWindow(config, s, at)
      return at === undefined || due.right === undefined || at <= due.right
    }
  },
  courtIsCourt: {
    description: "Judicial confirmation is asked of a court.",
    check: (ctx, _, c) =>
      c._tag === "RequestJudicialConfirmation" && ctx.config.departments.has(c.court) &&
        natureOf(ctx.config, c.court) !== "court"
        ? `${c.court} is not a court`
        : undefined
  },
  orderIdUnique: {
    description: "The supervision order id is new on this case.",
    check: (ctx, s, c) => {
      const id = c._tag === "IssueSupervision" ? c.orderId ?? ctx.commandId : undefined
      return id !== undefined && s.supervision.some((o) => o.orderId === id) ? `order ${id} already exists` : undefined
    }
  },
  orderDueAfterIssue: {
    description: "A supervision order falls due after it is issued.",
    check: (ctx, _, c) =>
      c._tag === "IssueSupervision" && c.dueAt <= latestOf(ctx.at, ctx.now)
        ? `due time ${c.dueAt} is not after ${latestOf(ctx.at, ctx.now)}`
        : undefined
  },
  orderPending: {
    description: "The supervision order exists and is not answered yet.",
    check: (_, s, c) => {
      if (c._tag !== "AnswerSupervision") return undefined
      const o = s.supervision.find((x) => x.orderId === c.orderId)
      if (o === undefined) return `no supervision order ${c.orderId} on this case`
      return o.answeredAt === undefined ? undefined : `order ${c.orderId} was already answered`
    },
    possible: (_, s) => pendingOrders(s)
  },
  noPendingSupervision: {
    description: "Every supervision order has been answered.",
    check: (_, s) => {
      const n = s.supervision.filter((o) => o.answeredAt === undefined).length
      return n === 0 ? undefined : `${n} supervision order(s) not answered`
    },
    possible: (_, s) => !pendingOrders(s)
  },
  actorIsLeadUnit: {
    description: "An actor who belongs to a department acts for the lead unit only (administrators excepted).",
    check: (_, s, c) =>
      actsForLeadUnit(c.actor, s) ?
        undefined :
        `actor belongs to ${c.actor.department}, the lead unit is ${s.leadUnit ?? "none"}`,
    possible: (_, s, __, actor) => actor === undefined || actsForLeadUnit(actor, s)
  },
  deadlinesMoved: {
    description: "A running deadline counted on a predicted calendar falls due otherwise on the calendar as it now is.",
    check: (ctx, s) =>
      recomputedChanges(ctx.config, s).length > 0
        ? undefined
        : "no running deadline moves on the calendar as it now is",
    possible: (config, s) => recomputedChanges(config, s).length > 0
  },
  actorIsLeadOrSummoned: {
    description: "An actor who belongs to a department reports in for the summoned department or the lead unit only.",
    check: (_, s, c) => {
      if (c._tag !== "RecordReport") return undefined
      const a: Actor = c.actor
      const summoned = s.summons.find((m) => m.summonsId === c.summonsId)?.department
      return actsForLeadUnit(a, s) || a.department === summoned
        ? undefined
        : `actor belongs to ${a.department}; the summons is for ${summoned ?? "nobody"}`
    },
    possible: (_, s, __, actor) =>
      actor === undefined || actsForLeadUnit(actor, s) ||
      s.summons.some((m) => m.reportedAt === undefined && m.department === actor.department)
  }
}

const refused = (ctx: DecideContext, state: Case | undefined, command: CommandName): CommandNotAllowed =>
  new CommandNotAllowed({
    caseId: ctx.caseId,
    state: state?.status ?? "none",
    command,
    enabled: state === undefined ? ["Register"] : enabledCommands(ctx.config, state, ctx.at)
  })

/**
 * What `decide` returns: the events, or why the command was refused.
 *
 * @since 0.1.0
 * @category models
 */
export type DecideResult = Either.Either<ReadonlyArray<CaseEvent>, DecideError>

const ok = (...events: ReadonlyArray<CaseEvent>): DecideResult => Either.right(events)
const bad = (field: string, expected: string): DecideResult => Either.left(invalidInput(field, expected))

const oneOf = (map: ReadonlyMap<string, unknown>): string => `one of: ${[...map.keys()].join(", ")}`

const startDeadline = (
  config: Resolved,
  clock: Deadline.DeadlineClock,
  subject: Deadline.RuleSubject,
  from: string
): Either.Either<Deadline.Deadline | undefined, CalendarYearNotCovered> => {
  const rule = Deadline.findRule(config.deadlines, clock, subject)
  if (rule === undefined) return Either.right(undefined)
  return Either.map(
    Deadline.dueWithBasis(config.calendar, config.utcOffsetMinutes, from, rule.duration),
    (due): Deadline.Deadline => ({
      ruleId: rule.id,
      unit: rule.duration.unit,
      startedAt: from,
      dueAt: due.dueAt,
      basis: due.basis,
      ...(due.latestDueAt !== undefined ? { latestDueAt: due.latestDueAt } : {}),
      extensions: []
    })
  )
}

/** A deadline with the basis an event gives it (an event recorded before bases were keeps the deadline's). */
const withBasis = (
  d: Deadline.Deadline,
  e: { readonly basis?: Deadline.Basis | undefined; readonly latestDueAt?: string | undefined }
): Deadline.Deadline => {
  if (e.basis === undefined) return d
  const { latestDueAt: _, ...rest } = d
  return { ...rest, basis: e.basis, ...(e.latestDueAt !== undefined ? { latestDueAt: e.latestDueAt } : {}) }
}

const withDeadline = <K extends string>(key: K, d: Deadline.Deadline | undefined) =>
  (d === undefined ? {} : { [key]: d }) as { readonly [P in K]?: Deadline.Deadline }

const checkUnits = (
  config: Resolved,
  lead: string,
  assisting: ReadonlyArray<string> | undefined,
  mediationType: string | undefined
): DecideResult | undefined => {
  if (!config.departments.has(lead)) return bad("leadUnit", `a configured department (${lead} is unknown)`)
  for (const [i, u] of (assisting ?? []).entries()) {
    if (!config.departments.has(u)) return bad(`assistingUnits.${i}`, `a configured department (${u} is unknown)`)
  }
  if (mediationType !== undefined && !config.mediationTypes.has(mediationType)) {
    return bad("mediationType", oneOf(config.mediationTypes))
  }
  return undefined
}

/**
 * The first node a command names — `place`, `intakeNode`, an assessment's `handlingNode`, an escalation's `to` —
 * that is not in the centre's tree, as `InvalidInput` naming its field. `decide` checks it; the centre checks it
 * before its policy, so that a node missing from the tree is never reported as outside an actor's jurisdiction.
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const unknownNode = (config: Resolved, command: Command): InvalidInput | undefined => {
  const missing = (field: string, code: string | undefined) =>
    code !== undefined && config.tree.get(code) === undefined
      ? invalidInput(field, "the code of a node in the centre's jurisdiction tree")
      : undefined
  switch (command._tag) {
    case "Register":
      return missing("place", command.place) ?? missing("intakeNode", command.intakeNode)
    case "Assess":
      return missing("handlingNode", command.handlingNode)
    case "Escalate":
      return missing("to", command.to)
    default:
      return undefined
  }
}

const decideRegister = (ctx: DecideContext, c: Extract<Command, { _tag: "Register" }>): DecideResult => {
  const { config } = ctx
  if (!config.caseKinds.has(c.kind)) return bad("kind", oneOf(config.caseKinds))
  if (!config.channels.has(c.channel)) return bad("channel", oneOf(config.channels))
  const unknown = unknownNode(config, c)
  if (unknown !== undefined) return Either.left(unknown)
  const intakeNode = c.intakeNode ?? c.actor.jurisdiction
  if (config.tree.get(intakeNode) === undefined) {
    return bad(
      c.intakeNode === undefined ? "actor.jurisdiction" : "intakeNode",
      "the code of a node in the centre's jurisdiction tree"
    )
  }
  if (c.category !== undefined && !config.categories.has(c.category)) return bad("category", oneOf(config.categories))
  const persons = c.parties.filter((p) => p._tag === "Person").length
  const headcount = c.headcount ?? Math.max(1, persons)
  if (headcount < persons) return bad("headcount", `at least the number of persons among the parties (${persons})`)
  if (c.occurredAt !== undefined && c.occurredAt > ctx.at) {
    return bad("occurredAt", `a time not after the registration at ${ctx.at}`)
  }
  if (ctx.code === undefined) return bad("code", "a case code assigned by the centre")
  return Either.map(startDeadline(config, "acceptance", c, ctx.at), (acceptanceDeadline): ReadonlyArray<CaseEvent> => [{
    _tag: "Registered",
    code: ctx.code!,
    kind: c.kind,
    channel: c.channel,
    place: c.place,
    intakeNode,
    parties: c.parties,
    headcount,
    description: c.description,
    attachments: c.attachments ?? [],
    risk: { level: config.defaultRiskLevel.id, source: "default" },
    ...(c.amountAtStake !== undefined ? { amountAtStake: c.amountAtStake } : {}),
    ...(c.category !== undefined ? { category: c.category } : {}),
    ...(c.occurredAt !== undefined ? { occurredAt: c.occurredAt } : {}),
    ...(c.language !== undefined ? { language: c.language } : {}),
    ...withDeadline("acceptanceDeadline", acceptanceDeadline)
  }])
}

const decideOn = (ctx: DecideContext, s: Case, c: Exclude<Command, { _tag: "Register" }>): DecideResult => {
  const { config } = ctx
  switch (c._tag) {
    case "Accept":
      return Either.map(
        startDeadline(config, "handling", s, ctx.at),
        (d): ReadonlyArray<CaseEvent> => [{ _tag: "Accepted", ...withDeadline("handlingDeadline", d) }]
      )
    case "Reject":
      return ok({ _tag: "Rejected", reason: c.reason, redirectTo: c.redirectTo })
    case "Merge":
      return ok({ _tag: "Merged", into: c.into, ...(c.reason !== undefined ? { reason: c.reason } : {}) })
    case "Assess": {
      if (!config.categories.has(c.category)) return bad("category", oneOf(config.categories))
      if (!config.complexities.has(c.complexity)) return bad("complexity", oneOf(config.complexities))
      if (c.risk !== undefined && !config.riskLevels.has(c.risk.level)) {
        return bad("risk.level", oneOf(config.riskLevels))
      }
      const handlingNode = c.handlingNode ?? s.handlingNode
      const risk: Risk = c.risk !== undefined
        ? {
          level: c.risk.level,
          source: "manual",
          ...(c.risk.reason !== undefined
            ? { factors: [{ id: "manual", contribution: 0, detail: c.risk.reason }] }
            : {})
        }
        : s.risk
      const deadline = s.deadlines.handling !== undefined || s.acceptedAt === undefined
        ? Either.right(undefined)
        : startDeadline(
          config,
          "handling",
          { kind: s.kind, channel: s.channel, complexity: c.complexity },
          s.acceptedAt
        )
      return Either.map(deadline, (d): ReadonlyArray<CaseEvent> => [{
        _tag: "Assessed",
        category: c.category,
        complexity: c.complexity,
        risk,
        handlingNode,
        ...(c.note !== undefined ? { note: c.note } : {}),
        ...withDeadline("handlingDeadline", d)
      }])
    }
    case "Dispatch": {
      const problem = checkUnits(config, c.leadUnit, c.assistingUnits, c.mediationType)
      if (problem !== undefined) return problem
      return ok({
        _tag: "Dispatched",
        leadUnit: c.leadUnit,
        assistingUnits: c.assistingUnits ?? [],
        ...(c.mediationType !== undefined ? { mediationType: c.mediationType } : {}),
        ...(c.note !== undefined ? { note: c.note } : {})
      })
    }
    case "SendBack":
      return ok({ _tag: "SentBack", unit: s.leadUnit!, reason: c.reason })
    case "Redispatch": {
      const problem = checkUnits(config, c.leadUnit, c.assistingUnits, c.mediationType)
      if (problem !== undefined) return problem
      return ok({
        _tag: "Redispatched",
        leadUnit: c.leadUnit,
        assistingUnits: c.assistingUnits ?? [],
        ...(c.mediationType !== undefined ? { mediationType: c.mediationType } : {}),
        reason: c.reason
      })
    }
    case "StartHandling":
      return ok({ _tag: "HandlingStarted" })
    case "RecordMediationSession":
      if (c.heldAt !== undefined && (c.heldAt < s.registeredAt || c.heldAt > ctx.at)) {
        return bad("heldAt", `a time between the registration at ${s.registeredAt} and the command's time ${ctx.at}`)
      }
      return ok({
        _tag: "MediationSessionRecorded",
        sessionId: c.sessionId ?? ctx.commandId,
        mediators: c.mediators,
        result: c.result,
        heldAt: c.heldAt ?? ctx.at,
        ...(c.summary !== undefined ? { summary: c.summary } : {}),
        ...(s.mediationType !== undefined ? { mediationType: s.mediationType } : {})
      })
    case "ConveneConsultation": {
      for (const [i, d] of c.departments.entries()) {
        if (!config.departments.has(d)) return bad(`departments.${i}`, `a configured department (${d} is unknown)`)
        if (c.departments.indexOf(d) < i) return bad(`departments.${i}`, `a department listed once (${d} repeats)`)
      }
      return ok({
        _tag: "ConsultationConvened",
        departments: c.departments,
        ...(c.conclusion !== undefined ? { conclusion: c.conclusion } : {})
      })
    }
    case "SummonDepartment":
      if (!config.departments.has(c.department)) {
        return bad("department", `a configured department (${c.department} is unknown)`)
      }
      return ok({
        _tag: "DepartmentSummoned",
        summonsId: c.summonsId ?? ctx.commandId,
        department: c.department,
        reason: c.reason
      })
    case "RecordReport":
      return ok({
        _tag: "DepartmentReported",
        summonsId: c.summonsId,
        ...(c.note !== undefined ? { note: c.note } : {})
      })
    case "Escalate":
      return ok({ _tag: "Escalated", from: s.handlingNode, to: c.to, reason: c.reason })
    case "ExtendDeadline": {
      const d = s.deadlines[c.deadline]!
      return Either.flatMap(
        Deadline.extendedDue(
          config.calendar,
          config.utcOffsetMinutes,
          d,
          config.deadlines.find((r) => r.id === d.ruleId),
          c.amount
        ),
        ({ basis, dueAt, latestDueAt }): DecideResult =>
          // The period grows from its start, so when the due date was rolled forward past rest days a short
          // extension can end before it: refused, rather than using up one of the rule's extensions for nothing
          dueAt <= d.dueAt
            ? bad(
              "amount",
              `an extension that moves the due time: ${c.amount} more ${d.unit} still end by ${d.dueAt}, the due time rolled forward past rest days`
            )
            : ok({
              _tag: "DeadlineExtended",
              deadline: c.deadline,
              amount: c.amount,
              approver: c.approver,
              reason: c.reason,
              previousDueAt: d.dueAt,
              dueAt,
              basis,
              ...(latestDueAt !== undefined ? { latestDueAt } : {})
            })
      )
    }
    case "RecordOutcome": {
      const o = c.outcome
      if (o._tag === "NotResolved") {
        if (!config.dispositions.has(o.disposition)) return bad("outcome.disposition", oneOf(config.dispositions))
        return ok({
          _tag: "OutcomeRecorded",
          outcome: { _tag: "NotResolved", disposition: o.disposition, note: o.note, at: ctx.at }
        })
      }
      const effectiveAt = o.agreement.effectiveAt
      if (effectiveAt !== undefined && (effectiveAt < s.registeredAt || effectiveAt > ctx.at)) {
        return bad(
          "outcome.agreement.effectiveAt",
          `a time between the registration at ${s.registeredAt} and the command's time ${ctx.at}`
        )
      }
      const agreement = {
        summary: o.agreement.summary,
        effectiveAt: o.agreement.effectiveAt ?? ctx.at,
        written: o.agreement.written ?? true
      }
      // the window for judicial confirmation is fixed now, as every deadline is when decided; a calendar that does
      // not cover its end yet leaves it to be computed when confirmation is requested (never a refused outcome)
      const window = mediatedByPeoples(config, s)
        ? Either.getOrUndefined(startDeadline(config, "judicialConfirmation", s, agreement.effectiveAt))
        : undefined
      return ok({
        _tag: "OutcomeRecorded",
        outcome: { _tag: "Resolved", agreement, at: ctx.at },
        ...(window !== undefined ? { judicialConfirmationWindow: window } : {})
      })
    }
    case "RequestJudicialConfirmation": {
      if (!config.departments.has(c.court)) return bad("court", `a configured department (${c.court} is unknown)`)
      const due = judicialWindowDue(config, s)
      if (Either.isLeft(due) && !surelyInJudicialWindow(config, s, latestOf(ctx.at, ctx.now))) {
        return Either.left(due.left)
      }
      return ok({
        _tag: "JudicialConfirmationRequested",
        court: c.court,
        ...(c.note !== undefined ? { note: c.note } : {})
      })
    }
    case "GiveFeedback":
      return ok({ _tag: "FeedbackGiven", rating: c.rating, ...(c.comment !== undefined ? { comment: c.comment } : {}) })
    case "RecordFollowUp": {
      const recorded: CaseEvent = {
        _tag: "FollowUpRecorded",
        result: c.result,
        ...(c.note !== undefined ? { note: c.note } : {})
      }
      if (c.result === "stable") return ok(recorded)
      return Either.map(
        startDeadline(config, "handling", s, ctx.at),
        (
          d
        ): ReadonlyArray<CaseEvent> => [recorded, {
          _tag: "Reopened",
          reason: "rebound",
          ...withDeadline("handlingDeadline", d)
        }]
      )
    }
    case "Archive":
      return ok({ _tag: "Archived" })
    case "Withdraw":
      return ok({ _tag: "Withdrawn", reason: c.reason })
    case "Regrade":
      return ok({ _tag: "RegradeRequested", reason: c.reason })
    case "RecomputeCaseDeadlines": {
      const [first, ...rest] = recomputedChanges(config, s)
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
        : ok({ _tag: "DeadlinesRecomputed", calendar: config.calendar.id, changes: [first, ...rest] })
    }
    case "IssueSupervision":
      return ok({
        _tag: "SupervisionIssued",
        orderId: c.orderId ?? ctx.commandId,
        level: c.level,
        dueAt: c.dueAt,
        note: c.note
      })
    case "AnswerSupervision":
      return ok({ _tag: "SupervisionAnswered", orderId: c.orderId, answer: c.answer })
  }
}

/**
 * Decides what a command does to a case: the events it produces, or why it is refused. Pure.
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const decide = (ctx: DecideContext, state: Case | undefined, command: Command): DecideResult => {
  const t = transition(state === undefined ? "none" : state.status, command._tag)
  if (t === undefined) return Either.left(refused(ctx, state, command._tag))
  if (command._tag === "Register") return decideRegister(ctx, command)
  const unknown = unknownNode(ctx.config, command)
  if (unknown !== undefined) return Either.left(unknown)
  const s = state!
  const fail = (guard: GuardName, reason: string) =>
    Either.left(new GuardFailed({ caseId: s.id, state: s.status, command: command._tag, guard, reason }))
  const timeProblem = guards.timeMovesForward.check(ctx, s, command)
  if (timeProblem !== undefined) return fail("timeMovesForward", timeProblem)
  for (const name of t.guards) {
    const reason = guards[name].check(ctx, s, command)
    if (reason !== undefined) return fail(name, reason)
  }
  return decideOn(ctx, s, command)
}

/**
 * The commands the table allows in the case's state whose guards could pass, for a time and an actor (both
 * optional: without an actor, the guards about who acts — the lead unit, a summoned department — are not asked).
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const enabledCommands = (
  config: Resolved,
  state: Case | undefined,
  at?: string,
  actor?: Actor
): Array<CommandName> => {
  if (state === undefined) return ["Register"]
  const row = byPhase[state.status]
  if (row === undefined) return []
  const out: Array<CommandName> = []
  for (const t of Object.values(row)) {
    if (t.guards.every((g) => guards[g].possible?.(config, state, at, actor) ?? true)) out.push(t.command)
  }
  return out
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const moved = (s: Case, env: Envelope, status: Status): Mutable<Case> => ({
  ...s,
  status,
  statusSince: s.status === status ? s.statusSince : env.at,
  version: env.version,
  updatedAt: env.at
})

const recorded = (s: Case, env: Envelope): Mutable<Case> => ({ ...s, version: env.version, updatedAt: env.at })

const without = <K extends keyof Case>(s: Mutable<Case>, ...keys: ReadonlyArray<K>): Mutable<Case> => {
  for (const k of keys) delete s[k]
  return s
}

/**
 * Applies one event to a case. `state` is `undefined` only before `Registered`. Pure; never fails on events
 * that `decide` produced (an event that does not fit throws, as it means the history itself is broken).
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const evolve = (state: Case | undefined, env: Envelope): Case => {
  const next = apply(state, env)
  // history entered late marks the case for good: timeliness can tell it apart
  return env.enteredLate === true && next.enteredLate !== true ? { ...next, enteredLate: true } : next
}

const apply = (state: Case | undefined, env: Envelope): Case => {
  const e = env.event
  if (e._tag === "Registered") {
    const c: Mutable<Case> = {
      id: env.caseId,
      centre: env.centre,
      code: e.code,
      version: env.version,
      status: "registered",
      statusSince: env.at,
      kind: e.kind,
      channel: e.channel,
      risk: e.risk,
      parties: e.parties,
      headcount: e.headcount,
      description: e.description,
      attachments: e.attachments,
      place: e.place,
      intakeNode: e.intakeNode,
      handlingNode: e.intakeNode,
      firstReceiver: env.actor,
      registeredAt: env.at,
      updatedAt: env.at,
      assistingUnits: [],
      dispatchCount: 0,
      sendBacks: [],
      sessions: [],
      consultations: [],
      summons: [],
      escalations: [],
      deadlines: e.acceptanceDeadline !== undefined ? { acceptance: e.acceptanceDeadline } : {},
      followUps: [],
      reopenCount: 0,
      supervision: []
    }
    if (e.category !== undefined) c.category = e.category
    if (e.amountAtStake !== undefined) c.amountAtStake = e.amountAtStake
    if (e.language !== undefined) c.language = e.language
    if (e.occurredAt !== undefined) c.occurredAt = e.occurredAt
    return c
  }
  if (state === undefined) {
    throw new Error(`Event ${e._tag} (version ${env.version}) before Registered on case ${env.caseId}`)
  }
  const s = state
  switch (e._tag) {
    case "Accepted": {
      const n = moved(s, env, "accepted")
      n.acceptedAt = env.at
      if (e.handlingDeadline !== undefined) n.deadlines = { ...s.deadlines, handling: e.handlingDeadline }
      return n
    }
    case "Rejected": {
      const n = moved(s, env, "rejected")
      n.rejection = { reason: e.reason, redirectTo: e.redirectTo }
      return n
    }
    case "Merged": {
      const n = moved(s, env, "merged")
      n.mergedInto = e.into
      return n
    }
    case "Assessed": {
      const n = moved(s, env, "assessed")
      n.category = e.category
      n.complexity = e.complexity
      n.risk = e.risk
      n.handlingNode = e.handlingNode
      n.assessedAt = env.at
      if (e.handlingDeadline !== undefined) n.deadlines = { ...s.deadlines, handling: e.handlingDeadline }
      return n
    }
    case "Dispatched":
    case "Redispatched": {
      const n = moved(s, env, "dispatched")
      n.leadUnit = e.leadUnit
      n.assistingUnits = e.assistingUnits
      n.dispatchedAt = env.at
      n.dispatchCount = s.dispatchCount + 1
      if (e.mediationType !== undefined) n.mediationType = e.mediationType
      else delete n.mediationType
      return n
    }
    case "SentBack": {
      const n = without(moved(s, env, "sentBack"), "leadUnit", "mediationType")
      n.assistingUnits = []
      n.sendBacks = [...s.sendBacks, { unit: e.unit, reason: e.reason, at: env.at }]
      return n
    }
    case "HandlingStarted": {
      const n = moved(s, env, "handling")
      n.handlingStartedAt = env.at
      return n
    }
    case "MediationSessionRecorded": {
      const n = recorded(s, env)
      const session: Mutable<Case["sessions"][number]> = {
        sessionId: e.sessionId,
        mediators: e.mediators,
        result: e.result,
        heldAt: e.heldAt
      }
      if (e.summary !== undefined) session.summary = e.summary
      if (e.mediationType !== undefined) session.mediationType = e.mediationType
      n.sessions = [...s.sessions, session]
      return n
    }
    case "ConsultationConvened": {
      const n = recorded(s, env)
      n.consultations = [
        ...s.consultations,
        e.conclusion !== undefined
          ? { departments: e.departments, conclusion: e.conclusion, at: env.at }
          : { departments: e.departments, at: env.at }
      ]
      return n
    }
    case "DepartmentSummoned": {
      const n = recorded(s, env)
      n.summons = [...s.summons, {
        summonsId: e.summonsId,
        department: e.department,
        reason: e.reason,
        summonedAt: env.at
      }]
      return n
    }
    case "DepartmentReported": {
      const n = recorded(s, env)
      n.summons = s.summons.map((m) =>
        m.summonsId !== e.summonsId
          ? m
          : e.note !== undefined
          ? { ...m, reportedAt: env.at, report: e.note }
          : { ...m, reportedAt: env.at }
      )
      return n
    }
    case "Escalated": {
      const n = without(moved(s, env, "escalated"), "leadUnit", "mediationType")
      n.assistingUnits = []
      n.handlingNode = e.to
      n.escalations = [...s.escalations, { from: e.from, to: e.to, reason: e.reason, at: env.at }]
      return n
    }
    case "DeadlineExtended": {
      const n = recorded(s, env)
      const d = s.deadlines[e.deadline]!
      n.deadlines = {
        ...s.deadlines,
        [e.deadline]: {
          ...withBasis(d, e),
          dueAt: e.dueAt,
          extensions: [...d.extensions, {
            amount: e.amount,
            previousDueAt: e.previousDueAt,
            approver: e.approver,
            reason: e.reason,
            at: env.at
          }]
        }
      }
      return n
    }
    case "DeadlinesRecomputed": {
      const n = recorded(s, env)
      const deadlines = { ...s.deadlines }
      for (const c of e.changes) {
        const d = deadlines[c.deadline]
        if (d !== undefined) deadlines[c.deadline] = { ...withBasis(d, c), dueAt: c.dueAt }
      }
      n.deadlines = deadlines
      return n
    }
    case "OutcomeRecorded": {
      const n = moved(s, env, "closed")
      n.outcome = e.outcome
      n.closedAt = env.at
      if (e.judicialConfirmationWindow !== undefined) {
        n.deadlines = { ...s.deadlines, judicialConfirmation: e.judicialConfirmationWindow }
      }
      return n
    }
    case "JudicialConfirmationRequested": {
      const n = recorded(s, env)
      n.judicialConfirmation = e.note !== undefined
        ? { court: e.court, note: e.note, requestedAt: env.at }
        : { court: e.court, requestedAt: env.at }
      return n
    }
    case "FeedbackGiven": {
      const n = moved(s, env, "feedbackGiven")
      n.feedback = e.comment !== undefined
        ? { rating: e.rating, comment: e.comment, at: env.at }
        : { rating: e.rating, at: env.at }
      n.feedbackAt = env.at
      return n
    }
    case "FollowUpRecorded": {
      const n = recorded(s, env)
      n.followUps = [
        ...s.followUps,
        e.note !== undefined ? { result: e.result, note: e.note, at: env.at } : { result: e.result, at: env.at }
      ]
      return n
    }
    case "Reopened": {
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
    case "RegradeRequested":
      return recorded(s, env)
    case "RiskGraded": {
      const n = recorded(s, env)
      n.risk = e.risk
      return n
    }
    case "Archived": {
      const n = moved(s, env, "archived")
      n.archivedAt = env.at
      return n
    }
    case "Withdrawn": {
      const n = moved(s, env, "withdrawn")
      n.withdrawal = { reason: e.reason }
      return n
    }
    case "SupervisionIssued": {
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
    case "SupervisionAnswered": {
      const n = recorded(s, env)
      n.supervision = s.supervision.map((o) =>
        o.orderId === e.orderId ? { ...o, answeredAt: env.at, answer: e.answer } : o
      )
      return n
    }
  }
}

/**
 * Folds events into a case (`undefined` for no events).
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const replay = (events: Iterable<Envelope>, from?: Case): Case | undefined => {
  let s = from
  for (const env of events) s = evolve(s, env)
  return s
}

/**
 * The civil date (in the centre's time zone) of an instant; handy for reports.
 *
 * @since 0.1.0
 * @category utils
 */
export const civilDate = (config: Resolved, at: string): string => civilDateOf(at, config.utcOffsetMinutes)

/**
 * The lifecycle of a centre as a graph (JSON): the states its configuration can reach, the commands it enables
 * (and those it leaves out, with the reason), each edge with its guards and roles. Without a configuration, the
 * whole table. See `LifecycleDiagram`.
 *
 * @since 0.1.0
 * @category diagrams
 */
export const toGraph = (
  config?: Resolved | CenterConfigInput,
  options?: LifecycleDiagram.Options
): LifecycleDiagram.Graph => LifecycleDiagram.make(transitions, config, options)

/**
 * The lifecycle of a centre as a mermaid state diagram, guards included: {@link toGraph} drawn by
 * `LifecycleDiagram.toMermaid`.
 *
 * @since 0.1.0
 * @category diagrams
 */
export const toMermaid = (
  config?: Resolved | CenterConfigInput,
  options?: LifecycleDiagram.Options & LifecycleDiagram.MermaidOptions
): string => LifecycleDiagram.toMermaid(toGraph(config, options), options)
