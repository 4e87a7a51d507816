/**
 * The shape of a command module: {@link defineCommand} gathers in one place everything the SDK knows about a
 * command — its schema, the events it records, its row of the lifecycle table, its guards, its `decide`, one evolver
 * per event, its labels in every locale and the roles that may send it by default. The registry
 * (`lifecycle/registry.ts`) derives the `Command` and `CaseEvent` unions, the table, the labels and the default
 * permissions from these definitions, so a forgotten part is a compile error in the module itself.
 *
 * @since 0.3.0
 */
import type * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { Actor, type Role as ActorRole, roles as actorRoles } from "../Actor.js"
import type { Case, Status } from "../Case.js"
import type { Resolved } from "../CenterConfig.js"
import type { CalendarYearNotCovered, CommandNotAllowed, GuardFailed, InvalidInput } from "../Errors.js"
import { CaseId, CommandId, Id, maxVersion, optionalField, Timestamp, TimestampInput } from "../Primitives.js"

/**
 * A state of the table: a {@link Status}, or `none` before a case exists.
 *
 * @since 0.1.0
 * @category models
 */
export type Phase = Status | "none"

/**
 * The names of the guards (their checks are in `lifecycle/guards.ts`).
 *
 * @since 0.1.0
 * @category models
 */
export type GuardName =
  | "timeMovesForward"
  | "mergeTargetValid"
  | "leadUnitMayMediate"
  | "leadUnitServesHandlingNode"
  | "summonedServesCase"
  | "assistingUnitsDistinct"
  | "mediationNotRefused"
  | "sessionIdUnique"
  | "summonsIdUnique"
  | "summonsPending"
  | "escalationRaisesTier"
  | "routeNotRaised"
  | "extensionWithinRule"
  | "judicialConfirmationEligible"
  | "courtIsCourt"
  | "orderIdUnique"
  | "orderDueAfterIssue"
  | "orderPending"
  | "noPendingSupervision"
  | "actorIsLeadUnit"
  | "actorIsLeadOrSummoned"
  | "deadlinesMoved"

/**
 * Everything `decide` needs besides the state and the command.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecideContext {
  readonly config: Resolved
  /** The case the command is for (the new case's id for `Register`). */
  readonly caseId: string
  /** The command's effective id: default for ids the command leaves out (order, session, summons). */
  readonly commandId: string
  /** The command's effective time: when it happened (the caller's `at`, within the centre's window). */
  readonly at: string
  /**
   * The centre's time when it decides (its clock): windows and due times are judged by it. `at` when absent
   * (history being imported is judged at its own times).
   */
  readonly now?: string | undefined
  /** The case code, for `Register`. */
  readonly code?: string | undefined
  /** The target of a `Merge`, loaded by the caller. */
  readonly mergeTarget?: Case | undefined
}

/**
 * Why `decide` refused a command.
 *
 * @since 0.1.0
 * @category models
 */
export type DecideError = CommandNotAllowed | GuardFailed | InvalidInput | CalendarYearNotCovered

/**
 * The roles of the default policy (`Actor.roles`), in the order `Policy.defaultPermissions` lists them. `admin` may
 * send every command; `viewer` none.
 *
 * @since 0.3.0
 * @category constants
 */
export const roles = actorRoles

/**
 * A role of the default policy.
 *
 * @since 0.3.0
 * @category models
 */
export type Role = ActorRole

/**
 * The roles (besides `admin`, who may send everything) that may send a command under the default policy: at least
 * one, so that forgetting them does not compile.
 *
 * @since 0.3.0
 * @category models
 */
export type Permissions = readonly [Exclude<Role, "admin">, ...ReadonlyArray<Exclude<Role, "admin">>]

/**
 * A label in every built-in locale (none may be left out, unlike a configuration's `Labels`).
 *
 * @since 0.3.0
 * @category models
 */
export interface LocaleLabels {
  readonly "zh-Hans": string
  readonly "zh-Hant": string
  readonly en: string
  readonly ko: string
}

