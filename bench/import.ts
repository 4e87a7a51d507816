/**
 * Benchmark "import": cases per second through `center.importCases({ cases, batchSize })`, the bulk import path
 * (validate, authorise, decide and evolve every case in memory, then multi-row INSERTs in one transaction per
 * batch), into a SQLite file and, when a server is reachable, into PostgreSQL; against raw baselines that write the
 * same rows with the same multi-row INSERTs (better-sqlite3, `pg`). Cases are the workload's Register … Archive
 * loops (11 to 16 commands each) with historical `at` times in 2025.
 *
 * Every sample imports into a fresh copy of a migrated template file (SQLite) or into emptied tables (PostgreSQL,
 * TRUNCATE untimed). Before timing, both sides run once and the rows they leave behind are compared, and the SQL
 * statements per case are counted.
 *
 * The centres run on a simulated clock standing at a fixed time after the history (`importedAt`), so every import
 * records the same `recordedAt` and the rows are the same in every run.
 */
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { AuditTrail, Center, MemoryStore, SimulatedClock } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { commandCount, importedAt, mix, workload } from "./fixtures.js"
import type { AnyCase, Benchmark, MakeContext, RatioSpec } from "./harness.js"
import {
  capture,
  centerOptions,
  compareDumps,
  countingIds,
  countPg,
  countSqlite,
  dumpPg,
  dumpSqlite,
  jsonBytes,
  openPg,
  openSqliteCenter,
  pgUrl,
  probePg,
  RawSqlite,
  redactUrl,
  removeSqlite,
  rowsOf,
  type SqliteCenter,
  sqliteFiles
} from "./storage.js"

const CASES = 1000
const BATCH = 500

const CENTER_SQLITE = "importCases → SQLite file"
const RAW_SQLITE = "raw better-sqlite3 multi-row (same rows)"
const FLOOR_SQLITE = "floor: events rows alone, pre-serialised"
const MEMORY = "importCases → MemoryStore"
const CENTER_PG = "importCases → PostgreSQL"
const RAW_PG = "raw pg multi-row (same rows)"

