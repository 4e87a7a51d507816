/**
 * The plugin host: runs the plugins' hooks around a command, and exposes their APIs.
 * @internal
 */
import * as Cause from "effect/Cause"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Actor } from "../Actor.js"
import { Actor as ActorSchema } from "../Actor.js"
import type { Case, Risk } from "../Case.js"
import type { CaseStore, StateEntry } from "../CaseStore.js"
import type { Resolved } from "../CenterConfig.js"
import type { Command } from "../Command.js"
import { Forbidden, GuardFailed, type InvalidInput, PluginFailed, StoreError, VersionConflict } from "../Errors.js"
import type { Envelope, EventName } from "../Event.js"
import * as Lifecycle from "../Lifecycle.js"
import * as Plugin from "../Plugin.js"
import type * as Policy from "../Policy.js"
import { lookupHash, maskText } from "../Privacy.js"
import { decodeInput } from "./parse.js"

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

/** The host's own state: the last grade of each grader whose triggers differ from the others', by case id. */
const gradesNamespace = "fengqiao:grades"

/** The factor that records, on a grade raised above a manual level, that manual level (in its `detail`). */
const manualLevelFactor = "manualLevel"

/**
 * The id of a grader as factors and the risk policy name it: `<plugin>/<grader>`, or the plugin's id alone when the
 * grader has the same id (a plugin made with `defineRiskGrader`: `night-visits`, not `night-visits/night-visits`).
 * @internal
 */
