/**
 * The audit trail (审计链): chained appends, verification, and a second store extending the stored head.
 * @internal
 */
import { expect } from "@effect/vitest"
import { AuditTrail, type Case, type CaseStore, Examples, Summary } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { acceptInput, centre, open, registerInput, type Suite, synthetic, test } from "../internal/conformance.js"

/** @internal */
export const audit: Suite = ({ adapter }) => [
  test("audit trail: every append is chained; verify checks one case or the whole centre", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      expect(store.verify, "the store implements verify").toBeTypeOf("function")
      const verify = store.verify!
      expect(yield* verify(centre)).toStrictEqual(AuditTrail.emptyReport)
      const a = yield* center.execute(registerInput())
      const b = yield* center.execute(registerInput())
      yield* center.execute(acceptInput(a.caseId))
      const resolved = center.config
      // a rolled-back append leaves no link behind; bulk appends are chained too
      yield* Effect.exit(store.withTransaction(Effect.zipRight(
        store.append(synthetic(resolved, { ...a.case, id: "gone", code: "G-1" }, 2, "gone")),
        Effect.fail("no")
      )))
      yield* store.appendBatch(
        Array.from(
          { length: 3 },
          (_, i) => synthetic(resolved, { ...a.case, id: `batch-${i}`, code: `BATCH-${i}` }, 1 + i, `batch-${i}`)
        )
      )
      const whole = yield* verify(centre)
      expect(whole).toStrictEqual({ ok: true, cases: 5, events: 1 + 2 + 1 + 2 + 3, unhashed: 0, purged: 0 })
      expect(yield* verify(centre, a.caseId)).toStrictEqual({ ok: true, cases: 1, events: 2, unhashed: 0, purged: 0 })
      expect(yield* verify(centre, "nope")).toStrictEqual(AuditTrail.emptyReport)
      expect(yield* verify("another-centre")).toStrictEqual(AuditTrail.emptyReport)
      expect(b.case.version).toBe(1)
    }))),

  test("audit trail: a second store on the same storage extends the chain from the stored head", () =>
    Effect.scoped(Effect.gen(function*() {
      const layer = adapter.fresh()
      const one = yield* open(layer)
      if (!one.store.capabilities.persistent) return // a second layer would be another, empty store
      const two = yield* open(layer)
      const r = yield* one.center.execute(registerInput())
      const resolved = one.center.config
      const next = (base: Case.Case, n: string): CaseStore.AppendRequest => {
        const snapshot = { ...base, version: base.version + 1 }
        return {
          centre,
          caseId: base.id,
          expectedVersion: base.version,
          commandId: n,
          events: [{
            caseId: base.id,
            centre,
            version: base.version + 1,
            at: base.updatedAt,
            actor: Examples.admin,
            commandId: n,
            correlationId: n,
            event: { _tag: "SupervisionAnswered", orderId: "x", answer: n }
          }],
          snapshot,
          summary: Summary.ofCase(resolved, snapshot)
        }
      }
      // the first store writes version 2 and rolls it back; the second writes another version 2; the first then
      // appends version 3 straight away: it must chain from the stored version 2, not from the one it wrote
      yield* Effect.exit(
        one.store.withTransaction(Effect.zipRight(one.store.append(next(r.case, "one-2")), Effect.fail("no")))
      )
      yield* two.store.append(next(r.case, "two-2"))
      yield* one.store.append(next({ ...r.case, version: 2 }, "one-3"))
      expect(yield* one.store.verify!(centre, r.caseId)).toStrictEqual({
        ok: true,
        cases: 1,
        events: 3,
        unhashed: 0,
        purged: 0
      })
    })))
]
