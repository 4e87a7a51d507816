/**
 * Given/when/then specifications of the lifecycle (as emmett's `DeciderSpecification`): given a centre's
 * configuration and what already happened to a case, when a command is sent, then these events are recorded — or
 * the command fails with this error. Pure and in memory (`Lifecycle.step`), so a rule is tested in microseconds,
 * the same way the SDK tests its own command modules, a plugin author tests the commands a plugin sends, and a
 * vendor tests its configuration.
 *
 * ```ts
 * import { Spec } from "@fengqiao/testkit"
 *
 * Spec.given(config)
 *   .run({ _tag: "Register", kind: "dispute", channel: "walkIn", place: "110101001", parties, description: "漏水" })
 *   .when({ _tag: "Accept" })
 *   .then([{ _tag: "Accepted", handlingDeadline: expect.anything() }])
 *
 * Spec.given(config, history)                     // events already recorded
 *   .when({ _tag: "Archive" })
 *   .thenFails("GuardFailed", { guard: "noPendingSupervision" })
 * ```
 *
 * Commands are written without their actor, case id and time: an administrator at the root of the configuration's
 * tree sends them, on one case, one hour apart (from 3 March 2025, 09:00 in China) unless `at` or `actor` says
 * otherwise.
 *
 * @since 0.3.0
 */
import { type Actor, Calendar, type Case, CenterConfig, Command, type Event, Lifecycle } from "@fengqiao/core"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { expect } from "vitest"

/**
 * A command as a specification writes it: without actor, case id or time (they may still be given). It is decoded
 * with `Command.Command`, so a command the schema refuses throws its `ParseError`.
 *
 * @since 0.3.0
 * @category models
 */
export type CommandSpec =
  | { readonly _tag: Command.CommandName; readonly [field: string]: unknown }
  | Readonly<Record<string, unknown>>

/**
 * How one command is sent: its time, its actor, and what the centre would know besides (the time on its clock,
 * the target of a merge, the case code of a registration).
 *
 * @since 0.3.0
 * @category models
 */
export interface SendOptions {
  /**
   * When it happened (the command's `at`, which the command may also carry); one hour after the previous command or
   * event by default.
   */
  readonly at?: string | undefined
  /** Who sends it; an administrator at the root of the tree by default. */
  readonly actor?: Actor.Actor | undefined
  /** The centre's clock when it decides (`at` by default). */
  readonly now?: string | undefined
  /** The target of a `Merge`. */
  readonly mergeTarget?: Case.Case | undefined
  /** The code a `Register` gives the case (`SPEC-000001` by default). */
  readonly code?: string | undefined
  /** Marks the events as history entered late. */
  readonly enteredLate?: boolean | undefined
}

/**
 * Where a specification starts: options of {@link given}.
 *
 * @since 0.3.0
 * @category models
 */
export interface GivenOptions {
  /** The case's id (`spec-case` by default). */
  readonly caseId?: string | undefined
  /** The time of the first command or event (3 March 2025, 09:00 in China by default). */
  readonly start?: string | undefined
  /** The calendar a configuration as written is resolved with (`Calendar.china` by default). */
  readonly calendar?: Calendar.Calendar | undefined
}

/**
 * A case as far as the specification has taken it: run more commands, or send the one under test.
 *
 * @since 0.3.0
 * @category models
 */
export interface Given {
  /** The configuration, resolved. */
  readonly config: CenterConfig.Resolved
  /** The case so far (`undefined` before it is registered). */
  readonly state: Case.Case | undefined
  /** Every event so far, in its envelope. */
  readonly history: ReadonlyArray<Event.Envelope>
  /** Sends a command that must be accepted (a setup step); throws with the refusal otherwise. */
  readonly run: (command: CommandSpec, options?: SendOptions) => Given
  /** Sends the command under test. */
  readonly when: (command: CommandSpec, options?: SendOptions) => When
}

/**
 * The outcome of the command under test, to assert on.
 *
 * @since 0.3.0
 * @category models
 */
export interface When {
  /** The result of `Lifecycle.step`: the events in their envelopes and the case after them, or the refusal. */
  readonly result: Either.Either<Lifecycle.Stepped, Lifecycle.DecideError>
  /**
   * Asserts that the command was accepted and recorded these events (compared with vitest's `toEqual`, so
   * asymmetric matchers such as `expect.anything()` work), or passes them with the new state to a function of
   * assertions. Returns the accepted step.
   */
  readonly then: (
    expected:
      | ReadonlyArray<Event.CaseEvent | Record<string, unknown>>
      | ((events: ReadonlyArray<Event.CaseEvent>, state: Case.Case) => void)
  ) => Lifecycle.Stepped
  /**
   * Asserts that the command was refused with an error of this tag (and, when given, this guard or these fields).
   * Returns the error.
   */
  readonly thenFails: (
    tag: Lifecycle.DecideError["_tag"],
    detail?: { readonly guard?: Lifecycle.GuardName | undefined; readonly [field: string]: unknown }
  ) => Lifecycle.DecideError
  /** Continues from the case after the command (which must have been accepted). */
  readonly and: () => Given
}

const decodeCommand = Schema.decodeUnknownSync(Command.Command)

const HOUR = 3_600_000

interface Track {
  readonly config: CenterConfig.Resolved
  readonly caseId: string
  readonly state: Case.Case | undefined
  readonly history: ReadonlyArray<Event.Envelope>
  /** The time of the last command or event, in milliseconds. */
  readonly clock: number
  readonly seq: number
}

