/**
 * Routing (研判分流): a case is assessed (classified, graded, given a handling node), dispatched to a lead unit,
 * sent back by it, or re-dispatched.
 *
 * @since 0.3.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { Case } from "../Case.js"
import { Risk } from "../Case.js"
import { Deadline } from "../Deadline.js"
import { DivisionCode, Key, Note, optionalField } from "../Primitives.js"
import { defineCommand, onCase, opt, type Recorded } from "./define.js"
import { bad, checkUnits, moved, ok, oneOf, startDeadline, withDeadline, without } from "./shared.js"

/**
 * 研判: classify, grade the risk and decide where the case is handled. Without `risk`, the centre's risk
 * graders decide; with none installed, the lowest level applies.
 *
 * @since 0.1.0
 * @category commands
 */
export const Assess = Schema.TaggedStruct("Assess", {
  ...onCase,
  category: Key,
  complexity: Key,
  risk: optionalField(Schema.Struct({ level: Key, reason: optionalField(Note) })),
  /** The node that will handle the case (the tier); the current one if omitted. */
  handlingNode: optionalField(DivisionCode),
  note: optionalField(Note)
}).annotations({ identifier: "Assess" })

/**
 * @since 0.1.0
 * @category events
 */
export const Assessed = Schema.TaggedStruct("Assessed", {
  category: Key,
  complexity: Key,
  risk: Risk,
  handlingNode: DivisionCode,
  note: opt(Note),
  handlingDeadline: opt(Deadline)
})

/**
 * 研判.
 *
 * @since 0.3.0
 * @category definitions
 */
export const assess = defineCommand({
  command: Assess,
  events: [Assessed],
  row: { from: ["accepted", "assessed", "sentBack", "escalated"], to: ["assessed"] },
  guards: ["routeNotRaised"],
  nodes: (c) => [["handlingNode", c.handlingNode]],
  decide: (ctx, s, c) => {
    const { config } = ctx
    if (!config.categories.has(c.category)) return bad("category", oneOf(config.categories))
    if (!config.complexities.has(c.complexity)) return bad("complexity", oneOf(config.complexities))
    if (c.risk !== undefined && !config.riskLevels.has(c.risk.level)) {
      return bad("risk.level", oneOf(config.riskLevels))
    }
    const handlingNode = c.handlingNode ?? s.handlingNode
    const risk: Risk = c.risk !== undefined
      ? {
        level: c.risk.level,
        source: "manual",
        ...(c.risk.reason !== undefined
          ? { factors: [{ id: "manual", contribution: 0, detail: c.risk.reason }] }
          : {})
      }
      : s.risk
    const deadline = s.deadlines.handling !== undefined || s.acceptedAt === undefined
      ? Either.right(undefined)
      : startDeadline(
        config,
        "handling",
        { kind: s.kind, channel: s.channel, complexity: c.complexity },
        s.acceptedAt
      )
    return Either.map(deadline, (d): ReadonlyArray<typeof Assessed.Type> => [{
      _tag: "Assessed",
      category: c.category,
      complexity: c.complexity,
      risk,
      handlingNode,
      ...(c.note !== undefined ? { note: c.note } : {}),
      ...withDeadline("handlingDeadline", d)
    }])
  },
  evolve: {
    Assessed: (s, env) => {
      const e = env.event
      const n = moved(s, env, "assessed")
      n.category = e.category
      n.complexity = e.complexity
      n.risk = e.risk
      n.handlingNode = e.handlingNode
      n.assessedAt = env.at
      if (e.handlingDeadline !== undefined) n.deadlines = { ...s.deadlines, handling: e.handlingDeadline }
      return n
    }
  },
  labels: { "zh-Hans": "研判", "zh-Hant": "研判", en: "Assess", ko: "연구판단" },
  permissions: ["dispatcher"]
})

/**
 * 分流交办: hand the case to a lead unit, with assisting units and a mediation type that the lead unit may
 * conduct.
 *
 * @since 0.1.0
 * @category commands
 */
export const Dispatch = Schema.TaggedStruct("Dispatch", {
  ...onCase,
  leadUnit: Key,
  assistingUnits: optionalField(Schema.Array(Key).pipe(Schema.maxItems(50))),
  mediationType: optionalField(Key),
  note: optionalField(Note)
}).annotations({ identifier: "Dispatch" })

/**
 * @since 0.1.0
 * @category events
 */
export const Dispatched = Schema.TaggedStruct("Dispatched", {
  leadUnit: Key,
  assistingUnits: Schema.Array(Key),
  mediationType: opt(Key),
  note: opt(Note)
})

