import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, Examples, MemoryStore, SimulatedClock } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { defineRiskGrader } from "../src/Grader.js"
import { riskPlugin } from "../src/RiskPlugin.js"
import { registration } from "./fixtures.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

/** The grader of the plugin guide (docs/writing-a-plugin.md, "A risk grader from start to finish"), word for word. */
const bigMoneyCrowd = defineRiskGrader({
  id: "big-money-crowd",
  version: "1.0.0",
  dependsOn: ["risk"], // combined by the risk plugin's policy
  config: Schema.Struct({
    // yuan (元), as `amountAtStake` is: 500 000 yuan
    minAmount: Schema.optionalWith(Schema.Number, { default: () => 500_000 }),
    // people involved (`headcount`), not parties
    minHeadcount: Schema.optionalWith(Schema.Int, { default: () => 10 })
  }),
  // no `options`: every field has a default
  levels: ["yellow"], // the levels its grades name, checked against the centre's at start-up
  triggers: ["Registered", "RegradeRequested"],
  grade: (ctx) => {
    const c = ctx.case
    const big = (c.amountAtStake ?? 0) >= ctx.config.minAmount && c.headcount >= ctx.config.minHeadcount
    return Effect.succeed(
      big
        ? {
          score: 40,
          level: "yellow",
          factors: [{ id: "bigMoneyCrowd", contribution: 40, detail: `¥${c.amountAtStake}, ${c.headcount} people` }]
        }
        : { score: 0, factors: [] }
    )
  }
})

const centre = Effect.gen(function*() {
  const store = yield* MemoryStore.make
  // as in the guide: the grades add up, each weighted by its grader's id
  const risk = riskPlugin({ combine: { weighted: { rules: 1, "big-money-crowd": 1 } } })
  return yield* scenarioMake({ config: Examples.countyConfig, plugins: [risk, bigMoneyCrowd] }).pipe(
    Effect.provideService(CaseStore.CaseStore, store)
  )
})

/** Wage arrears (欠薪) of a crowd of workers: two parties (the workers' representative and the company). */
const wageArrears = (amountAtStake: number, headcount: number) =>
  registration({
    category: "labourWages",
    parties: [
      { _tag: "Person", role: "applicant", name: "工人代表甲" },
      { _tag: "Organisation", role: "respondent", name: "某建筑公司" }
    ],
    headcount,
    amountAtStake,
    description: "拖欠工资"
  })

describe("the plugin guide's grader (defineRiskGrader, end to end)", () => {
  it.effect("installs without options, grades in yuan and by headcount, and names its factor once", () =>
    Effect.gen(function*() {
      const center = yield* centre
      // 620 000.50 yuan (an exact amount in fen), 35 workers behind two parties
      const big = yield* center.execute(wageArrears(620_000.5, 35))
      expect(big.case.parties).toHaveLength(2)
      // the rules' 45 (headcount, amount, category) and this grader's 40
      expect(big.case.risk).toMatchObject({ level: "red", score: 85, source: "grader" })
      expect(big.case.risk.factors).toContainEqual({
        id: "bigMoneyCrowd",
        contribution: 40,
        detail: "¥620000.5, 35 people",
        grader: "big-money-crowd"
      })
      // the same amount with few people, or many people with little money: not this grader's concern
      expect((yield* center.execute(wageArrears(620_000.5, 3))).case.risk.factors ?? []).not.toContainEqual(
        expect.objectContaining({ grader: "big-money-crowd" })
      )
      expect((yield* center.execute(wageArrears(4_999.99, 35))).case.risk.factors ?? []).not.toContainEqual(
        expect.objectContaining({ grader: "big-money-crowd" })
      )
    }))

  it.effect("a level the centre does not have is refused at start-up", () =>
    Effect.gen(function*() {
      const strict = defineRiskGrader({
        ...bigMoneyCrowd,
        options: { minAmount: 1_000_000 },
        levels: ["purple"],
        grade: () => Effect.succeed(undefined)
      })
      const e = yield* Effect.flip(
        Effect.flatMap(MemoryStore.make, (store) =>
          scenarioMake({ config: Examples.countyConfig, plugins: [riskPlugin(), strict] }).pipe(
            Effect.provideService(CaseStore.CaseStore, store)
          ))
      )
      expect(e).toMatchObject({ _tag: "InvalidConfig", field: "plugins.1.options.levels.0" })
    }))
})
