/**
 * The plugin host: runs the plugins' hooks around a command (guards; follow-ups, projections and `onEvents` inside
 * the append transaction; `afterCommit`), on retention and at start-up (migrations), hands each plugin the
 * contributions to the extension points it reads, and exposes the plugins' APIs. It knows no plugin: risk grading,
 * say, is a plugin of its own (`Grading`) built on `followUp` and extension points.
 * @internal
 */
import * as Cause from "effect/Cause"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Actor } from "../Actor.js"
import { Actor as ActorSchema } from "../Actor.js"
import type { Case } from "../Case.js"
import type { CaseStore, StateEntry } from "../CaseStore.js"
import type { Resolved } from "../CenterConfig.js"
import type { Command } from "../Command.js"
import { Forbidden, GuardFailed, type InvalidInput, PluginFailed, StoreError, VersionConflict } from "../Errors.js"
import type { Envelope, EventName } from "../Event.js"
import { decodeInput } from "../internal/parse.js"
import * as Lifecycle from "../Lifecycle.js"
import type * as Plugin from "../Plugin.js"
import type * as Policy from "../Policy.js"
import { lookupHash, maskText } from "../Privacy.js"
import { budgeted, paused } from "./budget.js"

/** @internal */
export interface HostOptions {
  readonly installed: ReadonlyArray<Plugin.Installed>
  readonly store: CaseStore
  readonly centre: string
  readonly config: Resolved
  readonly policy: Policy.Policy
  readonly timeout: Duration.DurationInput
  readonly tracing: boolean
  /** The HMAC key of look-up hashes (when party data is encrypted at rest). */
  readonly lookupKey?: Uint8Array | undefined
}

const describe = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some") {
    const e = failure.value
    return maskText(e instanceof Error ? `${(e as { _tag?: string })._tag ?? e.name}: ${e.message}` : String(e))
  }
  if (Cause.isInterruptedOnly(cause)) return "interrupted"
  return maskText(Cause.pretty(cause).split("\n")[0] ?? "defect")
}

const decodeCaller = decodeInput(ActorSchema)

