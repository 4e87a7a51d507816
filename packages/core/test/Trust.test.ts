/**
 * Trust: personal data masked in every output, full reads only with the permission and recorded, party data
 * sealed at rest with key rotation by key id, the retention rule keeping statistics intact, and the audit trail
 * through the centre on both front doors.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import { createHash, randomBytes } from "node:crypto"
import * as AuditTrail from "../src/AuditTrail.js"
import { CaseStore } from "../src/CaseStore.js"
import type * as Center from "../src/Center.js"
import * as Grading from "../src/Grading.js"
import * as MemoryStore from "../src/MemoryStore.js"
import * as Plugin from "../src/Plugin.js"
import * as Privacy from "../src/Privacy.js"
import { makeSealing } from "../src/sealing/sealedStore.js"
import {
  admin,
  applicant,
  countyConfig,
  otherTownship,
  registerInput as sampleRegistration,
  respondent,
  viewer
} from "./fixtures.js"
import { createScenarioCenter, makeScenario } from "./scenario.js"

const centre = countyConfig.id
const FULL_ID = applicant.idNumber
const FULL_PHONE = applicant.phone
const MASKED_ID = "110105********002X"
const MASKED_PHONE = "138****5678"

const registerInput = (extra: Record<string, unknown> = {}) =>
  sampleRegistration({ description: "邻里纠纷，申请人电话 13812345678", ...extra })

/** The loop from registration to archiving, one hour apart. */
const toArchived = (caseId: string, day = "03") => {
  let h = 9
  const at = () => `2025-03-${day}T${String(++h).padStart(2, "0")}:00:00+08:00`
  return [
    { _tag: "Accept", actor: admin, caseId, at: at() },
    { _tag: "Assess", actor: admin, caseId, category: "neighbourhood", complexity: "general", at: at() },
    { _tag: "Dispatch", actor: admin, caseId, leadUnit: "dstMediation", mediationType: "people", at: at() },
    { _tag: "StartHandling", actor: admin, caseId, at: at() },
    {
      _tag: "RecordOutcome",
      actor: admin,
      caseId,
      at: at(),
      outcome: { _tag: "Resolved", agreement: { summary: "双方达成协议" } }
    },
    { _tag: "GiveFeedback", actor: admin, caseId, rating: "satisfied", at: at() },
    { _tag: "RecordFollowUp", actor: admin, caseId, result: "stable", at: at() },
    { _tag: "Archive", actor: admin, caseId, at: at() }
  ]
}

const keys = {
  k1: randomBytes(32),
  k2: randomBytes(32),
  lookup: randomBytes(32)
}

const open = (options: Partial<Center.Options> = {}, store?: CaseStore) =>
  Effect.gen(function*() {
    const s = store ?? (yield* MemoryStore.make)
    const center = yield* makeScenario({ config: countyConfig, ...options }).pipe(
      Effect.provideService(CaseStore, s)
    )
    return { store: s, center }
  })

const accessRecords = (store: CaseStore) =>
  Effect.map(
    store.scanState(centre, Privacy.accessNamespace, { prefix: "", limit: 100 }),
    (es) => es.map((e) => e.value as Privacy.AccessRecord)
  )

