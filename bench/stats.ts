/**
 * `pnpm bench stats`: the full statistics dashboard (every KPI, with medians per step, plus breakdowns by tier,
 * category and month) over 100 000 and 1 000 000 cases, on a SQLite file and on PostgreSQL, computed by the store
 * (`Stats.dashboard` → `CaseStore.aggregate` → SQL `GROUP BY`), against a naive baseline that loads every case's
 * summary row into JavaScript and reduces it there (with the in-memory store's own fold, so both give the same
 * figures — checked before timing).
 *
 * The fixtures are summary rows (the `cases` table the adapter writes, snapshot JSON included, of realistic size),
 * generated deterministically and written in bulk with multi-row `INSERT`s into tables made by the store itself;
 * they are cached: SQLite files under `bench/.data/`, PostgreSQL tables `fqstats_v2_<n>_*` left in the database.
 * Rows are written in registration order, as a centre fills its table; `FENGQIAO_BENCH_STATS_ORDER=random` writes
 * the same cases in an order unrelated to time (separate fixtures, `…v2r…`), PostgreSQL's worst case.
 * Peak RSS is measured in child processes (one per store, size and side), so one measurement does not inherit
 * another's peak.
 *
 * `FENGQIAO_BENCH_STATS_SIZES=100000,1000000` (default) chooses the sizes; the timed cases run at the largest.
 */
import { PgStore } from "@fengqiao/adapters-pg"
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import {
  CaseStore,
  Center,
  type CenterConfig,
  Examples,
  MemoryStore,
  SimulatedClock,
  type Summary
} from "@fengqiao/core"
import Database from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { getHeapStatistics } from "node:v8"
import pg from "pg"
import { buildShulanConfig } from "../examples/county-center/src/shulan.js"
import { aggregate as foldInMemory } from "../packages/core/src/internal/evaluate.js"
import { Stats } from "../packages/plugins-stats/src/index.js"
import { caseColumns, caseRow, fields } from "../packages/sql/src/internal/columns.js"
import { timeOf } from "./clock.js"
import { caseInputs } from "./fixtures.js"
import type { AnyCase, Benchmark, MakeContext } from "./harness.js"
import { pgUrl, probePg, redactUrl } from "./storage.js"

const here = dirname(fileURLToPath(import.meta.url))
const dataDir = join(here, ".data")
const VERSION = "v2"
/**
 * The physical order of the fixture rows. `registration` (default): rows written in the order the cases were
 * registered, as a centre's store fills its table (a case's row is inserted at registration). `random`
 * (`FENGQIAO_BENCH_STATS_ORDER=random`): rows in an order unrelated to time — the worst case for PostgreSQL,
 * whose index-only scans then look up a different visibility-map page for almost every row.
 */
const ORDER: "registration" | "random" = process.env.FENGQIAO_BENCH_STATS_ORDER === "random" ? "random" : "registration"
const fixtureName = `${VERSION}${ORDER === "random" ? "r" : ""}`
/** The cached SQLite fixture file of `n` cases. */
const sqliteFile = (n: number) => join(dataDir, `stats-${fixtureName}-${n}.db`)
const config = buildShulanConfig()
const centreId = config.id

const sizes = (): ReadonlyArray<number> =>
  (process.env.FENGQIAO_BENCH_STATS_SIZES ?? "100000,1000000").split(",").map((s) => Number(s.trim())).filter((n) =>
    Number.isInteger(n) && n > 0
  ).sort((a, b) => a - b)

// ---- the dashboard -----------------------------------------------------------------------------------------------

const admin = { id: "bench-admin", roles: ["admin"], jurisdiction: config.jurisdictions[0]!.code }

/** The dashboard the issue asks for: every KPI (with medians) for 2025, 同比/环比, by tier, category and month. */
const query: Stats.DashboardQuery = {
  period: { unit: "year", key: "2025" },
  breakdowns: ["tier", "category"],
  trend: "month",
  medians: true,
  asOf: "2026-01-01T00:00:00.000Z"
}

