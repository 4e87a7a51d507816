/**
 * The tamper-evident audit trail (防篡改审计链). Every stored event carries a hash: SHA-256 over the previous event's
 * hash and the event's own canonical content (a stable, key-sorted JSON serialisation). Changing, removing or
 * re-ordering a stored event breaks the chain at that event, and {@link VerifyReport} names the first broken link
 * (case and version). Each case row also keeps the hash of its last event (its head), so removing the last events
 * is found too.
 *
 * Stores compute the hashes when they append (the in-memory store and the shared SQL implementation both do);
 * `verify` recomputes them from what is stored. Events written before the audit trail existed have no hash: they
 * are counted and reported as `unhashed`, not as broken, as long as no hashed event of their case comes before them
 * (or, with {@link strictUnhashed}, always reported as broken).
 *
 * @since 0.1.0
 */
import * as Crypto from "node:crypto"

/**
 * The "previous hash" of a case's first event (and of an event that follows an unhashed one).
 *
 * @since 0.1.0
 * @category constants
 */
export const genesis = ""

/**
 * The head recorded for a case whose events were removed by the retention rule (purged): such a case is counted
 * in `purged`, not reported as broken.
 *
 * @since 0.1.0
 * @category constants
 */
export const purgedHead = "purged"

/**
 * A stable JSON serialisation: object keys sorted by UTF-16 code units, no whitespace, `undefined` properties left
 * out and `undefined` array items written as `null` (as `JSON.stringify` does). Two values that `JSON.stringify` to
 * the same data give the same text, whatever the order their keys were set in.
 *
 * @since 0.1.0
 * @category utils
 */
export const canonicalJson = (value: unknown): string => write(value, 0)

/** Whether the keys are already in code-unit order (records built by the core usually are not; copies often are). */
const sorted = (keys: Array<string>): boolean => {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false
  return true
}

/** Object keys come from a small vocabulary: their quoted form is kept (bounded, so hostile keys can't grow it). */
const quotedKeys = new Map<string, string>()

// string concatenation and a per-type switch: several times faster than pushing parts into an array and joining
const write = (value: unknown, depth: number): string => {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value)
    case "number":
      return Number.isFinite(value) ? String(value) : "null"
    case "boolean":
      return value ? "true" : "false"
    case "bigint":
      throw new TypeError("canonicalJson: a bigint is not JSON")
    case "object":
      break
    default:
      // undefined, a function or a symbol (only reached at the top level or as an array item)
      return "null"
  }
  if (value === null) return "null"
  if (depth > 512) throw new RangeError("canonicalJson: nested deeper than 512 levels")
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === "function") return write((toJSON as () => unknown).call(value), depth + 1)
  if (Array.isArray(value)) {
    let out = "["
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ","
      out += write(value[i], depth + 1)
    }
    return out + "]"
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  if (!sorted(keys)) keys.sort()
  let out = "{"
  let first = true
  for (const k of keys) {
    const v = record[k]
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue
    let quoted = quotedKeys.get(k)
    if (quoted === undefined) {
      quoted = JSON.stringify(k) + ":"
      if (quotedKeys.size < 4096) quotedKeys.set(k, quoted)
    }
    out += first ? quoted : "," + quoted
    first = false
    out += write(v, depth + 1)
  }
  return out + "}"
}

/** One-shot `crypto.hash` (Node ≥ 20.12: no `Hash` object per event, about twice as fast), else `createHash`. */
const sha256Hex: (text: string) => string = typeof Crypto.hash === "function"
  ? (text) => Crypto.hash("sha256", text, "hex")
  : (text) => Crypto.createHash("sha256").update(text).digest("hex")

/**
 * The hash of an event: hex SHA-256 of the previous hash, a newline and the event's canonical JSON.
 *
 * @since 0.1.0
 * @category utils
 */
export const hashEvent = (previous: string, event: unknown): string => sha256Hex(`${previous}\n${canonicalJson(event)}`)

/**
 * The hashes of events appended after a head (`genesis` for a new case), in order.
 *
 * @since 0.1.0
 * @category utils
 */
export const chain = (head: string, events: ReadonlyArray<unknown>): Array<string> => {
  const hashes: Array<string> = []
  let previous = head
  for (const e of events) {
    previous = hashEvent(previous, e)
    hashes.push(previous)
  }
  return hashes
}

/**
 * One stored event as `verify` sees it: its version, its content as parsed from storage (or why it could not be
 * parsed) and its stored hash (`null` when written before the audit trail).
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredEvent {
  readonly version: number
  readonly content: unknown
  readonly unreadable?: string | undefined
  readonly hash: string | null
  /** A problem with the row itself (an index column that does not match the content), found by the store. */
  readonly problem?: string | undefined
  /** When the event says it happened (ms since the epoch), to tell legacy rows from rows that lost their hash. */
  readonly atMs?: number | undefined
}

