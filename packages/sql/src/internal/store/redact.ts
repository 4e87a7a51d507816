/**
 * `redact`: retention (保存期限) rewrites or purges a case's events, its snapshot and its outbox copies in one
 * transaction, the events written again through the same `insertEvents` as an append.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import { AuditTrail, type CaseStore, Errors } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { caseColumns } from "../columns.js"
import type { makeAppend } from "./append.js"
import { type Context, storeError } from "./migrate.js"
import type { Read } from "./read.js"

/** @internal */
export const makeRedact = (
  ctx: Context,
  reading: Read,
  writing: Pick<ReturnType<typeof makeAppend>, "insertEvents">
): CaseStore.Audit["redact"] => {
  const { exec, json, seal: sealing, sql, tf, withTransaction } = ctx
  const { currentVersion, remember, rememberHead } = reading
  const { insertEvents } = writing
  const redact = (req: CaseStore.RedactRequest) =>
    withTransaction(Effect.gen(function*() {
      const snapshotJson = JSON.stringify(req.snapshot)
      const hashes = req.events === undefined ? [] : AuditTrail.chain(AuditTrail.genesis, req.events)
      // the row as it is: its summary is kept, and its seal is made again over the new snapshot
      const [current] = req.snapshot.version !== req.version ? [] : yield* exec(
        sql<Record<string, unknown>>`SELECT ${
          sql.literal(caseColumns.join(", "))
        }, head_hash FROM ${tf.cases} WHERE centre = ${req.centre} AND id = ${req.caseId} AND version = ${req.version}`
      )
      let purge: string | null = null
      let head = hashes.at(-1) ?? AuditTrail.genesis
      if (req.events === undefined && current !== undefined) {
        // the purge is the chain's last link: what was removed, under which rule, by whom
        const now = new Date().toISOString()
        const record: AuditTrail.PurgeRecord = {
          _tag: "Purged",
          caseId: req.caseId,
          version: req.version,
          events: req.version,
          lastHash: typeof current.head_hash === "string" ? current.head_hash : AuditTrail.genesis,
          rule: { mode: "purge", cutoff: req.rule?.cutoff ?? now },
          at: req.rule?.at ?? now,
          actorId: req.rule?.actorId ?? "system"
        }
        purge = JSON.stringify(record)
        head = AuditTrail.purgeHead(record)
      }
      const cells = caseColumns.map((c) => (c === "snapshot" ? snapshotJson : current?.[c]))
      const seal = AuditTrail.sealCase({ centre: req.centre, caseId: req.caseId, head, purge, cells }, sealing.key)
      const updated = current === undefined ? [] : yield* exec(
        sql`UPDATE ${tf.cases} SET snapshot = ${
          json(snapshotJson)
        }, head_hash = ${head}, seal = ${seal}, purge = ${purge} WHERE centre = ${req.centre} AND id = ${req.caseId} AND version = ${req.version} RETURNING version`
      )
      if (updated.length === 0) {
        return yield* new Errors.VersionConflict({
          caseId: req.caseId,
          expectedVersion: req.version,
          actualVersion: yield* currentVersion(req.centre, req.caseId)
        })
      }
      const ofCase = sql`centre = ${req.centre} AND case_id = ${req.caseId}`
      yield* exec(sql`DELETE FROM ${tf.events} WHERE ${ofCase}`)
      // the outbox holds copies of the events: purged, they all go; rewritten, the delivered copies go and those
      // not yet delivered are rewritten (still delivered, without what retention removed)
      yield* exec(
        sql`DELETE FROM ${tf.outbox} WHERE ${ofCase}${
          sql.literal(req.events === undefined ? "" : " AND delivered_ms IS NOT NULL")
        }`
      )
      if (req.events !== undefined && req.events.length > 0) {
        yield* exec(
          sql`UPDATE ${tf.outbox} SET envelope = CASE version ${
            sql.join(" ", false)(req.events.map((e) => sql`WHEN ${e.version} THEN ${json(JSON.stringify(e))}`))
          } ELSE envelope END WHERE ${ofCase} AND delivered_ms IS NULL`
        )
      }
      if (req.events !== undefined) {
        yield* insertEvents([{ centre: req.centre, events: req.events, hashes }], 500)
      }
      remember(req.centre, snapshotJson, req.snapshot)
      rememberHead(req.centre, req.caseId, req.version, head)
    })).pipe(
      Effect.catchIf(
        (e): e is SqlError => e._tag === "SqlError",
        (e) => Effect.fail(storeError("redact")(e))
      )
    )
  return redact
}