const dashboardWith = (source: Stats.Source) =>
  Stats.compute(source, { _tag: "And", conditions: [] }, query, admin.jurisdiction, kpiOptions, query.asOf!)

const kpiOptions = Stats.decodeOptions({}).pipe((e) => {
  if (e._tag === "Left") throw new Error(e.left.message)
  return e.right
})

// ---- deterministic summaries -------------------------------------------------------------------------------------

const mulberry = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
const START = Date.parse("2024-01-01T00:00:00+08:00")
const SPAN = Date.parse("2026-01-01T00:00:00+08:00") - START

interface World {
  readonly resolved: CenterConfig.Resolved
  readonly villages: ReadonlyArray<{ code: string; path: string; township: string; townshipPath: string }>
  readonly categories: ReadonlyArray<string>
  readonly channels: ReadonlyArray<string>
  readonly units: ReadonlyArray<string>
  readonly template: { readonly json: string; readonly id: string; readonly code: string }
}

const pick = <A>(xs: ReadonlyArray<A>, r: number): A => xs[Math.floor(r * xs.length) % xs.length]!

/** The registration time of a case: the first draw of its generator. */
const registeredOf = (r: () => number): number => START + Math.floor(r() * SPAN)

/** The generator of case `i`'s draws. */
const drawsOf = (i: number) => mulberry(i * 7919 + 17)

/**
 * The order in which the fixture writes cases `0 … n-1` (see `ORDER`): by registration time (ties by index), or
 * by index, whose registration times are uncorrelated with it. The same cases either way, so the same figures.
 */
const writeOrder = (n: number): Uint32Array => {
  const order = Uint32Array.from({ length: n }, (_, i) => i)
  if (ORDER === "random") return order
  const at = Float64Array.from({ length: n }, (_, i) => registeredOf(drawsOf(i)))
  return order.sort((a, b) => at[a]! - at[b]! || a - b)
}

