import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as SchemaAST from "effect/SchemaAST"
import type { Case } from "../src/Case.js"
import { Command, type CommandName, commandNames } from "../src/Command.js"
import * as Deadline from "../src/Deadline.js"
import { eventNames } from "../src/Event.js"
import * as I18n from "../src/I18n.js"
import * as Lifecycle from "../src/Lifecycle.js"
import * as Closing from "../src/lifecycle/closing.js"
import * as Handling from "../src/lifecycle/handling.js"
import * as Intake from "../src/lifecycle/intake.js"
import * as Routing from "../src/lifecycle/routing.js"
import * as Supervision from "../src/lifecycle/supervision.js"
import * as Policy from "../src/Policy.js"
import { admin, applicant, respondent, townshipIntake } from "./fixtures.js"
import { registerInput, resolved, Scenario } from "./harness.js"

const decodeCommand = ParseResult.decodeUnknownSync(Command)

const guardOf = (
  e: { readonly _tag: string }
) => (e._tag === "GuardFailed" ? (e as unknown as { guard: string }).guard : e._tag)

describe("Lifecycle table", () => {
  it("every command has a row, every row leads to known states, and Register is the only way in", () => {
    const names = new Set(Lifecycle.transitions.map((t) => t.command))
    expect(names.size).toBe(Lifecycle.transitions.length)
    // every command of the Command union has exactly one row, in the union's order, and nothing else has one
    expect(Lifecycle.transitions.map((t) => t.command)).toEqual(commandNames)
    const tagOf = (ast: SchemaAST.AST) => {
      const t = SchemaAST.getPropertySignatures(ast).find((p) => p.name === "_tag")?.type
      return t !== undefined && SchemaAST.isLiteral(t) ? t.literal : undefined
    }
    expect(Command.members.map((m) => tagOf(m.ast))).toEqual(commandNames)
    for (const t of Lifecycle.transitions) {
      expect(t.from.length).toBeGreaterThan(0)
      for (const g of t.guards) expect(Lifecycle.guards[g]).toBeDefined()
      if (t.command !== "Register") expect(t.from).not.toContain("none")
    }
    expect(Lifecycle.transition("none", "Register")?.to).toEqual(["registered"])
  })

  it("every command module is complete: a first event it records, evolvers, labels and default roles", () => {
    const events = new Set<string>(eventNames)
    const owned: Array<string> = []
    for (const d of Lifecycle.definitions) {
      expect(d.eventNames.length, d.name).toBeGreaterThan(0)
      expect(Lifecycle.firstEventOf[d.name as CommandName]).toBe(d.eventNames[0])
      for (const e of d.eventNames) {
        expect(events.has(e), `${d.name} records ${e}`).toBe(true)
        expect(typeof (d.evolve as Record<string, unknown>)[e], `${d.name} evolves ${e}`).toBe("function")
        owned.push(e)
      }
      for (const locale of ["zh-Hans", "zh-Hant", "en", "ko"] as const) {
        expect(I18n.label(`command.${d.name}`, locale), `${d.name} ${locale}`).toBe(d.labels[locale])
      }
      const roles = Object.entries(Policy.defaultPermissions)
        .filter(([role, p]) => role !== "admin" && p !== "*" && p.includes(d.name as CommandName))
      expect(roles.length, `${d.name} has a role besides admin`).toBeGreaterThan(0)
    }
    // each event is owned by one command, except RiskGraded, which plugins record after any command
    expect(new Set(owned).size).toBe(owned.length)
    expect(eventNames.filter((e) => !owned.includes(e))).toEqual(["RiskGraded"])
  })

  it("every definition of a phase file is in the registry (a module left out of its phase's list would be lost)", () => {
    const inRegistry = new Set<unknown>(Lifecycle.definitions)
    for (const phase of [Intake, Routing, Handling, Closing, Supervision]) {
      for (const value of Object.values(phase)) {
        if (typeof value === "object" && value !== null && (value as { _kind?: unknown })._kind === "command") {
          expect(inRegistry.has(value), (value as { name: string }).name).toBe(true)
        }
      }
    }
  })

  it("nothing is allowed after archive", () => {
    for (const t of Lifecycle.transitions) expect(t.from).not.toContain("archived")
  })

  it("archive is reachable only after feedback, rejection, merge or withdrawal", () => {
    expect([...Lifecycle.transition("feedbackGiven", "Archive")!.from].sort()).toEqual(
      ["feedbackGiven", "merged", "rejected", "withdrawn"]
    )
  })
})

