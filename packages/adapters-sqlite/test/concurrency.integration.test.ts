/**
 * Concurrent writers on one SQLite file: two OS processes through their own store and centre (`BEGIN IMMEDIATE`
 * and the busy timeout make them queue; version conflicts are retried), and many fibers on one centre.
 */
import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, Examples, Lifecycle, SimulatedClock } from "@fengqiao/core"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { join } from "node:path"
import { type Child, jsonLines, start, tempDir } from "./fixtures/processes.js"
import {
  centre,
  config,
  inconsistencies,
  open,
  readCase,
  registerInput,
  supervisionInput,
  year
} from "./fixtures/shared.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

interface Reported {
  readonly type: "result"
  readonly writer: string
  readonly orderId: string
  readonly caseId: string
  readonly commandId: string
  readonly ok: boolean
  readonly duplicate?: boolean
  readonly version?: number
  readonly eventVersions?: ReadonlyArray<number>
  readonly error?: string
  readonly message?: string
  readonly defect?: string
}

/** Checks a case: contiguous versions, snapshot = replay; returns its supervision order ids, in version order. */
const orderIdsOf = (store: CaseStore.CaseStore, caseId: string) =>
  Effect.gen(function*() {
    const { events, snapshot } = yield* readCase(store, caseId)
    expect(inconsistencies(snapshot, events)).toEqual([])
    expect(snapshot).toStrictEqual(Lifecycle.replay(events))
    return events.flatMap((e) => (e.event._tag === "SupervisionIssued" ? [e.event.orderId] : []))
  })

const setup = (center: Center.Center, n: number) =>
  Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) =>
    Effect.gen(function*() {
      const r = yield* center.execute(registerInput({ commandId: `setup-reg-${i}` }))
      yield* center.execute({ _tag: "Accept", actor: Examples.admin, caseId: r.caseId, commandId: `setup-acc-${i}` })
      return r.caseId
    }))

