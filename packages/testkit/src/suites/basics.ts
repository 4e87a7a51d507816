/**
 * The basics (基本读写): storing and reading back cases, events, codes and command ids; `loadMany`; event ranges;
 * gapless sequences; Schema round-trips of arbitrary cases; reopening the storage.
 * @internal
 */
import { expect } from "@effect/vitest"
import { Case, Examples, Party, Privacy } from "@fengqiao/core"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import {
  acceptInput,
  centre,
  decodeParties,
  open,
  registerInput,
  resolvedConfig,
  type Suite,
  synthetic,
  test
} from "../internal/conformance.js"

/** @internal */
export const basics: Suite = ({ adapter, runs }) => [
  test("stores a case, its events, its code and its command id, and reads them back", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      const r = yield* center.execute(registerInput({ commandId: "reg-1" }))
      yield* center.execute(acceptInput(r.caseId, { commandId: "acc-1" }))
      const loaded = Option.getOrThrow(yield* store.load(centre, r.caseId))
      expect(loaded.status).toBe("accepted")
      expect(loaded.version).toBe(2)
      expect(Option.getOrThrow(yield* store.loadByCode(centre, r.code)).id).toBe(r.caseId)
      expect(Option.isNone(yield* store.load(centre, "nope"))).toBe(true)
      expect(Option.isNone(yield* store.load("another-centre", r.caseId))).toBe(true)
      const events = yield* store.readEvents(centre, r.caseId)
      expect(events.map((e) => e.event._tag)).toEqual(["Registered", "Accepted"])
      expect(yield* store.findCommand(centre, "acc-1")).toEqual(
        Option.some({ commandId: "acc-1", caseId: r.caseId, fromVersion: 2, toVersion: 2 })
      )
      expect(Option.isNone(yield* store.findCommand(centre, "nope"))).toBe(true)
    }))),

  test("loadMany (where the store has it) gives what load gives, for any number of ids", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      if (store.loadMany === undefined) return
      const a = yield* center.execute(registerInput())
      const b = yield* center.execute(registerInput())
      yield* center.execute(acceptInput(b.caseId))
      // more ids than one query takes, the stored ones after the first few hundred, one of them twice
      const ids = [
        ...Array.from({ length: 600 }, (_, i) => `missing-${i}`),
        b.caseId,
        a.caseId,
        b.caseId
      ]
      const found = yield* store.loadMany(centre, ids)
      const byId = new Map(found.map((c) => [c.id, c]))
      expect(found).toHaveLength(2)
      expect(byId.get(a.caseId)).toStrictEqual(Option.getOrThrow(yield* store.load(centre, a.caseId)))
      expect(byId.get(b.caseId)).toStrictEqual(Option.getOrThrow(yield* store.load(centre, b.caseId)))
      expect(byId.get(b.caseId)?.version).toBe(2)
      expect(yield* store.loadMany("another-centre", [a.caseId])).toEqual([])
      expect(yield* store.loadMany(centre, [])).toEqual([])
    }))),

  test("reads event ranges", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      const r = yield* center.execute(registerInput())
      for (let i = 0; i < 5; i++) {
        yield* center.execute({
          _tag: "IssueSupervision",
          actor: Examples.admin,
          caseId: r.caseId,
          orderId: `o${i}`,
          level: "reminder",
          dueAt: "2025-04-01T00:00:00Z",
          note: "督办",
          at: `2025-03-0${4 + i}T09:00:00+08:00`
        })
      }
      const versions = (range?: { fromVersion?: number; toVersion?: number }) =>
        Effect.map(store.readEvents(centre, r.caseId, range), (es) => es.map((e) => e.version))
      expect(yield* versions()).toEqual([1, 2, 3, 4, 5, 6])
      expect(yield* versions({ fromVersion: 3 })).toEqual([3, 4, 5, 6])
      expect(yield* versions({ toVersion: 2 })).toEqual([1, 2])
      expect(yield* versions({ fromVersion: 2, toVersion: 4 })).toEqual([2, 3, 4])
      expect(yield* versions({ fromVersion: 7 })).toEqual([])
      // history pages (fromVersion and limit, at most 1 000 a page) through the centre, on every store
      const page = (q: { fromVersion?: number; toVersion?: number; limit?: number }) =>
        Effect.map(
          center.history({ actor: Examples.admin, caseId: r.caseId, ...q }),
          (es) => es.map((e) => e.version)
        )
      expect(yield* page({ limit: 4 })).toEqual([1, 2, 3, 4])
      expect(yield* page({ fromVersion: 5, limit: 4 })).toEqual([5, 6])
      expect(yield* page({ fromVersion: 2, limit: 2 })).toEqual([2, 3])
      expect(yield* page({ fromVersion: 2, toVersion: 3, limit: 100 })).toEqual([2, 3])
      expect(yield* page({})).toEqual([1, 2, 3, 4, 5, 6])
      const tooBig = yield* Effect.flip(center.history({ actor: Examples.admin, caseId: r.caseId, limit: 1001 }))
      expect(tooBig).toMatchObject({ _tag: "InvalidInput" })
    }))),

  test("sequences are gapless, per centre and scope", () =>
    Effect.scoped(Effect.gen(function*() {
      const { store } = yield* open(adapter.fresh())
      const take = (c: string, s: string) => store.nextSequence(c, s)
      expect([
        yield* take(centre, "x"),
        yield* take(centre, "x"),
        yield* take(centre, "y"),
        yield* take("other", "x")
      ])
        .toEqual([1, 2, 1, 1])
      const many = yield* Effect.all(Array.from({ length: 20 }, () => store.withTransaction(take(centre, "z"))), {
        concurrency: 5
      })
      expect([...many].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    }))),

  test("round-trips arbitrary parties, unicode and large text exactly (Schema round-trip)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      const text = FastCheck.oneof(
        FastCheck.string({ unit: "grapheme", minLength: 1, maxLength: 200 }),
        FastCheck.string({ unit: "binary", minLength: 1, maxLength: 50 }),
        FastCheck.constantFrom(
          "一二三".repeat(6000),
          "😀 조정 \\u0000 ' \" ; DROP TABLE fq_cases; --",
          "\u0000\u0001\t\n"
        )
      ).filter((s) => s.trim().length > 0 && s.length <= 20000)
      const inputs = FastCheck.sample(
        FastCheck.record({
          parties: FastCheck.array(Arbitrary.make(Party.Party), { minLength: 1, maxLength: 4 }),
          description: text,
          amount: FastCheck.option(FastCheck.integer({ min: 0, max: 10_000_000 }), { nil: undefined })
        }),
        { numRuns: runs * 3, seed: 42 }
      )
      let n = 0
      for (const input of inputs) {
        const persons = input.parties.filter((p) => p._tag === "Person").length
        const result = yield* Effect.exit(center.execute(registerInput({
          caseId: `rt-${n++}`,
          parties: input.parties,
          description: input.description,
          headcount: Math.max(1, persons),
          ...(input.amount !== undefined ? { amountAtStake: input.amount / 100 } : {})
        })))
        if (Exit.isFailure(result)) continue // the input itself was not valid (e.g. a lone surrogate)
        const loaded = Option.getOrThrow(yield* store.load(centre, result.value.caseId))
        // the store keeps the parties in full; what the centre answers is masked
        expect(loaded.parties).toStrictEqual(decodeParties(input.parties))
        expect(Privacy.maskCase(loaded)).toStrictEqual(result.value.case)
        expect((yield* store.readEvents(centre, result.value.caseId)).map(Privacy.maskEnvelope)).toStrictEqual(
          result.value.events
        )
      }
      expect(n).toBe(inputs.length)
      // arbitrary snapshots straight through the port
      const resolved = yield* resolvedConfig
      const cases = FastCheck.sample(Arbitrary.make(Case.Case), { numRuns: runs, seed: 7 })
      for (const [i, c] of cases.entries()) {
        const request = synthetic(resolved, { ...c, id: `arb-${i}`, code: `ARB-${i}` }, 1, `arb-${i}`)
        yield* store.append(request)
        expect(Option.getOrThrow(yield* store.load(centre, `arb-${i}`))).toStrictEqual(request.snapshot)
      }
    }))),

  test("reopening the storage runs the migrations again and keeps every case", () =>
    Effect.gen(function*() {
      const layer = adapter.fresh()
      const caseId = yield* Effect.scoped(Effect.gen(function*() {
        const { center } = yield* open(layer)
        return (yield* center.execute(registerInput())).caseId
      }))
      yield* Effect.scoped(Effect.gen(function*() {
        const { center, store } = yield* open(layer)
        expect(Option.getOrThrow(yield* store.load(centre, caseId)).code).toBe("222403-2025-000001")
        const next = yield* center.execute(registerInput())
        expect(next.code).toBe("222403-2025-000002")
      }))
    }))
]
