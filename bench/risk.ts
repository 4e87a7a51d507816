/**
 * Benchmark "risk": grading throughput of `@fengqiao/plugins-risk` — new registrations per second through the
 * Center on a SQLite file, each graded by the rule-based grader with its repeat-incident lookup (重复来访), over a
 * history of 1 000 000 cases; against the same over a 10 000-case history (if the lookup scanned, the ratio would
 * be about 100×; indexed, it stays near 1×) and against the Center without the plugin on the 1 000 000-case file
 * (what grading costs).
 *
 * The history: `HISTORY` case rows (a real registered case's row and snapshot, cloned with their own ids and
 * codes) and the plugin's incident index for them (`i/<kind>/<fingerprint>` rows in `plugin_state`, made with the
 * plugin's own `incidentKeys`), written straight to the file once and kept in `bench/.data/` (about 1.3 GB for a
 * million cases; delete it to rebuild). Each person has two cases in the history, spread over 2023-01 … 2025-05;
 * every timed registration is by a person of the history, so the grader finds their incidents, and the plugin
 * re-grades their other cases inside its 90-day window (about one in five), as it does in production. Events of
 * the history are not written: grading does not read them.
 *
 * Before timing, the benchmark checks that the lookup is an index search (`EXPLAIN QUERY PLAN`, no `SCAN`) and
 * that a registration of a known person is graded with the repeat factor.
 *
 * The centres run on a simulated clock (a runtime made with `Layer.setClock`) set to each registration's `at` just
 * before it is sent, so the registrations of 2025-06 are taken at their own times, sample after sample.
 */
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { Center, type Command, Party, SimulatedClock } from "@fengqiao/core"
import { RiskPlugin, riskPlugin } from "@fengqiao/plugins-risk"
import Database from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { actors, countyConfig } from "./fixtures.js"
import type { Benchmark, MakeContext } from "./harness.js"
import { idOf, removeSqlite } from "./storage.js"

const HISTORY = Number(process.env.FENGQIAO_BENCH_RISK_HISTORY ?? 1_000_000)
const SMALL = 10_000
const PER_SAMPLE = 200

const GRADED_BIG = `register + grade, ${HISTORY.toLocaleString("en")}-case history`
const GRADED_SMALL = `register + grade, ${SMALL.toLocaleString("en")}-case history`
const PLAIN_BIG = `register, no risk plugin, ${HISTORY.toLocaleString("en")}-case history`

const dataDir = join(dirname(fileURLToPath(import.meta.url)), ".data")
const prefix = "fq_"