/** A (re-)dispatch: the case goes to the lead unit, with its assisting units and mediation type. */
const dispatched = (
  s: Case,
  env: Recorded<{
    readonly leadUnit: string
    readonly assistingUnits: ReadonlyArray<string>
    readonly mediationType?: string | undefined
  }>
): Case => {
  const e = env.event
  const n = moved(s, env, "dispatched")
  n.leadUnit = e.leadUnit
  n.assistingUnits = e.assistingUnits
  n.dispatchedAt = env.at
  n.dispatchCount = s.dispatchCount + 1
  if (e.mediationType !== undefined) n.mediationType = e.mediationType
  else delete n.mediationType
  return n
}

/**
 * 分流交办.
 *
 * @since 0.3.0
 * @category definitions
 */
export const dispatch = defineCommand({
  command: Dispatch,
  events: [Dispatched],
  row: { from: ["assessed", "escalated"], to: ["dispatched"] },
  guards: ["leadUnitMayMediate", "leadUnitServesHandlingNode", "assistingUnitsDistinct"],
  decide: (ctx, _s, c) => {
    const problem = checkUnits(ctx.config, c.leadUnit, c.assistingUnits, c.mediationType)
    if (problem !== undefined) return problem
    return ok({
      _tag: "Dispatched" as const,
      leadUnit: c.leadUnit,
      assistingUnits: c.assistingUnits ?? [],
      ...(c.mediationType !== undefined ? { mediationType: c.mediationType } : {}),
      ...(c.note !== undefined ? { note: c.note } : {})
    })
  },
  evolve: { Dispatched: dispatched },
  labels: { "zh-Hans": "分流交办", "zh-Hant": "分流交辦", en: "Dispatch", ko: "배정·교부" },
  permissions: ["dispatcher"]
})

/**
 * 退单: the lead unit objects to the dispatch.
 *
 * @since 0.1.0
 * @category commands
 */
export const SendBack = Schema.TaggedStruct("SendBack", { ...onCase, reason: Note }).annotations({
  identifier: "SendBack"
})

/**
 * @since 0.1.0
 * @category events
 */
export const SentBack = Schema.TaggedStruct("SentBack", { unit: Key, reason: Note })

/**
 * 退单.
 *
 * @since 0.3.0
 * @category definitions
 */
export const sendBack = defineCommand({
  command: SendBack,
  events: [SentBack],
  row: { from: ["dispatched"], to: ["sentBack"] },
  guards: ["actorIsLeadUnit"],
  decide: (_ctx, s, c) => ok({ _tag: "SentBack" as const, unit: s.leadUnit!, reason: c.reason }),
  evolve: {
    SentBack: (s, env) => {
      const n = without(moved(s, env, "sentBack"), "leadUnit", "mediationType")
      n.assistingUnits = []
      n.sendBacks = [...s.sendBacks, { unit: env.event.unit, reason: env.event.reason, at: env.at }]
      return n
    }
  },
  labels: { "zh-Hans": "退单", "zh-Hant": "退單", en: "Send back", ko: "반송" },
  permissions: ["handler"]
})

/**
 * 改派: the centre re-routes the case to another unit.
 *
 * @since 0.1.0
 * @category commands
 */
export const Redispatch = Schema.TaggedStruct("Redispatch", {
  ...onCase,
  leadUnit: Key,
  assistingUnits: optionalField(Schema.Array(Key).pipe(Schema.maxItems(50))),
  mediationType: optionalField(Key),
  reason: Note
}).annotations({ identifier: "Redispatch" })

/**
 * @since 0.1.0
 * @category events
 */
export const Redispatched = Schema.TaggedStruct("Redispatched", {
  leadUnit: Key,
  assistingUnits: Schema.Array(Key),
  mediationType: opt(Key),
  reason: Note
})

/**
 * 改派.
 *
 * @since 0.3.0
 * @category definitions
 */
export const redispatch = defineCommand({
  command: Redispatch,
  events: [Redispatched],
  row: { from: ["dispatched", "sentBack", "handling"], to: ["dispatched"] },
  guards: ["leadUnitMayMediate", "leadUnitServesHandlingNode", "assistingUnitsDistinct"],
  decide: (ctx, _s, c) => {
    const problem = checkUnits(ctx.config, c.leadUnit, c.assistingUnits, c.mediationType)
    if (problem !== undefined) return problem
    return ok({
      _tag: "Redispatched" as const,
      leadUnit: c.leadUnit,
      assistingUnits: c.assistingUnits ?? [],
      ...(c.mediationType !== undefined ? { mediationType: c.mediationType } : {}),
      reason: c.reason
    })
  },
  evolve: { Redispatched: dispatched },
  labels: { "zh-Hans": "改派", "zh-Hant": "改派", en: "Re-dispatch", ko: "재배정" },
  permissions: ["dispatcher"]
})

/**
 * The commands of routing, in lifecycle order.
 *
 * @since 0.3.0
 * @category definitions
 */
export const routing = [assess, dispatch, sendBack, redispatch] as const
