/**
 * The baseline for the lifecycle benchmark: a hand-written reducer `(state, command) → state` that does what
 * `Lifecycle.decide` followed by `Lifecycle.evolve` does for the commands of the workload, directly: a switch on
 * the command's tag, the same table checks and guards inline, the same validations against the configuration,
 * the same deadline computation (`Deadline.findRule` + `Deadline.dueWithBasis`), and the same immutable update of
 * the case, but no events, no envelopes, no `Either` and no guard table. The benchmark checks once, before timing,
 * that it produces exactly the states decide+evolve produce.
 *
 * It refuses by throwing (the workload never triggers a refusal), and supports only the commands the workload
 * uses.
 */
import { type Case, CenterConfig, type Command, Deadline, type Lifecycle } from "@fengqiao/core"
import * as Either from "effect/Either"

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
type State = Case.Case
type Cmd = Command.Command
type Of<T extends Cmd["_tag"]> = Extract<Cmd, { readonly _tag: T }>

const refuse = (reason: string): never => {
  throw new Error(`baseline refused: ${reason}`)
}

const startDeadline = (
  config: CenterConfig.Resolved,
  clock: Deadline.DeadlineClock,
  subject: Deadline.RuleSubject,
  from: string
): Deadline.Deadline | undefined => {
  const rule = Deadline.findRule(config.deadlines, clock, subject)
  if (rule === undefined) return undefined
  const due = Deadline.dueWithBasis(config.calendar, config.utcOffsetMinutes, from, rule.duration)
  if (Either.isLeft(due)) throw due.left
  return {
    ruleId: rule.id,
    unit: rule.duration.unit,
    startedAt: from,
    dueAt: due.right.dueAt,
    basis: due.right.basis,
    ...(due.right.latestDueAt !== undefined ? { latestDueAt: due.right.latestDueAt } : {}),
    extensions: []
  }
}

const moved = (s: State, at: string, status: Case.Status, version = s.version + 1): Mutable<State> => ({
  ...s,
  status,
  statusSince: s.status === status ? s.statusSince : at,
  version,
  updatedAt: at
})

const recorded = (s: State, at: string): Mutable<State> => ({ ...s, version: s.version + 1, updatedAt: at })

const isOpen = (status: Case.Status) =>
  status === "registered" || status === "accepted" || status === "assessed" || status === "dispatched" ||
  status === "sentBack" || status === "handling" || status === "escalated"

const mustBeLeadUnit = (s: State, c: Cmd) => {
  const a = c.actor
  if (a.department !== undefined && !a.roles.includes("admin") && a.department !== s.leadUnit) {
    refuse(`actor belongs to ${a.department}, the lead unit is ${s.leadUnit ?? "none"}`)
  }
}

const register = (ctx: Lifecycle.DecideContext, c: Of<"Register">): State => {
  const { config } = ctx
  if (!config.caseKinds.has(c.kind)) refuse("kind")
  if (!config.channels.has(c.channel)) refuse("channel")
  if (config.tree.get(c.place) === undefined) refuse("place")
  const intakeNode = c.intakeNode ?? c.actor.jurisdiction
  if (config.tree.get(intakeNode) === undefined) refuse("intakeNode")
  if (c.category !== undefined && !config.categories.has(c.category)) refuse("category")
  let persons = 0
  for (const p of c.parties) if (p._tag === "Person") persons++
  const headcount = c.headcount ?? Math.max(1, persons)
  if (headcount < persons) refuse("headcount")
  if (ctx.code === undefined) refuse("code")
  const acceptance = startDeadline(config, "acceptance", c, ctx.at)
  const s: Mutable<State> = {
    id: ctx.caseId,
    centre: config.id,
    code: ctx.code!,
    version: 1,
    status: "registered",
    statusSince: ctx.at,
    kind: c.kind,
    channel: c.channel,
    risk: { level: config.defaultRiskLevel.id, source: "default" },
    parties: c.parties,
    headcount,
    description: c.description,
    attachments: c.attachments ?? [],
    place: c.place,
    intakeNode,
    handlingNode: intakeNode,
    firstReceiver: c.actor,
    registeredAt: ctx.at,
    updatedAt: ctx.at,
    assistingUnits: [],
    dispatchCount: 0,
    sendBacks: [],
    sessions: [],
    consultations: [],
    summons: [],
    escalations: [],
    deadlines: acceptance !== undefined ? { acceptance } : {},
    followUps: [],
    reopenCount: 0,
    supervision: []
  }
  if (c.category !== undefined) s.category = c.category
  if (c.amountAtStake !== undefined) s.amountAtStake = c.amountAtStake
  if (c.language !== undefined) s.language = c.language
  if (c.occurredAt !== undefined) s.occurredAt = c.occurredAt
  return s
}

