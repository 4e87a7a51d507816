/**
 * Bounded input (有界输入): no query, however it is built, makes a store do unbounded work; instants outside the
 * sane range, NUL characters and versions beyond 32 bits get the same typed `InvalidInput` from every store; and
 * fields inherited from a prototype are never read.
 * @internal
 */
import { expect } from "@effect/vitest"
import { CaseStore, type Center, Examples, SimulatedClock } from "@fengqiao/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import {
  type Adapter,
  config,
  open,
  registerInput,
  scenarioStart,
  test,
  type TestDef
} from "../internal/conformance.js"

/** An `And` of `width` copies of `inner`, `levels` deep: 100⁸ leaves in eight small objects. */
const shared = (levels: number, width: number): CaseStore.Condition => {
  let c: CaseStore.Condition = { _tag: "Eq", field: "kind", value: "dispute" }
  for (let i = 0; i < levels; i++) c = { _tag: "And", conditions: Array.from({ length: width }, () => c) }
  return c
}

const refusal = (effect: Effect.Effect<unknown, unknown>) =>
  Effect.map(
    Effect.flip(effect),
    (e) => ({ tag: (e as { _tag?: string })._tag, field: (e as { field?: string }).field })
  )

const aggregateOf = (where: unknown) => ({
  actor: Examples.admin,
  groupBy: [{ _tag: "Column", field: "status" }],
  measures: [{ _tag: "Count", name: "n" }],
  where
})