describe("masking (脱敏)", () => {
  it("masks ID numbers, phones and numbers in text", () => {
    expect(Privacy.maskIdNumber("220283199001011234")).toBe("220283********1234")
    expect(Privacy.maskPhone("13812345678")).toBe("138****5678")
    expect(Privacy.maskPhone("0433-1234567")).toBe("0433-***4567")
    expect(Privacy.maskText("身份证 220283199001011234，电话 +86 138-1234-5678 或 0433-1234567。"))
      .toBe("身份证 220283********1234，电话 138****5678 或 0433-***4567。")
    // numbers written in groups, with brackets or in full width
    const written: ReadonlyArray<readonly [string, string]> = [
      ["身份证 220283 19900101 1234 号", "身份证 220283 ******** 1234 号"],
      ["身份证220283-1990-0101-123X", "身份证220283-********-123X"],
      ["电话 138 1234 5678", "电话 138****5678"],
      ["座机 0433 2512345", "座机 0433 ***2345"],
      ["座机 (0433) 251 2345", "座机 (0433) *** 2345"],
      ["座机 04332512345", "座机 0433***2345"],
      ["010-12345678", "010-****5678"],
      ["手机１３８１２３４５６７８", "手机138****5678"],
      ["座机（０４３３）２５１２３４５", "座机(0433)***2345"]
    ]
    for (const [text, masked] of written) expect(Privacy.maskText(text), text).toBe(masked)
    // amounts and dates in groups are not numbers to mask
    for (const text of ["金额 100 200 300 400 500 元", "2024-01-01 至 2024-12-31", "１２３元"]) {
      expect(Privacy.maskText(text)).toBe(text)
    }
    // case codes, division codes and timestamps are left alone
    const plain = "222403-2025-000017 222403100201 2025-03-03T09:00:00.000Z 0123456789abcdef"
    expect(Privacy.maskText(plain)).toBe(plain)
    // numbers written against a word are masked; one hex letter before digits is part of an id, not a word
    const againstWords: ReadonlyArray<readonly [string, string]> = [
      ["ID220283199001011234", "ID220283********1234"],
      ["tel13812345678", "tel138****5678"],
      ["申请人phone13812345678，Fax04332512345", "申请人phone138****5678，Fax0433***2345"],
      ["电话tel０４３３-２５１２３４５", "电话tel0433-***2345"]
    ]
    for (const [text, masked] of againstWords) expect(Privacy.maskText(text), text).toBe(masked)
    // UUIDs whose groups read like a landline or a number, hashes, and ids are left alone, in a text too
    const ids = [
      "0193a0b2-0433-7123-8456-012345678901",
      "a13812345678",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "2025-03-03T09:00:00.135Z"
    ]
    for (const id of ids) expect(Privacy.maskText(id), id).toBe(id)
    expect(Privacy.maskText(`案件 ${ids[0]} 申请人电话 ${FULL_PHONE}`)).toBe(
      `案件 ${ids[0]} 申请人电话 ${MASKED_PHONE}`
    )
  })

  it.effect("numbers in every text of cases and events are masked: reasons, notes, answers, names", () =>
    Effect.gen(function*() {
      const { center } = yield* open()
      const quoted = `申请人张三（身份证 ${FULL_ID}，电话 ${FULL_PHONE}）`
      // identifiers are returned as given, even when they look like numbers
      const caseId = "13912345678"
      const r = yield* center.execute(registerInput({ caseId, commandId: "tel13912345678" }))
      const s = yield* center.execute({
        _tag: "IssueSupervision",
        actor: admin,
        caseId,
        orderId: "ID220283199001011234",
        level: "reminder",
        dueAt: "2099-01-01T00:00:00+08:00",
        note: `${quoted}多次来电`,
        at: "2025-03-03T10:00:00+08:00"
      })
      const rejected = yield* center.execute({
        _tag: "Reject",
        actor: admin,
        caseId,
        reason: `${quoted}不属受理范围`,
        redirectTo: `法院，联系 ${FULL_PHONE}`,
        at: "2025-03-03T11:00:00+08:00"
      })
      const outputs = {
        register: r,
        supervise: s,
        reject: rejected,
        get: yield* center.get({ actor: viewer, caseId }),
        getByCode: yield* center.getByCode({ actor: viewer, code: r.code }),
        history: yield* center.history({ actor: viewer, caseId }),
        asOf: yield* center.asOf({ actor: viewer, caseId, at: "2025-03-03T12:00:00+08:00" }),
        list: yield* center.list({ actor: viewer })
      }
      for (const [name, output] of Object.entries(outputs)) {
        const json = JSON.stringify(output)
        expect(json, name).not.toContain(FULL_ID)
        expect(json, name).not.toContain(FULL_PHONE)
      }
      const got = outputs.get
      expect(got.rejection).toStrictEqual({
        reason: "申请人张三（身份证 110105********002X，电话 138****5678）不属受理范围",
        redirectTo: "法院，联系 138****5678"
      })
      expect(got.supervision[0]).toMatchObject({
        orderId: "ID220283199001011234",
        note: "申请人张三（身份证 110105********002X，电话 138****5678）多次来电"
      })
      expect(got.id).toBe(caseId)
      expect(rejected.events[0]).toMatchObject({
        caseId,
        event: { _tag: "Rejected", redirectTo: "法院，联系 138****5678" }
      })
      expect(outputs.history.map((e) => e.commandId)[0]).toBe("tel13912345678")
      expect(outputs.history.map((e) => e.event._tag)).toStrictEqual(["Registered", "SupervisionIssued", "Rejected"])
      // in full, for an actor who may read personal data
      const full = yield* center.get({ actor: admin, caseId, personalData: "full" })
      expect(full.rejection?.reason).toContain(FULL_ID)
      const fullHistory = yield* center.history({ actor: admin, caseId, personalData: "full" })
      expect(JSON.stringify(fullHistory)).toContain(FULL_PHONE)
    }))

  it.effect("every output of the centre is masked; the store keeps the full data", () =>
    Effect.gen(function*() {
      const { center, store } = yield* open()
      const r = yield* center.execute(registerInput())
      const outputs = [
        r,
        yield* center.get({ actor: admin, caseId: r.caseId }),
        yield* center.getByCode({ actor: admin, code: r.code }),
        yield* center.history({ actor: admin, caseId: r.caseId }),
        yield* center.asOf({ actor: admin, caseId: r.caseId, at: "2025-03-04T00:00:00Z" }),
        yield* center.list({ actor: admin })
      ]
      for (const output of outputs) {
        const json = JSON.stringify(output)
        expect(json).toContain(MASKED_ID)
        expect(json).toContain(MASKED_PHONE)
        expect(json).not.toContain(FULL_ID)
        expect(json).not.toContain(FULL_PHONE)
      }
      const stored = Option.getOrThrow(yield* store.load(centre, r.caseId))
      expect(stored.parties[0]).toMatchObject({ idNumber: FULL_ID, phone: FULL_PHONE })
      expect(yield* accessRecords(store)).toEqual([])
    }))

  it.effect("a full read needs readPersonalData and is recorded; without it, Forbidden and nothing recorded", () =>
    Effect.gen(function*() {
      const { center, store } = yield* open()
      const r = yield* center.execute(registerInput())
      const full = yield* center.get({ actor: admin, caseId: r.caseId, personalData: "full" })
      expect(full.parties[0]).toMatchObject({ idNumber: FULL_ID, phone: FULL_PHONE })
      const listed = yield* center.list({ actor: admin, personalData: "full" })
      expect(listed.items[0]!.parties[0]).toMatchObject({ idNumber: FULL_ID })
      const history = yield* center.history({ actor: admin, caseId: r.caseId, personalData: "full" })
      expect(JSON.stringify(history)).toContain(FULL_ID)
      const records = yield* accessRecords(store)
      expect(records.map((x) => [x.actorId, x.operation, x.caseIds])).toEqual([
        ["admin-1", "get", [r.caseId]],
        ["admin-1", "list", [r.caseId]],
        ["admin-1", "history", [r.caseId]]
      ])
      const denied = yield* Effect.flip(center.get({ actor: viewer, caseId: r.caseId, personalData: "full" }))
      expect(denied).toMatchObject({ _tag: "Forbidden", action: "readPersonalData" })
      expect(yield* Effect.flip(center.list({ actor: viewer, personalData: "full" }))).toMatchObject({
        _tag: "Forbidden"
      })
      expect(yield* accessRecords(store)).toHaveLength(3)
    }))

  it.effect("errors and logs carry masked numbers only", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ message }) => {
          lines.push(JSON.stringify(message))
        })
      )
      const leaky = Plugin.definePlugin({
        id: "leaky",
        version: "1",
        guards: [{
          name: "leak",
          check: () => Effect.die(new Error(`cannot reach ${FULL_PHONE} or ${FULL_ID}`))
        }]
      })
      const { center } = yield* open({ plugins: [leaky] })
      const failed = yield* Effect.flip(center.execute(registerInput())).pipe(Effect.provide(capture))
      expect(failed._tag).toBe("PluginFailed")
      const invalid = yield* Effect.flip(
        center.execute(registerInput({ parties: [{ ...applicant, idNumber: 11010519491231002 }] }))
      )
      expect(invalid._tag).toBe("InvalidInput")
      for (const text of [JSON.stringify(failed), failed.message, JSON.stringify(invalid), invalid.message, ...lines]) {
        expect(text).not.toContain(FULL_PHONE)
        expect(text).not.toContain(FULL_ID)
        expect(text).not.toContain("11010519491231002")
      }
      expect(lines.join("\n")).toContain(MASKED_PHONE)
      // a number passed where a case id or code goes, and a plugin guard's reason quoting one: messages masked
      const notFound = yield* Effect.flip(center.get({ actor: admin, caseId: FULL_ID }))
      expect(notFound._tag).toBe("CaseNotFound")
      expect(notFound.message).not.toContain(FULL_ID)
      const quoting = Plugin.definePlugin({
        id: "quoting",
        version: "1",
        guards: [{
          name: "open",
          commands: ["Register"],
          check: () => Effect.succeed(`申请人 ${FULL_ID} 电话 ${FULL_PHONE} 已有未结案件`)
        }]
      })
      const { center: guarded } = yield* open({ plugins: [quoting] })
      const refused = yield* Effect.flip(guarded.execute(registerInput()))
      expect(refused._tag).toBe("GuardFailed")
      for (const text of [refused.message, JSON.stringify(refused)]) {
        expect(text).not.toContain(FULL_ID)
        expect(text).not.toContain(FULL_PHONE)
      }
    }))
})

