import { Conformance } from "@fengqiao/testkit"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { SqliteStore } from "../src/index.js"

const dir = mkdtempSync(join(tmpdir(), "fengqiao-sqlite-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

Conformance.run({
  name: "SQLite (temp file)",
  // a new database file per call; building the layer again reopens the same file
  fresh: () => SqliteStore.layer({ filename: join(dir, `store-${++n}.db`) }),
  concurrentWriters: true,
  runs: 25
})
