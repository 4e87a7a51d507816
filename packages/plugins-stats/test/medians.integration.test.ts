/**
 * Medians (中位数) on every store: the SQL stores compute them as aggregates inside the GROUP BY (SQLite's
 * `median`, PostgreSQL's `percentile_disc` pair), the in-memory store by sorting; all must agree to the last digit —
 * with odd and even counts (the mean of the two middle values), groups whose durations are all missing (no
 * median: `null`), NULL durations mixed in, a measure condition, and no rows at all.
 */
import { describe, expect, it } from "@effect/vitest"
import { PgStore } from "@fengqiao/adapters-pg"
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { CaseStore, type Center, Examples, MemoryStore, SimulatedClock, Summary } from "@fengqiao/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { testDatabase } from "../../adapters-pg/test/database.js"
import { SqlStore } from "../../sql/src/index.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

const dir = mkdtempSync(join(tmpdir(), "fengqiao-medians-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const db = await testDatabase()
afterAll(() => db.close())

const HOUR = 3_600_000
const base = Date.parse("2025-03-03T01:00:00.000Z")
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Channel → the hours from registration to acceptance of its cases (`null`: not accepted, a NULL duration):
 * an odd count, an even count (whose middle values average to a half hour), only NULLs, one value, and
 * durations of 0 and large ones.
 */
const groups: Record<string, ReadonlyArray<number | null>> = {
  walkIn: [5, 1, 3, null, 9, 7], // odd: 1 3 5 7 9 → 5
  phone: [2, 10, null, 4, 3], // even: 2 3 4 10 → 3.5
  online: [null, null], // every duration missing → null
  letter: [0], // one value, zero
  visit: [1000, 1, 2.5, 999] // even, with a fraction of an hour → (2.5 + 999) / 2
}

const request = (where?: CaseStore.Condition): CaseStore.AggregateRequest => ({
  where: where ?? { _tag: "And", conditions: [] },
  groupBy: [{ _tag: "Column", field: "channel" }],
  measures: [
    { _tag: "Duration", name: "median", from: "registeredAt", to: "acceptedAt", stat: "median" },
    { _tag: "Duration", name: "n", from: "registeredAt", to: "acceptedAt", stat: "count" },
    { _tag: "Duration", name: "avg", from: "registeredAt", to: "acceptedAt", stat: "avg" },
    // a median under a condition: only cases with two or more people
    {
      _tag: "Duration",
      name: "crowded",
      from: "registeredAt",
      to: "acceptedAt",
      stat: "median",
      where: { _tag: "Gt", field: "headcount", value: 1 }
    }
  ],
  utcOffsetMinutes: 480
})

/** Writes the cases of {@link groups} into a store: one real case's events and snapshot, summaries rewritten. */
const fill = (store: CaseStore.CaseStore) =>
  Effect.gen(function*() {
    const center = yield* Effect.provideService(
      scenarioMake({ config: Examples.countyConfig }),
      CaseStore.CaseStore,
      yield* MemoryStore.make
    )
    const registered = yield* center.execute(Examples.registerInput())
    const template = registered.case
    const summary = Summary.ofCase(center.config, template)
    let i = 0
    for (const [channel, hours] of Object.entries(groups)) {
      for (const h of hours) {
        i++
        const id = `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`
        const registeredAt = base + i * 60_000
        yield* store.append({
          centre: center.config.id,
          caseId: id,
          expectedVersion: 0,
          commandId: `median-${i}`,
          events: registered.events.map((e) => ({ ...e, caseId: id, commandId: `median-${i}` })),
          snapshot: { ...template, id, code: `${template.code}-${i}` },
          summary: {
            ...summary,
            id,
            code: `${summary.code}-${i}`,
            channel,
            headcount: i % 2 === 0 ? 2 : 1,
            registeredAt: iso(registeredAt),
            acceptedAt: h === null ? null : iso(registeredAt + h * HOUR)
          }
        })
      }
    }
    return center.config.id
  })

const figures = (layer: Layer.Layer<CaseStore.CaseStore, unknown>) =>
  Effect.scoped(Effect.gen(function*() {
    const store = Context.get(yield* Layer.build(layer), CaseStore.CaseStore)
    const centre = yield* fill(store)
    return {
      all: yield* store.aggregate(centre, request()),
      total: yield* store.aggregate(centre, { ...request(), groupBy: [] }),
      // no rows: one row of nulls and zeros without GROUP BY, no rows with it
      none: yield* store.aggregate(centre, {
        ...request({ _tag: "Eq", field: "kind", value: "nothing" }),
        groupBy: []
      }),
      noneGrouped: yield* store.aggregate(centre, request({ _tag: "Eq", field: "kind", value: "nothing" }))
    }
  }))

describe("medians agree on every store", () => {
  it.live("memory: the reference figures", () =>
    Effect.gen(function*() {
      const f = yield* figures(MemoryStore.layer)
      const byChannel = Object.fromEntries(f.all.map((r) => [String(r.keys[0]), r.values.median]))
      expect(byChannel).toEqual({
        walkIn: 5 * HOUR,
        phone: 3.5 * HOUR,
        online: null,
        letter: 0,
        visit: ((2.5 + 999) / 2) * HOUR
      })
      expect(f.none).toEqual([{ keys: [], values: { median: null, n: 0, avg: null, crowded: null } }])
      expect(f.noneGrouped).toEqual([])
    }))

  it.live("SQLite and PostgreSQL give exactly the memory store's figures", () =>
    Effect.gen(function*() {
      const expected = yield* figures(MemoryStore.layer)
      const sqlite = yield* figures(SqliteStore.layer({ filename: join(dir, "medians.db") }))
      expect(sqlite).toEqual(expected)
      const pg = yield* figures(
        PgStore.layer({ url: db.url, tablePrefix: `medians${Date.now() % 100000}_`, maxConnections: 2 })
      )
      expect(pg).toEqual(expected)
      // and without the median aggregate (another SQLite build, or a vendor's dialect): the window queries
      const fallback = yield* figures(
        SqlStore.layer({ dialect: { ...SqliteStore.dialect, median: undefined } }).pipe(
          Layer.provide(SqliteStore.clientLayer({ filename: join(dir, "medians-fallback.db") }))
        )
      )
      expect(fallback).toEqual(expected)
    }), 60_000)
})