/** @internal */
export const makeHost = (o: HostOptions) => {
  const { centre, config, store } = o
  const stateOf = (plugin: string): Plugin.State => ({
    get: (key) => Effect.map(store.readState(centre, plugin, [key]), (es) => es[0]),
    getMany: (keys) => store.readState(centre, plugin, keys),
    put: (key, expected, value) => store.writeState(centre, plugin, key, expected, value),
    update: (key, f) =>
      Effect.flatMap(store.readState(centre, plugin, [key]), (es) => {
        const current: StateEntry | undefined = es[0]
        return store.writeState(centre, plugin, key, current?.version ?? 0, f(current?.value))
      }),
    scan: (prefix, options) =>
      store.scanState(centre, plugin, { prefix, after: options?.after, limit: options?.limit ?? 1000 })
  })
  /** What each point was given, in plugin order: filled once every plugin's context exists. */
  const contributed = new Map<string, Array<Plugin.Contributed<unknown>>>()
  const contributionsOf = <T>(point: Plugin.ExtensionPoint<T>): ReadonlyArray<Plugin.Contributed<T>> =>
    (contributed.get(point.id) ?? []) as ReadonlyArray<Plugin.Contributed<T>>
  const contexts = o.installed.map(({ plugin, config: pluginConfig }) => ({
    plugin,
    context: {
      plugin: plugin.id,
      config: pluginConfig,
      centre: config,
      state: stateOf(plugin.id),
      lookupHash: (kind: string, value: string) => lookupHash(kind, value, o.lookupKey),
      contributions: contributionsOf
    } as Plugin.Context<
      unknown
    >
  }))

  /**
   * Runs a hook with the plugin id on its logs (and span), failures and defects as PluginFailed (those `passed`
   * lets through stay as they are).
   */
  const guarded = <A>(
    plugin: string,
    hook: string,
    // a thunk: a hook that throws instead of returning an Effect fails as PluginFailed too
    hookEffect: () => Effect.Effect<A, unknown>,
    passed?: (failure: unknown) => boolean
  ): Effect.Effect<A, PluginFailed> => {
    const onTimeout = () => new PluginFailed({ plugin, hook, reason: `timed out after ${String(o.timeout)}` })
    const timed = (passed === undefined
      ? Effect.timeoutFail(Effect.suspend(hookEffect), { duration: o.timeout, onTimeout })
      // a hook that may run contributions: the time they take is theirs, not the hook's
      : budgeted(Effect.suspend(hookEffect), o.timeout, onTimeout)).pipe(
        Effect.catchAllCause((cause) => {
          const failure = Cause.failureOption(cause)
          if (failure._tag === "Some" && passed?.(failure.value) === true) return Effect.failCause(cause)
          // a contribution run by this hook failed: its own guard logged it, naming its plugin
          if (
            passed !== undefined && failure._tag === "Some" && failure.value instanceof PluginFailed &&
            failure.value.plugin !== plugin
          ) {
            return Effect.fail(failure.value)
          }
          const error = failure._tag === "Some" && failure.value instanceof PluginFailed
            ? failure.value
            : new PluginFailed({ plugin, hook, reason: describe(cause) })
          // the log line carries the reason with personal numbers masked, not the raw cause
          return Effect.zipRight(
            Effect.logWarning(`plugin ${plugin} failed in ${hook}: ${maskText(error.reason)}`),
            Effect.fail(error)
          )
        }),
        Effect.annotateLogs({ plugin, hook })
      ) as Effect.Effect<A, PluginFailed>
    return o.tracing ? Effect.withSpan(timed, `plugin.${plugin}.${hook}`, { attributes: { plugin } }) : timed
  }

  for (const { context, plugin } of contexts) {
    for (const c of plugin.contributes ?? []) {
      const list = contributed.get(c.point.id) ?? []
      list.push({
        plugin: plugin.id,
        value: c.value,
        context,
        run: (hook, f) => paused(guarded(plugin.id, hook, f))
      })
      contributed.set(c.point.id, list)
    }
  }

  const anyGuards = contexts.some(({ plugin }) => (plugin.guards?.length ?? 0) > 0)
  const anyInline = contexts.some(({ plugin }) =>
    plugin.onEvents !== undefined || (plugin.projections?.length ?? 0) > 0 || plugin.followUp !== undefined
  )
  const anyAfter = contexts.some(({ plugin }) => plugin.afterCommit !== undefined)
  const anyRetention = contexts.some(({ plugin }) => plugin.onRetention !== undefined)
  const followUps = contexts.filter(({ plugin }) => plugin.followUp !== undefined)

  /** Plugin guards, in plugin order, before `decide`. */
  const guards = (command: Command, state: Case | undefined): Effect.Effect<void, GuardFailed | PluginFailed> =>
    !anyGuards ? Effect.void : Effect.forEach(
      contexts,
      ({ context, plugin }) =>
        Effect.forEach(
          (plugin.guards ?? []).filter((g) => g.commands === undefined || g.commands.includes(command._tag)),
          (g) =>
            Effect.flatMap(
              guarded(plugin.id, `guard ${g.name}`, () => g.check({ ...context, command, case: state })),
              (reason) =>
                reason === undefined ? Effect.void : Effect.fail(
                  new GuardFailed({
                    caseId: state?.id ?? ("caseId" in command ? command.caseId ?? "new" : "new"),
                    state: state?.status ?? "none",
                    command: command._tag,
                    guard: `${plugin.id}/${g.name}`,
                    // a plugin's reason may quote a party's numbers: the error carries them masked
                    reason: maskText(reason)
                  })
                )
            ),
          { discard: true }
        ),
      { discard: true }
    )

  /** What a follow-up hook may fail with as itself: the store's failures, and a conflict on its state. */
  const storeFailure = (e: unknown) =>
    e instanceof StoreError || e instanceof VersionConflict ||
    (typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "StateConflict")

  /**
   * Inside the append transaction, after `decide`/`evolve`: each plugin's `followUp` (its events appended and
   * evolved), then projections and `onEvents`. Returns the final envelopes and case.
   */
  const inline = (
    command: Command,
    before: Case | undefined,
    envelopes: ReadonlyArray<Envelope>,
    after: Case
  ): Effect.Effect<
    { readonly envelopes: ReadonlyArray<Envelope>; readonly case: Case },
    PluginFailed | StoreError | VersionConflict
  > =>
    !anyInline ? Effect.succeed({ envelopes, case: after }) : Effect.gen(function*() {
      let all = envelopes
      let current = after
      for (const { context, plugin } of followUps) {
        const caseNow = current
        const events = yield* guarded(
          plugin.id,
          "followUp",
          () => plugin.followUp!({ ...context, command, before, case: caseNow, events: all }),
          storeFailure
        ).pipe(
          // another command on the case committed first: a version conflict on the case, which the centre retries
          Effect.catchIf(
            (e): boolean => (e as { _tag?: unknown })._tag === "StateConflict",
            () =>
              Effect.flatMap(
                Effect.catchTag(store.load(centre, caseNow.id), "CorruptRecord", () => Effect.succeed(Option.none())),
                (now) =>
                  Effect.fail(
                    new VersionConflict({
                      caseId: caseNow.id,
                      expectedVersion: before?.version ?? 0,
                      actualVersion: Option.match(now, { onNone: () => 0, onSome: (c) => c.version })
                    })
                  )
              )
          )
        ) as Effect.Effect<ReadonlyArray<Envelope["event"]> | undefined, PluginFailed | StoreError | VersionConflict>
        const followed = Lifecycle.followWith({ events: all, state: current }, events ?? [])
        all = followed.events
        current = followed.state
      }
      const finalTags = new Set<EventName>(all.map((e) => e.event._tag))
      for (const { context, plugin } of contexts) {
        const ctx: Plugin.EventsContext<unknown> = { ...context, command, before, case: current, events: all }
        for (const p of plugin.projections ?? []) {
          if (p.events !== undefined && !p.events.some((t) => finalTags.has(t))) continue
          yield* guarded(plugin.id, `projection ${p.name}`, () => p.apply(ctx))
        }
        if (plugin.onEvents !== undefined) yield* guarded(plugin.id, "onEvents", () => plugin.onEvents!(ctx))
      }
      return { envelopes: all, case: current }
    })

  let execute: (command: unknown) => Effect.Effect<unknown, unknown> = () =>
    Effect.dieMessage("the centre is not ready yet")

  /** After the commit: failures are logged with the plugin id, the command stands. */
  const afterCommit = (command: Command, before: Case | undefined, envelopes: ReadonlyArray<Envelope>, after: Case) =>
    !anyAfter ? Effect.void : Effect.forEach(
      contexts,
      ({ context, plugin }) =>
        plugin.afterCommit === undefined ? Effect.void : Effect.catchAllCause(
          guarded(
            plugin.id,
            "afterCommit",
            () => plugin.afterCommit!({ ...context, command, before, case: after, events: envelopes, execute })
          ),
          (cause) =>
            Effect.logError(`plugin ${plugin.id} failed after commit; the command stands: ${describe(cause)}`).pipe(
              // the command id is the caller's: it may hold a number (logs go to any logger, masking or not)
              Effect.annotateLogs({
                plugin: plugin.id,
                hook: "afterCommit",
                commandId: maskText(envelopes[0]?.commandId ?? "")
              })
            )
        ),
      { discard: true }
    )

  /** Inside the transaction of `applyRetention`, for one case: each plugin's `onRetention`, in plugin order. */
  const retention = (
    mode: "anonymise" | "purge",
    before: Case,
    after: Case
  ): Effect.Effect<void, PluginFailed | StoreError> =>
    !anyRetention ? Effect.void : Effect.forEach(
      contexts,
      ({ context, plugin }) =>
        plugin.onRetention === undefined
          ? Effect.void
          : guarded(plugin.id, "onRetention", () => plugin.onRetention!({ ...context, mode, before, case: after })),
      { discard: true }
    )

  /**
   * Applies each plugin's pending migrations, each in a transaction with its record. Several processes may start at
   * once: the applied ids are read again inside the transaction, where the store keeps other migrators waiting
   * until it ends (see `CaseStore.pluginMigrations`), so a migration another process applied meanwhile is skipped,
   * not applied twice.
   */
  const migrate: Effect.Effect<void, PluginFailed | StoreError> = Effect.forEach(
    contexts,
    ({ context, plugin }) =>
      Effect.flatMap(store.pluginMigrations(centre, plugin.id), (done) =>
        Effect.forEach(
          [...(plugin.migrations ?? [])].sort((a, b) => a.id - b.id).filter((m) => !done.includes(m.id)),
          (m) =>
            store.withTransaction(
              Effect.flatMap(store.pluginMigrations(centre, plugin.id), (applied) =>
                applied.includes(m.id) ? Effect.void : Effect.zipRight(
                  guarded(plugin.id, `migration ${m.id}`, () => m.up(context)),
                  store.recordPluginMigration(centre, plugin.id, m.id, m.name)
                ))
            ),
          { discard: true }
        )),
    { discard: true }
  )

  /** The plugins' APIs, each handler checking its caller first. */
  const apis = (
    execute: (command: unknown) => Effect.Effect<unknown, unknown>,
    load: (caseId: string) => Effect.Effect<Case | undefined, unknown>
  ): Record<string, Record<string, (input: unknown) => Effect.Effect<unknown, unknown>>> => {
    const out: Record<string, Record<string, (input: unknown) => Effect.Effect<unknown, unknown>>> = {}
    for (const { context, plugin } of contexts) {
      if (plugin.api === undefined) continue
      const handlers: Plugin.Api = plugin.api({
        ...context,
        execute,
        load,
        aggregate: (request) => store.aggregate(centre, request),
        parallelReads: store.capabilities.parallelReads ?? 1
      })
      const wrapped: Record<string, (input: unknown) => Effect.Effect<unknown, unknown>> = {}
      for (const [name, handler] of Object.entries(handlers)) {
        wrapped[name] = (input) =>
          Effect.suspend((): Effect.Effect<unknown, unknown> => {
            const caller = callerOf(input)
            return Either.isLeft(caller) ? Effect.fail(caller.left) : handler(input as { actor: Actor }, caller.right)
          }).pipe(
            // a handler that throws (or dies) is the plugin's bug: PluginFailed, not an untyped crash
            Effect.catchAllDefect((defect) =>
              Effect.fail(
                new PluginFailed({ plugin: plugin.id, hook: `api ${name}`, reason: describe(Cause.die(defect)) })
              )
            ),
            Effect.annotateLogs({ plugin: plugin.id, query: name })
          )
      }
      out[plugin.id] = wrapped
    }
    return out
  }

  const callerOf = (input: unknown): Either.Either<Plugin.Caller, InvalidInput | Forbidden> => {
    const raw = typeof input === "object" && input !== null ? (input as { actor?: unknown }).actor : undefined
    const actor = decodeCaller(raw, "actor")
    if (Either.isLeft(actor)) return Either.left(actor.left)
    const scope = o.policy.readScope(config, actor.right)
    if (scope instanceof Forbidden) return Either.left(scope)
    return Either.right({
      actor: actor.right,
      scope,
      mayRead: (c: Case) => o.policy.authorizeRead(config, actor.right, c) === undefined
    })
  }

  return {
    active: anyGuards || anyInline,
    guards,
    inline,
    afterCommit,
    hasAfterCommit: anyAfter,
    retention,
    migrate,
    apis,
    useExecute: (f: (command: unknown) => Effect.Effect<unknown, unknown>) => {
      execute = f
    }
  }
}