/**
 * The fields every command carries: the actor, an optional command id (a repeated id gives the first result again),
 * an optional time (the centre's clock otherwise) and an optional correlation id.
 *
 * @since 0.3.0
 * @category schemas
 */
export const commandMeta = {
  actor: Actor,
  commandId: optionalField(CommandId),
  at: optionalField(TimestampInput),
  correlationId: optionalField(Id)
}

/**
 * The fields of a command on an existing case: {@link commandMeta}, the case id and the version its sender decided on.
 *
 * @since 0.3.0
 * @category schemas
 */
export const onCase = {
  ...commandMeta,
  caseId: CaseId,
  /**
   * The version of the case the sender decided on (乐观并发): when the case has moved on since, the command is
   * refused with a `VersionConflict` and not retried, instead of being applied to a state its sender has not seen.
   */
  expectedVersion: optionalField(
    Schema.Int.pipe(Schema.between(1, maxVersion)).annotations({
      title: "expectedVersion",
      description: "a case version, 1 or more: the one the sender decided on"
    })
  )
}

/**
 * An optional field of an event (exact: absent, never `undefined`).
 *
 * @since 0.3.0
 * @category schemas
 */
export const opt = <S extends Schema.Schema.Any>(s: S) => Schema.optionalWith(s, { exact: true })

/**
 * The fields of an event's envelope besides the event, in the order `Event.Envelope` lists them.
 *
 * @since 0.3.0
 * @category schemas
 */
export const envelopeFields = {
  caseId: CaseId,
  centre: Id,
  version: Schema.Int.pipe(Schema.positive()),
  at: Timestamp,
  /**
   * When the centre recorded the event, by its own clock (absent on events recorded before the centre stamped
   * them). `at` is when it happened, as the caller said, within the centre's window.
   */
  recordedAt: Schema.optionalWith(Timestamp, { exact: true }),
  /** Set on history entered late (imported, or backdated by a role allowed to): timeliness can leave it out. */
  enteredLate: Schema.optionalWith(Schema.Literal(true), { exact: true }),
  actor: Actor,
  commandId: CommandId,
  correlationId: Id
}

/**
 * An event in its envelope.
 *
 * @since 0.3.0
 * @category models
 */
export type Recorded<E> = Schema.Struct.Type<typeof envelopeFields> & { readonly event: E }

/**
 * A tagged struct schema without requirements: a command or an event.
 *
 * @since 0.3.0
 * @category models
 */
export type AnyTagged = Schema.TaggedStruct<any, any>

/** The state a command or an event of a row meets: `undefined` only for a row from `none`. */
type StateIn<F extends ReadonlyArray<Phase>> = "none" extends F[number] ? Case | undefined : Case

/**
 * One evolver per event a command records, by event tag.
 *
 * @since 0.3.0
 * @category models
 */
export type Evolvers<E extends ReadonlyArray<AnyTagged>, F extends ReadonlyArray<Phase>> = {
  readonly [K in E[number]["Type"]["_tag"] & string]: (
    state: StateIn<F>,
    env: Recorded<Extract<E[number]["Type"], { readonly _tag: K }>>
  ) => Case
}

/**
 * The parts of a command module, as given to {@link defineCommand}.
 *
 * @since 0.3.0
 * @category models
 */
export interface CommandParts<
  C extends AnyTagged = AnyTagged,
  E extends ReadonlyArray<AnyTagged> = ReadonlyArray<AnyTagged>,
  F extends ReadonlyArray<Phase> = ReadonlyArray<Phase>
