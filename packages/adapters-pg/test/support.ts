/**
 * Helpers shared by the PostgreSQL integration tests: opening a store and a centre in a scope (as a separate
 * process would: its own pool), sample commands, and small utilities.
 */
import type * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { CaseStore, type Center, Examples, SimulatedClock } from "@fengqiao/core"
import { SqlStore } from "@fengqiao/sql"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { PgStore } from "../src/index.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

export const config = Examples.countyConfig
export const centre = Examples.countyConfig.id

let tables = 0
/** A table prefix no other test of this file uses (the tables are created on first open). */
export const freshPrefix = (name: string): string => `${name}${++tables}_${Math.random().toString(36).slice(2, 6)}_`

export interface Opened {
  readonly store: SqlStore.SqlStore
  readonly center: Center.Center
  readonly sql: SqlClient.SqlClient
  readonly context: Context.Context<CaseStore.CaseStore | SqlStore.SqlStore | SqlClient.SqlClient | PgClient.PgClient>
}

/** Opens a PgStore (its own pool) and a centre over it, for the enclosing scope. */
export const open = (
  options: PgStore.Options,
  centerOptions: Omit<Center.Options, "config"> = {}
): Effect.Effect<Opened, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Layer.build(PgStore.layer(options))
    const store = Context.get(context, SqlStore.SqlStore)
    const center = yield* Effect.provideService(
      scenarioMake({ config, ...centerOptions }),
      CaseStore.CaseStore,
      store
    )
    return { store, center, sql: Context.get(context, SqlClient.SqlClient), context }
  })

const start = Date.parse("2025-03-03T01:00:00Z")
/** Times in 2025 (covered by the official calendar), an hour apart. */
export const hourAt = (h: number): string => new Date(start + h * 3_600_000).toISOString()

/** Register, Accept, Assess, Dispatch (to the village mediation committee) and StartHandling, with fixed times. */
export const toHandling = (caseId: string): ReadonlyArray<Record<string, unknown>> => {
  const base = { actor: Examples.admin, caseId }
  return [
    {
      ...base,
      _tag: "Register",
      commandId: `${caseId}:register`,
      kind: "dispute",
      channel: "walkIn",
      place: "222403100201",
      intakeNode: "222403100201",
      parties: [Examples.applicant, Examples.respondent],
      description: "邻里之间因漏水发生纠纷",
      at: hourAt(0)
    },
    { ...base, _tag: "Accept", commandId: `${caseId}:accept`, at: hourAt(1) },
    {
      ...base,
      _tag: "Assess",
      commandId: `${caseId}:assess`,
      category: "neighbourhood",
      complexity: "general",
      at: hourAt(2)
    },
    {
      ...base,
      _tag: "Dispatch",
      commandId: `${caseId}:dispatch`,
      leadUnit: "dstMediation",
      mediationType: "people",
      at: hourAt(3)
    },
    { ...base, _tag: "StartHandling", commandId: `${caseId}:start`, at: hourAt(4) }
  ]
}

/** Runs commands one after the other; returns how many events they appended. */
export const runAll = (center: Center.Center, commands: ReadonlyArray<unknown>): Effect.Effect<number, unknown> =>
  Effect.reduce(commands, 0, (n, c) => Effect.map(center.execute(c), (r) => n + r.events.length))

/** The typed failure of an exit (`undefined` for a success); a defect or an interruption throws. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None" || Cause.isDie(exit.cause) || Cause.isInterrupted(exit.cause)) {
    throw new Error(`expected a typed failure, got: ${Cause.pretty(exit.cause)}`)
  }
  return failure.value
}

/** A tiny deterministic PRNG (mulberry32). */
export const random = (seed: number) => {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (n: number): number => Math.floor(next() * n) }
}

/** Polls `check` until it holds (waiting for a state, not timing it); fails after `attempts` tries. */
export const eventually = <E, R>(
  what: string,
  check: Effect.Effect<boolean, E, R>,
  attempts = 400
): Effect.Effect<void, E | Error, R> =>
  Effect.gen(function*() {
    for (let i = 0; i < attempts; i++) {
      if (yield* check) return
      yield* Effect.sleep("25 millis")
    }
    return yield* Effect.dieMessage(`gave up waiting for ${what}`)
  })
