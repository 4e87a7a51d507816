/**
 * The centre (综治中心) as an Effect service: it validates commands, checks the actor against the policy, decides
 * with the lifecycle, and appends events, snapshot and summary atomically to the {@link CaseStore}, retrying on
 * version conflicts and answering a repeated command id with its first result. Queries enforce the same policy.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as AuditTrail from "./AuditTrail.js"
import * as Calendar from "./Calendar.js"
import type { Case } from "./Case.js"
import type { AggregateRow } from "./CaseStore.js"
import * as CaseStore from "./CaseStore.js"
import * as CenterConfig from "./CenterConfig.js"
import type { CommandName } from "./Command.js"
import type {
  Forbidden,
  ImportRefused,
  InvalidConfig,
  InvalidInput,
  PluginFailed,
  StoreError,
  VersionConflict
} from "./Errors.js"
import type { Envelope } from "./Event.js"
import * as IdGenerator from "./IdGenerator.js"
import { fromEither, makeAccess } from "./internal/center/access.js"
import type * as internal from "./internal/center/context.js"
import { type CenterContext, defaultLimits } from "./internal/center/context.js"
import { makeExecute } from "./internal/center/execute.js"
import { importCases } from "./internal/center/importCases.js"
import * as queries from "./internal/center/queries.js"
import { recomputeDeadlines } from "./internal/center/recompute.js"
import { applyRetention } from "./internal/center/retention.js"
import { verify } from "./internal/center/verify.js"
import * as checkOptions from "./internal/options.js"
import * as Plugin from "./Plugin.js"
import { makeHost } from "./plugins/host.js"
import * as Policy from "./Policy.js"
import type { Locale } from "./Primitives.js"
import * as Privacy from "./Privacy.js"
import type * as Query from "./Query.js"
import { makeSealing, withoutKeys } from "./sealing/sealedStore.js"

/**
 * What a command returns: the case after it, and the events it appended. For a repeated command id, the first
 * result again, with `duplicate: true`: the case as the first execution left it (not what later commands made of
 * it) and that execution's events. It is given to the actor who sent the command even when the command took the
 * case out of the actor's reach; anyone else must be able to read the case now.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommandResult extends internal.CommandResult {}

/**
 * A page of a list.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page extends internal.Page {}

/**
 * Errors a command can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type ExecuteError = internal.ExecuteError

/**
 * What {@link Center.applyRetention} did: the cases it anonymised or purged, and the cut-off it used.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetentionResult extends internal.RetentionResult {}

/**
 * What {@link Center.recomputeDeadlines} did: the cases whose deadlines moved, each with its changes, and how many
 * cases with deadlines on a predicted calendar did not move.
 *
 * @since 0.2.0
 * @category models
 */
export interface RecomputeResult extends internal.RecomputeResult {}

/**
 * The retention rule of a centre (保存期限): archived cases are due `afterDays` days after archiving.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetentionOptions extends internal.RetentionOptions {}

/**
 * Limits of a centre. `eventsPerCase` (default 10 000): the events one case may hold — a command that would take
 * a case beyond it is refused with `CaseLimitExceeded`, and so is an imported case with more. Every command on a
 * case writes (and every read returns) the case's snapshot, which grows with what the case holds (its mediation
 * sessions, summons …), so this bounds the cost of one command. `commandsPerImport` (default 500 000): the
 * commands one `importCases` may carry, all its cases together.
 *
 * @since 0.4.0
 * @category models
 */
export interface Limits extends internal.Limits {}

/**
 * Errors a query can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type QueryError = internal.QueryError

/**
 * The centre service.
 *
 * @since 0.1.0
 * @category models
 */
