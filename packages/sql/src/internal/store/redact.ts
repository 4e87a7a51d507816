/**
 * `redact`: retention (保存期限) rewrites or purges a case's events, its snapshot and its outbox copies in one
 * transaction, the events written again through the same `insertEvents` as an append.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import { AuditTrail, type CaseStore, Errors } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import type { makeAppend } from "./append.js"
import { type Context, storeError } from "./migrate.js"
import type { Read } from "./read.js"

/** @internal */
export const makeRedact = (
  ctx: Context,
  reading: Read,
  writing: Pick<ReturnType<typeof makeAppend>, "insertEvents">
): CaseStore.CaseStore["redact"] => {
  const { dialect, q, t, withTransaction } = ctx
  const { currentVersion, remember, rememberHead } = reading
  const { insertEvents } = writing
  const redact = (req: CaseStore.RedactRequest) =>
    withTransaction(Effect.gen(function*() {
      const snapshotJson = JSON.stringify(req.snapshot)
      const hashes = req.events === undefined ? [] : AuditTrail.chain(AuditTrail.genesis, req.events)
      const head = req.events === undefined ? AuditTrail.purgedHead : hashes.at(-1) ?? AuditTrail.genesis
      const updated = req.snapshot.version !== req.version ? [] : yield* q(
        `UPDATE ${t.cases} SET snapshot = ${
          dialect.jsonParameter("?")
        }, head_hash = ? WHERE centre = ? AND id = ? AND version = ? RETURNING version`,
        [snapshotJson, head, req.centre, req.caseId, req.version]
      )
      if (updated.length === 0) {
        return yield* new Errors.VersionConflict({
          caseId: req.caseId,
          expectedVersion: req.version,
          actualVersion: yield* currentVersion(req.centre, req.caseId)
        })
      }
      yield* q(`DELETE FROM ${t.events} WHERE centre = ? AND case_id = ?`, [req.centre, req.caseId])
      // the outbox holds copies of the events: purged, they all go; rewritten, the delivered copies go and those
      // not yet delivered are rewritten (still delivered, without what retention removed)
      yield* q(
        `DELETE FROM ${t.outbox} WHERE centre = ? AND case_id = ?${
          req.events === undefined ? "" : " AND delivered_ms IS NOT NULL"
        }`,
        [req.centre, req.caseId]
      )
      if (req.events !== undefined && req.events.length > 0) {
        yield* q(
          `UPDATE ${t.outbox} SET envelope = CASE version ${
            req.events.map(() => `WHEN ? THEN ${dialect.jsonParameter("?")}`).join(" ")
          } ELSE envelope END WHERE centre = ? AND case_id = ? AND delivered_ms IS NULL`,
          [...req.events.flatMap((e) => [e.version, JSON.stringify(e)]), req.centre, req.caseId]
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