describe("SQLite: concurrent writers", () => {
  // Until the Center idempotency fix (see the last test) is in, this test fails now and then: a shared command id is
  // refused with GuardFailed "order shared-k already exists" instead of being answered as a duplicate.
  it.live("two processes on one file queue up: every reported command is stored exactly once, nothing else", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "concurrent.db")
      const { center, store } = yield* open({ filename })
      const caseIds = yield* setup(center, 3)
      const count = 120
      const shared = 12
      const writers: Array<[string, Child]> = []
      for (const name of ["a", "b"]) {
        writers.push([
          name,
          yield* start("concurrent-writer.ts", [filename, name, caseIds.join(","), String(count), String(shared)])
        ])
      }
      // both open the store first, then start together
      for (const [, w] of writers) yield* w.waitForLine((l) => l.includes(`"type":"ready"`))
      for (const [, w] of writers) yield* w.send("go")
      for (const [, w] of writers) {
        yield* w.waitForLine((l) => l.includes(`"type":"done"`))
        expect((yield* w.exited).code, w.stderr()).toBe(0)
      }
      const results = writers.flatMap(([writer, w]) =>
        jsonLines(w).filter((l) => l.type === "result").map((l) => ({ ...l, writer }) as Reported)
      )
      expect(results).toHaveLength(2 * (count + shared))
      // no defect, no typed error either: conflicts were retried, the busy timeout made writers wait
      expect(results.filter((r) => !r.ok)).toEqual([])

      // a command id both writers sent ran once: one fresh result, the other is its duplicate
      for (let k = 0; k < shared; k++) {
        const both = results.filter((r) => r.orderId === `shared-${k}`)
        expect(both.map((r) => r.duplicate).sort()).toEqual([false, true])
        expect(both[0]!.eventVersions).toEqual(both[1]!.eventVersions)
      }

      const fresh = results.filter((r) => r.ok && r.duplicate === false)
      for (const caseId of caseIds) {
        const stored = yield* orderIdsOf(store, caseId)
        const reported = fresh.filter((r) => r.caseId === caseId).map((r) => r.orderId)
        // exactly the reported orders, each once
        expect([...stored].sort()).toEqual([...reported].sort())
        expect(new Set(stored).size).toBe(stored.length)
        const events = yield* store.readEvents(centre, caseId)
        expect(events).toHaveLength(2 + reported.length)
      }
      for (const r of fresh) {
        const found = Option.getOrThrow(yield* store.findCommand(centre, r.commandId))
        expect(found).toEqual({
          commandId: r.commandId,
          caseId: r.caseId,
          fromVersion: r.version,
          toVersion: r.version
        })
        const [event] = yield* store.readEvents(centre, r.caseId, { fromVersion: r.version, toVersion: r.version })
        expect(event).toMatchObject({
          commandId: r.commandId,
          event: { _tag: "SupervisionIssued", orderId: r.orderId }
        })
      }
    })))

  it.live("many fibers on one centre lose nothing", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const { center, store } = yield* open({ filename: join(dir, "fibers.db") })
      const caseIds = yield* setup(center, 4)
      const orders = Array.from(
        { length: 160 },
        (_, i) => ({ caseId: caseIds[i % caseIds.length]!, orderId: `f-${i}` })
      )
      const results = yield* Effect.all(
        [
          ...orders.map((o) => center.execute(supervisionInput(o.caseId, o.orderId))),
          // the same command id twice at once
          ...orders.slice(0, 20).map((o) => center.execute(supervisionInput(o.caseId, o.orderId))),
          // new cases, while the others are being written
          ...Array.from({ length: 40 }, (_, i) => center.execute(registerInput({ commandId: `f-reg-${i}` })))
        ],
        { concurrency: "unbounded" }
      )
      expect(results.filter((r) => r.duplicate)).toHaveLength(20)
      for (const caseId of caseIds) {
        const stored = yield* orderIdsOf(store, caseId)
        expect([...stored].sort()).toEqual(orders.filter((o) => o.caseId === caseId).map((o) => o.orderId).sort())
      }
      // the registrations got the codes after the setup's, without gaps or repeats
      const codes = results.slice(180).map((r) => r.code).sort()
      expect(codes).toEqual(
        Array.from({ length: 40 }, (_, i) => center.config.formatCode(year, caseIds.length + i + 1))
      )
      for (const r of results.slice(180)) {
        const { events, snapshot } = yield* readCase(store, r.caseId)
        expect(inconsistencies(snapshot, events)).toEqual([])
      }
    })))

  // BUG (Center.execute, packages/core): a command id given by the caller is looked up once, before the case is
  // loaded. When another writer applies the same command id in between, the command is decided against a state that
  // already contains its own effect and is refused (GuardFailed / CommandNotAllowed) instead of being answered with
  // the first result. Two centres over one file reproduce deterministically the interleaving two processes hit.
  it.live("a command id sent to two centres at once is applied once; the other gets the first result", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const { center: first, store } = yield* open({ filename: join(dir, "idempotency.db") })
      const [caseId] = yield* setup(first, 1)
      const reached = yield* Deferred.make<void>()
      const proceed = yield* Deferred.make<void>()
      let gated = false
      // a second centre on the same store: its first load of the case (inside its transaction, after its
      // idempotency check) waits until the first centre has tried the same command id
      const slowStore: CaseStore.CaseStore = {
        ...store,
        load: (c, id) =>
          gated
            ? store.load(c, id)
            : Effect.zipRight(
              Effect.sync(() => {
                gated = true
              }).pipe(Effect.zipRight(Deferred.succeed(reached, undefined)), Effect.zipRight(Deferred.await(proceed))),
              store.load(c, id)
            )
      }
      const second = yield* Effect.provideService(scenarioMake({ config }), CaseStore.CaseStore, slowStore)
      const racing = yield* Effect.fork(Effect.exit(second.execute(supervisionInput(caseId!, "same"))))
      yield* Deferred.await(reached)
      // the first centre's check and write wait for the second's transaction (its connection)
      const waiting = yield* Effect.fork(first.execute(supervisionInput(caseId!, "same")))
      yield* Effect.sleep("200 millis")
      yield* Deferred.succeed(proceed, undefined)
      const [a, b] = [yield* Fiber.join(racing), yield* Fiber.join(waiting)]
      const results = [Exit.isSuccess(a) ? a.value : Cause.squash(a.cause), b]
      // one applied it, the other got the first result, not a refusal
      expect(results.map((r) => (r as { duplicate: boolean }).duplicate).sort()).toEqual([false, true])
      expect(results[1]).toMatchObject({
        caseId: (results[0] as { caseId: string }).caseId,
        version: (results[0] as { version: number }).version,
        events: (results[0] as { events: unknown }).events
      })
      expect(yield* orderIdsOf(store, caseId!)).toEqual(["same"])
    })))
})