describe("masking of plugin query answers (maskDeep)", () => {
  class Answer extends Data.Class<{ readonly applicant: unknown; readonly note: string }> {}
  const lookup = Plugin.definePlugin({
    id: "lookup",
    version: "1",
    api: (ctx) => {
      const applicantOf = (input: { readonly actor: unknown; readonly caseId: string }) =>
        Effect.map(ctx.load(input.caseId), (c) => c!.parties[0]!)
      return {
        option: (input: { readonly actor: unknown; readonly caseId: string }) =>
          Effect.map(applicantOf(input), Option.some),
        either: (input: { readonly actor: unknown; readonly caseId: string }) =>
          Effect.map(applicantOf(input), (p) => Either.right({ p })),
        struct: (input: { readonly actor: unknown; readonly caseId: string }) =>
          Effect.map(applicantOf(input), (p) => Data.struct({ applicant: p, all: Data.array([p]) })),
        dataClass: (input: { readonly actor: unknown; readonly caseId: string }) =>
          Effect.map(applicantOf(input), (p) => new Answer({ applicant: Data.struct(p), note: FULL_PHONE })),
        map: (input: { readonly actor: unknown; readonly caseId: string }) =>
          Effect.map(applicantOf(input), (p) => new Map([["applicant", Option.some(p)]])),
        set: (input: { readonly actor: unknown; readonly caseId: string }) =>
          Effect.map(applicantOf(input), (p) => new Set([p])),
        chunk: (input: { readonly actor: unknown; readonly caseId: string }) =>
          Effect.map(applicantOf(input), (p) => Chunk.make({ p }, "x")),
        nothing: (input: { readonly actor: unknown; readonly caseId: string }) =>
          Effect.succeed(Data.struct({ caseId: input.caseId, none: Option.none<unknown>() }))
      }
    }
  })
  const masked = { name: applicant.name, idNumber: MASKED_ID, phone: MASKED_PHONE }

  it.effect("parties inside Option, Either, Data structs and classes, Map, Set and Chunk are masked; shapes stay", () =>
    Effect.gen(function*() {
      const center = yield* makeScenario({ config: countyConfig, plugins: [lookup] }).pipe(
        Effect.provideService(CaseStore, yield* MemoryStore.make)
      )
      const { caseId } = yield* center.execute(registerInput())
      const api = center.plugins.lookup
      const input = { actor: viewer, caseId }
      const option = yield* api.option(input)
      expect(Option.isOption(option) && Option.getOrThrow(option)).toMatchObject(masked)
      const either = yield* api.either(input)
      expect(Either.isEither(either) && Either.getOrThrow(either).p).toMatchObject(masked)
      const struct = yield* api.struct(input)
      expect(struct.applicant).toMatchObject(masked)
      expect(struct.all[0]).toMatchObject(masked)
      // still structural: equal to a struct of the same masked values
      expect(Equal.equals(struct, Data.struct({ applicant: struct.applicant, all: Data.array([struct.all[0]]) })))
        .toBe(true)
      const answer = yield* api.dataClass(input)
      expect(answer).toBeInstanceOf(Answer)
      expect(answer.applicant).toMatchObject(masked)
      expect(Equal.isEqual(answer.applicant)).toBe(true)
      expect(answer.note).toBe(FULL_PHONE) // plain strings of an answer are the plugin's business, as before
      const map = yield* api.map(input)
      expect(map).toBeInstanceOf(Map)
      expect(Option.getOrThrow(map.get("applicant")!)).toMatchObject(masked)
      const set = yield* api.set(input)
      expect(set).toBeInstanceOf(Set)
      expect([...set][0]).toMatchObject(masked)
      const chunk = yield* api.chunk(input)
      expect(Chunk.isChunk(chunk)).toBe(true)
      expect(Chunk.toReadonlyArray(chunk)).toMatchObject([{ p: masked }, "x"])
      for (const answer of [option, either, struct, map, set, chunk]) {
        const text = JSON.stringify(answer, (_, v: unknown) => v instanceof Map || v instanceof Set ? [...v] : v)
        expect(text).not.toContain(FULL_ID)
        expect(text).not.toContain(FULL_PHONE)
      }
      // nothing to mask: the very same value
      const nothing = yield* api.nothing(input)
      expect(Privacy.maskDeep(nothing)).toBe(nothing)
      const some = Option.some({ n: 1 })
      expect(Privacy.maskDeep(some)).toBe(some)
    }))
})

