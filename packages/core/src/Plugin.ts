/**
 * Plugins (插件): how integrators extend a centre without forking it — risk graders, statistics, notifications,
 * local rules. A plugin is data made with {@link definePlugin}: an id and version, the plugins it depends on, a
 * config Schema, and any of
 *
 * - `guards`: refuse a command with a typed `GuardFailed` (guard name `<plugin>/<name>`);
 * - `onEvents`: runs inside the append transaction — a failure or timeout aborts the whole command;
 * - `projections`: named `onEvents` handlers for chosen event types that keep the plugin's state;
 * - `afterCommit`: runs after the commit — a failure is logged with the plugin id and the command stands;
 * - `onRetention`: runs when the retention rule (保存期限) anonymises or purges a case, inside that case's
 *   transaction, so that the plugin forgets the personal data it derived from the case (a failure keeps the case);
 * - `followUp`: runs inside the append transaction, before projections and `onEvents`, and may append follow-up
 *   events to the command's (the host gives them their versions and evolves the case with them);
 * - `contributes`: values given to another plugin's {@link ExtensionPoint} (a risk grader to `Grading.graders`,
 *   say); the point's owner reads them from its context with `contributions(point)`;
 * - `api`: queries and commands, exposed on the Effect and the Promise API with their full types;
 * - `migrations`: steps over the plugin's state, applied once, recorded in their own table.
 *
 * Plugin data lives in the plugin's own namespace of the store (JSON values with compare-and-set), never in the
 * `Case`; it works on every store without SQL. At start-up the host checks ids, dependencies and cycles, decodes
 * each plugin's config (a bad one is an `InvalidConfig` naming `plugins.<id>.…`), and orders plugins
 * topologically, array order breaking ties; the centre's own hooks run first.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as Schema from "effect/Schema"
import type { Actor } from "./Actor.js"
import type { Case } from "./Case.js"
import type { AggregateRequest, AggregateRow, Condition, StateConflict, StateEntry } from "./CaseStore.js"
import type { Resolved } from "./CenterConfig.js"
import type { Command, CommandName } from "./Command.js"
import type { InvalidConfig, InvalidInput, PluginFailed, StoreError } from "./Errors.js"
import type { CaseEvent, Envelope, EventName } from "./Event.js"
import { decodeWithSchema, invalidInput as invalidInputOf } from "./internal/parse.js"
import { install as installPlugins } from "./plugins/install.js"

/**
 * A plugin's view of its own state.
 *
 * @since 0.1.0
 * @category models
 */
export interface State {
  readonly get: (key: string) => Effect.Effect<StateEntry | undefined, StoreError>
  readonly getMany: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<StateEntry>, StoreError>
  /** Compare-and-set: `expectedVersion` 0 means "absent"; `undefined` deletes. Returns the new version. */
  readonly put: (
    key: string,
    expectedVersion: number,
    value: unknown
  ) => Effect.Effect<number, StateConflict | StoreError>
  /** Reads, applies `f` and writes back with compare-and-set (inside a command, the transaction makes it safe). */
  readonly update: (
    key: string,
    f: (current: unknown) => unknown
  ) => Effect.Effect<number, StateConflict | StoreError>
  readonly scan: (
    prefix: string,
    options?: { readonly after?: string | undefined; readonly limit?: number | undefined }
  ) => Effect.Effect<ReadonlyArray<StateEntry>, StoreError>
}

/**
 * What every hook of a plugin receives.
 *
 * @since 0.1.0
 * @category models
 */
export interface Context<C> {
  readonly plugin: string
  readonly config: C
  readonly centre: Resolved
  readonly state: State
  /**
   * The look-up hash of a personal value (`kind` `id` or `phone`, or the plugin's own kind): use it to index
   * people without storing their ID numbers or phones. With encryption at rest it is keyed (HMAC under the
   * centre's lookup key); without, plain SHA-256 (see `Privacy.lookupHash`).
   */
  readonly lookupHash: (kind: string, value: string) => string
  /**
   * What the installed plugins (and the centre's own hooks) contribute to an extension point, in plugin order:
   * how the owner of a point reads it.
   */
  readonly contributions: <T>(point: ExtensionPoint<T>) => ReadonlyArray<Contributed<T>>
}

