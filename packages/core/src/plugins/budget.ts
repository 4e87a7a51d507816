/**
 * A hook's time limit that stops counting while the hook runs another plugin's contribution (which has its own
 * limit, and is blamed on its own plugin): the owner of an extension point is not timed out by the time its
 * contributors take.
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"

/** The time a hook has used: `since` is when it last resumed counting (undefined while paused). */
interface Budget {
  used: number
  since: number | undefined
  depth: number
}

const current = FiberRef.unsafeMake<Budget | undefined>(undefined)

/**
 * Runs `effect` with a time limit of `limit`, failing with `onTimeout()` when it runs out; the time spent inside
 * {@link paused} sections does not count.
 * @internal
 */
export const budgeted = <A, E, X>(
  effect: Effect.Effect<A, E>,
  limit: Duration.DurationInput,
  onTimeout: () => X
): Effect.Effect<A, E | X> =>
  Effect.flatMap(Clock.currentTimeMillis, (start) => {
    const millis = Duration.toMillis(Duration.decode(limit))
    const budget: Budget = { used: 0, since: start, depth: 0 }
    const watchdog: Effect.Effect<never, X> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      // paused: look again shortly (the limit runs on from when the contribution ends)
      if (budget.since === undefined) {
        return Effect.zipRight(Effect.sleep(Math.min(millis, 100)), Effect.suspend(() => watchdog))
      }
      const left = millis - budget.used - (now - budget.since)
      return left <= 0 ? Effect.fail(onTimeout()) : Effect.zipRight(Effect.sleep(left), Effect.suspend(() => watchdog))
    })
    return Effect.raceFirst(Effect.locally(effect, current, budget), watchdog)
  })

/**
 * Runs `effect` without counting its time against the enclosing {@link budgeted} limit, if any.
 * @internal
 */
export const paused = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.flatMap(FiberRef.get(current), (budget) =>
    budget === undefined ? effect : Effect.acquireUseRelease(
      Effect.map(Clock.currentTimeMillis, (now) => {
        if (budget.depth++ === 0 && budget.since !== undefined) {
          budget.used += now - budget.since
          budget.since = undefined
        }
      }),
      () => Effect.locally(effect, current, undefined),
      () =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          if (--budget.depth === 0) budget.since = now
        })
    ))
