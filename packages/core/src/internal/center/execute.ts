/**
 * A centre's command path (执行命令): validate, authorise, decide with the lifecycle, and append atomically,
 * retrying on version conflicts and answering a repeated command id with its first result. Benchmarked: no layer
 * or service look-up is added here; everything is built once, by `make`.
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type { Case } from "../../Case.js"
import type { DuplicateCommand } from "../../CaseStore.js"
import { Command } from "../../Command.js"
import {
  CaseLimitExceeded,
  type CommandNotAllowed,
  type Forbidden,
  type GuardFailed,
  StoreError,
  VersionConflict
} from "../../Errors.js"
import type { Envelope } from "../../Event.js"
import * as Lifecycle from "../../Lifecycle.js"
import * as Privacy from "../../Privacy.js"
import * as Summary from "../../Summary.js"
import { committedResult } from "../committed.js"
import { civilDateOf } from "../dates.js"
import { makeKeyedLock } from "../keyedLock.js"
import { decodeInput, invalidInput } from "../parse.js"
import { stamp } from "../trustedTime.js"
import { forbidden, fromEither } from "./access.js"
import type { CenterContext, CommandResult, ExecuteError } from "./context.js"

/** The version the sender of a command on a case decided on, if it named one (`expectedVersion`). */
export const expectedVersionOf = (command: Command): number | undefined =>
  "expectedVersion" in command ? command.expectedVersion : undefined

/** A command whose sender decided on another version of the case than `state`'s: the conflict to refuse it with. */
export const staleVersion = (
  command: Command,
  caseId: string,
  state: Case | undefined
): VersionConflict | undefined => {
  const expectedVersion = expectedVersionOf(command)
  const actualVersion = state?.version ?? 0
  return expectedVersion === undefined || expectedVersion === actualVersion
    ? undefined
    : new VersionConflict({ caseId, expectedVersion, actualVersion })
}

/** @internal */
export const decodeCommand = decodeInput(Command)

/**
 * What one attempt of a command gives the pipeline: its result, and the plugins' afterCommit hooks still to run
 * for it (none for a repeated command answered with its first result).
 */
interface Attempted {
  readonly result: CommandResult
  readonly afterCommit?: Effect.Effect<void> | undefined
}

const repeated = (result: CommandResult): Attempted => ({ result })

const maskResult = (r: CommandResult): CommandResult => ({
  ...r,
  case: Privacy.maskCase(r.case),
  events: r.events.map(Privacy.maskEnvelope)
})

/**
 * `execute` of a centre: its closures (the lock of each case, the retry schedule) are made once, here. The path of
 * a command runs one way: decode → authorise → (lock) → transaction [load → policy → trusted time → plugin guards →
 * decide → evolve → plugin inline hooks → append] → afterCommit hooks → masked result.
 * @internal
 */