describe("Register (登记)", () => {
  it("creates the case with its code, first receiver and intake node", () => {
    const s = new Scenario().register()
    expect(s.case).toMatchObject({
      status: "registered",
      code: "222403-2025-000001",
      version: 1,
      firstReceiver: { id: "admin-1" },
      handlingNode: "222403100201",
      headcount: 2,
      risk: { level: "none", source: "default" }
    })
    expect(s.case.deadlines.acceptance).toBeUndefined()
  })

  it("a petition gets the 15-day acceptance deadline (信访工作条例)", () => {
    const s = new Scenario("2025-03-03T09:00:00+08:00").register({ kind: "petition" })
    expect(s.case.deadlines.acceptance).toMatchObject({
      ruleId: "petitionAcceptance",
      dueAt: "2025-03-18T15:59:59.999Z"
    })
  })

  it("rejects unknown taxonomy values and places with InvalidInput naming the field", () => {
    const s = new Scenario()
    const base = {
      _tag: "Register",
      kind: "dispute",
      channel: "walkIn",
      place: "222403100201",
      parties: [applicant],
      description: "x"
    }
    expect(s.refuse({ ...base, kind: "complaint" })).toMatchObject({ _tag: "InvalidInput", field: "kind" })
    expect(s.refuse({ ...base, channel: "fax" })).toMatchObject({ _tag: "InvalidInput", field: "channel" })
    expect(s.refuse({ ...base, place: "999999" })).toMatchObject({ _tag: "InvalidInput", field: "place" })
    expect(s.refuse({ ...base, category: "x" })).toMatchObject({ _tag: "InvalidInput", field: "category" })
    expect(s.refuse({ ...base, parties: [applicant, respondent], headcount: 1 })).toMatchObject({
      _tag: "InvalidInput",
      field: "headcount"
    })
  })

  it("cannot register the same case twice", () => {
    const s = new Scenario().register()
    expect(
      s.refuse({
        _tag: "Register",
        kind: "dispute",
        channel: "walkIn",
        place: "222403100201",
        parties: [applicant],
        description: "x"
      })
    )
      .toMatchObject({ _tag: "CommandNotAllowed", state: "registered", command: "Register" })
  })
})

describe("Accept / Reject (受理 / 不予受理)", () => {
  it("accepting a petition starts the 60-day handling deadline", () => {
    const s = new Scenario("2025-03-03T09:00:00+08:00").register({ kind: "petition" })
    s.run({ _tag: "Accept" })
    expect(s.case.status).toBe("accepted")
    expect(s.case.deadlines.handling).toMatchObject({ ruleId: "petitionHandling" })
  })

  it("a rejected case keeps the reason and where to go, and can be archived", () => {
    const s = new Scenario().register()
    s.run({ _tag: "Reject", reason: "属于劳动仲裁受理范围", redirectTo: "敦化市劳动人事争议仲裁委员会" })
    expect(s.case.rejection).toEqual({ reason: "属于劳动仲裁受理范围", redirectTo: "敦化市劳动人事争议仲裁委员会" })
    s.run({ _tag: "Archive" })
    expect(s.case.status).toBe("archived")
    expect(s.refuse({ _tag: "Accept" })).toMatchObject({ _tag: "CommandNotAllowed", state: "archived", enabled: [] })
  })
})

describe("Merge (并单)", () => {
  it("merges a duplicate into an open case; not into itself or a missing or ended case", () => {
    const target = new Scenario(undefined, "case-2").register().case
    const merged: Case = { ...target, id: "case-3", status: "merged" }
    const closed: Case = { ...target, id: "case-4", status: "closed" }
    const s = new Scenario().withOther(target).withOther(merged).withOther(closed).register()
    expect(guardOf(s.refuse({ _tag: "Merge", into: "case-4" }))).toBe("mergeTargetValid")
    expect(guardOf(s.refuse({ _tag: "Merge", into: "case-1" }))).toBe("mergeTargetValid")
    expect(guardOf(s.refuse({ _tag: "Merge", into: "case-9" }))).toBe("mergeTargetValid")
    expect(guardOf(s.refuse({ _tag: "Merge", into: "case-3" }))).toBe("mergeTargetValid")
    s.run({ _tag: "Merge", into: "case-2" })
    expect(s.case).toMatchObject({ status: "merged", mergedInto: "case-2" })
  })
})