describe("encryption of party data at rest (字段级加密)", () => {
  it.effect("the store sees only ciphertext; the centre reads it back; look-up hashes are keyed", () =>
    Effect.gen(function*() {
      const encryption = Privacy.staticKeys({ current: "k1", keys: { k1: keys.k1 }, lookupKey: keys.lookup })
      const { center, store } = yield* open({ encryption })
      // party data is sealed; free text (the description) is not: keep numbers out of it, or they are stored
      const r = yield* center.execute(registerInput({ description: "邻里纠纷" }))
      yield* center.execute({ _tag: "Accept", actor: admin, caseId: r.caseId, at: "2025-03-03T10:00:00+08:00" })
      const raw = JSON.stringify([
        yield* store.load(centre, r.caseId),
        yield* store.readEvents(centre, r.caseId)
      ])
      for (const secret of [FULL_ID, FULL_PHONE, applicant.name, respondent.name, MASKED_ID]) {
        expect(raw).not.toContain(secret)
      }
      const sealed = Option.getOrThrow(yield* store.load(centre, r.caseId)).parties[0]!
      expect(sealed).toMatchObject({ _tag: "Person", role: "applicant", name: "***", sealed: { keyId: "k1" } })
      expect(sealed.sealed!.lookup).toEqual({
        idNumber: Privacy.lookupHash("id", FULL_ID, keys.lookup),
        phone: Privacy.lookupHash("phone", FULL_PHONE, keys.lookup)
      })
      // the snapshot's sealed parties are the Registered event's, byte for byte
      const events = yield* store.readEvents(centre, r.caseId)
      expect(events[0]!.event._tag === "Registered" && events[0]!.event.parties[0]).toStrictEqual(sealed)
      const full = yield* center.get({ actor: admin, caseId: r.caseId, personalData: "full" })
      expect(full.parties).toStrictEqual([applicant, respondent])
      expect((yield* center.get({ actor: admin, caseId: r.caseId })).parties[0]).toMatchObject({
        name: "张三",
        idNumber: MASKED_ID
      })
      expect(yield* store.verify!(centre)).toMatchObject({ ok: true, events: 2 })
      // the centre's view of the store unseals every way of reading a case, loadMany too
      const unsealing = (yield* makeSealing(store, encryption)).store
      const many = yield* unsealing.loadMany!(centre, [r.caseId])
      expect(many.map((c) => c.parties)).toStrictEqual([[applicant, respondent]])
      expect(many).toStrictEqual([Option.getOrThrow(yield* unsealing.load(centre, r.caseId))])
    }))

  it.effect("keys rotate by id: old data stays readable by its key id, new data takes the current key", () =>
    Effect.gen(function*() {
      const raw = yield* MemoryStore.make
      const first = yield* open({
        encryption: Privacy.staticKeys({ current: "k1", keys: { k1: keys.k1 }, lookupKey: keys.lookup })
      }, raw)
      const a = yield* first.center.execute(registerInput())
      const rotated = yield* open({
        encryption: Privacy.staticKeys({ current: "k2", keys: { k1: keys.k1, k2: keys.k2 }, lookupKey: keys.lookup })
      }, raw)
      const b = yield* rotated.center.execute(registerInput())
      expect(Option.getOrThrow(yield* raw.load(centre, a.caseId)).parties[0]!.sealed!.keyId).toBe("k1")
      expect(Option.getOrThrow(yield* raw.load(centre, b.caseId)).parties[0]!.sealed!.keyId).toBe("k2")
      for (const id of [a.caseId, b.caseId]) {
        const c = yield* rotated.center.get({ actor: admin, caseId: id, personalData: "full" })
        expect(c.parties[0]).toMatchObject({ name: "张三", idNumber: FULL_ID })
      }
      // a command on an old case keeps its parties under their own key
      yield* rotated.center.execute({ _tag: "Accept", actor: admin, caseId: a.caseId, at: "2025-03-03T10:00:00+08:00" })
      expect(Option.getOrThrow(yield* raw.load(centre, a.caseId)).parties[0]!.sealed!.keyId).toBe("k1")
      // without the old key, the old case is a typed StoreError naming the key; the new one reads
      const withoutK1 = yield* open({
        encryption: Privacy.staticKeys({ current: "k2", keys: { k2: keys.k2 }, lookupKey: keys.lookup })
      }, raw)
      const missing = yield* Effect.flip(withoutK1.center.get({ actor: admin, caseId: a.caseId }))
      expect(missing).toMatchObject({ _tag: "StoreError", reason: expect.stringContaining("key k1") })
      expect((yield* withoutK1.center.get({ actor: admin, caseId: b.caseId })).id).toBe(b.caseId)
      // a centre whose key service cannot give its current key does not start
      const broken = yield* Effect.flip(open({
        encryption: Privacy.staticKeys({ current: "k9", keys: { k1: keys.k1 }, lookupKey: keys.lookup })
      }, raw))
      expect(broken).toMatchObject({ _tag: "StoreError", reason: expect.stringContaining("key k9") })
    }))

  it.effect("without a key service, sealed parties are a StoreError naming the key id, never ciphertext", () =>
    Effect.gen(function*() {
      const raw = yield* MemoryStore.make
      const sealing = yield* open({
        encryption: Privacy.staticKeys({ current: "k1", keys: { k1: keys.k1 }, lookupKey: keys.lookup })
      }, raw)
      const a = yield* sealing.center.execute(registerInput())
      // the same store, the key service forgotten in a deployment
      const { center } = yield* open({}, raw)
      const plain = yield* center.execute(registerInput({ caseId: "plain-1" }))
      const noKey = { _tag: "StoreError", reason: expect.stringMatching(/sealed with key k1.*no key service/) }
      const reads = {
        getFull: center.get({ actor: admin, caseId: a.caseId, personalData: "full" }),
        getMasked: center.get({ actor: viewer, caseId: a.caseId }),
        getByCode: center.getByCode({ actor: viewer, code: a.code }),
        history: center.history({ actor: admin, caseId: a.caseId }),
        asOf: center.asOf({ actor: admin, caseId: a.caseId, at: "2025-03-04T00:00:00Z" }),
        list: center.list({ actor: admin }),
        command: center.execute({ _tag: "Accept", actor: admin, caseId: a.caseId, at: "2025-03-03T10:00:00+08:00" })
      }
      for (const [name, read] of Object.entries(reads)) {
        const failure = yield* Effect.flip(read as Effect.Effect<unknown, unknown>)
        expect(failure, name).toMatchObject(noKey)
        expect(JSON.stringify(failure), name).not.toContain("\"data\"")
      }
      // the command was not written; cases without sealed parties read as before
      expect(Option.getOrThrow(yield* raw.load(centre, a.caseId)).version).toBe(1)
      expect((yield* center.get({ actor: admin, caseId: plain.caseId })).parties[0]).toMatchObject({
        idNumber: MASKED_ID
      })
      expect((yield* center.history({ actor: admin, caseId: plain.caseId })).map((e) => e.event._tag)).toStrictEqual([
        "Registered"
      ])
    }))

  it.effect("a sealed party moved to another case, or changed, does not decrypt: CorruptRecord", () =>
    Effect.gen(function*() {
      const encryption = Privacy.staticKeys({ current: "k1", keys: { k1: keys.k1 }, lookupKey: keys.lookup })
      const raw = yield* MemoryStore.make
      const { center } = yield* open({ encryption }, raw)
      const a = yield* center.execute(registerInput())
      const stolen = Option.getOrThrow(yield* raw.load(centre, a.caseId)).parties
      // a second store with a case that carries the first case's ciphertext
      const other = yield* MemoryStore.make
      const victim = yield* open({ encryption }, other)
      const b = yield* victim.center.execute(registerInput())
      const loaded = Option.getOrThrow(yield* other.load(centre, b.caseId))
      yield* other.redact!({
        centre,
        caseId: b.caseId,
        version: 1,
        snapshot: { ...loaded, parties: stolen },
        events: yield* other.readEvents(centre, b.caseId)
      })
      const fresh = yield* open({ encryption }, other)
      expect(yield* Effect.flip(fresh.center.get({ actor: admin, caseId: b.caseId }))).toMatchObject({
        _tag: "CorruptRecord",
        caseId: b.caseId,
        reason: expect.stringContaining("cannot be decrypted")
      })
    }))
})

