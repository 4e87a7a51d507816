/**
 * A small measuring harness: warm-up, then N samples of a fixed amount of work each, timed with
 * `process.hrtime.bigint()`. The cases of one benchmark are interleaved sample by sample (A, B, A, B …) so that
 * drift of a noisy machine (CPU frequency, neighbours, GC debt) hits every case alike; a ratio between two cases is
 * therefore more trustworthy than either absolute figure. Nothing here asserts on time.
 */
import { cpus, loadavg, totalmem } from "node:os"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

/**
 * One thing to measure. `run` does a fixed amount of work and returns how many operations it did; `setup` and
 * `teardown` run around every sample (warm-up included) and are not timed.
 */
export interface Case<S = void> {
  readonly name: string
  /** A note printed under the table (what exactly is timed). */
  readonly note?: string
  readonly setup?: () => S | Promise<S>
  readonly run: (state: S) => number | Promise<number>
  readonly teardown?: (state: S) => void | Promise<void>
}

/** Any case, whatever its state type. */
export type AnyCase = Case<any>

/** A ratio between two cases of the same benchmark, computed from medians and from paired samples. */
export interface RatioSpec {
  readonly name: string
  /** The case whose time per operation is divided … */
  readonly numerator: string
  /** … by this one's. */
  readonly denominator: string
  /** Informational: the ratio should stay at or below this. */
  readonly target?: number
}

/** Informational: a case's median should reach this many operations per second. */
export interface ThroughputTarget {
  readonly case: string
  readonly atLeast: number
  readonly unit: string
}

export interface Benchmark {
  readonly name: string
  readonly description: string
  readonly cases: ReadonlyArray<AnyCase>
  readonly ratios?: ReadonlyArray<RatioSpec>
  readonly targets?: ReadonlyArray<ThroughputTarget>
  /** The unit of an operation, for the table (e.g. "commands"). */
  readonly unit: string
  /** Extra facts about the workload for the JSON file. */
  readonly workload?: Readonly<Record<string, unknown>>
  /** Sample and warm-up counts for this benchmark when the command line gives none (slow benchmarks use fewer). */
  readonly defaults?: Partial<Options>
  /** Set when the benchmark cannot run here (e.g. no database server): why. Nothing is measured. */
  readonly skipped?: string
  /** Releases what the benchmark holds (temporary files, pools, tables), after it ran or failed. */
  readonly dispose?: () => void | Promise<void>
}

/** What the runner tells a benchmark when making it. */
export interface MakeContext {
  /** Run the untimed checks and counts before timing (default true; `--no-checks` turns them off). */
  readonly checks: boolean
}

export interface Options {
  readonly samples: number
  readonly warmup: number
}

export interface Stats {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly mean: number
  /** (max − min) / median. */
  readonly spread: number
  /** Median absolute deviation / median. */
  readonly mad: number
}

export interface CaseResult {
  readonly name: string
  readonly note?: string | undefined
  /** Operations in one sample (the same in every sample). */
  readonly opsPerSample: number
  /** Operations per second, sample by sample, in the order they were taken. */
  readonly samples: ReadonlyArray<number>
  readonly opsPerSecond: Stats
  /** Nanoseconds per operation at the median. */
  readonly nsPerOp: number
}

export interface RatioResult extends RatioSpec {
  /** Median time per op of the numerator / median time per op of the denominator. */
  readonly ofMedians: number
  /** The ratios of samples taken side by side (round i of each), summarised. */
  readonly paired: Stats
  readonly met?: boolean | undefined
}

export interface TargetResult extends ThroughputTarget {
  readonly median: number
  readonly met: boolean
}

export interface BenchmarkResult {
  readonly name: string
  readonly description: string
  readonly unit: string
  readonly options: Options
  readonly cases: ReadonlyArray<CaseResult>
  readonly ratios: ReadonlyArray<RatioResult>
  readonly targets: ReadonlyArray<TargetResult>
  readonly workload?: Readonly<Record<string, unknown>> | undefined
}

/** `global.gc`, obtained without `--expose-gc` on the command line. */
export const gc: () => void = (() => {
  setFlagsFromString("--expose-gc")
  return runInNewContext("gc") as () => void
})()

const sorted = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)

