/**
 * The guards of the lifecycle table, by name: what each checks, the check itself, and whether a command could pass
 * it at all in a state (for `enabledCommands`).
 *
 * @since 0.3.0
 */
import * as Either from "effect/Either"
import type { Actor } from "../Actor.js"
import type { Case } from "../Case.js"
import { isOpen } from "../Case.js"
import type { Resolved } from "../CenterConfig.js"
import { natureOf } from "../CenterConfig.js"
import { recomputedChanges } from "../internal/recompute.js"
import type { DecideContext, GuardName } from "./define.js"
import type { Command } from "./registry.js"
import { hasSession, refusedMediation } from "./sessionIndex.js"
import {
  actsForLeadUnit,
  isPeoplesAgreement,
  judicialWindowDue,
  latestOf,
  pendingOrders,
  surelyInJudicialWindow,
  unitFits,
  unitServes
} from "./shared.js"

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
      refusedMediation(s.sessions, s.mediationType)
        ? "a party has refused mediation of this type; record the outcome or re-dispatch"
        : undefined,
    possible: (_, s) => !refusedMediation(s.sessions, s.mediationType)
  },
  sessionIdUnique: {
    description: "The session id is new on this case.",
    check: (ctx, s, c) => {
      const id = c._tag === "RecordMediationSession" ? c.sessionId ?? ctx.commandId : undefined
      return id !== undefined && hasSession(s.sessions, id)
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
      // a window the calendar cannot compute is the command's typed `CalendarYearNotCovered` (see the decide of RequestJudicialConfirmation), unless
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
