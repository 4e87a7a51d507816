/**
 * The lifecycle of a case, as data plus two pure functions (as in emmett's decide/evolve):
 *
 * - {@link transitions}: the table of states and the commands allowed in each, with the states a command may
 *   lead to and the names of its guards;
 * - {@link decide}: `(context, state, command) → events | typed error`;
 * - {@link evolve}: `(state, event) → state`;
 * - {@link enabledCommands}: what can be done now;
 * - {@link step}: decide → envelopes → evolve, in one pure call.
 *
 * Each command is one module (`defineCommand` in `lifecycle/<phase>.ts`: its schema, events, row, guards, decide,
 * evolvers, labels and default permissions); the table, the unions and the lists are derived from those modules.
 * Neither function does I/O. Deadlines are computed by `decide` and recorded in events, so replaying history
 * never depends on today's configuration.
 *
 * @since 0.1.0
 */
import type * as Either from "effect/Either"
import type { Actor } from "./Actor.js"
import type { Case } from "./Case.js"
import type { CenterConfigInput, Resolved } from "./CenterConfig.js"
import type { Command, CommandName } from "./Command.js"
import type { InvalidInput } from "./Errors.js"
import type { CaseEvent, Envelope, EventName } from "./Event.js"
import { civilDateOf } from "./internal/dates.js"
import type * as define from "./lifecycle/define.js"
import * as guardsModule from "./lifecycle/guards.js"
import * as machine from "./lifecycle/machine.js"
import * as registry from "./lifecycle/registry.js"
import * as LifecycleDiagram from "./LifecycleDiagram.js"

/**
 * A state of the table: a {@link Status}, or `none` before a case exists.
 *
 * @since 0.1.0
 * @category models
 */
export type Phase = define.Phase

/**
 * The names of the guards.
 *
 * @since 0.1.0
 * @category models
 */
export type GuardName = define.GuardName

/**
 * A row of the lifecycle table.
 *
 * @since 0.1.0
 * @category models
 */
export interface Transition extends registry.Transition {}

/**
 * The lifecycle table, derived from the command modules (`lifecycle/*.ts`, one file per phase): one row per
 * command, in lifecycle order. `timeMovesForward` applies to every command on an existing case.
 *
 * @since 0.1.0
 * @category constants
 */
export const transitions: ReadonlyArray<Transition> = registry.transitions

/**
 * The row of the table for a command in a state, if the command is allowed there.
 *
 * @since 0.1.0
 * @category utils
 */
export const transition: (phase: Phase, command: CommandName) => Transition | undefined = machine.transition

/**
 * The event each command records first (a command records one event of its own, which plugins may follow with
 * theirs). A repeated command id is answered with the first result only when it names the same command: `Center`
 * compares the kind of the command against the event its id recorded.
 *
 * @since 0.1.0
 * @category models
 */
export const firstEventOf: { readonly [K in CommandName]: EventName } = registry.firstEventOf

/**
 * Everything `decide` needs besides the state and the command.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecideContext extends define.DecideContext {}

/**
 * Why `decide` refused a command.
 *
 * @since 0.1.0
 * @category models
 */
export type DecideError = define.DecideError

/**
 * A named guard: what it checks, the check itself, and whether the command could pass at all in a state.
 *
 * @since 0.1.0
 * @category models
 */
export interface Guard extends guardsModule.Guard {}

/**
 * The guards, by name, with what each checks.
 *
 * @since 0.1.0
 * @category constants
 */
export const guards: Readonly<Record<GuardName, Guard>> = guardsModule.guards

/**
 * What `decide` returns: the events, or why the command was refused.
 *
 * @since 0.1.0
 * @category models
 */
export type DecideResult = machine.DecideResult

