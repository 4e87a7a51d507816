/**
 * The benchmarks' clock (模拟时钟). The centre judges a caller's `at` by its own clock and takes it only from 7 days
 * before that clock to 5 minutes after it, so the dated fixtures (2025) would be refused on the real clock. Every
 * centre a benchmark runs is therefore given a `SimulatedClock`, and the benchmark sets it to each command's `at`
 * right before sending the command: as if every command were sent at the time it names, which keeps the work the
 * same as before the centre had a clock of its own (the caller's `at` is taken as is, the centre records the same
 * time as `recordedAt`) and the rows a run writes byte for byte the same from run to run.
 *
 * Cheap on purpose, so the timed path pays nothing measurable for it: the times are parsed once, untimed (so setting
 * the clock is a store of a number), and a whole run goes on the clock with one `Effect.withClock` (or a runtime
 * made with `Layer.setClock`, or `createCenter({ clock: clock.now })` for the Promise API) instead of the
 * per-call wrapping of `SimulatedClock.follow`.
 */
import { type Center, SimulatedClock } from "@fengqiao/core"
import * as Effect from "effect/Effect"

/** What a benchmark sends commands to: a `Center`, or any service with its `execute`. */
export interface Executes<A, E> {
  readonly execute: (input: unknown) => Effect.Effect<A, E>
}

/** The time a command of the fixtures names (epoch milliseconds); every command of the workload names one. */
export const timeOf = (input: unknown): number => {
  const at = typeof input === "object" && input !== null ? (input as { readonly at?: unknown }).at : undefined
  const ms = typeof at === "string" ? Date.parse(at) : at instanceof Date ? at.getTime() : Number.NaN
  if (!Number.isFinite(ms)) throw new Error(`bench: a fixture command without a valid at: ${JSON.stringify(input)}`)
  return ms
}

/** The times of a run of commands, parsed once (untimed). */
export const timesOf = (inputs: ReadonlyArray<unknown>): Float64Array => Float64Array.from(inputs, timeOf)

/**
 * A replay of `inputs`, one command after another on one fiber: the returned function runs them through a centre's
 * `execute`, with the clock set to each command's time just before it is sent and the whole run on that clock.
 * Any refused command fails the run (and so the benchmark). Each replayer has a clock of its own, so replays on
 * different fibers (one replayer per fiber) do not move each other's clock.
 */
export const replayer = (inputs: ReadonlyArray<unknown>) => {
  const times = timesOf(inputs)
  const clock = SimulatedClock.make(times[0] ?? 0)
  return <A, E>(center: Executes<A, E>): Effect.Effect<void, E> =>
    Effect.withClock(
      Effect.forEach(inputs, (input, k) => {
        clock.set(times[k]!)
        return center.execute(input)
      }, { discard: true }),
      clock.clock
    )
}

/**
 * Checks, untimed, that a run through the centre did the work the fixtures describe: every command recorded its
 * events at its own time (`at` as given, `recordedAt` equal to it, nothing `enteredLate`), and the cases reached
 * `expectedEvents` events in all. Runs `inputs` on a fresh replayer; returns the event count.
 */
export const checkReplay = async (
  center: Center.Center,
  inputs: ReadonlyArray<unknown>,
  expectedEvents?: number
): Promise<number> => {
  const times = timesOf(inputs)
  const clock = SimulatedClock.make(times[0] ?? 0)
  let events = 0
  await Effect.runPromise(Effect.withClock(
    Effect.forEach(inputs, (input, k) => {
      clock.set(times[k]!)
      return Effect.map(center.execute(input), (r) => {
        const at = new Date(times[k]!).toISOString()
        for (const e of r.events) {
          if (r.duplicate || Date.parse(e.at) !== times[k] || e.recordedAt !== at || e.enteredLate === true) {
            throw new Error(
              `bench: ${String((input as { _tag?: unknown })._tag)} on ${r.caseId} was not recorded at its own time ` +
                `(at ${e.at}, recordedAt ${String(e.recordedAt)}, clock ${at}${r.duplicate ? ", a duplicate" : ""})`
            )
          }
        }
        events += r.events.length
      })
    }, { discard: true }),
    clock.clock
  ))
  if (expectedEvents !== undefined && events !== expectedEvents) {
    throw new Error(`bench: the workload recorded ${events} events, not the ${expectedEvents} expected`)
  }
  return events
}