describe("the retention rule (保存期限)", () => {
  it.effect("anonymises or purges archived cases past the age; statistics and the audit trail stay intact", () =>
    Effect.gen(function*() {
      const { center, store } = yield* open({ retention: { afterDays: 365 } })
      const old = yield* center.execute(registerInput())
      for (const c of toArchived(old.caseId)) yield* center.execute(c)
      const older = yield* center.execute(registerInput({ at: "2025-03-04T09:00:00+08:00" }))
      for (const c of toArchived(older.caseId, "04")) yield* center.execute(c)
      const open_ = yield* center.execute(registerInput())
      const stats = {
        actor: admin,
        groupBy: [{ _tag: "Column", field: "status" }],
        measures: [
          { _tag: "Count", name: "n" },
          { _tag: "Duration", name: "t", from: "registeredAt", to: "closedAt", stat: "avg" }
        ]
      } as const
      const before = yield* center.aggregate(stats)
      // not yet due
      expect((yield* center.applyRetention({ actor: admin, asOf: "2025-12-31T00:00:00Z" })).cases).toEqual([])
      const asOf = "2026-03-05T00:00:00Z"
      const anonymised = yield* center.applyRetention({ actor: admin, asOf })
      expect(anonymised).toMatchObject({ mode: "anonymise", cutoff: "2025-03-05T00:00:00.000Z" })
      expect(anonymised.cases.map((c) => c.caseId)).toEqual([old.caseId, older.caseId])
      const after = yield* center.get({ actor: admin, caseId: old.caseId, personalData: "full" })
      expect(after.parties).toEqual([
        { _tag: "Person", role: "applicant", name: "当事人1" },
        { _tag: "Person", role: "respondent", name: "当事人2" }
      ])
      const history = JSON.stringify(yield* center.history({ actor: admin, caseId: old.caseId, personalData: "full" }))
      expect(history).not.toContain(FULL_ID)
      expect(history).not.toContain("张三")
      expect(yield* center.aggregate(stats)).toStrictEqual(before)
      expect(yield* center.verify({ actor: admin })).toMatchObject({ ok: true, cases: 3, purged: 0 })
      // done once; purging then removes the events of the anonymised cases
      expect((yield* center.applyRetention({ actor: admin, asOf })).cases).toEqual([])
      const purged = yield* center.applyRetention({ actor: admin, asOf, mode: "purge", olderThanDays: 365 })
      expect(purged.cases).toHaveLength(2)
      expect(yield* center.history({ actor: admin, caseId: old.caseId })).toEqual([])
      expect(yield* center.aggregate(stats)).toStrictEqual(before)
      expect(yield* center.verify({ actor: admin })).toMatchObject({ ok: true, cases: 3, purged: 2 })
      expect((yield* center.get({ actor: admin, caseId: open_.caseId, personalData: "full" })).parties).toEqual([
        applicant,
        respondent
      ])
      // only an actor at the root holding applyRetention
      expect(yield* Effect.flip(center.applyRetention({ actor: viewer, asOf }))).toMatchObject({ _tag: "Forbidden" })
      const townshipAdmin = { ...admin, id: "ds-admin", jurisdiction: "222403100" }
      expect(yield* Effect.flip(center.applyRetention({ actor: townshipAdmin, asOf }))).toMatchObject({
        _tag: "Forbidden"
      })
      const noAge = yield* open()
      expect(yield* Effect.flip(noAge.center.applyRetention({ actor: admin }))).toMatchObject({
        _tag: "InvalidInput",
        field: "olderThanDays"
      })
      expect(store.capabilities.name).toBe("memory")
    }))
})