/**
 * The first broken link of the chain.
 *
 * @since 0.1.0
 * @category models
 */
export interface BrokenLink {
  readonly caseId: string
  readonly version: number
  readonly reason: string
}

/**
 * What `verify` found.
 *
 * - `ok`: no broken link (unhashed legacy events do not make it false, unless asked: {@link strictUnhashed});
 * - `cases`, `events`: how many were checked;
 * - `unhashed`: events written before the audit trail existed (no hash), with the first of them;
 * - `purged`: cases whose events the retention rule removed;
 * - `broken`: the first broken link, in case-id and version order.
 *
 * @since 0.1.0
 * @category models
 */
export interface VerifyReport {
  readonly ok: boolean
  readonly cases: number
  readonly events: number
  readonly unhashed: number
  readonly purged: number
  readonly firstUnhashed?: { readonly caseId: string; readonly version: number } | undefined
  readonly broken?: BrokenLink | undefined
  /**
   * Case codes (一案一码) the centre's code counters have handed out but that no case holds: whole cases deleted
   * (the first 100, in counter order). Only checked over the whole centre; any makes `ok` false.
   */
  readonly missingCodes?: ReadonlyArray<string> | undefined
}

/**
 * The options of a store's `verify`.
 *
 * - `codeOf`: the case code of a year's `n`-th registration (the centre's `caseCode` format), so that a check of
 *   the whole centre finds the codes its counters (`caseCode:<year>`) handed out that no case holds.
 *
 * @since 0.3.0
 * @category models
 */
export interface VerifyOptions {
  readonly codeOf?: ((year: number, seq: number) => string) | undefined
}

/**
 * The record of a case purged by the retention rule (保存期限), kept on its case row in place of the removed events:
 * which events went (`events`, up to `version`, the last of them hashed `lastHash`), under which rule (the
 * retention's `cutoff`, the case being archived before it) and by whom. The case's head is
 * `hashEvent(lastHash, record)`: the purge is the last link of the chain. `legacy` marks a case purged before
 * purge records existed (its head was the bare marker {@link purgedHead}).
 *
 * @since 0.3.0
 * @category models
 */
export interface PurgeRecord {
  readonly _tag: "Purged"
  readonly caseId: string
  readonly version: number
  readonly events: number
  readonly lastHash: string
  readonly rule: { readonly mode: "purge"; readonly cutoff: string }
  readonly at: string
  readonly actorId: string
  readonly legacy?: true | undefined
}

/**
 * The head of a purged case: the purge record chained onto the last removed event's hash.
 *
 * @since 0.3.0
 * @category utils
 */
export const purgeHead = (record: PurgeRecord): string =>
  record.legacy === true ? purgedHead : hashEvent(record.lastHash, record)

/**
 * Checks a purged case: no events left, a purge record of this case and version whose head is the row's, on an
 * archived case archived before the rule's cut-off. `undefined` when it holds, else why not.
 *
 * @since 0.3.0
 * @category utils
 */
export const checkPurge = (
  caseId: string,
  record: unknown,
  row: {
    readonly version: number
    readonly hash: string | null
    readonly status: string | undefined
    readonly archivedAtMs: number | undefined
  },
  events: number
): string | undefined => {
  const r = record as Partial<PurgeRecord> | null
  if (typeof r !== "object" || r === null || r._tag !== "Purged") return "the purge record cannot be read"
  if (r.caseId !== caseId || r.version !== row.version) return "the purge record names another case or version"
  if (events > 0) return "a purged case still has events"
  if (row.status !== "archived") {
    return `the case is marked purged but is ${row.status}: only archived cases are purged`
  }
  let head: string
  try {
    head = purgeHead(r as PurgeRecord)
  } catch {
    return "the purge record cannot be hashed"
  }
  if (row.hash !== head) return "the case row's head does not match its purge record"
  if (r.legacy !== true) {
    const cutoff = Date.parse(String(r.rule?.cutoff))
    if (row.archivedAtMs === undefined || !(row.archivedAtMs < cutoff)) {
      return "the case was purged, yet was not archived before the retention rule's cut-off"
    }
  }
  return undefined
}

const hmacHex = (key: Uint8Array, text: string): string => Crypto.createHmac("sha256", key).update(text).digest("hex")

/** One cell of a sealed row, as the same text whatever type the driver reads it back as. */
const sealCell = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === "boolean" ? (v ? "1" : "0") : String(v)

