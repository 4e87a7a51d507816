/**
 * The demo's command line (命令行): its flags, parsed with `node:util` `parseArgs`, and the progress bar (进度条)
 * it draws on a terminal while the year is simulated.
 */
import { Primitives } from "@fengqiao/core"
import { parseArgs } from "node:util"

/** What the demo runs with. */
export interface Cli {
  readonly cases: number
  readonly seed: number
  readonly lang: Primitives.Locale
  readonly db: string | undefined
  readonly memory: boolean
  readonly report: string
}

/** The parsed command line: run with these settings, print the help, or refuse with a message. */
export type Parsed =
  | { readonly _tag: "Run"; readonly cli: Cli }
  | { readonly _tag: "Help" }
  | { readonly _tag: "Invalid"; readonly message: string }

/** The `--help` text. */
export const usage =
  `用法 / usage: pnpm demo [--cases N] [--seed S] [--lang zh-Hans|zh-Hant|en|ko] [--db FILE | --memory] [--report F]
  --cases N   案件数 number of cases (default 300, at most 100000)
  --seed S    随机种子 PRNG seed, an integer (default 2025)
  --lang L    报告语言 report language (default zh-Hans)
  --db FILE   SQLite 数据库文件 the SQLite file, recreated each run (default .data/county-center.db)
  --memory    只用内存 keep everything in memory
  --report F  统计报表 where the HTML report goes (default .data/county-center-report.html; the CSV beside it)
  -h, --help  这段说明 this text
  DATABASE_URL=postgres://… runs the same demo on PostgreSQL`

const options = {
  cases: { type: "string" },
  seed: { type: "string" },
  lang: { type: "string" },
  db: { type: "string" },
  memory: { type: "boolean" },
  report: { type: "string" },
  help: { type: "boolean", short: "h" }
} as const

const isLocale = (s: string): s is Primitives.Locale => (Primitives.locales as ReadonlyArray<string>).includes(s)

const invalid = (message: string): Parsed => ({ _tag: "Invalid", message })

/** `parseArgs`'s own errors, said in a line that names the flag. */
const explain = (e: unknown, argv: ReadonlyArray<string>): string => {
  const code = (e as { code?: unknown }).code
  const message = e instanceof Error ? e.message : String(e)
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? "?"
      return `unknown option ${flag} (the options are ${Object.keys(options).map((o) => `--${o}`).join(", ")})`
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? "?"
      return options[flag.replace(/^--?/, "") as keyof typeof options]?.type === "boolean"
        ? `${flag} takes no value`
        : `${flag} needs a value`
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL": {
      const extra = argv.find((a) => !a.startsWith("-")) ?? message
      return `unexpected argument "${extra}": every setting is a flag such as --cases 500`
    }
    default:
      return message
  }
}

/**
 * Parses the demo's command line (`process.argv.slice(2)`). A bare `--` (which `pnpm demo -- …` passes on) is
 * ignored; flags take their value as `--cases 500` or `--cases=500`.
 */
export const parseCli = (argv: ReadonlyArray<string>): Parsed => {
  const args = argv.filter((a) => a !== "--")
  const parse = () => parseArgs({ args, options, strict: true, allowPositionals: false })
  let values: ReturnType<typeof parse>["values"]
  try {
    values = parse().values
  } catch (e) {
    return invalid(explain(e, args))
  }
  if (values.help === true) return { _tag: "Help" }
  let cases = 300
  if (values.cases !== undefined) {
    const n = Number(values.cases)
    if (values.cases.trim() === "" || !Number.isInteger(n) || n < 1 || n > 100_000) {
      return invalid(`--cases: an integer from 1 to 100000, got "${values.cases}"`)
    }
    cases = n
  }
  let seed = 2025
  if (values.seed !== undefined) {
    const n = Number(values.seed)
    if (values.seed.trim() === "" || !Number.isSafeInteger(n)) {
      return invalid(`--seed: an integer, got "${values.seed}"`)
    }
    seed = n
  }
  const lang = values.lang ?? "zh-Hans"
  if (!isLocale(lang)) return invalid(`--lang: one of ${Primitives.locales.join(", ")}, got "${lang}"`)
  if (values.db !== undefined && values.db.trim() === "") return invalid("--db: a file name")
  if (values.db !== undefined && values.memory === true) return invalid("--db and --memory: choose one")
  const report = values.report ?? ".data/county-center-report.html"
  if (!report.endsWith(".html")) return invalid(`--report: a file name ending in .html, got "${report}"`)
  return { _tag: "Run", cli: { cases, seed, lang, db: values.db, memory: values.memory === true, report } }
}

/** Where the progress bar is drawn: stderr, or a stand-in in tests. */
export interface Terminal {
  readonly isTTY?: boolean | undefined
  write(text: string): unknown
}

/**
 * A progress bar (进度条) for the simulation: on a terminal it redraws one line and ends it when the year is done;
 * anywhere else (CI logs, pipes, files) it draws nothing, so that output stays clean.
 */
export const progressBar = (
  cases: number,
  terminal: Terminal = process.stderr
): (progress: { readonly share: number; readonly commands: number }) => void => {
  if (terminal.isTTY !== true) return () => {}
  let done = false
  return ({ commands, share }) => {
    if (done) return
    const clamped = Math.max(0, Math.min(1, share))
    const width = 30
    const filled = Math.round(clamped * width)
    const percent = String(Math.floor(clamped * 100)).padStart(3)
    done = clamped >= 1
    terminal.write(
      `\r模拟一年 simulating a year of ${cases} cases [${"█".repeat(filled)}${
        " ".repeat(width - filled)
      }] ${percent}%  ${commands} commands${done ? "\n" : ""}`
    )
  }
}