export interface Center<P extends ReadonlyArray<Plugin.Any> = ReadonlyArray<Plugin.Any>> {
  /** The validated configuration. */
  readonly config: CenterConfig.Resolved
  /** The installed plugins' queries and commands, by plugin id (typed when made with a literal plugin list). */
  readonly plugins: EffectApis<P>
  /** Executes a command (validated from unknown input). */
  readonly execute: (command: unknown) => Effect.Effect<CommandResult, ExecuteError>
  /** One case. */
  readonly get: (query: Query.GetQuery) => Effect.Effect<Case, QueryError>
  /** One case by its code (一案一码). */
  readonly getByCode: (query: Query.GetByCodeQuery) => Effect.Effect<Case, QueryError>
  /**
   * The events of a case, its full trace: a version range, or a page (`fromVersion` and `limit`, at most 1 000);
   * without `limit`, up to `limits.eventsPerCase` events.
   */
  readonly history: (query: Query.HistoryQuery) => Effect.Effect<ReadonlyArray<Envelope>, QueryError>
  /** The case as it stood at a time; `CaseNotFound` if it did not exist yet. */
  readonly asOf: (query: Query.AsOfQuery) => Effect.Effect<Case, QueryError>
  /** A page of cases the actor may read, ordered by registration time. */
  readonly list: (query: Query.ListQuery) => Effect.Effect<Page, QueryError>
  /** Group-by counts and durations over the cases the actor may read, computed by the store. */
  readonly aggregate: (query: Query.AggregateQuery) => Effect.Effect<ReadonlyArray<AggregateRow>, QueryError>
  /**
   * Checks the audit trail (防篡改审计链) of one case or of the whole centre: every stored event's hash is recomputed
   * from the previous hash and its content, and the first broken link is reported. Needs `verifyAuditTrail`.
   * `unhashed: "broken"` reports events without a hash as broken links too (for a store that had the audit trail
   * from its start; by default they are legacy rows while no hashed event of their case comes before them).
   */
  readonly verify: (query: Query.VerifyQuery) => Effect.Effect<AuditTrail.VerifyReport, QueryError>
  /**
   * Applies the retention rule: anonymises or purges archived cases past the retention age, leaving their
   * summaries (and so every statistic) as they are. Needs `applyRetention`.
   */
  readonly applyRetention: (query: Query.RetentionQuery) => Effect.Effect<RetentionResult, ExecuteError>
  /**
   * Counts again every running deadline that was counted on a predicted calendar (a year without its holiday
   * notice yet), on the calendar the centre has now — run it after adding a year's official notice. Each case that
   * moves gets one `DeadlinesRecomputed` event (old and new due instants, the basis), atomically; running it again
   * changes nothing. The actor is at the root and may issue `RecomputeCaseDeadlines`.
   */
  readonly recomputeDeadlines: (query: Query.RecomputeQuery) => Effect.Effect<RecomputeResult, ExecuteError>
  /** What the actor can do to the case now: the lifecycle's enabled commands the policy allows. */
  readonly enabledCommands: (
    query: Query.EnabledCommandsQuery
  ) => Effect.Effect<ReadonlyArray<CommandName>, QueryError>
  /** Every user-facing label (states, commands, taxonomies) in a locale. */
  readonly labels: (locale?: Locale) => Readonly<Record<string, string>>
  /**
   * Bulk import (e.g. from a legacy system): each case's commands, from `Register` on, are validated, checked
   * against the policy and decided in memory first — any refusal fails the whole import with `ImportRefused`
   * before anything is written — then written in transactions of `batchSize` cases (default 1 000), with case
   * codes reserved per year in one step. Commands should carry their historical `at`.
   *
   * Each batch is its own transaction: when writing a later batch fails (the store is down, a case with the same
   * id was created meanwhile, a plugin's inline hook fails on a case — an `ImportRefused` naming that case, with
   * `commandIndex` -1, saying which cases were imported), the earlier batches stay imported, and importing the same
   * input again is refused for those cases — import the rest. The case is recorded under the command id
   * `import:<caseId>`; the ids of the imported commands are not recorded one by one, so a later command that reuses
   * one is not recognised as a repeat.
   *
   * The centre's `limits` are checked first (a case of more than `eventsPerCase` commands, an import of more than
   * `commandsPerImport`: `ImportRefused` with `error: "CaseLimitExceeded"`), and the import hands the event loop
   * back every 10 ms of work, so a long import does not keep other requests and timers waiting.
   */
  readonly importCases: (
    input: ImportInput
  ) => Effect.Effect<ImportResult, ImportRefused | PluginFailed | StoreError | VersionConflict>
}

/**
 * A plugin handler as the centre exposes it: the caller's actor is checked first (an invalid one is
 * `InvalidInput`, one the policy refuses is `Forbidden`).
 *
 * @since 0.1.0
 * @category models
 */
