import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Actor } from "../src/Actor.js"
import type { Case } from "../src/Case.js"
import type { CaseStore } from "../src/CaseStore.js"
import { CaseStore as CaseStoreTag } from "../src/CaseStore.js"
import * as Center from "../src/Center.js"
import type { CommandName } from "../src/Command.js"
import { commandNames } from "../src/Command.js"
import type { Envelope } from "../src/Event.js"
import * as Lifecycle from "../src/Lifecycle.js"
import * as MemoryStore from "../src/MemoryStore.js"
import { admin, applicant, countyConfig, respondent } from "./fixtures.js"
import { checkCaseInvariants } from "./invariants.js"

const RUNS = Number(process.env.FENGQIAO_PBT_RUNS ?? 1000)
const MAX_COMMANDS = 50

/** Everything a run shares: the system under test and what the model knows. */
interface Real {
  readonly center: Center.Center
  readonly store: CaseStore
  readonly results: Map<string, Center.CommandResult>
  lastCommand?: Record<string, unknown> | undefined
  steps: number
}

interface Model {
  readonly caseIds: Array<string>
  clock: number
  seq: number
}

const makeReal = (): Real => {
  const { center, store } = Effect.runSync(
    Effect.gen(function*() {
      return { center: yield* Center.Center, store: yield* CaseStoreTag }
    }).pipe(Effect.provide(Center.layer({ config: countyConfig }).pipe(Layer.provideMerge(MemoryStore.layer))))
  )
  return { center, store, results: new Map(), steps: 0 }
}

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runSyncExit(effect)

const snapshot = (real: Real, caseId: string) =>
  Effect.runSync(
    Effect.all([real.store.load("dunhua", caseId), real.store.readEvents("dunhua", caseId)])
  ) as [Option.Option<Case>, ReadonlyArray<Envelope>]

const departments = [...(countyConfig.departments ?? []).map((d) => d.id), "ghost"]
const nodes = [...countyConfig.jurisdictions.map((n) => n.code), "000000"]
const pick = <A>(xs: ReadonlyArray<A>, n: number): A => xs[Math.abs(n) % xs.length]!

const actors: ReadonlyArray<Actor> = [
  admin,
  admin,
  admin,
  { id: "handler-dst", roles: ["handler"], jurisdiction: "222403", department: "dstMediation" },
  { id: "intake-sl", roles: ["intake", "dispatcher"], jurisdiction: "222403001" },
  { id: "viewer", roles: ["viewer"], jurisdiction: "222403" }
]

