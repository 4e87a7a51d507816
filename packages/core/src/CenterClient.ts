/**
 * The Promise front door, for vendors who do not use Effect: `createCenter(...)` returns a client whose methods
 * return plain objects, accept an `AbortSignal`, and reject with the SDK's own errors (each keeps its `_tag`).
 * `dispose()` releases the store's resources.
 *
 * @example
 * ```ts
 * import { createCenter } from "@fengqiao/core"
 *
 * const center = await createCenter({ config })
 * const { caseId } = await center.register({ actor, kind: "dispute", channel: "walkIn", place: "220581001",
 *   parties: [{ _tag: "Person", role: "applicant", name: "张三" }], description: "邻里漏水" })
 * await center.accept({ actor, caseId })
 * await center.dispose()
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import type * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as AuditTrail from "./AuditTrail.js"
import type { Calendar } from "./Calendar.js"
import * as CalendarModule from "./Calendar.js"
import type { Case } from "./Case.js"
import type { AggregateRow, CaseStore } from "./CaseStore.js"
import * as Center from "./Center.js"
import type { CenterConfigInput, Resolved } from "./CenterConfig.js"
import { type CommandName, commandNames } from "./Command.js"
import type * as ConfigKeys from "./ConfigKeys.js"
import { Aborted, StoreError } from "./Errors.js"
import type { Envelope } from "./Event.js"
import { readingClock } from "./internal/clock.js"
import { committedResult } from "./internal/committed.js"
import * as checkOptions from "./internal/options.js"
import { invalidConfig, invalidInput, unreadable } from "./internal/parse.js"
import * as MemoryStore from "./MemoryStore.js"
import type * as Plugin from "./Plugin.js"
import * as PolicyModule from "./Policy.js"
import type { Locale } from "./Primitives.js"
import * as Privacy from "./Privacy.js"
import type * as Query from "./Query.js"

/**
 * Per-call options.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined
}

/**
 * A layer that provides a {@link CaseStore} (the in-memory store, or an adapter's layer).
 *
 * @since 0.1.0
 * @category models
 */
export type StoreLayer = Layer.Layer<CaseStore, unknown>

/**
 * Options of {@link createCenter}.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreateCenterOptions<
  P extends ReadonlyArray<Plugin.Any> = [],
  C extends CenterConfigInput = CenterConfigInput
> {
  /**
   * The centre's configuration; validated before the promise resolves. Written as a constant (`as const`, or inline),
   * its keys type the client's commands (see `ConfigKeys`): a misspelt kind or unit is a compile error.
   */
  readonly config: C
  /** Plugins, installed in dependency order (array order breaks ties). */
  readonly plugins?: P | undefined
  /** The centre's own hooks; they run before every plugin's. */
  readonly hooks?: Center.Hooks | undefined
  /** How long a plugin hook may run inside a command (default 5 seconds). */
  readonly pluginTimeout?: Duration.DurationInput | undefined
  /** A layer providing the store; the in-memory store by default. */
  readonly store?: StoreLayer | undefined
  /** The working-day calendar; China's official calendar by default. */
  readonly calendar?: Calendar | undefined
  /**
   * The centre's clock, for tests and simulations: a function giving the current time. The system clock by
   * default. The centre stamps every event with it and judges every deadline and window by it.
   */
  readonly clock?: (() => Date | number) | undefined
  /** The access policy; the default policy by default. */
  readonly policy?: PolicyModule.Policy | undefined
  /** Retries after a version conflict (default 8). */
  readonly retries?: number | undefined
  /** Field-level encryption of party data at rest: the key service (see `Privacy.KeyService`). */
  readonly encryption?: Privacy.KeyService | undefined
  /** The retention rule applied by `applyRetention`. */
  readonly retention?: Center.RetentionOptions | undefined
  /** Limits on events per case and commands per import (see `Center.Limits`; 10 000 events per case by default). */
  readonly limits?: Center.Limits | undefined
}

/**
 * A string with its first letter in lower case (`"Register"` → `"register"`).
 *
 * @since 0.1.0
 * @category models
 */
export type LowerFirst<S extends string> = S extends `${infer H}${infer T}` ? `${Lowercase<H>}${T}` : S