describe("Assess and dispatch (研判 / 分流)", () => {
  it("complexity sets the working-day handling deadline counted from acceptance", () => {
    const s = new Scenario("2025-03-03T09:00:00+08:00").register()
    s.run({ _tag: "Accept" }) // 2025-03-03 11:00 +08
    s.run({ _tag: "Assess", category: "neighbourhood", complexity: "general" })
    expect(s.case.deadlines.handling).toMatchObject({ ruleId: "general", dueAt: "2025-03-12T15:59:59.999Z" })
  })

  it("simple is 1 working day, complex 20, a court-referred (诉前) case 30 calendar days", () => {
    const handling = (complexity: string, extra: Record<string, unknown> = {}) => {
      const s = new Scenario("2025-03-03T09:00:00+08:00").register(extra) // a Monday
      s.run({ _tag: "Accept" })
      s.run({ _tag: "Assess", category: "neighbourhood", complexity })
      return s.case.deadlines.handling
    }
    // the start day is excluded: Tuesday 4 March, end of the day in China
    expect(handling("simple")).toMatchObject({ ruleId: "simple", dueAt: "2025-03-04T15:59:59.999Z" })
    // 20 working days: 4–7, 10–14, 17–21, 24–28 March (19) and Monday 31 March
    expect(handling("complex")).toMatchObject({ ruleId: "complex", dueAt: "2025-03-31T15:59:59.999Z" })
    // 30 calendar days from 3 March: Wednesday 2 April (a working day, before the Qingming holiday)
    expect(handling("general", { channel: "courtReferral" })).toMatchObject({
      ruleId: "preLitigationMediation",
      dueAt: "2025-04-02T15:59:59.999Z"
    })
    // the same count ending on the Qingming holiday (4–6 April 2025) rolls forward to Monday 7 April
    const s = new Scenario("2025-03-05T09:00:00+08:00").register({ channel: "courtReferral" })
    s.run({ _tag: "Accept" })
    s.run({ _tag: "Assess", category: "neighbourhood", complexity: "general" })
    expect(s.case.deadlines.handling).toMatchObject({ dueAt: "2025-04-07T15:59:59.999Z" })
  })

  it("unknown category or complexity is InvalidInput", () => {
    const s = new Scenario().register()
    s.run({ _tag: "Accept" })
    expect(s.refuse({ _tag: "Assess", category: "x", complexity: "general" })).toMatchObject({ field: "category" })
    expect(s.refuse({ _tag: "Assess", category: "other", complexity: "x" })).toMatchObject({ field: "complexity" })
    expect(s.refuse({ _tag: "Assess", category: "other", complexity: "simple", risk: { level: "purple" } }))
      .toMatchObject({
        field: "risk.level"
      })
  })

  it("the mediation type must fit the lead unit", () => {
    const s = new Scenario().register()
    s.run({ _tag: "Accept" })
    s.run({ _tag: "Assess", category: "neighbourhood", complexity: "general", handlingNode: "222403100" })
    expect(guardOf(s.refuse({ _tag: "Dispatch", leadUnit: "dsGov", mediationType: "judicial" }))).toBe(
      "leadUnitMayMediate"
    )
    expect(guardOf(s.refuse({ _tag: "Dispatch", leadUnit: "dsMediation", mediationType: "administrative" }))).toBe(
      "leadUnitMayMediate"
    )
    expect(guardOf(s.refuse({ _tag: "Dispatch", leadUnit: "court", mediationType: "people" }))).toBe(
      "leadUnitMayMediate"
    )
    s.run({ _tag: "Dispatch", leadUnit: "dsGov", mediationType: "administrative", assistingUnits: ["dsMediation"] })
    expect(s.case).toMatchObject({ status: "dispatched", leadUnit: "dsGov", assistingUnits: ["dsMediation"] })
  })

  it("after a dispatch, assessment routes at the handling node's tier or below; higher is an escalation (上报)", () => {
    const assess = { _tag: "Assess", category: "neighbourhood", complexity: "general" } as const
    // the first assessment routes freely: reported at a grid, handled by the township
    const first = new Scenario().register({ intakeNode: "222403100201-G1" })
    first.run({ _tag: "Accept" })
    first.run({ ...assess, handlingNode: "222403100" })
    expect(first.case).toMatchObject({ status: "assessed", handlingNode: "222403100", escalations: [] })

    const s = new Scenario().register() // taken in at the village 222403100201
    s.run({ _tag: "Accept" })
    expect(s.refuse({ ...assess, handlingNode: "222499" })).toMatchObject({
      _tag: "InvalidInput",
      field: "handlingNode"
    })
    s.run(assess)
    s.run({ _tag: "Dispatch", leadUnit: "dstMediation", mediationType: "people" })
    s.run({ _tag: "SendBack", reason: "不属于本村调委会受理范围" })
    // the village took the case on: raising it now is an escalation
    expect(guardOf(s.refuse({ ...assess, handlingNode: "222403100" }))).toBe("routeNotRaised")
    expect(guardOf(s.refuse({ ...assess, handlingNode: "222403" }))).toBe("routeNotRaised")
    // the same tier (a neighbouring village) and below (a grid) are routes
    s.run({ ...assess, handlingNode: "222403100202" })
    expect(s.case).toMatchObject({ status: "assessed", handlingNode: "222403100202", escalations: [] })
    s.run({ ...assess, handlingNode: "222403100201-G1" })
    expect(s.case.handlingNode).toBe("222403100201-G1")
    // the township takes it by escalating, and may route it back down from there
    s.run({ _tag: "Escalate", to: "222403100", reason: "村级无法化解" })
    expect(s.case).toMatchObject({ status: "escalated", handlingNode: "222403100" })
    s.run({ ...assess, handlingNode: "222403100201" })
    expect(s.case).toMatchObject({ status: "assessed", handlingNode: "222403100201" })
    expect(s.case.escalations).toHaveLength(1)
  })

  it("a unit of another branch (a sibling township's) can be neither lead, assisting nor summoned", () => {
    // a county-handled case whose place is a village of 大石头镇 (222403100)
    const s = new Scenario().register()
    s.run({ _tag: "Accept" })
    s.run({ _tag: "Assess", category: "neighbourhood", complexity: "general", handlingNode: "222403" })
    expect(s.case.handlingNode).toBe("222403")
    // 胜利街道's committee (222403001) is below the county, but its staff could never act on this case
    expect(guardOf(s.refuse({ _tag: "Dispatch", leadUnit: "slMediation" }))).toBe("leadUnitServesHandlingNode")
    expect(guardOf(s.refuse({ _tag: "Dispatch", leadUnit: "dsMediation", assistingUnits: ["slMediation"] }))).toBe(
      "leadUnitServesHandlingNode"
    )
    expect(Lifecycle.enabledCommands(resolved, s.case)).toContain("Dispatch")
    // the township and the village of the place, and the county's own bureaus, serve it
    s.run({
      _tag: "Dispatch",
      leadUnit: "dsMediation",
      assistingUnits: ["dstMediation", "police"],
      mediationType: "people"
    })
    s.run({ _tag: "StartHandling" })
    expect(guardOf(s.refuse({ _tag: "SummonDepartment", department: "slMediation", reason: "协助" }))).toBe(
      "summonedServesCase"
    )
    s.run({ _tag: "SummonDepartment", department: "police", reason: "涉及治安" })
    s.run({ _tag: "SummonDepartment", department: "dstMediation", reason: "熟悉情况" })
    expect(s.case.summons.map((x) => x.department)).toEqual(["police", "dstMediation"])
  })

  it("the lead unit must serve the handling node; assisting units are distinct", () => {
    const s = new Scenario().register()
    s.run({ _tag: "Accept" })
    s.run({ _tag: "Assess", category: "neighbourhood", complexity: "general" })
    expect(guardOf(s.refuse({ _tag: "Dispatch", leadUnit: "slMediation" }))).toBe("leadUnitServesHandlingNode")
    expect(guardOf(s.refuse({ _tag: "Dispatch", leadUnit: "dstMediation", assistingUnits: ["dstMediation"] }))).toBe(
      "assistingUnitsDistinct"
    )
    expect(guardOf(s.refuse({ _tag: "Dispatch", leadUnit: "dstMediation", assistingUnits: ["court", "court"] }))).toBe(
      "assistingUnitsDistinct"
    )
    expect(s.refuse({ _tag: "Dispatch", leadUnit: "nobody" })).toMatchObject({
      _tag: "InvalidInput",
      field: "leadUnit"
    })
  })

  it("send back (退单) clears the unit; re-dispatch (改派) routes again", () => {
    const s = new Scenario().register()
    s.run({ _tag: "Accept" })
    s.run({ _tag: "Assess", category: "labourWages", complexity: "general", handlingNode: "222403" })
    s.run({ _tag: "Dispatch", leadUnit: "justice", mediationType: "administrative" })
    s.run({ _tag: "SendBack", reason: "属于人社部门职责" })
    expect(s.case).toMatchObject({ status: "sentBack", sendBacks: [{ unit: "justice" }], assistingUnits: [] })
    expect(s.case.leadUnit).toBeUndefined()
    s.run({ _tag: "Redispatch", leadUnit: "hrss", reason: "改派人社局" })
    expect(s.case).toMatchObject({ status: "dispatched", leadUnit: "hrss", dispatchCount: 2 })
  })

  it("staff of another department cannot start or close a case led by someone else", () => {
    const s = new Scenario().register()
    s.run({ _tag: "Accept" })
    s.run({ _tag: "Assess", category: "neighbourhood", complexity: "general" })
    s.run({ _tag: "Dispatch", leadUnit: "dstMediation", mediationType: "people" })
    const policeOfficer = { id: "p1", roles: ["handler"], jurisdiction: "222403", department: "police" }
    expect(guardOf(s.refuse({ _tag: "StartHandling" }, { actor: policeOfficer }))).toBe("actorIsLeadUnit")
    const mediator = { ...policeOfficer, id: "m1", department: "dstMediation" }
    s.run({ _tag: "StartHandling" }, { actor: mediator })
    expect(s.case.status).toBe("handling")
    for (
      const command of [
        { _tag: "RecordMediationSession", mediators: ["王"], result: "progress" },
        { _tag: "ConveneConsultation", departments: ["justice"] },
        { _tag: "SummonDepartment", department: "justice", reason: "x" },
        { _tag: "Escalate", to: "222403100", reason: "x" },
        { _tag: "RecordOutcome", outcome: { _tag: "NotResolved", disposition: "explained", note: "x" } }
      ]
    ) {
      expect(guardOf(s.refuse(command, { actor: policeOfficer })), command._tag).toBe("actorIsLeadUnit")
    }
    // a summoned department reports in for itself, and nobody else's staff may do it for them
    s.run({ _tag: "SummonDepartment", summonsId: "w1", department: "police", reason: "涉及治安" }, { actor: mediator })
    const justiceClerk = { ...policeOfficer, id: "j1", department: "justice" }
    expect(guardOf(s.refuse({ _tag: "RecordReport", summonsId: "w1" }, { actor: justiceClerk }))).toBe(
      "actorIsLeadOrSummoned"
    )
    s.run({ _tag: "RecordReport", summonsId: "w1" }, { actor: policeOfficer })
    expect(s.case.summons[0]?.reportedAt).toBeDefined()
  })
})