export const graderId = (plugin: string, grader: string): string => grader === plugin ? plugin : `${plugin}/${grader}`

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
  const contexts = o.installed.map(({ plugin, config: pluginConfig }) => ({
    plugin,
    context: {
      plugin: plugin.id,
      config: pluginConfig,
      centre: config,
      state: stateOf(plugin.id),
      lookupHash: (kind: string, value: string) => lookupHash(kind, value, o.lookupKey)
    } as Plugin.Context<
      unknown
    >
  }))

  /** Runs a hook with the plugin id on its logs (and span), failures and defects as PluginFailed. */
  const guarded = <A>(
    plugin: string,
    hook: string,
    // a thunk: a hook that throws instead of returning an Effect fails as PluginFailed too
    hookEffect: () => Effect.Effect<A, unknown>
  ): Effect.Effect<A, PluginFailed> => {
    const timed = Effect.suspend(hookEffect).pipe(
      Effect.timeoutFail({
        duration: o.timeout,
        onTimeout: () => new PluginFailed({ plugin, hook, reason: `timed out after ${String(o.timeout)}` })
      }),
      Effect.catchAllCause((cause) => {
        const failure = Cause.failureOption(cause)
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
    )
    return o.tracing ? Effect.withSpan(timed, `plugin.${plugin}.${hook}`, { attributes: { plugin } }) : timed
  }

  /**
   * A grade is kept (between commands) and combined as JSON: one that JSON cannot hold (a `bigint`, a cycle, a
   * getter that throws) is the grader's failure, not a `TypeError` of the centre's.
   */
  const plainGrade = (
    plugin: string,
    grader: string,
    grade: Plugin.Grade | undefined
  ): Effect.Effect<Plugin.Grade | undefined, PluginFailed> => {
    if (grade === undefined) return Effect.succeed(grade)
    try {
      JSON.stringify(grade)
      return Effect.succeed(grade)
    } catch (e) {
      return Effect.fail(
        new PluginFailed({
          plugin,
          hook: `grader ${grader}`,
          reason: `the grade must be plain JSON data (${e instanceof Error ? e.message : String(e)})`
        })
      )
    }
  }

  const anyGuards = contexts.some(({ plugin }) => (plugin.guards?.length ?? 0) > 0)
  const anyInline = contexts.some(({ plugin }) =>
    plugin.onEvents !== undefined || (plugin.projections?.length ?? 0) > 0 || (plugin.riskGraders?.length ?? 0) > 0
  )
  const anyAfter = contexts.some(({ plugin }) => plugin.afterCommit !== undefined)
  const anyRetention = contexts.some(({ plugin }) => plugin.onRetention !== undefined)

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

  const rankOf = (level: string) => config.riskLevels.get(level)?.rank ?? 0

  /** The default policy: the highest level any grader gave (a manual level is kept by {@link keepManual}). */
  const defaultPolicy = (grades: ReadonlyArray<{ grader: string; grade: Plugin.Grade }>): Risk | undefined => {
    const levelled = grades.filter((g) => g.grade.level !== undefined && config.riskLevels.has(g.grade.level))
    if (levelled.length === 0) return undefined
    const top = levelled.reduce((a, b) => (rankOf(b.grade.level!) > rankOf(a.grade.level!) ? b : a))
    return {
      level: top.grade.level!,
      score: grades.reduce((n, g) => n + g.grade.score, 0),
      factors: grades.flatMap((g) => g.grade.factors.map((f) => ({ ...f, grader: g.grader }))),
      source: "grader"
    }
  }

  /**
   * The manual level in force: the case's risk when a person set it, or the one a grader raised (recorded in its
   * `manualLevel` factor, with the person's `manual` reason factor).
   */
  const manualOf = (risk: Risk): Risk | undefined => {
    if (risk.source === "manual") return risk
    // the host's own factors carry no grader
    const level = risk.factors?.find((f) => f.id === manualLevelFactor && f.grader === undefined)?.detail
    if (level === undefined || !config.riskLevels.has(level)) return undefined
    const factors = (risk.factors ?? []).filter((f) => f.id === "manual" && f.grader === undefined)
    return { level, source: "manual", ...(factors.length > 0 ? { factors } : {}) }
  }

  /**
   * Graders may raise a manual level, never lower it: a grade at or below it gives the manual level back; one
   * above it keeps the manual level in its factors, so that a later, lower grade falls back to it.
   */
  const keepManual = (risk: Risk, manual: Risk | undefined): Risk => {
    if (manual === undefined) return risk
    if (rankOf(risk.level) <= rankOf(manual.level)) return manual
    return {
      ...risk,
      factors: [
        ...(risk.factors ?? []),
        ...(manual.factors ?? []).filter((f) => f.id === "manual" && f.grader === undefined),
        { id: manualLevelFactor, contribution: 0, detail: manual.level }
      ]
    }
  }

  /** Every grader, and whether its triggers miss events that trigger another (then its last grade is kept). */
  const graders = contexts.flatMap((entry) =>
    (entry.plugin.riskGraders ?? []).map((g) => ({
      entry,
      grader: g,
      id: graderId(entry.plugin.id, g.id),
      triggers: new Set<EventName>(g.triggers ?? Plugin.defaultTriggers)
    }))
  )
  /** The ids graders named like their plugin had before they got a single id, to the id they have now. */
  const legacyGraderIds = new Map(
    graders.filter((g) => g.id === g.entry.plugin.id).map((g) => [`${g.id}/${g.id}`, g.id])
  )
  const allTriggers = new Set(graders.flatMap((g) => [...g.triggers]))
  const remembered = new Set(
    graders.filter((g) => [...allTriggers].some((t) => !g.triggers.has(t))).map((g) => g.id)
  )

  /** Whose risk policy applies: the last with one (a plugin's over the centre's own hooks'). */
  const policyOwner = contexts.filter((entry) => entry.plugin.riskPolicy !== undefined).at(-1)

  /**
   * The last grades of the graders in {@link remembered}, by grader id. Grades kept before a grader named like its
   * plugin got a single id (`night/night`, now `night`) are read under the new id.
   */
  const lastGrades = (value: unknown): Record<string, Plugin.Grade> => {
    const out: Record<string, Plugin.Grade> = {}
    if (typeof value !== "object" || value === null) return out
    for (const [stored, g] of Object.entries(value as Record<string, unknown>)) {
      const id = legacyGraderIds.get(stored) ?? stored
      const grade = g as Partial<Plugin.Grade> | null
      if (
        remembered.has(id) && !Object.hasOwn(out, id) && typeof grade === "object" && grade !== null &&
        typeof grade.score === "number" && Array.isArray(grade.factors)
      ) {
        out[id] = grade as Plugin.Grade
      }
    }
    return out
  }

  const sameRisk = (a: Risk, b: Risk) => JSON.stringify(a) === JSON.stringify(b)

  /**
   * Inside the append transaction, after `decide`/`evolve`: graders (and a `RiskGraded` event when the grade
   * changes), then projections and `onEvents`. Returns the final envelopes and case.
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
      const tags = new Set<EventName>(envelopes.map((e) => e.event._tag))
      const triggered = graders.filter((g) => [...g.triggers].some((t) => tags.has(t)))
      if (triggered.length > 0) {
        const fresh = new Map<string, Plugin.Grade | undefined>()
        for (const g of triggered) {
          fresh.set(
            g.id,
            yield* guarded(
              g.entry.plugin.id,
              `grader ${g.grader.id}`,
              () =>
                Effect.flatMap(
                  g.grader.grade({ ...g.entry.context, command, before, case: current, events: all }),
                  (grade) => plainGrade(g.entry.plugin.id, g.grader.id, grade)
                )
            )
          )
        }
        // a grader not triggered this time still counts with its last grade, so recombining never drops a level
        // it gave
        const memory = remembered.size === 0
          ? undefined
          : (yield* store.readState(centre, gradesNamespace, [current.id]))[0]
        const previous = lastGrades(memory?.value)
        const grades: Array<{ grader: string; grade: Plugin.Grade }> = []
        const kept: Record<string, Plugin.Grade> = {}
        for (const g of graders) {
          const grade = fresh.has(g.id) ? fresh.get(g.id) : previous[g.id]
          if (grade === undefined) continue
          grades.push({ grader: g.id, grade })
          if (remembered.has(g.id)) kept[g.id] = grade
        }
        if (remembered.size > 0 && JSON.stringify(kept) !== JSON.stringify(previous)) {
          yield* store.writeState(centre, gradesNamespace, current.id, memory?.version ?? 0, kept).pipe(
            // another command on the case committed first: a version conflict on the case, which the centre retries
            Effect.catchTag("StateConflict", () =>
              Effect.flatMap(
                Effect.catchTag(store.load(centre, current.id), "CorruptRecord", () => Effect.succeed(Option.none())),
                (now) =>
                  Effect.fail(
                    new VersionConflict({
                      caseId: current.id,
                      expectedVersion: before?.version ?? 0,
                      actualVersion: Option.match(now, { onNone: () => 0, onSome: (c) => c.version })
                    })
                  )
              ))
          )
        }
        const combined = policyOwner === undefined
          ? defaultPolicy(grades)
          : yield* guarded(
            policyOwner.plugin.id,
            "riskPolicy",
            () =>
              Effect.sync(() =>
                policyOwner.plugin.riskPolicy!(grades, {
                  ...policyOwner.context,
                  command,
                  before,
                  case: current,
                  events: all
                })
              )
          )
        const risk = combined === undefined ? undefined : keepManual(combined, manualOf(current.risk))
        if (risk !== undefined && !sameRisk(risk, current.risk)) {
          const last = all[all.length - 1]!
          const env: Envelope = { ...last, version: last.version + 1, event: { _tag: "RiskGraded", risk } }
          all = [...all, env]
          current = Lifecycle.evolve(current, env)
        }
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
              Effect.annotateLogs({ plugin: plugin.id, hook: "afterCommit", commandId: envelopes[0]?.commandId ?? "" })
            )
        ),
      { discard: true }
    )

  /**
   * Inside the transaction of `applyRetention`, for one case: each plugin's `onRetention`, in plugin order; on a
   * purge, the host's own remembered grades of the case go too.
   */
  const retention = (
    mode: "anonymise" | "purge",
    before: Case,
    after: Case
  ): Effect.Effect<void, PluginFailed | StoreError> =>
    Effect.zipRight(
      !anyRetention ? Effect.void : Effect.forEach(
        contexts,
        ({ context, plugin }) =>
          plugin.onRetention === undefined
            ? Effect.void
            : guarded(plugin.id, "onRetention", () => plugin.onRetention!({ ...context, mode, before, case: after })),
        { discard: true }
      ),
      mode !== "purge" || remembered.size === 0 ? Effect.void : Effect.flatMap(
        store.readState(centre, gradesNamespace, [before.id]),
        ([entry]) =>
          entry === undefined ? Effect.void : Effect.asVoid(
            store.writeState(centre, gradesNamespace, before.id, entry.version, undefined).pipe(
              Effect.catchTag("StateConflict", () =>
                Effect.fail(
                  new StoreError({
                    operation: "applyRetention",
                    reason: `the remembered grades of ${before.id} changed while the retention rule applied`
                  })
                ))
            )
          )
      )
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
