/**
 * Benchmark "sqlite": commands per second through the `Center` on a SQLite file (`SqliteStore.layer`), one fiber,
 * commands one after another, against a raw better-sqlite3 baseline that writes the same rows to the same schema
 * with the same statements, one transaction per command. Every sample starts from a fresh copy of a template file
 * that the store itself created (migrated, centre registered), so both sides write into identical files.
 *
 * Before timing, the benchmark runs both sides once and checks that they leave identical rows behind (commands,
 * cases, events, sequences), counts the SQL statements per command on each side, and the Effect instructions per
 * command on SQLite and on the in-memory store.
 *
 * Every centre runs on a simulated clock set to each command's `at` before it is sent (`clock.ts`): the 2025
 * fixtures are taken at their own times, and the rows (`recordedAt` included) are the same in every run.
 */
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { Center, MemoryStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { replayer } from "./clock.js"
import { commandCount, mix, workload } from "./fixtures.js"
import type { Benchmark, MakeContext } from "./harness.js"
import {
  capture,
  centerOptions,
  compareDumps,
  countEffectOps,
  countingIds,
  countSqlite,
  dumpSqlite,
  jsonBytes,
  openSqliteCenter,
  prebuildRows,
  RawSqlite,
  removeSqlite,
  type SqliteCenter,
  sqliteFiles
} from "./storage.js"

const CASES = 160

const CENTER = "Center on SQLite (Effect, one fiber)"
const RAW = "raw better-sqlite3 (same statements)"
const PREBUILT = "raw better-sqlite3 (prebuilt rows)"
const MEMORY = "Center on MemoryStore (same inputs)"

export const make = async ({ checks }: MakeContext = { checks: true }): Promise<Benchmark> => {
  const cases = workload(CASES)
  const inputs = cases.flat()
  const commands = commandCount(cases)
  // on a simulated clock set to each command's at first (its times parsed here, untimed)
  const runAll = replayer(inputs)
  const { steps } = await capture(runAll)
  if (steps.length !== commands) throw new Error(`sqlite: captured ${steps.length} appends for ${commands} commands`)
  const prebuilt = prebuildRows(steps)
  const files = await sqliteFiles()
  try {
    const rawRun = (filename: string, rows?: typeof prebuilt) => {
      const raw = new RawSqlite(filename, SqliteStore.dialect)
      try {
        steps.forEach((s, i) => raw.append(s, rows?.[i]))
      } finally {
        raw.close()
      }
    }

    const memoryCenter = () =>
      Effect.runPromise(Effect.provide(Center.make(centerOptions), Layer.merge(MemoryStore.layer, countingIds())))
    const bytes = steps.reduce((n, s) => n + jsonBytes(s.request), 0)
    const facts = checks ? await checksAndCounts() : { checks: "skipped (--no-checks)" }

    async function checksAndCounts() {
      const a = files.fresh()
      const b = files.fresh()
      const once = await openSqliteCenter(a)
      const centerCounts = await countSqlite(commands, async (start) => {
        start()
        await Effect.runPromise(runAll(once.center))
      })
      await once.dispose()
      const rawCounts = await countSqlite(commands, async (start) => {
        start()
        rawRun(b)
      })
      const sameRows = compareDumps(dumpSqlite(a), dumpSqlite(b))
      if (!sameRows.startsWith("identical") && !sameRows.startsWith("same values")) {
        throw new Error(`sqlite: the raw baseline does not write what the store writes: ${sameRows}`)
      }
      removeSqlite(a)
      removeSqlite(b)
      const opsFile = files.fresh()
      const onSqlite = await openSqliteCenter(opsFile)
      const effectOnSqlite = await countEffectOps(runAll(onSqlite.center), commands)
      await onSqlite.dispose()
      removeSqlite(opsFile)
      const effectOnMemory = await countEffectOps(runAll(await memoryCenter()), commands)
      return {
        rowsCheck: sameRows,
        statementsPerCommand: { center: centerCounts, raw: rawCounts },
        effectOpsPerCommand: { sqlite: effectOnSqlite, memory: effectOnMemory }
      }
    }

    return {
      name: "sqlite",
      description: "commands/s through the Center on a SQLite file against raw better-sqlite3 doing the same writes",
      unit: "commands",
      workload: {
        cases: CASES,
        commandsPerSample: commands,
        mix,
        eventsPerCommand: Math.round((steps.reduce((n, s) => n + s.request.events.length, 0) / commands) * 100) / 100,
        jsonBytesPerCommand: Math.round(bytes / commands),
        file: `${files.dir} (fresh copy of a migrated template per sample; WAL, synchronous=NORMAL, busy_timeout=5000)`,
        ...facts
      },
      cases: [
        {
          name: CENTER,
          note: "SqliteStore.layer({ filename }) + Center.layer; Effect.runPromise(Effect.forEach(inputs, execute)), " +
            "the clock set to each command's at before it (one Effect.withClock around the run)",
          setup: () => openSqliteCenter(files.fresh()),
          run: async ({ center }: SqliteCenter) => {
            await Effect.runPromise(runAll(center))
            return commands
          },
          teardown: async ({ dispose, filename }: SqliteCenter) => {
            await dispose()
            removeSqlite(filename)
          }
        },
        {
          name: RAW,
          note: "per command BEGIN IMMEDIATE; SELECT snapshot (+ JSON.parse); [sequence]; INSERT commands; " +
            "INSERT/UPDATE cases (caseRow + JSON.stringify); INSERT events (JSON.stringify); COMMIT",
          setup: () => files.fresh(),
          run: (filename: string) => {
            rawRun(filename)
            return commands
          },
          teardown: (filename: string) => removeSqlite(filename)
        },
        {
          name: PREBUILT,
          note: "the same statements with the row values serialised before timing (no JSON.stringify/parse)",
          setup: () => files.fresh(),
          run: (filename: string) => {
            rawRun(filename, prebuilt)
            return commands
          },
          teardown: (filename: string) => removeSqlite(filename)
        },
        {
          name: MEMORY,
          note: "Center.make on MemoryStore: the same domain work without SQL, for the split",
          setup: memoryCenter,
          run: async (center: Center.Center) => {
            await Effect.runPromise(runAll(center))
            return commands
          }
        }
      ],
      ratios: [
        // ≥ 50 % of the raw throughput = at most 2× the raw time per command
        { name: "Center on SQLite / raw", numerator: CENTER, denominator: RAW, target: 2 },
        { name: "raw prebuilt / raw (share of SQLite itself in raw)", numerator: PREBUILT, denominator: RAW },
        { name: "MemoryStore / SQLite (share of non-SQL work)", numerator: MEMORY, denominator: CENTER }
      ],
      defaults: { samples: 12, warmup: 3 },
      dispose: files.removeAll
    }
  } catch (e) {
    files.removeAll()
    throw e
  }
}