describe("Handling (调处)", () => {
  it("records sessions, consultations, summons and reports", () => {
    const s = new Scenario().toHandling()
    s.run({ _tag: "RecordMediationSession", sessionId: "s1", mediators: ["王"], result: "progress" })
    expect(
      guardOf(s.refuse({ _tag: "RecordMediationSession", sessionId: "s1", mediators: ["王"], result: "progress" }))
    )
      .toBe("sessionIdUnique")
    // a department named twice is bad input, as an assisting unit named twice is refused
    expect(s.refuse({ _tag: "ConveneConsultation", departments: ["police", "justice", "police"] })).toMatchObject({
      _tag: "InvalidInput",
      field: "departments.2"
    })
    s.run({ _tag: "ConveneConsultation", departments: ["police", "justice"], conclusion: "联合调处" })
    s.run({ _tag: "SummonDepartment", summonsId: "w1", department: "police", reason: "涉及治安" })
    expect(guardOf(s.refuse({ _tag: "RecordReport", summonsId: "w9" }))).toBe("summonsPending")
    s.run({ _tag: "RecordReport", summonsId: "w1", note: "已到场" })
    expect(guardOf(s.refuse({ _tag: "RecordReport", summonsId: "w1" }))).toBe("summonsPending")
    expect(s.case.summons[0]).toMatchObject({ department: "police", report: "已到场" })
    expect(s.case.consultations).toHaveLength(1)
    expect(s.case.status).toBe("handling")
  })

  it("a party's clear refusal ends mediation of that type (人民调解法 art. 17)", () => {
    const s = new Scenario().toHandling()
    s.run({ _tag: "RecordMediationSession", mediators: ["王"], result: "partyRefused" })
    expect(guardOf(s.refuse({ _tag: "RecordMediationSession", mediators: ["王"], result: "progress" }))).toBe(
      "mediationNotRefused"
    )
    expect(Lifecycle.enabledCommands(resolved, s.case)).not.toContain("RecordMediationSession")
    s.run({ _tag: "Redispatch", leadUnit: "court", mediationType: "judicial", reason: "转诉前调解" })
    s.run({ _tag: "StartHandling" })
    s.run({ _tag: "RecordMediationSession", mediators: ["法官"], result: "progress" })
    expect(s.case.sessions.map((x) => x.mediationType)).toEqual(["people", "judicial"])
  })

  it("escalation (上报) strictly raises the tier and clears the unit", () => {
    const s = new Scenario().toHandling()
    expect(guardOf(s.refuse({ _tag: "Escalate", to: "222403100201", reason: "x" }))).toBe("escalationRaisesTier")
    expect(guardOf(s.refuse({ _tag: "Escalate", to: "222403001", reason: "x" }))).toBe("escalationRaisesTier")
    expect(guardOf(s.refuse({ _tag: "Escalate", to: "222403100201-G1", reason: "x" }))).toBe("escalationRaisesTier")
    expect(s.refuse({ _tag: "Escalate", to: "000000", reason: "x" })).toMatchObject({
      _tag: "InvalidInput",
      field: "to"
    })
    s.run({ _tag: "Escalate", to: "222403100", reason: "村级调解不成" })
    expect(s.case).toMatchObject({ status: "escalated", handlingNode: "222403100", assistingUnits: [] })
    expect(s.case.leadUnit).toBeUndefined()
    s.run({ _tag: "Escalate", to: "222403", reason: "乡镇调解不成" })
    expect(s.case.escalations.map((e) => [e.from, e.to])).toEqual([["222403100201", "222403100"], [
      "222403100",
      "222403"
    ]])
    expect(Lifecycle.enabledCommands(resolved, s.case)).not.toContain("Escalate")
    s.run({ _tag: "Dispatch", leadUnit: "court", mediationType: "judicial" })
  })

  it("deadline extensions stay within the rule (petition: once, at most 30 days)", () => {
    const s = new Scenario("2025-03-03T09:00:00+08:00").register({ kind: "petition" })
    s.run({ _tag: "Accept" })
    const before = s.case.deadlines.handling!.dueAt
    expect(
      guardOf(s.refuse({ _tag: "ExtendDeadline", deadline: "handling", amount: 31, approver: "局长", reason: "x" }))
    )
      .toBe("extensionWithinRule")
    s.run({ _tag: "ExtendDeadline", deadline: "handling", amount: 30, approver: "局长", reason: "情况复杂" })
    expect(s.case.deadlines.handling).toMatchObject({ extensions: [{ amount: 30, previousDueAt: before }] })
    expect(s.case.deadlines.handling!.dueAt > before).toBe(true)
    expect(
      guardOf(s.refuse({ _tag: "ExtendDeadline", deadline: "handling", amount: 1, approver: "局长", reason: "x" }))
    )
      .toBe("extensionWithinRule")
    expect(
      guardOf(s.refuse({ _tag: "ExtendDeadline", deadline: "acceptance", amount: 1, approver: "局长", reason: "x" }))
    )
      .toBe("extensionWithinRule")
    // with a rule allowing two extensions but the 30 days used up, none is offered (every extension is ≥ 1 day)
    const twice = {
      ...resolved,
      deadlines: resolved.deadlines.map((r) =>
        r.id === "petitionHandling" ? { ...r, extension: { maxAmount: 30, maxTimes: 2 } } : r
      )
    }
    expect(Lifecycle.enabledCommands(twice, s.case)).not.toContain("ExtendDeadline")
    const moreDays = {
      ...resolved,
      deadlines: resolved.deadlines.map((r) =>
        r.id === "petitionHandling" ? { ...r, extension: { maxAmount: 31, maxTimes: 2 } } : r
      )
    }
    expect(Lifecycle.enabledCommands(moreDays, s.case)).toContain("ExtendDeadline")
  })

  it("an extension lengthens the period from the start, not from a due date rolled past holidays", () => {
    // accepted 2 August 2025: day 60 is 1 October, inside the National Day holiday (1–8 October), so the handling
    // deadline rolls to Thursday 9 October. Extended by 30 days the period is 90 days: Friday 31 October, not
    // 30 days after 9 October (Saturday 8 November, rolled to 10 November).
    const s = new Scenario("2025-08-02T09:00:00+08:00").register({ kind: "petition" })
    s.run({ _tag: "Accept" })
    expect(s.case.deadlines.handling!.dueAt).toBe("2025-10-09T15:59:59.999Z")
    s.run({ _tag: "ExtendDeadline", deadline: "handling", amount: 30, approver: "局长", reason: "情况复杂" })
    expect(s.case.deadlines.handling!.dueAt).toBe("2025-10-31T15:59:59.999Z")
    // the whole period still rolls forward when it ends on a rest day: 60 + 6 + 26 = 92 days is Sunday 2 November
    const rule = resolved.deadlines.find((r) => r.id === "petitionHandling")!
    const running = {
      ...s.case.deadlines.handling!,
      dueAt: "2025-10-09T15:59:59.999Z",
      extensions: [{ ...s.case.deadlines.handling!.extensions[0]!, amount: 6 }]
    }
    expect(Deadline.extendedDueAt(resolved.calendar, resolved.utcOffsetMinutes, running, rule, 26)).toEqual(
      Either.right("2025-11-03T15:59:59.999Z")
    )
    // a rule whose duration has changed since the deadline started: counted from the current due date
    expect(
      Deadline.extendedDueAt(resolved.calendar, resolved.utcOffsetMinutes, running, {
        ...rule,
        duration: { amount: 70, unit: "calendarDays" }
      }, 1)
    ).toEqual(Either.right("2025-10-10T15:59:59.999Z"))
  })

  it("an extension that would still end by the due date rolled past holidays is refused, and stays available", () => {
    // accepted 2 August 2025: day 60 is 1 October, rolled to Thursday 9 October; 60 + 8 days is 9 October itself
    const s = new Scenario("2025-08-02T09:00:00+08:00").register({ kind: "petition" })
    s.run({ _tag: "Accept" })
    const before = s.case
    const extend = (amount: number) => ({
      _tag: "ExtendDeadline",
      deadline: "handling",
      amount,
      approver: "局长",
      reason: "情况复杂"
    })
    for (const amount of [1, 5, 8]) {
      const error = s.refuse(extend(amount))
      expect(error).toMatchObject({ _tag: "InvalidInput", field: "amount" })
      expect(error.message).toContain("2025-10-09T15:59:59.999Z")
    }
    expect(s.case).toBe(before)
    // the rule's one extension is still there: 60 + 9 days is Friday 10 October
    s.run(extend(9))
    expect(s.case.deadlines.handling!.dueAt).toBe("2025-10-10T15:59:59.999Z")
    expect(s.case.deadlines.handling!.extensions.map((e) => e.amount)).toEqual([9])
  })
})

