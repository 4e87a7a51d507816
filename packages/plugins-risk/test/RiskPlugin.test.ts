import { describe, expect, it } from "@effect/vitest"
import { CaseStore, Center, createCenter, Examples, MemoryStore, type Plugin } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { defineRiskGrader } from "../src/Grader.js"
import * as Presets from "../src/Presets.js"
import { type RiskOptions, riskPlugin } from "../src/RiskPlugin.js"

const { admin, applicant, countyConfig } = Examples

const centerWith = (options: RiskOptions = {}, extra: ReadonlyArray<Plugin.Any> = []) =>
  Effect.gen(function*() {
    const store = yield* MemoryStore.make
    return yield* Center.make({ config: countyConfig, plugins: [riskPlugin(options), ...extra] }).pipe(
      Effect.provideService(CaseStore.CaseStore, store)
    )
  })

/** A person of their own, so that cases are not repeat incidents of each other unless meant to be. */
const stranger = (n: number) => ({ _tag: "Person", role: "applicant", name: `当事人${n}` }) as const
let people = 0

const register = (center: Center.Center, extra: Record<string, unknown> = {}) =>
  center.execute({
    _tag: "Register",
    actor: admin,
    kind: "dispute",
    channel: "walkIn",
    place: "222403100201",
    intakeNode: "222403100201",
    parties: [stranger(++people)],
    description: "邻里纠纷",
    at: "2025-03-03T09:00:00+08:00",
    ...extra
  })

