/**
 * A clock for simulations and tests (模拟时钟). The centre judges every time by its own clock (see
 * `CenterConfig.TrustedTime`), so a simulation that replays dated events — a demo's year, a test's scenario, a
 * benchmark's fixtures — runs the centre on a clock it moves itself: {@link make} one, hand it to the centre
 * (`createCenter({ clock: clock.now })`, or `Layer.setClock(clock.clock)` / `Effect.withClock`), and {@link set} it
 * as the scenario goes on. {@link follow} and {@link followClient} set it from each command's `at` for scenarios
 * written as dated commands.
 *
 * @since 0.2.0
 */
import type * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Center from "./Center.js"
import { type CenterClient, createCenter, type CreateCenterOptions } from "./CenterClient.js"
import { readingClock } from "./internal/clock.js"
import type * as Plugin from "./Plugin.js"

/**
 * A clock that stands still until it is moved.
 *
 * @since 0.2.0
 * @category models
 */
export interface SimulatedClock {
  /** The Effect clock reading this time (for `Layer.setClock` or `Effect.withClock`). */
  readonly clock: Clock.Clock
  /** The time in epoch milliseconds (for `createCenter({ clock })`). */
  readonly now: () => number
  /** Moves the clock to a time (forwards or back). */
  readonly set: (time: string | number | Date) => void
  /** Moves the clock on by milliseconds. */
  readonly advance: (milliseconds: number) => void
}

const millisOf = (time: string | number | Date): number => {
  const ms = typeof time === "number" ? time : typeof time === "string" ? Date.parse(time) : time.getTime()
  if (!Number.isFinite(ms)) throw new RangeError(`SimulatedClock: ${String(time)} is not a time`)
  return ms
}

/**
 * A clock standing at `start`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (start: string | number | Date): SimulatedClock => {
  let current = millisOf(start)
  return {
    clock: readingClock(() => current),
    now: () => current,
    set: (time) => {
      current = millisOf(time)
    },
    advance: (ms) => {
      current += ms
    }
  }
}

/** A command's readable `at` in epoch milliseconds (a bad one is left to the centre to refuse). */
const timeOf = (command: unknown): number | undefined => {
  let at: unknown
  try {
    at = typeof command === "object" && command !== null ? (command as { readonly at?: unknown }).at : undefined
  } catch {
    return undefined // input that cannot be read is the centre's to refuse
  }
  const ms = typeof at === "string" ? Date.parse(at) : at instanceof Date ? at.getTime() : Number.NaN
  return Number.isFinite(ms) ? ms : undefined
}

/** Sets the clock to a command's `at`, when it has a readable one. */
const setFrom = (clock: SimulatedClock, command: unknown): void => {
  const ms = timeOf(command)
  if (ms !== undefined) clock.set(ms)
}

/** Moves the clock on to the latest `at` among an import's commands (an import is sent after its history). */
const setFromImport = (clock: SimulatedClock, input: unknown): void => {
  try {
    moveToLatest(clock, input)
  } catch {
    // input that cannot be read is the centre's to refuse
  }
}

const moveToLatest = (clock: SimulatedClock, input: unknown): void => {
  const cases = typeof input === "object" && input !== null ? (input as { readonly cases?: unknown }).cases : undefined
  if (!Array.isArray(cases)) return
  let latest = clock.now()
  for (const c of cases) {
    const commands = typeof c === "object" && c !== null ? (c as { readonly commands?: unknown }).commands : undefined
    if (!Array.isArray(commands)) continue
    for (const command of commands) {
      const ms = timeOf(command)
      if (ms !== undefined && ms > latest) latest = ms
    }
  }
  clock.set(latest)
}

const operations = [
  "get",
  "getByCode",
  "history",
  "asOf",
  "list",
  "aggregate",
  "verify",
  "applyRetention",
  "recomputeDeadlines",
  "enabledCommands"
] as const

/**
 * The centre with every call on the simulated clock; a command carrying `at` runs as if it were sent at the time it
 * names (on a clock standing there, which concurrent commands do not move) and moves the clock to it; an import
 * moves the clock on to its latest command's time (never back). Plugins'
 * queries and commands run on the clock too.
 *
 * @since 0.2.0
 * @category combinators
 */
