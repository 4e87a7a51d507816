/**
 * An Effect `Clock` reading the time from a function (epoch milliseconds); sleeping is the system clock's. Behind
 * `createCenter({ clock })` and `SimulatedClock`.
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** @internal */
export const readingClock = (millis: () => number): Clock.Clock => {
  const system = Clock.make()
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: millis,
    unsafeCurrentTimeNanos: () => BigInt(millis()) * 1_000_000n,
    currentTimeMillis: Effect.sync(millis),
    currentTimeNanos: Effect.sync(() => BigInt(millis()) * 1_000_000n),
    sleep: (duration) => system.sleep(duration)
  }
}
