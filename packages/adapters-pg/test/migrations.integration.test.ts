/**
 * Schema migrations on PostgreSQL: safe when several processes start at once (an advisory lock keeps them apart),
 * idempotent, and under the application's control with `autoMigrate: false`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Plugin, Privacy } from "@fengqiao/core"
import { Migrations, SqlStore } from "@fengqiao/sql"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { afterAll } from "vitest"
import { PgStore } from "../src/index.js"
import { testDatabase } from "./database.js"
import { centre, config, failureOf, freshPrefix, open, toHandling } from "./support.js"

const db = await testDatabase()
afterAll(() => db.close())

const skip = db.concurrentWriters === true ? undefined : db.concurrentWriters.skip
if (skip !== undefined) {
  console.info(`[migrations.integration] concurrent start-up tests not run on ${db.source}: ${skip}`)
}
const suffix = skip === undefined ? "" : ` (not run: ${skip})`

const admin = (sql: string, params: ReadonlyArray<unknown> = []) => Effect.promise(() => db.admin(sql, params))

const expected = (prefix: string) =>
  Migrations.migrations(PgStore.dialect, prefix).map((m) => ({ id: m.id, name: m.name }))

/** The rows of the migrations table: id, name, and how often each id is there. */
const recorded = (prefix: string) =>
  admin(`SELECT id, min(name) AS name, count(*)::int AS n FROM ${prefix}migrations GROUP BY id ORDER BY id`)

const exists = (table: string) =>
  Effect.map(admin("SELECT to_regclass($1) IS NOT NULL AS present", [table]), (rows) => rows[0]!.present === true)

const openStore = (options: PgStore.Options) =>
  Effect.map(Layer.build(PgStore.layer(options)), (context) => Context.get(context, SqlStore.SqlStore))

