/**
 * What the storage benchmarks (`sqlite`, `pg`, `import`) share:
 *
 * - a deterministic id generator, so a centre run twice on the same inputs writes byte-identical rows;
 * - `capture`: runs a workload through a centre on the in-memory store and records every `AppendRequest` (and the
 *   case-code sequence taken for it), which is exactly what the SQL store is asked to write;
 * - the SQL text of the store's statements, built the way `packages/sql/src/internal/store/append.ts` builds it (same columns,
 *   same `caseRow`, same placeholders), and raw writers that issue those statements straight to better-sqlite3 or
 *   `pg`, one transaction per command (or per import batch);
 * - table dumps, to check that a raw writer and the adapter leave the same rows behind;
 * - statement counters (better-sqlite3 and `pg` wrapped while counting, untimed) and the Effect instruction count.
 */
import { PgStore } from "@fengqiao/adapters-pg"
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { AuditTrail, CaseStore, Center, type Event, IdGenerator, MemoryStore } from "@fengqiao/core"
import { type Dialect, Migrations } from "@fengqiao/sql"
import Database from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as RuntimeFlagsPatch from "effect/RuntimeFlagsPatch"
import { copyFileSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { isDeepStrictEqual } from "node:util"
import pg from "pg"
import { caseColumns, caseRow } from "../packages/sql/src/internal/columns.js"
import { finish } from "../packages/sql/src/internal/query.js"
import { eventValues } from "../packages/sql/src/internal/store/append.js"
import { OpCounter } from "./center.js"
import { countyConfig } from "./fixtures.js"

/** The centre of the workload. */
export const centre = "dunhua"

export const centerOptions: Center.Options = { config: countyConfig }

// ---- ids ---------------------------------------------------------------------------------------------------------

/** The `n`-th id, shaped like a UUIDv7 (36 characters), so rows have the same size as with real ids. */
export const idOf = (n: number): string => `00000000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`

/** A fresh counter-based id generator per build of the layer (a centre built on it makes the same ids each time). */
export const countingIds = (): Layer.Layer<IdGenerator.IdGenerator> =>
  Layer.sync(IdGenerator.IdGenerator, () => {
    let n = 0
    return { next: Effect.sync(() => idOf(++n)) }
  })

// ---- capture -----------------------------------------------------------------------------------------------------

/** A case-code sequence a centre takes (`nextSequence(centre, scope, count)`). */
export interface SequenceTake {
  readonly scope: string
  readonly count: number
}

/** One `append`: what the store writes for one command, and the sequence taken in the same transaction. */
export interface Step {
  readonly request: CaseStore.AppendRequest
  readonly sequence: SequenceTake | undefined
}

/** One `appendBatch` (an import transaction) and the sequences taken in it. */
export interface Batch {
  readonly requests: ReadonlyArray<CaseStore.AppendRequest>
  readonly sequences: ReadonlyArray<SequenceTake>
}

/**
 * Runs `use` against a centre on the in-memory store (with {@link countingIds}) and records what the store was
 * asked to write, in order. `use` puts the centre on the benchmark's simulated clock (`clock.ts`), as the timed runs
 * do, so the recorded rows (`recordedAt` included) are the rows the adapters write later.
 */
export const capture = async (
  use: (center: Center.Center) => Effect.Effect<unknown, unknown>
): Promise<{ readonly steps: ReadonlyArray<Step>; readonly batches: ReadonlyArray<Batch> }> => {
  const steps: Array<Step> = []
  const batches: Array<Batch> = []
  let pending: Array<SequenceTake> = []
  const inner = await Effect.runPromise(MemoryStore.make)
  const recording: CaseStore.CaseStore = {
    ...inner,
    nextSequence: (c, scope, count = 1) => {
      pending.push({ scope, count })
      return inner.nextSequence(c, scope, count)
    },
    append: (request) => {
      if (pending.length > 1) throw new Error("capture: more than one sequence taken for one append")
      steps.push({ request, sequence: pending[0] })
      pending = []
      return inner.append(request)
    },
    appendBatch: (requests) => {
      batches.push({ requests, sequences: pending })
      pending = []
      return inner.appendBatch(requests)
    }
  }
  await Effect.runPromise(
    Effect.flatMap(Center.make(centerOptions), use).pipe(
      Effect.provide(Layer.merge(Layer.succeed(CaseStore.CaseStore, recording), countingIds()))
    )
  )
  return { steps, batches }
}

// ---- rows --------------------------------------------------------------------------------------------------------

/** The values of an events row, with its audit-trail hash: the store's own `eventValues` (`internal/store/append.ts`). */
export const eventRow: (c: string, e: Event.Envelope, hash: string) => ReadonlyArray<unknown> = eventValues

/**
 * The serialised values one append writes: the cases row (summary columns + snapshot JSON), the events rows with
 * their hashes, the case's audit-trail head before (checked by the update, as the store does) and after.
 */
export interface Rows {
  readonly cases: ReadonlyArray<unknown>
  readonly events: ReadonlyArray<ReadonlyArray<unknown>>
  readonly previous: string
  readonly head: string
  /** The row's seal (`AuditTrail.sealCase` over its values and head, without a key), as the store writes it. */
  readonly seal: string
}

/**
 * Serialises an append request exactly as the store does (`caseRow(summary, JSON.stringify(snapshot))`, the hash
 * chain of its events from the case's head `previous`).
 */
export const rowsOf = (r: CaseStore.AppendRequest, previous: string): Rows => {
  const hashes = AuditTrail.chain(previous, r.events)
  const cases = caseRow(r.summary, JSON.stringify(r.snapshot))
  const head = hashes.at(-1) ?? previous
  return {
    cases,
    events: r.events.map((e, i) => eventRow(r.centre, e, hashes[i]!)),
    previous,
    head,
    seal: AuditTrail.sealCase({ centre: r.centre, caseId: r.caseId, head, purge: null, cells: cases })
  }
}

/** The values the insert of a new cases row binds: the centre, the row, its head and its seal. */
const insertValues = (centre: string, rows: Rows): Array<unknown> => [centre, ...rows.cases, rows.head, rows.seal]

/** The values the update of a cases row binds: the row, its head and seal, then the case, version and head it expects. */
const updateValues = (r: CaseStore.AppendRequest, rows: Rows): Array<unknown> => [
  ...rows.cases,
  rows.head,
  rows.seal,
  r.centre,
  r.caseId,
  r.expectedVersion,
  rows.previous
]

/** The rows of a run of appends serialised ahead of time, each chained from its case's head so far. */
export const prebuildRows = (steps: ReadonlyArray<Step>): Array<Rows> => {
  const heads = new Map<string, string>()
  return steps.map((s) => {
    const rows = rowsOf(s.request, heads.get(s.request.caseId) ?? AuditTrail.genesis)
    heads.set(s.request.caseId, rows.head)
    return rows
  })
}

/** The rows of an imported case: a new case, chained from the start. */
const importRows = (r: CaseStore.AppendRequest): Rows => rowsOf(r, AuditTrail.genesis)

/** Bytes of JSON an append request writes (snapshot + envelopes), for the workload facts. */
export const jsonBytes = (r: CaseStore.AppendRequest): number =>
  Buffer.byteLength(JSON.stringify(r.snapshot)) + r.events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0)

