/**
 * PostgreSQL for tests, found in this order: `FENGQIAO_TEST_PG_URL` (a private database is created on that
 * server for the test file and dropped after); an ephemeral cluster made with the local `initdb`/`pg_ctl`; PGlite
 * over `@electric-sql/pglite-socket` (a single connection: tests of concurrent writers cannot run).
 * `FENGQIAO_TEST_PG=initdb|pglite` forces a fallback.
 */
import { execFileSync } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"

export interface TestDatabase {
  readonly url: string
  readonly source: string
  readonly maxConnections: number
  readonly concurrentWriters: true | { readonly skip: string }
  /** Runs SQL as a superuser on the test database (to corrupt rows, kill backends …). */
  readonly admin: (sql: string, params?: ReadonlyArray<unknown>) => Promise<ReadonlyArray<Record<string, unknown>>>
  readonly close: () => Promise<void>
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(
        () => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")))
      )
    })
  })

const withUrlDatabase = (url: string, database: string) => {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

const adminOf = (url: string) => async (sql: string, params: ReadonlyArray<unknown> = []) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql, [...params])).rows as ReadonlyArray<Record<string, unknown>>
  } finally {
    await client.end()
  }
}

/** A private database on the server at `url`, dropped on close. */
const privateDatabase = async (url: string, source: string): Promise<TestDatabase> => {
  const name = `fengqiao_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  try {
    await adminOf(url)(`CREATE DATABASE ${name}`)
  } catch (e) {
    // no CREATEDB right: share the given database (tables get unique prefixes anyway)
    console.info(`[pg] using ${source} directly (cannot create a database: ${(e as Error).message})`)
    return { url, source, maxConnections: 10, concurrentWriters: true, admin: adminOf(url), close: async () => {} }
  }
  const own = withUrlDatabase(url, name)
  return {
    url: own,
    source,
    maxConnections: 10,
    concurrentWriters: true,
    admin: adminOf(own),
    close: async () => {
      await adminOf(url)(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
    }
  }
}

const findBinary = (name: string): string | undefined => {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name)
  }
  const root = "/usr/lib/postgresql"
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort().reverse()) {
      const p = join(root, v, "bin", name)
      if (existsSync(p)) return p
    }
  }
  return undefined
}

/** An ephemeral cluster in a temporary directory (run as the `postgres` user when we are root). */
const ephemeralCluster = async (): Promise<TestDatabase | undefined> => {
  const initdb = findBinary("initdb")
  const pgCtl = findBinary("pg_ctl")
  if (initdb === undefined || pgCtl === undefined) return undefined
  const dir = mkdtempSync(join(tmpdir(), "fengqiao-pg-"))
  const data = join(dir, "data")
  const asRoot = process.getuid?.() === 0
  const run = (file: string, args: ReadonlyArray<string>) => {
    if (asRoot) execFileSync("runuser", ["-u", "postgres", "--", file, ...args], { stdio: "pipe" })
    else execFileSync(file, [...args], { stdio: "pipe" })
  }
  try {
    if (asRoot) {
      const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim())
      const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim())
      chownSync(dir, uid, gid)
    }
    const port = await freePort()
    run(initdb, ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
    run(pgCtl, [
      "-D",
      data,
      "-w",
      "-t",
      "60",
      "-l",
      join(dir, "log"),
      "-o",
      `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=100`,
      "start"
    ])
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`
    return {
      url,
      source: "ephemeral cluster (initdb/pg_ctl)",
      maxConnections: 10,
      concurrentWriters: true,
      admin: adminOf(url),
      close: async () => {
        try {
          run(pgCtl, ["-D", data, "-m", "immediate", "stop"])
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
      }
    }
  } catch (e) {
    console.info(`[pg] no ephemeral cluster: ${(e as Error).message.split("\n")[0]}`)
    rmSync(dir, { recursive: true, force: true })
    return undefined
  }
}

const pglite = async (): Promise<TestDatabase> => {
  const { PGlite } = await import("@electric-sql/pglite")
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket")
  const db = await PGlite.create()
  const port = await freePort()
  // PGlite is one session: the store under test uses one connection at a time; the server accepts a few so that
  // the next test can connect while the previous test's pool is still closing
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 4 })
  await server.start()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const skip = "PGlite serves a single connection, so concurrent writers cannot be tested here"
  return {
    url,
    source: "PGlite (single connection)",
    maxConnections: 1,
    concurrentWriters: { skip },
    // the one connection belongs to the store under test; run admin SQL in-process instead
    admin: async (sql, params = []) =>
      (await db.query(sql, [...params])).rows as ReadonlyArray<Record<string, unknown>>,
    close: async () => {
      await server.stop()
      await db.close()
    }
  }
}

export const testDatabase = async (): Promise<TestDatabase> => {
  const forced = process.env.FENGQIAO_TEST_PG
  const url = process.env.FENGQIAO_TEST_PG_URL
  if (forced === undefined && url !== undefined && url !== "") return privateDatabase(url, "FENGQIAO_TEST_PG_URL")
  if (forced === undefined || forced === "initdb") {
    const cluster = await ephemeralCluster()
    if (cluster !== undefined) return cluster
  }
  const lite = await pglite()
  console.info(`[pg] using ${lite.source}: ${lite.concurrentWriters === true ? "" : lite.concurrentWriters.skip}`)
  return lite
}