describe("the risk plugin", () => {
  it.effect("grades at registration, explains the grade and opens a warning with its owner and due time", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const calm = yield* register(center)
      expect(calm.case.risk).toMatchObject({ level: "none", source: "grader" })
      const r = yield* register(center, {
        description: "因宅基地纠纷，当事人扬言要报复对方，同归于尽",
        category: "housingHomestead",
        headcount: 6,
        at: "2025-03-03T10:00:00+08:00"
      })
      // threat words 50 + homestead 15 + headcount 10
      expect(r.case.risk).toMatchObject({ level: "red", score: 75, source: "grader" })
      expect(r.case.risk.factors!.map((f) => f.id)).toEqual(["threatWords", "headcount", "category"])
      const explained = yield* center.plugins.risk.explain({ actor: admin, caseId: r.caseId })
      expect(explained.warning).toMatchObject({
        level: "red",
        owner: "countyLeader",
        issuedAt: "2025-03-03T02:00:00.000Z",
        dueAt: "2025-03-03T15:59:59.999Z", // red: the same day, in China
        suggestion: { escalateTo: "222403100", mode: "suggested" }
      })
    }))

  it.effect("the early-warning list (预警清单): by jurisdiction subtree and level, most urgent first, acknowledged", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const red = yield* register(center, { description: "扬言报复", category: "marriageFamily" })
      const yellow = yield* register(center, { description: "扬言上访", place: "222403001001" })
      yield* register(center, { description: "一般纠纷" })
      const all = yield* center.plugins.risk.earlyWarnings({ actor: admin })
      expect(all.map((w) => [w.caseId, w.level])).toEqual([[red.caseId, "red"], [yellow.caseId, "yellow"]])
      const township = yield* center.plugins.risk.earlyWarnings({ actor: admin, jurisdiction: "222403100" })
      expect(township.map((w) => w.caseId)).toEqual([red.caseId])
      expect(yield* center.plugins.risk.earlyWarnings({ actor: admin, levels: ["yellow"] })).toHaveLength(1)
      // another township's staff see only theirs
      const other = yield* center.plugins.risk.earlyWarnings({ actor: Examples.otherTownship })
      expect(other.map((w) => w.caseId)).toEqual([yellow.caseId])
      yield* center.plugins.risk.acknowledge({ actor: admin, caseId: red.caseId, note: "已报县领导" })
      const open = yield* center.plugins.risk.earlyWarnings({ actor: admin, unacknowledgedOnly: true })
      expect(open.map((w) => w.caseId)).toEqual([yellow.caseId])
      expect(
        yield* Effect.flip(
          center.plugins.risk.acknowledge({ actor: Examples.otherTownship, caseId: red.caseId, note: "x" })
        )
      )
        .toMatchObject({ _tag: "Forbidden" })
    }))

  it.effect("a new incident about the same person re-grades that person's other open cases", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const first = yield* register(center, {
        description: "扬言",
        parties: [applicant],
        at: "2025-03-01T09:00:00+08:00"
      })
      expect(first.case.risk.level).toBe("blue") // threat word 25
      for (const day of ["05", "09"]) {
        yield* register(center, {
          channel: "policeReferral",
          parties: [applicant],
          at: `2025-03-${day}T09:00:00+08:00`
        })
      }
      const again = yield* center.get({ actor: admin, caseId: first.caseId })
      // 25 threat + 2 other cases (20) + 2 police referrals (30)
      expect(again.risk).toMatchObject({ level: "red", score: 75 })
      const history = yield* center.history({ actor: admin, caseId: first.caseId })
      expect(history.filter((e) => e.event._tag === "RegradeRequested")).toHaveLength(2)
      expect(history.at(-1)?.event._tag).toBe("RiskGraded")
    }))

  it.effect("escalates automatically when the rule says so", () =>
    Effect.gen(function*() {
      const center = yield* centerWith({
        escalation: [{ level: "red", from: "village", to: "township", mode: "automatic" }]
      })
      const { caseId } = yield* register(center, { description: "当事人扬言报复", category: "marriageFamily" })
      yield* center.execute({ _tag: "Accept", actor: admin, caseId, at: "2025-03-03T10:00:00+08:00" })
      const assessed = yield* center.execute({
        _tag: "Assess",
        actor: admin,
        caseId,
        category: "marriageFamily",
        complexity: "general",
        at: "2025-03-03T11:00:00+08:00"
      })
      expect(assessed.case.risk.level).toBe("red")
      const now = yield* center.get({ actor: admin, caseId })
      expect(now).toMatchObject({ status: "escalated", handlingNode: "222403100" })
      expect(now.escalations[0]).toMatchObject({ from: "222403100201", to: "222403100" })
    }))

  it.effect("a manual level set at assessment is not lowered; graders still raise it", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const { caseId } = yield* register(center)
      yield* center.execute({ _tag: "Accept", actor: admin, caseId, at: "2025-03-03T10:00:00+08:00" })
      const assessed = yield* center.execute({
        _tag: "Assess",
        actor: admin,
        caseId,
        category: "other",
        complexity: "simple",
        risk: { level: "yellow", reason: "网格员反映情绪激动" },
        at: "2025-03-03T11:00:00+08:00"
      })
      expect(assessed.case.risk).toMatchObject({ level: "yellow", source: "manual" })
    }))

  it.effect("graders of other plugins combine: the highest level, or a weighted score", () =>
    Effect.gen(function*() {
      const night = defineRiskGrader({
        id: "night",
        version: "1.0.0",
        grade: () => Effect.succeed({ score: 20, factors: [{ id: "nightVisit", contribution: 20 }] })
      })
      const max = yield* centerWith({}, [night])
      expect((yield* register(max, { description: "扬言" })).case.risk).toMatchObject({ level: "blue", score: 25 })
      const weighted = yield* centerWith({ combine: { weighted: { rules: 1, night: 0.5 } } }, [night])
      const r = yield* register(weighted, { description: "扬言" })
      expect(r.case.risk).toMatchObject({ level: "yellow", score: 35 })
      expect(r.case.risk.factors!.map((f) => [f.id, f.contribution, f.grader])).toEqual([
        ["threatWords", 25, "risk/rules"],
        ["nightVisit", 10, "night/night"]
      ])
    }))

  it.effect("checks its configuration against the centre's at start-up", () =>
    Effect.gen(function*() {
      const wrongPreset = yield* Effect.flip(centerWith({ preset: "highMediumLow" }))
      expect(wrongPreset).toMatchObject({ _tag: "InvalidConfig", field: "plugins.0.options.preset" })
      const badLevel = yield* Effect.flip(
        centerWith({ escalation: [{ level: "red", from: "grid", to: "city", mode: "suggested" }] })
      )
      expect(badLevel).toMatchObject({ _tag: "InvalidConfig", field: "plugins.0.options.escalation.0.to" })
      const badOption = yield* Effect.flip(centerWith({ rules: { vulnerable: -5 } }))
      expect(badOption).toMatchObject({ _tag: "InvalidConfig", field: "plugins.0.options.rules.vulnerable" })
    }))

  it("works through the Promise API with another preset, and the centre takes the preset's levels", async () => {
    const center = await createCenter({
      config: { ...countyConfig, riskLevels: Presets.highMediumLow.levels },
      plugins: [riskPlugin({ preset: "highMediumLow" })]
    })
    try {
      const r = await center.register({
        actor: admin,
        kind: "dispute",
        channel: "walkIn",
        place: "222403100201",
        parties: [applicant],
        description: "扬言要跳楼",
        category: "marriageFamily",
        at: "2025-03-03T09:00:00+08:00"
      })
      // two threat words 50 + marriage and family 15
      expect(r.case.risk).toMatchObject({ level: "high", score: 65 })
      const warnings = await center.plugins.risk.earlyWarnings({ actor: admin })
      expect(warnings[0]).toMatchObject({ level: "high", owner: "countyLeader" })
    } finally {
      await center.dispose()
    }
  })
})