// ---- statements --------------------------------------------------------------------------------------------------

const eventColumns = "centre, case_id, version, type, at_ms, actor_id, command_id, correlation_id, envelope, hash"

/** The store's statements for a dialect and table prefix, with the same text the SQL store (`packages/sql/src/internal/store/`) sends. */
export const statementsOf = (dialect: Dialect.Dialect, prefix: string) => {
  const t = Migrations.tables(prefix)
  const f = (text: string) => finish(dialect, text)
  const json = dialect.jsonParameter("?")
  const caseTuple = `(?, ${caseColumns.map((c) => (c === "snapshot" ? json : "?")).join(", ")}, ?, ?)`
  const eventTuple = `(?, ?, ?, ?, ?, ?, ?, ?, ${json}, ?)`
  const many = (head: string, tuple: string, n: number) =>
    f(`${head} VALUES ${Array.from({ length: n }, () => tuple).join(", ")}`)
  return {
    tables: t,
    load: f(`SELECT id, version, snapshot, head_hash FROM ${t.cases} WHERE centre = ? AND id = ?`),
    nextSequence: f(
      `INSERT INTO ${t.sequences} (centre, scope, value) VALUES (?, ?, ?) ON CONFLICT (centre, scope) DO UPDATE SET value = ${t.sequences}.value + ? RETURNING value`
    ),
    insertCommand: f(
      `INSERT INTO ${t.commands} (centre, command_id, case_id, from_version, to_version) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING command_id`
    ),
    insertCase: f(
      `INSERT INTO ${t.cases} (centre, ${
        caseColumns.join(", ")
      }, head_hash, seal) VALUES ${caseTuple} ON CONFLICT DO NOTHING RETURNING version`
    ),
    updateCase: f(
      `UPDATE ${t.cases} SET ${
        caseColumns.map((c) => `${c} = ${c === "snapshot" ? json : "?"}`).join(", ")
      }, head_hash = ?, seal = ?, purge = NULL WHERE centre = ? AND id = ? AND version = ? AND COALESCE(head_hash, '') = ? RETURNING version`
    ),
    insertEvents: (n: number) => many(`INSERT INTO ${t.events} (${eventColumns})`, eventTuple, n),
    insertCommands: (n: number) =>
      many(`INSERT INTO ${t.commands} (centre, command_id, case_id, from_version, to_version)`, "(?, ?, ?, ?, ?)", n),
    insertCases: (n: number) =>
      many(`INSERT INTO ${t.cases} (centre, ${caseColumns.join(", ")}, head_hash, seal)`, caseTuple, n)
  }
}

