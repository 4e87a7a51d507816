/**
 * Field-level encryption of party data at rest: a `CaseStore` wrapper that seals the parties of every snapshot and
 * `Registered` event on the way in and unseals them on the way out, so that the store underneath only ever sees
 * ciphertext. AES-256-GCM, a fresh 96-bit IV per party, the case id and the party's index as additional data (a
 * sealed party moved to another case or position does not decrypt).
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"
import type { Case } from "../Case.js"
import type { AppendRequest, CaseStore, RedactRequest } from "../CaseStore.js"
import { CorruptRecord, StoreError } from "../Errors.js"
import type { Envelope } from "../Event.js"
import { maskText } from "../internal/masking.js"
import type { PartyRecord, Sealed } from "../Party.js"
import type { KeyService } from "../Privacy.js"
import { auditKeyOf, lookupHash } from "../Privacy.js"

/** @internal */
export const sealedName = "***"

const describe = (u: unknown): string =>
  u instanceof Error ? u.message : typeof u === "string" ? u : JSON.stringify(u) ?? String(u)

/** @internal */
export interface Sealing {
  readonly store: CaseStore
  readonly lookupKey: Uint8Array
}

const checkKey = (k: unknown, what: string): Effect.Effect<Uint8Array, StoreError> =>
  k instanceof Uint8Array && k.length === 32
    ? Effect.succeed(k)
    : Effect.fail(new StoreError({ operation: "encryption", reason: `${what} is not a 32-byte key` }))

/**
 * Wraps a store. Fails at start-up when the key service cannot give the current key or the lookup key.
 * @internal
 */