> {
  /** The command's schema (a tagged struct: its tag is the command's name). */
  readonly command: C
  /** The events it records; the first is the one it always records (`Lifecycle.firstEventOf`). */
  readonly events: E
  /** Its row of the lifecycle table: the states it is allowed in and those it may lead to. */
  readonly row: {
    readonly from: F
    /** `unchanged` when it records something without moving the case. */
    readonly to: ReadonlyArray<Status | "unchanged">
  }
  /** The guards that must pass, in order (`timeMovesForward` applies to every command on an existing case). */
  readonly guards: ReadonlyArray<GuardName>
  /** What the command records, or why it is refused; called once the table and the guards let it through. */
  readonly decide: (
    ctx: DecideContext,
    state: StateIn<F>,
    command: C["Type"]
  ) => Either.Either<ReadonlyArray<E[number]["Type"]>, DecideError>
  /** One evolver per event it records. */
  readonly evolve: Evolvers<E, F>
  /** Its name in every locale (`I18n.builtInLabels` under `command.<Name>`). */
  readonly labels: LocaleLabels
  /** The roles that may send it under the default policy (`Policy.defaultPermissions`). */
  readonly permissions: Permissions
  /**
   * The nodes of the jurisdiction tree the command names, with their fields, for `Lifecycle.unknownNode` (the
   * centre checks them before its policy).
   */
  readonly nodes?:
    | ((command: C["Type"]) => ReadonlyArray<readonly [field: string, code: string | undefined]>)
    | undefined
}

/**
 * A command module: everything the SDK knows about one command.
 *
 * @since 0.3.0
 * @category models
 */
export interface CommandDefinition<
  C extends AnyTagged = AnyTagged,
  E extends ReadonlyArray<AnyTagged> = ReadonlyArray<AnyTagged>,
  F extends ReadonlyArray<Phase> = ReadonlyArray<Phase>
> extends CommandParts<C, E, F> {
  readonly _kind: "command"
  /** The command's name: its schema's tag. */
  readonly name: C["Type"]["_tag"]
  /** The names of its events, in order. */
  readonly eventNames: ReadonlyArray<E[number]["Type"]["_tag"]>
}

/**
 * An event no command records as its own: plugins record it after a command (`RiskGraded`).
 *
 * @since 0.3.0
 * @category models
 */
export interface EventDefinition<E extends AnyTagged = AnyTagged> extends EventParts<E> {
  readonly _kind: "event"
  /** The event's name: its schema's tag. */
  readonly name: E["Type"]["_tag"]
}

/**
 * The parts of an event no command records as its own, as given to {@link defineEvent}.
 *
 * @since 0.3.0
 * @category models
 */
export interface EventParts<E extends AnyTagged = AnyTagged> {
  readonly event: E
  readonly evolve: (state: Case, env: Recorded<E["Type"]>) => Case
}

/**
 * Defines a command module. Every part is required, so a definition without a row, a label in one of the four
 * locales, permissions or an evolver for one of its events does not compile.
 *
 * @since 0.3.0
 * @category constructors
 */
export const defineCommand = <
  C extends AnyTagged,
  const E extends readonly [AnyTagged, ...ReadonlyArray<AnyTagged>],
  const F extends ReadonlyArray<Phase>
>(definition: CommandParts<C, E, F>): CommandDefinition<C, E, F> => ({
  _kind: "command",
  name: tagOf(definition.command) as C["Type"]["_tag"],
  eventNames: definition.events.map(tagOf) as unknown as ReadonlyArray<E[number]["Type"]["_tag"]>,
  ...definition
})

/**
 * Defines an event no command records as its own, with its evolver.
 *
 * @since 0.3.0
 * @category constructors
 */
export const defineEvent = <E extends AnyTagged>(definition: EventParts<E>): EventDefinition<E> => ({
  _kind: "event",
  name: tagOf(definition.event) as E["Type"]["_tag"],
  ...definition
})

/**
 * The tag of a tagged struct schema.
 *
 * @since 0.3.0
 * @category utils
 */
export const tagOf = (schema: AnyTagged): string => {
  const tag = SchemaAST.getPropertySignatures(schema.ast).find((p) => p.name === "_tag")?.type
  if (tag === undefined || !SchemaAST.isLiteral(tag) || typeof tag.literal !== "string") {
    throw new Error("a command or an event is a tagged struct")
  }
  return tag.literal
}

/**
 * A command or event definition, with its types erased (as the registry holds them).
 *
 * @since 0.3.0
 * @category models
 */
export type AnyDefinition = CommandDefinition<any, any, any> | EventDefinition<any>
