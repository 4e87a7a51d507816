import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
// the random walk over the lifecycle is shared with the adapters' conformance suite
import * as Generators from "../../testkit/src/Generators.js"
import type { Case } from "../src/Case.js"
import type { CaseStore } from "../src/CaseStore.js"
import { CaseStore as CaseStoreTag } from "../src/CaseStore.js"
import * as Center from "../src/Center.js"
import type { CommandName } from "../src/Command.js"
import type { Envelope } from "../src/Event.js"
import * as Lifecycle from "../src/Lifecycle.js"
import * as MemoryStore from "../src/MemoryStore.js"
import { countyConfig } from "./fixtures.js"
import { checkCaseInvariants } from "./invariants.js"
import { scenarioLayer } from "./scenario.js"

const RUNS = Number(process.env.FENGQIAO_PBT_RUNS ?? 1000)
const MAX_COMMANDS = 50

/** The system under test, and what a run has seen. */
interface Real {
  readonly center: Center.Center
  readonly store: CaseStore
  readonly results: Map<string, Center.CommandResult>
  last?: Record<string, unknown> | undefined
  steps: number
}

const makeReal = (): Real => {
  const { center, store } = Effect.runSync(
    Effect.gen(function*() {
      return { center: yield* Center.Center, store: yield* CaseStoreTag }
    }).pipe(Effect.provide(scenarioLayer({ config: countyConfig }).pipe(Layer.provideMerge(MemoryStore.layer))))
  )
  return { center, store, results: new Map(), steps: 0 }
}

const snapshot = (real: Real, caseId: string) =>
  Effect.runSync(
    Effect.all([real.store.load("dunhua", caseId), real.store.readEvents("dunhua", caseId)])
  ) as [Option.Option<Case>, ReadonlyArray<Envelope>]

const typedRefusals = new Set([
  "CommandNotAllowed",
  "GuardFailed",
  "InvalidInput",
  "Forbidden",
  // a case the actor may not read is answered as one that does not exist (issue 26)
  "CaseNotFound",
  "CalendarYearNotCovered"
])

/** Executes one command and checks the step invariants. */
const step = (real: Real, w: Generators.Walk, command: Record<string, unknown>) => {
  const tag = command._tag as CommandName
  const caseId = command.caseId as string | undefined
  const [before, eventsBefore] = caseId === undefined ? [Option.none<Case>(), []] : snapshot(real, caseId)
  const exit = Effect.runSyncExit(real.center.execute(command))
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
    // the event a repeated command id is matched against (Lifecycle.firstEventOf)
    expect(result.events[0]?.event._tag).toBe(Lifecycle.firstEventOf[tag])
    real.results.set(command.commandId as string, result)
    real.last = command
    if (tag === "Register") w.caseIds.push(result.caseId)
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
      expect(["CommandNotAllowed", "Forbidden", "InvalidInput", "CaseNotFound"]).toContain(failure!._tag)
    }
    // a refused command leaves the case unchanged
    if (caseId !== undefined) {
      const [after, eventsAfter] = snapshot(real, caseId)
      expect(after).toStrictEqual(before)
      expect(eventsAfter.length).toBe(eventsBefore.length)
    }
  }
}

interface Model {
  readonly walk: Generators.Walk
}

/** One generated step through Center. */
class Step implements FastCheck.Command<Model, Real> {
  constructor(readonly step: Generators.Step) {}
  check = () => true
  run(m: Model, real: Real) {
    const command = Generators.commandFor(
      real.center.config,
      m.walk,
      this.step,
      (id) => Option.getOrUndefined(snapshot(real, id)[0])
    )
    if (command !== undefined) step(real, m.walk, command)
  }
  toString = () => `Step(${JSON.stringify(this.step)})`
}

/** Re-sends the last successful command: the same command id gives the first result and writes nothing. */
class Repeat implements FastCheck.Command<Model, Real> {
  check = () => true
  run(_: Model, real: Real) {
    const command = real.last
    if (command === undefined) return
    const first = real.results.get(command.commandId as string)!
    const [, eventsBefore] = snapshot(real, first.caseId)
    const exit = Effect.runSyncExit(real.center.execute(command))
    expect(Exit.isSuccess(exit)).toBe(true)
    if (Exit.isSuccess(exit)) {
      expect(exit.value.duplicate).toBe(true)
      expect(exit.value.events).toStrictEqual(first.events)
    }
    expect(snapshot(real, first.caseId)[1].length).toBe(eventsBefore.length)
  }
  toString = () => "Repeat"
}

const commandArb = FastCheck.commands<Model, Real>(
  [Generators.step.map((s) => new Step(s)), FastCheck.constant(new Repeat())],
  { maxCommands: MAX_COMMANDS, size: "max" }
)

describe("the case state machine (model-based, through Center on the memory store)", () => {
  // long runs (FENGQIAO_PBT_RUNS) get time in proportion, and give the event loop a turn now and then, so that the
  // test runner's own messages to its worker are not starved
  it(`keeps every invariant after every step (${RUNS} runs of up to ${MAX_COMMANDS} commands)`, async () => {
    const seen = new Map<string, number>()
    let totalSteps = 0
    let runs = 0
    await FastCheck.assert(
      FastCheck.asyncProperty(commandArb, async (cmds) => {
        if (++runs % 100 === 0) await new Promise((resolve) => setImmediate(resolve))
        const real = makeReal()
        const model: Model = { walk: Generators.walk() }
        FastCheck.modelRun(() => ({ model, real }), cmds)
        totalSteps += real.steps
        for (const id of model.walk.caseIds) {
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
  }, Math.max(120_000, RUNS * 60))
})