describe("Outcome, confirmation, feedback, follow-up, archive", () => {
  it("times inside a command lie between the registration and the command's time", () => {
    const early = new Scenario()
    expect(early.refuse({ ...registerInput, occurredAt: "2025-03-03T09:00:01+08:00" }, {
      at: "2025-03-03T01:00:00.000Z"
    })).toMatchObject({ _tag: "InvalidInput", field: "occurredAt" })
    early.register({ occurredAt: "2025-03-01" })
    expect(early.case.occurredAt).toBe("2025-02-28T16:00:00.000Z")

    const s = new Scenario().toHandling()
    const registeredAt = s.case.registeredAt
    const session = { _tag: "RecordMediationSession", mediators: ["王"], result: "progress" } as const
    expect(s.refuse({ ...session, heldAt: "2025-03-01T00:00:00Z" })).toMatchObject({ field: "heldAt" })
    expect(s.refuse({ ...session, heldAt: "2099-01-01T00:00:00Z" })).toMatchObject({ field: "heldAt" })
    s.run({ ...session, heldAt: registeredAt })
    expect(s.case.sessions[0]!.heldAt).toBe(registeredAt)
    const outcome = (effectiveAt: string) => ({
      _tag: "RecordOutcome",
      outcome: { _tag: "Resolved", agreement: { summary: "达成协议", effectiveAt } }
    })
    expect(s.refuse(outcome("2025-03-02T00:00:00Z"))).toMatchObject({ field: "outcome.agreement.effectiveAt" })
    expect(s.refuse(outcome("2099-01-01T00:00:00Z"))).toMatchObject({ field: "outcome.agreement.effectiveAt" })
    const before = s.case
    s.run(outcome(registeredAt))
    expect(s.case.outcome).toMatchObject({ agreement: { effectiveAt: registeredAt } })
    expect(before.outcome).toBeUndefined()
  })

  it("not resolved is recorded with its disposition and is never an agreement", () => {
    const s = new Scenario().toHandling()
    expect(s.refuse({ _tag: "RecordOutcome", outcome: { _tag: "NotResolved", disposition: "x", note: "n" } }))
      .toMatchObject({ field: "outcome.disposition" })
    s.run({ _tag: "RecordOutcome", outcome: { _tag: "NotResolved", disposition: "litigation", note: "引导起诉" } })
    expect(s.case.outcome).toMatchObject({ _tag: "NotResolved", disposition: "litigation" })
    expect(guardOf(s.refuse({ _tag: "RequestJudicialConfirmation", court: "court" }))).toBe(
      "judicialConfirmationEligible"
    )
  })

  it("a confirmation window the calendar cannot compute yet: in time for sure is taken, later is CalendarYearNotCovered", () => {
    // resolved in mid-December 2100: the 30-day window ends in 2101, which the shipped calendar (official years, then
    // predicted years to 2100) does not cover, so
    // the outcome cannot fix the window …
    const s = new Scenario("2100-12-15T09:00:00+08:00").toClosedResolved()
    expect(s.case.outcome?._tag).toBe("Resolved")
    expect(s.case.deadlines.judicialConfirmation).toBeUndefined()
    // … but 30 calendar days after the agreement is the earliest the window can close, whatever 2101's holidays are:
    // a request before the end of that day is in time
    const effective = s.case.outcome?._tag === "Resolved" ? s.case.outcome.agreement.effectiveAt : ""
    const lowerBound = "2101-01-14T15:59:59.999Z" // 2100-12-15 (+08:00) + 30 days, end of day
    expect(effective.slice(0, 10)).toBe("2100-12-15")
    expect(Lifecycle.enabledCommands(resolved, s.case, s.case.updatedAt)).toContain("RequestJudicialConfirmation")
    expect(Lifecycle.enabledCommands(resolved, s.case, lowerBound)).toContain("RequestJudicialConfirmation")
    // after it, only the calendar could tell: a typed error, and not offered
    const after = "2101-01-15T00:00:00.000Z"
    expect(s.refuse({ _tag: "RequestJudicialConfirmation", court: "court" }, { at: after })).toMatchObject({
      _tag: "CalendarYearNotCovered",
      year: 2101
    })
    expect(Lifecycle.enabledCommands(resolved, s.case, after)).not.toContain("RequestJudicialConfirmation")
    s.run({ _tag: "RequestJudicialConfirmation", court: "court" }, { at: lowerBound })
    expect(s.case.judicialConfirmation?.court).toBe("court")
  })

  it("the confirmation window is fixed when the outcome is recorded: a later rule change does not move it", () => {
    const s = new Scenario("2025-03-03T09:00:00+08:00").toClosedResolved()
    const effective = s.case.outcome?._tag === "Resolved" ? s.case.outcome.agreement.effectiveAt : ""
    const due = Either.getOrThrow(
      Deadline.dueAfter(resolved.calendar, 480, effective, { amount: 30, unit: "calendarDays" })
    )
    expect(s.case.deadlines.judicialConfirmation).toEqual({
      ruleId: "judicialConfirmation",
      unit: "calendarDays",
      startedAt: effective,
      dueAt: due,
      basis: "official",
      extensions: []
    })
    // the centre later shortens the window to 5 days: an agreement made under 30 days keeps its 30
    const shorter = {
      ...resolved,
      deadlines: resolved.deadlines.map((r) =>
        r.clock === "judicialConfirmation" ? { ...r, duration: { amount: 5, unit: "calendarDays" as const } } : r
      )
    }
    const tenDaysOn = new Date(Date.parse(effective) + 10 * 86_400_000).toISOString()
    const request = (c: Case) =>
      Lifecycle.decide(
        { config: shorter, caseId: c.id, commandId: "late", at: tenDaysOn },
        c,
        decodeCommand({ _tag: "RequestJudicialConfirmation", actor: admin, caseId: c.id, court: "court" })
      )
    expect(Either.isRight(request(s.case))).toBe(true)
    expect(Lifecycle.enabledCommands(shorter, s.case, tenDaysOn)).toContain("RequestJudicialConfirmation")
    // a case whose outcome was recorded before windows were (no recorded window) is judged by today's rule
    const { judicialConfirmation: _, ...unrecorded } = s.case.deadlines
    const old = { ...s.case, deadlines: unrecorded }
    expect(Either.isLeft(request(old))).toBe(true)
  })

  it("a reopened case loses its agreement's window with its outcome, and a new outcome fixes a new one", () => {
    const s = new Scenario("2025-03-03T09:00:00+08:00").toClosedResolved()
    const first = s.case.deadlines.judicialConfirmation
    expect(first).toBeDefined()
    s.run({ _tag: "GiveFeedback", rating: "basicallySatisfied" })
    s.run({ _tag: "RecordFollowUp", result: "rebound", note: "双方再起冲突" })
    expect(s.case.deadlines.judicialConfirmation).toBeUndefined()
    s.at("2025-04-20T09:00:00+08:00")
    s.run({ _tag: "RecordMediationSession", mediators: ["王调解员"], result: "agreement" })
    s.run({ _tag: "RecordOutcome", outcome: { _tag: "Resolved", agreement: { summary: "再次达成协议" } } })
    expect(s.case.deadlines.judicialConfirmation?.startedAt.slice(0, 10)).toBe("2025-04-20")
    expect(s.case.deadlines.judicialConfirmation?.dueAt).not.toBe(first?.dueAt)
  })

  it("judicial confirmation (司法确认) within 30 days of the agreement, by a court, once", () => {
    const s = new Scenario("2025-03-03T09:00:00+08:00").toClosedResolved()
    expect(guardOf(s.refuse({ _tag: "RequestJudicialConfirmation", court: "justice" }))).toBe("courtIsCourt")
    const late = s.refuse({ _tag: "RequestJudicialConfirmation", court: "court" }, { at: "2025-05-01T09:00:00+08:00" })
    expect(guardOf(late)).toBe("judicialConfirmationEligible")
    expect(Lifecycle.enabledCommands(resolved, s.case, "2025-05-01T01:00:00.000Z")).not.toContain(
      "RequestJudicialConfirmation"
    )
    s.run({ _tag: "RequestJudicialConfirmation", court: "court" })
    expect(s.case.judicialConfirmation?.court).toBe("court")
    expect(guardOf(s.refuse({ _tag: "RequestJudicialConfirmation", court: "court" }))).toBe(
      "judicialConfirmationEligible"
    )
  })

  it("a rebound at follow-up (回访反弹) reopens the case with its lead unit", () => {
    const s = new Scenario().toClosedResolved()
    s.run({ _tag: "GiveFeedback", rating: "basicallySatisfied" })
    s.run({ _tag: "RecordFollowUp", result: "stable" })
    expect(s.case.status).toBe("feedbackGiven")
    const events = s.run({ _tag: "RecordFollowUp", result: "rebound", note: "双方再起冲突" })
    expect(events.map((e) => e._tag)).toEqual(["FollowUpRecorded", "Reopened"])
    expect(s.case).toMatchObject({ status: "handling", leadUnit: "dstMediation", reopenCount: 1 })
    expect(s.case.outcome).toBeUndefined()
    expect(s.case.feedback).toBeUndefined()
    expect(s.case.deadlines.handling?.startedAt).toBe(s.case.updatedAt)
  })

  it("supervision (督办) on an open case; archive waits for every order to be answered", () => {
    const s = new Scenario("2025-03-03T09:00:00+08:00").toHandling()
    expect(guardOf(s.refuse({ _tag: "IssueSupervision", level: "order", dueAt: "2025-03-01T00:00:00Z", note: "n" })))
      .toBe("orderDueAfterIssue")
    s.run({ _tag: "IssueSupervision", orderId: "o1", level: "warning", dueAt: "2025-03-20T00:00:00Z", note: "请加快" })
    expect(
      guardOf(
        s.refuse({
          _tag: "IssueSupervision",
          orderId: "o1",
          level: "warning",
          dueAt: "2025-03-21T00:00:00Z",
          note: "n"
        })
      )
    )
      .toBe("orderIdUnique")
    s.run({ _tag: "RecordOutcome", outcome: { _tag: "Resolved", agreement: { summary: "和解" } } })
    s.run({ _tag: "GiveFeedback", rating: "satisfied" })
    expect(guardOf(s.refuse({ _tag: "Archive" }))).toBe("noPendingSupervision")
    expect(Lifecycle.enabledCommands(resolved, s.case)).not.toContain("Archive")
    expect(guardOf(s.refuse({ _tag: "AnswerSupervision", orderId: "o9", answer: "x" }))).toBe("orderPending")
    s.run({ _tag: "AnswerSupervision", orderId: "o1", answer: "已办结" })
    s.run({ _tag: "Archive" })
    expect(s.case.status).toBe("archived")
  })

  it("withdrawal ends an open case", () => {
    const s = new Scenario().toHandling()
    s.run({ _tag: "Withdraw", reason: "当事人自行和解" })
    expect(s.case).toMatchObject({ status: "withdrawn", withdrawal: { reason: "当事人自行和解" } })
    expect(Lifecycle.enabledCommands(resolved, s.case)).toEqual(["Archive"])
  })
})

