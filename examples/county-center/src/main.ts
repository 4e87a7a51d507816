/**
 * `pnpm demo`: builds a Shulan-shaped county centre, pushes a year of generated cases through the closed loop
 * and prints the summary.
 *
 * Usage: `tsx src/main.ts [--cases N] [--seed S] [--lang zh-Hans|zh-Hant|en|ko] [--db FILE | --memory] [--report F]`
 * (`--help` says more; the flags are parsed in ./cli.ts). A progress bar is drawn on stderr when it is a terminal.
 */
import { statsPlugin } from "@fengqiao/plugins-stats"
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { parseCli, progressBar, usage } from "./cli.js"
import { collectReport, renderReport } from "./report.js"
import { buildShulanConfig } from "./shulan.js"
import { countyViewer, simulate } from "./simulate.js"
import { chooseStorage, describeStorage, openCenter } from "./store.js"

const main = async (): Promise<number> => {
  const parsed = parseCli(process.argv.slice(2))
  if (parsed._tag === "Help") {
    console.log(usage)
    return 0
  }
  if (parsed._tag === "Invalid") {
    console.error(`${parsed.message}\n\n${usage}`)
    return 2
  }
  const cli = parsed.cli
  const storage = chooseStorage({ db: cli.db, memory: cli.memory })
  const center = await openCenter(buildShulanConfig(), storage, [statsPlugin()])
  try {
    const stats = await simulate(center, { cases: cli.cases, seed: cli.seed, onProgress: progressBar(cli.cases) })
    const report = await collectReport(center, stats.asOf, cli.lang)
    console.log(renderReport(report, stats, center.labels(cli.lang)))
    console.log(`\n数据存储 storage: ${describeStorage(storage)}`)
    // the KPI report (统计报表): computed by the store, written as self-contained HTML and as CSV
    const query = { actor: countyViewer(center), asOf: stats.asOf, locale: cli.lang, trend: "month" } as const
    const html = resolve(cli.report)
    const csv = html.replace(/\.html$/, ".csv")
    mkdirSync(dirname(html), { recursive: true })
    writeFileSync(html, await center.plugins.stats.report(query))
    writeFileSync(csv, await center.plugins.stats.csv(query))
    console.log(`统计报表 HTML report: ${html}\n统计数据 CSV: ${csv}`)
    if (stats.failures.length > 0) {
      console.error(`\n${stats.failures.length} unexpected failure(s):`)
      for (const f of stats.failures.slice(0, 20)) console.error(`  ${f.caseId} ${f.command}: ${f.error} ${f.message}`)
      return 1
    }
    return 0
  } finally {
    await center.dispose()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    console.error(e)
    process.exitCode = 1
  }
)