describe("the retention rule and plugins (onRetention)", () => {
  const gradesNamespace = "fengqiao:grades"
  /** Two graders with different triggers, so that the host remembers each one's last grade per case. */
  const graders = Plugin.definePlugin({
    id: "graders",
    version: "1.0.0",
    contributes: [
      Grading.grader({
        id: "intake",
        triggers: ["Registered"],
        grade: () => Effect.succeed({ score: 1, factors: [] })
      }),
      Grading.grader({
        id: "follow",
        triggers: ["FollowUpRecorded"],
        grade: () => Effect.succeed({ score: 2, factors: [] })
      })
    ]
  })
  const seen: Array<{ mode: string; id: string; before: string; after: string }> = []
  const watcher = Plugin.definePlugin({
    id: "watcher",
    version: "1.0.0",
    onRetention: (ctx) =>
      Effect.sync(() => {
        seen.push({
          mode: ctx.mode,
          id: ctx.before.id,
          before: ctx.before.parties[0]!.name,
          after: ctx.case.parties[0]!.name
        })
      })
  })
  const failing = Plugin.definePlugin({
    id: "failing",
    version: "1.0.0",
    onRetention: () => Effect.fail("index unavailable")
  })

  it.effect("each plugin's onRetention sees the case before and after, in the case's transaction", () =>
    Effect.gen(function*() {
      seen.length = 0
      const { center, store } = yield* open({ retention: { afterDays: 365 }, plugins: [graders, watcher] })
      const old = yield* center.execute(registerInput())
      for (const c of toArchived(old.caseId)) yield* center.execute(c)
      const remembered = Effect.map(store.readState(centre, gradesNamespace, [old.caseId]), (es) => es.length)
      expect(yield* remembered).toBe(1)
      const asOf = "2026-03-05T00:00:00Z"
      yield* center.applyRetention({ actor: admin, asOf })
      expect(seen).toEqual([{ mode: "anonymise", id: old.caseId, before: "张三", after: "当事人1" }])
      // anonymising keeps the remembered grades (the case's summary and risk stay); purging removes them
      expect(yield* remembered).toBe(1)
      yield* center.applyRetention({ actor: admin, asOf, mode: "purge" })
      expect(seen.map((s) => s.mode)).toEqual(["anonymise", "purge"])
      expect(seen[1]).toMatchObject({ before: "当事人1", after: "当事人1" })
      expect(yield* remembered).toBe(0)
    }))

  it.effect("a plugin whose onRetention fails leaves the case as it was (PluginFailed)", () =>
    Effect.gen(function*() {
      const { center } = yield* open({ retention: { afterDays: 365 }, plugins: [failing] })
      const old = yield* center.execute(registerInput())
      for (const c of toArchived(old.caseId)) yield* center.execute(c)
      const asOf = "2026-03-05T00:00:00Z"
      const r = yield* Effect.either(center.applyRetention({ actor: admin, asOf }))
      expect(r._tag === "Left" ? r.left : "applied").toMatchObject({
        _tag: "PluginFailed",
        plugin: "failing",
        hook: "onRetention"
      })
      const kept = yield* center.get({ actor: admin, caseId: old.caseId, personalData: "full" })
      expect(kept.parties).toEqual([applicant, respondent])
      const history = JSON.stringify(yield* center.history({ actor: admin, caseId: old.caseId, personalData: "full" }))
      expect(history).toContain(FULL_ID)
      expect(yield* center.verify({ actor: admin })).toMatchObject({ ok: true, purged: 0 })
    }))
})