export const makeSealing = (inner: CaseStore, keys: KeyService): Effect.Effect<Sealing, StoreError> =>
  Effect.gen(function*() {
    const keyCache = new Map<string, Uint8Array>()
    const keyOf = (id: string): Effect.Effect<Uint8Array, StoreError> => {
      const k = keyCache.get(id)
      if (k !== undefined) return Effect.succeed(k)
      return keys.key(id).pipe(
        Effect.mapError((e) =>
          new StoreError({ operation: "encryption", reason: `key ${id} is not available: ${describe(e)}` })
        ),
        Effect.flatMap((k) => checkKey(k, `key ${id}`)),
        Effect.tap((k) => Effect.sync(() => keyCache.set(id, k)))
      )
    }
    const currentId = yield* keys.currentKeyId.pipe(
      Effect.mapError((e) =>
        new StoreError({ operation: "encryption", reason: `the current key id is not available: ${describe(e)}` })
      )
    )
    yield* keyOf(currentId)
    const lookupKey = yield* keys.lookupKey.pipe(
      Effect.mapError((e) =>
        new StoreError({ operation: "encryption", reason: `the lookup key is not available: ${describe(e)}` })
      ),
      Effect.flatMap((k) => checkKey(k, "the lookup key"))
    )
    // the store seals case rows and heads with the audit key from now on (HMAC): see AuditTrail.sealCase
    if (inner.useSealKey !== undefined) {
      const auditKey = yield* auditKeyOf(keys).pipe(
        Effect.mapError((e) =>
          new StoreError({ operation: "encryption", reason: `the audit key is not available: ${describe(e)}` })
        ),
        Effect.flatMap((k) => checkKey(k, "the audit key"))
      )
      yield* inner.useSealKey(auditKey)
    }

    // sealed ↔ plain party lists, by identity: an unchanged list is sealed once and its ciphertext reused, so a
    // snapshot's parties stay byte-identical to its Registered event's
    const sealedOf = new WeakMap<ReadonlyArray<PartyRecord>, ReadonlyArray<PartyRecord>>()
    const plainOf = new WeakMap<ReadonlyArray<PartyRecord>, ReadonlyArray<PartyRecord>>()

    const sealOne = (caseId: string, index: number, p: PartyRecord, key: Uint8Array): PartyRecord => {
      if (p.sealed !== undefined) return p
      const { _tag, role, ...personal } = p
      const iv = randomBytes(12)
      const cipher = createCipheriv("aes-256-gcm", key, iv)
      cipher.setAAD(Buffer.from(`${caseId}#${index}`, "utf8"))
      const data = Buffer.concat([cipher.update(JSON.stringify(personal), "utf8"), cipher.final()])
      const lookup: { idNumber?: string; phone?: string } = {}
      if (p._tag === "Person" && p.idNumber !== undefined) lookup.idNumber = lookupHash("id", p.idNumber, lookupKey)
      if (p.phone !== undefined) lookup.phone = lookupHash("phone", p.phone, lookupKey)
      const sealed: Sealed = {
        keyId: currentId,
        iv: iv.toString("base64"),
        data: data.toString("base64"),
        tag: cipher.getAuthTag().toString("base64"),
        ...(Object.keys(lookup).length > 0 ? { lookup } : {})
      }
      return { _tag, role, name: sealedName, sealed } as PartyRecord
    }

    const sealParties = (caseId: string, parties: ReadonlyArray<PartyRecord>) =>
      Effect.suspend(() => {
        const known = sealedOf.get(parties)
        if (known !== undefined) return Effect.succeed(known)
        if (parties.every((p) => p.sealed !== undefined)) return Effect.succeed(parties)
        return Effect.map(keyOf(currentId), (key) => {
          const sealed = parties.map((p, i) => sealOne(caseId, i, p, key))
          sealedOf.set(parties, sealed)
          plainOf.set(sealed, parties)
          return sealed
        })
      })

    const unsealParties = (
      caseId: string,
      version: number,
      parties: ReadonlyArray<PartyRecord>
    ): Effect.Effect<ReadonlyArray<PartyRecord>, StoreError | CorruptRecord> =>
      Effect.suspend(() => {
        const known = plainOf.get(parties)
        if (known !== undefined) return Effect.succeed(known)
        if (parties.every((p) => p.sealed === undefined)) return Effect.succeed(parties)
        return Effect.map(
          Effect.forEach(parties, (p, i) => {
            const s = p.sealed
            if (s === undefined) return Effect.succeed(p)
            return Effect.flatMap(keyOf(s.keyId), (key) => {
              try {
                const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(s.iv, "base64"))
                decipher.setAAD(Buffer.from(`${caseId}#${i}`, "utf8"))
                decipher.setAuthTag(Buffer.from(s.tag, "base64"))
                const text = Buffer.concat([decipher.update(Buffer.from(s.data, "base64")), decipher.final()])
                  .toString("utf8")
                const personal = JSON.parse(text) as Record<string, unknown>
                return Effect.succeed({ ...personal, _tag: p._tag, role: p.role } as PartyRecord)
              } catch (e) {
                return Effect.fail(
                  new CorruptRecord({
                    caseId,
                    version,
                    reason: maskText(`sealed party ${i} cannot be decrypted with key ${s.keyId}: ${describe(e)}`)
                  })
                )
              }
            })
          }),
          (plain) => {
            plainOf.set(parties, plain)
            sealedOf.set(plain, parties)
            return plain
          }
        )
      })

    const sealCase = (c: Case) =>
      Effect.map(sealParties(c.id, c.parties), (parties) => (parties === c.parties ? c : { ...c, parties }))
    const unsealCase = (c: Case) =>
      Effect.map(unsealParties(c.id, c.version, c.parties), (parties) => parties === c.parties ? c : { ...c, parties })
    const sealEnvelope = (e: Envelope) => {
      const event = e.event
      return event._tag !== "Registered" ? Effect.succeed(e) : Effect.map(
        sealParties(e.caseId, event.parties),
        (parties): Envelope => parties === event.parties ? e : { ...e, event: { ...event, parties } }
      )
    }
    const unsealEnvelope = (e: Envelope) => {
      const event = e.event
      return event._tag !== "Registered" ? Effect.succeed(e) : Effect.map(
        unsealParties(e.caseId, e.version, event.parties),
        (parties): Envelope => parties === event.parties ? e : { ...e, event: { ...event, parties } }
      )
    }
    const sealRequest = (req: AppendRequest) =>
      Effect.all({ snapshot: sealCase(req.snapshot), events: Effect.forEach(req.events, sealEnvelope) }).pipe(
        Effect.map((sealed): AppendRequest => ({ ...req, ...sealed }))
      )
    const sealRedact = (req: RedactRequest) =>
      Effect.all({
        snapshot: sealCase(req.snapshot),
        events: req.events === undefined ? Effect.succeed(undefined) : Effect.forEach(req.events, sealEnvelope)
      }).pipe(Effect.map((sealed): RedactRequest => ({ ...req, ...sealed })))

    // Every member of the port is named, here or in `notCaseContent`, none spread from `inner`: a member added to
    // `CaseStore` fails to compile until it is either unsealed or passed through on purpose (a spread once passed
    // `loadMany`'s sealed snapshots through to the centre)
    const store: { readonly [K in keyof Required<CaseStore>]: CaseStore[K] } = {
      ...notCaseContent(inner),
      // every way of reading or writing a case unseals or seals it
      load: (centre, caseId) =>
        Effect.flatMap(
          inner.load(centre, caseId),
          (o) => Option.isNone(o) ? Effect.succeed(o) : Effect.map(unsealCase(o.value), Option.some)
        ),
      loadByCode: (centre, code) =>
        Effect.flatMap(
          inner.loadByCode(centre, code),
          (o) => Option.isNone(o) ? Effect.succeed(o) : Effect.map(unsealCase(o.value), Option.some)
        ),
      loadMany: inner.loadMany === undefined ?
        undefined :
        (centre, caseIds) =>
          Effect.flatMap(inner.loadMany!(centre, caseIds), (cases) => Effect.forEach(cases, unsealCase)),
      append: (req) => Effect.flatMap(sealRequest(req), inner.append),
      appendBatch: (reqs) => Effect.flatMap(Effect.forEach(reqs, sealRequest), inner.appendBatch),
      readEvents: (centre, caseId, range) =>
        Effect.flatMap(inner.readEvents(centre, caseId, range), (es) => Effect.forEach(es, unsealEnvelope)),
      list: (centre, request) =>
        Effect.flatMap(
          inner.list(centre, request),
          (r) => Effect.map(Effect.forEach(r.items, unsealCase), (items) => ({ ...r, items }))
        ),
      redact: inner.redact === undefined ?
        undefined :
        (req: RedactRequest) => Effect.flatMap(sealRedact(req), inner.redact!)
    }
    return { store, lookupKey }
  })

