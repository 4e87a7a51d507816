import { Conformance } from "@fengqiao/testkit"
import { afterAll } from "vitest"
import { PgStore } from "../src/index.js"
import { testDatabase } from "./database.js"

const db = await testDatabase()
afterAll(() => db.close())
let n = 0

Conformance.run({
  name: `PostgreSQL (${db.source})`,
  // tables with a new prefix per call; building the layer again reopens the same tables
  fresh: () => {
    const tablePrefix = `t${++n}_`
    return PgStore.layer({ url: db.url, tablePrefix, maxConnections: db.maxConnections })
  },
  concurrentWriters: db.concurrentWriters,
  runs: 15
})
