import * as Effect from "effect/Effect"

interface Slot {
  readonly semaphore: Effect.Semaphore
  users: number
}

/**
 * One permit per key: effects on the same key run one at a time, different keys run in parallel. Slots are
 * dropped when no fiber uses them, so memory stays bounded by the keys in use.
 * @internal
 */
export const makeKeyedLock = () => {
  const slots = new Map<string, Slot>()
  return <A, E, R>(key: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.suspend(() => {
      let slot = slots.get(key)
      if (slot === undefined) {
        slot = { semaphore: Effect.unsafeMakeSemaphore(1), users: 0 }
        slots.set(key, slot)
      }
      const s = slot
      s.users++
      return s.semaphore.withPermits(1)(effect).pipe(
        Effect.ensuring(Effect.sync(() => {
          if (--s.users === 0) slots.delete(key)
        }))
      )
    })
}