const resolved = (
  config: CenterConfig.Resolved | CenterConfig.CenterConfigInput,
  calendar: Calendar.Calendar
): CenterConfig.Resolved =>
  (config as Partial<CenterConfig.Resolved>).caseKinds instanceof Map
    ? config as CenterConfig.Resolved
    : Either.getOrThrowWith(CenterConfig.resolve(config, calendar), (e) => e)

const isEnvelope = (x: Event.CaseEvent | Event.Envelope): x is Event.Envelope => "event" in x && "version" in x

const adminOf = (config: CenterConfig.Resolved): Actor.Actor => ({
  id: "spec-admin",
  roles: ["admin"],
  jurisdiction: config.tree.root.code
})

const send = (
  t: Track,
  partial: CommandSpec,
  options: SendOptions
): { readonly result: Either.Either<Lifecycle.Stepped, Lifecycle.DecideError>; readonly track: Track } => {
  const given = options.at ?? (typeof partial.at === "string" ? partial.at : undefined)
  const clock = given !== undefined ? Date.parse(given) : t.clock + HOUR
  const at = new Date(clock).toISOString()
  const seq = t.seq + 1
  const commandId = `spec-${seq}`
  const command = decodeCommand({
    actor: options.actor ?? adminOf(t.config),
    ...(partial._tag === "Register" ? {} : { caseId: t.caseId }),
    ...partial
  })
  const result = Lifecycle.step(t.state, command, {
    config: t.config,
    caseId: t.caseId,
    commandId,
    at,
    now: options.now === undefined ? undefined : new Date(options.now).toISOString(),
    code: options.code ?? "SPEC-000001",
    mergeTarget: options.mergeTarget,
    centre: t.config.id,
    correlationId: commandId,
    enteredLate: options.enteredLate
  })
  const track: Track = Either.isRight(result)
    ? {
      ...t,
      state: result.right.state,
      history: [...t.history, ...result.right.events],
      clock,
      seq
    }
    : { ...t, clock, seq }
  return { result, track }
}

const givenOf = (t: Track): Given => ({
  config: t.config,
  state: t.state,
  history: t.history,
  run: (command, options = {}) => {
    const { result, track } = send(t, command, options)
    if (Either.isLeft(result)) throw new Error(`setup: ${String(command._tag)} was refused: ${result.left.message}`)
    return givenOf(track)
  },
  when: (command, options = {}) => whenOf(send(t, command, options), command)
})

const whenOf = (
  sent: { readonly result: Either.Either<Lifecycle.Stepped, Lifecycle.DecideError>; readonly track: Track },
  command: CommandSpec
): When => {
  const accepted = (): Lifecycle.Stepped => {
    if (Either.isLeft(sent.result)) {
      throw new Error(`${String(command._tag)} was refused (${sent.result.left._tag}): ${sent.result.left.message}`)
    }
    return sent.result.right
  }
  return {
    result: sent.result,
    then: (expected) => {
      const stepped = accepted()
      const events = stepped.events.map((e) => e.event)
      if (typeof expected === "function") expected(events, stepped.state)
      else expect(events).toEqual(expected)
      return stepped
    },
    thenFails: (tag, detail = {}) => {
      if (Either.isRight(sent.result)) {
        throw new Error(
          `${String(command._tag)} was accepted, expected ${tag}: ${
            JSON.stringify(sent.result.right.events.map((e) => e.event))
          }`
        )
      }
      const error: Lifecycle.DecideError = sent.result.left
      expect(error._tag, error.message).toBe(tag)
      for (const [key, value] of Object.entries(detail)) {
        if (value !== undefined) expect((error as unknown as Record<string, unknown>)[key], key).toEqual(value)
      }
      return error
    },
    and: () => {
      accepted()
      return givenOf(sent.track)
    }
  }
}

/**
 * Starts a specification: a configuration (as written, or resolved) and what already happened to the case — events
 * (wrapped in envelopes one hour apart, sent by an administrator) or envelopes as a store holds them — if anything.
 *
 * @since 0.3.0
 * @category constructors
 */
export const given = (
  config: CenterConfig.Resolved | CenterConfig.CenterConfigInput,
  history: ReadonlyArray<Event.CaseEvent | Event.Envelope> = [],
  options: GivenOptions = {}
): Given => {
  const c = resolved(config, options.calendar ?? Calendar.china)
  const caseId = options.caseId ?? "spec-case"
  let t: Track = {
    config: c,
    caseId,
    state: undefined,
    history: [],
    clock: Date.parse(options.start ?? "2025-03-03T09:00:00+08:00") - HOUR,
    seq: 0
  }
  for (const x of history) {
    const clock = isEnvelope(x) ? Date.parse(x.at) : t.clock + HOUR
    const seq = t.seq + 1
    const env: Event.Envelope = isEnvelope(x) ? x : {
      caseId,
      centre: c.id,
      version: (t.state?.version ?? 0) + 1,
      at: new Date(clock).toISOString(),
      actor: adminOf(c),
      commandId: `spec-${seq}`,
      correlationId: `spec-${seq}`,
      event: x
    }
    t = { ...t, state: Lifecycle.evolve(t.state, env), history: [...t.history, env], clock, seq }
  }
  return givenOf(t)
}

/**
 * A shorthand for one command on a case with this history: `given(config, history).when(command, options)`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const when = (
  config: CenterConfig.Resolved | CenterConfig.CenterConfigInput,
  history: ReadonlyArray<Event.CaseEvent | Event.Envelope>,
  command: CommandSpec,
  options?: SendOptions
): When => given(config, history).when(command, options)
