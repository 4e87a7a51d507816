/**
 * The conformance suite every `CaseStore` adapter runs — ours (memory, SQLite, PostgreSQL) and a vendor's — with
 * one call inside a vitest file:
 *
 * ```ts
 * import { Conformance } from "@fengqiao/testkit"
 * Conformance.run({ name: "my store", fresh: () => MyStore.layer(...), concurrentWriters: true })
 * ```
 *
 * It checks the basics, Schema round-trips of arbitrary cases (unicode, large text), expected-version conflicts,
 * idempotency, atomicity, nested transactions, event ranges, gapless sequences, bulk appends, reopening (the
 * migrations run twice), that `list` and `aggregate` give exactly what the in-memory store gives on the same
 * generated data, and a model-based run against the in-memory reference.
 *
 * The tests come in suites (测试分组) — `basics`, `transactions`, `concurrency`, `queries`, `pluginState`, `audit`,
 * `retention`, `deadlines`, `hostileInput`, `modelBased` — and a store that cannot pass some of them yet names them
 * in `skip`, a whole suite or one test, each with its reason:
 *
 * ```ts
 * Conformance.run(adapter, {
 *   skip: ["concurrency", { name: "audit/audit trail: a second store on the same storage extends the chain from the stored head", reason: "one writer per file" }]
 * })
 * ```
 *
 * @since 0.1.0
 */
import { describe, it } from "@effect/vitest"
import * as internal from "./internal/conformance.js"
import { audit } from "./suites/audit.js"
import { basics } from "./suites/basics.js"
import { concurrency } from "./suites/concurrency.js"
import { deadlines } from "./suites/deadlines.js"
import { hostileInput } from "./suites/hostileInput.js"
import { modelBased } from "./suites/modelBased.js"
import { pluginState } from "./suites/pluginState.js"
import { queries } from "./suites/queries.js"
import { retention } from "./suites/retention.js"
import { transactions } from "./suites/transactions.js"

/**
 * An adapter under test: its name, how to create fresh storage (a layer that, built again, reopens it), whether
 * racing writers can be tested (`true`, or `{ skip: reason }`), and the runs of the property tests (default 20).
 *
 * @since 0.1.0
 * @category models
 */
export interface Adapter extends internal.Adapter {}

/**
 * The name of a suite of the conformance kit.
 *
 * @since 0.2.0
 * @category models
 */
export type SuiteName = internal.SuiteName

/**
 * The suites, in the order they run.
 *
 * @since 0.2.0
 * @category models
 */
export const suiteNames: ReadonlyArray<SuiteName> = internal.suiteNames

/**
 * What `skip` can name: a whole suite (`"audit"`), or one test as `"suite/name"`, where the name is the test's
 * title without a trailing count in parentheses (`"modelBased/model-based: every command …"`, not `"… (20 runs)"`).
 *
 * @since 0.2.0
 * @category models
 */
export type Skippable = internal.Skippable

/**
 * Options of `run`: `skip` lists the suites or single tests not run here — a bare name, or `{ name, reason }`.
 * Each skipped test shows as skipped with `(skipped: <reason>)` in its title, and a line is printed per entry.
 * An entry that names no suite or test throws `InvalidSkip` when `run` is called.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options extends internal.Options {}

/**
 * `skip` names a suite or a test that does not exist; the message lists what it could name.
 *
 * @since 0.2.0
 * @category errors
 */
export const InvalidSkip = internal.InvalidSkip

/**
 * @since 0.2.0
 * @category errors
 */
export type InvalidSkip = internal.InvalidSkip

const suites: Readonly<Record<SuiteName, internal.Suite>> = {
  basics,
  transactions,
  concurrency,
  queries,
  pluginState,
  audit,
  retention,
  deadlines,
  hostileInput,
  modelBased
}

/**
 * Runs the conformance suite for an adapter, without the suites or tests `options.skip` names.
 *
 * @since 0.1.0
 * @category suites
 */
export const run = (adapter: Adapter, options: Options = {}): void => {
  const tests = internal.plan(adapter, suites, options)
  describe(`CaseStore conformance: ${adapter.name}`, () => {
    for (const t of tests) {
      const title = t.skipped === undefined ? t.title : `${t.title} (skipped: ${t.skipped})`
      it.live.skipIf(t.skipped !== undefined || t.notRun !== undefined)(title, t.body, t.timeout)
    }
  })
}
