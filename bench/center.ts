/**
 * Benchmark "center": commands per second end to end (input decoding, policy, load, decide, evolve, summary,
 * append to the in-memory store) through the `Center` service, one fiber, commands one after another, every
 * case through its full loop; and the same through the Promise API (`createCenter`). Every sample starts from
 * an empty store (built untimed), so samples do the same work. The centres run on a simulated clock set to each
 * command's `at` before it is sent (`clock.ts`), so the 2025 fixtures are taken at their own times.
 */
import {
  AuditTrail,
  Calendar,
  type Case,
  CaseStore,
  Center,
  type CenterClient,
  CenterConfig,
  Command,
  createCenter,
  type Event,
  Lifecycle,
  MemoryStore,
  Policy,
  Privacy,
  SimulatedClock,
  Summary
} from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as ParseResult from "effect/ParseResult"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as RuntimeFlagsPatch from "effect/RuntimeFlagsPatch"
import * as Supervisor from "effect/Supervisor"
import { decodeInput } from "../packages/core/src/internal/parse.js"
import { stamp } from "../packages/core/src/internal/trustedTime.js"
import { reduce } from "./baseline.js"
import { checkReplay, replayer, timesOf } from "./clock.js"
import { commandCount, countyConfig, mix, workload } from "./fixtures.js"
import type { Benchmark } from "./harness.js"
import { decideEnvelopes, prepare } from "./lifecycle.js"

const CASES = 400

/** Counts the Effect instructions the fiber runtime evaluates (a machine-independent measure of plumbing). */
export class OpCounter extends Supervisor.AbstractSupervisor<void> {
  ops = 0
  readonly byOp = new Map<string, number>()
  get value() {
    return Effect.void
  }
  override onEffect<A, E>(_fiber: unknown, effect: Effect.Effect<A, E, unknown>) {
    this.ops++
    const op = (effect as unknown as { readonly _op?: string })._op ?? "?"
    this.byOp.set(op, (this.byOp.get(op) ?? 0) + 1)
  }
}

/** Effect instructions per command through Center.execute, counted once (untimed) on the first 80 cases. */
const countOps = async (options: Center.Options, inputs: ReadonlyArray<unknown>) => {
  const center = await Effect.runPromise(Effect.provide(Center.make(options), MemoryStore.layer))
  const counter = new OpCounter()
  await Effect.runPromise(
    replayer(inputs)(center).pipe(
      Effect.supervised(counter),
      Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision))
    )
  )
  const perCommand = (n: number) => Math.round((n / inputs.length) * 10) / 10
  return {
    perCommand: perCommand(counter.ops),
    byOp: Object.fromEntries([...counter.byOp].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, perCommand(v)]))
  }
}

interface PerCommand {
  readonly clock: SimulatedClock.SimulatedClock
  readonly runtime: ManagedRuntime.ManagedRuntime<Center.Center, unknown>
  readonly center: Center.Center
}

