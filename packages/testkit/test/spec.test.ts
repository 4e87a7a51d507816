import { Examples } from "@fengqiao/core"
import { describe, expect, it } from "vitest"
import * as Spec from "../src/Spec.js"

// the command modules of the lifecycle, specified with the public given/when/then helper
const config = Examples.countyConfig
const register = { ...Examples.registerInput(), actor: Examples.admin }
const toHandling = () =>
  Spec.given(config)
    .run(register)
    .run({ _tag: "Accept" })
    .run({ _tag: "Assess", category: "neighbourhood", complexity: "general" })
    .run({ _tag: "Dispatch", leadUnit: "dstMediation", mediationType: "people" })
    .run({ _tag: "StartHandling" })

describe("Spec: intake", () => {
  it("Register records Registered with the centre's code, the default risk and the actor's node as intake", () => {
    Spec.given(config).when(register, { code: "222403-2025-000001" }).then((events, state) => {
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({
        _tag: "Registered",
        code: "222403-2025-000001",
        place: "222403100201",
        intakeNode: "222403",
        headcount: 2,
        risk: { source: "default" }
      })
      expect(state.status).toBe("registered")
      expect(state.firstReceiver.id).toBe(Examples.admin.id)
    })
  })

  it("Register refuses a place outside the tree before anything else is decided", () => {
    Spec.given(config).when({ ...register, place: "999999" }).thenFails("InvalidInput", { field: "place" })
  })

  it("Accept records Accepted (no handling rule, no deadline); a second Accept is not allowed, naming what is", () => {
    const accepted = Spec.given(config).run(register).when({ _tag: "Accept" })
    accepted.then([{ _tag: "Accepted" }])
    const error = accepted.and().when({ _tag: "Accept" }).thenFails("CommandNotAllowed", { state: "accepted" })
    expect((error as unknown as { enabled: ReadonlyArray<string> }).enabled).toContain("Assess")
  })

  it("Reject records the reason and where to go instead", () => {
    Spec.given(config).run(register).when({ _tag: "Reject", reason: "不属于受理范围", redirectTo: "人民法院" }).then([
      { _tag: "Rejected", reason: "不属于受理范围", redirectTo: "人民法院" }
    ])
  })

  it("given events instead of commands: the case is their fold", () => {
    const history = Spec.given(config).run(register).history.map((e) => e.event)
    const given = Spec.given(config, history)
    expect(given.state?.status).toBe("registered")
    given.when({ _tag: "Withdraw", reason: "已私下和解" }).then([{ _tag: "Withdrawn", reason: "已私下和解" }])
  })
})

describe("Spec: routing and handling", () => {
  it("Dispatch refuses a court as the lead unit of people's mediation (leadUnitMayMediate)", () => {
    Spec.given(config)
      .run(register)
      .run({ _tag: "Accept" })
      .run({ _tag: "Assess", category: "neighbourhood", complexity: "general" })
      .when({ _tag: "Dispatch", leadUnit: "court", mediationType: "people" })
      .thenFails("GuardFailed", { guard: "leadUnitMayMediate" })
  })

  it("a command dated before the case's last event fails timeMovesForward", () => {
    toHandling()
      .when({ _tag: "ConveneConsultation", departments: ["police"] }, { at: "2025-03-01T00:00:00Z" })
      .thenFails("GuardFailed", { guard: "timeMovesForward" })
  })

  it("a mediation session takes the case's mediation type; the outcome closes the case", () => {
    const handling = toHandling()
    handling.when({ _tag: "RecordMediationSession", mediators: ["王调解员"], result: "agreement" }).then((events) => {
      expect(events).toEqual([expect.objectContaining({ _tag: "MediationSessionRecorded", mediationType: "people" })])
    })
    handling
      .run({ _tag: "RecordMediationSession", mediators: ["王调解员"], result: "agreement" })
      .when({ _tag: "RecordOutcome", outcome: { _tag: "Resolved", agreement: { summary: "赔偿维修费500元" } } })
      .then((events, state) => {
        expect(events[0]?._tag).toBe("OutcomeRecorded")
        expect(state.status).toBe("closed")
        expect(state.deadlines.judicialConfirmation).toBeDefined()
      })
  })
})

describe("Spec: closing and supervision", () => {
  const close = (handling: Spec.Given) =>
    handling
      .run({ _tag: "RecordOutcome", outcome: { _tag: "Resolved", agreement: { summary: "达成协议" } } })
      .run({ _tag: "GiveFeedback", rating: "satisfied" })
  const closed = () => close(toHandling())

  it("a rebound at follow-up records FollowUpRecorded then Reopened, back to handling", () => {
    closed().when({ _tag: "RecordFollowUp", result: "rebound" }).then((events, state) => {
      expect(events.map((e) => e._tag)).toEqual(["FollowUpRecorded", "Reopened"])
      expect(state.status).toBe("handling")
      expect(state.reopenCount).toBe(1)
      expect(state.outcome).toBeUndefined()
    })
  })

  it("Archive waits for every supervision order to be answered (noPendingSupervision)", () => {
    const issued = close(
      toHandling().run({
        _tag: "IssueSupervision",
        orderId: "o-1",
        level: "reminder",
        dueAt: "2025-04-01T00:00:00Z",
        note: "请尽快办结"
      })
    )
    issued.when({ _tag: "Archive" }).thenFails("GuardFailed", { guard: "noPendingSupervision" })
    issued.run({ _tag: "AnswerSupervision", orderId: "o-1", answer: "已回访" }).when({ _tag: "Archive" }).then([{
      _tag: "Archived"
    }])
  })

  it("the envelopes carry the centre, consecutive versions, the actor and the command id", () => {
    const stepped = Spec.given(config).run(register).when({ _tag: "Accept" }, { now: "2025-03-03T02:05:00Z" }).then(
      (events) => expect(events).toHaveLength(1)
    )
    expect(stepped.events[0]).toMatchObject({
      caseId: "spec-case",
      centre: "dunhua",
      version: 2,
      recordedAt: "2025-03-03T02:05:00.000Z",
      actor: { id: "spec-admin" },
      commandId: "spec-2",
      correlationId: "spec-2"
    })
  })
})
