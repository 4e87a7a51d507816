/**
 * The grader of the plugin guide (docs/writing-a-plugin.md, "A risk grader from start to finish") and of the
 * package's README, word for word: `Grader.test.ts` runs it, so the guide's code cannot drift from what works.
 */
import { defineRiskGrader } from "@fengqiao/plugins-risk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

export const bigMoneyCrowd = defineRiskGrader({
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
