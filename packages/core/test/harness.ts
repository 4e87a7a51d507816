import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type { Actor } from "../src/Actor.js"
import * as Calendar from "../src/Calendar.js"
import type { Case } from "../src/Case.js"
import * as CenterConfig from "../src/CenterConfig.js"
import { Command } from "../src/Command.js"
import type { CaseEvent, Envelope } from "../src/Event.js"
import * as Lifecycle from "../src/Lifecycle.js"
import { admin, applicant, countyConfig, respondent } from "./fixtures.js"

export const resolved = Either.getOrThrow(CenterConfig.resolve(countyConfig, Calendar.china))

const decodeCommand = ParseResult.decodeUnknownSync(Command)

/** The Register command (without actor) that `Scenario.register` runs: a neighbours' dispute at a village. */
export const registerInput = {
  _tag: "Register",
  kind: "dispute",
  channel: "walkIn",
  place: "222403100201",
  intakeNode: "222403100201",
  parties: [applicant, respondent],
  description: "邻里之间因漏水发生纠纷"
} as const

/**
 * A given/when/then harness over the pure lifecycle: commands are decided and evolved in memory, one hour apart
 * unless a time is given.
 */
export class Scenario {
  state: Case | undefined = undefined
  readonly history: Array<Envelope> = []
  private clock: number
  private seq = 0
  private others = new Map<string, Case>()

  constructor(start = "2025-03-03T09:00:00+08:00", readonly caseId = "case-1") {
    this.clock = Date.parse(start)
  }

  /** Registers another case that merge targets can point to. */
  withOther(c: Case): this {
    this.others.set(c.id, c)
    return this
  }

  at(time: string): this {
    this.clock = Date.parse(time)
    return this
  }

  /** The command (given as a partial object) and its context, as `Lifecycle.step` takes them. */
  private prepare(
    partial: Record<string, unknown> & { readonly _tag: string },
    options: { readonly actor?: Actor; readonly at?: string }
  ): { readonly command: Command; readonly ctx: Lifecycle.StepContext } {
    const at = options.at ?? new Date(this.clock).toISOString()
    const command = decodeCommand({
      actor: options.actor ?? admin,
      ...(partial._tag === "Register" ? {} : { caseId: this.caseId }),
      ...partial
    })
    const commandId = `cmd-${++this.seq}`
    return {
      command,
      ctx: {
        config: resolved,
        caseId: this.caseId,
        commandId,
        at,
        code: "222403-2025-000001",
        mergeTarget: command._tag === "Merge" ? this.others.get(command.into) : undefined,
        centre: resolved.id,
        correlationId: commandId
      }
    }
  }

  /** Decides a command (given as a partial object) without applying it. */
  decide(
    partial: Record<string, unknown> & { readonly _tag: string },
    options: { readonly actor?: Actor; readonly at?: string } = {}
  ): Either.Either<ReadonlyArray<CaseEvent>, Lifecycle.DecideError> {
    const { command, ctx } = this.prepare(partial, options)
    return Lifecycle.decide(ctx, this.state, command)
  }

  /** Decides and applies (`Lifecycle.step`); throws if refused. */
  run(
    partial: Record<string, unknown> & { readonly _tag: string },
    options: { readonly actor?: Actor; readonly at?: string } = {}
  ): ReadonlyArray<CaseEvent> {
    this.clock += 3_600_000
    const { command, ctx } = this.prepare(partial, options)
    const r = Lifecycle.step(this.state, command, ctx)
    if (Either.isLeft(r)) throw new Error(`${partial._tag} refused: ${r.left.message}`)
    this.history.push(...r.right.events)
    this.state = r.right.state
    return r.right.events.map((e) => e.event)
  }

  /** Decides; returns the error (throws if the command was accepted). */
  refuse(
    partial: Record<string, unknown> & { readonly _tag: string },
    options: { readonly actor?: Actor; readonly at?: string } = {}
  ): Lifecycle.DecideError {
    const r = this.decide(partial, options)
    if (Either.isRight(r)) throw new Error(`${partial._tag} was accepted: ${JSON.stringify(r.right)}`)
    return r.left
  }

  get case(): Case {
    return this.state!
  }

  register(extra: Record<string, unknown> = {}): this {
    this.run({ ...registerInput, ...extra })
    return this
  }

  /** Registers, accepts, assesses at the village and dispatches to the village mediation committee. */
  toHandling(extra: Record<string, unknown> = {}): this {
    this.register(extra)
    this.run({ _tag: "Accept" })
    this.run({ _tag: "Assess", category: "neighbourhood", complexity: "general" })
    this.run({ _tag: "Dispatch", leadUnit: "dstMediation", mediationType: "people" })
    this.run({ _tag: "StartHandling" })
    return this
  }

  toClosedResolved(): this {
    this.toHandling()
    this.run({ _tag: "RecordMediationSession", mediators: ["王调解员"], result: "agreement" })
    this.run({ _tag: "RecordOutcome", outcome: { _tag: "Resolved", agreement: { summary: "赔偿维修费500元" } } })
    return this
  }
}