/** A payload for a command, driven by generated numbers; `smart` aims at values the guards accept. */
const payload = (
  tag: CommandName,
  c: Case | undefined,
  r: ReadonlyArray<number>,
  smart: boolean
): Record<string, unknown> => {
  const n = (i: number) => r[i % r.length] ?? 0
  const unit = () => {
    if (!smart || c === undefined) return pick(departments, n(1))
    const fitting = (countyConfig.departments ?? []).filter((
      d
    ) => (c.handlingNode.startsWith(d.jurisdiction) || d.jurisdiction.startsWith(c.handlingNode)))
    return fitting.length === 0 ? pick(departments, n(1)) : pick(fitting, n(1)).id
  }
  const mediation = (leadUnit: string) => {
    if (!smart) return pick([undefined, "people", "administrative", "judicial", "ghost"], n(2))
    const d = (countyConfig.departments ?? []).find((x) => x.id === leadUnit)
    if (d === undefined) return undefined
    if (d.kind === "court") return "judicial"
    if (d.kind === "peoplesMediationCommittee") return "people"
    if (d.kind === "womensFederation") return undefined
    return pick(["administrative", undefined], n(2))
  }
  switch (tag) {
    case "Register":
      return {
        kind: pick(smart ? ["dispute", "dispute", "request", "petition", "hazard"] : ["dispute", "bogus"], n(0)),
        channel: pick(["walkIn", "hotline12345", "courtReferral", "gridDiscovery"], n(1)),
        place: smart ? pick(nodes.slice(0, -1), n(2)) : pick(nodes, n(2)),
        parties: n(3) % 2 === 0 ? [applicant] : [applicant, respondent],
        description: "测试纠纷".repeat(1 + (Math.abs(n(4)) % 3))
      }
    case "Accept":
    case "StartHandling":
    case "Archive":
      return {}
    case "Reject":
      return { reason: "不属于受理范围", redirectTo: "人民法院" }
    case "Merge":
      return { into: `case-${Math.abs(n(0)) % 4}` }
    case "Assess":
      return {
        category: smart ? pick(["neighbourhood", "marriageFamily", "labourWages"], n(0)) : pick(["other", "x"], n(0)),
        complexity: pick(["simple", "general", "complex"], n(1)),
        ...(n(2) % 3 === 0 ? { risk: { level: pick(["none", "blue", "yellow", "red"], n(3)) } } : {}),
        ...(n(4) % 4 === 0 ? { handlingNode: pick(nodes, n(5)) } : {})
      }
    case "Dispatch":
    case "Redispatch": {
      const leadUnit = unit()
      const mediationType = mediation(leadUnit)
      return {
        leadUnit,
        ...(mediationType !== undefined ? { mediationType } : {}),
        ...(n(3) % 3 === 0 ? { assistingUnits: [pick(departments, n(4))] } : {}),
        ...(tag === "Redispatch" ? { reason: "改派" } : {})
      }
    }
    case "SendBack":
      return { reason: "不属于本单位职责" }
    case "RecordMediationSession":
      return {
        mediators: ["调解员"],
        result: pick(["progress", "progress", "agreement", "failed", "partyRefused"], n(0)),
        ...(n(1) % 5 === 0 ? { sessionId: "s-fixed" } : {})
      }
    case "ConveneConsultation":
      return { departments: [pick(departments, n(0))] }
    case "SummonDepartment":
      return { department: pick(departments, n(0)), reason: "吹哨", summonsId: `w${Math.abs(n(1)) % 3}` }
    case "RecordReport":
      return { summonsId: `w${Math.abs(n(0)) % 3}` }
    case "Escalate":
      return { to: pick(nodes, n(0)), reason: "上报" }
    case "ExtendDeadline":
      return {
        deadline: pick(["handling", "acceptance"], n(0)),
        amount: 1 + (Math.abs(n(1)) % 40),
        approver: "主任",
        reason: "延期"
      }
    case "RecordOutcome":
      return n(0) % 3 === 0
        ? {
          outcome: { _tag: "NotResolved", disposition: pick(["litigation", "explained", "nope"], n(1)), note: "未化解" }
        }
        : { outcome: { _tag: "Resolved", agreement: { summary: "达成协议" } } }
    case "RequestJudicialConfirmation":
      return { court: pick(["court", "court", "justice"], n(0)) }
    case "GiveFeedback":
      return { rating: pick(["satisfied", "basicallySatisfied", "dissatisfied"], n(0)) }
    case "RecordFollowUp":
      return { result: pick(["stable", "stable", "rebound"], n(0)) }
    case "Withdraw":
      return { reason: "撤回" }
    case "IssueSupervision":
      return {
        orderId: `o${Math.abs(n(0)) % 3}`,
        level: pick(["reminder", "warning", "order"], n(1)),
        dueAt: new Date(Date.parse("2025-03-01T00:00:00Z") + (Math.abs(n(2)) % 400) * 86_400_000).toISOString(),
        note: "督办"
      }
    case "AnswerSupervision":
      return { orderId: `o${Math.abs(n(0)) % 3}`, answer: "已办理" }
  }
}

const typedRefusals = new Set([
  "CommandNotAllowed",
  "GuardFailed",
  "InvalidInput",
  "Forbidden",
  "CalendarYearNotCovered"
])

