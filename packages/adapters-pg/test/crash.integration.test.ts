/**
 * A connection killed mid-transaction (`pg_terminate_backend`, as when a server process crashes or an operator
 * kills it) leaves no partial command behind; the transaction fails with a typed `StoreError` (not a defect, not a
 * hang) and the store keeps working on a fresh connection.
 */
import { describe, expect, it } from "@effect/vitest"
import { Examples } from "@fengqiao/core"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import pg from "pg"
import { afterAll } from "vitest"
import { testDatabase } from "./database.js"
import { centre, eventually, failureOf, freshPrefix, open, runAll, toHandling } from "./support.js"

const db = await testDatabase()
afterAll(() => db.close())

const skip = db.concurrentWriters === true
  ? undefined
  : `${db.concurrentWriters.skip}; and a PGlite session has no server process to terminate`
if (skip !== undefined) console.info(`[crash.integration] not run on ${db.source}: ${skip}`)
const suffix = skip === undefined ? "" : ` (not run: ${skip})`

const admin = (sql: string, params: ReadonlyArray<unknown> = []) => Effect.promise(() => db.admin(sql, params))

const backendState = (pid: number) =>
  Effect.map(
    admin("SELECT state FROM pg_stat_activity WHERE pid = $1", [pid]),
    (rows) => rows[0]?.state as string | undefined
  )

type When = "idle, then COMMIT" | "idle, then a further statement" | "during a statement"

const scenarios: ReadonlyArray<When> = ["idle, then COMMIT", "idle, then a further statement", "during a statement"]

const issue = (caseId: string, commandId: string) => ({
  _tag: "IssueSupervision",
  actor: Examples.admin,
  caseId,
  commandId,
  orderId: commandId,
  level: "warning",
  dueAt: "2099-01-01T00:00:00Z",
  note: "督办"
})

