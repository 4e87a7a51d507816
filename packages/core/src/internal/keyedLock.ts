import * as Effect from "effect/Effect"

interface Slot {
  /** Who holds the key: the token its taker gave. */
  owner: object
  readonly waiters: Array<() => void>
}

/**
 * A FIFO mutex per key. Effects on the same key run one at a time, different keys in parallel. Taking a free key
 * is synchronous (no fiber suspension), which matters on hot paths: an Effect `Semaphore` suspends the fiber on
 * every take. A key's slot exists only while it is held, so memory is bounded by the keys in use.
 *
 * Besides `lock(key, effect)`, the parts are exposed for a caller that holds the key around work of its own inside
 * one uninterruptible region (the in-memory store's transaction): `tryTake`, `waitFor` (run it interruptibly) and
 * `release`.
 * @internal
 */
export const makeKeyedLock = () => {
  const slots = new Map<string, Slot>()

  /** Passes the key on to the next waiter, or frees it. */
  const release = (key: string): void => {
    const slot = slots.get(key)
    if (slot === undefined) return
    const next = slot.waiters.shift()
    if (next !== undefined) next()
    else slots.delete(key)
  }

  /** Takes the key for `owner` if it is free; false when another holds it. */
  const tryTake = (key: string, owner: object): boolean => {
    if (slots.has(key)) return false
    slots.set(key, { owner, waiters: [] })
    return true
  }

  /** Whether `owner` holds the key. */
  const holds = (key: string, owner: object): boolean => slots.get(key)?.owner === owner

  /**
   * Waits for the key and takes it for `owner`. Run it interruptibly inside an uninterruptible region: an
   * interruption while waiting leaves the queue; one that lands after the key was granted leaves it held, which
   * the region checks with `holds` when the wait fails.
   */
  const waitFor = (key: string, owner: object): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (tryTake(key, owner)) return Effect.void
      const slot = slots.get(key)!
      return Effect.async<void>((resume) => {
        const grant = () => {
          slot.owner = owner
          resume(Effect.void)
        }
        slot.waiters.push(grant)
        return Effect.sync(() => {
          const i = slot.waiters.indexOf(grant)
          // still waiting: leave the queue; already granted: the slot is ours, pass it on
          if (i >= 0) slot.waiters.splice(i, 1)
          else release(key)
        })
      })
    })

  /**
   * Holds `key` around `use`, which is built inside one uninterruptible region and given the region's `restore` for
   * its interruptible part: the key is taken (synchronously when it is free) before `use` runs and released on
   * every exit of it. A caller with work of its own to do under the key without interruption (the in-memory
   * store's transaction marks its fiber) does it in `use`, in the same region: a handful of fiber instructions on
   * the uncontended path, where `uninterruptibleMask` + `ensuring` took a dozen.
   */
  const region = <A, E, R>(
    key: string,
    use: (
      restore: <AX, EX, RX>(effect: Effect.Effect<AX, EX, RX>) => Effect.Effect<AX, EX, RX>
    ) => Effect.Effect<A, E, R>
  ): Effect.Effect<A, E, R> =>
    Effect.uninterruptibleMask((restore) => {
      // `use` only builds the effect: it runs once the key is held
      const body = Effect.matchCauseEffect(use(restore), {
        onFailure: (cause) => {
          release(key)
          return Effect.failCause(cause)
        },
        onSuccess: (a) => {
          release(key)
          return Effect.succeed(a)
        }
      })
      const owner = {}
      return tryTake(key, owner) ? body : Effect.matchCauseEffect(restore(waitFor(key, owner)), {
        onFailure: (cause) => {
          if (holds(key, owner)) release(key)
          return Effect.failCause(cause)
        },
        onSuccess: () => body
      })
    })

  /** Runs `effect` holding `key`, interruptibly; the key is released on every exit. */
  const lock = <A, E, R>(key: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    region(key, (restore) => restore(effect))

  return Object.assign(lock, { region, tryTake, holds, waitFor, release })
}