/** The summary of case `i` (and its snapshot JSON): deterministic, with the proportions of a busy county. */
const summaryOf = (w: World, i: number): { readonly summary: Summary.CaseSummary; readonly json: string } => {
  const r = drawsOf(i)
  const registered = registeredOf(r)
  const v = pick(w.villages, r())
  const tierRoll = r()
  const handling = tierRoll < 0.8
    ? { code: v.code, path: v.path, tier: 2 }
    : tierRoll < 0.95
    ? { code: v.township, path: v.townshipPath, tier: 1 }
    : { code: centreId, path: `/${centreId}/`, tier: 0 }
  const s = r()
  // 2 % only registered, 1 % rejected, 6 % open after acceptance, the rest closed (85 % of them resolved)
  const stage = s < 0.02 ? "registered" : s < 0.03 ? "rejected" : s < 0.09 ? "open" : "closed"
  const t = (after: number, minH: number, maxH: number) => after + Math.floor((minH + r() * (maxH - minH)) * HOUR)
  const acceptedAt = stage === "registered" || stage === "rejected" ? null : t(registered, 0.2, 30)
  const assessedAt = acceptedAt === null ? null : t(acceptedAt, 0.5, 48)
  const dispatchedAt = assessedAt === null ? null : t(assessedAt, 0.2, 24)
  const startedAt = dispatchedAt === null ? null : t(dispatchedAt, 1, 72)
  const closed = stage === "closed"
  const closedAt = closed && startedAt !== null ? t(startedAt, 2, 24 * 25) : null
  const rated = closed && r() < 0.8
  const feedbackAt = rated && closedAt !== null ? t(closedAt, 2, 24 * 5) : null
  const archivedAt = feedbackAt !== null && r() < 0.9 ? t(feedbackAt, 2, 24 * 10) : null
  const handlingDueAt = assessedAt === null ? null : assessedAt + 9 * DAY
  const resolved = closed && r() < 0.85
  const ratingRoll = r()
  const riskRoll = r()
  const risk = riskRoll < 0.85
    ? ["none", 0]
    : riskRoll < 0.93
    ? ["blue", 1]
    : riskRoll < 0.98
    ? ["yellow", 2]
    : ["red", 3]
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  const id = `00000000-0000-7000-9000-${i.toString(16).padStart(12, "0")}`
  const year = new Date(registered + 8 * HOUR).getUTCFullYear()
  const code = `${centreId}-${year}-${String(i).padStart(7, "0")}`
  const followUps = archivedAt !== null && r() < 0.5 ? 1 : 0
  const summary: Summary.CaseSummary = {
    centre: centreId,
    id,
    code,
    version: 3 + (acceptedAt === null ? 0 : 4) + (closed ? 2 : 0) + (rated ? 1 : 0) + (archivedAt === null ? 0 : 1),
    status: stage === "registered"
      ? "registered"
      : stage === "rejected"
      ? "rejected"
      : stage === "open"
      ? "handling"
      : archivedAt !== null
      ? "archived"
      : feedbackAt !== null
      ? "feedbackGiven"
      : "closed",
    open: stage === "registered" || stage === "open",
    enteredLate: false,
    kind: r() < 0.7 ? "dispute" : "request",
    channel: pick(w.channels, r()),
    category: assessedAt === null ? null : pick(w.categories, r()),
    complexity: assessedAt === null ? null : pick(["simple", "general", "complex"], r()),
    riskLevel: risk[0] as string,
    riskRank: risk[1] as number,
    leadUnit: dispatchedAt === null ? null : pick(w.units, r()),
    mediationType: dispatchedAt === null ? null : "people",
    placeCode: v.code,
    placePath: v.path,
    handlingCode: handling.code,
    handlingPath: handling.path,
    handlingTier: handling.tier,
    intakeCode: v.code,
    firstReceiver: "staff-1",
    outcome: closed ? (resolved ? "resolved" : "notResolved") : null,
    disposition: closed && !resolved ? "litigation" : null,
    rating: rated ? (ratingRoll < 0.8 ? "satisfied" : ratingRoll < 0.95 ? "basicallySatisfied" : "dissatisfied") : null,
    headcount: 1 + Math.floor(r() * r() * 6),
    amountAtStake: r() < 0.3 ? Math.floor(r() * 50000) : null,
    reopenCount: closed && r() < 0.02 ? 1 : 0,
    escalationCount: handling.tier < 2 ? 1 : 0,
    dispatchCount: dispatchedAt === null ? 0 : 1,
    sendBackCount: 0,
    followUpCount: followUps,
    supervisionCount: 0,
    pendingSupervisionCount: 0,
    mergedInto: null,
    registeredAt: iso(registered)!,
    acceptedAt: iso(acceptedAt),
    assessedAt: iso(assessedAt),
    dispatchedAt: iso(dispatchedAt),
    handlingStartedAt: iso(startedAt),
    closedAt: iso(closedAt),
    feedbackAt: iso(feedbackAt),
    archivedAt: iso(archivedAt),
    updatedAt: iso(archivedAt ?? feedbackAt ?? closedAt ?? startedAt ?? acceptedAt ?? registered)!,
    dueAt: stage === "open" ? iso(handlingDueAt) : null,
    handlingDueAt: iso(handlingDueAt),
    acceptanceDueAt: null
  }
  // a real snapshot's JSON (a case taken through the whole loop), with this case's id and code
  const json = w.template.json.replaceAll(w.template.id, id).replaceAll(w.template.code, code)
  return { summary, json }
}

