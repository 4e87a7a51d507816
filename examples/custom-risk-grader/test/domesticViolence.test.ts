import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, type createCenter, Examples, MemoryStore, SimulatedClock } from "@fengqiao/core"
import { riskPlugin } from "@fengqiao/plugins-risk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { domesticViolence, DomesticViolenceConfig, grade } from "../src/domesticViolence.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")
const scenarioCenter: typeof createCenter = (options) =>
  SimulatedClock.createFollowingCenter(options, "2025-01-01T00:00:00Z")

const config = Schema.decodeSync(DomesticViolenceConfig)({})

const family = {
  actor: Examples.admin,
  kind: "dispute",
  channel: "walkIn",
  place: "222403100201",
  intakeNode: "222403100201",
  category: "marriageFamily",
  parties: [
    { _tag: "Person", role: "applicant", name: "李某", sex: "female" },
    { _tag: "Person", role: "respondent", name: "王某", sex: "male" }
  ],
  description: "妻子称丈夫酒后殴打，多次家暴",
  at: "2025-03-03T09:00:00+08:00"
} as const

describe("the domestic-violence grader (a third-party plugin)", () => {
  it("grades only family disputes, and explains itself", async () => {
    const center = await scenarioCenter({ config: Examples.countyConfig })
    try {
      const r = await center.register(family)
      expect(grade(config, r.case)).toEqual({
        score: 55,
        factors: [
          { id: "violenceSigns", contribution: 40, detail: "家暴、殴打" },
          { id: "vulnerableInFamily", contribution: 15 }
        ]
      })
      expect(grade(config, { ...r.case, category: "neighbourhood" })).toEqual({ score: 0, factors: [] })
    } finally {
      await center.dispose()
    }
  })

  it("combines with the risk plugin's own grader: the higher level wins", async () => {
    const center = await scenarioCenter({
      config: Examples.countyConfig,
      plugins: [riskPlugin(), domesticViolence()]
    })
    try {
      const r = await center.register(family)
      // the rules alone: family 15 → blue; this grader: 55 → yellow
      expect(r.case.risk).toMatchObject({ level: "yellow", score: 55 })
      expect(r.case.risk.factors?.every((f) => f.grader === "domestic-violence")).toBe(true)
      const warnings = await center.plugins.risk.earlyWarnings({ actor: Examples.admin })
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatchObject({ level: "yellow", owner: "townshipLeader" })
    } finally {
      await center.dispose()
    }
  })

  it.effect("needs the risk plugin, and checks its options", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const start = (plugins: ReadonlyArray<ReturnType<typeof domesticViolence> | ReturnType<typeof riskPlugin>>) =>
        Effect.flip(
          scenarioMake({ config: Examples.countyConfig, plugins }).pipe(
            Effect.provideService(CaseStore.CaseStore, store)
          )
        )
      expect(yield* start([domesticViolence()])).toMatchObject({
        _tag: "InvalidConfig",
        field: "plugins.0.dependsOn.0"
      })
      expect(yield* start([riskPlugin(), domesticViolence({ perSign: -1 })])).toMatchObject({
        field: "plugins.1.options.perSign"
      })
    }))
})
