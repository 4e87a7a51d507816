/**
 * What the conformance suites share: the adapter under test, how a suite declares its tests, how `skip` picks
 * them, and the helpers (opening a store with a centre over it, the in-memory reference, synthetic appends).
 * @internal
 */
import {
  type Case,
  CaseStore,
  Center,
  type CenterConfig,
  type Event,
  Examples,
  MemoryStore,
  Party,
  SimulatedClock,
  Summary
} from "@fengqiao/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"

/**
 * An adapter under test.
 * @internal
 */
export interface Adapter {
  readonly name: string
  /**
   * Creates new, empty, isolated storage and returns a layer that opens it. Building the returned layer again
   * must reopen the same storage (with its migrations run again).
   */
  readonly fresh: () => Layer.Layer<CaseStore.CaseStore, unknown>
  /** `true` to run the racing-writers test, or the reason it cannot run here (printed). */
  readonly concurrentWriters: true | { readonly skip: string }
  /** Runs of the property tests (default 20). */
  readonly runs?: number | undefined
}

/**
 * The suites, in the order they run.
 * @internal
 */
export const suiteNames = [
  "basics",
  "transactions",
  "concurrency",
  "queries",
  "pluginState",
  "audit",
  "retention",
  "deadlines",
  "hostileInput",
  "modelBased"
] as const

/** @internal */
export type SuiteName = typeof suiteNames[number]

/**
 * What `skip` can name: a whole suite (`"audit"`), or one test as `suite/name` (`"audit/audit trail: …"`), where
 * the name is the test's title without a trailing count in parentheses.
 * @internal
 */
export type Skippable = SuiteName | `${SuiteName}/${string}`

/** @internal */
export interface Options {
  /**
   * Suites or single tests not to run here: each shows as skipped, with the reason in its title and printed.
   * A bare name gives the reason `listed in skip as "<name>"`.
   */
  readonly skip?: ReadonlyArray<Skippable | { readonly name: Skippable; readonly reason: string }> | undefined
}

/**
 * One test of a suite, as declared.
 * @internal
 */
export interface TestDef {
  /** What `skip` names after `suite/`. */
  readonly name: string
  /** The title vitest shows (the name, or the name and a count). */
  readonly title: string
  readonly body: () => Effect.Effect<unknown, unknown>
  readonly timeout?: number | undefined
  /** Why the adapter cannot run this test (already in the title). */
  readonly notRun?: string | undefined
}

/**
 * A suite: the tests it declares for an adapter.
 * @internal
 */
export type Suite = (context: { readonly adapter: Adapter; readonly runs: number }) => ReadonlyArray<TestDef>

/**
 * Declares a test; `extra` gives a title longer than the name, a timeout, or the adapter's reason not to run it.
 * @internal
 */
export const test = (
  name: string,
  body: () => Effect.Effect<unknown, unknown>,
  extra: { readonly title?: string; readonly timeout?: number; readonly notRun?: string | undefined } = {}
): TestDef => ({ name, title: extra.title ?? name, body, timeout: extra.timeout, notRun: extra.notRun })

/**
 * A test as it will be registered: its suite, and why `skip` leaves it out (if it does).
 * @internal
 */
export interface Planned extends TestDef {
  readonly suite: SuiteName
  readonly skipped?: string | undefined
}

/**
 * `skip` names a suite or a test that does not exist (a typo would otherwise run what it meant to skip).
 * @internal
 */
export class InvalidSkip extends Schema.TaggedError<InvalidSkip>()("InvalidSkip", {
  entry: Schema.String,
  expected: Schema.String
}) {
  override get message() {
    return `Conformance.run options.skip: ${
      JSON.stringify(this.entry)
    } is not a suite or a test; expected ${this.expected}`
  }
}

/**
 * The tests every suite declares for the adapter, in order, each marked with the reason `skip` leaves it out.
 * Throws `InvalidSkip` for an entry that names no suite or test.
 * @internal
 */
