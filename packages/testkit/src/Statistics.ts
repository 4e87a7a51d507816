/**
 * The statistics check: a statistics function (a KPI dashboard, a report) gives **identical** figures on every
 * store for the same data. Generated case histories (the same walker as the conformance suite: mostly forward
 * through the loop, with refusals, rebounds, escalations and odd inputs) are run on the adapter and on the
 * in-memory reference, with a few cases of history entered late (imported); then `compute` runs on both and the results must be deeply equal, and `invariants` must
 * hold on each.
 *
 * ```ts
 * import { Statistics } from "@fengqiao/testkit"
 * Statistics.run(
 *   { name: "SQLite", fresh: () => SqliteStore.layer({ filename }), concurrentWriters: true },
 *   { name: "dashboard", compute: (store, centre) => Stats.dashboard(store, centre, { actor }) }
 * )
 * ```
 *
 * @since 0.1.0
 */
import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, type CenterConfig, Examples, MemoryStore, SimulatedClock } from "@fengqiao/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type { Adapter } from "./Conformance.js"
import * as Generators from "./Generators.js"
import { lateHistory } from "./internal/late.js"
import { assertTimed } from "./internal/timed.js"

/**
 * A statistics function under test.
 *
 * @since 0.1.0
 * @category models
 */
export interface Check<A> {
  readonly name: string
  /** Computes the figures over a store, for the centre (the test kit's county centre, `Examples.countyConfig`). */
  readonly compute: (store: CaseStore.CaseStore, centre: CenterConfig.Resolved) => Effect.Effect<A, unknown>
  /** Properties every result must have (throw, e.g. with `expect`, when one does not hold). */
  readonly invariants?: ((result: A) => void) | undefined
  /** Generated histories (default 10). */
  readonly runs?: number | undefined
  /** Cases per history (default 12). */
  readonly maxCases?: number | undefined
}

interface Opened {
  readonly store: CaseStore.CaseStore
  readonly center: Center.Center
}

const open = (layer: Layer.Layer<CaseStore.CaseStore, unknown>): Effect.Effect<Opened, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Layer.build(layer)
    const store = Context.get(context, CaseStore.CaseStore)
    const center = yield* Effect.provideService(
      // generated histories are dated: the centre's clock follows each command's time
      SimulatedClock.makeFollowing({ config: Examples.countyConfig }, "2025-01-01T00:00:00Z"),
      CaseStore.CaseStore,
      store
    )
    return { store, center }
  })

/**
 * Runs the statistics check of `check` on an adapter (a vitest `describe` block).
 *
 * @since 0.1.0
 * @category suites
 */
export const run = <A>(adapter: Adapter, check: Check<A>): void => {
  const runs = check.runs ?? 10
  describe(`statistics on ${adapter.name}: ${check.name}`, () => {
    it.live(`the same figures as the in-memory store on generated histories (${runs} runs)`, () =>
      Effect.promise(() =>
        assertTimed(
          `statistics on ${adapter.name}: ${check.name}`,
          FastCheck.asyncProperty(
            // enough steps to take most cases through the loop (about a dozen steps each)
            FastCheck.array(Generators.step, {
              minLength: (check.maxCases ?? 12) * 6,
              maxLength: (check.maxCases ?? 12) * 20,
              size: "max"
            }),
            (steps) =>
              Effect.runPromise(Effect.scoped(Effect.gen(function*() {
                const subject = yield* open(adapter.fresh())
                const ref = yield* open(MemoryStore.layer)
                const walk = Generators.walk({ maxCases: check.maxCases ?? 12 })
                const caseOf = (id: string) =>
                  Option.getOrUndefined(Effect.runSync(Effect.orDie(ref.store.load(Examples.countyConfig.id, id))))
                for (const step of steps) {
                  const command = Generators.commandFor(ref.center.config, walk, step, caseOf)
                  if (command === undefined) continue
                  const expected = yield* Effect.exit(ref.center.execute(command))
                  const actual = yield* Effect.exit(subject.center.execute(command))
                  expect(actual._tag, `${String(command._tag)} on ${String(command.caseId)}`).toBe(expected._tag)
                  if (expected._tag === "Success" && command._tag === "Register") {
                    walk.caseIds.push(String(command.caseId))
                  }
                }
                // and history entered late (历史补录), in the weeks before the walk starts (December 2024: 环比 of January)
                const late = lateHistory(1 + (steps.length % 4), "2024-12-20")
                expect(yield* subject.center.importCases(late)).toStrictEqual(yield* ref.center.importCases(late))
                const mine = yield* check.compute(subject.store, subject.center.config)
                const theirs = yield* check.compute(ref.store, ref.center.config)
                expect(mine).toStrictEqual(theirs)
                check.invariants?.(mine)
              })))
          ),
          runs
        )
      ))
  })
}
