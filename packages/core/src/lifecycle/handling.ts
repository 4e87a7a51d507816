/**
 * Handling (办理): the lead unit starts handling the case, holds mediation sessions, convenes consultations,
 * summons departments (吹哨) that report in (报到), escalates (上报), has deadlines extended and records the outcome.
 *
 * @since 0.3.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { Case } from "../Case.js"
import { MediationResult, openStatuses, Outcome } from "../Case.js"
import * as Deadline from "../Deadline.js"
import { DivisionCode, Id, Key, Name, Note, optionalField, Timestamp, TimestampInput } from "../Primitives.js"
import { defineCommand, onCase, opt } from "./define.js"
import { appendSession } from "./sessionIndex.js"
import type { Mutable } from "./shared.js"
import { bad, mediatedByPeoples, moved, ok, oneOf, recorded, startDeadline, withBasis, without } from "./shared.js"

/**
 * 开始办理: the lead unit starts handling the case.
 *
 * @since 0.1.0
 * @category commands
 */
export const StartHandling = Schema.TaggedStruct("StartHandling", onCase).annotations({ identifier: "StartHandling" })

/**
 * @since 0.1.0
 * @category events
 */
export const HandlingStarted = Schema.TaggedStruct("HandlingStarted", {})

/**
 * 开始办理.
 *
 * @since 0.3.0
 * @category definitions
 */
export const startHandling = defineCommand({
  command: StartHandling,
  events: [HandlingStarted],
  row: { from: ["dispatched"], to: ["handling"] },
  guards: ["actorIsLeadUnit"],
  decide: () => ok({ _tag: "HandlingStarted" as const }),
  evolve: {
    HandlingStarted: (s, env) => {
      const n = moved(s, env, "handling")
      n.handlingStartedAt = env.at
      return n
    }
  },
  labels: { "zh-Hans": "开始办理", "zh-Hant": "開始辦理", en: "Start handling", ko: "처리 시작" },
  permissions: ["handler"]
})

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
 * 调解.
 *
 * @since 0.3.0
 * @category definitions
 */
export const recordMediationSession = defineCommand({
  command: RecordMediationSession,
  events: [MediationSessionRecorded],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: ["actorIsLeadUnit", "mediationNotRefused", "sessionIdUnique"],
  decide: (ctx, s, c) => {
    if (c.heldAt !== undefined && (c.heldAt < s.registeredAt || c.heldAt > ctx.at)) {
      return bad("heldAt", `a time between the registration at ${s.registeredAt} and the command's time ${ctx.at}`)
    }
    return ok({
      _tag: "MediationSessionRecorded" as const,
      sessionId: c.sessionId ?? ctx.commandId,
      mediators: c.mediators,
      result: c.result,
      heldAt: c.heldAt ?? ctx.at,
      ...(c.summary !== undefined ? { summary: c.summary } : {}),
      ...(s.mediationType !== undefined ? { mediationType: s.mediationType } : {})
    })
  },
  evolve: {
    MediationSessionRecorded: (s, env) => {
      const e = env.event
      const n = recorded(s, env)
      const session: Mutable<Case["sessions"][number]> = {
        sessionId: e.sessionId,
        mediators: e.mediators,
        result: e.result,
        heldAt: e.heldAt
      }
      if (e.summary !== undefined) session.summary = e.summary
      if (e.mediationType !== undefined) session.mediationType = e.mediationType
      n.sessions = appendSession(s.sessions, session)
      return n
    }
  },
  labels: { "zh-Hans": "记录调解", "zh-Hant": "記錄調解", en: "Record mediation session", ko: "조정 기록" },
  permissions: ["handler"]
})

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
 * @since 0.1.0
 * @category events
 */
export const ConsultationConvened = Schema.TaggedStruct("ConsultationConvened", {
  departments: Schema.Array(Key),
  conclusion: opt(Note)
})

/**
 * 联合会商.
 *
 * @since 0.3.0
 * @category definitions
 */
