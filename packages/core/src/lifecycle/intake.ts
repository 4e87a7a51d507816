/**
 * Intake (受理): a case is registered, then accepted, declined or merged into another.
 *
 * @since 0.3.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { Attachment, type Case, Risk } from "../Case.js"
import { Deadline } from "../Deadline.js"
import { Party, PartyRecord } from "../Party.js"
import {
  CaseId,
  Description,
  DivisionCode,
  Key,
  Locale,
  Note,
  optionalField,
  Timestamp,
  TimestampInput,
  Yuan
} from "../Primitives.js"
import { commandMeta, defineCommand, onCase, opt } from "./define.js"
import type { Mutable } from "./shared.js"
import { bad, moved, ok, oneOf, startDeadline, unknownNodeIn, withDeadline } from "./shared.js"

/**
 * 登记: register a case taken in at a window or through any channel. Whoever registers it is its first
 * receiver (首接负责制) for good.
 *
 * @since 0.1.0
 * @category commands
 */
export const Register = Schema.TaggedStruct("Register", {
  ...commandMeta,
  caseId: optionalField(CaseId),
  kind: Key,
  channel: Key,
  /** Where the matter arose. */
  place: DivisionCode,
  /** The node whose window took the case in; the actor's jurisdiction if omitted. */
  intakeNode: optionalField(DivisionCode),
  parties: Schema.Array(Party).pipe(Schema.minItems(1), Schema.maxItems(500)),
  /** People involved (for group cases, 群体性); at least the number of parties who are persons. */
  headcount: optionalField(Schema.Int.pipe(Schema.between(1, 1_000_000))),
  description: Description,
  amountAtStake: optionalField(Yuan),
  attachments: optionalField(Schema.Array(Attachment).pipe(Schema.maxItems(200))),
  category: optionalField(Key),
  /** When the dispute arose; not after the registration. */
  occurredAt: optionalField(TimestampInput),
  language: optionalField(Locale)
}).annotations({ identifier: "Register" })

/**
 * @since 0.1.0
 * @category events
 */
export const Registered = Schema.TaggedStruct("Registered", {
  code: Schema.String,
  kind: Key,
  channel: Key,
  place: DivisionCode,
  intakeNode: DivisionCode,
  parties: Schema.Array(PartyRecord),
  headcount: Schema.Int,
  description: Description,
  amountAtStake: opt(Yuan),
  attachments: Schema.Array(Attachment),
  category: opt(Key),
  occurredAt: opt(Timestamp),
  language: opt(Locale),
  risk: Risk,
  acceptanceDeadline: opt(Deadline)
})

const registerNodes = (c: typeof Register.Type) => [["place", c.place], ["intakeNode", c.intakeNode]] as const

/**
 * 登记.
 *
 * @since 0.3.0
 * @category definitions
 */
export const register = defineCommand({
  command: Register,
  events: [Registered],
  row: { from: ["none"], to: ["registered"] },
  guards: [],
  nodes: (c) => registerNodes(c),
  decide: (ctx, _state, c) => {
    const { config } = ctx
    if (!config.caseKinds.has(c.kind)) return bad("kind", oneOf(config.caseKinds))
    if (!config.channels.has(c.channel)) return bad("channel", oneOf(config.channels))
    const unknown = unknownNodeIn(config, registerNodes(c))
    if (unknown !== undefined) return Either.left(unknown)
    const intakeNode = c.intakeNode ?? c.actor.jurisdiction
    if (config.tree.get(intakeNode) === undefined) {
      return bad(
        c.intakeNode === undefined ? "actor.jurisdiction" : "intakeNode",
        "the code of a node in the centre's jurisdiction tree"
      )
    }
    if (c.category !== undefined && !config.categories.has(c.category)) {
      return bad("category", oneOf(config.categories))
    }
    const persons = c.parties.filter((p) => p._tag === "Person").length
    const headcount = c.headcount ?? Math.max(1, persons)
    if (headcount < persons) return bad("headcount", `at least the number of persons among the parties (${persons})`)
    if (c.occurredAt !== undefined && c.occurredAt > ctx.at) {
      return bad("occurredAt", `a time not after the registration at ${ctx.at}`)
    }
    if (ctx.code === undefined) return bad("code", "a case code assigned by the centre")
    return Either.map(
      startDeadline(config, "acceptance", c, ctx.at),
      (acceptanceDeadline): ReadonlyArray<typeof Registered.Type> => [{
        _tag: "Registered",
        code: ctx.code!,
        kind: c.kind,
        channel: c.channel,
        place: c.place,
        intakeNode,
        parties: c.parties,
        headcount,
        description: c.description,
        attachments: c.attachments ?? [],
        risk: { level: config.defaultRiskLevel.id, source: "default" },
        ...(c.amountAtStake !== undefined ? { amountAtStake: c.amountAtStake } : {}),
        ...(c.category !== undefined ? { category: c.category } : {}),
        ...(c.occurredAt !== undefined ? { occurredAt: c.occurredAt } : {}),
        ...(c.language !== undefined ? { language: c.language } : {}),
        ...withDeadline("acceptanceDeadline", acceptanceDeadline)
      }]
    )
  },
  evolve: {
    Registered: (_state, env) => {
      const e = env.event
      const c: Mutable<Case> = {
        id: env.caseId,
        centre: env.centre,
        code: e.code,
        version: env.version,
        status: "registered",
        statusSince: env.at,
        kind: e.kind,
        channel: e.channel,
        risk: e.risk,
        parties: e.parties,
        headcount: e.headcount,
        description: e.description,
        attachments: e.attachments,
        place: e.place,
        intakeNode: e.intakeNode,
        handlingNode: e.intakeNode,
        firstReceiver: env.actor,
        registeredAt: env.at,
        updatedAt: env.at,
        assistingUnits: [],
        dispatchCount: 0,
        sendBacks: [],
        sessions: [],
        consultations: [],
        summons: [],
        escalations: [],
        deadlines: e.acceptanceDeadline !== undefined ? { acceptance: e.acceptanceDeadline } : {},
        followUps: [],
        reopenCount: 0,
        supervision: []
      }
      if (e.category !== undefined) c.category = e.category
      if (e.amountAtStake !== undefined) c.amountAtStake = e.amountAtStake
      if (e.language !== undefined) c.language = e.language
      if (e.occurredAt !== undefined) c.occurredAt = e.occurredAt
      return c
    }
  },
  labels: { "zh-Hans": "登记", "zh-Hant": "登記", en: "Register", ko: "등록" },
  permissions: ["intake", "gridWorker"]
})

