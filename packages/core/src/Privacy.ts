/**
 * Personal data (个人信息保护): masking of resident ID numbers and phone numbers in what leaves the centre, keyed
 * hashes for look-ups, and the key service of the optional field-level encryption of party data at rest.
 *
 * - **Masking (脱敏)**: `220283199001011234` → `220283********1234`, `13812345678` → `138****5678`. The centre
 *   masks the cases and events it returns (commands, get, list, history, as-of, plugin queries), its errors and its
 *   logs. Only an actor whose policy grants `readPersonalData` may ask for them in full (`personalData: "full"`),
 *   and each such read is recorded ({@link AccessRecord}).
 * - **Encryption at rest (字段级加密)**: given a {@link KeyService}, the centre seals each party's personal fields
 *   with AES-256-GCM (`node:crypto`) before anything reaches the store, under the service's current key id; old
 *   data stays readable by its own key id, so keys rotate by id. Stores only ever see the sealed form.
 * - **Look-ups (查重)**: {@link lookupHash} gives a keyed hash (HMAC-SHA-256) of a normalised ID number or phone,
 *   so repeat detection (the risk plugin's incident index) works without the plain values.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as HashMap from "effect/HashMap"
import type * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import { createHash, createHmac } from "node:crypto"
import type { Case } from "./Case.js"
import type { Envelope } from "./Event.js"
import * as masking from "./internal/masking.js"
import type { PartyRecord } from "./Party.js"

/**
 * Masks a resident ID number: the first six and last four characters stay, eight `*` between.
 *
 * @since 0.1.0
 * @category masking
 */
export const maskIdNumber = (id: string): string =>
  id.length >= 15 ? `${id.slice(0, 6)}********${id.slice(-4)}` : "*".repeat(id.length)

/**
 * Masks a phone number: a mobile number keeps its first three and last four digits (`138****5678`), a landline its
 * area code, the last four digits of the number and its extension (`0433-***4567`).
 *
 * @since 0.1.0
 * @category masking
 */