/** @internal */
export const boundsTests = (adapter: Adapter): ReadonlyArray<TestDef> => [
  test("a query's total size is bounded before any work: shared references, plain JSON, groups", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center } = yield* open(adapter.fresh())
      yield* center.execute(registerInput({ caseId: "b-1" }))
      const started = Date.now()
      // 8 levels × 100 terms by shared references: 100⁸ leaves once expanded
      expect(yield* refusal(center.aggregate(aggregateOf(shared(8, 100)) as never))).toEqual({
        tag: "InvalidInput",
        field: "where"
      })
      // in a measure's `where` too
      expect(
        yield* refusal(center.aggregate({
          ...aggregateOf(undefined),
          where: undefined,
          measures: [{ _tag: "Count", name: "n", where: shared(8, 100) }]
        } as never))
      ).toEqual({ tag: "InvalidInput", field: "measures" })
      // plain JSON of 100³ leaves (no shared references): too many terms and parameters for any store
      const plain = JSON.parse(JSON.stringify(shared(3, 100)))
      expect(yield* refusal(center.aggregate(aggregateOf(plain) as never))).toEqual({
        tag: "InvalidInput",
        field: "where"
      })
      // refused at once, not after expanding the condition
      expect(Date.now() - started).toBeLessThan(5_000)
      // within the bounds, the same shape answers
      const small = yield* center.aggregate(aggregateOf(shared(2, 10)) as never)
      expect(small).toEqual([{ keys: ["registered"], values: { n: 1 } }])
    }))),

  test("aggregate refuses more groups than the centre's queryLimits.maxRows, naming the limit", () =>
    Effect.scoped(Effect.gen(function*() {
      const context = yield* Layer.build(adapter.fresh())
      const store = Context.get(context, CaseStore.CaseStore)
      const center: Center.Center = yield* Effect.provideService(
        SimulatedClock.makeFollowing({ config: { ...config, queryLimits: { maxRows: 3 } } }, scenarioStart),
        CaseStore.CaseStore,
        store
      )
      for (let i = 0; i < 4; i++) yield* center.execute(registerInput({ caseId: `g-${i}` }))
      const byId = {
        actor: Examples.admin,
        groupBy: [{ _tag: "Column", field: "id" }],
        measures: [{ _tag: "Count", name: "n" }]
      } as never
      const e = yield* Effect.flip(center.aggregate(byId))
      expect(e._tag).toBe("InvalidInput")
      expect((e as { field?: string }).field).toBe("groupBy")
      expect(e.message).toContain("queryLimits.maxRows")
      // three groups are within the limit
      const three = yield* center.aggregate({
        actor: Examples.admin,
        filter: { code: undefined },
        where: { _tag: "In", field: "id", values: ["g-0", "g-1", "g-2"] },
        groupBy: [{ _tag: "Column", field: "id" }],
        measures: [{ _tag: "Count", name: "n" }]
      } as never)
      expect(three.length).toBe(3)
    }))),

  test("instants outside 1900–2200 are refused on every door, naming the field", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center } = yield* open(adapter.fresh())
      const seed = yield* center.execute(registerInput({ caseId: "t-1" }))
      const actor = Examples.admin
      const cases: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>]> = [
        ["at", center.execute(registerInput({ caseId: "t-2", at: "9999-12-31" }))],
        ["filter.registeredFrom", center.list({ actor, filter: { registeredFrom: "9999-12-31" } })],
        ["filter.registeredBefore", center.list({ actor, filter: { registeredBefore: "1000-01-01T00:00:00Z" } })],
        ["filter.asOf", center.list({ actor, filter: { overdue: true, asOf: "2300-01-01T00:00:00Z" } })],
        ["at", center.asOf({ actor, caseId: seed.case.id, at: "0001-01-01T00:00:00Z" })],
        ["at", center.enabledCommands({ actor, caseId: seed.case.id, at: "9999-12-31T00:00:00Z" })],
        ["asOf", center.applyRetention({ actor, asOf: "9999-12-31T00:00:00Z" })],
        [
          "where",
          center.aggregate(aggregateOf({ _tag: "Before", field: "registeredAt", value: "9999-01-01" }) as never)
        ]
      ]
      for (const [field, effect] of cases) {
        const r = yield* refusal(effect)
        expect(r.tag, field).toBe("InvalidInput")
        expect(r.field?.startsWith(field), `${field}: ${r.field}`).toBe(true)
      }
      const imported = yield* Effect.flip(center.importCases({
        cases: [{ commands: [registerInput({ caseId: "t-3", at: "1000-01-01T00:00:00Z" })] }]
      }))
      expect(imported._tag).toBe("ImportRefused")
      expect((imported as { error?: string }).error).toBe("InvalidInput")
    }))),

  test("a NUL character or a version of 2^31 is the same InvalidInput on every store", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center } = yield* open(adapter.fresh())
      const seed = yield* center.execute(registerInput({ caseId: "n-1" }))
      const actor = Examples.admin
      const cases: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>]> = [
        ["code", center.getByCode({ actor, code: "a\u0000b" })],
        ["filter.code", center.list({ actor, filter: { code: "\u0000" } })],
        ["where", center.aggregate(aggregateOf({ _tag: "Eq", field: "kind", value: "x\u0000" }) as never)],
        ["where", center.aggregate(aggregateOf({ _tag: "In", field: "kind", values: ["\u0000"] }) as never)],
        ["fromVersion", center.history({ actor, caseId: seed.case.id, fromVersion: 2 ** 31 })],
        ["toVersion", center.history({ actor, caseId: seed.case.id, toVersion: 2 ** 31 })]
      ]
      for (const [field, effect] of cases) {
        const r = yield* refusal(effect)
        expect(r.tag, field).toBe("InvalidInput")
        expect(r.field?.startsWith(field), `${field}: ${r.field}`).toBe(true)
      }
      // the largest version still answers
      expect(yield* center.history({ actor, caseId: seed.case.id, fromVersion: 2 ** 31 - 1 })).toEqual([])
    }))),

  test("actor fields inherited from a prototype are refused, on commands and queries", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center } = yield* open(adapter.fresh())
      const seed = yield* center.execute(registerInput({ caseId: "p-1" }))
      const inherited = () => Object.assign(Object.create({ roles: ["admin"] }), { id: "x", jurisdiction: "222403" })
      const getter = () =>
        Object.assign(
          Object.create(Object.defineProperty({}, "roles", { get: () => ["admin"], enumerable: false })),
          { id: "x", jurisdiction: "222403" }
        )
      for (const actor of [inherited(), getter()]) {
        for (
          const effect of [
            center.get({ actor, caseId: seed.case.id }),
            center.list({ actor }),
            center.aggregate({ ...aggregateOf(undefined), where: undefined, actor } as never),
            center.execute(registerInput({ caseId: "p-2", actor }))
          ]
        ) {
          const r = yield* refusal(effect)
          expect(r.tag).toBe("InvalidInput")
          expect(r.field?.startsWith("actor"), r.field).toBe(true)
        }
      }
      // a whole command inherited from a prototype too
      const command = Object.create(registerInput({ caseId: "p-3" }))
      expect((yield* refusal(center.execute(command))).tag).toBe("InvalidInput")
    })))
]