describe(`PostgreSQL: migrations (${db.source})`, () => {
  it.live.skipIf(skip !== undefined)(
    `four processes starting at once on new tables: all succeed, each migration is applied once${suffix}`,
    () =>
      Effect.gen(function*() {
        for (let round = 0; round < 3; round++) {
          const prefix = freshPrefix("mig")
          yield* Effect.scoped(Effect.gen(function*() {
            const stores = yield* Effect.all(
              Array.from({ length: 4 }, () => openStore({ url: db.url, tablePrefix: prefix, maxConnections: 2 })),
              { concurrency: "unbounded" }
            )
            const rows = yield* recorded(prefix)
            expect(rows.map((r) => ({ id: Number(r.id), name: r.name }))).toEqual(expected(prefix))
            expect(rows.every((r) => r.n === 1)).toBe(true)
            for (const store of stores) {
              expect(yield* store.appliedMigrations).toEqual(expected(prefix).map((m) => m.id))
              expect(yield* store.migrate).toEqual([])
            }
            // and every one of them works on the same tables
            const numbers = yield* Effect.all(
              stores.map((s) => s.withTransaction(s.nextSequence(centre, "x"))),
              { concurrency: "unbounded" }
            )
            expect([...numbers].sort()).toEqual([1, 2, 3, 4])
          }))
        }
      }),
    60_000
  )

  it.live.skipIf(skip !== undefined)(
    `four centres starting at once over the same tables all come up (the jurisdiction tree is registered once)${suffix}`,
    () =>
      Effect.gen(function*() {
        for (let round = 0; round < 3; round++) {
          const prefix = freshPrefix("start")
          yield* Effect.scoped(Effect.gen(function*() {
            const options = { url: db.url, tablePrefix: prefix, maxConnections: 2 }
            // the tables exist already (a previous deployment): only the centres start concurrently
            yield* Effect.scoped(open(options))
            const exits = yield* Effect.all(
              Array.from({ length: 4 }, () => Effect.exit(open(options))),
              { concurrency: "unbounded" }
            )
            for (const exit of exits) {
              expect(exit._tag === "Success" ? "started" : String(exit.cause)).toBe("started")
            }
            const [first] = exits
            if (first?._tag !== "Success") return
            const registered = yield* first.value.center.execute(toHandling(`start-${round}`)[0])
            expect(registered.version).toBe(1)
            const nodes = yield* admin(`SELECT count(*)::int AS n FROM ${prefix}jurisdictions WHERE centre = $1`, [
              centre
            ])
            expect(nodes[0]!.n).toBe(config.jurisdictions.length)
          }))
        }
      }),
    60_000
  )

  it.live.skipIf(skip !== undefined)(
    `four centres with plugin migrations starting at once all come up; each migration runs once${suffix}`,
    () =>
      Effect.gen(function*() {
        // two migrations, each counting its runs in the plugin's state and taking a while, so the starts overlap
        const plugin = Plugin.definePlugin({
          id: "migrating",
          version: "1.0.0",
          migrations: [1, 2].map((id) => ({
            id,
            name: `step ${id}`,
            up: (ctx: Plugin.Context<undefined>) =>
              Effect.zipRight(
                Effect.sleep("100 millis"),
                ctx.state.update(`m${id}`, (runs) => (typeof runs === "number" ? runs : 0) + 1)
              )
          }))
        })
        for (let round = 0; round < 3; round++) {
          const prefix = freshPrefix("plugin")
          yield* Effect.scoped(Effect.gen(function*() {
            const options = { url: db.url, tablePrefix: prefix, maxConnections: 2 }
            // the tables exist already (a previous deployment): only the plugin's migrations are new
            yield* Effect.scoped(open(options))
            const exits = yield* Effect.all(
              Array.from({ length: 4 }, () => Effect.exit(open(options, { plugins: [plugin] }))),
              { concurrency: "unbounded" }
            )
            for (const exit of exits) {
              expect(exit._tag === "Success" ? "started" : String(exit.cause)).toBe("started")
            }
            expect(
              yield* admin(`SELECT plugin, id FROM ${prefix}plugin_migrations WHERE centre = $1 ORDER BY id`, [centre])
            ).toEqual([{ plugin: "migrating", id: 1 }, { plugin: "migrating", id: 2 }])
            expect(
              yield* admin(
                `SELECT key, value FROM ${prefix}plugin_state WHERE centre = $1 AND namespace = 'migrating' ORDER BY key`,
                [centre]
              )
            ).toEqual([{ key: "m1", value: "1" }, { key: "m2", value: "1" }])
          }))
        }
      }),
    60_000
  )

  it.live("with autoMigrate: false nothing is created until SqlStore.migrate, which applies each migration once", () =>
    Effect.scoped(Effect.gen(function*() {
      const prefix = freshPrefix("manual")
      const options = { url: db.url, tablePrefix: prefix, maxConnections: db.maxConnections }
      const store = yield* openStore({ ...options, autoMigrate: false })
      expect(yield* exists(`${prefix}migrations`)).toBe(false)
      expect(yield* exists(`${prefix}events`)).toBe(false)
      expect(yield* store.appliedMigrations).toEqual([])
      // the store answers with a typed error, not a defect, until it is migrated
      const before = failureOf(yield* Effect.exit(store.load(centre, "any")))
      expect(before).toMatchObject({ _tag: "StoreError", operation: "load" })
      // reading what is applied created nothing
      expect(yield* exists(`${prefix}migrations`)).toBe(false)

      const all = expected(prefix).map((m) => m.id)
      expect(yield* store.migrate).toEqual(all)
      expect(yield* store.migrate).toEqual([])
      expect(yield* store.appliedMigrations).toEqual(all)
      const rows = yield* recorded(prefix)
      expect(rows.map((r) => ({ id: Number(r.id), name: r.name, n: r.n }))).toEqual(
        expected(prefix).map((m) => ({ ...m, n: 1 }))
      )
      for (const t of Object.values(Migrations.tables(prefix))) expect(yield* exists(t), t).toBe(true)
      expect(Option.isNone(yield* store.load(centre, "any"))).toBe(true)

      // a store opened the default way afterwards applies nothing and sees the same data
      const stamps = yield* admin(`SELECT id, applied_at FROM ${prefix}migrations ORDER BY id`)
      const { center } = yield* open(options)
      const r = yield* center.execute(toHandling("manual-1")[0])
      expect(Privacy.maskCase(Option.getOrThrow(yield* store.load(centre, r.caseId)))).toStrictEqual(r.case)
      expect(yield* admin(`SELECT id, applied_at FROM ${prefix}migrations ORDER BY id`)).toEqual(stamps)
    })))

  it.live("tables migrated by a newer SDK are refused: the layer, migrate and every query fail, nothing is written", () =>
    Effect.scoped(Effect.gen(function*() {
      const prefix = freshPrefix("newer")
      const options = { url: db.url, tablePrefix: prefix, maxConnections: db.maxConnections }
      const caseId = yield* Effect.scoped(
        Effect.flatMap(open(options), ({ center }) => center.execute(toHandling("newer-1")[0]))
      ).pipe(Effect.map((r) => r.caseId))
      const ids = expected(prefix).map((m) => m.id)
      const latest = ids.at(-1)!
      // as a later version of the SDK leaves them: one more migration recorded
      yield* admin(`INSERT INTO ${prefix}migrations (id, name, applied_at) VALUES ($1, 'from the future', 'now')`, [
        latest + 1
      ])
      const reason = `the database schema is at migration ${
        latest + 1
      }, newer than this SDK's ${latest}; upgrade @fengqiao/sql`
      const failed = failureOf(yield* Effect.exit(Effect.scoped(openStore(options))))
      expect(failed).toMatchObject({ _tag: "StoreError", operation: "migrate", reason })
      const store = yield* openStore({ ...options, autoMigrate: false })
      expect(failureOf(yield* Effect.exit(store.migrate))).toMatchObject({ _tag: "StoreError", reason })
      expect(failureOf(yield* Effect.exit(store.ensureMigrated))).toMatchObject({ _tag: "StoreError", reason })
      expect(failureOf(yield* Effect.exit(store.load(centre, caseId)))).toMatchObject({
        _tag: "StoreError",
        operation: "load",
        reason
      })
      expect(failureOf(yield* Effect.exit(store.readEvents(centre, caseId)))).toMatchObject({ reason })
      expect(yield* store.appliedMigrations).toEqual([...ids, latest + 1])
      expect((yield* recorded(prefix)).map((r) => [Number(r.id), r.n])).toEqual(
        [...ids, latest + 1].map((id) => [id, 1])
      )
    })))

  it.live.skipIf(skip !== undefined)(
    `a role with no right to create tables uses a store its owner migrated, and creates nothing${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        const prefix = freshPrefix("role")
        const role = `fq_app_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
        const password = Math.random().toString(36).slice(2)
        // dropped when the test ends, after the role's own pools (opened later in the scope) are closed
        yield* Effect.acquireRelease(
          admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`),
          () => Effect.orDie(admin(`DROP OWNED BY ${role}; DROP ROLE ${role}`))
        )
        const url = new URL(db.url)
        url.username = role
        url.password = password
        const asRole = { url: url.toString(), tablePrefix: prefix, maxConnections: 2 }

        // before migration: the role can tell that nothing is migrated, and the store refuses to serve
        const early = yield* openStore({ ...asRole, autoMigrate: false })
        expect(yield* early.appliedMigrations).toEqual([])
        expect(failureOf(yield* Effect.exit(early.load(centre, "any")))).toMatchObject({
          _tag: "StoreError",
          reason: expect.stringContaining("not migrated")
        })
        expect(yield* exists(`${prefix}migrations`)).toBe(false)

        // the deployment step, as the owner
        const all = expected(prefix).map((m) => m.id)
        expect(
          yield* Effect.scoped(
            Effect.flatMap(openStore({ url: db.url, tablePrefix: prefix, autoMigrate: false }), (s) => s.migrate)
          )
        )
          .toEqual(all)
        // the application's role: data rights only; no right to create anything in the schema
        yield* admin(`GRANT USAGE ON SCHEMA public TO ${role}`)
        yield* admin(
          `GRANT SELECT, INSERT, UPDATE, DELETE ON ${Object.values(Migrations.tables(prefix)).join(", ")} TO ${role}`
        )
        yield* admin(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`)
        const rights = yield* admin(
          `SELECT has_schema_privilege($1, 'public', 'CREATE') AS can_create`,
          [role]
        )
        if (rights[0]!.can_create === true) yield* admin("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        expect(yield* admin("SELECT has_schema_privilege($1, 'public', 'CREATE') AS can_create", [role])).toEqual([
          { can_create: false }
        ])

        // the store opened before migration works now
        expect(yield* early.appliedMigrations).toEqual(all)
        yield* early.ensureMigrated
        expect(Option.isNone(yield* early.load(centre, "any"))).toBe(true)
        // and so does a centre on a store opened as the role, with autoMigrate: false and with the default (nothing
        // left to apply, so nothing to create)
        for (const autoMigrate of [false, true]) {
          const { center, store } = yield* open({ ...asRole, autoMigrate, outboxSubscriptions: ["bus"] })
          expect(yield* store.appliedMigrations).toEqual(all)
          expect(yield* store.migrate).toEqual([])
          const r = yield* center.execute(toHandling(`role-${autoMigrate}`)[0])
          expect(r.version).toBe(1)
          expect((yield* store.readEvents(centre, r.caseId)).map((e) => e.version)).toEqual([1])
        }
        expect(yield* admin(`SELECT count(*)::int AS n FROM ${prefix}cases`)).toEqual([{ n: 2 }])
      })),
    30_000
  )

  it.live.skipIf(skip !== undefined)(
    `two stores with autoMigrate: false migrating at once: one applies everything, the other nothing${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        const prefix = freshPrefix("manual")
        const options = { url: db.url, tablePrefix: prefix, maxConnections: 2, autoMigrate: false }
        const a = yield* openStore(options)
        const b = yield* openStore(options)
        const results = yield* Effect.all([a.migrate, b.migrate], { concurrency: 2 })
        const all = expected(prefix).map((m) => m.id)
        expect([...results].sort((x, y) => y.length - x.length)).toEqual([all, []])
        expect((yield* recorded(prefix)).map((r) => r.n)).toEqual(all.map(() => 1))
      })),
    30_000
  )
})
