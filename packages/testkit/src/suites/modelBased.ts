/**
 * Model-based (模型对照): generated commands give what the in-memory reference gives; then `list` and `aggregate`
 * agree.
 * @internal
 */
import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Generators from "../Generators.js"
import {
  type Adapter,
  allPages,
  centre,
  open,
  type Opened,
  outcome,
  reference,
  type Suite,
  test
} from "../internal/conformance.js"
import { lateHistory } from "../internal/late.js"
import { assertTimed } from "../internal/timed.js"
import * as Queries from "../Queries.js"

/** @internal */
export const modelBased: Suite = ({ adapter, runs }) => {
  const name = "model-based: every command gives what the in-memory reference gives; then list and aggregate agree"
  return [
    test(name, () =>
      Effect.promise(() =>
        // shrinking rebuilds a store per attempt: bounded so a failure is reported in reasonable time
        assertTimed(
          `model-based run on ${adapter.name}`,
          FastCheck.asyncProperty(
            FastCheck.commands([Generators.step.map((s) => new Step(s))], { maxCommands: 60, size: "max" }),
            (steps) => Effect.runPromise(Effect.scoped(differential(adapter, steps)))
          ),
          runs
        )
      ), { title: `${name} (${runs} runs)` })
  ]
}

interface Model {
  readonly walk: Generators.Walk
  readonly ref: Opened
  last?: Record<string, unknown> | undefined
}

/** One generated step, run on the reference and on the adapter, which must answer alike. */
class Step implements FastCheck.AsyncCommand<Model, Opened> {
  constructor(readonly step: Generators.Step) {}
  check = () => true
  run = (m: Model, subject: Opened): Promise<void> =>
    Effect.runPromise(Effect.gen(this, function*() {
      const command = Generators.commandFor(m.ref.center.config, m.walk, this.step, (id) =>
        Option.getOrUndefined(Effect.runSync(m.ref.store.load(centre, id))))
      if (command === undefined) {
        return
      }
      const expected = outcome(yield* Effect.exit(m.ref.center.execute(command)))
      const actual = outcome(yield* Effect.exit(subject.center.execute(command)))
      expect(actual, `${String(command._tag)} on ${String(command.caseId ?? "a new case")}`).toStrictEqual(expected)
      if ("ok" in expected && command._tag === "Register") {
        m.walk.caseIds.push(String(command.caseId))
      }
      if ("ok" in expected) {
        m.last = command
      }
      if (m.last !== undefined && this.step.tag % 7 === 0) {
        // the same command id again: both answer with the first result
        expect(outcome(yield* Effect.exit(subject.center.execute(m.last)))).toStrictEqual(
          outcome(yield* Effect.exit(m.ref.center.execute(m.last)))
        )
      }
    }))
  toString = () => `Step(${JSON.stringify(this.step)})`
}

/** Runs generated commands against the adapter and the memory store (model-based), then compares queries. */
const differential = (adapter: Adapter, steps: Iterable<FastCheck.AsyncCommand<Model, Opened>>) =>
  Effect.gen(function*() {
    const subject = yield* open(adapter.fresh())
    const ref = yield* reference()
    const model: Model = { walk: Generators.walk({ maxCases: 6 }), ref }
    yield* Effect.promise(() => FastCheck.asyncModelRun(() => ({ model, real: subject }), steps))
    const seed = model.walk.seq
    // history entered late (历史补录) beside the walk's cases, so that the queries meet both values of enteredLate
    const late = lateHistory(1 + (seed % 3), "2024-06-01")
    expect(yield* subject.center.importCases(late)).toStrictEqual(yield* ref.center.importCases(late))
    for (const id of [...model.walk.caseIds, ...late.cases.map((_, i) => `late-${i}`)]) {
      expect(yield* subject.store.readEvents(centre, id)).toStrictEqual(yield* ref.store.readEvents(centre, id))
    }
    const queries = Queries.make(ref.center.config)
    for (const req of FastCheck.sample(queries.listRequest, { numRuns: 20, seed })) {
      expect(yield* allPages(subject.store, req), JSON.stringify(req)).toStrictEqual(yield* allPages(ref.store, req))
    }
    for (const req of FastCheck.sample(queries.aggregate, { numRuns: 40, seed })) {
      expect(yield* subject.store.aggregate(centre, req), JSON.stringify(req)).toStrictEqual(
        yield* ref.store.aggregate(centre, req)
      )
    }
  })