/**
 * A typed extension point: a plugin declares one with {@link extensionPoint}, other plugins contribute values to it
 * (`contributes: [point.of(value)]`), and the plugin that reads them (its owner) gets them from its context with
 * `contributions(point)`. A point with an `owner` installs that plugin when something contributes to it and it is
 * not installed (so a grader works without installing the grading plugin by hand).
 *
 * @since 0.3.0
 * @category models
 */
export interface ExtensionPoint<T> {
  readonly _tag: "ExtensionPoint"
  /** Its id, unique among the points of a centre (`grading/graders`). */
  readonly id: string
  /** At most one contribution per centre among the plugins (the centre's own hooks may add one, the plugin's wins). */
  readonly single: boolean
  /**
   * The plugin that reads the point, installed (after every other plugin) when something contributes to it and no
   * plugin with its id is installed. Installed this way, it is taken as it is: its `options` are its config (not
   * decoded nor validated) and its `dependsOn` is not read — install it yourself when it needs either.
   */
  readonly owner?: (() => Any) | undefined
  /**
   * Checks a contributed value when the centre is made: a problem is an `InvalidConfig` naming
   * `plugins.<index>.contributes.<j>.<field>` (or `hooks.contributes.<j>.<field>`).
   */
  readonly check?:
    | ((value: unknown) => { readonly field?: string | undefined; readonly expected: string } | undefined)
    | undefined
  /** A contribution of `value` to this point, for a plugin's `contributes`. */
  readonly of: <C = any>(value: T) => Contribution<C>
}

/**
 * A value given to an {@link ExtensionPoint}, made with its `of`. `C` is the config of the contributing plugin (so
 * that a contribution whose functions read the config is typed by it).
 *
 * @since 0.3.0
 * @category models
 */
export interface Contribution<C = any> {
  readonly _tag: "Contribution"
  readonly point: ExtensionPoint<any>
  readonly value: unknown
  /** @internal a phantom: the contributing plugin's config */
  readonly _C?: ((config: C) => void) | undefined
}

/**
 * A contribution as the owner of a point reads it: the value, the contributing plugin's id and context (its config,
 * its state), and `run`, which runs the contributor's code as the contributor's hook: its own time limit, its id
 * on logs and spans, a failure a `PluginFailed` naming it and `hook`. While it runs inside the owner's `followUp`,
 * the owner's own time limit does not count (the grading plugin runs every grader so).
 *
 * @since 0.3.0
 * @category models
 */
export interface Contributed<T> {
  readonly plugin: string
  readonly value: T
  readonly context: Context<unknown>
  readonly run: <A>(hook: string, f: () => Effect.Effect<A, unknown>) => Effect.Effect<A, PluginFailed>
}

/**
 * Declares an extension point with values of type `T`.
 *
 * @example
 * ```ts
 * import { Plugin } from "@fengqiao/core"
 * import * as Effect from "effect/Effect"
 *
 * // the owner declares the point and reads it
 * export const templates = Plugin.extensionPoint<{ readonly id: string; readonly text: string }>("sms/templates")
 * export const sms = Plugin.definePlugin({
 *   id: "sms",
 *   version: "1.0.0",
 *   afterCommit: (ctx) => {
 *     const all = ctx.contributions(templates).map((c) => c.value)
 *     return Effect.log(`${all.length} templates`)
 *   }
 * })
 * // another plugin contributes to it
 * export const mediationTexts = Plugin.definePlugin({
 *   id: "mediation-texts",
 *   version: "1.0.0",
 *   dependsOn: ["sms"],
 *   contributes: [templates.of({ id: "session", text: "您的调解定于……" })]
 * })
 * ```
 *
 * @since 0.3.0
 * @category constructors
 */