export const conveneConsultation = defineCommand({
  command: ConveneConsultation,
  events: [ConsultationConvened],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: ["actorIsLeadUnit"],
  decide: (ctx, _s, c) => {
    for (const [i, d] of c.departments.entries()) {
      if (!ctx.config.departments.has(d)) return bad(`departments.${i}`, `a configured department (${d} is unknown)`)
      if (c.departments.indexOf(d) < i) return bad(`departments.${i}`, `a department listed once (${d} repeats)`)
    }
    return ok({
      _tag: "ConsultationConvened" as const,
      departments: c.departments,
      ...(c.conclusion !== undefined ? { conclusion: c.conclusion } : {})
    })
  },
  evolve: {
    ConsultationConvened: (s, env) => {
      const e = env.event
      const n = recorded(s, env)
      n.consultations = [
        ...s.consultations,
        e.conclusion !== undefined
          ? { departments: e.departments, conclusion: e.conclusion, at: env.at }
          : { departments: e.departments, at: env.at }
      ]
      return n
    }
  },
  labels: { "zh-Hans": "联合会商", "zh-Hant": "聯合會商", en: "Convene joint consultation", ko: "합동 협의" },
  permissions: ["handler"]
})

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
 * @since 0.1.0
 * @category events
 */
export const DepartmentSummoned = Schema.TaggedStruct("DepartmentSummoned", {
  summonsId: Id,
  department: Key,
  reason: Note
})

/**
 * 吹哨.
 *
 * @since 0.3.0
 * @category definitions
 */
export const summonDepartment = defineCommand({
  command: SummonDepartment,
  events: [DepartmentSummoned],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: ["actorIsLeadUnit", "summonsIdUnique", "summonedServesCase"],
  decide: (ctx, _s, c) => {
    if (!ctx.config.departments.has(c.department)) {
      return bad("department", `a configured department (${c.department} is unknown)`)
    }
    return ok({
      _tag: "DepartmentSummoned" as const,
      summonsId: c.summonsId ?? ctx.commandId,
      department: c.department,
      reason: c.reason
    })
  },
  evolve: {
    DepartmentSummoned: (s, env) => {
      const e = env.event
      const n = recorded(s, env)
      n.summons = [...s.summons, {
        summonsId: e.summonsId,
        department: e.department,
        reason: e.reason,
        summonedAt: env.at
      }]
      return n
    }
  },
  labels: { "zh-Hans": "吹哨", "zh-Hant": "吹哨", en: "Summon a department", ko: "부문 호출" },
  permissions: ["handler"]
})

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
 * @since 0.1.0
 * @category events
 */
export const DepartmentReported = Schema.TaggedStruct("DepartmentReported", { summonsId: Id, note: opt(Note) })

/**
 * 报到.
 *
 * @since 0.3.0
 * @category definitions
 */
