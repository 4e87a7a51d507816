/**
 * The risk plugin's repeat-incident index (`i/<kind>/<hash>`) with party data encrypted at rest: the centre hands
 * the plugin a keyed look-up hash (HMAC), so repeat detection works, the store holds neither the plain numbers nor
 * their plain SHA-256, and a centre with another lookup key does not find the same person.
 */
import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, Examples, MemoryStore, Privacy, SimulatedClock } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { createHash, randomBytes } from "node:crypto"
import { riskPlugin } from "../src/RiskPlugin.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

const { admin, applicant, countyConfig } = Examples

const keysWith = (lookupKey: Uint8Array) =>
  Privacy.staticKeys({ current: "k1", keys: { k1: randomBytes(32) }, lookupKey })

const open = (lookupKey: Uint8Array) =>
  Effect.gen(function*() {
    const store = yield* MemoryStore.make
    const center = yield* scenarioMake({
      config: countyConfig,
      plugins: [riskPlugin()],
      encryption: keysWith(lookupKey)
    }).pipe(Effect.provideService(CaseStore.CaseStore, store))
    return { store, center }
  })

const register = (center: Center.Center, day: string, channel = "policeReferral") =>
  center.execute({
    _tag: "Register",
    actor: admin,
    kind: "dispute",
    channel,
    place: "222403100201",
    intakeNode: "222403100201",
    parties: [applicant],
    description: day === "01" ? "扬言" : "邻里纠纷",
    at: `2025-03-${day}T09:00:00+08:00`
  })

describe("the risk plugin with party data encrypted at rest", () => {
  it.effect("finds repeat incidents through the keyed hash; the store holds no plain number or plain hash", () =>
    Effect.gen(function*() {
      const lookupKey = randomBytes(32)
      const { center, store } = yield* open(lookupKey)
      const first = yield* register(center, "01", "walkIn")
      expect(first.case.risk.level).toBe("blue") // threat word 25
      yield* register(center, "05")
      yield* register(center, "09")
      const again = yield* center.get({ actor: admin, caseId: first.caseId })
      // 25 threat + 2 other cases (20) + 2 police referrals (30), as without encryption
      expect(again.risk).toMatchObject({ level: "red", score: 75 })
      const keys = (yield* store.scanState(countyConfig.id, "risk", { prefix: "i/", limit: 100 })).map((e) => e.key)
      const hmac = (kind: string, value: string) => Privacy.lookupHash(kind, value, lookupKey).slice(0, 32)
      expect(keys).toContain(`i/id/${hmac("id", applicant.idNumber)}`)
      expect(keys).toContain(`i/phone/${hmac("phone", applicant.phone)}`)
      const plain = (kind: string, value: string) =>
        createHash("sha256").update(`${kind}:${value}`).digest("hex").slice(0, 32)
      expect(keys).not.toContain(`i/id/${plain("id", applicant.idNumber)}`)
      expect(keys).not.toContain(`i/phone/${plain("phone", applicant.phone)}`)
      // what the store keeps of the case: no name, ID number or phone in clear
      const raw = JSON.stringify([
        yield* store.load(countyConfig.id, first.caseId),
        yield* store.readEvents(countyConfig.id, first.caseId),
        yield* store.scanState(countyConfig.id, "risk", { prefix: "", limit: 1000 })
      ])
      for (const secret of [applicant.idNumber, applicant.phone, applicant.name]) {
        expect(raw).not.toContain(secret)
      }
      // pruning reads the cases through the keys: the links of cases that still name the person stay
      expect(yield* center.plugins.risk.pruneIncidents({ actor: admin })).toMatchObject({ removed: 0 })
      const kept = (yield* store.scanState(countyConfig.id, "risk", { prefix: "i/", limit: 100 })).map((e) => e.key)
      expect(kept).toEqual(keys)
    }))

  it.effect("another lookup key gives other index keys (a stolen index is useless without the key)", () =>
    Effect.gen(function*() {
      const a = yield* open(randomBytes(32))
      const b = yield* open(randomBytes(32))
      yield* register(a.center, "01")
      yield* register(b.center, "01")
      const keysOf = (store: CaseStore.CaseStore) =>
        Effect.map(
          store.scanState(countyConfig.id, "risk", { prefix: "i/id/", limit: 10 }),
          (es) => es.map((e) => e.key)
        )
      const ka = yield* keysOf(a.store)
      const kb = yield* keysOf(b.store)
      expect(ka).toHaveLength(1)
      expect(kb).toHaveLength(1)
      expect(ka[0]).not.toBe(kb[0])
    }))
})
