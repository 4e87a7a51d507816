/**
 * Hostile input (恶意输入): every command, query and configuration on both front doors gets a typed error or a
 * valid result, and a refused one changes nothing.
 * @internal
 */
import { expect } from "@effect/vitest"
import {
  CaseStore,
  type Center,
  type CenterClient,
  createCenter,
  Examples,
  Privacy,
  SimulatedClock
} from "@fengqiao/core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { centre, config, open, registerInput, scenarioStart, type Suite, test } from "../internal/conformance.js"
import { boundsTests } from "./bounds.js"

// ---- hostile input ------------------------------------------------------------------------------------------

const HANG_MS = 10_000

const hostileRuns = (runs: number) => Math.max(100, runs * 20)

const knownErrors = [
  "InvalidInput",
  "Forbidden",
  "CaseNotFound",
  "CommandNotAllowed",
  "GuardFailed",
  "VersionConflict",
  "CalendarYearNotCovered",
  "StoreError",
  "CorruptRecord",
  "PluginFailed",
  "ImportRefused",
  "Aborted"
]

/** Arrays nested `depth` deep, built without recursion. */
const deep = (depth: number): unknown => {
  let v: unknown = "bottom"
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { nested: v }
  return v
}

const loneSurrogates = FastCheck.string({ unit: "binary", minLength: 1, maxLength: 20 }).map((s) => `${s}\ud800`)