/**
 * The seal of a case row (its state bound to its head): a digest over the centre, the case id, the head hash, the
 * purge record (if any) and every stored value of the row — the summary columns and, last, the snapshot's exact
 * text (hashed as it is). A
 * snapshot or summary row edited, or a head moved, no longer matches its seal. Keyless it is `h:` and hex SHA-256
 * (found unless the editor recomputes it); with a seal key (`Privacy.KeyService`'s `auditKey`) it is `k:` and
 * HMAC-SHA-256, which cannot be recomputed without the key.
 *
 * @since 0.3.0
 * @category utils
 */
export const sealCase = (
  row: {
    readonly centre: string
    readonly caseId: string
    readonly head: string | null
    readonly purge: string | null
    readonly cells: ReadonlyArray<unknown>
  },
  key?: Uint8Array | undefined
): string => {
  // the last cell (the snapshot's JSON text, most of the row) is hashed as it is, after the others as JSON: writing
  // it as a JSON string again would cost three times the hash
  const cells = row.cells
  const last = cells.length === 0 ? null : sealCell(cells[cells.length - 1])
  const text = `fq-case-seal/1\n${row.centre}\n${row.caseId}\n${row.head ?? ""}\n${row.purge ?? ""}\n${
    JSON.stringify(cells.slice(0, -1).map(sealCell))
  }\n${last === null ? "-" : `+${last}`}`
  return key === undefined ? `h:${sha256Hex(text)}` : `k:${hmacHex(key, text)}`
}

/**
 * Checks a case row's seal ({@link sealCase}): `undefined` when it holds, else why not. A row without a seal passes
 * only as a legacy row (no head either: written before the audit trail, counted as unhashed). With a key, a keyless
 * seal is reported too: someone who can write to the database can compute one.
 *
 * @since 0.3.0
 * @category utils
 */
export const checkSeal = (
  stored: unknown,
  row: Parameters<typeof sealCase>[0],
  key?: Uint8Array | undefined
): string | undefined => {
  if (stored === null || stored === undefined) {
    return row.head === null ? undefined : "the case row has no seal"
  }
  const text = String(stored)
  if (key !== undefined && text.startsWith("h:")) return "the case row is sealed without the key (the store has one)"
  const expected = sealCase(row, text.startsWith("k:") ? key : undefined)
  if (text.startsWith("k:") && key === undefined) return undefined
  return expected === text ? undefined : "the case row (snapshot, summary or head) does not match its seal"
}

/**
 * The findings of one case.
 *
 * @since 0.1.0
 * @category models
 */
export interface CaseFindings {
  readonly purged?: boolean | undefined
  readonly events: number
  readonly unhashed: number
  readonly firstUnhashed?: number | undefined
  readonly broken?: { readonly version: number; readonly reason: string } | undefined
}

/**
 * The case row as `verify` sees it: its version and head hash (`null` before the audit trail), and its status
 * where the store keeps one (only an archived case can have been purged).
 *
 * @since 0.1.0
 * @category models
 */
export interface CaseHead {
  readonly version: number
  readonly hash: string | null
  readonly status?: string | undefined
}

/**
 * Checks the chain of one case: versions 1 … n without gaps, each stored hash equal to the one recomputed from the
 * previous hash and the content, and the case row's head equal to the last event's hash.
 *
 * Events without a hash are legacy rows (written before the audit trail) only while no hashed event comes before
 * them: the audit trail hashes every event it writes, so an unhashed event after a hashed one, or a case row
 * without a head whose events are hashed, lost its hash and is broken, whatever times the events carry.
 * `enabledAtMs` (when the audit trail was enabled, where the store knows it) also reports a case whose first event
 * has no hash yet says it happened later. A case whose every hash and head were removed looks like a legacy case: see
 * {@link strictUnhashed}.
 *
 * @since 0.1.0
 * @category utils
 */