export const recordReport = defineCommand({
  command: RecordReport,
  events: [DepartmentReported],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: ["summonsPending", "actorIsLeadOrSummoned"],
  decide: (_ctx, _s, c) =>
    ok({
      _tag: "DepartmentReported" as const,
      summonsId: c.summonsId,
      ...(c.note !== undefined ? { note: c.note } : {})
    }),
  evolve: {
    DepartmentReported: (s, env) => {
      const e = env.event
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
  },
  labels: { "zh-Hans": "报到", "zh-Hant": "報到", en: "Record report-in", ko: "출석 보고" },
  permissions: ["handler"]
})

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
 * @since 0.1.0
 * @category events
 */
export const Escalated = Schema.TaggedStruct("Escalated", { from: DivisionCode, to: DivisionCode, reason: Note })

/**
 * 上报.
 *
 * @since 0.3.0
 * @category definitions
 */
export const escalate = defineCommand({
  command: Escalate,
  events: [Escalated],
  row: { from: ["assessed", "dispatched", "sentBack", "handling", "escalated"], to: ["escalated"] },
  guards: ["actorIsLeadUnit", "escalationRaisesTier"],
  nodes: (c) => [["to", c.to]],
  decide: (_ctx, s, c) => ok({ _tag: "Escalated" as const, from: s.handlingNode, to: c.to, reason: c.reason }),
  evolve: {
    Escalated: (s, env) => {
      const e = env.event
      const n = without(moved(s, env, "escalated"), "leadUnit", "mediationType")
      n.assistingUnits = []
      n.handlingNode = e.to
      n.escalations = [...s.escalations, { from: e.from, to: e.to, reason: e.reason, at: env.at }]
      return n
    }
  },
  labels: { "zh-Hans": "上报", "zh-Hant": "上報", en: "Escalate", ko: "상급 보고" },
  permissions: ["dispatcher", "handler"]
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
  basis: opt(Deadline.Basis),
  latestDueAt: opt(Timestamp)
})

/**
 * 延期.
 *
 * @since 0.3.0
 * @category definitions
 */
export const extendDeadline = defineCommand({
  command: ExtendDeadline,
  events: [DeadlineExtended],
  row: { from: openStatuses, to: ["unchanged"] },
  guards: ["extensionWithinRule"],
  decide: (ctx, s, c) => {
    const { config } = ctx
    const d = s.deadlines[c.deadline]!
    return Either.flatMap(
      Deadline.extendedDue(
        config.calendar,
        config.utcOffsetMinutes,
        d,
        config.deadlines.find((r) => r.id === d.ruleId),
        c.amount
      ),
      ({ basis, dueAt, latestDueAt }) =>
        // The period grows from its start, so when the due date was rolled forward past rest days a short
        // extension can end before it: refused, rather than using up one of the rule's extensions for nothing
        dueAt <= d.dueAt
          ? bad(
            "amount",
            `an extension that moves the due time: ${c.amount} more ${d.unit} still end by ${d.dueAt}, the due time rolled forward past rest days`
          )
          : ok({
            _tag: "DeadlineExtended" as const,
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
  },
  evolve: {
    DeadlineExtended: (s, env) => {
      const e = env.event
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
  },
  labels: { "zh-Hans": "延期", "zh-Hant": "延期", en: "Extend deadline", ko: "기한 연장" },
  permissions: ["supervisor"]
})

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
  judicialConfirmationWindow: opt(Deadline.Deadline)
})

/**
 * 办结.
 *
 * @since 0.3.0
 * @category definitions
 */
export const recordOutcome = defineCommand({
  command: RecordOutcome,
  events: [OutcomeRecorded],
  row: { from: ["handling"], to: ["closed"] },
  guards: ["actorIsLeadUnit"],
  decide: (ctx, s, c) => {
    const { config } = ctx
    const o = c.outcome
    if (o._tag === "NotResolved") {
      if (!config.dispositions.has(o.disposition)) return bad("outcome.disposition", oneOf(config.dispositions))
      return ok({
        _tag: "OutcomeRecorded" as const,
        outcome: { _tag: "NotResolved" as const, disposition: o.disposition, note: o.note, at: ctx.at }
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
      _tag: "OutcomeRecorded" as const,
      outcome: { _tag: "Resolved" as const, agreement, at: ctx.at },
      ...(window !== undefined ? { judicialConfirmationWindow: window } : {})
    })
  },
  evolve: {
    OutcomeRecorded: (s, env) => {
      const e = env.event
      const n = moved(s, env, "closed")
      n.outcome = e.outcome
      n.closedAt = env.at
      if (e.judicialConfirmationWindow !== undefined) {
        n.deadlines = { ...s.deadlines, judicialConfirmation: e.judicialConfirmationWindow }
      }
      return n
    }
  },
  labels: { "zh-Hans": "办结", "zh-Hant": "辦結", en: "Record outcome", ko: "처리 결과 기록" },
  permissions: ["handler"]
})

/**
 * The commands of handling, in lifecycle order.
 *
 * @since 0.3.0
 * @category definitions
 */
export const handling = [
  startHandling,
  recordMediationSession,
  conveneConsultation,
  summonDepartment,
  recordReport,
  escalate,
  extendDeadline,
  recordOutcome
] as const
