import { PgStore } from "@fengqiao/adapters-pg"
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { SqlStore } from "@fengqiao/sql"
import { Statistics } from "@fengqiao/testkit"
import * as Layer from "effect/Layer"
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

// PostgreSQL computes the medians of large selections from a sample of the table (`sampledMedians`): forced here
// on small data (the whole table as the sample, no minimum, a bracket one standard error either side, which often
// misses and falls back), the dashboard's figures must still be the in-memory store's
const sampled = countingCheck()
Statistics.run(
  {
    name: `PostgreSQL with sampled medians (${db.source})`,
    fresh: () =>
      SqlStore.layer({
        dialect: {
          ...PgStore.dialect,
          sampledMedians: { ...PgStore.dialect.sampledMedians!, percent: 100, minimum: 1, width: 1 }
        },
        tablePrefix: `stats${++n}_`,
        parallelReads: 2
      }).pipe(Layer.provideMerge(PgStore.clientLayer({ url: db.url, maxConnections: db.maxConnections }))),
    concurrentWriters: db.concurrentWriters
  },
  { ...sampled.check, runs: 6 }
)
comparedOnRows("PostgreSQL with sampled medians", sampled.tally)
