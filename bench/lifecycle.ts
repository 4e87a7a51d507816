/**
 * Benchmark "lifecycle": the pure `Lifecycle.decide` + `Lifecycle.evolve` against the hand-written reducer of
 * `baseline.ts`, on the same precomputed, already decoded commands, in the same run.
 */
import { Calendar, type Case, CenterConfig, Command, type Event, Lifecycle } from "@fengqiao/core"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { isDeepStrictEqual } from "node:util"
import { reduce } from "./baseline.js"
import { commandCount, countyConfig, mix, workload } from "./fixtures.js"
import type { Benchmark } from "./harness.js"

/** One command of the workload, decoded, with the context the centre would give `decide`. */
export interface Step {
  readonly command: Command.Command
  readonly ctx: Lifecycle.DecideContext
}

type Workload = ReadonlyArray<ReadonlyArray<Step>>

const CASES = 400
/** Passes over the workload per sample. */
const PASSES = 4

/** The workload decoded, with the context `Center.ts` would give `decide` (also the center benchmark's floor). */
export const prepare = (config: CenterConfig.Resolved, cases: number): Workload => {
  const decode = Schema.decodeUnknownSync(Command.Command)
  return workload(cases).map((inputs, i) =>
    inputs.map((input, k): Step => {
      const command = decode(input)
      const caseId = `c-${i}`
      const commandId = `${caseId}.${k + 1}`
      const at = command.at!
      // The same context objects Center.ts builds for Register and for a command on an existing case; the centre's
      // time (`now`) is the command's own, as in the center and storage benchmarks, whose centres run on a
      // simulated clock set to each command's at before it is sent.
      const ctx: Lifecycle.DecideContext = command._tag === "Register"
        ? { config, caseId, commandId, at, now: at, code: config.formatCode(2025, i + 1) }
        : { config, caseId, commandId, at, now: at, mergeTarget: undefined }
      return { command, ctx }
    })
  )
}

/** Decides one command and wraps its events in envelopes the way Center.ts does. */
export const decideEnvelopes = (state: Case.Case | undefined, { command, ctx }: Step): Array<Event.Envelope> => {
  const r = Lifecycle.decide(ctx, state, command)
  if (Either.isLeft(r)) throw r.left
  const base = state?.version ?? 0
  return r.right.map((event, i) => ({
    caseId: ctx.caseId,
    centre: ctx.config.id,
    version: base + i + 1,
    at: ctx.at,
    ...(ctx.now !== undefined ? { recordedAt: ctx.now } : {}),
    actor: command.actor,
    commandId: ctx.commandId,
    correlationId: command.correlationId ?? ctx.commandId,
    event
  }))
}

/** One command through decide, then evolve for each of its events. */
const decideEvolve = (state: Case.Case | undefined, step: Step): Case.Case => {
  let snapshot = state
  for (const env of decideEnvelopes(state, step)) snapshot = Lifecycle.evolve(snapshot, env)
  return snapshot!
}

/** Checks, untimed, that the baseline yields exactly the states decide+evolve yields; returns the envelopes. */
const verify = (w: Workload): ReadonlyArray<ReadonlyArray<Event.Envelope>> =>
  w.map((steps) => {
    let a: Case.Case | undefined
    let b: Case.Case | undefined
    const history: Array<Event.Envelope> = []
    for (const step of steps) {
      const envelopes = decideEnvelopes(a, step)
      history.push(...envelopes)
      a = Lifecycle.replay(envelopes, a)
      b = reduce(b, step.command, step.ctx)
      if (!isDeepStrictEqual(a, b)) {
        throw new Error(
          `baseline differs from decide+evolve after ${step.command._tag} on ${step.ctx.caseId}:\n` +
            `decide+evolve: ${JSON.stringify(a)}\nbaseline:      ${JSON.stringify(b)}`
        )
      }
    }
    return history
  })

export const make = (): Benchmark => {
  const config = Either.getOrThrow(CenterConfig.resolve(countyConfig, Calendar.china))
  const w = prepare(config, CASES)
  const histories = verify(w)
  const commands = commandCount(w)
  const events = commandCount(histories)
  // The sum of final versions: every pass must reach it (keeps the work observable, so it is not optimised away).
  const expected = histories.reduce((n, h) => n + h.length, 0)
  const check = (name: string, got: number) => {
    if (got !== expected) throw new Error(`${name}: final versions sum to ${got}, expected ${expected}`)
  }
  return {
    name: "lifecycle",
    description: "pure decide+evolve vs a hand-written switch reducer, same decoded commands, same run",
    unit: "commands",
    workload: {
      cases: CASES,
      commandsPerPass: commands,
      eventsPerPass: events,
      passesPerSample: PASSES,
      mix,
      decodedUpFront: true
    },
    cases: [
      {
        name: "decide+evolve",
        note: "Lifecycle.decide, envelopes as in Center.ts, Lifecycle.evolve per event",
        run: () => {
          for (let p = 0; p < PASSES; p++) {
            let sum = 0
            for (const steps of w) {
              let state: Case.Case | undefined
              for (const step of steps) state = decideEvolve(state, step)
              sum += state!.version
            }
            check("decide+evolve", sum)
          }
          return commands * PASSES
        }
      },
      {
        name: "hand-written reducer",
        note: "switch on command._tag, same guards inline, Deadline.findRule + dueWithBasis, immutable update",
        run: () => {
          for (let p = 0; p < PASSES; p++) {
            let sum = 0
            for (const steps of w) {
              let state: Case.Case | undefined
              for (const step of steps) state = reduce(state, step.command, step.ctx)
              sum += state!.version
            }
            check("hand-written reducer", sum)
          }
          return commands * PASSES
        }
      },
      {
        name: "evolve only (replay)",
        note: `Lifecycle.replay of the events the commands produced (${events} events per ${commands} commands)`,
        run: () => {
          for (let p = 0; p < PASSES; p++) {
            let sum = 0
            for (const h of histories) sum += Lifecycle.replay(h)!.version
            check("evolve only", sum)
          }
          return commands * PASSES
        }
      }
    ],
    ratios: [{
      name: "decide+evolve / hand-written",
      numerator: "decide+evolve",
      denominator: "hand-written reducer",
      target: 3
    }]
  }
}