export const follow = <P extends ReadonlyArray<Plugin.Any>>(
  center: Center.Center<P>,
  clock: SimulatedClock
): Center.Center<P> => {
  const on = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.withClock(effect, clock.clock)
  const wrapped: Record<string, unknown> = { ...center }
  for (const name of operations) {
    const f = center[name] as (input: never) => Effect.Effect<unknown, unknown>
    wrapped[name] = (input: never) => on(Effect.suspend(() => f(input)))
  }
  wrapped.execute = (command: unknown) =>
    Effect.suspend(() => {
      const ms = timeOf(command)
      if (ms === undefined) return on(center.execute(command))
      // the command runs on a clock of its own standing at its time, so that commands sent at once from several
      // fibers each see their own; the shared clock moves to it for the calls that follow
      clock.set(ms)
      return Effect.withClock(center.execute(command), make(ms).clock)
    })
  wrapped.importCases = (input: Center.ImportInput) =>
    on(Effect.suspend(() => {
      setFromImport(clock, input)
      return center.importCases(input)
    }))
  const plugins: Record<string, Record<string, unknown>> = {}
  for (const [id, api] of Object.entries(center.plugins as Record<string, Record<string, unknown>>)) {
    plugins[id] = {}
    for (const [name, handler] of Object.entries(api)) {
      const h = handler as (input: unknown) => Effect.Effect<unknown, unknown>
      plugins[id][name] = (input: unknown) => on(Effect.suspend(() => h(input)))
    }
  }
  wrapped.plugins = plugins
  return wrapped as unknown as Center.Center<P>
}

/**
 * A layer's centre {@link follow}ing a new simulated clock standing at `start` (a fresh clock each time the layer is
 * built); the layer's other services are kept.
 *
 * @since 0.2.0
 * @category combinators
 */
export const followLayer =
  (start: string | number | Date) =>
  <ROut, E, R>(layer: Layer.Layer<ROut | Center.Center, E, R>): Layer.Layer<ROut | Center.Center, E, R> =>
    Layer.map(layer, (ctx) => {
      const center = Context.get(ctx as Context.Context<Center.Center>, Center.Center)
      return Context.add(ctx, Center.Center, follow(center, make(start)))
    })

/**
 * The Promise client with each command carrying `at` moving the clock to it first. The client must have been made
 * with this clock (`createCenter({ clock: clock.now })`). For scenarios sent one call at a time: calls under way at
 * once share the clock (use {@link follow} on the Effect API for concurrent scenarios).
 *
 * @since 0.2.0
 * @category combinators
 */
export const followClient = <P extends ReadonlyArray<Plugin.Any>>(
  client: CenterClient<P>,
  clock: SimulatedClock
): CenterClient<P> => {
  const wrapped: Record<string, unknown> = { ...client }
  for (const [name, f] of Object.entries(client)) {
    if (typeof f !== "function" || name === "dispose" || name === "labels") continue
    const call = f as (input: unknown, options?: unknown) => Promise<unknown>
    wrapped[name] = (input: unknown, options?: unknown) => {
      if (name === "importCases") setFromImport(clock, input)
      else setFrom(clock, input)
      return call(input, options)
    }
  }
  return wrapped as unknown as CenterClient<P>
}

/**
 * `createCenter` on a new simulated clock standing at `start` that {@link followClient follows} each command's
 * `at`: for replaying a dated scenario through the Promise API.
 *
 * @since 0.2.0
 * @category constructors
 */
export const createFollowingCenter = async <const P extends ReadonlyArray<Plugin.Any> = []>(
  options: CreateCenterOptions<P>,
  start: string | number | Date
): Promise<CenterClient<P>> => {
  const clock = make(start)
  return followClient(await createCenter({ ...options, clock: clock.now }), clock)
}

/**
 * `Center.make` on a new simulated clock standing at `start` that {@link follow follows} each command's `at`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeFollowing = <const P extends ReadonlyArray<Plugin.Any> = []>(
  options: Center.Options<P>,
  start: string | number | Date
) => Effect.map(Center.make(options), (center) => follow(center, make(start)))