const makeWorld = async (): Promise<World> => {
  const runtime = ManagedRuntime.make(Center.layer({ config }).pipe(Layer.provide(MemoryStore.layer)))
  const center = await runtime.runPromise(Center.Center)
  const resolved = center.config
  await runtime.dispose()
  // a template snapshot: case 0 of the storage benchmarks' workload, through the whole loop on their county
  const templateCenter = await Effect.runPromise(
    Center.make({ config: Examples.countyConfig }).pipe(Effect.provide(MemoryStore.layer))
  )
  let last: { case: { id: string; code: string } } | undefined
  // its commands (2025) sent at their own times: the centre's clock set to each one's at first
  const clock = SimulatedClock.make(0)
  for (const input of caseInputs(0, "template")) {
    clock.set(timeOf(input))
    last = (await Effect.runPromise(Effect.withClock(templateCenter.execute(input), clock.clock))) as never
  }
  const snapshot = last!.case
  const villages = resolved.tree.nodes.filter((n) => n.level === "village").map((n) => {
    const township = resolved.tree.get(n.lineage[1]!)!
    return { code: n.code, path: n.path, township: township.code, townshipPath: township.path }
  })
  return {
    resolved,
    villages,
    categories: [...resolved.categories.keys()],
    channels: [...resolved.channels.keys()],
    units: [...resolved.departments.keys()],
    template: { json: JSON.stringify(snapshot), id: snapshot.id, code: snapshot.code }
  }
}

// ---- fixtures ----------------------------------------------------------------------------------------------------

const ROWS_PER_INSERT = 500

const insertSql = (table: string, rows: number, numbered: boolean): string => {
  const cols = ["centre", ...caseColumns]
  let p = 0
  const tuple = () => `(${cols.map(() => (numbered ? `$${++p}` : "?")).join(", ")})`
  return `INSERT INTO ${table} (${cols.join(", ")}) VALUES ${Array.from({ length: rows }, tuple).join(", ")}`
}

const rowValues = (w: World, i: number): Array<unknown> => {
  const { json, summary } = summaryOf(w, i)
  return [centreId, ...caseRow(summary, json)]
}

const progress = (label: string, done: number, total: number, started: number) => {
  if (done % 100_000 === 0 || done === total) {
    process.stdout.write(`\r  ${label}: ${done} / ${total} rows (${((Date.now() - started) / 1000).toFixed(0)} s)`)
    if (done === total) process.stdout.write("\n")
  }
}

/** The SQLite fixture file of `n` cases (made by the store, filled with raw inserts), built once and cached. */
const sqliteFixture = async (w: World, n: number): Promise<string> => {
  mkdirSync(dataDir, { recursive: true })
  const file = sqliteFile(n)
  if (existsSync(file)) return file
  const building = `${file}.building`
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true })
  const runtime = ManagedRuntime.make(
    Center.layer({ config }).pipe(Layer.provide(SqliteStore.layer({ filename: building })))
  )
  await runtime.runPromise(Center.Center) // migrations and the centre's jurisdiction tree, by the store itself
  await runtime.dispose()
  const db = new Database(building)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = OFF")
  const full = db.prepare(insertSql("fq_cases", ROWS_PER_INSERT, false))
  const order = writeOrder(n)
  const started = Date.now()
  for (let i = 0; i < n; i += ROWS_PER_INSERT) {
    const count = Math.min(ROWS_PER_INSERT, n - i)
    const stmt = count === ROWS_PER_INSERT ? full : db.prepare(insertSql("fq_cases", count, false))
    const values: Array<unknown> = []
    for (let j = 0; j < count; j++) values.push(...rowValues(w, order[i + j]!))
    if (i % 20_000 === 0) db.exec("BEGIN")
    stmt.run(values)
    if ((i + count) % 20_000 === 0 || i + count === n) db.exec("COMMIT")
    progress(`SQLite ${n}`, i + count, n, started)
  }
  db.pragma("wal_checkpoint(TRUNCATE)")
  db.close()
  renameSync(building, file)
  for (const f of [`${building}-wal`, `${building}-shm`]) rmSync(f, { force: true })
  return file
}

const pgPrefix = (n: number) => `fqstats_${fixtureName}_${n}_`

