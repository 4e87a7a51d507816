/**
 * The outbox on PostgreSQL: every event reaches a subscription at least once and, per case, in version order,
 * while writers append and several workers (each its own pool) share the work with `FOR UPDATE SKIP LOCKED`; a
 * failing handler leaves its entries for the next attempt; `Outbox.run` with `LISTEN/NOTIFY` wakes up on new
 * appends instead of waiting for its poll interval.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Examples } from "@fengqiao/core"
import { Outbox } from "@fengqiao/sql"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import { afterAll } from "vitest"
import { PgStore } from "../src/index.js"
import { testDatabase } from "./database.js"
import { centre, eventually, freshPrefix, open, type Opened, toHandling } from "./support.js"

const db = await testDatabase()
afterAll(() => db.close())

const skip = db.concurrentWriters === true ? undefined : db.concurrentWriters.skip
if (skip !== undefined) {
  console.info(`[outbox.integration] multi-worker and LISTEN/NOTIFY tests not run on ${db.source}: ${skip}`)
}
const suffix = skip === undefined ? "" : ` (not run: ${skip})`

const subscriptions = ["bus", "audit"]

const outboxOf = (o: Opened) => Effect.provide(Outbox.make(centre), o.context)

const issue = (caseId: string, n: number) => ({
  _tag: "IssueSupervision",
  actor: Examples.admin,
  caseId,
  commandId: `${caseId}:issue-${n}`,
  orderId: `${caseId}:o${n}`,
  level: "reminder",
  dueAt: "2099-01-01T00:00:00Z",
  note: "督办"
})

/** Every event of the centre, keyed `caseId#version`, with its envelope. */
const allEvents = (o: Opened, caseIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const out = new Map<string, unknown>()
    for (const id of caseIds) {
      for (const e of yield* o.store.readEvents(centre, id)) out.set(`${id}#${e.version}`, e)
    }
    return out
  })

interface Delivery {
  readonly caseId: string
  readonly version: number
  readonly worker: number
}

/** Checks per-case order: each case's versions, in delivery order, are exactly 1, 2, 3 … */
const deliveredInOrder = (log: ReadonlyArray<Delivery>) => {
  const perCase = new Map<string, Array<number>>()
  for (const d of log) perCase.set(d.caseId, [...(perCase.get(d.caseId) ?? []), d.version])
  for (const [caseId, versions] of perCase) {
    expect(versions, `delivery order of ${caseId}`).toEqual(versions.map((_, i) => i + 1))
  }
  return perCase
}

