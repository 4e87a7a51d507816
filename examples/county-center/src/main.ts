/**
 * `pnpm demo`: builds a Shulan-shaped county centre, pushes a year of generated cases through the closed loop
 * and prints the summary.
 *
 * Usage: `tsx src/main.ts [--cases N] [--seed S] [--lang zh-Hans|zh-Hant|en|ko]`
 */
import { Primitives } from "@fengqiao/core"
import { statsPlugin } from "@fengqiao/plugins-stats"
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { collectReport, renderReport } from "./report.js"
import { buildShulanConfig } from "./shulan.js"
import { countyViewer, simulate } from "./simulate.js"
import { chooseStorage, describeStorage, openCenter } from "./store.js"

interface Cli {
  readonly cases: number
  readonly seed: number
  readonly lang: Primitives.Locale
  readonly db: string | undefined
  readonly memory: boolean
  readonly report: string
}

const usage = `用法 / usage: pnpm demo [--cases N] [--seed S] [--lang zh-Hans|zh-Hant|en|ko] [--db FILE | --memory]
  --cases N   案件数 number of cases (default 300, at most 100000)
  --seed S    随机种子 PRNG seed, an integer (default 2025)
  --lang L    报告语言 report language (default zh-Hans)
  --db FILE   SQLite 数据库文件 the SQLite file, recreated each run (default .data/county-center.db)
  --memory    只用内存 keep everything in memory
  --report F  统计报表 where the HTML report goes (default .data/county-center-report.html; the CSV beside it)
  DATABASE_URL=postgres://… runs the same demo on PostgreSQL`

const isLocale = (s: string): s is Primitives.Locale => (Primitives.locales as ReadonlyArray<string>).includes(s)

/** Parses the command line by hand; returns an error message for bad input, or undefined for `--help`. */
const parseArgs = (argv: ReadonlyArray<string>): Cli | string | undefined => {
  let cases = 300
  let seed = 2025
  let lang: Primitives.Locale = "zh-Hans"
  let db: string | undefined
  let memory = false
  let report = ".data/county-center-report.html"
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--") continue
    if (arg === "--help" || arg === "-h") return undefined
    if (arg === "--memory") {
      memory = true
      continue
    }
    const eq = arg.indexOf("=")
    const name = eq >= 0 ? arg.slice(0, eq) : arg
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined) return `${name} needs a value`
    switch (name) {
      case "--cases": {
        const n = Number(value)
        if (!Number.isInteger(n) || n < 1 || n > 100_000) return `--cases: an integer from 1 to 100000, got "${value}"`
        cases = n
        break
      }
      case "--seed": {
        const n = Number(value)
        if (!Number.isSafeInteger(n)) return `--seed: an integer, got "${value}"`
        seed = n
        break
      }
      case "--lang":
        if (!isLocale(value)) return `--lang: one of ${Primitives.locales.join(", ")}, got "${value}"`
        lang = value
        break
      case "--db":
        if (value.trim() === "") return "--db: a file name"
        db = value
        break
      case "--report":
        if (!value.endsWith(".html")) return `--report: a file name ending in .html, got "${value}"`
        report = value
        break
      default:
        return `unknown option ${name}`
    }
  }
  return { cases, seed, lang, db, memory, report }
}

/**
 * A progress bar on stderr (进度) while the year is simulated; on a terminal it redraws one line, elsewhere (CI
 * logs, pipes) it prints a line at every quarter so the output stays short.
 */
const progressBar = (cases: number) => {
  const tty = process.stderr.isTTY === true
  let quarter = -1
  return ({ share, commands }: { readonly share: number; readonly commands: number }) => {
    const percent = Math.floor(share * 100)
    if (tty) {
      const width = 30
      const filled = Math.round(share * width)
      process.stderr.write(
        `\r模拟一年 simulating a year of ${cases} cases [${"█".repeat(filled)}${" ".repeat(width - filled)}] ${
          String(percent).padStart(3)
        }%  ${commands} commands${share >= 1 ? "\n" : ""}`
      )
    } else if (Math.floor(share * 4) > quarter) {
      quarter = Math.floor(share * 4)
      process.stderr.write(`模拟一年 simulating: ${percent}% (${commands} commands)\n`)
    }
  }
}

const main = async (): Promise<number> => {
  const cli = parseArgs(process.argv.slice(2))
  if (cli === undefined) {
    console.log(usage)
    return 0
  }
  if (typeof cli === "string") {
    console.error(`${cli}\n\n${usage}`)
    return 2
  }
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