/**
 * One method per command: `register`, `accept`, `dispatch` … taking the command without its `_tag`.
 *
 * @since 0.1.0
 * @category models
 */
export type CommandMethods<K extends ConfigKeys.Keys = ConfigKeys.Keys> = {
  readonly [N in CommandName as LowerFirst<N>]: (
    input: Omit<Extract<ConfigKeys.TypedCommandInput<K>, { readonly _tag: N }>, "_tag">,
    options?: CallOptions
  ) => Promise<Center.CommandResult>
}

/**
 * The Promise client of a centre. Its commands take the keys of the configuration `C` (see `ConfigKeys`): any
 * string for a configuration loaded at run time.
 *
 * @since 0.1.0
 * @category models
 */
export interface CenterClient<P extends ReadonlyArray<Plugin.Any> = [], C extends CenterConfigInput = CenterConfigInput>
  extends CommandMethods<ConfigKeys.KeysOf<C>>
{
  readonly config: Resolved
  /** The installed plugins' queries and commands, by plugin id, returning promises. */
  readonly plugins: Plugin.PromiseApis<P>
  readonly execute: (
    command: ConfigKeys.TypedCommandInput<ConfigKeys.KeysOf<C>>,
    options?: CallOptions
  ) => Promise<Center.CommandResult>
  readonly get: (query: Query.GetQuery, options?: CallOptions) => Promise<Case>
  readonly getByCode: (query: Query.GetByCodeQuery, options?: CallOptions) => Promise<Case>
  readonly history: (query: Query.HistoryQuery, options?: CallOptions) => Promise<ReadonlyArray<Envelope>>
  readonly asOf: (query: Query.AsOfQuery, options?: CallOptions) => Promise<Case>
  readonly list: (query: Query.ListQuery, options?: CallOptions) => Promise<Center.Page>
  readonly aggregate: (query: Query.AggregateQuery, options?: CallOptions) => Promise<ReadonlyArray<AggregateRow>>
  readonly enabledCommands: (
    query: Query.EnabledCommandsQuery,
    options?: CallOptions
  ) => Promise<ReadonlyArray<CommandName>>
  /** Checks the audit trail of one case or of the whole centre (see `Center.verify`). */
  readonly verify: (query: Query.VerifyQuery, options?: CallOptions) => Promise<AuditTrail.VerifyReport>
  /** Anonymises or purges archived cases past the retention age (see `Center.applyRetention`). */
  readonly applyRetention: (query: Query.RetentionQuery, options?: CallOptions) => Promise<Center.RetentionResult>
  /** Counts again the deadlines counted on a predicted calendar (see `Center.recomputeDeadlines`). */
  readonly recomputeDeadlines: (
    query: Query.RecomputeQuery,
    options?: CallOptions
  ) => Promise<Center.RecomputeResult>
  /** Bulk import of historical cases (see `Center.importCases`). */
  readonly importCases: (input: Center.ImportInput, options?: CallOptions) => Promise<Center.ImportResult>
  readonly labels: (locale?: Locale) => Readonly<Record<string, string>>
  /**
   * Lets the calls under way finish, then releases the runtime and the store's resources. Calls made after it reject
   * with `Aborted`; every call to `dispose` resolves when the same shutdown is done.
   */
  readonly dispose: () => Promise<void>
}

const unwrap = <A>(exit: Exit.Exit<A, unknown>, operation: string, signal: AbortSignal | undefined): A => {
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "Some") throw failure.value
  if (Cause.isInterruptedOnly(exit.cause) || signal?.aborted === true) throw new Aborted({ operation })
  // a defect (a custom policy, store or plugin that threw): still an error with a `_tag`, Effect's own
  // `UnknownException`, holding what was thrown in `error`
  const defect = Cause.squash(exit.cause)
  if (hasTag(defect)) throw defect
  throw new Cause.UnknownException(defect, `${operation} failed unexpectedly: ${describe(defect)}`)
}

const describe = (u: unknown): string => {
  try {
    return u instanceof Error ? u.message : String(u)
  } catch {
    return "a value that cannot be printed"
  }
}