/**
 * 受理: accept the case.
 *
 * @since 0.1.0
 * @category commands
 */
export const Accept = Schema.TaggedStruct("Accept", onCase).annotations({ identifier: "Accept" })

/**
 * @since 0.1.0
 * @category events
 */
export const Accepted = Schema.TaggedStruct("Accepted", { handlingDeadline: opt(Deadline) })

/**
 * 受理.
 *
 * @since 0.3.0
 * @category definitions
 */
export const accept = defineCommand({
  command: Accept,
  events: [Accepted],
  row: { from: ["registered"], to: ["accepted"] },
  guards: [],
  decide: (ctx, s) =>
    Either.map(
      startDeadline(ctx.config, "handling", s, ctx.at),
      (d): ReadonlyArray<typeof Accepted.Type> => [{ _tag: "Accepted", ...withDeadline("handlingDeadline", d) }]
    ),
  evolve: {
    Accepted: (s, env) => {
      const n = moved(s, env, "accepted")
      n.acceptedAt = env.at
      if (env.event.handlingDeadline !== undefined) {
        n.deadlines = { ...s.deadlines, handling: env.event.handlingDeadline }
      }
      return n
    }
  },
  labels: { "zh-Hans": "受理", "zh-Hant": "受理", en: "Accept", ko: "접수" },
  permissions: ["intake"]
})

/**
 * 不予受理: decline to accept, saying why and where to go instead.
 *
 * @since 0.1.0
 * @category commands
 */
export const Reject = Schema.TaggedStruct("Reject", { ...onCase, reason: Note, redirectTo: Note }).annotations({
  identifier: "Reject"
})

/**
 * @since 0.1.0
 * @category events
 */
export const Rejected = Schema.TaggedStruct("Rejected", { reason: Note, redirectTo: Note })

/**
 * 不予受理.
 *
 * @since 0.3.0
 * @category definitions
 */
export const reject = defineCommand({
  command: Reject,
  events: [Rejected],
  row: { from: ["registered"], to: ["rejected"] },
  guards: [],
  decide: (_ctx, _s, c) => ok({ _tag: "Rejected" as const, reason: c.reason, redirectTo: c.redirectTo }),
  evolve: {
    Rejected: (s, env) => {
      const n = moved(s, env, "rejected")
      n.rejection = { reason: env.event.reason, redirectTo: env.event.redirectTo }
      return n
    }
  },
  labels: { "zh-Hans": "不予受理", "zh-Hant": "不予受理", en: "Decline to accept", ko: "불수리" },
  permissions: ["intake"]
})

/**
 * 并单: merge a duplicate request into another case about the same matter.
 *
 * @since 0.1.0
 * @category commands
 */
export const Merge = Schema.TaggedStruct("Merge", { ...onCase, into: CaseId, reason: optionalField(Note) })
  .annotations({ identifier: "Merge" })

/**
 * @since 0.1.0
 * @category events
 */
export const Merged = Schema.TaggedStruct("Merged", { into: CaseId, reason: opt(Note) })

/**
 * 并单.
 *
 * @since 0.3.0
 * @category definitions
 */
export const merge = defineCommand({
  command: Merge,
  events: [Merged],
  row: { from: ["registered", "accepted", "assessed"], to: ["merged"] },
  guards: ["mergeTargetValid"],
  decide: (_ctx, _s, c) =>
    ok({ _tag: "Merged" as const, into: c.into, ...(c.reason !== undefined ? { reason: c.reason } : {}) }),
  evolve: {
    Merged: (s, env) => {
      const n = moved(s, env, "merged")
      n.mergedInto = env.event.into
      return n
    }
  },
  labels: { "zh-Hans": "并单", "zh-Hant": "併單", en: "Merge", ko: "병합" },
  permissions: ["intake", "dispatcher"]
})

/**
 * The commands of intake, in lifecycle order.
 *
 * @since 0.3.0
 * @category definitions
 */
export const intake = [register, accept, reject, merge] as const