/**
 * The first node a command names — `place`, `intakeNode`, an assessment's `handlingNode`, an escalation's `to` —
 * that is not in the centre's tree, as `InvalidInput` naming its field. `decide` checks it; the centre checks it
 * before its policy, so that a node missing from the tree is never reported as outside an actor's jurisdiction.
 * The nodes a command names are those its definition lists (`nodes`).
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const unknownNode: (config: Resolved, command: Command) => InvalidInput | undefined = machine.unknownNode

/**
 * Decides what a command does to a case: the events it produces, or why it is refused. Pure. The table first
 * (`CommandNotAllowed`), then the nodes the command names, `timeMovesForward` and the row's guards in order
 * (`GuardFailed`), then the command's own `decide`.
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const decide: (ctx: DecideContext, state: Case | undefined, command: Command) => DecideResult = machine.decide

/**
 * The commands the table allows in the case's state whose guards could pass, for a time and an actor (both
 * optional: without an actor, the guards about who acts — the lead unit, a summoned department — are not asked).
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const enabledCommands: (
  config: Resolved,
  state: Case | undefined,
  at?: string,
  actor?: Actor
) => Array<CommandName> = machine.enabledCommands

/**
 * Applies one event to a case. `state` is `undefined` only before `Registered`. Pure; never fails on events
 * that `decide` produced (an event that does not fit throws, as it means the history itself is broken).
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const evolve: (state: Case | undefined, env: Envelope) => Case = machine.evolve

/**
 * Folds events into a case (`undefined` for no events).
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const replay: (events: Iterable<Envelope>, from?: Case) => Case | undefined = machine.replay

/**
 * Everything {@link step} needs: a {@link DecideContext}, plus what the envelopes carry besides the command (the
 * centre, the correlation id and whether the history is entered late). The envelopes take their time from `at`,
 * their `recordedAt` from `now` (absent without one), their actor from the command and their command id from
 * `commandId`.
 *
 * @since 0.3.0
 * @category models
 */
export interface StepContext extends machine.StepContext {}

/**
 * An accepted step: the events in their envelopes (versions following the state's) and the case after them.
 *
 * @since 0.3.0
 * @category models
 */
export interface Stepped extends machine.Stepped {}

/**
 * One step of a case, pure: {@link decide}, then the events in their envelopes (versions `state.version + 1` …),
 * then {@link evolve} through them. What the centre appends for a command, before plugins add theirs.
 *
 * @example
 * ```ts
 * import * as Either from "effect/Either"
 * import { Lifecycle } from "@fengqiao/core"
 *
 * const r = Lifecycle.step(state, command, { config, caseId, commandId, at, centre: config.id, correlationId: commandId })
 * if (Either.isRight(r)) console.log(r.right.state.status, r.right.events.length)
 * ```
 *
 * @since 0.3.0
 * @category lifecycle
 */
export const step: (
  state: Case | undefined,
  command: Command,
  ctx: StepContext
) => Either.Either<Stepped, DecideError> = machine.step

/**
 * A {@link step} followed by more events of the same command — a plugin's follow-up (`Plugin.Definition.followUp`),
 * such as a new risk grade: each in an envelope like the step's last (same case, time, actor and ids) at the next
 * version, and evolved into the case.
 *
 * @since 0.3.0
 * @category lifecycle
 */
export const followWith: (stepped: Stepped, events: ReadonlyArray<CaseEvent>) => Stepped = machine.followWith

/**
 * A command module: its schema, events, row, guards, `decide`, evolvers, labels and default permissions.
 *
 * @since 0.3.0
 * @category models
 */
export type CommandDefinition<
  C extends define.AnyTagged = define.AnyTagged,
  E extends ReadonlyArray<define.AnyTagged> = ReadonlyArray<define.AnyTagged>,
  F extends ReadonlyArray<Phase> = ReadonlyArray<Phase>
> = define.CommandDefinition<C, E, F>

/**
 * The command modules, in lifecycle order: the source the table, the `Command` and `CaseEvent` unions, the command
 * labels and the default permissions are derived from.
 *
 * @since 0.3.0
 * @category constants
 */
export const definitions: ReadonlyArray<CommandDefinition<any, any, any>> = registry.definitions

/**
 * The definition of a command, by name.
 *
 * @since 0.3.0
 * @category utils
 */
export const definitionOf = (command: CommandName): CommandDefinition<any, any, any> => registry.definitionOf[command]

/**
 * The civil date (in the centre's time zone) of an instant; handy for reports.
 *
 * @since 0.1.0
 * @category utils
 */
export const civilDate = (config: Resolved, at: string): string => civilDateOf(at, config.utcOffsetMinutes)

/**
 * The lifecycle of a centre as a graph (JSON): the states its configuration can reach, the commands it enables
 * (and those it leaves out, with the reason), each edge with its guards and roles. Without a configuration, the
 * whole table. See `LifecycleDiagram`.
 *
 * @since 0.1.0
 * @category diagrams
 */
export const toGraph = (
  config?: Resolved | CenterConfigInput,
  options?: LifecycleDiagram.Options
): LifecycleDiagram.Graph => LifecycleDiagram.make(transitions, config, options)

/**
 * The lifecycle of a centre as a mermaid state diagram, guards included: {@link toGraph} drawn by
 * `LifecycleDiagram.toMermaid`.
 *
 * @since 0.1.0
 * @category diagrams
 */
export const toMermaid = (
  config?: Resolved | CenterConfigInput,
  options?: LifecycleDiagram.Options & LifecycleDiagram.MermaidOptions
): string => LifecycleDiagram.toMermaid(toGraph(config, options), options)