export const plan = (
  adapter: Adapter,
  suites: Readonly<Record<SuiteName, Suite>>,
  options: Options = {}
): ReadonlyArray<Planned> => {
  const runs = adapter.runs ?? 20
  const all = suiteNames.flatMap((suite) => suites[suite]({ adapter, runs }).map((t) => ({ ...t, suite })))
  const reasons = new Map<string, string>()
  for (const entry of options.skip ?? []) {
    const { name, reason } = typeof entry === "string"
      ? { name: entry, reason: `listed in skip as ${JSON.stringify(entry)}` }
      : entry
    if (typeof name !== "string" || typeof reason !== "string" || reason.trim() === "") {
      throw new InvalidSkip({
        entry: String(name),
        expected: "a suite name or \"suite/test name\", and a non-empty reason"
      })
    }
    const slash = name.indexOf("/")
    const suite = slash < 0 ? name : name.slice(0, slash)
    if (!(suiteNames as ReadonlyArray<string>).includes(suite)) {
      throw new InvalidSkip({ entry: name, expected: `a suite among ${suiteNames.join(", ")}` })
    }
    const matched = all.filter((t) => t.suite === suite && (slash < 0 || t.name === name.slice(slash + 1)))
    if (matched.length === 0) {
      throw new InvalidSkip({
        entry: name,
        expected: `one of the tests of ${suite}: ${
          all.filter((t) => t.suite === suite).map((t) => JSON.stringify(t.name)).join(", ")
        }`
      })
    }
    for (const t of matched) {
      if (!reasons.has(`${t.suite}/${t.name}`)) reasons.set(`${t.suite}/${t.name}`, reason)
    }
    console.info(
      `[${adapter.name}] conformance: skipping ${JSON.stringify(name)} (${matched.length} test${
        matched.length === 1 ? "" : "s"
      }): ${reason}`
    )
  }
  return all.map((t) => ({ ...t, skipped: reasons.get(`${t.suite}/${t.name}`) }))
}

export const config = Examples.countyConfig
export const centre = "dunhua"
/** Where the suites' simulated clock stands before their first dated command. */
export const scenarioStart = "2025-01-01T00:00:00Z"

export interface Opened {
  readonly store: CaseStore.CaseStore
  readonly center: Center.Center
}

/** Opens a store layer and a centre over it, for the enclosing scope. */
export const open = (layer: Layer.Layer<CaseStore.CaseStore, unknown>): Effect.Effect<Opened, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Layer.build(layer)
    const store = Context.get(context, CaseStore.CaseStore)
    // the suites replay dated scenarios (2025): the centre's clock follows each command's time
    const center = yield* Effect.provideService(
      SimulatedClock.makeFollowing({ config }, scenarioStart),
      CaseStore.CaseStore,
      store
    )
    return { store, center }
  })

export const decodeParties = Schema.decodeUnknownSync(Schema.Array(Party.Party))

export const reference = (): Effect.Effect<Opened, unknown, Scope.Scope> => open(MemoryStore.layer)

export const registerInput = Examples.registerInput

/** The outcome of a command, comparable across stores. */
export const outcome = (exit: Exit.Exit<Center.CommandResult, unknown>) =>
  Exit.isSuccess(exit)
    ? { ok: exit.value }
    : exit.cause._tag === "Fail"
    ? {
      error: (exit.cause.error as { _tag: string })._tag,
      guard: (exit.cause.error as { guard?: string }).guard,
      field: (exit.cause.error as { field?: string }).field
    }
    : { defect: String(exit.cause) }

export const resolvedConfig: Effect.Effect<CenterConfig.Resolved, unknown> = Effect.map(
  Effect.provide(Center.make({ config }), MemoryStore.layer),
  (c) => c.config
)

/** A synthetic envelope and snapshot for direct store tests. */
export const synthetic = (
  resolved: CenterConfig.Resolved,
  c: Case.Case,
  version: number,
  commandId: string
): CaseStore.AppendRequest => {
  const snapshot: Case.Case = { ...c, version }
  const events: Array<Event.Envelope> = Array.from({ length: version }, (_, i) => ({
    caseId: c.id,
    centre,
    version: i + 1,
    at: c.updatedAt,
    actor: c.firstReceiver,
    commandId,
    correlationId: commandId,
    event: { _tag: "SupervisionAnswered", orderId: `o${i}`, answer: "ok" }
  }))
  return {
    centre,
    caseId: c.id,
    expectedVersion: 0,
    commandId,
    events,
    snapshot,
    summary: Summary.ofCase(resolved, snapshot)
  }
}

/** Acceptance of a case at 10:00 on 3 March 2025 (an hour after `registerInput`'s registration). */
export const acceptInput = (caseId: string, extra: Record<string, unknown> = {}) => ({
  _tag: "Accept",
  actor: Examples.admin,
  caseId,
  at: "2025-03-03T10:00:00+08:00",
  ...extra
})

export const allPages = (
  store: CaseStore.CaseStore,
  req: Omit<CaseStore.ListRequest, "after">
): Effect.Effect<Array<Array<string>>, unknown> =>
  Effect.gen(function*() {
    const ids: Array<Array<string>> = []
    let after: CaseStore.Keyset | undefined
    for (let i = 0; i < 100; i++) {
      const page: CaseStore.ListResult = yield* store.list(centre, { ...req, after })
      ids.push(page.items.map((c) => c.id))
      if (page.next === undefined) break
      after = page.next
    }
    return ids
  })