/** Values no caller should send: wrong types, oversized and invalid text, deep JSON, SQL, prototype keys. */
const hostileValue: FastCheck.Arbitrary<unknown> = FastCheck.oneof(
  FastCheck.anything({
    maxDepth: 3,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    withSparseArray: true
  }),
  FastCheck.constantFrom<unknown>(
    "x".repeat(300_000),
    "一".repeat(100_001),
    "'; DROP TABLE fq_events; --",
    "\" OR 1=1 --",
    "Robert'); DELETE FROM fq_cases WHERE ('1'='1",
    "__proto__",
    "constructor",
    "\u0000",
    "\ud800",
    "\udfff\ud800",
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    2 ** 53 + 1,
    "2025-02-30T00:00:00Z",
    "9999-12-31T23:59:59Z",
    deep(20),
    deep(5_000),
    JSON.parse(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}`),
    Object.assign(Object.create(null), { _tag: "Register" })
  ),
  loneSurrogates,
  FastCheck.string({ unit: "grapheme", maxLength: 50 })
)

const templates = (caseId: string, code: string): Record<string, Record<string, unknown>> => ({
  Register: registerInput(),
  Accept: { _tag: "Accept", actor: Examples.admin, caseId },
  Assess: { _tag: "Assess", actor: Examples.admin, caseId, category: "neighbourhood", complexity: "general" },
  Dispatch: { _tag: "Dispatch", actor: Examples.admin, caseId, leadUnit: "dstMediation", mediationType: "people" },
  Withdraw: { _tag: "Withdraw", actor: Examples.admin, caseId, reason: "撤回" },
  IssueSupervision: {
    _tag: "IssueSupervision",
    actor: Examples.admin,
    caseId,
    orderId: "o-1",
    level: "reminder",
    dueAt: "2025-04-01T00:00:00Z",
    note: "督办"
  },
  get: { actor: Examples.admin, caseId },
  getByCode: { actor: Examples.admin, code },
  history: { actor: Examples.admin, caseId, fromVersion: 1 },
  asOf: { actor: Examples.admin, caseId, at: "2025-03-04T00:00:00Z" },
  list: { actor: Examples.admin, filter: { status: ["registered"], jurisdiction: "222403100" }, limit: 10 },
  aggregate: {
    actor: Examples.admin,
    groupBy: [{ _tag: "Column", field: "status" }],
    measures: [{ _tag: "Count", name: "n" }],
    where: { _tag: "Eq", field: "kind", value: "dispute" }
  },
  enabledCommands: { actor: Examples.admin, caseId },
  verify: { actor: Examples.admin, caseId },
  applyRetention: { actor: Examples.admin, olderThanDays: 3650, asOf: "2025-03-04T00:00:00Z" }
})

interface HostileCall {
  readonly target: string
  readonly input: unknown
}

/** A path into a template (a key, or a key and an inner key). */
const mutate = (template: Record<string, unknown>, value: unknown, where: number, extraKey: string | undefined) => {
  const keys = Object.keys(template)
  const out: Record<string, unknown> = { ...template }
  if (extraKey !== undefined) {
    Object.defineProperty(out, extraKey, { value, enumerable: true, writable: true, configurable: true })
    return out
  }
  const key = keys[where % keys.length]!
  const inner = out[key]
  if (typeof inner === "object" && inner !== null && !Array.isArray(inner) && where % 3 === 0) {
    const innerKeys = Object.keys(inner)
    out[key] = { ...inner, [innerKeys[where % Math.max(1, innerKeys.length)] ?? "x"]: value }
  } else {
    out[key] = value
  }
  return out
}

const hostileCall = (caseId: string, code: string): FastCheck.Arbitrary<HostileCall> => {
  const all = templates(caseId, code)
  const targets = Object.keys(all)
  return FastCheck.oneof(
    // a valid call with one field replaced (or one key added) by a hostile value
    FastCheck.tuple(
      FastCheck.constantFrom(...targets),
      hostileValue,
      FastCheck.nat(),
      FastCheck.option(FastCheck.constantFrom("__proto__", "constructor", "prototype", "toString", "_tag", "extra"), {
        nil: undefined,
        freq: 3
      })
    ).map(([target, value, where, extraKey]) => ({ target, input: mutate(all[target]!, value, where, extraKey) })),
    // anything at all as the whole input
    FastCheck.tuple(FastCheck.constantFrom(...targets), hostileValue).map(([target, input]) => ({ target, input }))
  )
}

const hostileConfig: FastCheck.Arbitrary<Record<string, unknown>> = FastCheck.oneof(
  FastCheck.tuple(hostileValue, FastCheck.nat()).map(([value, where]) => ({
    config: mutate(config as unknown as Record<string, unknown>, value, where, undefined)
  })),
  hostileValue.map((value) => ({ config: value })),
  hostileValue.map((value) => ({ config, retries: value })),
  hostileValue.map((value) => ({ config, pluginTimeout: value, retention: value }))
)

type Outcome =
  | { readonly _tag: "Ok" }
  | { readonly _tag: "Error"; readonly tag: string }
  | { readonly _tag: "Defect"; readonly detail: string }
  | { readonly _tag: "Hang" }

const classify = (e: unknown): Outcome => {
  const tag = typeof e === "object" && e !== null ? (e as { _tag?: unknown })._tag : undefined
  return typeof tag === "string" && knownErrors.concat(["InvalidConfig"]).includes(tag)
    ? { _tag: "Error", tag }
    : { _tag: "Defect", detail: e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e).slice(0, 300) }
}

const race = (p: Promise<Outcome>): Promise<Outcome> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ _tag: "Hang" }), HANG_MS)
  })
  return Promise.race([p, hang]).finally(() => clearTimeout(timer))
}

const queryNames = [
  "get",
  "getByCode",
  "history",
  "asOf",
  "list",
  "aggregate",
  "enabledCommands",
  "verify",
  "applyRetention"
] as const

const callDoor = (
  door: "Effect" | "Promise",
  center: Center.Center,
  client: CenterClient.CenterClient,
  call: HostileCall
): Promise<Outcome> => {
  const isQuery = (queryNames as ReadonlyArray<string>).includes(call.target)
  const command = () =>
    typeof call.input === "object" && call.input !== null && !Array.isArray(call.input)
      ? Object.assign(Object.create(Object.getPrototypeOf(call.input) as object | null), call.input, {
        _tag: call.target
      })
      : call.input
  if (door === "Effect") {
    const effect = isQuery
      ? (center as unknown as Record<string, (i: unknown) => Effect.Effect<unknown, unknown>>)[call.target]!(call.input)
      : center.execute(command())
    return race(
      Effect.runPromiseExit(effect as Effect.Effect<unknown, unknown>).then((exit) => {
        if (Exit.isSuccess(exit)) return { _tag: "Ok" as const }
        const failure = Cause.failureOption(exit.cause)
        return Option.isSome(failure)
          ? classify(failure.value)
          : { _tag: "Defect" as const, detail: Cause.pretty(exit.cause).slice(0, 500) }
      })
    )
  }
  const run = (): Promise<unknown> =>
    isQuery
      ? (client as unknown as Record<string, (i: unknown) => Promise<unknown>>)[call.target]!(call.input)
      : client.execute(command() as never)
  return race(
    (async () => {
      try {
        await run()
        return { _tag: "Ok" as const }
      } catch (e) {
        return classify(e)
      }
    })()
  )
}

const describeInput = (input: unknown): string => {
  try {
    const text = JSON.stringify(input, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))
    return text === undefined ? String(input) : text.length > 200 ? `${text.slice(0, 200)}…` : text
  } catch {
    return "(unprintable)"
  }
}

/** What a refused call must leave as it was: every case, event and recorded read. */
const digest = (store: CaseStore.CaseStore) =>
  Effect.gen(function*() {
    const report = yield* store.verify!(centre)
    const page = yield* store.list(centre, { where: { _tag: "And", conditions: [] }, limit: 1000, order: "asc" })
    const access = yield* store.scanState(centre, Privacy.accessNamespace, { prefix: "", limit: 10_000 })
    return {
      report,
      versions: page.items.map((c) => `${c.id}@${c.version}`),
      access: access.length
    }
  })

/** @internal */
export const hostileInput: Suite = ({ adapter, runs }) => {
  const name = "hostile input: every command, query and config on both front doors gets a typed error or a valid result"
  return [
    test(
      name,
      () =>
        Effect.scoped(Effect.gen(function*() {
          const layer = adapter.fresh()
          const { center, store } = yield* open(layer)
          const seed = yield* center.execute(registerInput({ caseId: "hostile-seed" }))
          const client = yield* Effect.acquireRelease(
            Effect.promise(() =>
              SimulatedClock.createFollowingCenter(
                { config, store: Layer.succeed(CaseStore.CaseStore, store) },
                scenarioStart
              )
            ),
            (c) => Effect.promise(() => c.dispose())
          )
          const inputs = FastCheck.sample(hostileCall(seed.caseId, seed.code), { numRuns: hostileRuns(runs), seed: 11 })
          let ran = 0
          const seen = new Map<string, number>()
          for (const call of inputs) {
            for (const door of ["Effect", "Promise"] as const) {
              const before = yield* digest(store)
              const outcome = yield* Effect.promise(() => callDoor(door, center, client, call))
              const label = `${door} ${call.target} ${describeInput(call.input)}`
              if (outcome._tag === "Defect") expect.fail(`${label}: untyped failure ${outcome.detail}`)
              if (outcome._tag === "Hang") expect.fail(`${label}: no answer within ${HANG_MS} ms`)
              if (outcome._tag === "Error") {
                expect(knownErrors, label).toContain(outcome.tag)
                // a refused input changes nothing
                expect(yield* digest(store), label).toStrictEqual(before)
              }
              expect(({} as Record<string, unknown>).polluted, `${label}: Object.prototype was polluted`)
                .toBeUndefined()
              const key = outcome._tag === "Error" ? outcome.tag : outcome._tag
              seen.set(key, (seen.get(key) ?? 0) + 1)
              ran++
            }
          }
          expect(ran).toBe(inputs.length * 2)
          console.info(
            `[${adapter.name}] hostile input: ${ran} calls (${inputs.length} inputs x 2 front doors): ${
              [...seen].map(([k, n]) => `${k} ${n}`).join(", ")
            }`
          )
          // most inputs are refused, some valid ones go through: both paths were exercised
          expect(seen.get("InvalidInput") ?? 0).toBeGreaterThan(0)
          expect(seen.get("Ok") ?? 0).toBeGreaterThan(0)
          // configurations: createCenter rejects with InvalidConfig (or starts)
          const configs = FastCheck.sample(hostileConfig, { numRuns: Math.max(20, runs * 2), seed: 12 })
          for (const c of configs) {
            const outcome = yield* Effect.promise(() =>
              race(
                createCenter({ ...c, store: Layer.succeed(CaseStore.CaseStore, store) } as never).then(
                  (made) => made.dispose().then(() => ({ _tag: "Ok" as const })),
                  (e: unknown) => classify(e)
                )
              )
            )
            const label = `config ${describeInput(c)}`
            if (outcome._tag === "Defect") expect.fail(`${label}: untyped failure ${outcome.detail}`)
            if (outcome._tag === "Hang") expect.fail(`${label}: no answer`)
            if (outcome._tag === "Error") {
              expect(["InvalidConfig", "PluginFailed", "StoreError"], label).toContain(outcome.tag)
            }
          }
          console.info(`[${adapter.name}] hostile input: ${configs.length} configurations`)
          // the seed case is intact and its trail sound
          expect((yield* store.verify!(centre, seed.caseId)).ok).toBe(true)
        })),
      { title: `${name} (${hostileRuns(runs)} inputs per door)`, timeout: 600_000 }
    ),
    ...boundsTests(adapter)
  ]
}
