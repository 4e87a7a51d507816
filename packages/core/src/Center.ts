/**
 * The centre (综治中心) as an Effect service: it validates commands, checks the actor against the policy, decides
 * with the lifecycle, and appends events, snapshot and summary atomically to the {@link CaseStore}, retrying on
 * version conflicts and answering a repeated command id with its first result. Queries enforce the same policy.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type { Actor } from "./Actor.js"
import * as AuditTrail from "./AuditTrail.js"
import * as Calendar from "./Calendar.js"
import type { Case } from "./Case.js"
import { openStatuses } from "./Case.js"
import type { AggregateRow, Column, Condition, Keyset } from "./CaseStore.js"
import * as CaseStore from "./CaseStore.js"
import type { DuplicateCommand } from "./CaseStore.js"
import * as CenterConfig from "./CenterConfig.js"
import { Command, type CommandName } from "./Command.js"
import * as Deadline from "./Deadline.js"
import type { InvalidConfig } from "./Errors.js"
import {
  type CalendarYearNotCovered,
  CaseNotFound,
  type CommandNotAllowed,
  type CorruptRecord,
  Forbidden,
  type GuardFailed,
  ImportRefused,
  type InvalidInput,
  type PluginFailed,
  StoreError,
  VersionConflict
} from "./Errors.js"
import type { CaseEvent, Envelope } from "./Event.js"
import * as I18n from "./I18n.js"
import * as IdGenerator from "./IdGenerator.js"
import { committedResult } from "./internal/committed.js"
import { civilDateOf } from "./internal/dates.js"
import { makeHost } from "./internal/host.js"
import { makeKeyedLock } from "./internal/keyedLock.js"
import * as checkOptions from "./internal/options.js"
import { decodeInput, invalidInput } from "./internal/parse.js"
import { recomputedChanges, runningDeadlines } from "./internal/recompute.js"
import { makeSealing, withoutKeys } from "./internal/sealing.js"
import { stamp } from "./internal/trustedTime.js"
import * as Lifecycle from "./Lifecycle.js"
import * as Plugin from "./Plugin.js"
import * as Policy from "./Policy.js"
import { type Locale, toTimestamp } from "./Primitives.js"
import * as Privacy from "./Privacy.js"
import * as Query from "./Query.js"
import * as Summary from "./Summary.js"

/**
 * What a command returns: the case after it, and the events it appended. For a repeated command id, the first
 * result again, with `duplicate: true`: the case as the first execution left it (not what later commands made of
 * it) and that execution's events. It is given to the actor who sent the command even when the command took the
 * case out of the actor's reach; anyone else must be able to read the case now.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommandResult {
  readonly caseId: string
  readonly code: string
  readonly version: number
  readonly case: Case
  readonly events: ReadonlyArray<Envelope>
  readonly duplicate: boolean
}

/**
 * A page of a list.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page {
  readonly items: ReadonlyArray<Case>
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string | undefined
}

/**
 * Errors a command can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type ExecuteError =
  | PluginFailed
  | InvalidInput
  | Forbidden
  | CaseNotFound
  | CommandNotAllowed
  | GuardFailed
  | VersionConflict
  | CalendarYearNotCovered
  | StoreError
  | CorruptRecord

/**
 * What {@link Center.applyRetention} did: the cases it anonymised or purged, and the cut-off it used.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetentionResult {
  readonly mode: "anonymise" | "purge"
  /** Cases archived before this time were due. */
  readonly cutoff: string
  readonly cases: ReadonlyArray<{ readonly caseId: string; readonly code: string }>
}

/**
 * What {@link Center.recomputeDeadlines} did: the cases whose deadlines moved, each with its changes, and how many
 * cases with deadlines on a predicted calendar did not move.
 *
 * @since 0.2.0
 * @category models
 */
export interface RecomputeResult {
  readonly recomputed: ReadonlyArray<{
    readonly caseId: string
    readonly code: string
    readonly changes: ReadonlyArray<Extract<CaseEvent, { readonly _tag: "DeadlinesRecomputed" }>["changes"][number]>
  }>
  readonly unchanged: number
}

/**
 * The retention rule of a centre (保存期限): archived cases are due `afterDays` days after archiving.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetentionOptions {
  readonly afterDays: number
  /** What {@link Center.applyRetention} does by default (default `anonymise`). */
  readonly mode?: "anonymise" | "purge" | undefined
}

/**
 * Errors a query can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type QueryError = InvalidInput | Forbidden | CaseNotFound | StoreError | CorruptRecord

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
  /** The events of a case (all, or a version range): its full trace. */
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
export interface ImportInput {
  readonly cases: ReadonlyArray<{ readonly commands: ReadonlyArray<unknown> }>
  readonly batchSize?: number | undefined
}

/**
 * What {@link Center.importCases} returns: the imported cases, in input order.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportResult {
  readonly imported: ReadonlyArray<{ readonly caseId: string; readonly code: string; readonly version: number }>
}

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
  // "guards" | "onEvents" | "projections" | "afterCommit" | "riskGraders" | "riskPolicy": the names the options
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
}

/** The version the sender of a command on a case decided on, if it named one (`expectedVersion`). */
const expectedVersionOf = (command: Command): number | undefined =>
  "expectedVersion" in command ? command.expectedVersion : undefined

/** A command whose sender decided on another version of the case than `state`'s: the conflict to refuse it with. */
const staleVersion = (command: Command, caseId: string, state: Case | undefined): VersionConflict | undefined => {
  const expectedVersion = expectedVersionOf(command)
  const actualVersion = state?.version ?? 0
  return expectedVersion === undefined || expectedVersion === actualVersion
    ? undefined
    : new VersionConflict({ caseId, expectedVersion, actualVersion })
}

