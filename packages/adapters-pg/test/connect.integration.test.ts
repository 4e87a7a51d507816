/**
 * A PostgreSQL store that cannot connect fails with a `StoreError` (operation `connect`) whose reason names the
 * server and carries the driver's cause — as the SQLite store does for a file it cannot open — not a bare
 * "Failed to connect". Against a port with nothing listening, and a database that does not exist on the test
 * server; the password of the URL is never repeated.
 */
import { describe, expect, it } from "@effect/vitest"
import { Errors } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createServer } from "node:net"
import { afterAll } from "vitest"
import { PgStore } from "../src/index.js"
import { testDatabase } from "./database.js"

const db = await testDatabase()
afterAll(() => db.close())
// PGlite (the last fallback, when there is neither a server nor initdb) serves one database under any name
const lite = db.concurrentWriters === true ? undefined : "PGlite answers under any database name"
if (lite !== undefined) console.info(`[connect.integration] missing-database test not run on ${db.source}: ${lite}`)

/** A port on 127.0.0.1 that nothing listens on (taken from the system, then let go). */
const closedPort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => typeof address === "object" && address !== null ? resolve(address.port) : reject())
    })
  })

const openFailure = <ROut>(layer: Layer.Layer<ROut, Errors.StoreError>) =>
  Effect.flip(Layer.build(layer).pipe(Effect.scoped))

describe("a PostgreSQL store that cannot connect", () => {
  it.effect("nothing listening: a StoreError naming the server, with ECONNREFUSED", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(closedPort)
      const url = `postgres://fengqiao:s3cret-pw@127.0.0.1:${port}/fengqiao_nowhere`
      for (const layer of [PgStore.layer({ url }), PgStore.clientLayer({ url: Redacted.make(url) })]) {
        const e = yield* openFailure(layer)
        expect(e).toBeInstanceOf(Errors.StoreError)
        expect(e).toMatchObject({ _tag: "StoreError", operation: "connect" })
        expect(e.reason).toBe(
          `cannot connect to PostgreSQL at 127.0.0.1:${port}, database "fengqiao_nowhere", user "fengqiao": ` +
            `connect ECONNREFUSED 127.0.0.1:${port}`
        )
        expect(e.message).toContain("ECONNREFUSED")
        expect(e.message).not.toContain("s3cret-pw")
        expect(e.cause).toMatchObject({ _tag: "SqlError" })
      }
    }))

  it.effect.skipIf(lite !== undefined)(
    `a database that does not exist on the server: a StoreError saying so${
      lite === undefined ? "" : ` (not run: ${lite})`
    }`,
    () =>
      Effect.gen(function*() {
        const u = new URL(db.url)
        const missing = `fengqiao_missing_${process.pid}_${Date.now().toString(36)}`
        u.pathname = `/${missing}`
        const e = yield* openFailure(PgStore.layer({ url: u.toString(), maxConnections: 2 }))
        expect(e).toMatchObject({ _tag: "StoreError", operation: "connect" })
        expect(e.reason).toContain(
          `cannot connect to PostgreSQL at ${u.hostname}:${u.port || "5432"}, database "${missing}"`
        )
        expect(e.reason).toMatch(new RegExp(`: database "${missing}" does not exist$`))
        expect(e.message).toBe(`Store operation connect failed: ${e.reason}`)
      })
  )
})
