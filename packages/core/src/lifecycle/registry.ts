/**
 * The registry of command modules: every list the SDK keeps about commands and events — the `Command` and
 * `CaseEvent` unions, their names, the lifecycle table, the first event of each command, the evolvers, the command
 * labels and the default permissions — is derived here from the definitions in the phase files, in lifecycle order.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import type { Case, Status } from "../Case.js"
import { closing } from "./closing.js"
import type {
  AnyDefinition,
  CommandDefinition,
  EventDefinition,
  GuardName,
  LocaleLabels,
  Phase,
  Recorded
} from "./define.js"
import { envelopeFields, roles } from "./define.js"
import { handling } from "./handling.js"
import { intake } from "./intake.js"
import { routing } from "./routing.js"
import { supervision } from "./supervision.js"

/**
 * Every definition, phase after phase.
 *
 * @since 0.3.0
 * @category definitions
 */
export const entries = [...intake, ...routing, ...handling, ...closing, ...supervision] as const

type Entries = typeof entries

/** The command schemas of a list of definitions, in order. */
type CommandsOf<T extends ReadonlyArray<unknown>> = T extends readonly [infer H, ...infer R]
  ? H extends CommandDefinition<infer C, any, any> ? [C, ...CommandsOf<R>] : CommandsOf<R>
  : []

/** The event schemas of a list of definitions, in order. */
type EventsOf<T extends ReadonlyArray<unknown>> = T extends readonly [infer H, ...infer R]
  ? H extends CommandDefinition<any, infer E, any> ? [...E, ...EventsOf<R>]
  : H extends EventDefinition<infer E> ? [E, ...EventsOf<R>]
  : EventsOf<R>
  : []

// every entry is a definition (a hand-written object that is not one does not compile)
entries satisfies ReadonlyArray<AnyDefinition>

/**
 * The command definitions, in lifecycle order.
 *
 * @since 0.3.0
 * @category definitions
 */
export const definitions: ReadonlyArray<CommandDefinition<any, any, any>> = entries.filter((
  e
): e is Extract<Entries[number], { readonly _kind: "command" }> => e._kind === "command")

/**
 * The command schemas, in lifecycle order.
 *
 * @since 0.3.0
 * @category schemas
 */
export const commandSchemas = definitions.map((d) => d.command) as unknown as CommandsOf<Entries>

/**
 * The event schemas: each command's, in lifecycle order, with the events no command owns where their phase puts
 * them.
 *
 * @since 0.3.0
 * @category schemas
 */
export const eventSchemas = entries.flatMap((e): ReadonlyArray<unknown> =>
  e._kind === "command" ? e.events : [e.event]
) as unknown as EventsOf<Entries>

/**
 * Any command.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Command = Schema.Union(...commandSchemas).annotations({ identifier: "Command" })

/**
 * A decoded command.
 *
 * @since 0.1.0
 * @category models
 */
export type Command = typeof Command.Type

/**
 * The tag of a command.
 *
 * @since 0.1.0
 * @category models
 */
export type CommandName = Command["_tag"]

/**
 * Any case event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CaseEvent = Schema.Union(...eventSchemas).annotations({ identifier: "CaseEvent" })

/**
 * @since 0.1.0
 * @category models
 */
export type CaseEvent = typeof CaseEvent.Type

/**
 * The tag of an event.
 *
 * @since 0.1.0
 * @category models
 */
export type EventName = CaseEvent["_tag"]

/**
 * An event with its envelope.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Envelope = Schema.Struct({ ...envelopeFields, event: CaseEvent }).annotations({
  identifier: "EventEnvelope"
})

/**
 * @since 0.1.0
 * @category models
 */
export type Envelope = typeof Envelope.Type

/**
 * Every command name, in lifecycle order.
 *
 * @since 0.1.0
 * @category constants
 */
export const commandNames: ReadonlyArray<CommandName> = definitions.map((d) => d.name)

/**
 * Every event name.
 *
 * @since 0.1.0
 * @category constants
 */
export const eventNames: ReadonlyArray<EventName> = entries.flatMap((e): ReadonlyArray<EventName> =>
  e._kind === "command" ? e.eventNames : [e.name]
)

/**
 * The definition of each command, by name.
 *
 * @since 0.3.0
 * @category definitions
 */
export const definitionOf: { readonly [K in CommandName]: CommandDefinition<any, any, any> } = Object.fromEntries(
  definitions.map((d) => [d.name, d])
) as { readonly [K in CommandName]: CommandDefinition<any, any, any> }

/**
 * A row of the lifecycle table.
 *
 * @since 0.1.0
 * @category models
 */
export interface Transition {
  readonly command: CommandName
  readonly from: ReadonlyArray<Phase>
  /** The states the command may lead to; `unchanged` when it records something without moving the case. */
  readonly to: ReadonlyArray<Status | "unchanged">
  readonly guards: ReadonlyArray<GuardName>
}

/**
 * The lifecycle table, one row per command.
 *
 * @since 0.1.0
 * @category constants
 */
export const transitions: ReadonlyArray<Transition> = definitions.map((d) => ({
  command: d.name,
  from: d.row.from,
  to: d.row.to,
  guards: d.guards
}))

/**
 * The event each command records first.
 *
 * @since 0.1.0
 * @category constants
 */
export const firstEventOf: { readonly [K in CommandName]: EventName } = Object.fromEntries(
  definitions.map((d) => [d.name, d.eventNames[0]])
) as { readonly [K in CommandName]: EventName }

/**
 * How an event changes a case: its evolver, and whether it creates the case (an event of a row from `none`).
 *
 * @since 0.3.0
 * @category models
 */
export interface Evolver {
  readonly creates: boolean
  readonly evolve: (state: Case | undefined, env: Recorded<CaseEvent>) => Case
}

/**
 * The evolver of each event, by name.
 *
 * @since 0.3.0
 * @category constants
 */
export const evolverOf: ReadonlyMap<string, Evolver> = new Map(
  entries.flatMap((e): ReadonlyArray<readonly [string, Evolver]> =>
    e._kind === "command"
      ? e.eventNames.map((name) => [name, {
        creates: (e.row.from as ReadonlyArray<Phase>).includes("none"),
        evolve: (e.evolve as Record<string, Evolver["evolve"]>)[name]!
      }])
      : [[e.name, { creates: false, evolve: e.evolve as Evolver["evolve"] }]]
  )
)

/**
 * The label of each command, by `command.<Name>` key, in lifecycle order.
 *
 * @since 0.3.0
 * @category constants
 */
export const commandLabels: Readonly<Record<string, LocaleLabels>> = Object.fromEntries(
  definitions.map((d) => [`command.${d.name}`, d.labels])
)

/**
 * The commands each role may send under the default policy: `admin` every one, the others those whose definitions
 * name them, in lifecycle order.
 *
 * @since 0.3.0
 * @category constants
 */
export const defaultPermissions: Readonly<Record<string, ReadonlyArray<CommandName> | "*">> = Object.fromEntries(
  roles.map((role) => [
    role,
    role === "admin"
      ? "*"
      : definitions.filter((d) => (d.permissions as ReadonlyArray<string>).includes(role)).map((d) => d.name)
  ])
)