export const make = async (): Promise<Benchmark> => {
  const cases = workload(CASES)
  const inputs = cases.flat()
  const commands = commandCount(cases)
  const options: Center.Options = { config: countyConfig }
  // every command is sent at the time it names: the clock is set to it first (the times parsed here, untimed)
  const replay = replayer(inputs)
  const times = timesOf(inputs)
  // Exactly what Center.ts decodes with (the compiled fast path, the schema for anything it refuses) …
  const decode = decodeInput(Command.Command)
  // … and the general Schema interpreter alone, for comparison
  const interpret = ParseResult.decodeUnknownEither(Command.Command, { errors: "all", onExcessProperty: "error" })
  // The floor: the cheapest known way to do three things every command needs, and nothing else — decode the input
  // (the compiled decoder), apply it (the hand-written reducer of the lifecycle benchmark) and chain the audit hashes
  // of the events it records (precomputed, untimed: the envelopes decide+evolve makes). No policy, no summary, no
  // store, no Effect. Center cannot run faster than this.
  const steps = prepare(Either.getOrThrow(CenterConfig.resolve(countyConfig, Calendar.china)), CASES)
  const envelopes = steps.map((s) => {
    let state: Case.Case | undefined
    return s.map((step) => {
      const es = decideEnvelopes(state, step)
      state = reduce(state, step.command, step.ctx)
      return es
    })
  })
  const eventCount = envelopes.reduce((n, c) => n + c.reduce((m, es) => m + es.length, 0), 0)
  // the straight line: the centre's resolved configuration and default policy
  const resolved = { config: steps[0]![0]!.ctx.config, policy: Policy.defaultPolicy }
  // untimed: the centre takes every command at its own time and records the events the lifecycle decides
  await checkReplay(
    await Effect.runPromise(Effect.provide(Center.make(options), MemoryStore.layer)),
    inputs,
    eventCount
  )

  return {
    name: "center",
    description: "commands/s end to end through the Center service on the in-memory store, one fiber, sequential",
    unit: "commands",
    workload: {
      cases: CASES,
      commandsPerSample: commands,
      mix,
      freshStorePerSample: true,
      clock: "simulated, set to each command's at before it is sent",
      effectOpsPerCommand: await countOps(options, workload(80).flat())
    },
    cases: [
      {
        name: "Center (Effect, one fiber)",
        note: "Effect.runPromise(Effect.withClock(Effect.forEach(inputs, (input) => (clock.set(at), " +
          "center.execute(input))), clock)) on Center.make + MemoryStore.layer",
        setup: () => Effect.runPromise(Effect.provide(Center.make(options), MemoryStore.layer)),
        run: async (center: Center.Center) => {
          await Effect.runPromise(replay(center))
          return commands
        }
      },
      {
        name: "Center (runPromise per command)",
        note: "ManagedRuntime over Center.layer + MemoryStore.layer + Layer.setClock(clock); clock.set(at), " +
          "await runtime.runPromise(execute) per command",
        setup: async () => {
          const clock = SimulatedClock.make(times[0]!)
          const runtime = ManagedRuntime.make(
            Center.layer(options).pipe(
              Layer.provide(MemoryStore.layer),
              Layer.provideMerge(Layer.setClock(clock.clock))
            )
          )
          return { clock, runtime, center: await runtime.runPromise(Center.Center) }
        },
        run: async ({ center, clock, runtime }: PerCommand) => {
          for (let k = 0; k < inputs.length; k++) {
            clock.set(times[k]!)
            await runtime.runPromise(center.execute(inputs[k]))
          }
          return commands
        },
        teardown: ({ runtime }: PerCommand) => runtime.dispose()
      },
      {
        name: "createCenter (Promise API)",
        note: "createCenter({ config, clock: clock.now }); clock.set(at), await client.execute(input) per command",
        setup: async () => {
          const clock = SimulatedClock.make(times[0]!)
          return { clock, client: await createCenter({ config: countyConfig, clock: clock.now }) }
        },
        run: async ({ client, clock }: { client: CenterClient.CenterClient; clock: SimulatedClock.SimulatedClock }) => {
          for (let k = 0; k < inputs.length; k++) {
            clock.set(times[k]!)
            await client.execute(inputs[k]!)
          }
          return commands
        },
        teardown: ({ client }: { client: CenterClient.CenterClient }) => client.dispose()
      },
      {
        name: "straight line: Center's work without Effect",
        note: "per command, plain calls in one loop: the compiled decode, the default policy, trusted time, " +
          "Lifecycle.decide + envelopes + evolve, Summary.ofCase, deepFreeze + AuditTrail.chain into a Map, and the " +
          "masked result (Privacy.maskCase/maskEnvelope); no Effect, no store service: what Center does, minus its " +
          "plumbing. Center / straight line is the cost of the Effect pipeline and the store port",
        run: () => {
          const cases = new Map<string, { state: Case.Case; head: string }>()
          let versions = 0
          for (let k = 0; k < inputs.length; k++) {
            const decoded = decode(inputs[k])
            if (Either.isLeft(decoded)) throw new Error("workload input does not decode")
            const command = decoded.right
            if (resolved.policy.authorizeActor?.(resolved.config, command.actor, command._tag) !== undefined) {
              throw new Error("straight line: refused by the policy")
            }
            // the fixtures name every case, its Register included
            const caseId = command.caseId!
            const entry = cases.get(caseId)
            const state = entry?.state
            if (resolved.policy.authorizeCommand(resolved.config, command.actor, command._tag, state, command)) {
              throw new Error("straight line: refused by the policy")
            }
            const time = stamp(resolved.config, command.actor, command.at, times[k]!, state?.updatedAt)
            if (Either.isLeft(time)) throw time.left
            const { at, enteredLate, now } = time.right
            const commandId = `cmd-${k}`
            const ctx: Lifecycle.DecideContext = command._tag === "Register"
              ? { config: resolved.config, caseId, commandId, at, now, code: `code-${k}` }
              : { config: resolved.config, caseId, commandId, at, now }
            const decided = Lifecycle.decide(ctx, state, command)
            if (Either.isLeft(decided)) throw decided.left
            const base = state?.version ?? 0
            const envelopes = decided.right.map((event, i): Event.Envelope => ({
              caseId,
              centre: resolved.config.id,
              version: base + i + 1,
              at,
              recordedAt: now,
              ...(enteredLate ? { enteredLate } : {}),
              actor: command.actor,
              commandId,
              correlationId: command.correlationId ?? commandId,
              event
            }))
            let next = state
            for (const env of envelopes) next = Lifecycle.evolve(next, env)
            const summary = Summary.ofCase(resolved.config, next!)
            CaseStore.deepFreeze(summary)
            const frozen = CaseStore.deepFreeze(next!)
            const head = AuditTrail.chain(entry?.head ?? AuditTrail.genesis, envelopes.map(CaseStore.deepFreeze)).at(
              -1
            )!
            cases.set(caseId, { state: frozen, head })
            Privacy.maskCase(frozen)
            envelopes.map(Privacy.maskEnvelope)
            versions += envelopes.length
          }
          if (versions !== eventCount) throw new Error(`straight line: ${versions} events, not ${eventCount}`)
          return commands
        }
      },
      {
        name: "floor: decode + reducer + audit hashes",
        note: "per command: the compiled decode, the hand-written reducer of bench/baseline.ts, AuditTrail.chain of " +
          "its events; no policy, summary, store or Effect: no implementation of Center can be faster",
        run: () => {
          let versions = 0
          for (let i = 0; i < cases.length; i++) {
            let state: Case.Case | undefined
            let head = AuditTrail.genesis
            for (let k = 0; k < cases[i]!.length; k++) {
              const decoded = decode(cases[i]![k])
              if (Either.isLeft(decoded)) throw new Error("workload input does not decode")
              state = reduce(state, decoded.right, steps[i]![k]!.ctx)
              head = AuditTrail.chain(head, envelopes[i]![k]!).at(-1) ?? head
            }
            versions += state!.version
          }
          if (versions !== eventCount) throw new Error(`floor: final versions sum to ${versions}, not ${eventCount}`)
          return commands
        }
      },
      {
        name: "decode only",
        note: "the Command decode Center.execute starts with (compiled fast path, schema fallback); not a target",
        run: () => {
          for (const input of inputs) {
            if (Either.isLeft(decode(input))) throw new Error("workload input does not decode")
          }
          return commands
        }
      },
      {
        name: "Schema interpreter decode",
        note:
          "ParseResult.decodeUnknownEither(Command, { errors: all, onExcessProperty: error }): the fast path's baseline",
        run: () => {
          for (const input of inputs) {
            if (Either.isLeft(interpret(input))) throw new Error("workload input does not decode")
          }
          return commands
        }
      }
    ],
    ratios: [
      {
        name: "Center / straight line",
        numerator: "Center (Effect, one fiber)",
        denominator: "straight line: Center's work without Effect"
      },
      {
        name: "straight line / floor",
        numerator: "straight line: Center's work without Effect",
        denominator: "floor: decode + reducer + audit hashes"
      },
      {
        name: "Center / floor",
        numerator: "Center (Effect, one fiber)",
        denominator: "floor: decode + reducer + audit hashes"
      },
      {
        name: "Promise API / Effect",
        numerator: "createCenter (Promise API)",
        denominator: "Center (Effect, one fiber)"
      },
      {
        name: "decode share of Center",
        numerator: "decode only",
        denominator: "Center (Effect, one fiber)"
      },
      {
        name: "compiled decode / Schema interpreter",
        numerator: "decode only",
        denominator: "Schema interpreter decode"
      }
    ],
    targets: [
      { case: "Center (Effect, one fiber)", atLeast: 50_000, unit: "commands" },
      // not a target of its own: whether the target is reachable on this machine at all
      { case: "floor: decode + reducer + audit hashes", atLeast: 50_000, unit: "commands" }
    ]
  }
}