export const extensionPoint = <T>(
  id: string,
  options: {
    readonly single?: boolean | undefined
    readonly owner?: (() => Any) | undefined
    readonly check?: ExtensionPoint<T>["check"]
  } = {}
): ExtensionPoint<T> => {
  const point: ExtensionPoint<T> = {
    _tag: "ExtensionPoint",
    id,
    single: options.single ?? false,
    owner: options.owner,
    check: options.check,
    of: (value) => ({ _tag: "Contribution", point, value })
  }
  return point
}

/**
 * What a guard sees: the command and the case before it.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommandContext<C> extends Context<C> {
  readonly command: Command
  readonly case: Case | undefined
}

/**
 * What `followUp`, `onEvents`, projections, graders and `afterCommit` see: the command, the case before and after,
 * the new events.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventsContext<C> extends Context<C> {
  readonly command: Command
  readonly before: Case | undefined
  readonly case: Case
  readonly events: ReadonlyArray<Envelope>
}

/**
 * What `afterCommit` sees: the committed command's context, and the centre's `execute` to issue further commands
 * (any case, this one included: the case is no longer locked).
 *
 * @since 0.1.0
 * @category models
 */
export interface AfterCommitContext<C> extends EventsContext<C> {
  readonly execute: (command: unknown) => Effect.Effect<unknown, unknown>
}

/**
 * What `onRetention` sees: the case as it was, the case as it is kept (names and description replaced; for a purge,
 * the summary that stays once its events are gone), and how the retention rule applied (`anonymise` or `purge`).
 *
 * @since 0.1.0
 * @category models
 */
export interface RetentionContext<C> extends Context<C> {
  readonly mode: "anonymise" | "purge"
  readonly before: Case
  readonly case: Case
}

/**
 * A plugin guard. `check` returns a reason to refuse, or `undefined`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Guard<C> {
  readonly name: string
  /** The commands it looks at (all if absent). */
  readonly commands?: ReadonlyArray<CommandName> | undefined
  readonly check: (ctx: CommandContext<C>) => Effect.Effect<string | undefined, StoreError>
}

/**
 * A named projection: keeps the plugin's state from chosen event types, inside the append transaction.
 *
 * @since 0.1.0
 * @category models
 */
export interface Projection<C> {
  readonly name: string
  /** The event types it follows (all if absent). */
  readonly events?: ReadonlyArray<EventName> | undefined
  readonly apply: (ctx: EventsContext<C>) => Effect.Effect<void, unknown>
}

/**
 * The identity and access of whoever calls a plugin query or command: the actor, the condition selecting the
 * cases it may read, and a check for one case.
 *
 * @since 0.1.0
 * @category models
 */
export interface Caller {
  readonly actor: Actor
  readonly scope: Condition
  readonly mayRead: (c: Case) => boolean
}

/**
 * A plugin query or command: its input always carries an `actor`, which the host checks against the policy
 * before the handler runs.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler<I extends { readonly actor: unknown }, A, E> = (input: I, caller: Caller) => Effect.Effect<A, E>

/**
 * A plugin's API: named handlers.
 *
 * @since 0.1.0
 * @category models
 */
export type Api = Record<string, Handler<any, any, any>>

/**
 * The API of a plugin that has none.
 *
 * @since 0.1.0
 * @category models
 */
export type NoApi = Record<never, never>

/**
 * What a plugin's `api` can use besides its context: the centre's own commands and queries.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiContext<C> extends Context<C> {
  /** Executes a command on the centre (through every plugin's hooks). */
  readonly execute: (command: unknown) => Effect.Effect<unknown, unknown>
  /** Loads a case, without a policy check (the handler checks `caller.mayRead`). */
  readonly load: (caseId: string) => Effect.Effect<Case | undefined, unknown>
  /**
   * The store's `aggregate` over this centre's cases, computed where the data lives (SQL `GROUP BY` on the SQL
   * stores), without a policy check: a handler adds `caller.scope` to `where` so that it only counts what the
   * caller may read.
   */
  readonly aggregate: (request: AggregateRequest) => Effect.Effect<ReadonlyArray<AggregateRow>, StoreError>
  /** How many `aggregate` queries the store runs at once (its `capabilities.parallelReads`, default 1). */
  readonly parallelReads: number
}

