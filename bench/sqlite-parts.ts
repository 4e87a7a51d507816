/**
 * Benchmark "sqlite-parts": where the SQLite adapter's time goes, one part at a time, each against the same work
 * done straight on better-sqlite3, on one file holding the `sqlite` workload (160 cases, 1 900 commands):
 *
 * - one SELECT through `@effect/sql` (`store.findCommand`: no JSON, no Schema) against `stmt.get`: the cost of a
 *   statement's plumbing (span, scope, connection acquisition, prepared-statement cache, Effect runtime);
 * - `store.load` (SELECT + JSON.parse + Schema decode of the Case snapshot) against `stmt.get` + `JSON.parse`;
 * - the Schema decode of a snapshot alone (already parsed JSON → `Case`), no SQL;
 * - an empty write transaction through the store (`BEGIN IMMEDIATE` … `COMMIT`, `executeUnprepared`) against the
 *   same two statements prepared once.
 *
 * Reads and empty transactions only: the file does not change between samples.
 */
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { Case } from "@fengqiao/core"
import { SqlStore } from "@fengqiao/sql"
import type Database from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import { replayer } from "./clock.js"
import { workload } from "./fixtures.js"
import type { Benchmark } from "./harness.js"
import { capture, centre, openSqlite, openSqliteCenter, removeSqlite, sqliteFiles, statementsOf } from "./storage.js"

const CASES = 160
const LOAD_ROUNDS = 5
const TRANSACTIONS = 1000

const FIND_STORE = "store.findCommand (one SELECT via @effect/sql)"
const FIND_RAW = "raw stmt.get (the same SELECT)"
const LOAD_STORE = "store.load (SELECT + JSON.parse + Schema decode)"
const LOAD_RAW = "raw stmt.get + JSON.parse"
const DECODE = "Schema decode of a Case snapshot only"
const TX_STORE = "store.withTransaction(Effect.void)"
const TX_RAW = "raw BEGIN IMMEDIATE; COMMIT"

export const make = async (): Promise<Benchmark> => {
  const inputs = workload(CASES).flat()
  // on a simulated clock set to each command's at first, so the 2025 fixtures are taken at their own times
  const runAll = replayer(inputs)
  const { steps } = await capture(runAll)
  const commandIds = steps.map((s) => s.request.commandId)
  const caseIds = [...new Set(steps.map((s) => s.request.caseId))]
  const loads = Array.from({ length: LOAD_ROUNDS }, () => caseIds).flat()
  const files = await sqliteFiles()
  const filename = files.fresh()
  const filled = await openSqliteCenter(filename)
  await Effect.runPromise(runAll(filled.center))
  await filled.dispose()

  const runtime = ManagedRuntime.make(SqliteStore.layer({ filename }))
  const store = await runtime.runPromise(SqlStore.SqlStore)
  const db: Database.Database = openSqlite(filename)
  const sql = statementsOf(SqliteStore.dialect, "fq_")
  const findSql =
    `SELECT case_id, from_version, to_version FROM ${sql.tables.commands} WHERE centre = ? AND command_id = ?`
  const find = db.prepare(findSql)
  const load = db.prepare(sql.load)
  const begin = db.prepare("BEGIN IMMEDIATE")
  const commit = db.prepare("COMMIT")
  const decodeCase = ParseResult.decodeUnknownEither(Case.Case)
  const parsed = caseIds.map((id) => JSON.parse((load.get(centre, id) as { snapshot: string }).snapshot) as unknown)
  const decodes = Array.from({ length: LOAD_ROUNDS }, () => parsed).flat()
  const dispose = async () => {
    db.close()
    await runtime.dispose()
    removeSqlite(filename)
    files.removeAll()
  }

  return {
    name: "sqlite-parts",
    description: "the SQLite adapter part by part (statement plumbing, snapshot decode, transaction) against raw",
    unit: "ops",
    workload: {
      file: `${CASES} cases, ${steps.length} commands written once by the Center; read-only samples`,
      findsPerSample: commandIds.length,
      loadsPerSample: loads.length,
      transactionsPerSample: TRANSACTIONS
    },
    cases: [
      {
        name: FIND_STORE,
        run: async () => {
          await Effect.runPromise(
            Effect.forEach(
              commandIds,
              (id) =>
                Effect.flatMap(
                  store.findCommand(centre, id),
                  (o) => Option.isNone(o) ? Effect.die(new Error(`no command ${id}`)) : Effect.void
                ),
              { discard: true }
            )
          )
          return commandIds.length
        }
      },
      {
        name: FIND_RAW,
        run: () => {
          for (const id of commandIds) if (find.get(centre, id) === undefined) throw new Error(`no command ${id}`)
          return commandIds.length
        }
      },
      {
        name: LOAD_STORE,
        run: async () => {
          await Effect.runPromise(
            Effect.forEach(
              loads,
              (id) =>
                Effect.flatMap(
                  store.load(centre, id),
                  (o) => Option.isNone(o) ? Effect.die(new Error(`no case ${id}`)) : Effect.void
                ),
              { discard: true }
            )
          )
          return loads.length
        }
      },
      {
        name: LOAD_RAW,
        run: () => {
          for (const id of loads) JSON.parse((load.get(centre, id) as { snapshot: string }).snapshot)
          return loads.length
        }
      },
      {
        name: DECODE,
        note:
          "ParseResult.decodeUnknownEither(Case.Case), as the SQL store (internal/store/read.ts) decodes every loaded snapshot",
        run: () => {
          for (const json of decodes) if (Either.isLeft(decodeCase(json))) throw new Error("snapshot does not decode")
          return decodes.length
        }
      },
      {
        name: TX_STORE,
        note: "the store's reentrant transaction: reserve, BEGIN IMMEDIATE and COMMIT via executeUnprepared",
        run: async () => {
          await Effect.runPromise(
            Effect.repeatN(Effect.orDie(store.withTransaction(Effect.void)), TRANSACTIONS - 1)
          )
          return TRANSACTIONS
        }
      },
      {
        name: TX_RAW,
        run: () => {
          for (let i = 0; i < TRANSACTIONS; i++) {
            begin.run()
            commit.run()
          }
          return TRANSACTIONS
        }
      }
    ],
    ratios: [
      { name: "one SELECT: @effect/sql / raw", numerator: FIND_STORE, denominator: FIND_RAW },
      { name: "load: store / raw", numerator: LOAD_STORE, denominator: LOAD_RAW },
      { name: "Schema decode share of store.load", numerator: DECODE, denominator: LOAD_STORE },
      { name: "empty transaction: store / raw", numerator: TX_STORE, denominator: TX_RAW }
    ],
    defaults: { samples: 15, warmup: 3 },
    dispose
  }
}
