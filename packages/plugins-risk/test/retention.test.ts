import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, Examples, MemoryStore, Privacy, SimulatedClock } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { randomBytes } from "node:crypto"
import { riskPlugin } from "../src/RiskPlugin.js"
import { registration } from "./fixtures.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

const { admin, applicant, countyConfig } = Examples

const register = (center: Center.Center, at: string) => center.execute(registration({ parties: [applicant], at }))

/** A case of `applicant` registered on 3 March 2025 and taken through the loop to the archive. */
const archivedCase = (center: Center.Center) =>
  Effect.gen(function*() {
    const old = yield* register(center, "2025-03-03T09:00:00+08:00")
    let hour = 9
    const at = () => `2025-03-03T${String(++hour).padStart(2, "0")}:00:00+08:00`
    for (
      const c of [
        { _tag: "Accept", at: at() },
        { _tag: "Assess", category: "neighbourhood", complexity: "general", at: at() },
        { _tag: "Dispatch", leadUnit: "dstMediation", mediationType: "people", at: at() },
        { _tag: "StartHandling", at: at() },
        { _tag: "RecordOutcome", outcome: { _tag: "Resolved", agreement: { summary: "双方达成协议" } }, at: at() },
        { _tag: "GiveFeedback", rating: "satisfied", at: at() },
        { _tag: "RecordFollowUp", result: "stable", at: at() },
        { _tag: "Archive", at: at() }
      ]
    ) {
      yield* center.execute({ ...c, actor: admin, caseId: old.caseId })
    }
    return old
  })

const open = (
  store: CaseStore.CaseStore,
  plugins: ReadonlyArray<ReturnType<typeof riskPlugin>>,
  options: Partial<Center.Options> = {}
) =>
  scenarioMake({ config: countyConfig, plugins, retention: { afterDays: 365 }, ...options }).pipe(
    Effect.provideService(CaseStore.CaseStore, store)
  )

/** The case ids the incident index links to. */
const linked = (store: CaseStore.CaseStore) =>
  Effect.map(
    store.scanState(countyConfig.id, "risk", { prefix: "i/", limit: 100 }),
    (es) => es.flatMap((e) => (e.value as ReadonlyArray<{ readonly caseId: string }>).map((i) => i.caseId))
  )

const asOf = "2026-03-05T00:00:00Z"

describe("the incident index and the retention rule (保存期限)", () => {
  for (const mode of ["anonymise", "purge"] as const) {
    it.effect(`applyRetention (${mode}) removes the case's links in the same transaction; others stay`, () =>
      Effect.gen(function*() {
        const store = yield* MemoryStore.make
        const center = yield* open(store, [riskPlugin()])
        const old = yield* archivedCase(center)
        const current = yield* register(center, "2026-03-01T09:00:00+08:00")
        expect(yield* linked(store)).toContain(old.caseId)
        const applied = yield* center.applyRetention({ actor: admin, asOf, mode })
        expect(applied.cases.map((c) => c.caseId)).toEqual([old.caseId])
        const left = yield* linked(store)
        expect(left).not.toContain(old.caseId)
        expect(left).toContain(current.caseId)
        // nothing left for the sweep
        expect(yield* center.plugins.risk.pruneIncidents({ actor: admin })).toMatchObject({ removed: 0 })
      }))
  }

  it.effect("with party data encrypted at rest, the links (keyed hashes) go too", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const encryption = Privacy.staticKeys({
        current: "k1",
        keys: { k1: randomBytes(32) },
        lookupKey: randomBytes(32)
      })
      const center = yield* open(store, [riskPlugin()], { encryption })
      const old = yield* archivedCase(center)
      const current = yield* register(center, "2026-03-01T09:00:00+08:00")
      expect(yield* linked(store)).toContain(old.caseId)
      yield* center.applyRetention({ actor: admin, asOf })
      const left = yield* linked(store)
      expect(left).not.toContain(old.caseId)
      expect(left).toContain(current.caseId)
    }))

  it.effect("pruneIncidents sweeps the links of cases purged while the plugin was not installed", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const center = yield* open(store, [riskPlugin()])
      const old = yield* archivedCase(center)
      const current = yield* register(center, "2026-03-01T09:00:00+08:00")
      // the same centre and store, started once without the risk plugin, applies the retention rule
      const without = yield* open(store, [])
      yield* without.applyRetention({ actor: admin, asOf, mode: "purge" })
      expect(yield* linked(store)).toContain(old.caseId)
      // only an actor at the root that may apply the retention rule
      const townshipAdmin = { ...admin, id: "ds-admin", jurisdiction: "222403100" }
      for (const actor of [Examples.viewer, townshipAdmin]) {
        const r = yield* Effect.either(center.plugins.risk.pruneIncidents({ actor }))
        expect(r._tag === "Left" ? (r.left as { readonly _tag: string })._tag : "pruned").toBe("Forbidden")
      }
      const pruned = yield* center.plugins.risk.pruneIncidents({ actor: admin })
      expect(pruned.removed).toBeGreaterThan(0)
      const left = yield* linked(store)
      expect(left).not.toContain(old.caseId)
      expect(left).toContain(current.caseId)
      expect((yield* center.plugins.risk.pruneIncidents({ actor: admin })).removed).toBe(0)
    }))
})
