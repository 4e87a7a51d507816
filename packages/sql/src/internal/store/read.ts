/**
 * Reading cases and events: the decoded snapshots and head hashes the store remembers, `load`, `loadByCode`,
 * `loadMany`, `readEvents` and `findCommand`. A row that cannot be read is a typed `CorruptRecord`.
 *
 * @internal
 */
import { AuditTrail, Case, CaseStore, Errors, Event, Primitives, Privacy } from "@fengqiao/core"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import { caseColumns } from "../columns.js"
import { type Context, parseJson, storeError } from "./migrate.js"

/**
 * A `CorruptRecord`: its reason may quote the stored value (a schema error shows the value it refused), so the
 * personal numbers in it are masked.
 */
const corruptRecord = (fields: { readonly caseId: string; readonly version: number; readonly reason: string }) =>
  new Errors.CorruptRecord({ ...fields, reason: Privacy.maskText(fields.reason) })

/** A cases row as read: every column of `caseColumns`, the head hash, the seal and the purge record. @internal */
export type CaseRow = {
  id: string
  version: unknown
  snapshot: unknown
  head_hash: unknown
  seal: unknown
  purge: unknown
}

/** Why a cases row does not match its seal (`AuditTrail.checkSeal`), or `undefined`. @internal */
export const sealProblem = (centre: string, row: CaseRow, key: Uint8Array | undefined): string | undefined => {
  const cells = caseColumns.map((c) => (row as Record<string, unknown>)[c])
  return AuditTrail.checkSeal(row.seal, {
    centre,
    caseId: row.id,
    head: typeof row.head_hash === "string" ? row.head_hash : null,
    purge: typeof row.purge === "string" ? row.purge : null,
    cells
  }, key)
}

const decodeCase = ParseResult.decodeUnknownEither(Case.Case)
const decodeEnvelope = ParseResult.decodeUnknownEither(Event.Envelope)
const knownEvents: ReadonlySet<string> = new Set(Event.eventNames)