export const make = async ({ checks }: MakeContext = { checks: true }): Promise<Benchmark> => {
  const cases = workload(CASES).map((commands) => ({ commands }))
  const commands = commandCount(cases.map((c) => c.commands))
  const input = { cases, batchSize: BATCH }
  // the history is imported on a day after it: the centre's clock stands still there (one read per import)
  const clock = SimulatedClock.make(importedAt)
  const importAll = (center: Center.Center) => Effect.withClock(Effect.asVoid(center.importCases(input)), clock.clock)
  const { batches } = await capture(importAll)
  const requests = batches.flatMap((b) => b.requests)
  if (requests.length !== CASES) throw new Error(`import: captured ${requests.length} cases for ${CASES}`)
  const events = requests.reduce((n, r) => n + r.events.length, 0)
  const bytes = requests.reduce((n, r) => n + jsonBytes(r), 0)
  const files = await sqliteFiles()
  try {
    const rawSqliteRun = (filename: string) => {
      const raw = new RawSqlite(filename, SqliteStore.dialect)
      try {
        for (const b of batches) raw.importBatch(b)
      } finally {
        raw.close()
      }
    }
    // the floor: what writing only the events rows costs (their values serialised and hashed untimed); no import
    // into SQLite that keeps one row per event can be faster
    const eventRows = batches.map((b) => b.requests.flatMap((r) => rowsOf(r, AuditTrail.genesis).events))
    const memoryCenter = () =>
      Effect.runPromise(Effect.provide(Center.make(centerOptions), Layer.merge(MemoryStore.layer, countingIds())))

    const facts: Record<string, unknown> = checks ? {} : { checks: "skipped (--no-checks)" }
    if (checks) {
      const a = files.fresh()
      const b = files.fresh()
      const once = await openSqliteCenter(a)
      const centerCounts = await countSqlite(batches.length, async (start) => {
        start()
        await Effect.runPromise(importAll(once.center))
      })
      await once.dispose()
      const rawCounts = await countSqlite(batches.length, async (start) => {
        start()
        rawSqliteRun(b)
      })
      const sameRows = compareDumps(dumpSqlite(a), dumpSqlite(b))
      if (!sameRows.startsWith("identical") && !sameRows.startsWith("same values")) {
        throw new Error(`import: the raw baseline does not write what the store writes: ${sameRows}`)
      }
      removeSqlite(a)
      removeSqlite(b)
      facts.sqliteRowsCheck = sameRows
      facts.sqliteStatementsPerBatch = { center: centerCounts, raw: rawCounts }
    }

    const cases_: Array<AnyCase> = [
      {
        name: CENTER_SQLITE,
        note: `SqliteStore.layer({ filename }); importCases({ cases, batchSize: ${BATCH} })`,
        setup: () => openSqliteCenter(files.fresh()),
        run: async ({ center }: SqliteCenter) => {
          await Effect.runPromise(importAll(center))
          return CASES
        },
        teardown: async ({ dispose, filename }: SqliteCenter) => {
          await dispose()
          removeSqlite(filename)
        }
      },
      {
        name: RAW_SQLITE,
        note: "per batch BEGIN IMMEDIATE; sequence; multi-row INSERTs of commands, cases, events (at most 1000, " +
          "200, 1000 rows per statement, as appendBatch; caseRow + JSON.stringify in the loop); COMMIT",
        setup: () => files.fresh(),
        run: (filename: string) => {
          rawSqliteRun(filename)
          return CASES
        },
        teardown: (filename: string) => removeSqlite(filename)
      },
      {
        name: FLOOR_SQLITE,
        note: "per batch BEGIN IMMEDIATE; the events rows only, values serialised and hashed beforehand, in the " +
          "store's multi-row INSERTs; COMMIT. No sequences, commands or cases rows: no import can be faster",
        setup: () => files.fresh(),
        run: (filename: string) => {
          const raw = new RawSqlite(filename, SqliteStore.dialect)
          try {
            for (const rows of eventRows) raw.insertEventRows(rows)
          } finally {
            raw.close()
          }
          return CASES
        },
        teardown: (filename: string) => removeSqlite(filename)
      },
      {
        name: MEMORY,
        note: "the in-memory part alone: decode, policy, decide, evolve, summary, and the MemoryStore",
        setup: memoryCenter,
        run: async (center: Center.Center) => {
          await Effect.runPromise(importAll(center))
          return CASES
        }
      }
    ]
    const ratios: Array<RatioSpec> = [
      { name: "importCases / raw on SQLite", numerator: CENTER_SQLITE, denominator: RAW_SQLITE },
      { name: "raw / floor on SQLite (share of the events rows)", numerator: RAW_SQLITE, denominator: FLOOR_SQLITE },
      { name: "MemoryStore / SQLite (share of the in-memory part)", numerator: MEMORY, denominator: CENTER_SQLITE }
    ]

    const url = pgUrl()
    const probe = await probePg(url)
    let pgNote: string
    let disposePg = async () => {}
    if (probe.ok) {
      const db = await openPg(url, 4)
      disposePg = db.dispose
      pgNote = `${redactUrl(url)} (${Object.entries(probe.facts).map(([k, v]) => `${k}=${v}`).join(", ")})`
      const raw = db.raw()
      const rawPgRun = async () => {
        for (const b of batches) await raw.importBatch(b)
      }
      if (checks) {
        try {
          await db.truncateAdapter()
          await db.truncateRaw()
          const center = await db.center()
          const centerCounts = await countPg(batches.length, async (start) => {
            start()
            await Effect.runPromise(importAll(center))
          })
          const rawCounts = await countPg(batches.length, async (start) => {
            start()
            await rawPgRun()
          })
          const sameRows = compareDumps(await dumpPg(db.pool, db.adapterPrefix), await dumpPg(db.pool, db.rawPrefix))
          if (!sameRows.startsWith("identical") && !sameRows.startsWith("same values")) {
            throw new Error(`import: the raw pg baseline does not write what the store writes: ${sameRows}`)
          }
          facts.pgRowsCheck = sameRows
          facts.pgRoundTripsPerBatch = { center: centerCounts, raw: rawCounts }
        } catch (e) {
          await db.dispose()
          files.removeAll()
          throw e
        }
      }
      cases_.push(
        {
          name: CENTER_PG,
          note: `PgStore.layer({ url }); importCases({ cases, batchSize: ${BATCH} }) into emptied tables`,
          setup: async () => {
            await db.truncateAdapter()
            return db.center()
          },
          run: async (center: Center.Center) => {
            await Effect.runPromise(importAll(center))
            return CASES
          }
        },
        {
          name: RAW_PG,
          note: "the same multi-row INSERTs through pg, one transaction per batch",
          setup: () => db.truncateRaw(),
          run: async () => {
            await rawPgRun()
            return CASES
          }
        }
      )
      ratios.push({ name: "importCases / raw on PostgreSQL", numerator: CENTER_PG, denominator: RAW_PG })
    } else {
      pgNote = `skipped: ${probe.why}`
    }

    return {
      name: "import",
      description: "cases/s through Center.importCases (bulk import) against raw multi-row inserts of the same rows",
      unit: "cases",
      workload: {
        cases: CASES,
        batchSize: BATCH,
        mix,
        commandsPerCase: Math.round((commands / CASES) * 100) / 100,
        eventsPerCase: Math.round((events / CASES) * 100) / 100,
        jsonBytesPerCase: Math.round(bytes / CASES),
        sqliteFile: `${files.dir} (fresh copy of a migrated template per sample)`,
        postgresql: pgNote,
        ...facts
      },
      cases: cases_,
      ratios,
      targets: [
        { case: CENTER_SQLITE, atLeast: 20_000, unit: "cases" },
        // not a target of its own: whether the target is reachable on this machine at all
        { case: FLOOR_SQLITE, atLeast: 20_000, unit: "cases" }
      ],
      defaults: { samples: 10, warmup: 2 },
      dispose: async () => {
        await disposePg()
        files.removeAll()
      }
    }
  } catch (e) {
    files.removeAll()
    throw e
  }
}