/** Person `k` of the history: a valid resident ID number (GB 11643), a phone and an address of their own. */
const person = (k: number) => {
  const birth = new Date(Date.UTC(1950, 0, 1) + (k % 20_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "")
  const first17 = `222403${birth}${String(Math.floor(k / 20_000) % 1000).padStart(3, "0")}`
  return {
    _tag: "Person" as const,
    role: "applicant" as const,
    name: "张三",
    idNumber: first17 + Party.residentIdCheckChar(first17),
    phone: `13${String(k).padStart(9, "0")}`,
    address: `大石头镇大石头村${k}号`
  }
}

const HISTORY_FROM = Date.parse("2023-01-01T00:00:00Z")
const HISTORY_TO = Date.parse("2025-05-31T00:00:00Z")
const NOW = Date.parse("2025-06-01T01:00:00Z")

/** The time of registration number `n`: one second after the one before. */
const timeOf = (n: number): number => NOW + n * 1000

/**
 * The centres' clock, set to each registration's time before it is sent (one centre runs at a time, so they share
 * it).
 */
const clock = SimulatedClock.make(NOW)

/** Registration number `n`, sent at its own time: the clock is set to it first. */
const send = (center: Center.Center, k: number, n: number) => {
  clock.set(timeOf(n))
  return center.execute(registration(k, n))
}

const registration = (k: number, n: number): Command.CommandInput =>
  ({
    _tag: "Register",
    actor: actors.countyIntake,
    kind: "dispute",
    channel: "walkIn",
    place: "222403100201",
    parties: [person(k)],
    description: "邻里纠纷，扬言报复",
    at: new Date(timeOf(n)).toISOString()
  }) as unknown as Command.CommandInput

type Runtime = ManagedRuntime.ManagedRuntime<Center.Center, unknown>

const open = (filename: string, withRisk: boolean): Runtime =>
  ManagedRuntime.make(
    Center.layer({ config: countyConfig, plugins: withRisk ? [riskPlugin()] : [] }).pipe(
      Layer.provide(SqliteStore.layer({ filename })),
      Layer.provideMerge(Layer.setClock(clock.clock))
    )
  ) as Runtime

/**
 * Builds (once) a file holding `size` history cases and their incident index. The template row comes from a real
 * registration by the Center with the plugin, so columns, snapshot and index values have the shapes the code
 * writes.
 */
const historyFile = async (size: number): Promise<string> => {
  mkdirSync(dataDir, { recursive: true })
  const filename = join(dataDir, `risk-history-${size}.db`)
  if (existsSync(filename)) return filename
  const building = `${filename}.building`
  removeSqlite(building)
  const started = Date.now()
  const rt = open(building, true)
  await rt.runPromise(Effect.flatMap(Center.Center, (c) => send(c, 0, -1_000_000)))
  await rt.dispose()
  const db = new Database(building)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = OFF")
  const template = db.prepare(`SELECT * FROM ${prefix}cases`).get() as Record<string, unknown>
  db.prepare(`DELETE FROM ${prefix}cases`).run()
  db.prepare(`DELETE FROM ${prefix}plugin_state`).run()
  db.prepare(`DELETE FROM ${prefix}events`).run()
  db.prepare(`DELETE FROM ${prefix}commands`).run()
  const columns = Object.keys(template)
  const insertCase = db.prepare(
    `INSERT INTO ${prefix}cases (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`
  )
  const insertState = db.prepare(
    `INSERT INTO ${prefix}plugin_state (centre, namespace, key, version, value, updated_ms) VALUES (?, 'risk', ?, 1, ?, ?)`
  )
  const snapshot = JSON.parse(template.snapshot as string) as Record<string, unknown>
  const persons = size / 2
  const atOf = (j: number) => new Date(HISTORY_FROM + Math.floor((HISTORY_TO - HISTORY_FROM) * j / size)).toISOString()
  const chunk = 20_000
  for (let start = 0; start < size; start += chunk) {
    db.transaction(() => {
      for (let j = start; j < Math.min(size, start + chunk); j++) {
        const id = idOf(1_000_000_000 + j)
        const code = `H-${j}`
        const at = atOf(j)
        const row: Record<string, unknown> = {
          ...template,
          id,
          code,
          registered_at: Date.parse(at),
          updated_at: Date.parse(at),
          snapshot: JSON.stringify({ ...snapshot, id, code, registeredAt: at, updatedAt: at })
        }
        insertCase.run(columns.map((c) => row[c]))
      }
    })()
  }
  // person k's cases are k and k + persons: their incidents under each of the person's keys
  for (let start = 0; start < persons; start += chunk) {
    db.transaction(() => {
      for (let k = start; k < Math.min(persons, start + chunk); k++) {
        const value = JSON.stringify([k, k + persons].map((j) => ({
          caseId: idOf(1_000_000_000 + j),
          at: atOf(j),
          channel: "walkIn"
        })))
        for (const key of RiskPlugin.incidentKeys({ parties: [person(k)] } as never)) {
          insertState.run(template.centre, key, value, NOW)
        }
      }
    })()
  }
  db.pragma("wal_checkpoint(TRUNCATE)")
  db.close()
  for (const suffix of ["-wal", "-shm"]) rmSync(`${building}${suffix}`, { force: true })
  renameSync(building, filename)
  process.stderr.write(
    `risk: built ${filename} (${size.toLocaleString("en")} cases, ${
      (statSync(filename).size / 2 ** 20).toFixed(0)
    } MiB) in ${((Date.now() - started) / 1000).toFixed(0)} s\n`
  )
  return filename
}

export const make = async ({ checks }: MakeContext = { checks: true }): Promise<Benchmark> => {
  const big = await historyFile(HISTORY)
  const small = await historyFile(SMALL)
  const facts: Record<string, unknown> = {
    history: HISTORY,
    small: SMALL,
    perSample: PER_SAMPLE,
    file: big,
    fileMiB: Math.round(statSync(big).size / 2 ** 20)
  }

  // the repeat lookup is the store's readState: an index search, never a scan
  const db = new Database(big, { readonly: true })
  const plan = (db.prepare(
    `EXPLAIN QUERY PLAN SELECT key, value, version FROM ${prefix}plugin_state WHERE centre = ? AND namespace = ? AND key IN (?, ?, ?)`
  ).all("dunhua", "risk", "a", "b", "c") as Array<{ detail: string }>).map((r) => r.detail)
  db.close()
  facts.lookupPlan = plan
  if (plan.some((d) => d.startsWith("SCAN"))) throw new Error(`risk: the incident lookup scans: ${plan.join("; ")}`)

  // registrations continue where the previous sample stopped: always new cases, always people of the history
  let n = 0
  const persons = (size: number) => size / 2
  const batch = (center: Center.Center, size: number) =>
    Effect.forEach(
      Array.from({ length: PER_SAMPLE }, () => n++),
      (i) => send(center, (i * 7919) % persons(size), i),
      { discard: true }
    )

  if (checks) {
    const rt = open(big, true)
    const center = await rt.runPromise(Center.Center)
    // a person whose second case lies inside the 90-day window
    const k = persons(HISTORY) - 1 - (12_345 % (persons(HISTORY) / 20))
    const r = await rt.runPromise(send(center, k, -1))
    const c = await rt.runPromise(center.get({ actor: actors.countyIntake, caseId: r.caseId }))
    await rt.dispose()
    const repeat = c.risk.factors?.find((f) => f.id === "repeatIncidents")
    if (repeat === undefined) throw new Error("risk: a person of the history was graded without the repeat factor")
    facts.check = { level: c.risk.level, score: c.risk.score, repeat: repeat.detail }
  }

  const caseOn = (name: string, filename: string, size: number, withRisk: boolean) => ({
    name,
    note: `${PER_SAMPLE} Register commands per sample through Center.execute on ${filename.split("/").pop()}` +
      (withRisk ? " with riskPlugin() (grading, incident index update, warnings, related re-grades)" : ""),
    setup: async () => {
      const rt = open(filename, withRisk)
      return { rt, center: await rt.runPromise(Center.Center) }
    },
    run: async ({ center, rt }: { rt: Runtime; center: Center.Center }) => {
      await rt.runPromise(batch(center, size))
      return PER_SAMPLE
    },
    teardown: ({ rt }: { rt: Runtime }) => rt.dispose()
  })

  return {
    name: "risk",
    description: `registrations graded per second (repeat-incident lookup) on a SQLite file with a ${
      HISTORY.toLocaleString("en")
    }-case history, against a ${SMALL.toLocaleString("en")}-case history and against no grading`,
    unit: "cases",
    defaults: { samples: 9, warmup: 2 },
    cases: [
      caseOn(GRADED_BIG, big, HISTORY, true),
      caseOn(GRADED_SMALL, small, SMALL, true),
      caseOn(PLAIN_BIG, big, HISTORY, false)
    ],
    ratios: [
      {
        name: `history ${HISTORY.toLocaleString("en")} / ${SMALL.toLocaleString("en")} (a scan would grow with it)`,
        numerator: GRADED_BIG,
        denominator: GRADED_SMALL,
        target: 1.5
      },
      { name: "grading cost: with plugin / without", numerator: GRADED_BIG, denominator: PLAIN_BIG }
    ],
    workload: facts
  }
}