/** Chunk sizes of `appendBatch` in `internal/store/append.ts` (rows per multi-row INSERT). */
export const bulkChunks = { commands: 1000, cases: 200, events: 1000 } as const

const chunks = <A>(xs: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size))

// ---- raw SQLite --------------------------------------------------------------------------------------------------

/** The store's pragmas (`SqliteStore.clientLayer` + `@effect/sql-sqlite-node`): WAL, busy timeout, NORMAL sync. */
export const openSqlite = (filename: string): Database.Database => {
  const db = new Database(filename)
  db.pragma("journal_mode = WAL")
  db.pragma("busy_timeout = 5000")
  db.pragma("synchronous = NORMAL")
  db.pragma("foreign_keys = ON")
  return db
}

/**
 * The store's writes issued straight to better-sqlite3: prepared statements kept for the life of the connection,
 * one `BEGIN IMMEDIATE … COMMIT` per command.
 */
export class RawSqlite {
  readonly db: Database.Database
  private readonly sql: ReturnType<typeof statementsOf>
  private readonly cache = new Map<string, Database.Statement>()

  constructor(filename: string, dialect: Dialect.Dialect, prefix = "fq_") {
    this.db = openSqlite(filename)
    this.sql = statementsOf(dialect, prefix)
  }

  private stmt(text: string): Database.Statement {
    let s = this.cache.get(text)
    if (s === undefined) {
      s = this.db.prepare(text)
      this.cache.set(text, s)
    }
    return s
  }

  private inTransaction(f: () => void): void {
    this.stmt("BEGIN IMMEDIATE").run()
    try {
      f()
      this.stmt("COMMIT").run()
    } catch (e) {
      if (this.db.inTransaction) this.stmt("ROLLBACK").run()
      throw e
    }
  }

