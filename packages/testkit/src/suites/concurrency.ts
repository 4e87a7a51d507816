/**
 * Concurrency (并发写入): of two racing writers with the same expected version, exactly one wins.
 * @internal
 */
import { expect } from "@effect/vitest"
import { type CaseStore, Examples, Summary } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { centre, open, registerInput, type Suite, test } from "../internal/conformance.js"

/** @internal */
export const concurrency: Suite = ({ adapter }) => {
  const racing = adapter.concurrentWriters === true ? undefined : adapter.concurrentWriters.skip
  if (racing !== undefined) console.info(`[${adapter.name}] racing-writers test not run: ${racing}`)
  const name = "of two writers with the same expected version, exactly one wins"
  return [
    test(
      name,
      () =>
        Effect.scoped(Effect.gen(function*() {
          const { center, store } = yield* open(adapter.fresh())
          const r = yield* center.execute(registerInput())
          const resolved = center.config
          for (let round = 0; round < 10; round++) {
            const base = Option.getOrThrow(yield* store.load(centre, r.caseId))
            const request = (n: number): CaseStore.AppendRequest => {
              const snapshot = { ...base, version: base.version + 1 }
              return {
                centre,
                caseId: r.caseId,
                expectedVersion: base.version,
                commandId: `race-${round}-${n}`,
                events: [{
                  caseId: r.caseId,
                  centre,
                  version: base.version + 1,
                  at: base.updatedAt,
                  actor: Examples.admin,
                  commandId: `race-${round}-${n}`,
                  correlationId: `race-${round}-${n}`,
                  event: { _tag: "SupervisionAnswered", orderId: "x", answer: `writer ${n}` }
                }],
                snapshot,
                summary: Summary.ofCase(resolved, snapshot)
              }
            }
            const exits = yield* Effect.all([
              Effect.exit(store.append(request(1))),
              Effect.exit(store.append(request(2)))
            ], {
              concurrency: 2
            })
            expect(exits.filter(Exit.isSuccess)).toHaveLength(1)
            const lost = exits.find(Exit.isFailure)!
            expect(lost.cause).toMatchObject({ _tag: "Fail", error: { _tag: "VersionConflict" } })
          }
          expect(yield* store.readEvents(centre, r.caseId)).toHaveLength(11)
        })),
      { title: `${name}${racing === undefined ? "" : ` (not run: ${racing})`}`, notRun: racing }
    )
  ]
}
