/**
 * The lifecycle as a machine over the registry: the table lookup, `decide` (table, node check, guards, then the
 * command's own `decide`), `evolve`, `replay`, `enabledCommands` and `step` (decide → envelopes → evolve).
 *
 * @since 0.3.0
 */
import * as Either from "effect/Either"
import type { Actor } from "../Actor.js"
import type { Case } from "../Case.js"
import type { Resolved } from "../CenterConfig.js"
import type { InvalidInput } from "../Errors.js"
import { CommandNotAllowed, GuardFailed } from "../Errors.js"
import type { DecideContext, DecideError, GuardName, Phase } from "./define.js"
import { guards } from "./guards.js"
import type { CaseEvent, Command, CommandName, Envelope, Transition } from "./registry.js"
import { definitionOf, evolverOf, transitions } from "./registry.js"
import { unknownNodeIn } from "./shared.js"

const byPhase: Record<string, Record<string, Transition>> = {}
for (const t of transitions) {
  for (const f of t.from) (byPhase[f] ??= {})[t.command] = t
}

/** The row of the table for a command in a state, if the command is allowed there. */
export const transition = (phase: Phase, command: CommandName): Transition | undefined => byPhase[phase]?.[command]

/** What `decide` returns: the events, or why the command was refused. */
export type DecideResult = Either.Either<ReadonlyArray<CaseEvent>, DecideError>

/** The commands the table allows in the case's state whose guards could pass, for a time and an actor. */
export const enabledCommands = (
  config: Resolved,
  state: Case | undefined,
  at?: string,
  actor?: Actor
): Array<CommandName> => {
  if (state === undefined) return ["Register"]
  const row = byPhase[state.status]
  if (row === undefined) return []
  const out: Array<CommandName> = []
  for (const t of Object.values(row)) {
    if (t.guards.every((g) => guards[g].possible?.(config, state, at, actor) ?? true)) out.push(t.command)
  }
  return out
}

const refused = (ctx: DecideContext, state: Case | undefined, command: CommandName): CommandNotAllowed =>
  new CommandNotAllowed({
    caseId: ctx.caseId,
    state: state?.status ?? "none",
    command,
    enabled: state === undefined ? ["Register"] : enabledCommands(ctx.config, state, ctx.at)
  })

/** The first node a command names that is not in the centre's tree, as `InvalidInput` naming its field. */
export const unknownNode = (config: Resolved, command: Command): InvalidInput | undefined => {
  const nodes = definitionOf[command._tag].nodes
  return nodes === undefined ? undefined : unknownNodeIn(config, nodes(command))
}

/** Decides what a command does to a case: the events it produces, or why it is refused. Pure. */
export const decide = (ctx: DecideContext, state: Case | undefined, command: Command): DecideResult => {
  const t = transition(state === undefined ? "none" : state.status, command._tag)
  if (t === undefined) return Either.left(refused(ctx, state, command._tag))
  const definition = definitionOf[command._tag]
  // only a row from `none` (Register) meets no case: its decide checks its own nodes
  if (state === undefined) return definition.decide(ctx, undefined, command)
  const unknown = unknownNode(ctx.config, command)
  if (unknown !== undefined) return Either.left(unknown)
  const s = state
  const fail = (guard: GuardName, reason: string) =>
    Either.left(new GuardFailed({ caseId: s.id, state: s.status, command: command._tag, guard, reason }))
  const timeProblem = guards.timeMovesForward.check(ctx, s, command)
  if (timeProblem !== undefined) return fail("timeMovesForward", timeProblem)
  for (const name of t.guards) {
    const reason = guards[name].check(ctx, s, command)
    if (reason !== undefined) return fail(name, reason)
  }
  return definition.decide(ctx, s, command)
}

/** Applies one event to a case. */
export const evolve = (state: Case | undefined, env: Envelope): Case => {
  const evolver = evolverOf.get(env.event._tag)
  if (evolver === undefined) throw new Error(`Unknown event ${env.event._tag} (version ${env.version})`)
  if (state === undefined && !evolver.creates) {
    throw new Error(`Event ${env.event._tag} (version ${env.version}) before Registered on case ${env.caseId}`)
  }
  const next = evolver.evolve(state, env)
  // history entered late marks the case for good: timeliness can tell it apart
  return env.enteredLate === true && next.enteredLate !== true ? { ...next, enteredLate: true } : next
}

/** Folds events into a case (`undefined` for no events). */
export const replay = (events: Iterable<Envelope>, from?: Case): Case | undefined => {
  let s = from
  for (const env of events) s = evolve(s, env)
  return s
}

/** Everything `step` needs: what `decide` needs, and what the envelopes carry besides it. */
export interface StepContext extends DecideContext {
  /** The centre recording the events. */
  readonly centre: string
  /** The correlation id of the command (its command id when it names none). */
  readonly correlationId: string
  /** Marks the events as history entered late (imported, or backdated by a role allowed to). */
  readonly enteredLate?: boolean | undefined
  /**
   * When the centre records the events (`recordedAt`): `now` by default. Imported history is decided at its own
   * times (no `now`) but recorded when it is entered.
   */
  readonly recordedAt?: string | undefined
}

/** What `step` returns when the command is accepted: the events in their envelopes, and the case after them. */
export interface Stepped {
  readonly events: ReadonlyArray<Envelope>
  readonly state: Case
}

/** Decides a command, puts its events in envelopes and evolves the case through them. Pure. */
export const step = (
  state: Case | undefined,
  command: Command,
  ctx: StepContext
): Either.Either<Stepped, DecideError> =>
  Either.map(decide(ctx, state, command), (decided) => {
    const base = state?.version ?? 0
    const late = ctx.enteredLate === true ? { enteredLate: true as const } : {}
    const recordedAt = ctx.recordedAt ?? ctx.now
    const events: Array<Envelope> = decided.map((event, i) => ({
      caseId: ctx.caseId,
      centre: ctx.centre,
      version: base + i + 1,
      at: ctx.at,
      ...(recordedAt !== undefined ? { recordedAt } : {}),
      ...late,
      actor: command.actor,
      commandId: ctx.commandId,
      correlationId: ctx.correlationId,
      event
    }))
    let next = state
    for (const env of events) next = evolve(next, env)
    return { events, state: next! }
  })

/**
 * A step followed by more events of the same command (a plugin's follow-up, such as a new risk grade): each in an
 * envelope like the step's last (same case, time, actor and ids), at the next version, and evolved into the case.
 */
export const followWith = (stepped: Stepped, events: ReadonlyArray<CaseEvent>): Stepped => {
  if (events.length === 0) return stepped
  const all = stepped.events.slice()
  let state = stepped.state
  for (const event of events) {
    const last = all[all.length - 1]!
    const env: Envelope = { ...last, version: last.version + 1, event }
    all.push(env)
    state = evolve(state, env)
  }
  return { events: all, state }
}