/** Executes one command and checks the step invariants. */
const step = (real: Real, model: Model, command: Record<string, unknown>) => {
  const tag = command._tag as CommandName
  const caseId = command.caseId as string | undefined
  const [before, eventsBefore] = caseId === undefined ? [Option.none<Case>(), []] : snapshot(real, caseId)
  const exit = run(real.center.execute(command))
  real.steps++
  if (Exit.isSuccess(exit)) {
    const result = exit.value
    expect(result.duplicate).toBe(false)
    const from = Option.isSome(before) ? before.value.status : "none"
    const t = Lifecycle.transition(from, tag)
    expect(t, `${tag} succeeded in ${from} without a row in the table`).toBeDefined()
    // the status moves only along the lifecycle table
    const to = result.case.status
    const allowed = to === from ? t!.to.includes("unchanged") || t!.to.includes(to) : t!.to.includes(to)
    expect(allowed, `${tag} moved ${from} → ${to}, the table allows ${t!.to.join(", ")}`).toBe(true)
    expect(result.case.version).toBe(eventsBefore.length + result.events.length)
    real.results.set(command.commandId as string, result)
    real.lastCommand = command
    if (tag === "Register") model.caseIds.push(result.caseId)
    const [after, events] = snapshot(real, result.caseId)
    checkCaseInvariants(real.center.config, Option.getOrThrow(after), events)
  } else {
    const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
    expect(failure, `untyped failure: ${String(exit.cause)}`).toBeDefined()
    expect(typedRefusals.has(failure!._tag), `unexpected error ${failure!._tag}`).toBe(true)
    if ((failure!._tag === "CommandNotAllowed" || failure!._tag === "GuardFailed") && Option.isSome(before)) {
      expect(failure).toMatchObject({ state: before.value.status, command: tag })
    }
    if (Option.isSome(before) && before.value.status === "archived") {
      expect(["CommandNotAllowed", "Forbidden", "InvalidInput"]).toContain(failure!._tag)
    }
    // a refused command leaves the case unchanged
    if (caseId !== undefined) {
      const [after, eventsAfter] = snapshot(real, caseId)
      expect(after).toStrictEqual(before)
      expect(eventsAfter.length).toBe(eventsBefore.length)
    }
  }
}

class RegisterStep implements FastCheck.Command<Model, Real> {
  constructor(readonly r: ReadonlyArray<number>, readonly smart: boolean) {}
  check = (m: Readonly<Model>) => m.caseIds.length < 4
  run(m: Model, real: Real) {
    m.clock += 60_000 * (1 + (Math.abs(this.r[0] ?? 0) % 600))
    const command = {
      _tag: "Register",
      caseId: `case-${m.caseIds.length}`,
      commandId: `c-${++m.seq}`,
      actor: pick(actors, this.smart ? 0 : this.r[6] ?? 0),
      at: new Date(m.clock).toISOString(),
      ...payload("Register", undefined, this.r, this.smart)
    }
    step(real, m, command)
  }
  toString = () => `Register(${this.r.join(",")}${this.smart ? ",smart" : ""})`
}

/** The commands that move a case along the main loop, by state. */
const forward: Partial<Record<Case["status"], ReadonlyArray<CommandName>>> = {
  registered: ["Accept"],
  accepted: ["Assess"],
  assessed: ["Dispatch", "Dispatch", "Escalate"],
  sentBack: ["Redispatch"],
  dispatched: ["StartHandling", "StartHandling", "SendBack"],
  handling: ["RecordOutcome", "RecordMediationSession", "Escalate", "SummonDepartment", "IssueSupervision"],
  escalated: ["Dispatch"],
  closed: ["GiveFeedback", "RequestJudicialConfirmation"],
  feedbackGiven: ["RecordFollowUp", "Archive", "AnswerSupervision"]
}

