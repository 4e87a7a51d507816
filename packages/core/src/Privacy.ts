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
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import { createHash, createHmac } from "node:crypto"
import type { Case } from "./Case.js"
import type { Envelope } from "./Event.js"
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

// 18-character ID numbers, and 15 to 17 digits (old 15-digit numbers, or a mistyped one)
const idPattern = /(?<![0-9A-Za-z])(\d{6})\d{5,8}(\d{3}[\dXx])(?![0-9A-Za-z])/g
// an 18-character ID number written in groups: 6-8-4 or 6-4-4-4, spaces or hyphens between
const groupedIdPattern = /(?<![0-9A-Za-z])(\d{6})([\s-])(?:\d{8}|\d{4}\2\d{4})\2(\d{3}[\dXx])(?![0-9A-Za-z])/g
const mobilePattern = /(?<![0-9A-Za-z])(?:\+?86[\s-]?)?(1[3-9]\d)(?:[\s-]?\d){4}((?:[\s-]?\d){4})(?![0-9A-Za-z])/g
// area code, then the number (7 or 8 digits, maybe split 3-4 or 4-4): 0433-2512345, (0433) 251 2345, 0433 2512345
const landlinePattern = /(?<![0-9A-Za-z])(\(0\d{2,3}\)\s?|0\d{2,3}[\s-])(\d{3,4}[\s-]?\d{0,4}?)(\d{4})(?![0-9A-Za-z])/g
// an area code and number written together: 04332512345
const bareLandlinePattern = /(?<![0-9A-Za-z])(0\d{3})(\d{3,4})(\d{4})(?![0-9A-Za-z])/g
// digits, hyphens and spaces typed in full width (a Chinese input method's default)
const fullWidth = /[\uff10-\uff19\uff0d\u3000\uff08\uff09]/g
const anyFullWidth = /[\uff10-\uff19]/
const halfWidth = (ch: string): string => {
  const code = ch.charCodeAt(0)
  return code === 0x3000 ? " " : String.fromCharCode(code - 0xfee0)
}

/**
 * Masks every resident ID number and phone number found in a text (a log line, an error message, a note): ID
 * numbers whole or in groups (`220283 19900101 1234`), mobile numbers with or without `+86`, spaces or hyphens,
 * landlines with the area code (`0433-2512345`, `(0433) 251 2345`, `04332512345`). Digits typed in full width
 * (`１３８…`) are read as digits; the masked text has them in half width.
 *
 * @since 0.1.0
 * @category masking
 */
export const maskText = (input: string): string => {
  const text = anyFullWidth.test(input) ? input.replace(fullWidth, halfWidth) : input
  if (!/\d{7}/.test(text.replace(/[\s\-()]/g, ""))) return input
  const masked = text
    .replace(groupedIdPattern, (_, a: string, sep: string, b: string) => `${a}${sep}********${sep}${b.slice(-4)}`)
    .replace(idPattern, (_, a: string, b: string) => `${a}********${b.slice(-4)}`)
    .replace(mobilePattern, (_, a: string, b: string) => `${a}****${b.replace(/[\s-]/g, "")}`)
    .replace(landlinePattern, (_, a: string, b: string, c: string) => `${a}${b.replace(/\d/g, "*")}${c}`)
    .replace(bareLandlinePattern, (_, a: string, b: string, c: string) => `${a}${"*".repeat(b.length)}${c}`)
  return masked === text ? input : masked
}

/**
 * Masks one party's ID number and phone (and any number written in its address).
 *
 * @since 0.1.0
 * @category masking
 */
export const maskParty = <P extends PartyRecord>(p: P): P => {
  const id = p._tag === "Person" ? p.idNumber : undefined
  if (id === undefined && p.phone === undefined && p.address === undefined) return p
  const out: Record<string, unknown> = { ...p }
  if (id !== undefined) out.idNumber = maskIdNumber(id)
  if (p.phone !== undefined) out.phone = maskPhone(p.phone)
  if (p.address !== undefined) out.address = maskText(p.address)
  return Object.freeze(out) as P
}