describe("Time and refusals", () => {
  it("a command dated before the last event is refused", () => {
    const s = new Scenario("2025-03-03T09:00:00+08:00").register()
    expect(guardOf(s.refuse({ _tag: "Accept" }, { at: "2025-03-01T00:00:00.000Z" }))).toBe("timeMovesForward")
  })

  it("a refusal names the state and the command and lists what is enabled", () => {
    const s = new Scenario().register()
    expect(s.refuse({ _tag: "Archive" })).toMatchObject({
      _tag: "CommandNotAllowed",
      caseId: "case-1",
      state: "registered",
      command: "Archive",
      enabled: ["Accept", "Reject", "Merge", "Withdraw", "Regrade", "IssueSupervision"]
    })
  })

  it("a different township's actor shape does not matter to the pure lifecycle", () => {
    const s = new Scenario().register()
    s.run({ _tag: "Accept" }, { actor: townshipIntake })
    expect(s.case.status).toBe("accepted")
  })
})

describe("evolve", () => {
  it("replaying the history gives the state exactly", () => {
    const s = new Scenario().toClosedResolved()
    expect(Lifecycle.replay(s.history)).toStrictEqual(s.case)
    expect(s.case.version).toBe(s.history.length)
  })

  it("throws on an event before Registered (a broken history)", () => {
    expect(() => Lifecycle.evolve(undefined, { ...new Scenario().register().history[0]!, event: { _tag: "Archived" } }))
      .toThrow(/before Registered/)
  })
})