/**
 * A clock reading the time from a function (epoch milliseconds or a Date); sleeping is the system clock's. A
 * function that throws or gives no valid time is a defect, reported as such.
 */
const functionClock = (now: () => Date | number): Clock.Clock =>
  readingClock(() => {
    const t = now()
    const ms = typeof t === "number" ? t : t instanceof Date ? t.getTime() : Number.NaN
    if (!Number.isFinite(ms)) throw new TypeError(`the clock option gave ${String(t)}, not a time`)
    return Math.floor(ms)
  })

const isLayer = (u: unknown): u is StoreLayer => Layer.isLayer(u)

const hasTag = (u: unknown): boolean =>
  typeof u === "object" && u !== null && typeof (u as { readonly _tag?: unknown })._tag === "string"

const createOptions = [
  "config",
  "plugins",
  "hooks",
  "pluginTimeout",
  "store",
  "calendar",
  "clock",
  "policy",
  "retries",
  "encryption",
  "retention",
  "limits"
] as const satisfies ReadonlyArray<keyof CreateCenterOptions>

/**
 * Creates a centre behind a Promise API. Rejects with `InvalidConfig` (naming the field) when the configuration
 * or the options are not valid.
 *
 * A configuration written as a constant (inline, or `as const`) types the client's commands with its keys
 * (`ConfigKeys`): `kind`, `channel`, `category`, `complexity`, risk levels, `leadUnit` and the other units,
 * `mediationType` and dispositions accept only the configured ids (the defaults' for a taxonomy left out), so that a
 * typo does not compile. A configuration typed `CenterConfigInput` (loaded at run time) accepts any string; either
 * way the centre checks every key when the command runs.
 *
 * @since 0.1.0
 * @category constructors
 */
export const createCenter = async <
  const P extends ReadonlyArray<Plugin.Any> = [],
  const C extends CenterConfigInput = CenterConfigInput