describe(`PostgreSQL: a connection killed mid-transaction (${db.source})`, () => {
  scenarios.forEach((when, i) =>
    it.live.skipIf(skip !== undefined)(
      `killed ${when}: a typed StoreError, nothing of the transaction visible, the store works after${suffix}`,
      () =>
        Effect.scoped(Effect.gen(function*() {
          const applicationName = `fq-crash-${i}-${process.pid}`
          // one connection: the command after the crash can only succeed if the pool replaced the dead one
          const { center, sql, store } = yield* open({
            url: db.url,
            tablePrefix: freshPrefix("crash"),
            maxConnections: 1,
            applicationName
          })
          yield* runAll(center, toHandling("crash-1"))
          const before = Option.getOrThrow(yield* store.load(centre, "crash-1"))
          const eventsBefore = yield* store.readEvents(centre, "crash-1")

          const pid = yield* Deferred.make<number>()
          const killed = yield* Deferred.make<void>()
          // two whole commands in one transaction (an update and a registration, which takes a code number),
          // then the connection dies before COMMIT
          const doomed = store.withTransaction(Effect.gen(function*() {
            const updated = yield* center.execute(issue("crash-1", "doomed-1"))
            expect(updated.version).toBe(before.version + 1)
            const registered = yield* center.execute({ ...toHandling("crash-2")[0], commandId: "doomed-2" })
            expect(registered.code).toBe("222403-2025-000002")
            const [row] = yield* sql.unsafe<{ pid: number }>("SELECT pg_backend_pid() AS pid")
            yield* Deferred.succeed(pid, row!.pid)
            if (when === "during a statement") {
              yield* sql.unsafe("SELECT pg_sleep(60)")
            } else {
              yield* Deferred.await(killed)
              if (when === "idle, then a further statement") yield* sql.unsafe("SELECT 1")
            }
          }))
          const killer = Effect.gen(function*() {
            const p = yield* Deferred.await(pid)
            const state = when === "during a statement" ? "active" : "idle in transaction"
            yield* eventually(
              `backend ${p} to be ${state}`,
              Effect.map(backendState(p), (s) => s === state)
            )
            const [r] = yield* admin("SELECT pg_terminate_backend($1) AS ok", [p])
            expect(r!.ok).toBe(true)
            yield* eventually(`backend ${p} to exit`, Effect.map(backendState(p), (s) => s === undefined))
            yield* Deferred.succeed(killed, undefined)
            return p
          })
          const [exit, killedPid] = yield* Effect.all([Effect.exit(doomed), killer], { concurrency: 2 })

          // a typed failure (failureOf throws on a defect or an interruption)
          const error = failureOf(exit)
          expect(error).toMatchObject({ _tag: "StoreError" })

          // nothing of the transaction is visible
          expect(Option.getOrThrow(yield* store.load(centre, "crash-1"))).toStrictEqual(before)
          expect(yield* store.readEvents(centre, "crash-1")).toStrictEqual(eventsBefore)
          expect(Option.isNone(yield* store.findCommand(centre, "doomed-1"))).toBe(true)
          expect(Option.isNone(yield* store.findCommand(centre, "doomed-2"))).toBe(true)
          expect(Option.isNone(yield* store.load(centre, "crash-2"))).toBe(true)
          expect(yield* store.readEvents(centre, "crash-2")).toEqual([])

          // the same centre works on a new connection; the doomed registration gave its code number back
          const next = yield* center.execute(issue("crash-1", "after-1"))
          expect(next).toMatchObject({ version: before.version + 1, duplicate: false })
          const again = yield* center.execute(issue("crash-1", "doomed-1"))
          expect(again).toMatchObject({ version: before.version + 2, duplicate: false })
          const registered = yield* center.execute({ ...toHandling("crash-3")[0] })
          expect(registered.code).toBe("222403-2025-000002")
          const sessions = yield* admin(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
            [applicationName]
          )
          expect(sessions.map((s) => s.pid)).not.toContain(killedPid)
          expect(sessions.length).toBeLessThanOrEqual(1)
        })),
      30_000
    )
  )
  it.live.skipIf(skip !== undefined)(
    `killed inside a plain command's append (blocked on a row lock): a typed StoreError, nothing written, the same command id succeeds after${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        const applicationName = `fq-crash-append-${process.pid}`
        const prefix = freshPrefix("crash")
        const { center, store } = yield* open({ url: db.url, tablePrefix: prefix, maxConnections: 2, applicationName })
        yield* runAll(center, toHandling("crash-1"))
        const before = Option.getOrThrow(yield* store.load(centre, "crash-1"))
        const eventsBefore = yield* store.readEvents(centre, "crash-1")
        // another session holds the case row, so the append stops after claiming its command id
        const holder = yield* Effect.acquireRelease(
          Effect.promise(async () => {
            const client = new pg.Client({ connectionString: db.url })
            await client.connect()
            await client.query("BEGIN")
            await client.query(`SELECT id FROM ${prefix}cases WHERE centre = $1 AND id = $2 FOR UPDATE`, [
              centre,
              "crash-1"
            ])
            return client
          }),
          (client) => Effect.promise(() => client.end())
        )
        const fiber = yield* Effect.fork(Effect.exit(center.execute(issue("crash-1", "blocked-1"))))
        const waiting = () =>
          admin(
            `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND wait_event_type = 'Lock'`,
            [applicationName]
          )
        yield* eventually("the append to wait on the row lock", Effect.map(waiting(), (rows) => rows.length === 1))
        const [blocked] = yield* waiting()
        yield* admin("SELECT pg_terminate_backend($1)", [blocked!.pid])
        const exit = yield* Fiber.join(fiber)
        yield* Effect.promise(() => holder.query("ROLLBACK"))
        expect(failureOf(exit)).toMatchObject({ _tag: "StoreError", operation: "append" })
        expect(Option.getOrThrow(yield* store.load(centre, "crash-1"))).toStrictEqual(before)
        expect(yield* store.readEvents(centre, "crash-1")).toStrictEqual(eventsBefore)
        expect(Option.isNone(yield* store.findCommand(centre, "blocked-1"))).toBe(true)
        // the command id was not spent: sending the command again applies it (not a duplicate)
        const again = yield* center.execute(issue("crash-1", "blocked-1"))
        expect(again).toMatchObject({ version: before.version + 1, duplicate: false })
      })),
    30_000
  )

  it.live.skipIf(skip !== undefined)(
    `idle pooled connections killed between commands are replaced: the next commands succeed${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        const applicationName = `fq-crash-idle-${process.pid}`
        const { center, store } = yield* open({
          url: db.url,
          tablePrefix: freshPrefix("crash"),
          maxConnections: 3,
          applicationName
        })
        yield* runAll(center, toHandling("crash-1"))
        const sessions = () =>
          Effect.map(
            admin("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [applicationName]),
            (rows) => rows.map((r) => r.pid as number)
          )
        const pids = yield* sessions()
        expect(pids.length).toBeGreaterThan(0)
        yield* admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [
          applicationName
        ])
        yield* eventually("the pool's sessions to exit", Effect.map(sessions(), (now) => now.length === 0))
        const results = yield* Effect.all(
          Array.from({ length: 3 }, (_, n) => Effect.exit(center.execute(issue("crash-1", `after-idle-${n}`)))),
          { concurrency: 3 }
        )
        expect(results.filter(Exit.isFailure).map((e) => failureOf(e))).toEqual([])
        expect((yield* store.readEvents(centre, "crash-1")).map((e) => e.commandId).slice(-3).sort()).toEqual([
          "after-idle-0",
          "after-idle-1",
          "after-idle-2"
        ])
        const now = yield* sessions()
        for (const p of pids) expect(now).not.toContain(p)
      })),
    30_000
  )
})
