/**
 * Transactions (事务): expected-version conflicts, idempotent command ids, atomic rollback, nested transactions, a
 * failing append inside a transaction, `appendBatch` all or nothing.
 * @internal
 */
import { expect } from "@effect/vitest"
import { Examples } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { centre, open, registerInput, type Suite, synthetic, test } from "../internal/conformance.js"

/** @internal */
export const transactions: Suite = ({ adapter }) => [
  test("a stale expected version is a VersionConflict naming the actual version", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      const r = yield* center.execute(registerInput())
      const resolved = center.config
      const request = synthetic(resolved, r.case, 1, "stale")
      const conflict = yield* Effect.flip(store.append({ ...request, caseId: r.caseId, expectedVersion: 0 }))
      expect(conflict).toMatchObject({
        _tag: "VersionConflict",
        caseId: r.caseId,
        expectedVersion: 0,
        actualVersion: 1
      })
      const ahead = yield* Effect.flip(store.append({
        ...request,
        caseId: r.caseId,
        expectedVersion: 5,
        commandId: "ahead",
        events: request.events.map((e) => ({ ...e, version: 6 }))
      }))
      expect(ahead).toMatchObject({ _tag: "VersionConflict", expectedVersion: 5, actualVersion: 1 })
      expect(yield* store.readEvents(centre, r.caseId)).toHaveLength(1)
    }))),

  test("a repeated command id is DuplicateCommand and writes nothing; the centre answers the first result", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      const first = yield* center.execute(registerInput({ commandId: "same" }))
      const again = yield* center.execute(registerInput({ commandId: "same", description: "另一件事" }))
      expect(again).toMatchObject({ duplicate: true, caseId: first.caseId })
      expect(again.events).toStrictEqual(first.events)
      const resolved = center.config
      const other = synthetic(resolved, { ...first.case, id: "other", code: "X-1" }, 1, "same")
      expect(yield* Effect.flip(store.append(other))).toMatchObject({ _tag: "DuplicateCommand", commandId: "same" })
      expect(Option.isNone(yield* store.load(centre, "other"))).toBe(true)
    }))),

  test("a failure inside a transaction rolls back events, snapshot, command id and sequence numbers", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      const r = yield* center.execute(registerInput())
      const resolved = center.config
      const failed = yield* Effect.exit(store.withTransaction(Effect.gen(function*() {
        yield* store.nextSequence(centre, "caseCode:2025")
        yield* store.append(synthetic(resolved, { ...r.case, id: "doomed", code: "D-1" }, 2, "doomed-cmd"))
        return yield* Effect.fail("an inline hook failed")
      })))
      expect(Exit.isFailure(failed)).toBe(true)
      expect(Option.isNone(yield* store.load(centre, "doomed"))).toBe(true)
      expect(yield* store.readEvents(centre, "doomed")).toHaveLength(0)
      expect(Option.isNone(yield* store.findCommand(centre, "doomed-cmd"))).toBe(true)
      expect(yield* store.nextSequence(centre, "caseCode:2025")).toBe(2)
      const defect = yield* Effect.exit(store.withTransaction(Effect.zipRight(
        store.append(synthetic(resolved, { ...r.case, id: "doomed2", code: "D-2" }, 1, "doomed2")),
        Effect.die(new Error("a bug"))
      )))
      expect(Exit.isFailure(defect)).toBe(true)
      expect(Option.isNone(yield* store.load(centre, "doomed2"))).toBe(true)
    }))),

  test("nested transactions join the outer one; an inner failure rolls back only its part", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      const r = yield* center.execute(registerInput())
      const resolved = center.config
      yield* store.withTransaction(Effect.gen(function*() {
        yield* store.withTransaction(store.append(synthetic(resolved, { ...r.case, id: "a", code: "A-1" }, 1, "a")))
        const inner = yield* Effect.exit(store.withTransaction(Effect.zipRight(
          store.append(synthetic(resolved, { ...r.case, id: "b", code: "B-1" }, 1, "b")),
          Effect.fail("inner")
        )))
        expect(Exit.isFailure(inner)).toBe(true)
        yield* store.append(synthetic(resolved, { ...r.case, id: "c", code: "C-1" }, 1, "c"))
      }))
      expect(Option.isSome(yield* store.load(centre, "a"))).toBe(true)
      expect(Option.isNone(yield* store.load(centre, "b"))).toBe(true)
      expect(Option.isSome(yield* store.load(centre, "c"))).toBe(true)
      expect(Option.isNone(yield* store.findCommand(centre, "b"))).toBe(true)
    }))),

  test("an append failing inside a transaction leaves it usable; the caller's rollback takes all", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      const r = yield* center.execute(registerInput())
      const resolved = center.config
      const stale = (commandId: string) => ({ ...synthetic(resolved, r.case, 1, commandId), expectedVersion: 0 })
      // an append is atomic on its own: its failure leaves nothing of it and the caller's transaction going
      yield* store.withTransaction(Effect.gen(function*() {
        expect(yield* Effect.flip(store.append(stale("stale-1")))).toMatchObject({ _tag: "VersionConflict" })
        expect(yield* Effect.flip(store.append({ ...stale("stale-3"), expectedVersion: 3 }))).toMatchObject({
          _tag: "VersionConflict",
          expectedVersion: 3,
          actualVersion: 1
        })
        yield* store.append(synthetic(resolved, { ...r.case, id: "after", code: "AF-1" }, 1, "after"))
      }))
      expect(Option.isSome(yield* store.load(centre, "after"))).toBe(true)
      expect(Option.isNone(yield* store.findCommand(centre, "stale-1"))).toBe(true)
      expect(Option.isNone(yield* store.findCommand(centre, "stale-3"))).toBe(true)
      // the caller's transaction fails with the append, and nothing of it remains
      const failed = yield* Effect.flip(store.withTransaction(Effect.gen(function*() {
        yield* store.append(synthetic(resolved, { ...r.case, id: "x1", code: "X-1" }, 1, "x1"))
        yield* store.append(synthetic(resolved, { ...r.case, id: "x2", code: "X-2" }, 1, "x1"))
      })))
      expect(failed).toMatchObject({ _tag: "DuplicateCommand", commandId: "x1" })
      expect(Option.isNone(yield* store.load(centre, "x1"))).toBe(true)
      expect(Option.isNone(yield* store.load(centre, "x2"))).toBe(true)
      expect(Option.isNone(yield* store.findCommand(centre, "x1"))).toBe(true)
      // outside a transaction it is still atomic
      const conflict = yield* Effect.flip(store.append(stale("stale-2")))
      expect(conflict).toMatchObject({ _tag: "VersionConflict", expectedVersion: 0, actualVersion: 1 })
      expect(Option.isNone(yield* store.findCommand(centre, "stale-2"))).toBe(true)
      expect(yield* store.readEvents(centre, r.caseId)).toHaveLength(1)
      // and the store goes on working
      expect((yield* center.execute({ _tag: "Accept", actor: Examples.admin, caseId: r.caseId })).version).toBe(2)
    }))),

  test("appendBatch writes every request or none", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      const r = yield* center.execute(registerInput())
      const resolved = center.config
      const batch = Array.from({ length: 30 }, (_, i) =>
        synthetic(resolved, { ...r.case, id: `bulk-${i}`, code: `BULK-${i}` }, 1 + (i % 3), `bulk-cmd-${i}`))
      yield* store.appendBatch(batch)
      expect((yield* store.readEvents(centre, "bulk-29")).length).toBe(3)
      const clash = [
        synthetic(resolved, { ...r.case, id: "new-1", code: "NEW-1" }, 1, "new-cmd-1"),
        synthetic(resolved, { ...r.case, id: "bulk-0", code: "BULK-0" }, 1, "new-cmd-2")
      ]
      const failure = yield* Effect.flip(store.appendBatch(clash))
      expect(failure).toMatchObject({ _tag: "VersionConflict", caseId: "bulk-0" })
      expect(Option.isNone(yield* store.load(centre, "new-1"))).toBe(true)
    })))
]