describe("the audit trail's hash", () => {
  it("is hex SHA-256 of the previous hash, a newline and the canonical JSON, for any event (chains already stored keep verifying)", () => {
    const reference = (previous: string, event: unknown) =>
      createHash("sha256").update(previous).update("\n").update(AuditTrail.canonicalJson(event)).digest("hex")
    FastCheck.assert(
      FastCheck.property(
        FastCheck.oneof(FastCheck.constant(AuditTrail.genesis), FastCheck.hexaString({ minLength: 64, maxLength: 64 })),
        FastCheck.jsonValue(),
        FastCheck.fullUnicodeString(),
        (previous, value, text) => {
          const event = { _tag: "Noted", value, text }
          expect(AuditTrail.hashEvent(previous, event)).toBe(reference(previous, event))
        }
      ),
      { numRuns: 300 }
    )
    // a fixed vector: the chain of two events from the genesis head
    const chain = AuditTrail.chain(AuditTrail.genesis, [{ _tag: "A", n: 1 }, { n: 2, _tag: "B", 文: "枫桥" }])
    expect(chain).toEqual([
      reference(AuditTrail.genesis, { _tag: "A", n: 1 }),
      reference(chain[0]!, { _tag: "B", n: 2, 文: "枫桥" })
    ])
  })
})

