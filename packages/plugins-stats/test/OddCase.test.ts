import { describe, expect, it } from "@effect/vitest"
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { CaseStore, Examples, MemoryStore, SimulatedClock, Summary } from "@fengqiao/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"

const dir = mkdtempSync(join(tmpdir(), "fengqiao-odd-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const stores = [
  ["memory", () => MemoryStore.layer],
  ["SQLite", () => SqliteStore.layer({ filename: join(dir, `odd-${++n}.db`) })]
] as const
import { statsPlugin } from "../src/StatsPlugin.js"

// one case stored with an extreme date (written to the store directly, as an old version or a repair script could):
// the centre's statistics still answer (issue 26)
describe("one odd stored case", () => {
  for (const [name, layer] of stores) {
    for (const odd of ["9999-12-31T00:00:00.000Z", "0001-01-01T00:00:00.000Z"]) {
      it.scoped(`never breaks the root's dashboard, csv and report (${name}, ${odd.slice(0, 4)})`, () =>
        Effect.gen(function*() {
          const store = Context.get(yield* Layer.build(layer()), CaseStore.CaseStore)
          const center = yield* SimulatedClock.makeFollowing(
            { config: Examples.countyConfig, plugins: [statsPlugin()] },
            "2025-01-01T00:00:00Z"
          ).pipe(Effect.provideService(CaseStore.CaseStore, store))
          const centre = center.config.id
          yield* center.execute(Examples.registerInput({ caseId: "normal" }))
          const normal = Option.getOrThrow(yield* store.load(centre, "normal"))
          const events = yield* store.readEvents(centre, "normal")
          const snapshot = { ...normal, id: "odd", code: `${normal.code}-odd`, registeredAt: odd, updatedAt: odd }
          yield* store.append({
            centre,
            caseId: "odd",
            expectedVersion: 0,
            commandId: "odd",
            events: events.map((e) => ({ ...e, caseId: "odd", at: odd, commandId: "odd", correlationId: "odd" })),
            snapshot,
            summary: Summary.ofCase(center.config, snapshot)
          })
          const input = { actor: Examples.admin, period: { unit: "year", key: "2025" }, asOf: "2025-06-30T00:00:00Z" }
          const board = yield* center.plugins.stats.dashboard(input as never)
          expect(board).toBeDefined()
          expect(typeof (yield* center.plugins.stats.csv(input as never))).toBe("string")
          expect(typeof (yield* center.plugins.stats.report(input as never))).toBe("string")
          // without a period: the whole range of the centre's cases
          const all = { actor: Examples.admin, asOf: "2025-06-30T00:00:00Z" }
          expect(yield* center.plugins.stats.dashboard(all as never)).toBeDefined()
          expect(typeof (yield* center.plugins.stats.csv(all as never))).toBe("string")
          expect(typeof (yield* center.plugins.stats.report(all as never))).toBe("string")
          // and with nothing but the actor (the period and asOf by the centre's clock)
          const bare = { actor: Examples.admin }
          expect(yield* center.plugins.stats.dashboard(bare as never)).toBeDefined()
          expect(typeof (yield* center.plugins.stats.csv(bare as never))).toBe("string")
          expect(typeof (yield* center.plugins.stats.report(bare as never))).toBe("string")
        }))
    }
  }
})

describe("a caller's condition on the dashboard", () => {
  it.effect("is sized before it is decoded: shared references never expand", () =>
    Effect.gen(function*() {
      const center = yield* SimulatedClock.makeFollowing(
        { config: Examples.countyConfig, plugins: [statsPlugin()] },
        "2025-01-01T00:00:00Z"
      ).pipe(Effect.provide(MemoryStore.layer))
      let where: unknown = { _tag: "Eq", field: "kind", value: "dispute" }
      for (let i = 0; i < 8; i++) where = { _tag: "And", conditions: Array.from({ length: 100 }, () => where) }
      const e = yield* Effect.flip(center.plugins.stats.dashboard({ actor: Examples.admin, where } as never))
      expect(e).toMatchObject({ _tag: "InvalidInput", field: "where" })
      expect(e.message).toContain("queryLimits.maxTerms")
    }))
})