/**
 * A step over a plugin's state, applied once per centre.
 *
 * @since 0.1.0
 * @category models
 */
export interface Migration<C> {
  readonly id: number
  readonly name: string
  readonly up: (ctx: Context<C>) => Effect.Effect<void, unknown>
}

/**
 * What {@link definePlugin} takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Definition<Id extends string, C, CI, A extends Api> {
  readonly id: Id
  readonly version: string
  readonly dependsOn?: ReadonlyArray<string> | undefined
  /** The config Schema; `options` is decoded with it at start-up. */
  readonly config?: Schema.Schema<C, CI> | undefined
  /**
   * The config given by whoever installs the plugin. Optional when every field of `config` has a default (the host
   * decodes `{}`); required when one has none (see {@link OptionsRequirement}).
   */
  readonly options?: CI | undefined
  /**
   * Checks the decoded config against the centre's at start-up (e.g. that level ids exist); each problem becomes
   * an `InvalidConfig` naming `plugins.<index>.options.<field>`.
   */
  readonly validate?:
    | ((config: C, centre: Resolved) => ReadonlyArray<{ readonly field: string; readonly expected: string }>)
    | undefined
  readonly guards?: ReadonlyArray<Guard<C>> | undefined
  readonly onEvents?: ((ctx: EventsContext<C>) => Effect.Effect<void, unknown>) | undefined
  readonly projections?: ReadonlyArray<Projection<C>> | undefined
  readonly afterCommit?: ((ctx: AfterCommitContext<C>) => Effect.Effect<void, unknown>) | undefined
  /**
   * Runs inside the transaction in which `applyRetention` anonymises or purges a case: remove what the plugin keeps
   * about the case's people (indexes by ID number, phone or address). A failure or timeout is a `PluginFailed`
   * and leaves that case as it was.
   */
  readonly onRetention?: ((ctx: RetentionContext<C>) => Effect.Effect<void, unknown>) | undefined
  /**
   * Inside the append transaction, after the command's events and before every plugin's projections and `onEvents`
   * (which see the follow-up events too): the events to append to the command's, or `undefined`. A failure or
   * timeout is a `PluginFailed` and rolls the command back; a `StateConflict` (another command on the case committed
   * first) is a `VersionConflict`, which the centre retries, and a `StoreError` stays one.
   */
  readonly followUp?:
    | ((ctx: EventsContext<C>) => Effect.Effect<ReadonlyArray<CaseEvent> | undefined, unknown>)
    | undefined
  /** Values given to other plugins' {@link ExtensionPoint}s. */
  readonly contributes?: ReadonlyArray<Contribution<C>> | undefined
  readonly api?: ((ctx: ApiContext<C>) => A) | undefined
  readonly migrations?: ReadonlyArray<Migration<C>> | undefined
}

/**
 * Whether `options` must be given, for a config whose input is `CI`: not when there is no config or every field of
 * it has a default (the host then decodes `{}`), required otherwise — a required field cannot be forgotten.
 *
 * @since 0.1.0
 * @category models
 */
export type OptionsRequirement<CI> = undefined extends CI ? unknown
  : Record<never, never> extends CI ? unknown
  : { readonly options: CI }

/**
 * A plugin, ready to install.
 *
 * @since 0.1.0
 * @category models
 */
export interface Plugin<Id extends string = string, C = any, CI = any, A extends Api = Api>
  extends Definition<Id, C, CI, A>
{
  readonly _tag: "Plugin"
}