/** The PostgreSQL fixture of `n` cases: tables made by the store, filled with raw inserts, analysed; kept. */
const pgFixture = async (w: World, url: string, n: number): Promise<string> => {
  const prefix = pgPrefix(n)
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  try {
    const exists = await pool.query(`SELECT to_regclass($1) AS t`, [`${prefix}cases`])
    if (exists.rows[0].t !== null) {
      const done = await pool.query(`SELECT to_regclass($1) AS t`, [`${prefix}complete`])
      if (done.rows[0].t !== null) return prefix
      for (
        const t of [
          "cases",
          "events",
          "commands",
          "sequences",
          "outbox",
          "jurisdictions",
          "plugin_state",
          "plugin_migrations",
          "migrations"
        ]
      ) {
        await pool.query(`DROP TABLE IF EXISTS ${prefix}${t} CASCADE`)
      }
    }
    const runtime = ManagedRuntime.make(
      Center.layer({ config }).pipe(Layer.provide(PgStore.layer({ url, tablePrefix: prefix, maxConnections: 2 })))
    )
    await runtime.runPromise(Center.Center)
    await runtime.dispose()
    const client = await pool.connect()
    try {
      const started = Date.now()
      const full = insertSql(`${prefix}cases`, ROWS_PER_INSERT, true)
      const order = writeOrder(n)
      for (let i = 0; i < n; i += ROWS_PER_INSERT) {
        const count = Math.min(ROWS_PER_INSERT, n - i)
        const values: Array<unknown> = []
        for (let j = 0; j < count; j++) values.push(...rowValues(w, order[i + j]!))
        await client.query(count === ROWS_PER_INSERT ? full : insertSql(`${prefix}cases`, count, true), values)
        progress(`PostgreSQL ${n}`, i + count, n, started)
      }
      await client.query(`VACUUM ANALYZE ${prefix}cases`)
      await client.query(`CREATE TABLE ${prefix}complete (n bigint)`)
    } finally {
      client.release()
    }
    return prefix
  } finally {
    await pool.end()
  }
}

// ---- the naive baseline ------------------------------------------------------------------------------------------

const summaryColumns = ["centre", ...fields.map(([, c]) => c)]

const toSummary = (row: Record<string, unknown>): Summary.CaseSummary => {
  const out: Record<string, unknown> = { centre: row.centre }
  for (const [f, c, kind] of fields) {
    const v = row[c]
    out[f] = v === null || v === undefined
      ? null
      : kind === "ms"
      ? new Date(Number(v)).toISOString()
      : kind === "bool"
      ? Number(v) === 1 || v === true
      : kind === "fen"
      ? Number(v) / 100
      : kind === "int"
      ? Number(v)
      : v
  }
  return out as unknown as Summary.CaseSummary
}

/** Loads every summary row into JavaScript, then reduces with the in-memory store's fold. */
const naiveSource = (resolved: CenterConfig.Resolved, rows: ReadonlyArray<Summary.CaseSummary>): Stats.Source => ({
  centre: resolved,
  aggregate: (request) => Effect.sync(() => foldInMemory(rows, request))
})

const naiveSqlite = (db: Database.Database, resolved: CenterConfig.Resolved) => {
  const rows: Array<Summary.CaseSummary> = []
  for (const r of db.prepare(`SELECT ${summaryColumns.join(", ")} FROM fq_cases WHERE centre = ?`).iterate(centreId)) {
    rows.push(toSummary(r as Record<string, unknown>))
  }
  return Effect.runPromise(dashboardWith(naiveSource(resolved, rows)))
}

const naivePg = async (pool: pg.Pool, prefix: string, resolved: CenterConfig.Resolved) => {
  const result = await pool.query({
    text: `SELECT ${summaryColumns.join(", ")} FROM ${prefix}cases WHERE centre = $1`,
    values: [centreId]
  })
  const rows = result.rows.map(toSummary)
  return Effect.runPromise(dashboardWith(naiveSource(resolved, rows)))
}

