/**
 * `verify`: the audit trail (审计链) of every case, page by page, checked against the stored events.
 *
 * @internal
 */
import { AuditTrail, type CaseStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { type Context, parseJson, storeError } from "./migrate.js"

/** @internal */
export const makeVerify = (ctx: Context): CaseStore.Audit["verify"] => {
  const { dialect, exec, sql, tf } = ctx
  type EventRow = {
    case_id: string
    version: unknown
    type: unknown
    at_ms: unknown
    actor_id: unknown
    command_id: unknown
    correlation_id: unknown
    envelope: unknown
    hash: unknown
  }
  const storedEvent = (r: EventRow): AuditTrail.StoredEvent => {
    const version = Number(r.version)
    const hash = typeof r.hash === "string" ? r.hash : null
    const json = parseJson(dialect, r.envelope)
    if (Either.isLeft(json)) return { version, content: undefined, unreadable: json.left, hash }
    const e = json.right as {
      event?: { _tag?: unknown }
      at?: unknown
      actor?: { id?: unknown }
      commandId?: unknown
      correlationId?: unknown
    } | null
    const atMs = typeof e?.at === "string" ? Date.parse(e.at) : Number.NaN
    // the index columns beside the envelope are copies of its content: a changed copy is a changed row
    const problem = e === null || typeof e !== "object"
      ? "the stored event is not an object"
      : String(r.type) !== String(e.event?._tag)
      ? "the type column does not match the event"
      : Number(r.at_ms) !== atMs
      ? "the at_ms column does not match the event's time"
      : String(r.actor_id) !== String(e.actor?.id)
      ? "the actor_id column does not match the event"
      : String(r.command_id) !== String(e.commandId) || String(r.correlation_id) !== String(e.correlationId)
      ? "the command_id or correlation_id column does not match the event"
      : undefined
    return { version, content: json.right, hash, problem, atMs: Number(r.at_ms) }
  }
  const eventSelect =
    sql`SELECT case_id, version, type, at_ms, actor_id, command_id, correlation_id, envelope, hash FROM ${tf.events}`

  const verify = (centre: string, caseId?: string) =>
    Effect.gen(function*() {
      const enabled = yield* exec(sql<{ applied_at: unknown }>`SELECT applied_at FROM ${tf.migrations} WHERE id = 5`)
      const enabledAtMs = enabled.length === 0 ? undefined : Date.parse(String(enabled[0]!.applied_at))
      let report = AuditTrail.emptyReport
      let after: string | undefined
      for (;;) {
        const where = [sql`centre = ${centre}`]
        if (caseId !== undefined) where.push(sql`id = ${caseId}`)
        else if (after !== undefined) where.push(sql`id > ${after}`)
        const page = yield* exec(
          sql<
            { id: string; version: unknown; head_hash: unknown; status: unknown }
          >`SELECT id, version, head_hash, status FROM ${tf.cases} WHERE ${sql.and(where)} ORDER BY id LIMIT 500`
        )
        const last = caseId ?? (page.length === 500 ? page.at(-1)!.id : undefined)
        // events of the page's id range: (after, last], so rows without a case row are found too
        const eventWhere = [sql`centre = ${centre}`]
        if (caseId !== undefined) {
          eventWhere.push(sql`case_id = ${caseId}`)
        } else {
          if (after !== undefined) eventWhere.push(sql`case_id > ${after}`)
          if (last !== undefined) eventWhere.push(sql`case_id <= ${last}`)
        }
        const rows = yield* exec(
          sql<EventRow>`${eventSelect} WHERE ${sql.and(eventWhere)} ORDER BY case_id, version`
        )
        const byCase = new Map<string, Array<AuditTrail.StoredEvent>>()
        for (const r of rows) {
          const list = byCase.get(r.case_id) ?? []
          if (list.length === 0) byCase.set(r.case_id, list)
          list.push(storedEvent(r))
        }
        const caseRows = new Map(page.map((r) => [r.id, r]))
        const ids = [...new Set([...caseRows.keys(), ...byCase.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        for (const id of ids) {
          const row = caseRows.get(id)
          const events = byCase.get(id) ?? []
          const findings = row === undefined
            ? {
              events: events.length,
              unhashed: 0,
              broken: { version: events[0]?.version ?? 1, reason: "events are stored without a case row" }
            }
            : AuditTrail.checkCase(
              id,
              events,
              {
                version: Number(row.version),
                hash: typeof row.head_hash === "string" ? row.head_hash : null,
                status: String(row.status)
              },
              enabledAtMs
            )
          report = AuditTrail.addFindings(report, id, findings)
        }
        if (caseId !== undefined || last === undefined) return report
        after = last
      }
    }).pipe(Effect.mapError(storeError("verify")))
  return verify
}