/**
 * Any plugin.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Plugin<string, any, any, any>

/**
 * Defines a plugin.
 *
 * @example
 * ```ts
 * import { Plugin } from "@fengqiao/core"
 * import * as Effect from "effect/Effect"
 *
 * export const noWeekendArchive = Plugin.definePlugin({
 *   id: "no-weekend-archive",
 *   version: "1.0.0",
 *   guards: [{
 *     name: "weekday",
 *     commands: ["Archive"],
 *     check: (ctx) => Effect.succeed(new Date().getDay() % 6 === 0 ? "archive on working days" : undefined)
 *   }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const definePlugin = <const Id extends string, C = undefined, CI = C, A extends Api = NoApi>(
  definition: Definition<Id, C, CI, A> & OptionsRequirement<CI>
): Plugin<Id, C, CI, A> => ({ ...definition, _tag: "Plugin" })

/**
 * A plugin with its decoded config.
 *
 * @since 0.1.0
 * @category models
 */
export interface Installed {
  readonly plugin: Any
  readonly config: unknown
}

/**
 * Checks and orders the plugins of a centre: unique ids, known dependencies, no cycles, valid configs, at most one
 * contribution to a `single` extension point. Order: the centre's own hooks, then the plugins (dependencies first,
 * array order breaking ties), then the owners of extension points contributed to that were not installed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const install = (
  plugins: ReadonlyArray<unknown>,
  centre?: Resolved,
  own?: Any
): Either.Either<ReadonlyArray<Installed>, InvalidConfig> => installPlugins<Any>(plugins, centre, own)

/**
 * The APIs of a list of plugins, by plugin id, with each handler's Effect type.
 *
 * @since 0.1.0
 * @category models
 */
export type Apis<P extends ReadonlyArray<Any>> = {
  readonly [K in P[number] as K["id"]]: K extends Plugin<string, any, any, infer A> ? A : never
}

/**
 * The handlers of a plugin's API turned into Promise-returning functions (for `createCenter`).
 *
 * @since 0.1.0
 * @category models
 */
export type PromiseApi<A extends Api> = {
  readonly [K in keyof A]: A[K] extends (input: infer I, caller: Caller) => Effect.Effect<infer R, any>
    ? (input: I, options?: { readonly signal?: AbortSignal | undefined }) => Promise<R>
    : never
}

/**
 * {@link PromiseApi} for every plugin, by id.
 *
 * @since 0.1.0
 * @category models
 */
export type PromiseApis<P extends ReadonlyArray<Any>> = {
  readonly [K in P[number] as K["id"]]: K extends Plugin<string, any, any, infer A> ? PromiseApi<A> : never
}

/**
 * The decoder of a plugin's input (an API handler's, or any value a plugin reads from outside): decodes with
 * `schema`, every problem collected and a field the schema does not know refused (a misspelt field is reported,
 * not dropped). A bad input is an `InvalidInput` naming each field and what was expected there, as the centre's
 * own inputs are (see `Errors.invalidInputFromParseError`). The result is an `Either`, which `yield*` reads inside
 * `Effect.gen`.
 *
 * @example
 * ```ts
 * import { Plugin } from "@fengqiao/core"
 * import * as Schema from "effect/Schema"
 *
 * const decodeQuery = Plugin.decodeInput(Schema.Struct({ limit: Schema.Int }))
 * // decodeQuery({ limit: "10" }): Left(InvalidInput { field: "limit", expected: "number, actual \"10\"" … })
 * ```
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeInput: <A, I>(schema: Schema.Schema<A, I, never>) => (input: unknown) => Either.Either<
  A,
  InvalidInput
> = decodeWithSchema

/**
 * An `InvalidInput` about one field: its path (`levels.2`) and what was expected there. For the checks a schema
 * cannot make (a risk level the centre does not have, a node outside its tree).
 *
 * @since 0.2.0
 * @category decoding
 */
export const invalidInput: (field: string, expected: string) => InvalidInput = invalidInputOf