  /**
   * One command: read the case row (and parse its snapshot JSON unless `prebuilt`), take the case-code number for
   * a new case, claim the command id, insert or update the cases row, insert the events. `prebuilt` gives the
   * serialised rows (no `JSON.stringify` in the timed loop).
   */
  append(step: Step, prebuilt?: Rows): void {
    const r = step.request
    const s = this.sql
    this.inTransaction(() => {
      const found = this.stmt(s.load).get(r.centre, r.caseId) as
        | { readonly snapshot: string; readonly head_hash: string | null }
        | undefined
      if (found !== undefined && prebuilt === undefined) JSON.parse(found.snapshot)
      if (step.sequence !== undefined) {
        this.stmt(s.nextSequence).get(r.centre, step.sequence.scope, step.sequence.count, step.sequence.count)
      }
      const claimed = this.stmt(s.insertCommand).get(
        r.centre,
        r.commandId,
        r.caseId,
        r.expectedVersion + 1,
        r.expectedVersion + r.events.length
      )
      if (claimed === undefined) throw new Error(`raw sqlite: duplicate command ${r.commandId}`)
      const rows = prebuilt ?? rowsOf(r, found?.head_hash ?? AuditTrail.genesis)
      const written = r.expectedVersion === 0
        ? this.stmt(s.insertCase).get(...insertValues(r.centre, rows))
        : this.stmt(s.updateCase).get(...updateValues(r, rows))
      if (written === undefined) throw new Error(`raw sqlite: version conflict on ${r.caseId}`)
      this.stmt(s.insertEvents(rows.events.length)).run(...rows.events.flat())
    })
  }

  /** One import transaction: the sequences, then multi-row INSERTs in the store's chunk sizes. */
  importBatch(batch: Batch): void {
    const s = this.sql
    const rows = batch.requests.map(importRows)
    this.inTransaction(() => {
      for (const q of batch.sequences) this.stmt(s.nextSequence).get(centre, q.scope, q.count, q.count)
      for (const chunk of chunks(batch.requests, bulkChunks.commands)) {
        this.stmt(s.insertCommands(chunk.length)).run(
          ...chunk.flatMap((r) => [r.centre, r.commandId, r.caseId, 1, r.events.length])
        )
      }
      for (const [k, chunk] of chunks(batch.requests, bulkChunks.cases).entries()) {
        const first = k * bulkChunks.cases
        this.stmt(s.insertCases(chunk.length)).run(
          ...chunk.flatMap((
            r,
            i
          ) => insertValues(r.centre, rows[first + i]!))
        )
      }
      const events = rows.flatMap((x) => x.events)
      for (const chunk of chunks(events, bulkChunks.events)) {
        this.stmt(s.insertEvents(chunk.length)).run(...chunk.flat())
      }
    })
  }

  /**
   * The import benchmark's floor: only the events rows of a batch, serialised beforehand, in one transaction with
   * the store's multi-row INSERT — no sequences, commands or cases rows, no JSON or hashing in the timed loop.
   */
  insertEventRows(events: ReadonlyArray<ReadonlyArray<unknown>>): void {
    this.inTransaction(() => {
      for (const chunk of chunks(events, bulkChunks.events)) {
        this.stmt(this.sql.insertEvents(chunk.length)).run(...chunk.flat())
      }
    })
  }

  close(): void {
    this.db.close()
  }
}