export const checkCase = (
  caseId: string,
  events: ReadonlyArray<StoredEvent>,
  head: CaseHead | undefined,
  enabledAtMs?: number | undefined
): CaseFindings => {
  if (head !== undefined && head.hash === purgedHead) {
    if (events.length > 0) {
      return { events: events.length, unhashed: 0, broken: { version: 1, reason: "a purged case still has events" } }
    }
    // retention purges archived cases only: the marker on any other case stands for events removed by hand
    return head.status !== undefined && head.status !== "archived"
      ? {
        events: 0,
        unhashed: 0,
        broken: {
          version: head.version,
          reason: `the case is marked purged but is ${head.status}: only archived cases are purged`
        }
      }
      : { events: 0, unhashed: 0, purged: true }
  }
  let unhashed = 0
  let hashed = 0
  let firstUnhashed: number | undefined
  let previous = genesis
  const found = (version: number, reason: string): CaseFindings => ({
    events: events.length,
    unhashed,
    ...(firstUnhashed !== undefined ? { firstUnhashed } : {}),
    broken: { version, reason }
  })
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    const expectedVersion = i + 1
    if (e.version !== expectedVersion) {
      return found(expectedVersion, `event ${expectedVersion} is missing (found version ${e.version} next)`)
    }
    if (e.unreadable !== undefined) return found(e.version, `the stored event cannot be read: ${e.unreadable}`)
    if (e.problem !== undefined) return found(e.version, e.problem)
    const content = e.content as { caseId?: unknown; version?: unknown } | null
    if (typeof content !== "object" || content === null || content.caseId !== caseId || content.version !== e.version) {
      return found(e.version, "the stored event does not name this case and version")
    }
    if (e.hash === null) {
      // legacy rows can only come before hashed ones: new events of a legacy case chain on from them, whatever
      // times the events carry (backdated times are normal: imports)
      if (hashed > 0) return found(e.version, "the event has no hash, yet follows hashed events")
      if (unhashed === 0 && enabledAtMs !== undefined && e.atMs !== undefined && e.atMs > enabledAtMs) {
        return found(e.version, "the event has no hash, yet says it happened after the audit trail was enabled")
      }
      unhashed++
      if (firstUnhashed === undefined) firstUnhashed = e.version
      continue
    }
    let expected: string
    try {
      expected = hashEvent(previous, e.content)
    } catch (err) {
      return found(e.version, `the stored event cannot be hashed: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (expected !== e.hash) {
      return found(e.version, "the stored hash does not match the event's content and the previous hash")
    }
    previous = e.hash
    hashed++
  }
  if (head !== undefined) {
    if (head.version !== events.length) {
      return found(
        Math.max(head.version, events.length),
        `the case row is at version ${head.version} but ${events.length} event(s) are stored`
      )
    }
    if (head.hash !== null && head.hash !== previous) {
      return found(head.version, "the case row's head hash does not match its last event")
    }
    // hashed events are always followed by a head: a case row without one lost it
    if (head.hash === null && hashed > 0) {
      return found(head.version, "the case row has no head hash, yet its events are hashed")
    }
  }
  return { events: events.length, unhashed, ...(firstUnhashed !== undefined ? { firstUnhashed } : {}) }
}

/**
 * Adds one case's findings to a report being built (cases in id order); once a broken link is found it stays the
 * report's first.
 *
 * @since 0.1.0
 * @category utils
 */
export const addFindings = (report: VerifyReport, caseId: string, f: CaseFindings): VerifyReport => {
  const firstUnhashed = report.firstUnhashed ??
    (f.firstUnhashed === undefined ? undefined : { caseId, version: f.firstUnhashed })
  const broken = report.broken ?? (f.broken === undefined ? undefined : { caseId, ...f.broken })
  return {
    ...(report.missingCodes !== undefined ? { missingCodes: report.missingCodes } : {}),
    ok: report.ok && f.broken === undefined,
    cases: report.cases + 1,
    events: report.events + f.events,
    unhashed: report.unhashed + f.unhashed,
    purged: report.purged + (f.purged === true ? 1 : 0),
    ...(firstUnhashed !== undefined ? { firstUnhashed } : {}),
    ...(broken !== undefined ? { broken } : {})
  }
}

/**
 * The report as it reads when every event without a hash is a broken link (`verify`'s `unhashed: "broken"`): for a
 * store that had the audit trail from its start, where no legacy rows can exist, so that a case whose every hash and
 * head were removed is found too. The first broken link is the earlier, in case-id and version order, of the
 * report's own and its first unhashed event.
 *
 * @since 0.1.0
 * @category utils
 */
export const strictUnhashed = (report: VerifyReport): VerifyReport => {
  const first = report.firstUnhashed
  if (first === undefined) return report
  const broken = report.broken
  if (
    broken !== undefined &&
    (broken.caseId < first.caseId || (broken.caseId === first.caseId && broken.version <= first.version))
  ) return report
  return {
    ...report,
    ok: false,
    broken: {
      caseId: first.caseId,
      version: first.version,
      reason: "the event has no hash (unhashed events are broken links in this check)"
    }
  }
}

/**
 * A report with nothing checked yet.
 *
 * @since 0.1.0
 * @category constants
 */
export const emptyReport: VerifyReport = { ok: true, cases: 0, events: 0, unhashed: 0, purged: 0 }