export const makeExecute = (ctx: CenterContext): (input: unknown) => Effect.Effect<CommandResult, ExecuteError> => {
  const { centre, config, host, ids, limits, loadCase, policy, readable, retries, store, tracing } = ctx
  const maxEvents = limits.eventsPerCase
  /** A case that would hold more events than the centre's limit after a command. */
  const beyondLimit = (caseId: string, version: number): CaseLimitExceeded | undefined =>
    version > maxEvents
      ? new CaseLimitExceeded({ limit: "eventsPerCase", max: maxEvents, actual: version, caseId })
      : undefined
  // Commands on one case run one at a time in this process; conflicts with other processes are retried with a
  // jittered exponential backoff.
  const sameCase = makeKeyedLock()
  // A store without concurrent writers (the in-memory store, SQLite) runs one transaction at a time, and every
  // command is one transaction: commands on a case are already one at a time, and a lock of the centre's own would
  // only cost instructions.
  const lockCases = store.capabilities.concurrentWriters
  const retrySchedule = Schedule.exponential("2 millis").pipe(
    Schedule.jittered,
    Schedule.either(Schedule.spaced("200 millis")),
    Schedule.intersect(Schedule.recurs(retries - 1)),
    Schedule.whileInput((e: ExecuteError) => e._tag === "VersionConflict")
  )
  const firstResult = (commandId: string, command: Command) =>
    Effect.gen(function*() {
      const { actor, caseId } = command
      const rec = yield* store.findCommand(centre, commandId)
      if (Option.isNone(rec)) return Option.none<CommandResult>()
      const r = rec.value
      // the command's own events only: a repeat on a long case does not read its whole history
      const events = yield* store.readEvents(centre, r.caseId, { fromVersion: r.fromVersion, toVersion: r.toVersion })
      const now = yield* Effect.option(loadCase(r.caseId))
      // A repeat is answered only to an actor who may read its result: the sender as the policy saw it (the same
      // id, jurisdiction and roles: a command may take the case out of its reach, an escalation say, and a retry
      // is still answered), or anyone who may read the case now. An id alone proves nothing: another township's
      // actor reusing it learns nothing of the case, nor whether the command id names one (one answer for all)
      const sender = events[0]?.actor
      const same = sender !== undefined && sender.id === actor.id && sender.jurisdiction === actor.jurisdiction &&
        sender.roles.length === actor.roles.length && sender.roles.every((role, i) => actor.roles[i] === role)
      if (!same && (Option.isNone(now) || policy.authorizeRead(config, actor, now.value) !== undefined)) {
        return yield* invalidInput("commandId", "a command id not used before")
      }
      // a repeat is the same command: the same id on another case is a mistake, not a repeat to answer
      if (caseId !== undefined && caseId !== r.caseId) {
        return yield* invalidInput("commandId", "a command id not used before for another case")
      }
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
      // the case as the command left it, as the first result gave it — not what later commands made of it: the
      // snapshot while the command is the case's last, else its history replayed up to the command; the stored case
      // when retention has purged the events
      const current = Option.getOrUndefined(now)
      const asLeft = current !== undefined && current.version === r.toVersion
        ? current
        : Lifecycle.replay(yield* store.readEvents(centre, r.caseId, { toVersion: r.toVersion }))
      const c = asLeft !== undefined && asLeft.version === r.toVersion ? asLeft : current ?? (yield* loadCase(r.caseId))
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
    ctx: Lifecycle.StepContext
  ): Effect.Effect<Attempted, ExecuteError | DuplicateCommand> => {
    const write = (envelopes: ReadonlyArray<Envelope>, s: Case) =>
      Effect.as(
        store.append({
          centre,
          caseId: ctx.caseId,
          expectedVersion: state?.version ?? 0,
          commandId: ctx.commandId,
          events: envelopes,
          snapshot: s,
          summary: Summary.ofCase(config, s)
        }),
        { result: { caseId: s.id, code: s.code, version: s.version, case: s, events: envelopes, duplicate: false } }
      )
    if (!host.active && !host.hasAfterCommit) {
      // no plugins: the lean path
      const stepped = Lifecycle.step(state, command, ctx)
      if (Either.isLeft(stepped)) return Effect.fail(stepped.left)
      const beyond = beyondLimit(ctx.caseId, stepped.right.state.version)
      return beyond !== undefined ? Effect.fail(beyond) : write(stepped.right.events, stepped.right.state)
    }
    // guards, graders and projections read and write plugin state in the command's transaction: all of it commits
    // or rolls back with the events; the afterCommit hooks go back to the pipeline with the result, to run once the
    // transaction is over
    return Effect.gen(function*() {
      yield* host.guards(command, state)
      const stepped = yield* fromEither(Lifecycle.step(state, command, ctx))
      const beyond = beyondLimit(ctx.caseId, stepped.state.version)
      if (beyond !== undefined) return yield* beyond
      const final = yield* host.inline(command, state, stepped.events, stepped.state)
      const { result } = yield* write(final.envelopes, final.case)
      return {
        result,
        afterCommit: host.hasAfterCommit ? host.afterCommit(command, state, result.events, result.case) : undefined
      }
    })
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
      // an id taken by a case the actor may not read is refused without telling whose it is, or that it is a case
      if (existing !== undefined && policy.authorizeRead(config, command.actor, existing) !== undefined) {
        return yield* invalidInput("caseId", "a case id not in use")
      }
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
        { config, centre, caseId, commandId, correlationId, at, now, enteredLate, code }
      )
    })

  const onCase = (
    command: Exclude<Command, { _tag: "Register" }>,
    commandId: string,
    correlationId: string,
    nowMs: number
  ) =>
    Effect.flatMap(Effect.flatMap(loadCase(command.caseId), (c) => readable(command.actor, c)), (state) => {
      // a case the actor may not read is one that does not exist (`readable`); one it may read but not act on is
      // Forbidden
      const refusal = policy.authorizeCommand(config, command.actor, command._tag, state, command)
      if (refusal !== undefined) return Effect.fail(refusal)
      // after the policy, so that the version of a case the sender may not act on is not told
      const stale = staleVersion(command, state.id, state)
      if (stale !== undefined) return Effect.fail(stale)
      // a case at its limit takes no more commands: refused before anything is decided
      const full = beyondLimit(state.id, state.version + 1)
      if (full !== undefined) return Effect.fail(full)
      const time = stamp(config, command.actor, command.at, nowMs, state.updatedAt)
      if (Either.isLeft(time)) return Effect.fail(time.left)
      const { at, enteredLate, now } = time.right
      const ctx: Lifecycle.StepContext = {
        config,
        centre,
        caseId: state.id,
        commandId,
        correlationId,
        at,
        now,
        enteredLate
      }
      if (command._tag !== "Merge" || command.into === command.caseId) {
        return appendDecided(command, state, ctx)
      }
      return Effect.flatMap(store.load(centre, command.into), (target) => {
        const mergeTarget = Option.getOrUndefined(target)
        // a target the actor may not read is one that does not exist (the guard says it was not found)
        const visible =
          mergeTarget !== undefined && policy.authorizeRead(config, command.actor, mergeTarget) === undefined
            ? mergeTarget
            : undefined
        return appendDecided(command, state, { ...ctx, mergeTarget: visible })
      })
    })

  /** One attempt; `checkPrior` when the caller chose the command id (a centre-made id cannot repeat). */
  const attempt = (
    command: Command,
    commandId: string,
    correlationId: string,
    checkPrior: boolean
  ): Effect.Effect<Attempted, ExecuteError | DuplicateCommand> => {
    // the centre's clock, read when the attempt runs (after any wait for the case), in the same instruction
    const fresh = Effect.withFiberRuntime<Attempted, ExecuteError | DuplicateCommand>((fiber) => {
      const ms = Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()
      return command._tag === "Register"
        ? register(command, commandId, correlationId, ms)
        : onCase(command, commandId, correlationId, ms)
    })
    // one transaction per command: the read, the decision and the write (and plugin state) see one state, and
    // take one connection
    return store.withTransaction(
      checkPrior
        ? Effect.flatMap(
          firstResult(commandId, command),
          (prior): Effect.Effect<Attempted, ExecuteError | DuplicateCommand> =>
            Option.isSome(prior) ? Effect.succeed(repeated(prior.value)) : fresh
        )
        : fresh
    )
  }

  const execute = (input: unknown): Effect.Effect<CommandResult, ExecuteError> =>
    Effect.withFiberRuntime<CommandResult, ExecuteError>((fiber) => {
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
      const run = (commandId: string, given: boolean): Effect.Effect<Attempted, ExecuteError> => {
        const once = attempt(command, commandId, command.correlationId ?? commandId, given).pipe(
          // the same command id won a race: answer with its result
          Effect.catchTag(
            "DuplicateCommand",
            () =>
              Effect.flatMap(firstResult(commandId, command), (o) =>
                Option.isSome(o)
                  ? Effect.succeed(repeated(o.value))
                  : Effect.fail(new StoreError({ operation: "execute", reason: `command ${commandId} vanished` })))
          )
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
                (o): Effect.Effect<Attempted, ExecuteError> =>
                  Option.isSome(o) ? Effect.succeed(repeated(o.value)) : Effect.fail(e)
              )
          )
          : once
        // Register has no case id unless the caller gave one; a fresh UUIDv7 cannot collide
        const locked = command.caseId === undefined || !lockCases ? answered : sameCase(command.caseId, answered)
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
        : Effect.flatMap(ids.next, (id) => run(id, false))
      const tell = fiber.getFiberRef(committedResult)
      const result =
        // nothing to finish after the commit and nobody to tell: the lean path
        tell === undefined && !host.hasAfterCommit ?
          Effect.map(once, (a) => maskResult(a.result)) :
          Effect.uninterruptibleMask((restore) =>
            Effect.flatMap(
              // commands that plugins execute inside this one are not the one to tell about
              restore(tell === undefined ? once : Effect.locally(once, committedResult, undefined)),
              ({ afterCommit: after, result: committed }) => {
                const done = Effect.sync(() => {
                  const masked = maskResult(committed)
                  tell?.(masked)
                  return masked
                })
                if (after === undefined) {
                  return done
                }
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
          )
      return tracing ? Effect.withSpan(result, "Center.execute", { captureStackTrace: false }) : result
    })
  return execute
}
