/**
 * The store's smaller state: plugin state (插件状态) with its versions, plugin migrations, sequences (for case
 * codes) and each centre's jurisdiction tree (辖区).
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import { CaseStore, Errors, type Jurisdiction } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { MAX_DEPTH } from "../columns.js"
import { type Context, storeError } from "./migrate.js"

/** @internal */
export const makeState = (
  ctx: Context
): CaseStore.PluginState & Pick<CaseStore.EventLog, "nextSequence"> & Pick<CaseStore.CaseIndex, "registerCentre"> => {
  const { dialect, exec, inTransactionOr, insertRows, json, run, sql, tf, withTransaction } = ctx
  const jurisdictionsHead = sql`INSERT INTO ${tf.jurisdictions} (centre, code, parent, level, tier, depth, name, path)`
  const jurisdictionRow = sql`(${null}, ${null}, ${null}, ${null}, ${null}, ${null}, ${null}, ${null})`
  const entry = (centre: string, namespace: string, key: string) =>
    sql`centre = ${centre} AND namespace = ${namespace} AND key = ${key}`
  const stateVersion = (centre: string, namespace: string, key: string) =>
    Effect.map(
      run(sql<{ version: unknown }>`SELECT version FROM ${tf.pluginState} WHERE ${entry(centre, namespace, key)}`),
      (rows) => (rows.length === 0 ? 0 : Number(rows[0]!.version))
    )

  const writeState = (centre: string, namespace: string, key: string, expectedVersion: number, value: unknown) =>
    Effect.gen(function*() {
      const conflict = (actual: number) =>
        new CaseStore.StateConflict({ namespace, key, expectedVersion, actualVersion: actual })
      if (value === undefined) {
        if (expectedVersion === 0) {
          const actual = yield* stateVersion(centre, namespace, key)
          return actual === 0 ? 0 : yield* conflict(actual)
        }
        const deleted = yield* run(
          sql`DELETE FROM ${tf.pluginState} WHERE ${
            entry(centre, namespace, key)
          } AND version = ${expectedVersion} RETURNING version`
        )
        return deleted.length === 1 ? 0 : yield* conflict(yield* stateVersion(centre, namespace, key))
      }
      const text = JSON.stringify(value)
      const written = expectedVersion === 0
        ? yield* run(
          sql<
            { version: unknown }
          >`INSERT INTO ${tf.pluginState} (centre, namespace, key, version, value, updated_ms) VALUES (${centre}, ${namespace}, ${key}, 1, ${
            json(text)
          }, ${Date.now()}) ON CONFLICT DO NOTHING RETURNING version`
        )
        : yield* run(
          sql<{ version: unknown }>`UPDATE ${tf.pluginState} SET version = version + 1, value = ${
            json(text)
          }, updated_ms = ${Date.now()} WHERE ${
            entry(centre, namespace, key)
          } AND version = ${expectedVersion} RETURNING version`
        )
      return written.length === 1
        ? Number(written[0]!.version)
        : yield* conflict(yield* stateVersion(centre, namespace, key))
    }).pipe(
      Effect.catchIf(
        (e): e is SqlError => e._tag === "SqlError",
        (e) => Effect.fail(storeError("writeState")(e))
      )
    )

  const stateEntries = (rows: ReadonlyArray<{ key: string; value: unknown; version: unknown }>) =>
    rows.map((r): CaseStore.StateEntry => ({
      key: r.key,
      value: dialect.readJson(r.value),
      version: Number(r.version)
    }))
  return {
    nextSequence: (centre, scope, count = 1) =>
      run(
        sql<
          { value: unknown }
        >`INSERT INTO ${tf.sequences} (centre, scope, value) VALUES (${centre}, ${scope}, ${count}) ON CONFLICT (centre, scope) DO UPDATE SET value = ${tf.sequences}.value + ${count} RETURNING value`
      ).pipe(
        Effect.map((rows) => Number(rows[0]!.value) - count + 1),
        Effect.mapError(storeError("nextSequence"))
      ),
    registerCentre: (centre, nodes) => {
      // the cases table keeps a column per level for grouping by jurisdiction (place_d0 … place_d5): a deeper
      // tree would be grouped wrongly, so it is refused before anything is written
      const deep = nodes.find((n: Jurisdiction.PlacedNode) => n.depth > MAX_DEPTH)
      if (deep !== undefined) {
        return Effect.fail(
          new Errors.StoreError({
            operation: "registerCentre",
            reason: `the SQL stores hold jurisdiction trees of at most ${MAX_DEPTH + 1} levels from the centre's ` +
              `root; node ${deep.code} is on level ${deep.depth + 1}`
          })
        )
      }
      return withTransaction(Effect.zipRight(
        // centres starting at once replace the tree one after the other (PostgreSQL: an advisory lock held
        // until COMMIT; SQLite's BEGIN IMMEDIATE already excludes other writers)
        dialect.migrationLock === undefined
          ? exec(sql`DELETE FROM ${tf.jurisdictions} WHERE centre = ${centre}`)
          : Effect.zipRight(
            exec(sql.unsafe(dialect.migrationLock(ctx.t.jurisdictions))),
            exec(sql`DELETE FROM ${tf.jurisdictions} WHERE centre = ${centre}`)
          ),
        insertRows(
          jurisdictionsHead,
          jurisdictionRow,
          nodes.map((n: Jurisdiction.PlacedNode) => [
            centre,
            n.code,
            n.parent ?? null,
            n.level,
            n.tier,
            n.depth,
            n.name,
            n.path
          ]),
          500
        )
      )).pipe(Effect.mapError(storeError("registerCentre")))
    },
    readState: (centre, namespace, keys) =>
      keys.length === 0 ? Effect.succeed([]) : run(
        sql<
          { key: string; value: unknown; version: unknown }
        >`SELECT key, value, version FROM ${tf.pluginState} WHERE centre = ${centre} AND namespace = ${namespace} AND key IN ${
          sql.in(keys)
        }`
      ).pipe(
        Effect.map((rows) => {
          const byKey = new Map(stateEntries(rows).map((e) => [e.key, e]))
          return keys.flatMap((k) => {
            const e = byKey.get(k)
            return e === undefined ? [] : [e]
          })
        }),
        Effect.mapError(storeError("readState"))
      ),
    writeState,
    scanState: (centre, namespace, options) => {
      const { after, limit, prefix } = options
      const clauses = [
        sql`centre = ${centre}`,
        sql`namespace = ${namespace}`,
        sql`key >= ${prefix}`,
        // substr counts characters (code points), not JavaScript's UTF-16 units
        sql`substr(key, 1, ${[...prefix].length}) = ${prefix}`
      ]
      const last = prefix.charCodeAt(prefix.length - 1)
      if (prefix.length > 0 && last < 0xd7ff) {
        // an upper bound keeps the scan inside the prefix's range of the index
        clauses.push(sql`key < ${prefix.slice(0, -1) + String.fromCharCode(last + 1)}`)
      }
      if (after !== undefined) clauses.push(sql`key > ${after}`)
      return run(
        sql<
          { key: string; value: unknown; version: unknown }
        >`SELECT key, value, version FROM ${tf.pluginState} WHERE ${sql.and(clauses)} ORDER BY key LIMIT ${limit}`
      ).pipe(
        Effect.map(stateEntries),
        Effect.mapError(storeError("scanState"))
      )
    },
    pluginMigrations: (centre, plugin) => {
      const select = exec(
        sql<
          { id: unknown }
        >`SELECT id FROM ${tf.pluginMigrations} WHERE centre = ${centre} AND plugin = ${plugin} ORDER BY id`
      )
      // inside a transaction, the store's migration lock first (held until it ends): a process applying a plugin
      // migration reads, applies and records it before another one reads (SQLite: BEGIN IMMEDIATE already did)
      const locked = dialect.migrationLock === undefined
        ? select
        : Effect.zipRight(exec(sql.unsafe(dialect.migrationLock(ctx.t.migrations))), select)
      return inTransactionOr(locked, select).pipe(
        Effect.map((rows) => rows.map((r) => Number(r.id))),
        Effect.mapError(storeError("pluginMigrations"))
      )
    },
    recordPluginMigration: (centre, plugin, id, name) =>
      exec(
        sql`INSERT INTO ${tf.pluginMigrations} (centre, plugin, id, name, applied_at) VALUES (${centre}, ${plugin}, ${id}, ${name}, ${
          new Date().toISOString()
        })`
      ).pipe(Effect.asVoid, Effect.mapError(storeError("recordPluginMigration")))
  }
}