// ---- the store's dashboard ---------------------------------------------------------------------------------------

const openSqliteStore = (filename: string) => {
  const runtime = ManagedRuntime.make(SqliteStore.layer({ filename }))
  return {
    dashboard: (resolved: CenterConfig.Resolved) =>
      runtime.runPromise(
        Effect.flatMap(CaseStore.CaseStore, (store) => dashboardWith(Stats.fromStore(store, resolved)))
      ),
    dispose: () => runtime.dispose()
  }
}

const openPgStore = (url: string, prefix: string) => {
  const runtime = ManagedRuntime.make(PgStore.layer({ url, tablePrefix: prefix, maxConnections: 2 }))
  return {
    dashboard: (resolved: CenterConfig.Resolved) =>
      runtime.runPromise(
        Effect.flatMap(CaseStore.CaseStore, (store) => dashboardWith(Stats.fromStore(store, resolved)))
      ),
    dispose: () => runtime.dispose()
  }
}

// ---- peak memory, in child processes -----------------------------------------------------------------------------

type Side = "store" | "naive"
type Engine = "sqlite" | "pg"

/**
 * In a child process: runs one dashboard (store or naive) `runs` times and prints its peak RSS, timings and their
 * median as JSON. Also by hand, on existing fixtures: `tsx bench/stats.ts --child pg|sqlite store|naive <n> [runs]`.
 */
const child = async (engine: Engine, side: Side, n: number, runs: number) => {
  const w = await makeWorld()
  const before = process.resourceUsage().maxRSS
  const times: Array<number> = []
  let last: unknown
  const repeat = async (dashboard: () => Promise<unknown>) => {
    for (let i = 0; i < runs; i++) {
      const t = performance.now()
      last = await dashboard()
      times.push(performance.now() - t)
    }
  }
  if (engine === "sqlite") {
    const file = sqliteFile(n)
    if (side === "store") {
      const s = openSqliteStore(file)
      await repeat(() => s.dashboard(w.resolved))
      await s.dispose()
    } else {
      const db = new Database(file, { readonly: true })
      await repeat(() => naiveSqlite(db, w.resolved))
      db.close()
    }
  } else {
    const url = pgUrl()
    if (side === "store") {
      const s = openPgStore(url, pgPrefix(n))
      await repeat(() => s.dashboard(w.resolved))
      await s.dispose()
    } else {
      const pool = new pg.Pool({ connectionString: url, max: 2 })
      await repeat(() => naivePg(pool, pgPrefix(n), w.resolved))
      await pool.end()
    }
  }
  const sorted = [...times].sort((a, b) => a - b)
  process.stdout.write(
    `${
      JSON.stringify({
        engine,
        side,
        n,
        baselineRssMiB: before / 1024,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        times,
        medianMs: sorted[Math.floor(sorted.length / 2)],
        digest: createHash("sha256").update(JSON.stringify(last)).digest("hex")
      })
    }\n`
  )
}

const peakRss = (engine: Engine, side: Side, n: number) => {
  const out = execFileSync(process.execPath, [
    // the naive side holds every row in memory: give it room, so that its peak is measured rather than a crash
    "--max-old-space-size=16384",
    "--import",
    "tsx",
    fileURLToPath(import.meta.url),
    "--child",
    engine,
    side,
    String(n)
  ], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"]
  })
  const line = out.trim().split("\n").at(-1)!
  return JSON.parse(line) as { peakRssMiB: number; baselineRssMiB: number; times: Array<number>; digest: string }
}

// ---- the benchmark -----------------------------------------------------------------------------------------------

const fmtMiB = (x: number) => Math.round(x)