/** The same array when nothing was masked; a frozen copy otherwise (what it is read from is frozen too). */
const maskParties = (parties: ReadonlyArray<PartyRecord>): ReadonlyArray<PartyRecord> => {
  let out: Array<PartyRecord> | undefined
  for (let i = 0; i < parties.length; i++) {
    const m = maskParty(parties[i]!)
    if (m !== parties[i]) {
      out ??= parties.slice()
      out[i] = m
    }
  }
  return out === undefined ? parties : Object.freeze(out)
}

/**
 * A case as someone without the permission to read personal data sees it: its parties masked, and numbers in its
 * description masked.
 *
 * @since 0.1.0
 * @category masking
 */
export const maskCase = (c: Case): Case => {
  const parties = maskParties(c.parties)
  const description = maskText(c.description)
  return parties === c.parties && description === c.description
    ? c
    : Object.freeze({ ...c, parties, description })
}

/**
 * An event as someone without the permission to read personal data sees it (see {@link maskCase}).
 *
 * @since 0.1.0
 * @category masking
 */
export const maskEnvelope = (e: Envelope): Envelope => {
  const event = e.event
  if (event._tag !== "Registered") return e
  const parties = maskParties(event.parties)
  const description = maskText(event.description)
  return parties === event.parties && description === event.description
    ? e
    : Object.freeze({ ...e, event: Object.freeze({ ...event, parties, description }) })
}

const maskMessage = (message: unknown): unknown =>
  typeof message === "string"
    ? maskText(message)
    : Array.isArray(message)
    ? message.map((m) => (typeof m === "string" ? maskText(m) : maskDeep(m)))
    : maskDeep(message)

/**
 * A logger that masks resident ID numbers and phone numbers in messages (strings, and parties in logged values)
 * before handing them to `logger`.
 *
 * @since 0.1.0
 * @category logging
 */
export const maskingLogger = <O>(logger: Logger.Logger<unknown, O>): Logger.Logger<unknown, O> =>
  Logger.mapInput(logger, maskMessage)

/**
 * A layer that replaces the default logger with one that masks personal numbers (the Promise API installs it).
 *
 * @since 0.1.0
 * @category logging
 */
export const maskLogs: Layer.Layer<never> = Logger.replace(Logger.defaultLogger, maskingLogger(Logger.defaultLogger))

const isParty = (u: Record<string, unknown>): boolean =>
  (u._tag === "Person" || u._tag === "Organisation") && typeof u.role === "string" && typeof u.name === "string"

/**
 * Masks every party found anywhere in a value (a plugin query's answer): objects tagged `Person` or
 * `Organisation` get {@link maskParty}; everything else is copied only where something changed.
 *
 * @since 0.1.0
 * @category masking
 */
export const maskDeep = (value: unknown, depth = 0): unknown => {
  if (typeof value !== "object" || value === null || depth > 64) return value
  if (Array.isArray(value)) {
    let changed = false
    const out = value.map((v) => {
      const m = maskDeep(v, depth + 1)
      if (m !== v) changed = true
      return m
    })
    return changed ? out : value
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const record = value as Record<string, unknown>
  if (isParty(record)) return maskParty(record as unknown as PartyRecord)
  let out: Record<string, unknown> | undefined
  for (const k of Object.keys(record)) {
    const v = record[k]
    const m = maskDeep(v, depth + 1)
    if (m !== v) {
      out ??= { ...record }
      out[k] = m
    }
  }
  return out ?? value
}

const maskStrings = (value: unknown, depth: number): unknown => {
  if (typeof value === "string") return maskText(value)
  if (typeof value !== "object" || value === null || depth > 64) return value
  const proto = Object.getPrototypeOf(value)
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value
  const record = value as Record<string, unknown>
  if (!Array.isArray(value) && isParty(record)) return maskParty(record as unknown as PartyRecord)
  let out: Record<string, unknown> | Array<unknown> | undefined
  for (const k of Object.keys(record)) {
    const v = record[k]
    const m = maskStrings(v, depth + 1)
    if (m !== v) {
      out ??= Array.isArray(value) ? value.slice() : { ...record }
      ;(out as Record<string, unknown>)[k] = m
    }
  }
  return out ?? value
}

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
    const m = maskStrings(d.value, 0)
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
}

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
    lookupKey: Effect.succeed(lookup)
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