/** A command on a known case: `enabled` picks among what the lifecycle enables now; otherwise any command. */
class CaseStep implements FastCheck.Command<Model, Real> {
  constructor(
    readonly which: number,
    readonly tagIndex: number,
    readonly r: ReadonlyArray<number>,
    readonly mode: "forward" | "enabled" | "any" | "backwards",
    readonly actorIndex: number
  ) {}
  check = (m: Readonly<Model>) => m.caseIds.length > 0
  run(m: Model, real: Real) {
    const caseId = pick(m.caseIds, this.which)
    const current = Option.getOrUndefined(snapshot(real, caseId)[0])
    let tag: CommandName
    if ((this.mode === "enabled" || this.mode === "forward") && current !== undefined) {
      const enabled = Lifecycle.enabledCommands(real.center.config, current, current.updatedAt)
      if (enabled.length === 0) return
      const ahead = this.mode === "forward" ? forward[current.status]?.filter((x) => enabled.includes(x)) ?? [] : []
      tag = ahead.length > 0 ? pick(ahead, this.tagIndex) : pick(enabled, this.tagIndex)
    } else {
      tag = pick(commandNames.filter((n) => n !== "Register"), this.tagIndex)
    }
    m.clock += 60_000 * (1 + (Math.abs(this.r[0] ?? 0) % 3000))
    const at = this.mode === "backwards" && current !== undefined
      ? new Date(Date.parse(current.updatedAt) - 3_600_000).toISOString()
      : new Date(m.clock).toISOString()
    const command = {
      _tag: tag,
      caseId,
      commandId: `c-${++m.seq}`,
      actor: this.mode === "enabled" || this.mode === "forward" ? admin : pick(actors, this.actorIndex),
      at,
      ...payload(tag, current, this.r, this.mode === "enabled" || this.mode === "forward")
    }
    step(real, m, command)
  }
  toString = () => `CaseStep(${this.which},${this.tagIndex},[${this.r.join(",")}],${this.mode},${this.actorIndex})`
}

/** Re-sends the last successful command: the same command id gives the first result and writes nothing. */
class RepeatStep implements FastCheck.Command<Model, Real> {
  check = (m: Readonly<Model>) => m.caseIds.length > 0
  run(_: Model, real: Real) {
    const command = real.lastCommand
    if (command === undefined) return
    const first = real.results.get(command.commandId as string)!
    const [, eventsBefore] = snapshot(real, first.caseId)
    const exit = run(real.center.execute(command))
    expect(Exit.isSuccess(exit)).toBe(true)
    if (Exit.isSuccess(exit)) {
      expect(exit.value.duplicate).toBe(true)
      expect(exit.value.events).toStrictEqual(first.events)
    }
    const [, eventsAfter] = snapshot(real, first.caseId)
    expect(eventsAfter.length).toBe(eventsBefore.length)
  }
  toString = () => "Repeat"
}

const ints = FastCheck.array(FastCheck.integer({ min: 0, max: 1_000_000 }), { minLength: 7, maxLength: 7 })

const caseStep = (mode: CaseStep["mode"]) =>
  FastCheck.tuple(FastCheck.nat(), FastCheck.nat(), ints, FastCheck.nat(5)).map(([w, t, r, a]) =>
    new CaseStep(w, t, r, mode, a)
  )

const commandArb = FastCheck.commands<Model, Real>(
  [
    FastCheck.tuple(ints, FastCheck.boolean()).map(([r, s]) => new RegisterStep(r, s || r[5]! % 5 !== 0)),
    caseStep("forward"),
    caseStep("forward"),
    caseStep("forward"),
    caseStep("enabled"),
    caseStep("any"),
    caseStep("backwards"),
    FastCheck.constant(new RepeatStep())
  ],
  { maxCommands: MAX_COMMANDS, size: "max" }
)

describe("the case state machine (model-based, through Center on the memory store)", () => {
  it(`keeps every invariant after every step (${RUNS} runs of up to ${MAX_COMMANDS} commands)`, () => {
    const seen = new Map<string, number>()
    let totalSteps = 0
    FastCheck.assert(
      FastCheck.property(commandArb, (cmds) => {
        const real = makeReal()
        const model: Model = { caseIds: [], clock: Date.parse("2025-01-06T01:00:00Z"), seq: 0 }
        FastCheck.modelRun(() => ({ model, real }), cmds)
        totalSteps += real.steps
        for (const id of model.caseIds) {
          const c = Option.getOrThrow(snapshot(real, id)[0])
          seen.set(c.status, (seen.get(c.status) ?? 0) + 1)
        }
      }),
      { numRuns: RUNS }
    )
    if (process.env.FENGQIAO_PBT_DEBUG) console.log(totalSteps, Object.fromEntries(seen))
    // the generator really drives cases through the loop, not just around the start
    for (const status of ["accepted", "handling", "closed", "feedbackGiven", "archived", "escalated"]) {
      expect(seen.get(status) ?? 0, `no run ended with a case ${status}`).toBeGreaterThan(0)
    }
    expect(totalSteps).toBeGreaterThan(RUNS * 5)
  })
})