/** Deletes a SQLite file and its WAL and shared-memory files. */
export const removeSqlite = (filename: string): void => {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${filename}${suffix}`, { force: true })
}

// ---- raw PostgreSQL ----------------------------------------------------------------------------------------------

/** The store's writes issued straight to `pg`: one pooled connection, `BEGIN … COMMIT` per command. */
export class RawPg {
  private readonly sql: ReturnType<typeof statementsOf>

  constructor(readonly pool: pg.Pool, dialect: Dialect.Dialect, prefix: string) {
    this.sql = statementsOf(dialect, prefix)
  }

  private async inTransaction(f: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect()
    try {
      await client.query("BEGIN")
      try {
        await f(client)
        await client.query("COMMIT")
      } catch (e) {
        await client.query("ROLLBACK")
        throw e
      }
    } finally {
      client.release()
    }
  }

  /** The same statements as {@link RawSqlite.append}. */
  append(step: Step, prebuilt?: Rows): Promise<void> {
    const r = step.request
    const s = this.sql
    return this.inTransaction(async (client) => {
      const found = await client.query<{ snapshot: string; head_hash: string | null }>(s.load, [r.centre, r.caseId])
      if (found.rows[0] !== undefined && prebuilt === undefined) JSON.parse(found.rows[0].snapshot)
      if (step.sequence !== undefined) {
        await client.query(s.nextSequence, [r.centre, step.sequence.scope, step.sequence.count, step.sequence.count])
      }
      const claimed = await client.query(s.insertCommand, [
        r.centre,
        r.commandId,
        r.caseId,
        r.expectedVersion + 1,
        r.expectedVersion + r.events.length
      ])
      if (claimed.rows.length === 0) throw new Error(`raw pg: duplicate command ${r.commandId}`)
      const rows = prebuilt ?? rowsOf(r, found.rows[0]?.head_hash ?? AuditTrail.genesis)
      const written = r.expectedVersion === 0
        ? await client.query(s.insertCase, insertValues(r.centre, rows))
        : await client.query(s.updateCase, updateValues(r, rows))
      if (written.rows.length === 0) throw new Error(`raw pg: version conflict on ${r.caseId}`)
      await client.query(s.insertEvents(rows.events.length), rows.events.flat())
    })
  }

  /** The same statements as {@link RawSqlite.importBatch}. */
  importBatch(batch: Batch): Promise<void> {
    const s = this.sql
    const rows = batch.requests.map(importRows)
    return this.inTransaction(async (client) => {
      for (const q of batch.sequences) await client.query(s.nextSequence, [centre, q.scope, q.count, q.count])
      for (const chunk of chunks(batch.requests, bulkChunks.commands)) {
        await client.query(
          s.insertCommands(chunk.length),
          chunk.flatMap((r) => [r.centre, r.commandId, r.caseId, 1, r.events.length])
        )
      }
      for (const [k, chunk] of chunks(batch.requests, bulkChunks.cases).entries()) {
        const first = k * bulkChunks.cases
        await client.query(
          s.insertCases(chunk.length),
          chunk.flatMap((r, i) => insertValues(r.centre, rows[first + i]!))
        )
      }
      const events = rows.flatMap((x) => x.events)
      for (const chunk of chunks(events, bulkChunks.events)) {
        await client.query(s.insertEvents(chunk.length), chunk.flat())
      }
    })
  }
}

/** The PostgreSQL server of the benchmarks: `FENGQIAO_BENCH_PG_URL`, `FENGQIAO_TEST_PG_URL`, or the local default. */
export const pgUrl = (): string =>
  process.env.FENGQIAO_BENCH_PG_URL || process.env.FENGQIAO_TEST_PG_URL ||
  "postgres://postgres@127.0.0.1:5432/test"

/** The URL without its password, for printing. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@")

/** Connects once: the server version and settings that matter for write speed, or why it is unreachable. */
export const probePg = async (
  url: string
): Promise<
  { readonly ok: true; readonly facts: Record<string, string> } | { readonly ok: false; readonly why: string }
> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    const facts: Record<string, string> = {}
    for (const name of ["server_version", "synchronous_commit", "fsync", "wal_sync_method", "shared_buffers"]) {
      facts[name] = String((await client.query(`SHOW ${name}`)).rows[0]?.[name])
    }
    return { ok: true, facts }
  } catch (e) {
    return { ok: false, why: `no PostgreSQL at ${redactUrl(url)} (${e instanceof Error ? e.message : String(e)})` }
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** A table prefix unique to this run (the store allows `[a-z_][a-z0-9_]{0,30}`). */
export const runPrefix = (tag: string): string =>
  `fqb_${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36).padStart(2, "0")}_${tag}`

/** The store's tables for a prefix, dropped (IF EXISTS). */
export const dropPgTables = async (pool: pg.Pool, prefix: string): Promise<void> => {
  const t = Migrations.tables(prefix)
  await pool.query(`DROP TABLE IF EXISTS ${Object.values(t).join(", ")}`)
}

/** Empties the tables a workload writes (not the jurisdictions the centre registered, nor the migrations). */
export const truncatePg = (pool: pg.Pool, prefix: string): Promise<unknown> => {
  const t = Migrations.tables(prefix)
  return pool.query(`TRUNCATE ${t.events}, ${t.commands}, ${t.cases}, ${t.sequences}, ${t.outbox}`)
}

// ---- comparing what was written ----------------------------------------------------------------------------------

const dumpQueries = (prefix: string) => {
  const t = Migrations.tables(prefix)
  return {
    commands: `SELECT * FROM ${t.commands} ORDER BY centre, command_id`,
    cases: `SELECT * FROM ${t.cases} ORDER BY centre, id`,
    events: `SELECT * FROM ${t.events} ORDER BY centre, case_id, version`,
    sequences: `SELECT * FROM ${t.sequences} ORDER BY centre, scope`
  }
}

export type Dump = Readonly<Record<string, ReadonlyArray<Readonly<Record<string, unknown>>>>>

export const dumpSqlite = (filename: string, prefix = "fq_"): Dump => {
  const db = new Database(filename, { readonly: true })
  try {
    return Object.fromEntries(
      Object.entries(dumpQueries(prefix)).map(([k, q]) => [k, db.prepare(q).all() as Array<Record<string, unknown>>])
    )
  } finally {
    db.close()
  }
}

export const dumpPg = async (pool: pg.Pool, prefix: string): Promise<Dump> => {
  const out: Record<string, ReadonlyArray<Record<string, unknown>>> = {}
  for (const [k, q] of Object.entries(dumpQueries(prefix))) out[k] = (await pool.query(q)).rows
  return out
}

/**
 * Compares two dumps: `"identical"` when every row and cell is equal; otherwise the first difference. A JSON
 * cell that differs only in key order counts as the same value but is reported.
 */
export const compareDumps = (a: Dump, b: Dump): string => {
  let keyOrderOnly = 0
  for (const table of Object.keys(a)) {
    const x = a[table]!
    const y = b[table] ?? []
    if (x.length !== y.length) return `${table}: ${x.length} rows against ${y.length}`
    for (let i = 0; i < x.length; i++) {
      for (const column of Object.keys(x[i]!)) {
        const u = x[i]![column]
        const v = y[i]![column]
        if (u === v || isDeepStrictEqual(u, v)) continue
        if (typeof u === "string" && typeof v === "string" && (column === "snapshot" || column === "envelope")) {
          if (isDeepStrictEqual(JSON.parse(u), JSON.parse(v))) {
            keyOrderOnly++
            continue
          }
        }
        return `${table} row ${i} column ${column}: ${JSON.stringify(u).slice(0, 120)} against ${
          JSON.stringify(v).slice(0, 120)
        }`
      }
    }
  }
  return keyOrderOnly === 0 ? "identical" : `same values; ${keyOrderOnly} JSON cells differ in key order only`
}

// ---- counting ----------------------------------------------------------------------------------------------------

/** `SELECT cases`, `INSERT events`, `BEGIN IMMEDIATE`, `SAVEPOINT` … : a statement's verb and table, sans prefix. */
export const statementLabel = (sql: string): string => {
  const s = sql.trim().replace(/\s+/g, " ")
  const verb =
    /^(BEGIN IMMEDIATE|BEGIN|COMMIT|ROLLBACK TO SAVEPOINT|ROLLBACK|RELEASE SAVEPOINT|SAVEPOINT|SELECT|INSERT|UPDATE|DELETE|PRAGMA|TRUNCATE)/i
      .exec(s)?.[1]?.toUpperCase() ?? s.slice(0, 24)
  const table = /\b(?:FROM|INTO|UPDATE) (\w+)/i.exec(s)?.[1]
  const short = table?.replace(/^.*?(events|commands|cases|sequences|outbox|jurisdictions|migrations)$/, "$1")
  return short === undefined || verb.startsWith("SAVEPOINT") || verb.includes("SAVEPOINT") ? verb : `${verb} ${short}`
}

/** Statements executed, by label, and how many times SQL text was compiled (prepared) by the driver. */
export interface StatementCount {
  readonly executed: Map<string, number>
  prepared: number
}

const perUnit = (count: StatementCount, units: number) => {
  const round = (n: number) => Math.round((n / units) * 100) / 100
  const total = [...count.executed.values()].reduce((a, b) => a + b, 0)
  return {
    statements: round(total),
    prepares: round(count.prepared),
    byStatement: Object.fromEntries(
      [...count.executed].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v)])
    )
  }
}

/**
 * Counts the statements better-sqlite3 executes (and prepares) while `f` runs, by wrapping `Database.prototype`
 * and the native `Statement.prototype` methods; restored afterwards. Returns the counts per `units`.
 */
export const countSqlite = async (units: number, f: (start: () => void) => Promise<void>) => {
  const scratch = new Database(":memory:")
  const statementProto = Object.getPrototypeOf(scratch.prepare("SELECT 1")) as Record<string, unknown>
  scratch.close()
  const dbProto = Database.prototype as unknown as Record<string, unknown>
  const count: StatementCount = { executed: new Map(), prepared: 0 }
  let on = false
  const saved: Array<readonly [Record<string, unknown>, string, unknown]> = []
  const wrap = (proto: Record<string, unknown>, name: string, before: (self: any, args: Array<any>) => void) => {
    const original = proto[name] as (...args: Array<unknown>) => unknown
    saved.push([proto, name, original])
    proto[name] = function(this: unknown, ...args: Array<unknown>) {
      if (on) before(this, args)
      return original.apply(this, args)
    }
  }
  const add = (sql: string) => {
    const k = statementLabel(sql)
    // the connection's settings, applied when a raw connection opens: not part of the write path
    if (k !== "PRAGMA") count.executed.set(k, (count.executed.get(k) ?? 0) + 1)
  }
  for (const m of ["run", "get", "all", "iterate"]) wrap(statementProto, m, (self) => add(String(self.source)))
  wrap(dbProto, "prepare", () => count.prepared++)
  wrap(dbProto, "exec", (_self, args) => add(String(args[0])))
  try {
    await f(() => {
      on = true
    })
  } finally {
    on = false
    for (const [proto, name, original] of saved) proto[name] = original
  }
  return perUnit(count, units)
}

/**
 * Counts the statements `pg` sends (`Client.prototype.query`) and the pool checkouts (`Pool.prototype.connect`)
 * while `f` runs; restored afterwards. `pg` sends every parameterised statement as an unnamed Parse/Bind/Execute,
 * one round trip each.
 */
export const countPg = async (units: number, f: (start: () => void) => Promise<void>) => {
  const count: StatementCount = { executed: new Map(), prepared: 0 }
  let checkouts = 0
  let on = false
  const clientProto = pg.Client.prototype as unknown as Record<string, unknown>
  const poolProto = pg.Pool.prototype as unknown as Record<string, unknown>
  const query = clientProto.query as (...args: Array<unknown>) => unknown
  const connect = poolProto.connect as (...args: Array<unknown>) => unknown
  clientProto.query = function(this: unknown, ...args: Array<unknown>) {
    if (on) {
      const q = args[0]
      const text = typeof q === "string" ? q : (q as { text?: string } | undefined)?.text ?? "?"
      const k = statementLabel(text)
      count.executed.set(k, (count.executed.get(k) ?? 0) + 1)
    }
    return query.apply(this, args)
  }
  poolProto.connect = function(this: unknown, ...args: Array<unknown>) {
    if (on) checkouts++
    return connect.apply(this, args)
  }
  try {
    await f(() => {
      on = true
    })
  } finally {
    on = false
    clientProto.query = query
    poolProto.connect = connect
  }
  return { ...perUnit(count, units), poolCheckouts: Math.round((checkouts / units) * 100) / 100 }
}

/** Effect instructions the fiber runtime evaluates per unit while running `effect` (machine-independent). */
export const countEffectOps = async <E>(effect: Effect.Effect<unknown, E>, units: number): Promise<number> => {
  const counter = new OpCounter()
  await Effect.runPromise(
    effect.pipe(
      Effect.supervised(counter),
      Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision))
    )
  )
  return Math.round((counter.ops / units) * 10) / 10
}

// ---- centres on real stores --------------------------------------------------------------------------------------

/** A centre on a SQLite file (`SqliteStore.layer`, default settings), with {@link countingIds}. */
export interface SqliteCenter {
  readonly center: Center.Center
  readonly filename: string
  readonly dispose: () => Promise<void>
}

export const openSqliteCenter = async (filename: string): Promise<SqliteCenter> => {
  const runtime = ManagedRuntime.make(
    Center.layer(centerOptions).pipe(Layer.provide(Layer.merge(SqliteStore.layer({ filename }), countingIds())))
  )
  return { center: await runtime.runPromise(Center.Center), filename, dispose: () => runtime.dispose() }
}

/**
 * Temporary SQLite files: a template made once by the store itself (migrated, centre registered), copied for every
 * sample, so the adapter and the raw baseline start from the same file, with the same tables and indexes.
 */
export const sqliteFiles = async () => {
  const dir = mkdtempSync(join(tmpdir(), "fengqiao-bench-"))
  const template = join(dir, "template.db")
  await (await openSqliteCenter(template)).dispose()
  let n = 0
  return {
    dir,
    /** A fresh copy of the template. */
    fresh: (): string => {
      const f = join(dir, `sample-${++n}.db`)
      copyFileSync(template, f)
      return f
    },
    removeAll: () => rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * PostgreSQL for a benchmark: two table sets with prefixes unique to this run (`…_a_` for the adapter, `…_r_` for
 * the raw baseline), both created by `PgStore.layer` itself; a long-lived adapter runtime (pool of `poolSize`) and
 * a `pg.Pool` of the same size. `dispose` drops both table sets and closes the pools.
 */
export const openPg = async (url: string, poolSize: number) => {
  const base = runPrefix("")
  const adapterPrefix = `${base}a_`
  const rawPrefix = `${base}r_`
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  const storeLayer = (tablePrefix: string, maxConnections: number) =>
    PgStore.layer({ url, maxConnections, tablePrefix, applicationName: "fengqiao-bench" })
  const runtime = ManagedRuntime.make(storeLayer(adapterPrefix, poolSize))
  try {
    // the raw baseline's tables: made by the store (same DDL), with the centre registered the same way
    const schema = ManagedRuntime.make(storeLayer(rawPrefix, 1))
    await schema.runPromise(Effect.asVoid(Center.make(centerOptions)))
    await schema.dispose()
    await runtime.runPromise(Effect.asVoid(Center.make(centerOptions)))
  } catch (e) {
    await runtime.dispose().catch(() => undefined)
    await dropPgTables(pool, adapterPrefix).catch(() => undefined)
    await dropPgTables(pool, rawPrefix).catch(() => undefined)
    await pool.end()
    throw e
  }
  return {
    adapterPrefix,
    rawPrefix,
    pool,
    /** A fresh centre (fresh id counter) on the adapter's long-lived pool. */
    center: (): Promise<Center.Center> =>
      runtime.runPromise(Center.make(centerOptions).pipe(Effect.provide(countingIds()))),
    raw: () => new RawPg(pool, PgStore.dialect, rawPrefix),
    truncateAdapter: () => truncatePg(pool, adapterPrefix),
    truncateRaw: () => truncatePg(pool, rawPrefix),
    dispose: async () => {
      await runtime.dispose()
      await dropPgTables(pool, adapterPrefix)
      await dropPgTables(pool, rawPrefix)
      await pool.end()
    }
  }
}
