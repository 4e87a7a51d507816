/**
 * `pnpm --filter @fengqiao/example-custom-risk-grader start`: a centre with the risk plugin and the
 * domestic-violence grader grades one family dispute and prints the explanation.
 */
import { createCenter, Examples } from "@fengqiao/core"
import { riskPlugin } from "@fengqiao/plugins-risk"
import { domesticViolence } from "./domesticViolence.js"

// no top-level await: the same file compiles as CommonJS (the packaging test runs it both ways)
const main = async () => {
  const center = await createCenter({
    config: Examples.countyConfig,
    plugins: [riskPlugin(), domesticViolence()]
  })
  try {
    const { caseId } = await center.register({
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
      description: "妻子称丈夫酒后殴打，多次家暴，要求离婚"
    })
    const { risk, warning } = await center.plugins.risk.explain({ actor: Examples.admin, caseId })
    console.log(`风险等级 risk level: ${center.labels()[`risk.${risk.level}`]} (${risk.level}), score ${risk.score}`)
    for (const f of risk.factors ?? []) console.log(`  ${f.grader}  ${f.id}  +${f.contribution}  ${f.detail ?? ""}`)
    if (warning !== undefined) console.log(`预警 warning: owner ${warning.owner}, report by ${warning.dueAt}`)
  } finally {
    await center.dispose()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
