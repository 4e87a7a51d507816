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
export const makeState = (ctx: Context): Pick<
  CaseStore.CaseStore,
  | "nextSequence"
  | "registerCentre"
  | "readState"
  | "writeState"
  | "scanState"
  | "pluginMigrations"
  | "recordPluginMigration"
> => {
  const { dialect, inTransactionOr, insertChunks, q, t, withTransaction } = ctx
  const stateVersion = (centre: string, namespace: string, key: string) =>
    Effect.map(
      q<{ version: unknown }>(`SELECT version FROM ${t.pluginState} WHERE centre = ? AND namespace = ? AND key = ?`, [
        centre,
        namespace,
        key
      ]),
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
        const deleted = yield* q(
          `DELETE FROM ${t.pluginState} WHERE centre = ? AND namespace = ? AND key = ? AND version = ? RETURNING version`,
          [centre, namespace, key, expectedVersion]
        )
        return deleted.length === 1 ? 0 : yield* conflict(yield* stateVersion(centre, namespace, key))
      }
      const json = JSON.stringify(value)
      const written = expectedVersion === 0
        ? yield* q(
          `INSERT INTO ${t.pluginState} (centre, namespace, key, version, value, updated_ms) VALUES (?, ?, ?, 1, ${
            dialect.jsonParameter("?")
          }, ?) ON CONFLICT DO NOTHING RETURNING version`,
          [centre, namespace, key, json, Date.now()]
        )
        : yield* q(
          `UPDATE ${t.pluginState} SET version = version + 1, value = ${
            dialect.jsonParameter("?")
          }, updated_ms = ? WHERE centre = ? AND namespace = ? AND key = ? AND version = ? RETURNING version`,
          [json, Date.now(), centre, namespace, key, expectedVersion]
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
      q<{ value: unknown }>(
        `INSERT INTO ${t.sequences} (centre, scope, value) VALUES (?, ?, ?) ON CONFLICT (centre, scope) DO UPDATE SET value = ${t.sequences}.value + ? RETURNING value`,
        [centre, scope, count, count]
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
          ? q(`DELETE FROM ${t.jurisdictions} WHERE centre = ?`, [centre])
          : Effect.zipRight(
            q(dialect.migrationLock(t.jurisdictions)),
            q(`DELETE FROM ${t.jurisdictions} WHERE centre = ?`, [centre])
          ),
        insertChunks(
          `INSERT INTO ${t.jurisdictions} (centre, code, parent, level, tier, depth, name, path)`,
          "(?, ?, ?, ?, ?, ?, ?, ?)",
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
      keys.length === 0 ? Effect.succeed([]) : q<{ key: string; value: unknown; version: unknown }>(
        `SELECT key, value, version FROM ${t.pluginState} WHERE centre = ? AND namespace = ? AND key IN (${
          keys.map(() => "?").join(", ")
        })`,
        [centre, namespace, ...keys]
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
      // substr counts characters (code points), not JavaScript's UTF-16 units
      const params: Array<unknown> = [centre, namespace, options.prefix, [...options.prefix].length, options.prefix]
      let text =
        `SELECT key, value, version FROM ${t.pluginState} WHERE centre = ? AND namespace = ? AND key >= ? AND substr(key, 1, ?) = ?`
      const last = options.prefix.charCodeAt(options.prefix.length - 1)
      if (options.prefix.length > 0 && last < 0xd7ff) {
        // an upper bound keeps the scan inside the prefix's range of the index
        text += " AND key < ?"
        params.push(options.prefix.slice(0, -1) + String.fromCharCode(last + 1))
      }
      if (options.after !== undefined) {
        text += " AND key > ?"
        params.push(options.after)
      }
      params.push(options.limit)
      return q<{ key: string; value: unknown; version: unknown }>(`${text} ORDER BY key LIMIT ?`, params).pipe(
        Effect.map(stateEntries),
        Effect.mapError(storeError("scanState"))
      )
    },
    pluginMigrations: (centre, plugin) => {
      const select = q<{ id: unknown }>(
        `SELECT id FROM ${t.pluginMigrations} WHERE centre = ? AND plugin = ? ORDER BY id`,
        [centre, plugin]
      )
      // inside a transaction, the store's migration lock first (held until it ends): a process applying a plugin
      // migration reads, applies and records it before another one reads (SQLite: BEGIN IMMEDIATE already did)
      const locked = dialect.migrationLock === undefined
        ? select
        : Effect.zipRight(q(dialect.migrationLock(t.migrations)), select)
      return inTransactionOr(locked, select).pipe(
        Effect.map((rows) => rows.map((r) => Number(r.id))),
        Effect.mapError(storeError("pluginMigrations"))
      )
    },
    recordPluginMigration: (centre, plugin, id, name) =>
      q(`INSERT INTO ${t.pluginMigrations} (centre, plugin, id, name, applied_at) VALUES (?, ?, ?, ?, ?)`, [
        centre,
        plugin,
        id,
        name,
        new Date().toISOString()
      ]).pipe(Effect.asVoid, Effect.mapError(storeError("recordPluginMigration")))
  }
}
