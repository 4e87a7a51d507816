/**
 * Runs the benchmarks: `pnpm bench` (all), `pnpm bench lifecycle`, `pnpm bench -- center`, `pnpm bench storage`.
 * Options: `--samples=N` (default 15, or the benchmark's own default), `--warmup=N` (default 5 rounds, or the
 * benchmark's own), `--case=TEXT` (only the cases whose name contains TEXT, e.g. for profiling one of them),
 * `--out=DIR` (where the JSON goes; `bench/results` by default), `--no-checks` (skip the untimed checks and counts
 * the storage benchmarks run before timing, e.g. to keep them out of a CPU profile).
 * Prints a table per benchmark and writes `<out>/<name>-<timestamp>.json`.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import * as center from "./center.js"
import { type Benchmark, machine, type MakeContext, measure, type Options, render } from "./harness.js"
import * as importCases from "./import.js"
import * as lifecycle from "./lifecycle.js"
import * as pg from "./pg.js"
import * as risk from "./risk.js"
import * as scale from "./scale.js"
import * as sqliteParts from "./sqlite-parts.js"
import * as sqlite from "./sqlite.js"
import * as stats from "./stats.js"

const registry: Readonly<Record<string, (context: MakeContext) => Benchmark | Promise<Benchmark>>> = {
  lifecycle: lifecycle.make,
  center: center.make,
  sqlite: sqlite.make,
  "sqlite-parts": sqliteParts.make,
  pg: pg.make,
  import: importCases.make,
  risk: risk.make,
  scale: scale.make,
  stats: stats.make
}

/** Names that select several benchmarks. */
const aliases: Readonly<Record<string, ReadonlyArray<string>>> = {
  all: Object.keys(registry),
  core: ["lifecycle", "center"],
  storage: ["sqlite", "sqlite-parts", "pg", "import"]
}

const usage = `usage: pnpm bench [${[...Object.keys(registry), ...Object.keys(aliases)].join("|")}] …` +
  " [--samples=N] [--warmup=N] [--case=TEXT] [--out=DIR] [--no-checks]"

const parse = (argv: ReadonlyArray<string>) => {
  const names: Array<string> = []
  let samples: number | undefined
  let warmup: number | undefined
  let only: string | undefined
  let out: string | undefined
  let checks = true
  for (const arg of argv) {
    if (arg === "--") continue
    const m = /^--(samples|warmup)=(\d+)$/.exec(arg)
    if (m !== null) {
      if (m[1] === "samples") samples = Math.max(1, Number(m[2]))
      else warmup = Number(m[2])
    } else if (arg.startsWith("--case=")) {
      only = arg.slice("--case=".length)
    } else if (arg.startsWith("--out=")) {
      out = resolve(arg.slice("--out=".length))
    } else if (arg === "--no-checks") {
      checks = false
    } else if (arg === "--help" || arg === "-h") {
      console.log(usage)
      process.exit(0)
    } else if (arg.startsWith("-")) {
      throw new Error(`unknown option ${arg}\n${usage}`)
    } else {
      const selected = aliases[arg] ?? (registry[arg] !== undefined ? [arg] : undefined)
      if (selected === undefined) throw new Error(`unknown benchmark ${arg}\n${usage}`)
      for (const n of selected) if (!names.includes(n)) names.push(n)
    }
  }
  return {
    names: names.length === 0 ? Object.keys(registry) : names,
    options: { samples, warmup },
    only,
    out,
    checks
  }
}

/** Keeps the cases whose name contains `text`, and the ratios and targets that only involve them. */
const selectCases = (b: Benchmark, text: string): Benchmark => {
  const cases = b.cases.filter((c) => c.name.includes(text))
  const kept = new Set(cases.map((c) => c.name))
  return {
    ...b,
    cases,
    ratios: (b.ratios ?? []).filter((r) => kept.has(r.numerator) && kept.has(r.denominator)),
    targets: (b.targets ?? []).filter((t) => kept.has(t.case))
  }
}

const main = async () => {
  const { checks, names, only, options, out } = parse(process.argv.slice(2))
  const m = machine()
  console.log(`Fengqiao benchmarks: ${names.join(", ")}`)
  console.log(
    `node ${m.node} (V8 ${m.v8}), ${m.platform}, ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ` +
      `load ${m.loadAverage.join(" ")}`
  )
  const dir = out ?? fileURLToPath(new URL("./results/", import.meta.url))
  mkdirSync(dir, { recursive: true })
  for (const name of names) {
    const all = await registry[name]!({ checks })
    try {
      if (all.skipped !== undefined) {
        console.log(`\n${name}: skipped: ${all.skipped}`)
        continue
      }
      const b = only === undefined ? all : selectCases(all, only)
      if (b.cases.length === 0) {
        console.log(`\n${name}: no case matches --case=${only}`)
        continue
      }
      const chosen: Options = {
        samples: options.samples ?? b.defaults?.samples ?? 15,
        warmup: options.warmup ?? b.defaults?.warmup ?? 5
      }
      console.log("")
      process.stdout.write(`running ${name} (ready at ${process.uptime().toFixed(1)} s) `)
      const startedAt = new Date()
      const result = await measure(b, chosen, () => process.stdout.write("."))
      process.stdout.write("\n\n")
      console.log(render(result))
      const file = join(dir, `${name}-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`)
      writeFileSync(file, `${JSON.stringify({ startedAt: startedAt.toISOString(), machine: m, ...result }, null, 2)}\n`)
      console.log(`\nresults: ${relative(process.cwd(), file)}`)
    } finally {
      await all.dispose?.()
    }
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exitCode = 1
})