const decodeCommand = decodeInput(Command)
const decodeGet = decodeInput(Query.GetQuery)
const decodeEnabled = decodeInput(Query.EnabledCommandsQuery)
const decodeRecompute = decodeInput(Query.RecomputeQuery)
/** The states in which a case has a deadline running: open, or resolved with a judicial-confirmation window. */
const runningStates: Condition = {
  _tag: "In",
  field: "status",
  values: [...openStatuses, "closed", "feedbackGiven"]
}
const decodeGetByCode = decodeInput(Query.GetByCodeQuery)
const decodeHistory = decodeInput(Query.HistoryQuery)
const decodeAsOf = decodeInput(Query.AsOfQuery)
const decodeList = decodeInput(Query.ListQuery)
const decodeAggregate = decodeInput(Query.AggregateQuery)
const decodeVerify = decodeInput(Query.VerifyQuery)
const decodeRetention = decodeInput(Query.RetentionQuery)

const maskResult = (r: CommandResult): CommandResult => ({
  ...r,
  case: Privacy.maskCase(r.case),
  events: r.events.map(Privacy.maskEnvelope)
})

const retentionNamespace = "fengqiao:retention"

const idOf = (c: Case): string => c.id

const conflictAsStoreError = (operation: string) => (e: CaseStore.StateConflict) =>
  Effect.fail(new StoreError({ operation, reason: e.message }))

const encodeCursor = (k: Keyset): string => Buffer.from(JSON.stringify([k.registeredAt, k.id])).toString("base64url")

const decodeCursor = (cursor: string): Either.Either<Keyset, InvalidInput> => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
    // the instant must be written as the store writes it (every store compares it the same way only then)
    if (
      Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string" &&
      toTimestamp(v[0]) === v[0]
    ) {
      return Either.right({ registeredAt: v[0], id: v[1] })
    }
  } catch {
    // fall through
  }
  return Either.left(invalidInput("cursor", "a cursor returned by a previous page"))
}

