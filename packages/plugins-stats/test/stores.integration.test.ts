import { PgStore } from "@fengqiao/adapters-pg"
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { Statistics } from "@fengqiao/testkit"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, expect, it } from "vitest"
import { testDatabase } from "../../adapters-pg/test/database.js"
import { countingCheck } from "./invariants.js"

// Every store gives the same figures as the in-memory store on the same generated histories: the dashboard's
// aggregates run as SQL GROUP BY (and window queries for medians) on SQLite and PostgreSQL.

const dir = mkdtempSync(join(tmpdir(), "fengqiao-stats-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

// 同比/环比 on real rows: the runs' comparison periods must have had accepted cases (counted by the check)
const comparedOnRows = (name: string, tally: { readonly runs: number; readonly withAccepted: number }) =>
  it(`${name}: 同比/环比 were compared on comparison periods with accepted cases`, () => {
    expect(tally.runs).toBeGreaterThan(0)
    expect(tally.withAccepted).toBeGreaterThan(0)
  })

const sqlite = countingCheck()
Statistics.run(
  {
    name: "SQLite (temp file)",
    fresh: () => SqliteStore.layer({ filename: join(dir, `stats-${++n}.db`) }),
    concurrentWriters: true
  },
  { ...sqlite.check, runs: 12 }
)
comparedOnRows("SQLite", sqlite.tally)

const db = await testDatabase()
afterAll(() => db.close())

const pg = countingCheck()
Statistics.run(
  {
    name: `PostgreSQL (${db.source})`,
    fresh: () => PgStore.layer({ url: db.url, tablePrefix: `stats${++n}_`, maxConnections: db.maxConnections }),
    concurrentWriters: db.concurrentWriters
  },
  { ...pg.check, runs: 8 }
)
comparedOnRows("PostgreSQL", pg.tally)
