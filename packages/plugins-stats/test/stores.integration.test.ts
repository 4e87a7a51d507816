import { PgStore } from "@fengqiao/adapters-pg"
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { Statistics } from "@fengqiao/testkit"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { testDatabase } from "../../adapters-pg/test/database.js"
import { check } from "./invariants.js"

// Every store gives the same figures as the in-memory store on the same generated histories: the dashboard's
// aggregates run as SQL GROUP BY (and window queries for medians) on SQLite and PostgreSQL.

const dir = mkdtempSync(join(tmpdir(), "fengqiao-stats-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

Statistics.run(
  {
    name: "SQLite (temp file)",
    fresh: () => SqliteStore.layer({ filename: join(dir, `stats-${++n}.db`) }),
    concurrentWriters: true
  },
  { ...check, runs: 12 }
)

const db = await testDatabase()
afterAll(() => db.close())

Statistics.run(
  {
    name: `PostgreSQL (${db.source})`,
    fresh: () => PgStore.layer({ url: db.url, tablePrefix: `stats${++n}_`, maxConnections: db.maxConnections }),
    concurrentWriters: db.concurrentWriters
  },
  { ...check, runs: 8 }
)