const fromEither = <A, E>(e: Either.Either<A, E>): Effect.Effect<A, E> =>
  Either.isRight(e) ? Effect.succeed(e.right) : Effect.fail(e.left)

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
    // Commands on one case run one at a time in this process; conflicts with other processes are retried with a
    // jittered exponential backoff.
    const sameCase = makeKeyedLock()
    const retrySchedule = Schedule.exponential("2 millis").pipe(
      Schedule.jittered,
      Schedule.either(Schedule.spaced("200 millis")),
      Schedule.intersect(Schedule.recurs(retries - 1)),
      Schedule.whileInput((e: ExecuteError) => e._tag === "VersionConflict")
    )
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
    /** afterCommit hooks of committed commands, run by `execute` after the case's lock is released. */
    const afterCommits = new WeakMap<CommandResult, Effect.Effect<void>>()

    const forbidden = <A>(f: Forbidden | undefined, a: A): Effect.Effect<A, Forbidden> =>
      f === undefined ? Effect.succeed(a) : Effect.fail(f)

    const loadCase = (caseId: string) =>
      Effect.flatMap(
        store.load(centre, caseId),
        (o) => Option.isSome(o) ? Effect.succeed(o.value) : Effect.fail(new CaseNotFound({ caseId }))
      )

    const readable = (actor: Actor, c: Case) => forbidden(policy.authorizeRead(config, actor, c), c)

    /** The actor may read at all (its jurisdiction and roles), checked before anything is read. */
    const mayRead = (actor: Actor): Effect.Effect<Condition, Forbidden> => {
      const s = policy.readScope(config, actor)
      return s instanceof Forbidden ? Effect.fail(s) : Effect.succeed(s)
    }

    const permitted = (actor: Actor, permission: Policy.Permission): Effect.Effect<void, Forbidden> => {
      const denied = policy.authorizePermission === undefined
        ? new Forbidden({
          actorId: actor.id,
          action: permission,
          reason: "the centre's policy grants no such permission"
        })
        : policy.authorizePermission(config, actor, permission)
      return denied === undefined ? Effect.void : Effect.fail(denied)
    }

    const atRoot = (actor: Actor, action: string): Effect.Effect<void, Forbidden> =>
      actor.jurisdiction === config.tree.root.code ? Effect.void : Effect.fail(
        new Forbidden({
          actorId: actor.id,
          action,
          reason: `the whole centre is the concern of an actor at its root ${config.tree.root.code}`
        })
      )

    /**
     * Full personal data for an actor holding `readPersonalData`, with the read recorded first; masked otherwise.
     */
    function reveal<A>(
      actor: Actor,
      mode: Privacy.PersonalDataMode | undefined,
      operation: string,
      caseIds: ReadonlyArray<string>,
      value: A,
      mask: (a: A) => A
    ): Effect.Effect<A, Forbidden | StoreError> {
      if (mode !== "full") return Effect.succeed(mask(value))
      return Effect.gen(function*() {
        yield* permitted(actor, "readPersonalData")
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        const record: Privacy.AccessRecord = {
          at,
          actorId: actor.id,
          roles: actor.roles,
          jurisdiction: actor.jurisdiction,
          operation,
          caseIds
        }
        const id = yield* ids.next
        yield* store.writeState(centre, Privacy.accessNamespace, `${at}/${id}`, 0, record).pipe(
          Effect.catchTag("StateConflict", conflictAsStoreError("recordAccess"))
        )
        return value
      })
    }

    const firstResult = (commandId: string, command: Command) =>
      Effect.gen(function*() {
        const { actor, caseId } = command
        const rec = yield* store.findCommand(centre, commandId)
        if (Option.isNone(rec)) return Option.none<CommandResult>()
        const r = rec.value
        // a repeat is the same command: the same id on another case is a mistake, not a repeat to answer
        if (caseId !== undefined && caseId !== r.caseId) {
          return yield* invalidInput("commandId", "a command id not used before for another case")
        }
        const history = yield* store.readEvents(centre, r.caseId, { toVersion: r.toVersion })
        const events = history.filter((e) => e.version >= r.fromVersion)
        // … and the same id for another kind of command too: answering an Accept with the result of the Register
        // that used its id would tell the caller the case was accepted
        const recorded = events[0]?.event._tag
        if (recorded !== undefined && recorded !== Lifecycle.firstEventOf[command._tag]) {
          return yield* invalidInput(
            "commandId",
            `a command id not used before for another command (it recorded ${recorded}, not ${
              Lifecycle.firstEventOf[command._tag]
            })`
          )
        }
        // The sender of the command had its first result, so a retry is answered even when the command took the
        // case out of the sender's reach (an escalation leaves a township's jurisdiction); anyone else sending the
        // same id must be able to read the case now
        if (events[0]?.actor.id !== actor.id) yield* readable(actor, yield* loadCase(r.caseId))
        // the case as the command left it, as the first result gave it — not what later commands made of it; the
        // stored case when retention has purged the events
        const asLeft = Lifecycle.replay(history)
        const c = asLeft !== undefined && asLeft.version === r.toVersion ? asLeft : yield* loadCase(r.caseId)
        return Option.some<CommandResult>({
          caseId: c.id,
          code: c.code,
          version: c.version,
          case: c,
          events,
          duplicate: true
        })
      })

    const appendDecided = (
      command: Command,
      state: Case | undefined,
      ctx: Lifecycle.DecideContext & { readonly enteredLate?: boolean },
      correlationId: string
    ): Effect.Effect<CommandResult, ExecuteError | DuplicateCommand> => {
      const decide = (): Either.Either<{ readonly envelopes: Array<Envelope>; readonly case: Case }, ExecuteError> => {
        const decided = Lifecycle.decide(ctx, state, command)
        if (Either.isLeft(decided)) return Either.left(decided.left)
        const base = state?.version ?? 0
        const late = ctx.enteredLate === true ? { enteredLate: true as const } : {}
        const envelopes: Array<Envelope> = decided.right.map((event, i) => ({
          caseId: ctx.caseId,
          centre,
          version: base + i + 1,
          at: ctx.at,
          ...(ctx.now !== undefined ? { recordedAt: ctx.now } : {}),
          ...late,
          actor: command.actor,
          commandId: ctx.commandId,
          correlationId,
          event
        }))
        let snapshot = state
        for (const env of envelopes) snapshot = Lifecycle.evolve(snapshot, env)
        return Either.right({ envelopes, case: snapshot! })
      }
      const write = (envelopes: ReadonlyArray<Envelope>, s: Case) =>
        Effect.as(
          store.append({
            centre,
            caseId: ctx.caseId,
            expectedVersion: state?.version ?? 0,
            commandId: ctx.commandId,
            events: envelopes,
            snapshot: s,
            summary: Summary.ofCase(config, s),
            // every command runs in a transaction of its own (`attempt`), rolled back whenever the append fails
            callerRollsBack: true
          }),
          { caseId: s.id, code: s.code, version: s.version, case: s, events: envelopes, duplicate: false }
        )
      if (!host.active && !host.hasAfterCommit) {
        // no plugins: the lean path
        const decided = decide()
        return Either.isLeft(decided) ? Effect.fail(decided.left) : write(decided.right.envelopes, decided.right.case)
      }
      const inside = Effect.gen(function*() {
        yield* host.guards(command, state)
        const decided = yield* fromEither(decide())
        const final = yield* host.inline(command, state, decided.envelopes, decided.case)
        return yield* write(final.envelopes, final.case)
      })
      // guards, graders and projections read and write plugin state in the command's transaction: all of it commits
      // or rolls back with the events
      return inside.pipe(
        Effect.tap((result) =>
          Effect.sync(() => {
            if (host.hasAfterCommit) {
              afterCommits.set(result, host.afterCommit(command, state, result.events, result.case))
            }
          })
        )
      )
    }

    const register = (
      command: Extract<Command, { _tag: "Register" }>,
      commandId: string,
      correlationId: string,
      nowMs: number
    ) =>
      Effect.gen(function*() {
        yield* forbidden(policy.authorizeCommand(config, command.actor, command._tag, undefined, command), undefined)
        const time = yield* fromEither(stamp(config, command.actor, command.at, nowMs, undefined))
        // a case id the centre makes is new; one the caller gives may exist already
        const caseId = command.caseId ?? (yield* ids.next)
        const existing = command.caseId === undefined
          ? undefined
          : Option.getOrUndefined(yield* store.load(centre, caseId))
        if (existing !== undefined) yield* readable(command.actor, existing)
        const { at, enteredLate, now } = time
        // the code's number is taken in the command's transaction, so a refused command gives it back
        let code: string | undefined
        if (existing === undefined) {
          const year = Number(civilDateOf(at, config.utcOffsetMinutes).slice(0, 4))
          code = config.formatCode(year, yield* store.nextSequence(centre, `caseCode:${year}`))
        }
        return yield* appendDecided(
          command,
          existing,
          { config, caseId, commandId, at, now, enteredLate, code },
          correlationId
        )
      })

    const onCase = (
      command: Exclude<Command, { _tag: "Register" }>,
      commandId: string,
      correlationId: string,
      nowMs: number
    ) =>
      Effect.flatMap(loadCase(command.caseId), (state) => {
        const refusal = policy.authorizeCommand(config, command.actor, command._tag, state, command)
        if (refusal !== undefined) return Effect.fail(refusal)
        // after the policy, so that the version of a case the sender may not act on is not told
        const stale = staleVersion(command, state.id, state)
        if (stale !== undefined) return Effect.fail(stale)
        const time = stamp(config, command.actor, command.at, nowMs, state.updatedAt)
        if (Either.isLeft(time)) return Effect.fail(time.left)
        const { at, enteredLate, now } = time.right
        const ctx = { config, caseId: state.id, commandId, at, now, enteredLate }
        if (command._tag !== "Merge" || command.into === command.caseId) {
          return appendDecided(command, state, ctx, correlationId)
        }
        return Effect.flatMap(store.load(centre, command.into), (target) => {
          const mergeTarget = Option.getOrUndefined(target)
          const denied = mergeTarget === undefined
            ? undefined
            : policy.authorizeRead(config, command.actor, mergeTarget)
          return denied !== undefined
            ? Effect.fail(denied)
            : appendDecided(command, state, { ...ctx, mergeTarget }, correlationId)
        })
      })

    /** One attempt; `checkPrior` when the caller chose the command id (a centre-made id cannot repeat). */
    const attempt = (
      command: Command,
      commandId: string,
      correlationId: string,
      checkPrior: boolean
    ): Effect.Effect<CommandResult, ExecuteError | DuplicateCommand> => {
      const fresh = Effect.flatMap(Clock.currentTimeMillis, (ms) =>
        command._tag === "Register"
          ? register(command, commandId, correlationId, ms)
          : onCase(command, commandId, correlationId, ms))
      // one transaction per command: the read, the decision and the write (and plugin state) see one state, and
      // take one connection
      return store.withTransaction(
        checkPrior
          ? Effect.flatMap(
            firstResult(commandId, command),
            (prior): Effect.Effect<CommandResult, ExecuteError | DuplicateCommand> =>
              Option.isSome(prior) ? Effect.succeed(prior.value) : fresh
          )
          : fresh
      )
    }

    const execute = (input: unknown): Effect.Effect<CommandResult, ExecuteError> =>
      Effect.suspend(() => {
        const decoded = decodeCommand(input)
        if (Either.isLeft(decoded)) return Effect.fail(decoded.left)
        const command = decoded.right
        // `import:<case id>` records a bulk import: a command taking it would make that import fail as a duplicate
        if (command.commandId?.startsWith("import:") === true) {
          return Effect.fail(
            invalidInput("commandId", "a command id not starting with \"import:\" (kept for importCases)")
          )
        }
        // a node that is not in the tree is bad input naming its field, before any policy can call it "outside the
        // actor's jurisdiction"
        const unknownNode = Lifecycle.unknownNode(config, command)
        if (unknownNode !== undefined) return Effect.fail(unknownNode)
        // the actor's jurisdiction and roles first: a refusal here reads and writes nothing
        const refused = policy.authorizeActor?.(config, command.actor, command._tag)
        if (refused !== undefined) {
          return Effect.fail(refused)
        }
        const run = (commandId: string, given: boolean): Effect.Effect<CommandResult, ExecuteError> => {
          const once = attempt(command, commandId, command.correlationId ?? commandId, given).pipe(
            // the same command id won a race: answer with its result
            Effect.catchTag("DuplicateCommand", () =>
              Effect.flatMap(firstResult(commandId, command), (o) =>
                Option.isSome(o)
                  ? Effect.succeed(o.value)
                  : Effect.fail(new StoreError({ operation: "execute", reason: `command ${commandId} vanished` }))))
          )
          // a caller's command id applied by another writer after the idempotency check was decided against a state
          // that already holds its effect, and refused: answer with the first result instead
          const answered = given
            ? Effect.catchIf(
              once,
              (e): e is GuardFailed | CommandNotAllowed | Forbidden =>
                e._tag === "GuardFailed" || e._tag === "CommandNotAllowed" || e._tag === "Forbidden",
              (e) =>
                Effect.flatMap(
                  firstResult(commandId, command),
                  (o): Effect.Effect<CommandResult, ExecuteError> =>
                    Option.isSome(o) ? Effect.succeed(o.value) : Effect.fail(e)
                )
            )
            : once
          // Register has no case id unless the caller gave one; a fresh UUIDv7 cannot collide
          const locked = command.caseId === undefined ? answered : sameCase(command.caseId, answered)
          // the retry schedule is built only after a first conflict, off the hot path
          // … and not when the sender named the version it decided on: the case has moved on, which a retry cannot undo
          const retried = retries === 0 || expectedVersionOf(command) !== undefined
            ? locked
            : Effect.catchTag(locked, "VersionConflict", () => Effect.retry(locked, retrySchedule))
          return retried
        }
        // once the command is committed it stands: the rest runs uninterruptibly — an interruption (an aborted
        // Promise call) arriving meanwhile neither cuts the plugins' afterCommit hooks short nor loses the result
        const once = command.commandId !== undefined
          ? run(command.commandId, true)
          : Effect.flatMap(ids.next, (id) =>
            run(id, false))
        const result = Effect.flatMap(FiberRef.get(committedResult), (tell) =>
          // nothing to finish after the commit and nobody to tell: the lean path
          tell === undefined && !host.hasAfterCommit ?
            Effect.map(once, maskResult) :
            Effect.uninterruptibleMask((restore) =>
              Effect.flatMap(
                // commands that plugins execute inside this one are not the one to tell about
                restore(tell === undefined ? once : Effect.locally(once, committedResult, undefined)),
                (committed) => {
                  const done = Effect.sync(() => {
                    const masked = maskResult(committed)
                    tell?.(masked)
                    return masked
                  })
                  const after = host.hasAfterCommit ? afterCommits.get(committed) : undefined
                  if (after === undefined) {
                    return done
                  }
                  afterCommits.delete(committed)
                  // plugins' afterCommit hooks run once the case's lock is released, so they may execute commands on
                  // it (their results are not this command's); in a fiber of their own, interruptible by their timeout
                  // but not by this command's caller, which waits for them
                  return Effect.zipRight(
                    Effect.flatMap(
                      Effect.forkDaemon(Effect.interruptible(Effect.locally(after, committedResult, undefined))),
                      Fiber.join
                    ),
                    done
                  )
                }
              )
            ))
        return tracing ? Effect.withSpan(result, "Center.execute", { captureStackTrace: false }) : result
      })

    const scope = (actor: Actor): Effect.Effect<Condition, Forbidden> => {
      const s = policy.readScope(config, actor)
      return s instanceof Forbidden ? Effect.fail(s) : Effect.succeed(s)
    }

    const nodeOf = (code: string, field: string) => {
      const n = config.tree.get(code)
      return n === undefined
        ? Effect.fail(invalidInput(field, "the code of a node in the centre's jurisdiction tree"))
        : Effect.succeed(n)
    }

    const filterCondition = (f: typeof Query.ListFilter.Type | undefined, now: string) =>
      Effect.gen(function*() {
        const cs: Array<Condition> = []
        if (f === undefined) return cs
        const inList = (field: Column, values?: ReadonlyArray<string>) => {
          if (values !== undefined) cs.push({ _tag: "In", field, values })
        }
        inList("status", f.status)
        inList("kind", f.kind)
        inList("category", f.category)
        inList("channel", f.channel)
        inList("riskLevel", f.riskLevel)
        inList("leadUnit", f.leadUnit)
        inList("mediationType", f.mediationType)
        if (f.jurisdiction !== undefined) {
          cs.push({
            _tag: "Within",
            field: "placePath",
            path: (yield* nodeOf(f.jurisdiction, "filter.jurisdiction")).path
          })
        }
        if (f.handlingJurisdiction !== undefined) {
          const n = yield* nodeOf(f.handlingJurisdiction, "filter.handlingJurisdiction")
          cs.push({ _tag: "Within", field: "handlingPath", path: n.path })
        }
        if (f.open !== undefined) cs.push({ _tag: "Eq", field: "open", value: f.open })
        if (f.enteredLate !== undefined) cs.push({ _tag: "Eq", field: "enteredLate", value: f.enteredLate })
        if (f.overdue !== undefined) {
          const overdue: Condition = {
            _tag: "And",
            conditions: [{ _tag: "Eq", field: "open", value: true }, {
              _tag: "Before",
              field: "dueAt",
              value: f.asOf ?? now
            }]
          }
          cs.push(f.overdue ? overdue : { _tag: "Not", condition: overdue })
        }
        if (f.registeredFrom !== undefined) {
          cs.push({ _tag: "NotBefore", field: "registeredAt", value: f.registeredFrom })
        }
        if (f.registeredBefore !== undefined) {
          cs.push({ _tag: "Before", field: "registeredAt", value: f.registeredBefore })
        }
        if (f.code !== undefined) {
          cs.push({ _tag: "Eq", field: "code", value: f.code })
        }
        if (f.mergedInto !== undefined) cs.push({ _tag: "Eq", field: "mergedInto", value: f.mergedInto })
        return cs
      })

    const nowIso = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

    const labels = (locale: Locale = "zh-Hans"): Readonly<Record<string, string>> => {
      const out: Record<string, string> = {}
      for (const [k, v] of Object.entries(I18n.builtInLabels)) out[k] = I18n.pick(v, locale)
      const add = (
        prefix: string,
        entries: Iterable<{ readonly id: string; readonly labels: Parameters<typeof I18n.pick>[0] }>
      ) => {
        for (const e of entries) out[`${prefix}.${e.id}`] = I18n.pick(e.labels, locale)
      }
      add("kind", config.caseKinds.values())
      add("category", config.categories.values())
      add("channel", config.channels.values())
      add("complexity", config.complexities.values())
      add("risk", config.riskLevels.values())
      add("mediationType", config.mediationTypes.values())
      add("disposition", config.dispositions.values())
      add("departmentKind", config.departmentKinds.values())
      add("level", config.tree.levels)
      return out
    }

    const importCases = (
      input: ImportInput
    ): Effect.Effect<ImportResult, ImportRefused | PluginFailed | StoreError | VersionConflict> =>
      Effect.gen(function*() {
        const refuse = (
          caseIndex: number,
          commandIndex: number,
          e: { readonly _tag: string; readonly message: string }
        ) => new ImportRefused({ caseIndex, commandIndex, error: e._tag, detail: Privacy.maskText(e.message) })
        // the input read once, into arrays of its own: a getter or Proxy that throws is bad input named by where it
        // threw, never a crash (each command is read again, field by field, by its decoder)
        const cases: Array<ReadonlyArray<unknown>> = []
        let batchSizeGiven: unknown
        let reading = "cases"
        try {
          const list = typeof input === "object" && input !== null ? input.cases : undefined
          if (!Array.isArray(list)) return yield* refuse(-1, -1, invalidInput("cases", "an array of { commands }"))
          for (let i = 0; i < list.length; i++) {
            reading = `cases.${i}`
            const item: unknown = list[i]
            reading = `cases.${i}.commands`
            const commands = typeof item === "object" && item !== null
              ? (item as { readonly commands?: unknown }).commands
              : undefined
            cases.push(Array.isArray(commands) ? Array.from(commands) : [])
          }
          reading = "batchSize"
          batchSizeGiven = input.batchSize
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e)
          return yield* refuse(-1, -1, invalidInput(reading, `plain data (reading it threw: ${why.slice(0, 200)})`))
        }
        const batchSize = batchSizeGiven ?? 1000
        if (typeof batchSize !== "number" || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
          return yield* refuse(-1, -1, invalidInput("batchSize", "an integer from 1 to 100000"))
        }
        // the case ids the import names (new cases' own, merge targets), looked up at once where the store can
        const named = new Set<string>()
        for (const commands of cases) {
          for (const raw of commands) {
            if (typeof raw !== "object" || raw === null) continue
            const r = raw as { readonly _tag?: unknown; readonly caseId?: unknown; readonly into?: unknown }
            if (r._tag === "Register" && typeof r.caseId === "string") named.add(r.caseId)
            if (r._tag === "Merge" && typeof r.into === "string") named.add(r.into)
          }
        }
        const stored = new Map<string, Case>()
        let prefetched = false
        if (store.loadMany !== undefined && named.size > 0) {
          const found = yield* Effect.either(store.loadMany(centre, [...named]))
          if (Either.isRight(found)) {
            for (const c of found.right) stored.set(c.id, c)
            prefetched = true
          } else if (found.left._tag === "StoreError") return yield* found.left
          // a corrupt row: every id is loaded on its own below, refusing the import at the command naming it
        }
        // a snapshot that cannot be read refuses the import at that command (it is never a crash)
        const loadFor = (i: number, j: number, caseId: string) =>
          prefetched && named.has(caseId)
            ? Effect.succeed(Option.fromNullable(stored.get(caseId)))
            : store.load(centre, caseId).pipe(Effect.catchTag("CorruptRecord", (e) => Effect.fail(refuse(i, j, e))))
        const nowMs = yield* Clock.currentTimeMillis
        const now = new Date(nowMs).toISOString()
        const importLatest = new Date(nowMs + config.config.time.aheadMinutes * 60_000).toISOString()
        const prepared: Array<
          { readonly request: CaseStore.AppendRequest; readonly year: number; readonly last: Command }
        > = []
        const known = new Map<string, Case>()
        for (const [i, commands] of cases.entries()) {
          let state: Case | undefined
          const envelopes: Array<Envelope> = []
          let caseId = ""
          let year = 0
          let last: Command | undefined
          for (const [j, raw] of commands.entries()) {
            const decoded = decodeCommand(raw, `cases.${i}.commands.${j}`)
            if (Either.isLeft(decoded)) return yield* refuse(i, j, decoded.left)
            const command = decoded.right
            last = command
            if ((j === 0) !== (command._tag === "Register")) {
              return yield* refuse(
                i,
                j,
                invalidInput(`cases.${i}.commands.${j}._tag`, j === 0 ? "Register first" : "not Register again")
              )
            }
            if (command._tag !== "Register" && "caseId" in command && command.caseId !== caseId) {
              // every later command belongs to the case being imported
              return yield* refuse(
                i,
                j,
                invalidInput(`cases.${i}.commands.${j}.caseId`, `the case being imported (${caseId})`)
              )
            }
            // as for execute: a node the tree does not have is bad input naming its field, before the policy
            const unknownNode = Lifecycle.unknownNode(config, command)
            if (unknownNode !== undefined) {
              return yield* refuse(
                i,
                j,
                invalidInput(`cases.${i}.commands.${j}.${unknownNode.field}`, unknownNode.expected)
              )
            }
            const denied = policy.authorizeCommand(config, command.actor, command._tag, state, command)
            if (denied !== undefined) return yield* refuse(i, j, denied)
            if (command._tag === "Register") {
              // only once the actor may register here: whether an id is taken is not told to anyone else
              caseId = command.caseId ?? (yield* ids.next)
              const exists = known.has(caseId) ||
                (command.caseId !== undefined && Option.isSome(yield* loadFor(i, j, caseId)))
              if (exists) {
                return yield* refuse(
                  i,
                  j,
                  invalidInput(`cases.${i}.commands.0.caseId`, `a new case id (${caseId} exists)`)
                )
              }
            }
            const stale = staleVersion(command, caseId, state)
            if (stale !== undefined) return yield* refuse(i, j, stale)
            const pluginCheck = yield* Effect.either(host.guards(command, state))
            if (Either.isLeft(pluginCheck)) return yield* refuse(i, j, pluginCheck.left)
            const commandId = command.commandId ?? (yield* ids.next)
            const at = command.at ?? (state === undefined || now >= state.updatedAt ? now : state.updatedAt)
            // history is of the past: nothing is imported ahead of the centre's clock (its window's allowance)
            if (at > importLatest) {
              return yield* refuse(
                i,
                j,
                invalidInput(`cases.${i}.commands.${j}.at`, `a time not after ${importLatest} (the centre's clock)`)
              )
            }
            if (command._tag === "Register") year = Number(civilDateOf(at, config.utcOffsetMinutes).slice(0, 4))
            const mergeTarget = command._tag === "Merge"
              ? known.get(command.into) ?? Option.getOrUndefined(yield* loadFor(i, j, command.into))
              : undefined
            // as for execute: the actor must be allowed to read the case it merges into
            const hidden = mergeTarget === undefined
              ? undefined
              : policy.authorizeRead(config, command.actor, mergeTarget)
            if (hidden !== undefined) return yield* refuse(i, j, hidden)
            // the code is patched in once the year's numbers are reserved
            const decided = Lifecycle.decide(
              { config, caseId, commandId, at, code: "", mergeTarget },
              state,
              command
            )
            if (Either.isLeft(decided)) return yield* refuse(i, j, decided.left)
            for (const event of decided.right) {
              // history entered now: the centre records when, and timeliness can tell it apart
              const env: Envelope = {
                caseId,
                centre,
                version: envelopes.length + 1,
                at,
                recordedAt: now,
                enteredLate: true,
                actor: command.actor,
                commandId,
                correlationId: command.correlationId ?? commandId,
                event
              }
              envelopes.push(env)
              state = Lifecycle.evolve(state, env)
            }
          }
          if (state === undefined) {
            return yield* refuse(i, 0, invalidInput(`cases.${i}.commands`, "at least a Register command"))
          }
          known.set(caseId, state)
          prepared.push({
            year,
            last: last!,
            request: {
              centre,
              caseId,
              expectedVersion: 0,
              commandId: `import:${caseId}`,
              events: envelopes,
              snapshot: state,
              summary: Summary.ofCase(config, state)
            }
          })
        }
        const imported: Array<{ caseId: string; code: string; version: number }> = []
        for (let start = 0; start < prepared.length; start += batchSize) {
          const chunk = prepared.slice(start, start + batchSize)
          yield* store.withTransaction(Effect.gen(function*() {
            const counts = new Map<number, number>()
            for (const p of chunk) {
              counts.set(p.year, (counts.get(p.year) ?? 0) + 1)
            }
            const next = new Map<number, number>()
            // the years in order: two imports reserving the same years lock their counters in the same order
            // (in the order met, one importing 2024 then 2025 and another 2025 then 2024 deadlocked on PostgreSQL)
            for (const [year, count] of [...counts].sort(([a], [b]) => a - b)) {
              next.set(year, yield* store.nextSequence(centre, `caseCode:${year}`, count))
            }
            const requests: Array<CaseStore.AppendRequest> = []
            for (const [k, { last, request, year }] of chunk.entries()) {
              const seq = next.get(year)!
              next.set(year, seq + 1)
              const code = config.formatCode(year, seq)
              const [first, ...rest] = request.events
              const registered = first!.event._tag === "Registered"
                ? { ...first!, event: { ...first!.event, code } }
                : first!
              // plugins see each imported case once, with its whole history (graders, projections, onEvents)
              // a plugin failing on a case refuses the import there, naming the case (its batch is not written)
              const final = yield* host.inline(last, undefined, [registered, ...rest], { ...request.snapshot, code })
                .pipe(Effect.catchTag("PluginFailed", (e) =>
                  Effect.fail(refuse(start + k, -1, {
                    _tag: e._tag,
                    message: e.message +
                      (start === 0 ? "; nothing was imported" : `; the cases before index ${start} were imported`)
                  }))))
              imported.push({ caseId: request.caseId, code, version: final.case.version })
              requests.push({
                ...request,
                snapshot: final.case,
                summary: Summary.ofCase(config, final.case),
                events: final.envelopes
              })
            }
            yield* store.appendBatch(requests).pipe(
              Effect.catchTag("DuplicateCommand", (e) =>
                Effect.fail(new StoreError({ operation: "importCases", reason: `${e.commandId} was imported before` })))
            )
          }))
        }
        return { imported }
      })

    const verify = (input: Query.VerifyQuery): Effect.Effect<AuditTrail.VerifyReport, QueryError> =>
      Effect.gen(function*() {
        const q = yield* fromEither(decodeVerify(input))
        yield* mayRead(q.actor)
        yield* permitted(q.actor, "verifyAuditTrail")
        if (q.caseId === undefined) {
          yield* atRoot(q.actor, "verifyAuditTrail")
        } else yield* readable(q.actor, yield* loadCase(q.caseId))
        if (store.verify === undefined) {
          return yield* new StoreError({
            operation: "verify",
            reason: `the ${store.capabilities.name} store keeps no audit trail`
          })
        }
        const report = yield* store.verify(centre, q.caseId)
        return q.unhashed === "broken" ? AuditTrail.strictUnhashed(report) : report
      })

    const anonymousParties = (c: Case): Case["parties"] =>
      c.parties.map((p, i) =>
        ({ _tag: p._tag, role: p.role, name: `当事人${i + 1}` }) as Case["parties"][number]
      )
    const anonymousDescription = "（已按保存期限匿名化）"

    const recomputeDeadlines = (input: Query.RecomputeQuery): Effect.Effect<RecomputeResult, ExecuteError> =>
      Effect.gen(function*() {
        const q = yield* fromEither(decodeRecompute(input))
        yield* forbidden(
          policy.authorizeCommand(config, q.actor, "RecomputeCaseDeadlines", undefined, undefined),
          undefined
        )
        yield* atRoot(q.actor, "recomputeDeadlines")
        const limit = q.limit ?? Number.MAX_SAFE_INTEGER
        const recomputed: Array<RecomputeResult["recomputed"][number]> = []
        let unchanged = 0
        let after: Keyset | undefined
        do {
          const page = yield* store.list(centre, { where: runningStates, limit: 500, order: "asc", after })
          after = page.next
          for (const c of page.items) {
            if (
              !runningDeadlines(c).some(([, d]) =>
                Deadline.basisOf(d) === "predicted"
              )
            ) continue
            if (recomputedChanges(config, c).length === 0 || recomputed.length >= limit) {
              unchanged++
              continue
            }
            // one command per case: atomic, audited, and idempotent by its id (the case's version)
            const result = yield* execute({
              _tag: "RecomputeCaseDeadlines",
              actor: q.actor,
              caseId: c.id,
              commandId: `recompute:${c.id}:${c.version}`,
              ...(q.reason !== undefined ? { reason: q.reason } : {})
            }).pipe(Effect.catchTag("GuardFailed", () => Effect.succeed(undefined)))
            const event = result?.events.find((e) => e.event._tag === "DeadlinesRecomputed")?.event
            if (result === undefined || event?._tag !== "DeadlinesRecomputed") unchanged++
            else recomputed.push({ caseId: result.caseId, code: result.code, changes: event.changes })
          }
        } while (after !== undefined)
        return { recomputed, unchanged }
      })

    const applyRetention = (input: Query.RetentionQuery): Effect.Effect<RetentionResult, ExecuteError> =>
      Effect.gen(function*() {
        const q = yield* fromEither(decodeRetention(input))
        yield* permitted(q.actor, "applyRetention")
        yield* atRoot(q.actor, "applyRetention")
        const days = q.olderThanDays ?? options.retention?.afterDays
        if (days === undefined) {
          return yield* invalidInput("olderThanDays", "a number of days (the centre has no retention.afterDays)")
        }
        const mode = q.mode ?? options.retention?.mode ?? "anonymise"
        const redact = store.redact
        if (redact === undefined) {
          return yield* new StoreError({
            operation: "applyRetention",
            reason: `the ${store.capabilities.name} store cannot redact`
          })
        }
        const asOfMs = q.asOf === undefined ? yield* Clock.currentTimeMillis : Date.parse(q.asOf)
        const cutoff = new Date(asOfMs - days * 86_400_000).toISOString()
        const limit = q.limit ?? 10_000
        const archived: Condition = { _tag: "Eq", field: "status", value: "archived" }
        const old: Condition = { _tag: "Before", field: "archivedAt", value: cutoff }
        const due: Condition = { _tag: "And", conditions: [archived, old] }
        const done: Array<{ caseId: string; code: string }> = []
        let after: Keyset | undefined
        while (done.length < limit) {
          const page = yield* store.list(centre, { where: due, limit: 200, order: "asc", after })
          const pageIds = page.items.map(idOf)
          const recorded = yield* store.readState(centre, retentionNamespace, pageIds)
          const previous = new Map(recorded.map((e) => [e.key, e]))
          for (const c of page.items) {
            if (done.length >= limit) {
              break
            }
            const before = previous.get(c.id)
            const was = (before?.value as { mode?: string } | undefined)?.mode
            if (was === "purge" || was === mode) {
              continue
            }
            yield* store.withTransaction(Effect.gen(function*() {
              const parties = anonymousParties(c)
              const snapshot: Case = { ...c, parties, description: anonymousDescription }
              const stored = mode === "purge" ? [] : yield* store.readEvents(centre, c.id)
              const events = mode === "purge" ? undefined : stored.map((e) =>
                e.event._tag === "Registered"
                  ? { ...e, event: { ...e.event, parties, description: anonymousDescription } }
                  : e
              )
              yield* redact({ centre, caseId: c.id, version: c.version, snapshot, events })
              // plugins forget what they derived from the case's people, in the same transaction
              yield* host.retention(mode, c, snapshot)
              yield* store.writeState(centre, retentionNamespace, c.id, before?.version ?? 0, {
                mode,
                at: new Date(yield* Clock.currentTimeMillis).toISOString(),
                actorId: q.actor.id,
                version: c.version
              }).pipe(Effect.catchTag("StateConflict", conflictAsStoreError("applyRetention")))
            }))
            done.push({ caseId: c.id, code: c.code })
          }
          if (page.next === undefined) {
            break
          }
          after = page.next
        }
        return { mode, cutoff, cases: done }
      })

    const center: Center<P> = {
      plugins: undefined as unknown as EffectApis<P>,
      config,
      execute,
      get: (input) =>
        Effect.gen(function*() {
          const q = yield* fromEither(decodeGet(input))
          yield* mayRead(q.actor)
          const c = yield* readable(q.actor, yield* loadCase(q.caseId))
          return yield* reveal(q.actor, q.personalData, "get", [c.id], c, Privacy.maskCase)
        }),
      getByCode: (input) =>
        Effect.gen(function*() {
          const q = yield* fromEither(decodeGetByCode(input))
          yield* mayRead(q.actor)
          const found = yield* store.loadByCode(centre, q.code)
          if (Option.isNone(found)) {
            return yield* new CaseNotFound({ caseId: q.code })
          }
          const c = yield* readable(q.actor, found.value)
          return yield* reveal(q.actor, q.personalData, "getByCode", [c.id], c, Privacy.maskCase)
        }),
      history: (input) =>
        Effect.gen(function*() {
          const q = yield* fromEither(decodeHistory(input))
          yield* mayRead(q.actor)
          yield* readable(q.actor, yield* loadCase(q.caseId))
          const events = yield* store.readEvents(centre, q.caseId, {
            fromVersion: q.fromVersion,
            toVersion: q.toVersion
          })
          return yield* reveal(
            q.actor,
            q.personalData,
            "history",
            [q.caseId],
            events,
            (es) => es.map(Privacy.maskEnvelope)
          )
        }),
      asOf: (input) =>
        Effect.gen(function*() {
          const q = yield* fromEither(decodeAsOf(input))
          yield* mayRead(q.actor)
          yield* readable(q.actor, yield* loadCase(q.caseId))
          const events = yield* store.readEvents(centre, q.caseId)
          const past = Lifecycle.replay(events.filter((e) => e.at <= q.at))
          if (past === undefined) {
            return yield* new CaseNotFound({ caseId: q.caseId })
          }
          return yield* reveal(q.actor, q.personalData, "asOf", [q.caseId], past, Privacy.maskCase)
        }),
      list: (input) =>
        Effect.gen(function*() {
          const q = yield* fromEither(decodeList(input))
          const visible = yield* scope(q.actor)
          const after = q.cursor === undefined ? undefined : yield* fromEither(decodeCursor(q.cursor))
          const conditions = yield* filterCondition(q.filter, yield* nowIso)
          const result = yield* store.list(centre, {
            where: { _tag: "And", conditions: [visible, ...conditions] },
            limit: q.limit ?? 50,
            order: q.order ?? "desc",
            after
          })
          const items = yield* reveal(
            q.actor,
            q.personalData,
            "list",
            result.items.map((c) => c.id),
            result.items,
            (cs) => cs.map(Privacy.maskCase)
          )
          return result.next === undefined
            ? { items }
            : { items, nextCursor: encodeCursor(result.next) }
        }),
      aggregate: (input) =>
        Effect.gen(function*() {
          const q = yield* fromEither(decodeAggregate(input))
          const visible = yield* scope(q.actor)
          const conditions = yield* filterCondition(q.filter, yield* nowIso)
          return yield* store.aggregate(centre, {
            where: { _tag: "And", conditions: [visible, ...conditions, ...(q.where !== undefined ? [q.where] : [])] },
            groupBy: q.groupBy,
            measures: q.measures,
            utcOffsetMinutes: config.utcOffsetMinutes
          })
        }),
      verify,
      applyRetention,
      recomputeDeadlines,
      enabledCommands: (input) =>
        Effect.gen(function*() {
          const q = yield* fromEither(decodeEnabled(input))
          yield* mayRead(q.actor)
          const c = yield* readable(q.actor, yield* loadCase(q.caseId))
          // the centre's clock, or the time of a what-if view
          const now = q.at ?? (yield* nowIso)
          return Lifecycle.enabledCommands(config, c, now < c.updatedAt ? c.updatedAt : now, q.actor).filter((name) =>
            policy.authorizeCommand(config, q.actor, name, c, undefined) === undefined
          )
        }),
      labels,
      importCases
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