describe("the audit trail's check of a case (checkCase)", () => {
  const caseId = "c1"
  const contents = [1, 2, 3].map((version) => ({ caseId, version, at: "2025-03-03T10:00:00+08:00" }))
  const hashes = AuditTrail.chain(AuditTrail.genesis, contents)
  const stored = (hashed: ReadonlyArray<boolean>): Array<AuditTrail.StoredEvent> =>
    contents.map((content, i) => ({ version: i + 1, content, hash: hashed[i] === true ? hashes[i]! : null }))
  const head = (hash: string | null) => ({ version: 3, hash })

  it("an unhashed event after a hashed one, or a missing head of hashed events, is broken, whatever the times say", () => {
    // the times say the events happened long before the audit trail was enabled: they still lost their hashes
    const enabledAtMs = Date.parse("2099-01-01T00:00:00Z")
    expect(AuditTrail.checkCase(caseId, stored([true, false, false]), head(null), enabledAtMs)).toMatchObject({
      unhashed: 0,
      broken: { version: 2, reason: expect.stringMatching(/no hash, yet follows hashed events/) }
    })
    expect(AuditTrail.checkCase(caseId, stored([true, true, false]), head(hashes[1]!))).toMatchObject({
      broken: { version: 3, reason: expect.stringMatching(/no hash, yet follows hashed events/) }
    })
    expect(AuditTrail.checkCase(caseId, stored([true, true, true]), head(null))).toMatchObject({
      broken: { version: 3, reason: expect.stringMatching(/no head hash, yet its events are hashed/) }
    })
    // a head over events that have none
    expect(AuditTrail.checkCase(caseId, stored([false, false, false]), head(hashes[2]!))).toMatchObject({
      broken: { version: 3, reason: expect.stringMatching(/head hash does not match/) }
    })
  })

  it("legacy events come first; only the strict reading reports them", () => {
    // new events of a legacy case chain on from the genesis head
    const resumed = [
      ...stored([false, false]).slice(0, 2),
      { version: 3, content: contents[2], hash: AuditTrail.hashEvent(AuditTrail.genesis, contents[2]) }
    ]
    expect(AuditTrail.checkCase(caseId, resumed, head(resumed[2]!.hash))).toStrictEqual({
      events: 3,
      unhashed: 2,
      firstUnhashed: 1
    })
    const legacy = AuditTrail.addFindings(
      AuditTrail.emptyReport,
      caseId,
      AuditTrail.checkCase(caseId, stored([false, false, false]), head(null))
    )
    expect(legacy).toMatchObject({ ok: true, unhashed: 3, firstUnhashed: { caseId, version: 1 } })
    expect(AuditTrail.strictUnhashed(legacy)).toMatchObject({
      ok: false,
      unhashed: 3,
      broken: { caseId, version: 1, reason: expect.stringMatching(/no hash/) }
    })
    // an earlier broken link stays the first; a report without unhashed events is unchanged
    const earlier = AuditTrail.addFindings(
      AuditTrail.addFindings(AuditTrail.emptyReport, "a0", {
        events: 1,
        unhashed: 0,
        broken: { version: 1, reason: "x" }
      }),
      caseId,
      AuditTrail.checkCase(caseId, stored([false, false, false]), head(null))
    )
    expect(AuditTrail.strictUnhashed(earlier).broken).toStrictEqual({ caseId: "a0", version: 1, reason: "x" })
    const clean = AuditTrail.addFindings(
      AuditTrail.emptyReport,
      caseId,
      AuditTrail.checkCase(caseId, stored([true, true, true]), head(hashes[2]!))
    )
    expect(AuditTrail.strictUnhashed(clean)).toBe(clean)
  })
})

describe("the audit trail through the centre", () => {
  it.effect("verify: one case or the whole centre, with the permission", () =>
    Effect.gen(function*() {
      const { center } = yield* open()
      const r = yield* center.execute(registerInput())
      yield* center.execute({ _tag: "Accept", actor: admin, caseId: r.caseId, at: "2025-03-03T10:00:00+08:00" })
      expect(yield* center.verify({ actor: admin })).toStrictEqual({
        ok: true,
        cases: 1,
        events: 2,
        unhashed: 0,
        purged: 0
      })
      expect(yield* center.verify({ actor: admin, caseId: r.caseId })).toMatchObject({ ok: true, events: 2 })
      expect(yield* Effect.flip(center.verify({ actor: viewer }))).toMatchObject({
        _tag: "Forbidden",
        action: "verifyAuditTrail"
      })
      const supervisor = { id: "sup-ds", roles: ["supervisor"], jurisdiction: "222403100" }
      expect(yield* Effect.flip(center.verify({ actor: supervisor }))).toMatchObject({ _tag: "Forbidden" })
      expect(yield* center.verify({ actor: supervisor, caseId: r.caseId })).toMatchObject({ ok: true })
      expect(yield* Effect.flip(center.verify({ actor: otherTownship, caseId: r.caseId }))).toMatchObject({
        _tag: "Forbidden"
      })
    }))

  it("the Promise API: verify, masked results, full reads and retention", async () => {
    const center = await createScenarioCenter({
      config: countyConfig,
      encryption: Privacy.staticKeys({ current: "k1", keys: { k1: keys.k1 }, lookupKey: keys.lookup }),
      store: Layer.effect(CaseStore, MemoryStore.make)
    })
    try {
      const r = await center.register({
        actor: admin,
        kind: "dispute",
        channel: "walkIn",
        place: "222403100201",
        parties: [applicant],
        description: "邻里纠纷",
        at: "2025-03-03T09:00:00+08:00"
      })
      expect(JSON.stringify(r)).not.toContain(FULL_ID)
      expect((await center.get({ actor: admin, caseId: r.caseId, personalData: "full" })).parties[0]).toMatchObject({
        idNumber: FULL_ID
      })
      expect(await center.verify({ actor: admin })).toMatchObject({ ok: true, cases: 1, events: 1 })
      await expect(center.verify({ actor: viewer })).rejects.toMatchObject({ _tag: "Forbidden" })
      expect(await center.applyRetention({ actor: admin, olderThanDays: 1 })).toMatchObject({ cases: [] })
    } finally {
      await center.dispose()
    }
  })
})