export const maskPhone = (phone: string): string => {
  if (/^1\d{10}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(-4)}`
  const landline = /^(0\d{2,3})-(\d{7,8})(-\d{1,6})?$/.exec(phone)
  if (landline !== null) {
    const n = landline[2]!
    return `${landline[1]}-${"*".repeat(n.length - 4)}${n.slice(-4)}${landline[3] ?? ""}`
  }
  return phone.length <= 4 ? "*".repeat(phone.length) : `${"*".repeat(phone.length - 4)}${phone.slice(-4)}`
}

/**
 * Masks every resident ID number and phone number found in a text (a log line, an error message, a note): ID
 * numbers whole or in groups (`220283 19900101 1234`, `220283.1990.0101.1234`), mobile numbers with or without
 * `+86`, `86` or `0086`, with spaces, hyphens, dashes, dots, slashes, underscores or middle dots between the digits
 * (`138.1234.5678`, `1 3 8 1 2 3 4 5 6 7 8`), landlines with the area code (`0433-2512345`, `(0433) 251 2345`,
 * `04332512345`), also written against a word (`ID220283199001011234`, `tel13812345678`).
 *
 * The text is normalised before matching, character by character: NFKC (full-width `１３８…` and mathematical
 * `𝟏𝟑𝟖…` digits, full-width punctuation and check characters `Ｘ`), digits of any script read as ASCII digits
 * (Arabic-Indic `١٣٨…`), and invisible characters (zero-width spaces and joiners, soft hyphens, byte-order marks,
 * combining marks) dropped. Each number found is replaced by its masked form in ASCII; the text around it is kept
 * exactly as it was. Case codes (`222403-2025-000017`), division codes, timestamps, amounts (`138123456.78`) and
 * dates, UUIDs, and numbers inside longer runs of letters and digits (hashes) are left alone.
 *
 * @since 0.1.0
 * @category masking
 */
export const maskText: (input: string) => string = masking.maskText

/**
 * Masks one party's ID number and phone (and any number written in its name or address).
 *
 * @since 0.1.0
 * @category masking
 */
export const maskParty = <P extends PartyRecord>(p: P): P => {
  const id = p._tag === "Person" ? p.idNumber : undefined
  const name = typeof p.name === "string" ? maskText(p.name) : p.name
  if (id === undefined && p.phone === undefined && p.address === undefined && name === p.name) return p
  const out: Record<string, unknown> = { ...p }
  if (id !== undefined) out.idNumber = maskIdNumber(id)
  if (p.phone !== undefined) out.phone = maskPhone(p.phone)
  if (p.address !== undefined) out.address = maskText(p.address)
  if (name !== p.name) out.name = name
  return Object.freeze(out) as P
}

const isParty = (u: Record<string, unknown>): boolean =>
  (u._tag === "Person" || u._tag === "Organisation") && typeof u.role === "string" && typeof u.name === "string"

/**
 * The fields of cases and events that hold identifiers, not text: returned exactly as stored, so that a client can
 * use them (and a UUID or a code that happens to contain a phone-like run of digits is never changed). `sealed` is
 * a party's ciphertext.
 */
const identifierFields: Readonly<Record<string, true | undefined>> = Object.assign(Object.create(null), {
  id: true,
  caseId: true,
  centre: true,
  code: true,
  commandId: true,
  correlationId: true,
  sessionId: true,
  summonsId: true,
  orderId: true,
  issuedBy: true,
  into: true,
  mergedInto: true,
  ref: true,
  sha256: true,
  sealed: true
})

/**
 * Masks every string of a case or an event (plain objects and arrays, as decoded): parties with {@link maskParty},
 * identifier fields left alone, any other string with {@link maskText}. Copies only what changed, frozen.
 */
const maskRecord = (value: unknown, depth: number): unknown => {
  if (typeof value === "string") return maskText(value)
  if (typeof value !== "object" || value === null || depth > 64) return value
  if (depth > cachedDepth) {
    subtreeFrozen = false
    return maskObject(value, depth)
  }
  const known = masked.get(value)
  if (known !== undefined) return known
  const outer = subtreeFrozen
  subtreeFrozen = Object.isFrozen(value)
  const m = maskObject(value, depth)
  // only what cannot change under us (frozen all the way down): a mutable input's copy would go stale
  if (subtreeFrozen) masked.set(value, m)
  subtreeFrozen = outer && subtreeFrozen
  return m
}

/** While masking: whether every object met so far below the one being masked is frozen. */
let subtreeFrozen = true

/**
 * The masked form of each frozen object already masked (itself when nothing in it needed masking). A case shares
 * all but the parts a command changed with the case before it, and the stores hand out frozen objects: masking the
 * result of every command then walks only what the command changed, not the whole case again (which grows with
 * its history). Weak: an entry goes with the object it was made for.
 */
const masked = new WeakMap<object, unknown>()

/** Objects this deep or deeper are masked without the cache (cases and events are far shallower). */
const cachedDepth = 16

const maskObject = (value: object, depth: number): unknown => {
  if (Array.isArray(value)) {
    let out: Array<unknown> | undefined
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      if (typeof v !== "string" && (typeof v !== "object" || v === null)) continue
      const m = maskRecord(v, depth + 1)
      if (m !== v) {
        out ??= value.slice()
        out[i] = m
      }
    }
    return out === undefined ? value : Object.freeze(out)
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const record = value as Record<string, unknown>
  if (isParty(record)) return maskParty(record as unknown as PartyRecord)
  let out: Record<string, unknown> | undefined
  // for…in, not Object.keys: no array per object (the prototype was checked to be a plain object's)
  for (const k in record) {
    const v = record[k]
    if (typeof v !== "string" && (typeof v !== "object" || v === null)) continue
    if (identifierFields[k] === true) continue
    const m = maskRecord(v, depth + 1)
    if (m !== v) {
      out ??= { ...record }
      out[k] = m
    }
  }
  return out === undefined ? value : Object.freeze(out)
}

/**
 * A case as someone without the permission to read personal data sees it: its parties masked, and ID and phone
 * numbers masked in every text of it (description, reasons, notes, summaries, answers …). Identifiers (`id`,
 * `code`, order and session ids …) are returned as they are. The case itself when nothing was masked.
 *
 * @since 0.1.0
 * @category masking
 */
export const maskCase = (c: Case): Case => maskRecord(c, 0) as Case

/**
 * An event as someone without the permission to read personal data sees it (see {@link maskCase}): the parties
 * of a `Registered` event, and every text of any event (a rejection's reason, a supervision note …).
 *
 * @since 0.1.0
 * @category masking
 */
export const maskEnvelope = (e: Envelope): Envelope => maskRecord(e, 0) as Envelope

/** A logged value masked: strings with {@link maskText}, parties and strings anywhere in it (see `maskIn`). */
const maskLogged = (value: unknown): unknown => maskIn(value, 0, true)

/** Log annotations (`commandId`, `caseId`, a reason …) masked; the same map when nothing changed. */
const maskAnnotations = (
  annotations: HashMap.HashMap<string, unknown>
): HashMap.HashMap<string, unknown> => {
  let changed = false
  for (const [, v] of annotations) {
    if (maskLogged(v) !== v) {
      changed = true
      break
    }
  }
  return changed ? HashMap.map(annotations, maskLogged) : annotations
}

/** A logged cause with its failures and defects masked ({@link maskError}); the same cause when it is empty. */
const maskCause = (cause: Cause.Cause<unknown>): Cause.Cause<unknown> =>
  Cause.isEmpty(cause) ? cause : Cause.match(cause, {
    onEmpty: Cause.empty,
    onFail: (error) => Cause.fail(maskError(error)),
    onDie: (defect) => Cause.die(maskError(defect)),
    onInterrupt: (fiberId) => Cause.interrupt(fiberId),
    onSequential: (left, right) => Cause.sequential(left, right),
    onParallel: (left, right) => Cause.parallel(left, right)
  })

/**
 * A logger that masks resident ID numbers and phone numbers before handing a line to `logger`: in its message
 * (strings, and strings and parties in logged values), in its annotations (`Effect.annotateLogs`: a command id or a
 * case id supplied by a caller, a reason quoting a stored value …) and in the errors and defects of a logged cause.
 *
 * @since 0.1.0
 * @category logging
 */
export const maskingLogger = <O>(logger: Logger.Logger<unknown, O>): Logger.Logger<unknown, O> =>
  Logger.make((options) =>
    logger.log({
      ...options,
      message: Array.isArray(options.message) ? options.message.map(maskLogged) : maskLogged(options.message),
      annotations: maskAnnotations(options.annotations),
      cause: maskCause(options.cause)
    })
  )

/**
 * A layer that replaces the default logger with one that masks personal numbers (the Promise API installs it).
 *
 * @since 0.1.0
 * @category logging
 */
export const maskLogs: Layer.Layer<never> = Logger.replace(Logger.defaultLogger, maskingLogger(Logger.defaultLogger))

/**
 * Masks what a value holds, keeping its shape: parties with {@link maskParty} and, with `strings`, any string with
 * {@link maskText}. It descends into plain objects and arrays, `Option`, `Either`, `Chunk`, `Map` and `Set`, and the
 * structural objects of `Data` (`Data.struct`, `Data.Class`, `Data.TaggedClass`, `Schema.Class` instances), and
 * copies only what changed (an `Option` stays an `Option`, a `Data.struct` keeps its prototype and so its
 * equality). Instances of other classes are returned as they are.
 */
const maskIn = (value: unknown, depth: number, strings: boolean): unknown => {
  if (typeof value === "string") return strings ? maskText(value) : value
  if (typeof value !== "object" || value === null || depth > 64) return value
  const next = depth + 1
  if (Array.isArray(value)) {
    let out: Array<unknown> | undefined
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      const m = maskIn(v, next, strings)
      if (m !== v) {
        out ??= Array.from(value as ReadonlyArray<unknown>)
        out[i] = m
      }
    }
    if (out === undefined) return value
    // a Data.array or Data.tuple keeps its structural prototype
    const arrayProto: unknown = Object.getPrototypeOf(value)
    if (arrayProto !== Array.prototype) Object.setPrototypeOf(out, arrayProto as object)
    return out
  }
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) return maskFields(value as Record<string, unknown>, next, strings)
  if (Option.isOption(value)) {
    if (Option.isNone(value)) return value
    const m = maskIn(value.value, next, strings)
    return m === value.value ? value : Option.some(m)
  }
  if (Either.isEither(value)) {
    const inner: unknown = Either.isRight(value) ? value.right : value.left
    const m = maskIn(inner, next, strings)
    return m === inner ? value : Either.isRight(value) ? Either.right(m) : Either.left(m)
  }
  if (Chunk.isChunk(value)) {
    const items = Chunk.toReadonlyArray(value)
    const m = maskIn(items, next, strings)
    return m === items ? value : Chunk.unsafeFromArray(m as ReadonlyArray<unknown>)
  }
  if (value instanceof Map) {
    let changed = false
    const entries: Array<[unknown, unknown]> = []
    for (const [k, v] of value) {
      const mk = maskIn(k, next, strings)
      const mv = maskIn(v, next, strings)
      if (mk !== k || mv !== v) changed = true
      entries.push([mk, mv])
    }
    return changed ? new Map(entries) : value
  }
  if (value instanceof Set) {
    let changed = false
    const items: Array<unknown> = []
    for (const v of value) {
      const m = maskIn(v, next, strings)
      if (m !== v) changed = true
      items.push(m)
    }
    return changed ? new Set(items) : value
  }
  if (Equal.isEqual(value)) {
    // a structural object of Data: its own fields, on a copy with the same prototype
    const record = value as unknown as Record<string, unknown>
    const masked = maskFields(record, next, strings)
    return masked === record ? value : Object.assign(Object.create(proto as object) as object, masked)
  }
  return value
}

/** A record's own fields (a party as a whole), copied where something changed. */
const maskFields = (record: Record<string, unknown>, depth: number, strings: boolean): Record<string, unknown> => {
  if (isParty(record)) return maskParty(record as unknown as PartyRecord) as unknown as Record<string, unknown>
  let out: Record<string, unknown> | undefined
  for (const k of Object.keys(record)) {
    const v = record[k]
    const m = maskIn(v, depth, strings)
    if (m !== v) {
      out ??= { ...record }
      out[k] = m
    }
  }
  return out ?? record
}

/**
 * Masks every party found anywhere in a value (a plugin query's answer): objects tagged `Person` or
 * `Organisation` get {@link maskParty}. It looks into plain objects and arrays, `Option`, `Either`, `Chunk`, `Map`
 * (keys and values) and `Set`, and `Data` structural objects (`Data.struct`, `Data.Class`, `Schema.Class`
 * instances), and keeps their shapes: what changed is copied (an `Option` stays an `Option`, a `Data.struct` a
 * `Data.struct`), the rest is returned as it is. Instances of other classes are not looked into: answer with data.
 *
 * @since 0.1.0
 * @category masking
 */
export const maskDeep = (value: unknown, depth = 0): unknown => maskIn(value, depth, false)

/**
 * Masks an error that is about to leave the centre (a plugin API's failure, say): ID and phone numbers in its
 * string fields (`reason`, `expected`, `detail` …, nested issues included) and its stack, and parties anywhere in
 * it. The result is an instance of the same class with the same `_tag`; the error itself when nothing changed.
 *
 * @since 0.1.0
 * @category masking
 */
export const maskError = <E>(error: E): E => {
  if (typeof error === "string") return maskText(error) as E
  if (typeof error !== "object" || error === null) return error
  let changed = false
  const descriptors = Object.getOwnPropertyDescriptors(error) as Record<PropertyKey, PropertyDescriptor>
  for (const key of Reflect.ownKeys(descriptors)) {
    const d = descriptors[key as string]!
    if (!("value" in d)) continue
    const m = maskIn(d.value, 0, true)
    if (m !== d.value) {
      changed = true
      d.value = m
    }
  }
  return changed ? Object.create(Object.getPrototypeOf(error), descriptors) as E : error
}

/**
 * How a query wants personal data: `masked` (the default) or `full` (needs the `readPersonalData` permission and
 * is recorded).
 *
 * @since 0.1.0
 * @category models
 */
export type PersonalDataMode = "masked" | "full"

/**
 * A record of a full read of personal data, kept by the centre in its store (state namespace
 * {@link accessNamespace}, key `<time>/<id>`).
 *
 * @since 0.1.0
 * @category models
 */
export interface AccessRecord {
  readonly at: string
  readonly actorId: string
  readonly roles: ReadonlyArray<string>
  readonly jurisdiction: string
  /** The entry point: `get`, `getByCode`, `history`, `asOf` or `list`. */
  readonly operation: string
  readonly caseIds: ReadonlyArray<string>
}

/**
 * The store state namespace of the {@link AccessRecord}s (not a valid plugin id, so no plugin can write it).
 *
 * @since 0.1.0
 * @category constants
 */
export const accessNamespace = "fengqiao:access"

/**
 * The keys of field-level encryption. Keys are 32 bytes (AES-256). `currentKeyId` names the key new data is
 * sealed with; `key` gives any key by id (old data names its own key id, so rotation is adding a key and moving
 * `currentKeyId`); `lookupKey` is the HMAC key of {@link lookupHash} — keep it stable, or look-ups made before a
 * change no longer match. The effects may call a KMS; the centre asks each key id once and keeps it.
 *
 * @since 0.1.0
 * @category models
 */
export interface KeyService {
  readonly currentKeyId: Effect.Effect<string, unknown>
  readonly key: (keyId: string) => Effect.Effect<Uint8Array, unknown>
  readonly lookupKey: Effect.Effect<Uint8Array, unknown>
  /**
   * The key the store seals each case row and head with (HMAC-SHA-256: the audit trail's seals). Optional: when
   * absent the centre derives one from {@link lookupKey} (HMAC of `fengqiao/audit-seal/1` under it).
   */
  readonly auditKey?: Effect.Effect<Uint8Array, unknown> | undefined
}

/**
 * The seal key of a key service: its `auditKey`, else one derived from its look-up key.
 *
 * @since 0.3.0
 * @category encryption
 */
export const auditKeyOf = (keys: KeyService): Effect.Effect<Uint8Array, unknown> =>
  keys.auditKey ?? Effect.map(keys.lookupKey, (k) => createHmac("sha256", k).update("fengqiao/audit-seal/1").digest())

/**
 * A key service over keys held in memory (from the environment, a file, a secret manager read at start-up).
 * Keys are 32-byte `Uint8Array`s or base64 strings.
 *
 * @since 0.1.0
 * @category constructors
 */
export const staticKeys = (options: {
  readonly current: string
  readonly keys: Readonly<Record<string, Uint8Array | string>>
  readonly lookupKey: Uint8Array | string
  readonly auditKey?: Uint8Array | string | undefined
}): KeyService => {
  const bytes = (k: Uint8Array | string): Uint8Array => (typeof k === "string" ? Buffer.from(k, "base64") : k)
  const keys = new Map(Object.entries(options.keys).map(([id, k]) => [id, bytes(k)]))
  const lookup = bytes(options.lookupKey)
  return {
    currentKeyId: Effect.succeed(options.current),
    key: (id) => {
      const k = keys.get(id)
      return k === undefined ? Effect.fail(`no key with id ${id}`) : Effect.succeed(k)
    },
    lookupKey: Effect.succeed(lookup),
    ...(options.auditKey === undefined ? {} : { auditKey: Effect.succeed(bytes(options.auditKey)) })
  }
}

const normalise = (kind: string, value: string): string => {
  if (kind === "id") return value.trim().toUpperCase()
  if (kind === "phone") {
    const t = value.trim().replace(/^\+?86[\s-]?(?=1)/, "")
    return /^1[\d\s-]+$/.test(t) ? t.replace(/[\s-]/g, "") : t
  }
  return value
}

/**
 * The look-up hash of a value of a kind (`id`, `phone`, or a plugin's own kind): hex HMAC-SHA-256 of
 * `<kind>:<normalised value>` under the lookup key, or, without a key (no encryption configured), plain
 * SHA-256 of the same text. ID numbers are trimmed and upper-cased; phones lose `+86`, spaces and dashes.
 *
 * @since 0.1.0
 * @category look-ups
 */
export const lookupHash = (kind: string, value: string, key?: Uint8Array | undefined): string => {
  const text = `${kind}:${normalise(kind, value)}`
  return key === undefined
    ? createHash("sha256").update(text).digest("hex")
    : createHmac("sha256", key).update(text).digest("hex")
}