export type EffectApi<A extends Plugin.Api> = {
  readonly [K in keyof A]: A[K] extends (input: infer I, caller: Plugin.Caller) => Effect.Effect<infer R, infer E>
    ? (input: I) => Effect.Effect<R, E | InvalidInput | Forbidden>
    : never
}

/**
 * {@link EffectApi} for every plugin of a list, by id.
 *
 * @since 0.1.0
 * @category models
 */
export type EffectApis<P extends ReadonlyArray<Plugin.Any>> = {
  readonly [K in P[number] as K["id"]]: K extends Plugin.Plugin<string, any, any, infer A> ? EffectApi<A> : never
}

/**
 * What {@link Center.importCases} takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportInput extends internal.ImportInput {}

/**
 * What {@link Center.importCases} returns: the imported cases, in input order.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportResult extends internal.ImportResult {}

/**
 * The tag of the centre service.
 *
 * @since 0.1.0
 * @category tags
 */
export const Center: Context.Tag<Center, Center> = Context.GenericTag<Center>("@fengqiao/core/Center")

/**
 * The centre's own hooks: the same hooks as a plugin's, without id, config or API.
 *
 * @since 0.1.0
 * @category models
 */
export type Hooks = Pick<
  Plugin.Definition<"centre", undefined, undefined, Plugin.NoApi>,
  // "guards" | "onEvents" | "projections" | "afterCommit" | "followUp" | "contributes": the names the options
  // check accepts, so that the type and the check cannot drift apart
  (typeof checkOptions.centreHooks)[number]
>

/**
 * Options of a centre.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<P extends ReadonlyArray<Plugin.Any> = ReadonlyArray<Plugin.Any>> {
  /** The configuration; validated at start-up. */
  readonly config: CenterConfig.CenterConfigInput
  /** Plugins, installed in dependency order (array order breaks ties). */
  readonly plugins?: P | undefined
  /** The centre's own hooks; they run before every plugin's. */
  readonly hooks?: Hooks | undefined
  /** How long a plugin hook may run inside a command before the command fails (default 5 seconds). */
  readonly pluginTimeout?: Duration.DurationInput | undefined
  /**
   * How many times a command is retried after a version conflict with another process (default 8). Commands on
   * the same case within one process never conflict: they run one at a time.
   */
  readonly retries?: number
  /** Wrap each command in a `Center.execute` span (default `false`: spans cost more than the domain work). */
  readonly tracing?: boolean
  /**
   * Field-level encryption of party data at rest: the keys. When given, the store only ever sees the parties'
   * personal fields sealed with AES-256-GCM, and look-up hashes are keyed (HMAC).
   */
  readonly encryption?: Privacy.KeyService | undefined
  /** The retention rule applied by {@link Center.applyRetention}. */
  readonly retention?: RetentionOptions | undefined
  /**
   * Limits that keep the cost of one case and one import bounded (see {@link Limits}); a command or import going
   * beyond one is refused with `CaseLimitExceeded` before any work.
   */
  readonly limits?: Limits | undefined
}

