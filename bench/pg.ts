/**
 * Benchmark "pg": commands per second through the `Center` on PostgreSQL (`PgStore.layer`) against `pg` doing the
 * same writes (a `pg.Pool` of the same size; per command `BEGIN`, the same statements, `COMMIT`), sequentially and
 * with several workers on different cases. The server comes from `FENGQIAO_BENCH_PG_URL`, else
 * `FENGQIAO_TEST_PG_URL`, else `postgres://postgres@127.0.0.1:5432/test`; without a reachable server the benchmark
 * says why and is skipped. Its tables get a prefix unique to the run and are dropped afterwards; every sample
 * starts from emptied tables (TRUNCATE, untimed). Every fiber sending commands has a simulated clock of its own,
 * set to each command's `at` before it is sent (`clock.ts`), so the 2025 fixtures are taken at their own times.
 */
import { type Center } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { replayer } from "./clock.js"
import { commandCount, type Input, mix, workload } from "./fixtures.js"
import type { Benchmark, MakeContext } from "./harness.js"
import { capture, compareDumps, countPg, dumpPg, openPg, pgUrl, probePg, redactUrl, type Step } from "./storage.js"

const CASES = 48
const WORKERS = 8

const CENTER_1 = "Center on PostgreSQL (one fiber)"
const RAW_1 = "raw pg (one command at a time)"
const CENTER_N = `Center on PostgreSQL (${WORKERS} fibers)`
const RAW_N = `raw pg (${WORKERS} workers)`

/** The worker of case `c-<i>`: cases are dealt round-robin, so every worker has the same mix. */
const workerOf = (caseId: string): number => Number(caseId.slice(caseId.lastIndexOf("-") + 1)) % WORKERS

export const make = async ({ checks }: MakeContext = { checks: true }): Promise<Benchmark> => {
  const description = "commands/s through the Center on PostgreSQL against pg doing the same writes"
  const url = pgUrl()
  const probe = await probePg(url)
  if (!probe.ok) return { name: "pg", description, unit: "commands", cases: [], skipped: probe.why }

  const cases = workload(CASES)
  const inputs = cases.flat()
  const commands = commandCount(cases)
  const byWorker: Array<Array<Input>> = Array.from({ length: WORKERS }, () => [])
  cases.forEach((c, i) => byWorker[i % WORKERS]!.push(...c))
  // one after another on one simulated clock; or each worker's cases on a clock of the worker's own (workers run
  // side by side, each at its own point of the fixtures' time)
  const sequential = replayer(inputs)
  const workers = byWorker.map(replayer)
  const { steps } = await capture(sequential)
  const stepsByWorker: Array<Array<Step>> = Array.from({ length: WORKERS }, () => [])
  for (const s of steps) stepsByWorker[workerOf(s.request.caseId)]!.push(s)

  const db = await openPg(url, WORKERS)
  try {
    const raw = db.raw()
    const concurrent = (center: Center.Center) =>
      Effect.forEach(workers, (mine) => mine(center), { concurrency: WORKERS, discard: true })
    const rawSequential = async () => {
      for (const s of steps) await raw.append(s)
    }
    const rawConcurrent = () =>
      Promise.all(stepsByWorker.map(async (mine) => {
        for (const s of mine) await raw.append(s)
      }))

    const facts: Record<string, unknown> = checks ? {} : { checks: "skipped (--no-checks)" }
    if (checks) {
      await db.truncateAdapter()
      await db.truncateRaw()
      const center = await db.center()
      const centerCounts = await countPg(commands, async (start) => {
        start()
        await Effect.runPromise(sequential(center))
      })
      const rawCounts = await countPg(commands, async (start) => {
        start()
        await rawSequential()
      })
      const sameRows = compareDumps(await dumpPg(db.pool, db.adapterPrefix), await dumpPg(db.pool, db.rawPrefix))
      if (!sameRows.startsWith("identical") && !sameRows.startsWith("same values")) {
        throw new Error(`pg: the raw baseline does not write what the store writes: ${sameRows}`)
      }
      facts.rowsCheck = sameRows
      facts.roundTripsPerCommand = { center: centerCounts, raw: rawCounts }
    }
    return {
      name: "pg",
      description,
      unit: "commands",
      workload: {
        server: `${redactUrl(url)} (${Object.entries(probe.facts).map(([k, v]) => `${k}=${v}`).join(", ")})`,
        poolSize: WORKERS,
        tables: `${db.adapterPrefix}* (adapter), ${db.rawPrefix}* (raw); dropped afterwards`,
        cases: CASES,
        commandsPerSample: commands,
        mix,
        ...facts
      },
      cases: [
        {
          name: CENTER_1,
          note: "PgStore.layer({ url, maxConnections: 8 }); Effect.forEach(inputs, execute), one after another",
          setup: async () => {
            await db.truncateAdapter()
            return db.center()
          },
          run: async (center: Center.Center) => {
            await Effect.runPromise(sequential(center))
            return commands
          }
        },
        {
          name: RAW_1,
          note: "pool.connect(); BEGIN; SELECT snapshot (+ JSON.parse); [sequence]; INSERT commands; " +
            "INSERT/UPDATE cases; INSERT events; COMMIT; release, per command",
          setup: () => db.truncateRaw(),
          run: async () => {
            await rawSequential()
            return commands
          }
        },
        {
          name: CENTER_N,
          note: `${WORKERS} fibers, each running the commands of its cases (cases dealt round-robin) in order`,
          setup: async () => {
            await db.truncateAdapter()
            return db.center()
          },
          run: async (center: Center.Center) => {
            await Effect.runPromise(concurrent(center))
            return commands
          }
        },
        {
          name: RAW_N,
          note: `${WORKERS} async loops over the same split, pg.Pool({ max: ${WORKERS} })`,
          setup: () => db.truncateRaw(),
          run: async () => {
            await rawConcurrent()
            return commands
          }
        }
      ],
      ratios: [
        { name: "Center / raw, one at a time", numerator: CENTER_1, denominator: RAW_1, target: 2 },
        { name: `Center / raw, ${WORKERS} concurrent`, numerator: CENTER_N, denominator: RAW_N, target: 2 },
        { name: `Center ${WORKERS} fibers / one fiber`, numerator: CENTER_N, denominator: CENTER_1 },
        { name: `raw ${WORKERS} workers / one`, numerator: RAW_N, denominator: RAW_1 }
      ],
      defaults: { samples: 8, warmup: 1 },
      dispose: db.dispose
    }
  } catch (e) {
    await db.dispose()
    throw e
  }
}