/** The members of a store that hold no case content, which both wrappers pass through as they are. */
type NotCaseContent =
  | "capabilities"
  | "findCommand"
  | "nextSequence"
  | "aggregate"
  | "registerCentre"
  | "readState"
  | "writeState"
  | "scanState"
  | "pluginMigrations"
  | "recordPluginMigration"
  | "verify"
  | "useSealKey"
  | "withTransaction"

// named one by one, none spread from `inner`: a member added to the port is decided on in each wrapper
const notCaseContent = (inner: CaseStore): { readonly [K in NotCaseContent]: CaseStore[K] } => ({
  // not case content (plugins keep their own state, and hash any identity they index)
  capabilities: inner.capabilities,
  findCommand: inner.findCommand,
  nextSequence: inner.nextSequence,
  aggregate: inner.aggregate,
  registerCentre: inner.registerCentre,
  readState: inner.readState,
  writeState: inner.writeState,
  scanState: inner.scanState,
  pluginMigrations: inner.pluginMigrations,
  recordPluginMigration: inner.recordPluginMigration,
  // hashes are over the sealed form, as stored
  verify: inner.verify,
  useSealKey: inner.useSealKey,
  withTransaction: inner.withTransaction
})

/**
 * The store of a centre without a key service: reads pass through, except that a case or a `Registered` event
 * holding a sealed party is a `StoreError` naming its key id (instead of ciphertext handed out as if it were the
 * party). Checking costs a look at each party's `sealed` field; writes pass through unchanged.
 * @internal
 */
export const withoutKeys = (inner: CaseStore): CaseStore => {
  const sealedParty = (parties: ReadonlyArray<PartyRecord>): Sealed | undefined => {
    for (const p of parties) if (p.sealed !== undefined) return p.sealed
    return undefined
  }
  const noKey = (operation: string, caseId: string, sealed: Sealed) =>
    new StoreError({
      operation,
      reason: `case ${caseId} holds party data sealed with key ${sealed.keyId}, but the centre has no key service ` +
        `(give createCenter / Center.make the encryption option with that key)`
    })
  const checkCases = (operation: string, cs: ReadonlyArray<Case>): Effect.Effect<ReadonlyArray<Case>, StoreError> => {
    for (const c of cs) {
      const s = sealedParty(c.parties)
      if (s !== undefined) return Effect.fail(noKey(operation, c.id, s))
    }
    return Effect.succeed(cs)
  }
  const checkOption =
    (operation: string) => (o: Option.Option<Case>): Effect.Effect<Option.Option<Case>, StoreError> => {
      // on every command's load: checked in place, without a second effect
      const s = Option.isNone(o) ? undefined : sealedParty(o.value.parties)
      return s === undefined ? Effect.succeed(o) : Effect.fail(noKey(operation, (o as Option.Some<Case>).value.id, s))
    }
  const checkEvents = (es: ReadonlyArray<Envelope>): Effect.Effect<ReadonlyArray<Envelope>, StoreError> => {
    for (const e of es) {
      if (e.event._tag !== "Registered") continue
      const s = sealedParty(e.event.parties)
      if (s !== undefined) return Effect.fail(noKey("readEvents", e.caseId, s))
    }
    return Effect.succeed(es)
  }
  // every member named, as in makeSealing: a member added to the port must be decided on here
  const store: { readonly [K in keyof Required<CaseStore>]: CaseStore[K] } = {
    ...notCaseContent(inner),
    append: inner.append,
    appendBatch: inner.appendBatch,
    redact: inner.redact,
    load: (centre, caseId) => Effect.flatMap(inner.load(centre, caseId), checkOption("load")),
    loadByCode: (centre, code) => Effect.flatMap(inner.loadByCode(centre, code), checkOption("loadByCode")),
    loadMany: inner.loadMany === undefined ?
      undefined :
      (centre, caseIds) => Effect.flatMap(inner.loadMany!(centre, caseIds), (cs) => checkCases("loadMany", cs)),
    readEvents: (centre, caseId, range) => Effect.flatMap(inner.readEvents(centre, caseId, range), checkEvents),
    list: (centre, request) =>
      Effect.flatMap(inner.list(centre, request), (r) => Effect.as(checkCases("list", r.items), r))
  }
  return store
}
