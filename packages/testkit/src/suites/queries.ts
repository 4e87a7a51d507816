/**
 * Queries (查询): keyset pagination under concurrent registration, history entered late (历史补录) filtered and
 * grouped as in memory, and two-valued logic for missing values.
 * @internal
 */
import { expect } from "@effect/vitest"
import { type CaseStore, Examples } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { allPages, centre, open, reference, registerInput, type Suite, test } from "../internal/conformance.js"
import { lateHistory } from "../internal/late.js"

/** @internal */
export const queries: Suite = ({ adapter }) => [
  test("list pages stay stable while cases are registered between them (keyset pagination)", () =>
    Effect.scoped(Effect.gen(function*() {
      const base = Date.parse("2025-03-03T01:00:00.000Z")
      const at = (minute: number) => new Date(base + minute * 60_000).toISOString()
      const all: CaseStore.Condition = { _tag: "And", conditions: [] }
      for (const order of ["asc", "desc"] as const) {
        const { center, store } = yield* open(adapter.fresh())
        const register = (caseId: string, minute: number) => center.execute(registerInput({ caseId, at: at(minute) }))
        // twelve cases at six instants, two at each: the cursor often sits inside a tie
        for (let i = 0; i < 12; i++) yield* register(`m-${String(i).padStart(2, "0")}`, 10 * Math.floor(i / 2))
        const seen: Array<string> = []
        const later: Array<{ readonly id: string; readonly minute: number }> = []
        let after: CaseStore.Keyset | undefined
        for (let page = 0; page < 50; page++) {
          const r: CaseStore.ListResult = yield* store.list(centre, { where: all, limit: 3, order, after })
          seen.push(...r.items.map((c) => c.id))
          if (r.next === undefined) break
          after = r.next
          const cursor = (Date.parse(r.next.registeredAt) - base) / 60_000
          // between pages: a case already paged past (behind the cursor, or at its instant on the near side of
          // its id) never shows up; one ahead of everything shows up once, at the end
          yield* register(`${order}-behind-${page}`, order === "asc" ? cursor - 1 : cursor + 1)
          yield* register(`${order === "asc" ? "a" : "z"}-${order}-tie-${page}`, cursor)
          const ahead = { id: `${order}-ahead-${page}`, minute: order === "asc" ? 1000 + page : -1000 - page }
          later.push(ahead)
          yield* register(ahead.id, ahead.minute)
        }
        const originals = Array.from({ length: 12 }, (_, i) => `m-${String(i).padStart(2, "0")}`)
        expect(seen, order).toEqual(
          order === "asc"
            ? [...originals, ...later.map((x) => x.id)]
            : [...originals.reverse(), ...later.map((x) => x.id)]
        )
      }
    }))),

  test("history entered late is marked on the case and its summary: filtered and grouped as in memory", () =>
    Effect.scoped(Effect.gen(function*() {
      const subject = yield* open(adapter.fresh())
      const ref = yield* reference()
      for (const o of [subject, ref]) {
        yield* o.center.execute(registerInput({ caseId: "live-0", commandId: "live-0" }))
        yield* o.center.importCases(lateHistory(2, "2024-06-01"))
      }
      expect(Option.getOrThrow(yield* subject.store.load(centre, "late-0")).enteredLate).toBe(true)
      expect(Option.getOrThrow(yield* subject.store.load(centre, "live-0")).enteredLate).toBeUndefined()
      const late: CaseStore.Condition = { _tag: "Eq", field: "enteredLate", value: true }
      for (const where of [late, { _tag: "Not", condition: late } as const]) {
        const req = { where, limit: 10, order: "asc" } as const
        expect(yield* allPages(subject.store, req)).toStrictEqual(yield* allPages(ref.store, req))
      }
      expect(yield* allPages(subject.store, { where: late, limit: 10, order: "asc" })).toStrictEqual([[
        "late-0",
        "late-1"
      ]])
      const grouped: CaseStore.AggregateRequest = {
        where: { _tag: "And", conditions: [] },
        groupBy: [{ _tag: "Column", field: "enteredLate" }],
        measures: [{ _tag: "Count", name: "n" }, {
          _tag: "Count",
          name: "accepted",
          where: {
            _tag: "Present",
            field: "acceptedAt"
          }
        }],
        utcOffsetMinutes: 480
      }
      const rows = yield* subject.store.aggregate(centre, grouped)
      expect(rows).toStrictEqual(yield* ref.store.aggregate(centre, grouped))
      expect(rows).toStrictEqual([
        { keys: [false], values: { n: 1, accepted: 0 } },
        { keys: [true], values: { n: 2, accepted: 1 } }
      ])
    }))),

  test("missing values never match, and Not of a non-match matches, exactly as in memory (two-valued logic)", () =>
    Effect.scoped(Effect.gen(function*() {
      const subject = yield* open(adapter.fresh())
      const ref = yield* reference()
      for (const [i, amount] of [undefined, 0, 12.5, undefined, 99.99, 0.29, 0.3].entries()) {
        const command = registerInput({
          caseId: `nulls-${i}`,
          ...(amount !== undefined ? { amountAtStake: amount } : {}),
          ...(i % 2 === 0 ? { category: "neighbourhood" } : {})
        })
        yield* subject.center.execute(command)
        yield* ref.center.execute(command)
      }
      const conditions: ReadonlyArray<CaseStore.Condition> = [
        { _tag: "Gt", field: "amountAtStake", value: 10 },
        { _tag: "Eq", field: "amountAtStake", value: 12.5 },
        // amounts that are not whole fen: equal to no stored amount, and compared as numbers
        { _tag: "Eq", field: "amountAtStake", value: 12.500000001 },
        { _tag: "In", field: "amountAtStake", values: [12.500000001, 99.99] },
        { _tag: "Gt", field: "amountAtStake", value: 12.4999999999 },
        { _tag: "Gt", field: "amountAtStake", value: 12.5000000001 },
        { _tag: "Gt", field: "amountAtStake", value: 0.29 },
        { _tag: "Eq", field: "amountAtStake", value: null },
        { _tag: "In", field: "category", values: ["neighbourhood"] },
        { _tag: "Eq", field: "category", value: "neighbourhood" },
        { _tag: "Before", field: "acceptedAt", value: "2030-01-01T00:00:00.000Z" },
        { _tag: "NotBefore", field: "closedAt", value: "2000-01-01T00:00:00.000Z" },
        { _tag: "Later", field: "acceptedAt", than: "registeredAt" },
        { _tag: "Eq", field: "headcount", value: "2" },
        { _tag: "Gt", field: "status", value: 0 },
        { _tag: "In", field: "headcount", values: ["2", 2] },
        { _tag: "Or", conditions: [] },
        { _tag: "And", conditions: [] }
      ]
      for (const c of conditions) {
        for (const where of [c, { _tag: "Not", condition: c } as const]) {
          const req: CaseStore.AggregateRequest = {
            where,
            groupBy: [],
            measures: [{ _tag: "Count", name: "n" }, { _tag: "Sum", name: "amount", field: "amountAtStake" }],
            utcOffsetMinutes: 480
          }
          expect(yield* subject.store.aggregate(centre, req), JSON.stringify(where)).toStrictEqual(
            yield* ref.store.aggregate(centre, req)
          )
        }
      }
    }))),
  test("an actor is told the same of a case it may not read as of one that does not exist, and a replay only a reader", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center } = yield* open(adapter.fresh())
      // a case of 大石头镇, registered by the county with a command id of its choosing
      const hidden = yield* center.execute(registerInput({ commandId: "reg-hidden" }))
      // 胜利街道's own case, which it may merge
      const own = yield* center.execute(registerInput({
        actor: Examples.otherTownship,
        place: "222403001001",
        intakeNode: "222403001001"
      }))
      const outsider = Examples.otherTownship
      const answer = (effect: Effect.Effect<unknown, unknown>, id: string) =>
        Effect.map(Effect.flip(effect), (e) => {
          const error = e as { readonly _tag: string; readonly message: string }
          return { tag: error._tag, message: error.message.split(id).join("<id>") }
        })
      const at = "2025-03-03T12:00:00+08:00"
      const doors = (id: string): ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>]> => [
        ["get", center.get({ actor: outsider, caseId: id })],
        ["history", center.history({ actor: outsider, caseId: id })],
        ["asOf", center.asOf({ actor: outsider, caseId: id, at: "2030-01-01T00:00:00Z" })],
        ["enabledCommands", center.enabledCommands({ actor: outsider, caseId: id })],
        ["Accept", center.execute({ _tag: "Accept", actor: outsider, caseId: id, at })],
        ["Merge into", center.execute({ _tag: "Merge", actor: outsider, caseId: own.caseId, into: id, at })]
      ]
      const missing = doors("no-such-case")
      for (const [i, [door, effect]] of doors(hidden.caseId).entries()) {
        const told = yield* answer(effect, hidden.caseId)
        expect(told, door).toStrictEqual(yield* answer(missing[i]![1], "no-such-case"))
      }
      const byCode = yield* answer(center.getByCode({ actor: outsider, code: hidden.code }), hidden.code)
      expect(byCode).toStrictEqual(
        yield* answer(center.getByCode({ actor: outsider, code: "222403-2025-999999" }), "222403-2025-999999")
      )
      // an actor of another township reusing the county admin's id and command id gets nothing of the case …
      const impostor = { ...outsider, id: Examples.admin.id }
      const replayed = yield* Effect.flip(center.execute(registerInput({
        actor: impostor,
        place: "222403001001",
        intakeNode: "222403001001",
        commandId: "reg-hidden"
      })))
      expect(replayed).toMatchObject({ _tag: "InvalidInput", field: "commandId" })
      expect(JSON.stringify(replayed)).not.toContain(hidden.caseId)
      expect(JSON.stringify(replayed)).not.toContain(hidden.code)
      // … while the sender's own retry is answered with its first result
      const again = yield* center.execute(registerInput({ commandId: "reg-hidden" }))
      expect(again).toMatchObject({ duplicate: true, caseId: hidden.caseId })
    })))
]