describe(`PostgreSQL: the outbox (${db.source})`, () => {
  it.live.skipIf(skip !== undefined)(
    `three workers (own pools) share a subscription while two writers append: every event once, per-case order${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        const prefix = freshPrefix("obx")
        const options = { url: db.url, tablePrefix: prefix, outboxSubscriptions: subscriptions, maxConnections: 3 }
        const writers = [yield* open(options), yield* open(options)]
        const workers = [yield* open(options), yield* open(options), yield* open(options)]
        const caseIds = Array.from({ length: 16 }, (_, i) => `obx-${i}`)

        const log: Array<Delivery> = []
        const overlaps: Array<string> = []
        const done = yield* Ref.make(false)
        const handler = (worker: number) => (entries: ReadonlyArray<Outbox.Entry>) =>
          Effect.gen(function*() {
            // a batch holds at most one event per case
            if (new Set(entries.map((e) => e.caseId)).size !== entries.length) overlaps.push(`worker ${worker}`)
            for (const e of entries) {
              expect(e.subscription).toBe("bus")
              expect([e.envelope.caseId, e.envelope.version]).toEqual([e.caseId, e.version])
              log.push({ caseId: e.caseId, version: e.version, worker })
            }
            // the handler takes a moment (a message bus round trip), so batches of the workers overlap
            yield* Effect.sleep("3 millis")
          })
        const work = (worker: number) =>
          Effect.gen(function*() {
            const outbox = yield* outboxOf(workers[worker]!)
            for (;;) {
              const n = yield* outbox.processBatch("bus", handler(worker), { limit: 5 })
              if (n > 0) continue
              if ((yield* Ref.get(done)) && (yield* outbox.pending("bus")) === 0) return
              yield* Effect.sleep("5 millis")
            }
          })
        const write = Effect.gen(function*() {
          yield* Effect.forEach(
            caseIds,
            (caseId, i) =>
              Effect.forEach(
                [...toHandling(caseId), issue(caseId, 1), issue(caseId, 2), issue(caseId, 3)],
                (c) => writers[i % 2]!.center.execute(c)
              ),
            { concurrency: 4 }
          )
          yield* Ref.set(done, true)
        })
        yield* Effect.all([write, work(0), work(1), work(2)], { concurrency: "unbounded", discard: true })

        const events = yield* allEvents(writers[0]!, caseIds)
        expect(events.size).toBe(caseIds.length * 8)
        // every event delivered, exactly once (no failure happened, so no redelivery either)
        expect(log.map((d) => `${d.caseId}#${d.version}`).sort()).toEqual([...events.keys()].sort())
        deliveredInOrder(log)
        expect(overlaps).toEqual([])
        const byWorker = [0, 1, 2].map((w) => log.filter((d) => d.worker === w).length)
        console.info(`[outbox.integration] deliveries per worker: ${byWorker.join(", ")}`)
        const outbox = yield* outboxOf(workers[0]!)
        expect(yield* outbox.pending("bus")).toBe(0)
        // the other subscription is independent: all of it still waits
        expect(yield* outbox.pending("audit")).toBe(events.size)
      })),
    60_000
  )

  it.live("a failing handler leaves its entries for the next attempt; the envelopes are the stored events", () =>
    Effect.scoped(Effect.gen(function*() {
      const prefix = freshPrefix("obf")
      const o = yield* open({
        url: db.url,
        tablePrefix: prefix,
        outboxSubscriptions: subscriptions,
        maxConnections: db.maxConnections
      })
      const caseIds = ["obf-1", "obf-2", "obf-3"]
      for (const id of caseIds) {
        for (const c of [...toHandling(id).slice(0, 2), issue(id, 1)]) yield* o.center.execute(c)
      }
      const outbox = yield* outboxOf(o)
      const total = caseIds.length * 3
      expect(yield* outbox.pending("bus")).toBe(total)

      // a failure: nothing is marked delivered
      let offered: ReadonlyArray<Outbox.Entry> = []
      const failed = yield* Effect.flip(outbox.processBatch("bus", (entries) => {
        offered = entries
        return Effect.fail("the bus is down" as const)
      }))
      expect(failed).toBe("the bus is down")
      expect(offered.map((e) => [e.caseId, e.version])).toEqual(caseIds.map((id) => [id, 1]))
      expect(yield* outbox.pending("bus")).toBe(total)
      // a defect in the handler neither
      const died = yield* Effect.exit(outbox.processBatch("bus", () => Effect.die(new Error("a bug in the handler"))))
      expect(Exit.isFailure(died)).toBe(true)
      expect(yield* outbox.pending("bus")).toBe(total)

      // the next attempt gets the same entries first, then the rest follows in order
      const log: Array<Outbox.Entry> = []
      const record = (entries: ReadonlyArray<Outbox.Entry>) => Effect.sync(() => log.push(...entries))
      expect(yield* outbox.processBatch("bus", record)).toBe(caseIds.length)
      expect(log.map((e) => e.seq)).toEqual(offered.map((e) => e.seq))
      while ((yield* outbox.processBatch("bus", record)) > 0) {
        // drain
      }
      expect(yield* outbox.pending("bus")).toBe(0)
      deliveredInOrder(log.map((e) => ({ caseId: e.caseId, version: e.version, worker: 0 })))
      const events = yield* allEvents(o, caseIds)
      expect(log).toHaveLength(events.size)
      for (const e of log) expect(e.envelope).toStrictEqual(events.get(`${e.caseId}#${e.version}`))
      expect(yield* outbox.pending("audit")).toBe(total)
    })))

  it.live("onCorrupt: park sets an unreadable entry aside; the other cases flow, its own waits; unpark resumes it", () =>
    Effect.scoped(Effect.gen(function*() {
      const prefix = freshPrefix("obp")
      const o = yield* open({ url: db.url, tablePrefix: prefix, outboxSubscriptions: ["bus"], maxConnections: 2 })
      const caseIds = ["obp-1", "obp-2", "obp-3"]
      for (const id of caseIds) {
        for (const c of [...toHandling(id).slice(0, 2), issue(id, 1)]) yield* o.center.execute(c)
      }
      const outbox = yield* outboxOf(o)
      const raw = <A extends object>(text: string, params: ReadonlyArray<unknown>) =>
        Effect.provide(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)), o.context)
      const [row] = yield* raw<{ seq: string; envelope: string }>(
        `SELECT seq, envelope FROM ${prefix}outbox WHERE subscription = 'bus' AND case_id = 'obp-2' AND version = 2`,
        []
      )
      // an event type this version does not know, as a newer SDK would write it
      yield* raw(`UPDATE ${prefix}outbox SET envelope = $1 WHERE seq = $2`, [
        row!.envelope.replace(/"_tag":"[A-Za-z]+"/, "\"_tag\":\"FromTheFuture\""),
        row!.seq
      ])
      const log: Array<Outbox.Entry> = []
      const record = (entries: ReadonlyArray<Outbox.Entry>) => Effect.sync(() => void log.push(...entries))
      while ((yield* outbox.processBatch("bus", record, { onCorrupt: "park" })) > 0) {
        // drain
      }
      const of = (caseId: string) => log.filter((e) => e.caseId === caseId).map((e) => e.version)
      expect(of("obp-1")).toEqual([1, 2, 3])
      expect(of("obp-3")).toEqual([1, 2, 3])
      expect(of("obp-2")).toEqual([1])
      expect(yield* outbox.parked("bus")).toMatchObject([{ seq: Number(row!.seq), caseId: "obp-2", version: 2 }])
      expect(yield* outbox.pending("bus")).toBe(2)
      yield* raw(`UPDATE ${prefix}outbox SET envelope = $1 WHERE seq = $2`, [row!.envelope, row!.seq])
      expect(yield* outbox.unpark("bus")).toBe(1)
      while ((yield* outbox.processBatch("bus", record, { onCorrupt: "park" })) > 0) {
        // drain
      }
      expect(of("obp-2")).toEqual([1, 2, 3])
      expect(yield* outbox.pending("bus")).toBe(0)
    })))

  it.live.skipIf(skip !== undefined)(
    `Outbox.run with LISTEN/NOTIFY wakes up on each new append, long before its 30 s poll interval${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        const prefix = freshPrefix("obw")
        const applicationName = `fq-obw-${process.pid}`
        const writer = yield* open({
          url: db.url,
          tablePrefix: prefix,
          outboxSubscriptions: ["bus"],
          maxConnections: 2
        })
        const consumer = yield* open({
          url: db.url,
          tablePrefix: prefix,
          outboxSubscriptions: ["bus"],
          maxConnections: 2,
          applicationName
        })
        yield* writer.center.execute(toHandling("obw-0")[0])
        const seen = yield* Ref.make(new Set<string>())
        const waiters = new Map<string, Deferred.Deferred<void>>()
        const outbox = yield* outboxOf(consumer)
        const runner = yield* Effect.fork(outbox.run(
          "bus",
          (entries) =>
            Effect.forEach(entries, (e) =>
              Effect.zipRight(
                Ref.update(seen, (s) => new Set([...s, e.caseId])),
                waiters.has(e.caseId) ? Deferred.succeed(waiters.get(e.caseId)!, undefined) : Effect.void
              ), { discard: true }),
          { pollInterval: "30 seconds", wake: Stream.provideContext(PgStore.outboxWake(prefix), consumer.context) }
        ))
        // the first drain delivers what was there before
        yield* eventually("the first drain", Effect.map(Ref.get(seen), (s) => s.has("obw-0")))
        const listening = Effect.map(
          Effect.promise(() =>
            db.admin(
              `SELECT query FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle' AND query LIKE 'LISTEN %'`,
              [applicationName]
            )
          ),
          (rows) => rows.length === 1
        )
        for (let round = 1; round <= 3; round++) {
          const caseId = `obw-${round}`
          const delivered = yield* Deferred.make<void>()
          waiters.set(caseId, delivered)
          // append once the consumer is idle and listening, so that only a notification can wake it up now
          yield* eventually("the consumer to listen", listening)
          yield* writer.center.execute(toHandling(caseId)[0])
          yield* Deferred.await(delivered).pipe(
            Effect.timeoutFail({
              duration: "10 seconds",
              onTimeout: () => ({ _tag: "NotWoken" as const, round, reason: "the append did not wake the consumer up" })
            })
          )
        }
        // (the handler ran; the acknowledgement commits right after it)
        yield* eventually("the last batch to be acknowledged", Effect.map(outbox.pending("bus"), (n) => n === 0))
        yield* Fiber.interrupt(runner)
        expect(yield* Ref.get(seen)).toEqual(new Set(["obw-0", "obw-1", "obw-2", "obw-3"]))
      })),
    30_000
  )
  it.live.skipIf(skip !== undefined)(
    `Outbox.run with LISTEN/NOTIFY: the last append of a burst, committed while the consumer drains, is not left for the poll interval${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        const prefix = freshPrefix("obb")
        const applicationName = `fq-obb-${process.pid}`
        const writer = yield* open({
          url: db.url,
          tablePrefix: prefix,
          outboxSubscriptions: ["bus"],
          maxConnections: 2
        })
        const consumer = yield* open({
          url: db.url,
          tablePrefix: prefix,
          outboxSubscriptions: ["bus"],
          maxConnections: 2,
          applicationName
        })
        const delivered = yield* Ref.make(0)
        const outbox = yield* outboxOf(consumer)
        yield* Effect.forkScoped(outbox.run("bus", (entries) => Ref.update(delivered, (n) => n + entries.length), {
          pollInterval: "30 seconds",
          wake: Stream.provideContext(PgStore.outboxWake(prefix), consumer.context)
        }))
        yield* eventually(
          "the consumer to listen",
          Effect.map(
            Effect.promise(() =>
              db.admin(
                `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle' AND query LIKE 'LISTEN %'`,
                [applicationName]
              )
            ),
            (rows) => rows.length === 1
          )
        )
        let appended = 0
        for (let burst = 0; burst < 20; burst++) {
          // back-to-back appends: the consumer is woken by the first and drains while the others commit
          for (let i = 0; i <= burst % 5; i++) {
            appended += (yield* writer.center.execute(toHandling(`obb-${burst}-${i}`)[0])).events.length
          }
          // each append notified; none may wait for the 30 s poll (eventually gives up after 10 s)
          yield* eventually(
            `burst ${burst}: every append delivered without waiting for the poll interval`,
            Effect.map(Ref.get(delivered), (n) => n >= appended)
          )
        }
        expect(yield* Ref.get(delivered)).toBe(appended)
      })),
    60_000
  )
})