const dispatch = (ctx: Lifecycle.DecideContext, s: State, c: Of<"Dispatch"> | Of<"Redispatch">): State => {
  const { config } = ctx
  const at = ctx.at
  // leadUnitMayMediate
  if (c.mediationType !== undefined) {
    const mt = config.mediationTypes.get(c.mediationType)
    const nature = CenterConfig.natureOf(config, c.leadUnit)
    if (mt !== undefined && nature !== undefined && !mt.performedBy.includes(nature)) refuse("leadUnitMayMediate")
  }
  // leadUnitServesHandlingNode
  const lead = config.departments.get(c.leadUnit)
  if (
    lead !== undefined && !config.tree.isWithin(s.handlingNode, lead.jurisdiction) &&
    !config.tree.isWithin(lead.jurisdiction, s.handlingNode)
  ) refuse("leadUnitServesHandlingNode")
  // assistingUnitsDistinct
  const assisting = c.assistingUnits ?? []
  if (assisting.includes(c.leadUnit) || new Set(assisting).size !== assisting.length) refuse("assistingUnitsDistinct")
  // configured units and mediation type
  if (lead === undefined) refuse("leadUnit")
  for (const u of assisting) if (!config.departments.has(u)) refuse("assistingUnits")
  if (c.mediationType !== undefined && !config.mediationTypes.has(c.mediationType)) refuse("mediationType")
  const n = moved(s, at, "dispatched")
  n.leadUnit = c.leadUnit
  n.assistingUnits = assisting
  n.dispatchedAt = at
  n.dispatchCount = s.dispatchCount + 1
  if (c.mediationType !== undefined) n.mediationType = c.mediationType
  else delete n.mediationType
  return n
}

/**
 * The hand-written reducer. `ctx` carries what the command alone does not say: the configuration, the case id,
 * the effective command id and time, and the case code for `Register` (the same context `decide` gets).
 */