/**
 * Makes a centre over the {@link CaseStore} in context. Optional services: {@link Policy.Policy} (default policy),
 * {@link Calendar.Calendar} (China's official calendar) and {@link IdGenerator.IdGenerator} (UUIDv7).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <const P extends ReadonlyArray<Plugin.Any> = []>(
  options: Options<P>
): Effect.Effect<Center<P>, InvalidConfig | PluginFailed | StoreError, CaseStore.CaseStore> =>
  Effect.gen(function*() {
    // the options' shapes first: a bad one is InvalidConfig naming it, not a TypeError on the first command
    const badOption = checkOptions.centerOptions(options)
    if (badOption !== undefined) return yield* Effect.fail(badOption)
    const calendar = Option.getOrElse(yield* Effect.serviceOption(Calendar.Calendar), () => Calendar.china)
    const policy = Option.getOrElse(yield* Effect.serviceOption(Policy.Policy), () => Policy.defaultPolicy)
    const badService = checkOptions.calendar(calendar) ?? checkOptions.policy(policy)
    if (badService !== undefined) return yield* Effect.fail(badService)
    const given = yield* CaseStore.CaseStore
    const sealing = options.encryption === undefined ? undefined : yield* makeSealing(given, options.encryption)
    // without keys, sealed party data is a StoreError naming its key id, never ciphertext passed off as a party
    const store = sealing?.store ?? withoutKeys(given)
    const ids = Option.getOrElse(
      yield* Effect.serviceOption(IdGenerator.IdGenerator),
      () => ({ next: Effect.sync(IdGenerator.makeUuidV7()) })
    )
    const config = yield* fromEither(CenterConfig.resolve(options.config, calendar))
    const centre = config.id
    if (store.registerCentre !== undefined) {
      yield* store.registerCentre(centre, config.tree.nodes)
    }
    const retries = options.retries ?? 8
    const tracing = options.tracing ?? false
    const own = options.hooks === undefined
      ? undefined
      : Plugin.definePlugin({ id: "centre", version: "0", ...options.hooks })
    const installed = yield* fromEither(Plugin.install(options.plugins ?? [], config, own))
    const host = makeHost({
      installed,
      store,
      centre,
      config,
      policy,
      timeout: options.pluginTimeout ?? "5 seconds",
      tracing,
      lookupKey: sealing?.lookupKey
    })
    yield* host.migrate
    const base = {
      config,
      centre,
      store,
      policy,
      ids,
      host,
      retries,
      tracing,
      retention: options.retention,
      limits: {
        eventsPerCase: options.limits?.eventsPerCase ?? defaultLimits.eventsPerCase,
        commandsPerImport: options.limits?.commandsPerImport ?? defaultLimits.commandsPerImport
      }
    }
    const ctx: CenterContext = { ...base, ...makeAccess(base) }
    const execute = makeExecute(ctx)
    const center: Center<P> = {
      plugins: undefined as unknown as EffectApis<P>,
      config,
      execute,
      get: queries.get(ctx),
      getByCode: queries.getByCode(ctx),
      history: queries.history(ctx),
      asOf: queries.asOf(ctx),
      list: queries.list(ctx),
      aggregate: queries.aggregate(ctx),
      verify: verify(ctx),
      applyRetention: applyRetention(ctx),
      recomputeDeadlines: recomputeDeadlines(ctx, execute),
      enabledCommands: queries.enabledCommands(ctx),
      labels: queries.labels(ctx),
      importCases: importCases(ctx)
    }
    host.useExecute((command) => center.execute(command))
    const raw = host.apis(
      (command) => center.execute(command),
      (caseId) => Effect.map(store.load(centre, caseId), Option.getOrUndefined)
    )
    // what plugin queries answer, and how they fail, leaves the centre too: parties and numbers in it are masked
    const plugins: Record<string, Record<string, (input: unknown) => Effect.Effect<unknown, unknown>>> = {}
    for (const [id, api] of Object.entries(raw)) {
      plugins[id] = {}
      for (const [name, handler] of Object.entries(api)) {
        plugins[id][name] = (input) =>
          Effect.mapBoth(handler(input), { onFailure: Privacy.maskError, onSuccess: Privacy.maskDeep })
      }
    }
    return { ...center, plugins: plugins as unknown as EffectApis<P> }
  })

/**
 * A layer with a centre over the {@link CaseStore} in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <const P extends ReadonlyArray<Plugin.Any> = []>(
  options: Options<P>
): Layer.Layer<Center, InvalidConfig | PluginFailed | StoreError, CaseStore.CaseStore> =>
  Layer.effect(
    Center,
    make(options) as Effect.Effect<Center, InvalidConfig | PluginFailed | StoreError, CaseStore.CaseStore>
  )

/**
 * The API of an installed plugin, typed by the plugin itself: `const risk = yield* Center.plugin(riskPlugin)`.
 * Fails with a defect if the plugin is not installed in the centre.
 *
 * @since 0.1.0
 * @category accessors
 */
export const plugin = <Id extends string, A extends Plugin.Api>(
  p: Plugin.Plugin<Id, any, any, A>
): Effect.Effect<EffectApi<A>, never, Center> =>
  Effect.flatMap(Center, (center) => {
    const api = (center.plugins as Record<string, unknown>)[p.id]
    return api === undefined
      ? Effect.dieMessage(`plugin ${p.id} is not installed`)
      : Effect.succeed(api as EffectApi<A>)
  })