>(
  options: CreateCenterOptions<P, C>
): Promise<CenterClient<P, C>> => {
  if (typeof options !== "object" || options === null) throw invalidConfig("(root)", "an options object with a config")
  // the options of this front door only; `Center.make` checks the centre's own options and the calendar and
  // policy it is given, with the same errors
  const bad = checkOptions.unknownKey(options as unknown as Record<string, unknown>, [...createOptions]) ??
    (options.store !== undefined && !isLayer(options.store)
      ? invalidConfig("store", "a Layer providing a CaseStore")
      : undefined) ??
    // null is not "not given": a calendar or policy the caller meant to pass is not silently replaced by the default
    ((options.calendar as unknown) === null
      ? invalidConfig("calendar", "a Calendar (or no calendar option)")
      : undefined) ??
    ((options.policy as unknown) === null ? invalidConfig("policy", "a Policy (or no policy option)") : undefined) ??
    (options.clock !== undefined && typeof options.clock !== "function"
      ? invalidConfig("clock", "a function returning the current time (a Date or epoch milliseconds)")
      : undefined)
  if (bad !== undefined) throw bad
  const services = Layer.mergeAll(
    CalendarModule.layer(options.calendar ?? CalendarModule.china),
    Layer.succeed(PolicyModule.Policy, options.policy ?? PolicyModule.defaultPolicy)
  )
  const layer = Center.layer({
    config: options.config,
    plugins: options.plugins ?? [],
    hooks: options.hooks,
    pluginTimeout: options.pluginTimeout,
    encryption: options.encryption,
    retention: options.retention,
    limits: options.limits,
    ...(options.retries !== undefined ? { retries: options.retries } : {})
  }).pipe(
    Layer.provide(Layer.merge(options.store ?? MemoryStore.layer, services)),
    // logs leave the process: personal numbers in them are masked
    Layer.provideMerge(Privacy.maskLogs),
    Layer.provideMerge(options.clock === undefined ? Layer.empty : Layer.setClock(functionClock(options.clock)))
  )
  const runtime = ManagedRuntime.make(layer)
  const centerExit = await runtime.runPromiseExit(Center.Center)
  if (Exit.isFailure(centerExit)) {
    await runtime.dispose()
    const failure = Cause.failureOption(centerExit.cause)
    // a store layer that fails with something other than a typed error (a string, a plain Error) still rejects
    // with a StoreError, so that callers can rely on `_tag`
    if (failure._tag === "Some" && !hasTag(failure.value)) {
      throw new StoreError({
        operation: "createCenter (building the store)",
        reason: failure.value instanceof Error ? failure.value.message : String(failure.value),
        cause: failure.value
      })
    }
    unwrap(centerExit, "createCenter", undefined)
  }
  const center = (centerExit as Exit.Success<Center.Center, unknown>).value
  let disposing: Promise<void> | undefined
  // calls under way: dispose lets them finish before it closes the store
  const inFlight = new Set<Promise<unknown>>()
  const run = async <A>(
    operation: string,
    f: () => Effect.Effect<A, unknown>,
    opts?: CallOptions,
    isCommand = false
  ): Promise<A> => {
    if (disposing !== undefined) throw new Aborted({ operation: `${operation} (the centre was disposed)` })
    const signal = opts?.signal
    if (signal?.aborted === true) throw new Aborted({ operation })
    // a command committed before the abort took effect stands, and resolves with its result (see `committedResult`)
    let committed: { readonly result: unknown } | undefined
    const effect = signal === undefined || !isCommand
      ? f()
      : Effect.locally(f(), committedResult, (result: unknown) => {
        committed = { result }
      })
    const running = runtime.runPromiseExit(effect, signal === undefined ? undefined : { signal })
    inFlight.add(running)
    try {
      const exit = await running
      if (committed !== undefined && Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) {
        return committed.result as A
      }
      return unwrap(exit, operation, signal)
    } finally {
      inFlight.delete(running)
    }
  }
  const commandMethods: Record<string, (input: object, o?: CallOptions) => Promise<Center.CommandResult>> = {}
  for (const name of commandNames) {
    commandMethods[name.charAt(0).toLowerCase() + name.slice(1)] = (input, o) =>
      run(
        name,
        () => {
          let command: object
          try {
            command = { ...input, _tag: name }
          } catch (e) {
            // a getter or Proxy that throws while its fields are copied: bad input, named like any other
            const { expected, field } = unreadable(input, e)
            return Effect.fail(invalidInput(field, expected))
          }
          return center.execute(command)
        },
        o,
        true
      )
  }
  const plugins: Record<string, Record<string, (input: unknown, o?: CallOptions) => Promise<unknown>>> = {}
  for (
    const [id, api] of Object.entries(
      center.plugins as Record<string, Record<string, (i: unknown) => Effect.Effect<unknown, unknown>>>
    )
  ) {
    plugins[id] = {}
    for (const [name, handler] of Object.entries(api)) {
      plugins[id][name] = (input, o) => run(`${id}.${name}`, () => handler(input), o)
    }
  }
  return {
    ...(commandMethods as unknown as CommandMethods<ConfigKeys.KeysOf<C>>),
    plugins: plugins as unknown as Plugin.PromiseApis<P>,
    config: center.config,
    execute: (command, o) => run("execute", () => center.execute(command), o, true),
    get: (q, o) => run("get", () => center.get(q), o),
    getByCode: (q, o) => run("getByCode", () => center.getByCode(q), o),
    history: (q, o) => run("history", () => center.history(q), o),
    asOf: (q, o) => run("asOf", () => center.asOf(q), o),
    list: (q, o) => run("list", () => center.list(q), o),
    aggregate: (q, o) => run("aggregate", () => center.aggregate(q), o),
    enabledCommands: (q, o) => run("enabledCommands", () => center.enabledCommands(q), o),
    verify: (q, o) => run("verify", () => center.verify(q), o),
    applyRetention: (q, o) => run("applyRetention", () => center.applyRetention(q), o),
    recomputeDeadlines: (q, o) => run("recomputeDeadlines", () => center.recomputeDeadlines(q), o),
    importCases: (input, o) => run("importCases", () => center.importCases(input), o),
    labels: (locale) => center.labels(locale),
    dispose: () => {
      // every call to dispose waits for the same shutdown
      disposing ??= Promise.allSettled([...inFlight]).then(() => runtime.dispose())
      return disposing
    }
  }
}