export const reduce = (state: State | undefined, c: Cmd, ctx: Lifecycle.DecideContext): State => {
  if (c._tag === "Register") {
    if (state !== undefined) refuse("case exists")
    return register(ctx, c)
  }
  if (state === undefined) return refuse(`${c._tag} on a case that does not exist`)
  const s = state
  const { at, config } = ctx
  if (at < s.updatedAt) refuse("timeMovesForward")
  switch (c._tag) {
    case "Accept": {
      if (s.status !== "registered") refuse("Accept not allowed")
      const d = startDeadline(config, "handling", s, at)
      const n = moved(s, at, "accepted")
      n.acceptedAt = at
      if (d !== undefined) n.deadlines = { ...s.deadlines, handling: d }
      return n
    }
    case "Assess": {
      if (s.status !== "accepted" && s.status !== "assessed" && s.status !== "sentBack" && s.status !== "escalated") {
        refuse("Assess not allowed")
      }
      if (!config.categories.has(c.category)) refuse("category")
      if (!config.complexities.has(c.complexity)) refuse("complexity")
      if (c.risk !== undefined && !config.riskLevels.has(c.risk.level)) refuse("risk.level")
      const handlingNode = c.handlingNode ?? s.handlingNode
      if (config.tree.get(handlingNode) === undefined) refuse("handlingNode")
      const d = s.deadlines.handling !== undefined || s.acceptedAt === undefined
        ? undefined
        : startDeadline(
          config,
          "handling",
          { kind: s.kind, channel: s.channel, complexity: c.complexity },
          s.acceptedAt
        )
      const n = moved(s, at, "assessed")
      n.category = c.category
      n.complexity = c.complexity
      n.risk = c.risk !== undefined
        ? c.risk.reason !== undefined
          ? {
            level: c.risk.level,
            source: "manual",
            factors: [{ id: "manual", contribution: 0, detail: c.risk.reason }]
          }
          : { level: c.risk.level, source: "manual" }
        : s.risk
      n.handlingNode = handlingNode
      n.assessedAt = at
      if (d !== undefined) n.deadlines = { ...s.deadlines, handling: d }
      return n
    }
    case "Dispatch":
      if (s.status !== "assessed" && s.status !== "escalated") refuse("Dispatch not allowed")
      return dispatch(ctx, s, c)
    case "Redispatch":
      if (s.status !== "dispatched" && s.status !== "sentBack" && s.status !== "handling") {
        refuse("Redispatch not allowed")
      }
      return dispatch(ctx, s, c)
    case "SendBack": {
      if (s.status !== "dispatched") refuse("SendBack not allowed")
      mustBeLeadUnit(s, c)
      const n = moved(s, at, "sentBack")
      delete n.leadUnit
      delete n.mediationType
      n.assistingUnits = []
      n.sendBacks = [...s.sendBacks, { unit: s.leadUnit!, reason: c.reason, at }]
      return n
    }
    case "StartHandling": {
      if (s.status !== "dispatched") refuse("StartHandling not allowed")
      mustBeLeadUnit(s, c)
      const n = moved(s, at, "handling")
      n.handlingStartedAt = at
      return n
    }
    case "RecordMediationSession": {
      if (s.status !== "handling") refuse("RecordMediationSession not allowed")
      mustBeLeadUnit(s, c)
      const sessionId = c.sessionId ?? ctx.commandId
      for (const x of s.sessions) {
        if (x.result === "partyRefused" && x.mediationType === s.mediationType) refuse("mediationNotRefused")
        if (x.sessionId === sessionId) refuse("sessionIdUnique")
      }
      const session: Mutable<State["sessions"][number]> = {
        sessionId,
        mediators: c.mediators,
        result: c.result,
        heldAt: c.heldAt ?? at
      }
      if (c.summary !== undefined) session.summary = c.summary
      if (s.mediationType !== undefined) session.mediationType = s.mediationType
      const n = recorded(s, at)
      n.sessions = [...s.sessions, session]
      return n
    }
    case "SummonDepartment": {
      if (s.status !== "handling") refuse("SummonDepartment not allowed")
      mustBeLeadUnit(s, c)
      const summonsId = c.summonsId ?? ctx.commandId
      if (s.summons.some((m) => m.summonsId === summonsId)) refuse("summonsIdUnique")
      if (!config.departments.has(c.department)) refuse("department")
      const n = recorded(s, at)
      n.summons = [...s.summons, { summonsId, department: c.department, reason: c.reason, summonedAt: at }]
      return n
    }
    case "RecordReport": {
      if (s.status !== "handling") refuse("RecordReport not allowed")
      const x = s.summons.find((m) => m.summonsId === c.summonsId)
      if (x === undefined || x.reportedAt !== undefined) refuse("summonsPending")
      const a = c.actor
      if (
        a.department !== undefined && !a.roles.includes("admin") && a.department !== s.leadUnit &&
        a.department !== x!.department
      ) refuse("actorIsLeadOrSummoned")
      const n = recorded(s, at)
      n.summons = s.summons.map((m) =>
        m.summonsId !== c.summonsId
          ? m
          : c.note !== undefined
          ? { ...m, reportedAt: at, report: c.note }
          : { ...m, reportedAt: at }
      )
      return n
    }
    case "RecordOutcome": {
      if (s.status !== "handling") refuse("RecordOutcome not allowed")
      mustBeLeadUnit(s, c)
      const o = c.outcome
      if (o._tag === "NotResolved" && !config.dispositions.has(o.disposition)) refuse("outcome.disposition")
      const n = moved(s, at, "closed")
      n.outcome = o._tag === "NotResolved"
        ? { _tag: "NotResolved", disposition: o.disposition, note: o.note, at }
        : {
          _tag: "Resolved",
          agreement: {
            summary: o.agreement.summary,
            effectiveAt: o.agreement.effectiveAt ?? at,
            written: o.agreement.written ?? true
          },
          at
        }
      n.closedAt = at
      if (
        o._tag === "Resolved" && s.mediationType !== undefined &&
        config.mediationTypes.get(s.mediationType)?.performedBy.includes("peoplesMediation") === true
      ) {
        const rule = Deadline.findRule(config.deadlines, "judicialConfirmation", s)
        const effectiveAt = o.agreement.effectiveAt ?? at
        const due = rule === undefined
          ? undefined
          : Deadline.dueWithBasis(config.calendar, config.utcOffsetMinutes, effectiveAt, rule.duration)
        if (rule !== undefined && due !== undefined && Either.isRight(due)) {
          n.deadlines = {
            ...s.deadlines,
            judicialConfirmation: {
              ruleId: rule.id,
              unit: rule.duration.unit,
              startedAt: effectiveAt,
              dueAt: due.right.dueAt,
              basis: due.right.basis,
              ...(due.right.latestDueAt !== undefined ? { latestDueAt: due.right.latestDueAt } : {}),
              extensions: []
            }
          }
        }
      }
      return n
    }
    case "GiveFeedback": {
      if (s.status !== "closed") refuse("GiveFeedback not allowed")
      const n = moved(s, at, "feedbackGiven")
      n.feedback = c.comment !== undefined ? { rating: c.rating, comment: c.comment, at } : { rating: c.rating, at }
      n.feedbackAt = at
      return n
    }
    case "RecordFollowUp": {
      if (s.status !== "feedbackGiven") refuse("RecordFollowUp not allowed")
      const followUps = [
        ...s.followUps,
        c.note !== undefined ? { result: c.result, note: c.note, at } : { result: c.result, at }
      ]
      if (c.result === "stable") {
        const n = recorded(s, at)
        n.followUps = followUps
        return n
      }
      // A rebound: the follow-up and the reopening, two versions at once.
      const d = startDeadline(config, "handling", s, at)
      const n = moved(s, at, "handling", s.version + 2)
      n.followUps = followUps
      delete n.outcome
      delete n.closedAt
      delete n.feedback
      delete n.feedbackAt
      delete n.judicialConfirmation
      n.reopenCount = s.reopenCount + 1
      const { judicialConfirmation: _, ...deadlines } = s.deadlines
      n.deadlines = d !== undefined ? { ...deadlines, handling: d } : deadlines
      return n
    }
    case "Archive": {
      if (
        s.status !== "feedbackGiven" && s.status !== "rejected" && s.status !== "merged" && s.status !== "withdrawn"
      ) refuse("Archive not allowed")
      if (s.supervision.some((o) => o.answeredAt === undefined)) refuse("noPendingSupervision")
      const n = moved(s, at, "archived")
      n.archivedAt = at
      return n
    }
    case "IssueSupervision": {
      if (!isOpen(s.status)) refuse("IssueSupervision not allowed")
      const orderId = c.orderId ?? ctx.commandId
      if (s.supervision.some((o) => o.orderId === orderId)) refuse("orderIdUnique")
      if (c.dueAt <= at) refuse("orderDueAfterIssue")
      const n = recorded(s, at)
      n.supervision = [...s.supervision, {
        orderId,
        level: c.level,
        note: c.note,
        issuedBy: c.actor.id,
        issuedAt: at,
        dueAt: c.dueAt
      }]
      return n
    }
    case "AnswerSupervision": {
      if (
        s.status === "archived" || !(isOpen(s.status) || s.status === "closed" || s.status === "feedbackGiven" ||
          s.status === "rejected" || s.status === "merged" || s.status === "withdrawn")
      ) refuse("AnswerSupervision not allowed")
      mustBeLeadUnit(s, c)
      const o = s.supervision.find((x) => x.orderId === c.orderId)
      if (o === undefined || o.answeredAt !== undefined) refuse("orderPending")
      const n = recorded(s, at)
      n.supervision = s.supervision.map((x) => x.orderId === c.orderId ? { ...x, answeredAt: at, answer: c.answer } : x)
      return n
    }
    default:
      return refuse(`the baseline does not implement ${c._tag}`)
  }
}
