/**
 * The statistics readers (worker threads with read-only connections): `aggregate` on them gives exactly what it
 * gives on the main connection, sees every committed write at once, leaves a transaction's own reads on the
 * transaction's connection (which sees its uncommitted writes), runs several queries side by side, and reports a
 * bad statement as a typed `StoreError`.
 */
import { describe, expect, it } from "@effect/vitest"
import type { CaseStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import { existsSync } from "node:fs"
import { join } from "node:path"
import * as Readers from "../src/internal/readers.js"
import { tempDir } from "./fixtures/processes.js"
import { withDatabase } from "./fixtures/rawDb.js"
import { centre, open, registerInput } from "./fixtures/shared.js"

const request: CaseStore.AggregateRequest = {
  where: { _tag: "And", conditions: [] },
  groupBy: [{ _tag: "Column", field: "channel" }, { _tag: "Period", field: "registeredAt", unit: "month" }],
  measures: [
    { _tag: "Count", name: "cases" },
    { _tag: "Count", name: "accepted", where: { _tag: "Present", field: "acceptedAt" } },
    { _tag: "Duration", name: "acceptanceMedian", from: "registeredAt", to: "acceptedAt", stat: "median" },
    { _tag: "Duration", name: "acceptanceSum", from: "registeredAt", to: "acceptedAt", stat: "sum" }
  ],
  utcOffsetMinutes: 480
}

const channels = ["walkIn", "hotline12345", "app"] as const

describe("SQLite: statistics readers", () => {
  it.live("give the main connection's results, see each commit at once, and run side by side", () =>
    Effect.scoped(Effect.gen(function*() {
      const filename = join(yield* tempDir, "readers.db")
      const withReaders = yield* open({ filename, readers: 2 })
      const mainOnly = yield* open({ filename, readers: 0 })
      for (let i = 0; i < 30; i++) {
        const { caseId } = yield* withReaders.center.execute(registerInput({
          caseId: `rd-${i}`,
          channel: channels[i % 3],
          at: `2025-0${1 + (i % 4)}-0${1 + (i % 7)}T0${i % 10}:30:00+08:00`
        }))
        if (i % 2 === 0) {
          yield* withReaders.center.execute({
            _tag: "Accept",
            actor: registerInput().actor,
            caseId,
            at: `2025-0${1 + (i % 4)}-0${2 + (i % 7)}T10:00:00+08:00`
          })
        }
        // a committed write is seen by the very next statistics query
        const [count] = yield* withReaders.store.aggregate(centre, {
          ...request,
          groupBy: [],
          measures: [{ _tag: "Count", name: "cases" }]
        })
        expect(count!.values.cases).toBe(i + 1)
      }
      const expected = yield* mainOnly.store.aggregate(centre, request)
      expect(expected.length).toBeGreaterThan(3)
      expect(expected.reduce((n, r) => n + r.values.cases!, 0)).toBe(30)
      expect(yield* withReaders.store.aggregate(centre, request)).toEqual(expected)
      // eight at once over two readers: all the same
      const many = yield* Effect.all(
        Array.from({ length: 8 }, () => withReaders.store.aggregate(centre, request)),
        { concurrency: "unbounded" }
      )
      for (const rows of many) expect(rows).toEqual(expected)
    })))

  it.live("inside a transaction, aggregate reads the transaction's own uncommitted writes", () =>
    Effect.scoped(Effect.gen(function*() {
      const filename = join(yield* tempDir, "readers-tx.db")
      const { center, store } = yield* open({ filename, readers: 2 })
      yield* center.execute(registerInput({ caseId: "tx-0" }))
      const count = store.aggregate(centre, { ...request, groupBy: [], measures: [{ _tag: "Count", name: "n" }] })
      const inside = yield* Effect.either(store.withTransaction(Effect.gen(function*() {
        yield* center.execute(registerInput({ caseId: "tx-1" }))
        const [row] = yield* count
        return yield* Effect.fail(row!.values.n)
      })))
      expect(inside).toEqual(Either.left(2))
      // rolled back: the readers never saw it
      expect((yield* count)[0]!.values.n).toBe(1)
    })))

  it.live("a statement a reader cannot run is a typed StoreError; the readers work again once it can", () =>
    Effect.scoped(Effect.gen(function*() {
      const filename = join(yield* tempDir, "readers-bad.db")
      const { center, store } = yield* open({ filename, readers: 1 })
      yield* center.execute(registerInput({ caseId: "bad-0" }))
      const byChannel = store.aggregate(centre, {
        ...request,
        groupBy: [{ _tag: "Column", field: "channel" }],
        measures: [{ _tag: "Count", name: "n" }]
      })
      withDatabase(filename, (db) => db.exec("ALTER TABLE fq_cases RENAME COLUMN channel TO channel_renamed"))
      const failed = yield* Effect.flip(byChannel)
      expect(failed._tag).toBe("StoreError")
      expect(failed.operation).toBe("aggregate")
      expect(failed.reason).toMatch(/no such column: channel/)
      withDatabase(filename, (db) => db.exec("ALTER TABLE fq_cases RENAME COLUMN channel_renamed TO channel"))
      expect(yield* byChannel).toEqual([{ keys: ["walkIn"], values: { n: 1 } }])
    })))

  it.live("threads that cannot open the file give up: the queries run on the main connection, with one warning", () =>
    Effect.scoped(Effect.gen(function*() {
      const onMain: Array<string> = []
      const reader = yield* Readers.make({
        filename: join(yield* tempDir, "missing", "nothing.db"),
        count: 2,
        busyTimeoutMs: 100,
        fallback: (text) => Effect.sync(() => (onMain.push(text), [{ on: "main" }]))
      })
      const logs: Array<string> = []
      const logger = Logger.make(({ message }) => logs.push(String(message)))
      const answers = yield* Effect.all(
        ["SELECT 1", "SELECT 2", "SELECT 3"].map((text) => reader.query(text, [])),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      expect(answers).toEqual([[{ on: "main" }], [{ on: "main" }], [{ on: "main" }]])
      expect(yield* reader.query("SELECT 4", []).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger))))
        .toEqual([{ on: "main" }])
      expect(onMain.sort()).toEqual(["SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4"])
      expect(logs.filter((m) => m.includes("reader threads unavailable"))).toHaveLength(1)
    })))

  it.live("a readers option that is not an integer from 0 to 64 is a StoreError naming it; nothing is opened", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      for (const readers of [-1, 2.5, Number.NaN, 65]) {
        const filename = join(dir, `bad-readers-${readers}.db`)
        const failed = yield* Effect.flip(open({ filename, readers }))
        expect(failed).toMatchObject({ _tag: "StoreError", operation: "layer" })
        expect((failed as { reason: string }).reason).toBe(
          `readers: expected an integer from 0 to 64, got ${String(readers)}`
        )
        expect(existsSync(filename)).toBe(false)
      }
      for (const busyTimeoutMs of [-1, 2.5, Number.NaN]) {
        const filename = join(dir, `bad-timeout-${busyTimeoutMs}.db`)
        const failed = yield* Effect.flip(open({ filename, busyTimeoutMs }))
        expect(failed).toMatchObject({ _tag: "StoreError", operation: "layer" })
        expect((failed as { reason: string }).reason).toContain("busyTimeoutMs")
        expect(existsSync(filename)).toBe(false)
      }
    })))
})