/** @internal */
export const makeRead = (ctx: Context) => {
  const { dialect, run, seal, sql, tf } = ctx
  /**
   * Decoded snapshots by case, with the exact JSON text they were decoded from (or written as). A row whose text
   * is byte-identical is the same snapshot, so parsing and Schema decoding are skipped; any other text (another
   * writer, a rolled-back write, a tampered row) is decoded and checked in full. The objects are frozen: callers
   * cannot change what the cache hands out.
   */
  const snapshots = new Map<string, { readonly json: string; readonly decoded: Case.Case }>()
  const remember = (centre: string, json: string, decoded: Case.Case) => {
    const key = `${centre}\u0000${decoded.id}`
    snapshots.delete(key)
    snapshots.set(key, { json, decoded: CaseStore.deepFreeze(decoded) })
    if (snapshots.size > 20_000) snapshots.delete(snapshots.keys().next().value!)
  }

  const snapshotOf = (
    centre: string,
    caseId: string,
    version: unknown,
    raw: unknown
  ): Effect.Effect<Case.Case, Errors.CorruptRecord> => {
    if (typeof raw === "string") {
      const hit = snapshots.get(`${centre}\u0000${caseId}`)
      if (hit !== undefined && hit.json === raw) return Effect.succeed(hit.decoded)
    }
    const v = Number(version)
    const json = parseJson(dialect, raw)
    if (Either.isLeft(json)) {
      return Effect.fail(corruptRecord({ caseId, version: v, reason: `snapshot: ${json.left}` }))
    }
    const decoded = decodeCase(json.right)
    if (Either.isLeft(decoded)) {
      return Effect.fail(
        corruptRecord({
          caseId,
          version: v,
          reason: `snapshot does not match the Case schema: ${ParseResult.TreeFormatter.formatIssueSync(decoded.left)}`
        })
      )
    }
    // a snapshot of another case, or of another version than its row's, is not this row's state (as for events)
    if (decoded.right.id !== caseId || decoded.right.version !== v) {
      return Effect.fail(
        corruptRecord({
          caseId,
          version: v,
          reason: `snapshot says case ${decoded.right.id} version ${decoded.right.version}`
        })
      )
    }
    if (typeof raw === "string") remember(centre, raw, decoded.right)
    return Effect.succeed(decoded.right)
  }

  const envelopeOf = (
    caseId: string,
    row: { readonly version: unknown; readonly type: unknown; readonly envelope: unknown }
  ): Either.Either<Event.Envelope, Errors.CorruptRecord> => {
    const version = Number(row.version)
    const corrupt = (reason: string) => Either.left(corruptRecord({ caseId, version, reason }))
    if (!knownEvents.has(String(row.type))) {
      return corrupt(`unknown event type "${String(row.type)}" (written by a newer version of the SDK?)`)
    }
    const json = parseJson(dialect, row.envelope)
    if (Either.isLeft(json)) return corrupt(`event: ${json.left}`)
    const decoded = decodeEnvelope(json.right)
    if (Either.isLeft(decoded)) {
      return corrupt(
        `event does not match the ${String(row.type)} schema: ${
          ParseResult.TreeFormatter.formatIssueSync(decoded.left)
        }`
      )
    }
    if (decoded.right.version !== version || decoded.right.caseId !== caseId) {
      return corrupt(`event envelope says case ${decoded.right.caseId} version ${decoded.right.version}`)
    }
    return Either.right(decoded.right)
  }

  /**
   * The head hash of each case as last read or written, by case and version: the centre loads a case before it
   * appends to it, so the previous hash of an append is known without a further query. A stale entry is harmless:
   * the update checks the head it chained from, and on a mismatch the store reads the real head and chains again.
   */
  const heads = new Map<string, { readonly version: number; readonly hash: string }>()
  const rememberHead = (centre: string, caseId: string, version: number, hash: unknown) => {
    const key = `${centre}\u0000${caseId}`
    heads.delete(key)
    heads.set(key, { version, hash: typeof hash === "string" ? hash : AuditTrail.genesis })
    if (heads.size > 20_000) heads.delete(heads.keys().next().value!)
  }

  /**
   * A case's row as `load`, `loadByCode`, `loadMany` and `list` read it: every column, so that its seal is checked
   * (a snapshot or summary row edited, or a head moved, is a `CorruptRecord`), and the snapshot in it (its head
   * remembered).
   */
  const selectCases = sql`SELECT ${sql.literal(caseColumns.join(", "))}, head_hash, seal, purge FROM ${tf.cases} WHERE`
  const caseOfRow = (centre: string, row: CaseRow) =>
    Effect.flatMap(snapshotOf(centre, row.id, row.version, row.snapshot), (snapshot) => {
      // an unreadable snapshot is named as such first; a readable one must still match its row's seal
      const problem = sealProblem(centre, row, seal.key)
      if (problem !== undefined) {
        return Effect.fail(corruptRecord({ caseId: row.id, version: Number(row.version), reason: problem }))
      }
      rememberHead(centre, row.id, Number(row.version), row.head_hash)
      return Effect.succeed(snapshot)
    })

  const loadWhere = (column: "id" | "code", centre: string, value: string) =>
    run(sql<CaseRow>`${selectCases} centre = ${centre} AND ${sql.literal(column)} = ${value}`).pipe(
      Effect.mapError(storeError(column === "id" ? "load" : "loadByCode")),
      Effect.flatMap((rows) =>
        rows.length === 0
          ? Effect.succeed(Option.none<Case.Case>())
          : Effect.map(caseOfRow(centre, rows[0]!), Option.some)
      )
    )

  /** Several cases by id: one query per 500 ids. */
  const loadMany = (centre: string, caseIds: ReadonlyArray<string>) =>
    Effect.map(
      Effect.forEach(
        Arr.chunksOf([...new Set(caseIds)], 500),
        (ids) =>
          run(sql<CaseRow>`${selectCases} centre = ${centre} AND id IN ${sql.in(ids)}`).pipe(
            Effect.mapError(storeError("loadMany")),
            Effect.flatMap((rows) => Effect.forEach(rows, (row) => caseOfRow(centre, row)))
          )
      ),
      (pages) => pages.flat()
    )

  const currentHead = (centre: string, caseId: string) =>
    Effect.map(
      run(
        sql<
          { version: unknown; head_hash: unknown }
        >`SELECT version, head_hash FROM ${tf.cases} WHERE centre = ${centre} AND id = ${caseId}`
      ),
      (rows) =>
        rows.length === 0
          ? { version: 0, hash: AuditTrail.genesis }
          : {
            version: Number(rows[0]!.version),
            hash: typeof rows[0]!.head_hash === "string" ? rows[0]!.head_hash : AuditTrail.genesis
          }
    )
  const currentVersion = (centre: string, caseId: string) => Effect.map(currentHead(centre, caseId), (h) => h.version)

  const readEvents = (
    centre: string,
    caseId: string,
    range?: { readonly fromVersion?: number | undefined; readonly toVersion?: number | undefined }
  ) =>
    run(
      sql<
        { version: unknown; type: unknown; envelope: unknown }
      >`SELECT version, type, envelope FROM ${tf.events} WHERE ${
        sql.and([
          sql`centre = ${centre}`,
          sql`case_id = ${caseId}`,
          sql`version >= ${range?.fromVersion ?? 1}`,
          sql`version <= ${range?.toVersion ?? Primitives.maxVersion}`
        ])
      } ORDER BY version`
    ).pipe(
      Effect.mapError(storeError("readEvents")),
      Effect.flatMap((rows) => {
        // versions are contiguous: row i is version first + i. A row missing (deleted by hand) or stored under
        // another number is a gap, named by the first version not found. A purged case has no rows at all; a
        // range past the last event, none either
        const first = Math.max(1, Math.ceil(range?.fromVersion ?? 1))
        return Effect.forEach(rows, (r, i) => {
          const expected = first + i
          if (Number(r.version) !== expected) {
            return Effect.fail(
              corruptRecord({ caseId, version: expected, reason: `event ${expected} is missing` })
            )
          }
          const e = envelopeOf(caseId, r)
          return Either.isRight(e) ? Effect.succeed(e.right) : Effect.fail(e.left)
        })
      })
    )

  const findCommand = (centre: string, commandId: string) =>
    run(
      sql<
        { case_id: string; from_version: unknown; to_version: unknown }
      >`SELECT case_id, from_version, to_version FROM ${tf.commands} WHERE centre = ${centre} AND command_id = ${commandId}`
    ).pipe(
      Effect.mapError(storeError("findCommand")),
      Effect.map((rows) =>
        rows.length === 0
          ? Option.none()
          : Option.some({
            commandId,
            caseId: rows[0]!.case_id,
            fromVersion: Number(rows[0]!.from_version),
            toVersion: Number(rows[0]!.to_version)
          })
      )
    )

  return {
    heads,
    remember,
    rememberHead,
    snapshotOf,
    caseOfRow,
    selectCases,
    envelopeOf,
    loadWhere,
    loadMany,
    currentHead,
    currentVersion,
    readEvents,
    findCommand
  }
}

/** @internal */
export type Read = ReturnType<typeof makeRead>
