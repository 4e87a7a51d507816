/**
 * `verify`: the audit trail (审计链) of every case, page by page, checked against the stored events.
 *
 * @internal
 */
import { AuditTrail, type CaseStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { caseColumns } from "../columns.js"
import { type Context, parseJson, storeError } from "./migrate.js"
import { type CaseRow, sealProblem } from "./read.js"

/** @internal */
export const makeVerify = (ctx: Context): CaseStore.Audit["verify"] => {
  const { dialect, exec, seal, sql, tf } = ctx
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

  /** One case's findings: its purge record or its chain, then its row's seal. */
  const findingsOf = (
    centre: string,
    id: string,
    row: CaseRow & { status: unknown; archived_at: unknown },
    events: ReadonlyArray<AuditTrail.StoredEvent>,
    enabledAtMs: number | undefined
  ): AuditTrail.CaseFindings => {
    const version = Number(row.version)
    const hash = typeof row.head_hash === "string" ? row.head_hash : null
    const status = String(row.status)
    let findings: AuditTrail.CaseFindings
    if (typeof row.purge === "string" || hash === AuditTrail.purgedHead) {
      // a purge is only what its record says, never the bare marker
      let problem: string | undefined
      if (typeof row.purge !== "string") {
        problem = status !== "archived"
          ? `the case is marked purged but is ${status}: only archived cases are purged`
          : "the case is marked purged without a purge record"
      } else {
        const record = parseJson(dialect, row.purge)
        problem = Either.isLeft(record)
          ? `the purge record cannot be read: ${record.left}`
          : AuditTrail.checkPurge(id, record.right, {
            version,
            hash,
            status,
            archivedAtMs: row.archived_at === null || row.archived_at === undefined
              ? undefined
              : Number(row.archived_at)
          }, events.length)
      }
      findings = problem === undefined
        ? { events: 0, unhashed: 0, purged: true }
        : { events: events.length, unhashed: 0, broken: { version, reason: problem } }
    } else {
      findings = AuditTrail.checkCase(id, events, { version, hash, status }, enabledAtMs)
    }
    if (findings.broken !== undefined) return findings
    const sealed = sealProblem(centre, row, seal.key)
    return sealed === undefined ? findings : { ...findings, broken: { version, reason: sealed } }
  }

  /** The codes the centre's counters (`caseCode:<year>`) handed out that no case holds, the first 100. */
  const missingCodes = (centre: string, codeOf: (year: number, seq: number) => string) =>
    Effect.gen(function*() {
      const counters = yield* exec(
        sql<
          { scope: string; value: unknown }
        >`SELECT scope, value FROM ${tf.sequences} WHERE centre = ${centre} AND scope LIKE ${"caseCode:%"} ORDER BY scope`
      )
      const missing: Array<string> = []
      for (const c of counters) {
        const year = Number(c.scope.slice("caseCode:".length))
        const last = Number(c.value)
        if (!Number.isInteger(year) || !Number.isInteger(last)) continue
        for (let from = 1; from <= last && missing.length < 100; from += 500) {
          const codes = Array.from({ length: Math.min(500, last - from + 1) }, (_, i) => codeOf(year, from + i))
          const found = yield* exec(
            sql<{ code: string }>`SELECT code FROM ${tf.cases} WHERE centre = ${centre} AND code IN ${sql.in(codes)}`
          )
          const held = new Set(found.map((r) => String(r.code)))
          for (const code of codes) if (!held.has(code) && missing.length < 100) missing.push(code)
        }
      }
      return missing
    })

  const verify = (centre: string, caseId?: string, options?: AuditTrail.VerifyOptions) =>
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
          sql<CaseRow & { status: unknown; archived_at: unknown }>`SELECT ${
            sql.literal(caseColumns.join(", "))
          }, head_hash, seal, purge FROM ${tf.cases} WHERE ${sql.and(where)} ORDER BY id LIMIT 500`
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
            : findingsOf(centre, id, row, events, enabledAtMs)
          report = AuditTrail.addFindings(report, id, findings)
        }
        if (caseId !== undefined) return report
        if (last === undefined) {
          const codeOf = options?.codeOf
          if (codeOf === undefined) return report
          const missing = yield* missingCodes(centre, codeOf)
          return missing.length === 0 ? report : { ...report, ok: false, missingCodes: missing }
        }
        after = last
      }
    }).pipe(Effect.mapError(storeError("verify")))
  return verify
}