const medianOf = (xs: ReadonlyArray<number>): number => {
  const s = sorted(xs)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export const stats = (xs: ReadonlyArray<number>): Stats => {
  const median = medianOf(xs)
  const min = Math.min(...xs)
  const max = Math.max(...xs)
  return {
    median,
    min,
    max,
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    spread: (max - min) / median,
    mad: medianOf(xs.map((x) => Math.abs(x - median))) / median
  }
}

interface Timed {
  readonly ops: number
  readonly ns: bigint
}

const once = async (c: AnyCase): Promise<Timed> => {
  const state: unknown = c.setup === undefined ? undefined : await c.setup()
  gc()
  const start = process.hrtime.bigint()
  const r = c.run(state)
  const ops = typeof r === "number" ? r : await r
  const ns = process.hrtime.bigint() - start
  if (c.teardown !== undefined) await c.teardown(state)
  return { ops, ns }
}

/**
 * Runs a benchmark: `warmup` rounds, then `samples` rounds; each round runs every case once, in turn.
 * `onSample` is called after every measured round (for progress output).
 */
export const measure = async (
  b: Benchmark,
  options: Options,
  onSample: (round: number) => void = () => {}
): Promise<BenchmarkResult> => {
  for (let i = 0; i < options.warmup; i++) {
    for (const c of b.cases) await once(c)
  }
  const taken = b.cases.map(() => [] as Array<Timed>)
  for (let round = 0; round < options.samples; round++) {
    // Rotate the order each round so no case always runs right after the same one.
    for (let k = 0; k < b.cases.length; k++) {
      const j = (k + round) % b.cases.length
      taken[j]!.push(await once(b.cases[j]!))
    }
    onSample(round + 1)
  }
  const cases = b.cases.map((c, j): CaseResult => {
    const ts = taken[j]!
    const opsPerSample = ts[0]!.ops
    for (const t of ts) {
      if (t.ops !== opsPerSample) throw new Error(`${b.name}/${c.name}: samples did different amounts of work`)
    }
    const perSecond = ts.map((t) => (t.ops * 1e9) / Number(t.ns))
    const s = stats(perSecond)
    return { name: c.name, note: c.note, opsPerSample, samples: perSecond, opsPerSecond: s, nsPerOp: 1e9 / s.median }
  })
  const byName = (name: string) => {
    const j = b.cases.findIndex((c) => c.name === name)
    if (j < 0) throw new Error(`${b.name}: no case named ${name}`)
    return j
  }
  const ratios = (b.ratios ?? []).map((r): RatioResult => {
    const n = byName(r.numerator)
    const d = byName(r.denominator)
    const ofMedians = cases[n]!.nsPerOp / cases[d]!.nsPerOp
    const paired = stats(taken[n]!.map((t, i) => {
      const u = taken[d]![i]!
      return (Number(t.ns) / t.ops) / (Number(u.ns) / u.ops)
    }))
    return { ...r, ofMedians, paired, met: r.target === undefined ? undefined : ofMedians <= r.target }
  })
  const targets = (b.targets ?? []).map((t): TargetResult => {
    const median = cases[byName(t.case)]!.opsPerSecond.median
    return { ...t, median, met: median >= t.atLeast }
  })
  return {
    name: b.name,
    description: b.description,
    unit: b.unit,
    options,
    cases,
    ratios,
    targets,
    workload: b.workload
  }
}

/** The facts needed to compare figures between machines and runs. */
export const machine = () => {
  const cs = cpus()
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cs[0]?.model.trim() ?? "unknown",
    cores: cs.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    /** 1, 5 and 15 minute load averages when the run started (other processes compete for the CPU). */
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100)
  }
}

const fmt = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString("en-US") : n >= 10 ? n.toFixed(1) : n.toFixed(2)

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n")
}

/** The printed report of one benchmark. */
export const render = (r: BenchmarkResult): string => {
  const out: Array<string> = []
  out.push(`## ${r.name}: ${r.description}`)
  out.push(
    `   ${r.options.samples} samples after ${r.options.warmup} warm-up rounds; cases interleaved; GC before each sample`
  )
  out.push("")
  out.push(table(
    ["case", `median ${r.unit}/s`, "min", "max", "spread", "MAD", "µs/op", "ops/sample"],
    r.cases.map((c) => [
      c.name,
      fmt(c.opsPerSecond.median),
      fmt(c.opsPerSecond.min),
      fmt(c.opsPerSecond.max),
      pct(c.opsPerSecond.spread),
      pct(c.opsPerSecond.mad),
      (c.nsPerOp / 1000).toFixed(3),
      c.opsPerSample.toLocaleString("en-US")
    ])
  ))
  for (const ratio of r.ratios) {
    out.push("")
    out.push(
      `ratio ${ratio.name} = ${ratio.ofMedians.toFixed(2)}× (time per op, ${ratio.numerator} / ${ratio.denominator}, ` +
        `of medians); paired samples: median ${ratio.paired.median.toFixed(2)}×, ` +
        `min ${ratio.paired.min.toFixed(2)}×, max ${ratio.paired.max.toFixed(2)}×`
    )
    if (ratio.target !== undefined) {
      out.push(`   target ≤ ${ratio.target}×: ${ratio.met === true ? "met" : "MISSED"}`)
    }
  }
  for (const t of r.targets) {
    out.push("")
    out.push(
      `target ${t.case} ≥ ${t.atLeast.toLocaleString("en-US")} ${t.unit}/s: median ${fmt(t.median)} → ${
        t.met ? "met" : "MISSED"
      }`
    )
  }
  if (r.workload !== undefined) {
    out.push("")
    out.push(
      `workload: ${
        Object.entries(r.workload).map(([k, v]) => `${k} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
          .join("; ")
      }`
    )
  }
  const notes = r.cases.filter((c) => c.note !== undefined)
  if (notes.length > 0) {
    out.push("")
    for (const c of notes) out.push(`* ${c.name}: ${c.note}`)
  }
  return out.join("\n")
}
