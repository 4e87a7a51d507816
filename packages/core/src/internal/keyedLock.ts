import * as Effect from "effect/Effect"

interface Slot {
  readonly waiters: Array<() => void>
}

/**
 * A FIFO mutex per key. Effects on the same key run one at a time, different keys in parallel. Taking a free key
 * is synchronous (no fiber suspension), which matters on hot paths: an Effect `Semaphore` suspends the fiber on
 * every take. A key's slot exists only while it is held, so memory is bounded by the keys in use.
 * @internal
 */
export const makeKeyedLock = () => {
  const slots = new Map<string, Slot>()

  const release = (key: string) => {
    const slot = slots.get(key)
    if (slot === undefined) return
    const next = slot.waiters.shift()
    if (next !== undefined) next()
    else slots.delete(key)
  }

  const acquire = (key: string): Effect.Effect<void> =>
    Effect.suspend(() => {
      const slot = slots.get(key)
      if (slot === undefined) {
        slots.set(key, { waiters: [] })
        return Effect.void
      }
      return Effect.async<void>((resume) => {
        const grant = () => resume(Effect.void)
        slot.waiters.push(grant)
        return Effect.sync(() => {
          const i = slot.waiters.indexOf(grant)
          // still waiting: leave the queue; already granted: the slot is ours, pass it on
          if (i >= 0) slot.waiters.splice(i, 1)
          else release(key)
        })
      })
    })

  return <A, E, R>(key: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.zipRight(
        restore(acquire(key)),
        Effect.ensuring(restore(effect), Effect.sync(() => release(key)))
      )
    )
}