export const make = async ({ checks }: MakeContext = { checks: true }): Promise<Benchmark> => {
  const all = sizes()
  const largest = all.at(-1)!
  console.log(`stats: fixtures ${all.join(", ")} cases (cached under ${dataDir} and in PostgreSQL)`)
  const w = await makeWorld()
  const files = new Map<number, string>()
  for (const n of all) files.set(n, await sqliteFixture(w, n))
  const url = pgUrl()
  const probe = await probePg(url)
  if (probe.ok) { for (const n of all) await pgFixture(w, url, n) }

  const facts: Record<string, unknown> = {
    sizes: all,
    timedAt: largest,
    fixtureOrder: ORDER,
    query,
    snapshotBytes: w.template.json.length,
    sqliteFileMiB: Object.fromEntries([...files].map(([n, f]) => [n, fmtMiB(statSync(f).size / 1048576)])),
    pg: probe.ok
      ? `${redactUrl(url)} (${Object.entries(probe.facts).map(([k, v]) => `${k}=${v}`).join(", ")})`
      : probe.why
  }

  const sqlite = openSqliteStore(files.get(largest)!)
  const sqliteDb = new Database(files.get(largest)!, { readonly: true })
  const pgStore = probe.ok ? openPgStore(url, pgPrefix(largest)) : undefined
  const pgPool = probe.ok ? new pg.Pool({ connectionString: url, max: 2 }) : undefined
  if (pgPool !== undefined) {
    // a dashboard scans the year's part of this index several times: compare it with shared_buffers (above)
    const index = await pgPool.query(`SELECT pg_relation_size($1) AS bytes`, [`${pgPrefix(largest)}cases_stats`])
    facts.pgStatsIndexMiB = fmtMiB(Number(index.rows[0].bytes) / 1048576)
  }

  if (checks) {
    const sample = await sqlite.dashboard(w.resolved)
    facts.sample = {
      accepted: sample.totals.counts.accepted,
      closure: sample.totals.rates.closure.percent,
      resolution: sample.totals.rates.resolution.percent,
      satisfaction: sample.totals.rates.satisfaction.percent,
      threeRates: sample.totals.threeRates.score,
      yoyAccepted: sample.yearOnYear?.counts.accepted,
      medianIntakeToCloseHours: (sample.totals.durations.intakeToClose.medianMs ?? 0) / 3_600_000
    }
    // peak RSS of each side in its own process, at every size
    const rss: Record<string, unknown> = {}
    const digests = new Map<number, Set<string>>()
    const ms = new Map<string, number>()
    for (const engine of probe.ok ? (["sqlite", "pg"] as const) : (["sqlite"] as const)) {
      for (const side of ["store", "naive"] as const) {
        for (const n of all) {
          const r = peakRss(engine, side, n)
          digests.set(n, (digests.get(n) ?? new Set()).add(r.digest))
          ms.set(`${engine} ${side} ${n}`, r.times[0]!)
          rss[`${engine} ${side} ${n}`] = {
            peakMiB: fmtMiB(r.peakRssMiB),
            beforeMiB: fmtMiB(r.baselineRssMiB),
            ms: r.times.map((t) => Math.round(t))
          }
          console.log(
            `  peak RSS ${engine} ${side} ${n}: ${fmtMiB(r.peakRssMiB)} MiB (before ${fmtMiB(r.baselineRssMiB)} MiB), ${
              r.times.map((t) => Math.round(t)).join(" ")
            } ms`
          )
        }
      }
    }
    // every side and store gave the same dashboard, to the last figure (compared by digest of its JSON)
    for (const [n, set] of digests) {
      if (set.size !== 1) throw new Error(`stats: the dashboards over ${n} cases differ between stores or sides`)
    }
    facts.sameFigures = "identical on every store and side"
    facts.childRatios = Object.fromEntries(
      [...ms.keys()].filter((k) => k.includes(" store ")).map((k) => [
        k.replace(" store ", " naive/store "),
        Math.round((ms.get(k.replace(" store ", " naive "))! / ms.get(k)!) * 100) / 100
      ])
    )
    facts.peakRss = rss
  }

  const label = largest.toLocaleString("en").replace(/,/g, " ")
  // the naive side needs every row in this process (several KiB each): time it here only when the heap allows
  const naiveFits = getHeapStatistics().heap_size_limit > largest * 8192
  if (!naiveFits) {
    facts.naiveTimed = `not in this process (heap limit ${
      fmtMiB(getHeapStatistics().heap_size_limit / 1048576)
    } MiB); see childRatios, or run with NODE_OPTIONS=--max-old-space-size=16384`
  }
  const cases: Array<AnyCase> = [
    {
      name: `dashboard on SQLite (${label})`,
      note: "Stats.compute over SqliteStore (reader threads: one per core), passes in slices, side by side",
      run: async () => {
        await sqlite.dashboard(w.resolved)
        return 1
      }
    }
  ]
  const ratios: Array<{ name: string; numerator: string; denominator: string }> = []
  if (naiveFits) {
    cases.push({
      name: `naive on SQLite (${label})`,
      note: "SELECT every summary row, build objects, reduce in JavaScript (the in-memory store's fold)",
      run: async () => {
        await naiveSqlite(sqliteDb, w.resolved)
        return 1
      }
    })
    ratios.push({
      name: "naive / store on SQLite (target ≥ 10)",
      numerator: `naive on SQLite (${label})`,
      denominator: `dashboard on SQLite (${label})`
    })
  }
  if (pgStore !== undefined && pgPool !== undefined) {
    cases.push({
      name: `dashboard on PostgreSQL (${label})`,
      note: "Stats.compute over PgStore",
      run: async () => {
        await pgStore.dashboard(w.resolved)
        return 1
      }
    })
    if (naiveFits) {
      cases.push({
        name: `naive on PostgreSQL (${label})`,
        note: "SELECT every summary row through pg, reduce in JavaScript",
        run: async () => {
          await naivePg(pgPool, pgPrefix(largest), w.resolved)
          return 1
        }
      })
      ratios.push({
        name: "naive / store on PostgreSQL (target ≥ 10)",
        numerator: `naive on PostgreSQL (${label})`,
        denominator: `dashboard on PostgreSQL (${label})`
      })
    }
  }
  return {
    name: "stats",
    description:
      `The KPI dashboard (all KPIs with medians, 同比/环比, by tier, category and month) over ${label} cases: ` +
      "computed by the store against loading rows into JavaScript. Targets: ≤ 2 s on SQLite, ≤ 1 s on PostgreSQL, ≥ 10×.",
    unit: "dashboards",
    cases,
    ratios,
    targets: [
      { case: `dashboard on SQLite (${label})`, atLeast: 0.5, unit: "dashboards/s (≤ 2 s)" },
      ...(pgStore !== undefined
        ? [{ case: `dashboard on PostgreSQL (${label})`, atLeast: 1, unit: "dashboards/s (≤ 1 s)" }]
        : [])
    ],
    workload: facts,
    defaults: { samples: 3, warmup: 1 },
    dispose: async () => {
      await sqlite.dispose()
      sqliteDb.close()
      await pgStore?.dispose()
      await pgPool?.end()
    }
  }
}

const argv = process.argv
if (argv[2] === "--child") {
  child(argv[3] as Engine, argv[4] as Side, Number(argv[5]), Number(argv[6] ?? 1)).catch((e: unknown) => {
    console.error(e)
    process.exitCode = 1
  })
}
if (argv[2] === "--fixtures") {
  // builds (or finds) the fixtures only: `tsx bench/stats.ts --fixtures sqlite|pg`
  ;(async () => {
    const w = await makeWorld()
    for (const n of sizes()) {
      if (argv[3] !== "pg") console.log(await sqliteFixture(w, n))
      if (argv[3] !== "sqlite") console.log(await pgFixture(w, pgUrl(), n))
    }
  })().catch((e: unknown) => {
    console.error(e)
    process.exitCode = 1
  })
}
