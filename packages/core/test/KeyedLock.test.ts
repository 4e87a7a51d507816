import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { makeKeyedLock } from "../src/internal/keyedLock.js"
import * as MemoryStore from "../src/MemoryStore.js"

describe("keyed lock", () => {
  it.effect("given a held key, when another fiber waits and the holder ends, then the waiter runs after it", () =>
    Effect.gen(function*() {
      const lock = makeKeyedLock()
      const order: Array<string> = []
      const gate = yield* Deferred.make<void>()
      const first = yield* Effect.fork(
        lock("k", Effect.zipRight(Deferred.await(gate), Effect.sync(() => order.push("first"))))
      )
      yield* Effect.yieldNow()
      const second = yield* Effect.fork(lock("k", Effect.sync(() => order.push("second"))))
      yield* Effect.yieldNow()
      expect(order).toEqual([])
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(first)
      yield* Fiber.join(second)
      expect(order).toEqual(["first", "second"])
      expect(lock.tryTake("k", {})).toBe(true)
    }))

  it.effect("given a waiter, when it is interrupted, then it leaves the queue and the key passes to the next", () =>
    Effect.gen(function*() {
      const lock = makeKeyedLock()
      const gate = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(lock("k", Deferred.await(gate)))
      yield* Effect.yieldNow()
      const waiter = yield* Effect.fork(lock("k", Effect.succeed("never")))
      const next = yield* Effect.fork(lock("k", Effect.succeed("next")))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(waiter)
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(holder)
      expect(yield* Fiber.join(next)).toBe("next")
      // nothing is left holding the key
      expect(lock.tryTake("k", {})).toBe(true)
    }))

  it.effect("given a holder, when its effect fails, dies or is interrupted, then the key is free again", () =>
    Effect.gen(function*() {
      const lock = makeKeyedLock()
      yield* Effect.exit(lock("k", Effect.fail("no")))
      expect(lock.holds("k", {})).toBe(false)
      yield* Effect.exit(lock("k", Effect.die("boom")))
      const running = yield* Effect.fork(lock("k", Effect.never))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(running)
      expect(lock.tryTake("k", {})).toBe(true)
    }))
})

describe("MemoryStore transactions", () => {
  it.effect("given a transaction, when it is interrupted mid-way, then its writes roll back and the store is free", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const started = yield* Deferred.make<void>()
      const tx = yield* Effect.fork(store.withTransaction(Effect.gen(function*() {
        yield* store.nextSequence("c", "s")
        yield* Deferred.succeed(started, undefined)
        return yield* Effect.never
      })))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(tx)
      // the sequence taken inside the interrupted transaction was given back, and a new transaction runs at once
      const n = yield* store.withTransaction(store.nextSequence("c", "s"))
      expect(n).toBe(1)
      expect(Option.isNone(yield* store.load("c", "none"))).toBe(true)
    }))

  it.effect("given a nested transaction that fails, then only its own writes roll back", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const result = yield* store.withTransaction(Effect.gen(function*() {
        const a = yield* store.nextSequence("c", "s")
        yield* Effect.exit(store.withTransaction(Effect.zipRight(store.nextSequence("c", "s"), Effect.fail("inner"))))
        const b = yield* store.nextSequence("c", "s")
        return [a, b]
      }))
      expect(result).toEqual([1, 2])
    }))

  it.effect("given a transaction waiting for another, when the first commits, then the second sees its writes", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const gate = yield* Deferred.make<void>()
      const first = yield* Effect.fork(
        store.withTransaction(Effect.zipLeft(store.nextSequence("c", "s"), Deferred.await(gate)))
      )
      yield* Effect.yieldNow()
      const second = yield* Effect.fork(store.withTransaction(store.nextSequence("c", "s")))
      yield* Effect.yieldNow()
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Fiber.join(first)).toBe(1)
      expect(yield* Fiber.join(second)).toBe(2)
    }))
})
