/**
 * The risk plugin (风险研判与预警): grades cases with the rule-based grader (and any grader another plugin
 * contributes), keeps an early warning (预警) for every open case at a warning level — its owner and the time by
 * which it must be reported — suggests or carries out escalation by level, re-grades related open cases when a
 * new incident about the same person, phone or address arrives, and answers the early-warning list (预警清单).
 *
 * Its state lives in its own namespace: `i/<kind>/<fingerprint>` (the incidents of a person, phone or address —
 * fingerprints, never the ID numbers themselves) and `w/<place path><case id>` (open warnings, so that a
 * jurisdiction subtree is one prefix scan).
 *
 * @example
 * ```ts
 * import { createCenter } from "@fengqiao/core"
 * import { riskPlugin } from "@fengqiao/plugins-risk"
 *
 * const center = await createCenter({ config, plugins: [riskPlugin({ combine: "max" })] })
 * const warnings = await center.plugins.risk.earlyWarnings({ actor, levels: ["red"] })
 * ```
 *
 * @since 0.1.0
 */
import { type Actor, type Case, type CenterConfig, Errors, Plugin } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { createHash } from "node:crypto"
import * as Presets from "./Presets.js"
import * as Rules from "./Rules.js"

const Window = Schema.Union(
  Schema.TaggedStruct("SameDay", {}),
  Schema.TaggedStruct("Days", { days: Schema.Int.pipe(Schema.between(1, 365)) }),
  Schema.TaggedStruct("Hours", { hours: Schema.Int.pipe(Schema.between(1, 24 * 365)) })
)

/**
 * The risk plugin's configuration. Everything has a default: the 红/黄/蓝 preset, the default rules, the highest
 * level among graders, and "suggest escalating a red case from the village to the township".
 *
 * @since 0.1.0
 * @category schemas
 */
export const RiskConfig = Schema.Struct({
  preset: Schema.optionalWith(Schema.Literal("redYellowBlue", "highMediumLow", "fourColour"), {
    default: () => "redYellowBlue" as const
  }),
  /** Override the preset's score thresholds. */
  thresholds: Schema.optional(
    Schema.Array(Schema.Struct({ level: Schema.String, minScore: Schema.Number.pipe(Schema.nonNegative()) }))
  ),
  /** Override the preset's owners and reporting windows, by level. */
  reporting: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.Struct({ owner: Schema.String, window: Window }) })
  ),
  /** How several graders combine: the highest level, or a weighted score (weights by grader id, default 1). */
  combine: Schema.optionalWith(
    Schema.Union(
      Schema.Literal("max"),
      Schema.Struct({
        weighted: Schema.Record({ key: Schema.String, value: Schema.Number.pipe(Schema.nonNegative()) })
      })
    ),
    { default: () => "max" as const }
  ),
  rules: Schema.optionalWith(Rules.RulesConfig, { default: () => Schema.decodeSync(Rules.RulesConfig)({}) }),
  /**
   * By level, escalate a case handled at jurisdiction level `from` up to level `to`, automatically or as advice.
   * Default: suggest escalating a case at the preset's highest level from the village to the township.
   */
  escalation: Schema.optional(
    Schema.Array(Schema.Struct({
      level: Schema.String,
      from: Schema.String,
      to: Schema.String,
      mode: Schema.Literal("automatic", "suggested")
    }))
  ),
  /** The actor the plugin acts as (automatic escalation, re-grading); placed at the centre's root. */
  systemActorId: Schema.optionalWith(Schema.String, { default: () => "system:risk" })
}).annotations({ identifier: "RiskConfig" })

/**
 * @since 0.1.0
 * @category models
 */
export type RiskConfig = typeof RiskConfig.Type

/**
 * What {@link riskPlugin} takes.
 *
 * @since 0.1.0
 * @category models
 */
export type RiskOptions = typeof RiskConfig.Encoded

/**
 * An early warning (预警).
 *
 * @since 0.1.0
 * @category models
 */
export interface Warning {
  readonly caseId: string
  readonly code: string
  readonly level: string
  readonly rank: number
  readonly score: number
  readonly owner: string
  readonly issuedAt: string
  readonly dueAt: string
  readonly place: string
  readonly handlingNode: string
  readonly suggestion?: { readonly escalateTo: string; readonly mode: "automatic" | "suggested" } | undefined
  readonly acknowledged?: { readonly by: string; readonly at: string; readonly note: string } | undefined
}

const sha256 = (kind: string, value: string) => createHash("sha256").update(`${kind}:${value}`).digest("hex")

/**
 * The incident keys of a case: its people's ID numbers and phones, addresses, organisations' codes, each as
 * `i/<kind>/<hash>`. `hash` is the centre's look-up hash (`ctx.lookupHash`: an HMAC when party data is encrypted
 * at rest); by default plain SHA-256, as the centre uses without encryption.
 */
export const incidentKeys = (
  c: Case.Case,
  hash: (kind: string, value: string) => string = sha256
): ReadonlyArray<string> => {
  const fingerprint = (kind: string, value: string) => `i/${kind}/${hash(kind, value).slice(0, 32)}`
  const keys = new Set<string>()
  for (const p of c.parties) {
    if (p._tag === "Person" && p.idNumber !== undefined) keys.add(fingerprint("id", p.idNumber))
    if (p._tag === "Organisation" && p.creditCode !== undefined) keys.add(fingerprint("org", p.creditCode))
    if (p.phone !== undefined) keys.add(fingerprint("phone", p.phone))
    if (p.address !== undefined && p.address.trim().length >= 6) {
      keys.add(fingerprint("addr", p.address.replace(/[\s\u3000,，.。]+/g, "")))
    }
  }
  return [...keys]
}

const KEEP = 50

const isOpen = (c: Case.Case) =>
  c.status === "registered" || c.status === "accepted" || c.status === "assessed" || c.status === "dispatched" ||
  c.status === "sentBack" || c.status === "handling" || c.status === "escalated"

const asIncidents = (
  value: unknown
): ReadonlyArray<Rules.Incident> => (Array.isArray(value) ? (value as Array<Rules.Incident>) : [])

const endOfDay = (at: string, offset: number, plusDays: number) => {
  const day = Math.floor((Date.parse(at) + offset * 60_000) / 86_400_000) + plusDays
  return new Date((day + 1) * 86_400_000 - offset * 60_000 - 1).toISOString()
}

/**
 * The plugin's resolved settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly thresholds: ReadonlyArray<{ readonly level: string; readonly minScore: number }>
  readonly reporting: Readonly<Record<string, Presets.Reporting>>
  readonly escalation: ReadonlyArray<{
    readonly level: string
    readonly from: string
    readonly to: string
    readonly mode: "automatic" | "suggested"
  }>
  readonly rank: (level: string) => number
  readonly levelOf: (score: number) => string
}

/**
 * Resolves thresholds and reporting from the preset and overrides.
 *
 * @since 0.1.0
 * @category utils
 */
export const settings = (config: RiskConfig, centre: CenterConfig.Resolved): Settings => {
  const preset = Presets.presets[config.preset]
  const thresholds = [...(config.thresholds ?? preset.thresholds)].sort((a, b) => b.minScore - a.minScore)
  const tiers = centre.tree.levels.map((l) => l.id)
  const top = thresholds[0]?.level
  return {
    thresholds,
    reporting: { ...preset.reporting, ...config.reporting },
    escalation: config.escalation ??
      (top !== undefined && tiers.includes("village") && tiers.includes("township")
        ? [{ level: top, from: "village", to: "township", mode: "suggested" as const }]
        : []),
    rank: (level) => centre.riskLevels.get(level)?.rank ?? 0,
    levelOf: (score) => thresholds.find((t) => score >= t.minScore)?.level ?? centre.defaultRiskLevel.id
  }
}

/**
 * The risk plugin.
 *
 * @since 0.1.0
 * @category constructors
 */
export const riskPlugin = (options: RiskOptions = {}) =>
  Plugin.definePlugin({
    id: "risk",
    version: "0.1.0",
    config: RiskConfig,
    options,
    validate: (config, centre) => {
      const problems: Array<{ field: string; expected: string }> = []
      const levels = [...centre.riskLevels.keys()].join(", ")
      const s = settings(config, centre)
      s.thresholds.forEach((t, i) => {
        if (!centre.riskLevels.has(t.level)) {
          problems.push({
            field: config.thresholds === undefined ? "preset" : `thresholds.${i}.level`,
            expected: `a risk level of the centre (${levels}); put the preset's levels in the centre's riskLevels`
          })
        }
      })
      for (const level of Object.keys(s.reporting)) {
        if (!centre.riskLevels.has(level) && config.reporting?.[level] !== undefined) {
          problems.push({ field: `reporting.${level}`, expected: `a risk level of the centre (${levels})` })
        }
      }
      const tiers = centre.tree.levels.map((l) => l.id)
      s.escalation.forEach((e, i) => {
        if (!centre.riskLevels.has(e.level)) problems.push({ field: `escalation.${i}.level`, expected: levels })
        if (!tiers.includes(e.from)) problems.push({ field: `escalation.${i}.from`, expected: tiers.join(", ") })
        if (!tiers.includes(e.to) || tiers.indexOf(e.to) >= tiers.indexOf(e.from)) {
          problems.push({ field: `escalation.${i}.to`, expected: `a jurisdiction level above "${e.from}"` })
        }
      })
      return problems
    },

    projections: [{
      name: "incidents",
      events: ["Registered"],
      apply: (ctx) =>
        Effect.forEach(incidentKeys(ctx.case, ctx.lookupHash), (key) =>
          ctx.state.update(key, (current) => {
            const list = asIncidents(current).filter((i) => i.caseId !== ctx.case.id)
            return [...list, { caseId: ctx.case.id, at: ctx.case.registeredAt, channel: ctx.case.channel }].slice(-KEEP)
          }), { discard: true })
    }],

    riskGraders: [{
      id: "rules",
      triggers: [
        "Registered",
        "RegradeRequested",
        "Assessed",
        "Dispatched",
        "Redispatched",
        "MediationSessionRecorded",
        "ConsultationConvened",
        "DepartmentSummoned",
        "Reopened",
        "FollowUpRecorded"
      ],
      grade: (ctx) =>
        Effect.map(ctx.state.getMany(incidentKeys(ctx.case, ctx.lookupHash)), (entries) => {
          const incidents = entries.flatMap((e) => asIncidents(e.value))
          const at = ctx.events[ctx.events.length - 1]?.at ?? ctx.case.updatedAt
          return Rules.grade(ctx.config.rules, ctx.case, incidents, at)
        })
    }],

    riskPolicy: (grades, ctx) => {
      const s = settings(ctx.config, ctx.centre)
      const levelled = grades.map((g) => ({ ...g, level: g.grade.level ?? s.levelOf(g.grade.score) }))
      let risk: Case.Risk | undefined
      const combine = ctx.config.combine
      if (combine === "max") {
        const top = levelled.reduce<(typeof levelled)[number] | undefined>(
          (best, g) =>
            best === undefined || s.rank(g.level) > s.rank(best.level) ||
              (s.rank(g.level) === s.rank(best.level) && g.grade.score > best.grade.score)
              ? g
              : best,
          undefined
        )
        if (top !== undefined) {
          risk = {
            level: top.level,
            score: top.grade.score,
            factors: top.grade.factors.map((f) => ({ ...f, grader: top.grader })),
            source: "grader"
          }
        }
      } else {
        const weight = (g: string) => combine.weighted[g] ?? combine.weighted[g.split("/").pop() ?? g] ?? 1
        const factors = grades.flatMap((g) =>
          g.grade.factors.map((f) => ({ ...f, contribution: f.contribution * weight(g.grader), grader: g.grader }))
        )
        const score = factors.reduce((n, f) => n + f.contribution, 0)
        risk = { level: s.levelOf(score), score, factors, source: "grader" }
      }
      // a level set by hand at assessment is never lowered by the graders
      if (
        risk === undefined || (ctx.case.risk.source === "manual" && s.rank(ctx.case.risk.level) >= s.rank(risk.level))
      ) {
        return undefined
      }
      return risk
    },

    onEvents: (ctx) =>
      Effect.gen(function*() {
        const c = ctx.case
        const s = settings(ctx.config, ctx.centre)
        const path = ctx.centre.tree.get(c.place)?.path ?? `/${c.place}/`
        const key = `w/${path}${c.id}`
        const existing = yield* ctx.state.get(key)
        const rank = s.rank(c.risk.level)
        if (!isOpen(c) || rank === 0) {
          if (existing !== undefined) yield* ctx.state.put(key, existing.version, undefined)
          return
        }
        const before = existing?.value as Warning | undefined
        const at = ctx.events[ctx.events.length - 1]!.at
        const reporting = s.reporting[c.risk.level] ?? { owner: "centre", window: { _tag: "SameDay" as const } }
        const rule = s.escalation.find((e) =>
          e.level === c.risk.level && ctx.centre.tree.get(c.handlingNode)?.level === e.from
        )
        const target = rule === undefined ? undefined : ctx.centre.tree.ancestorAt(c.handlingNode, rule.to)
        const raised = before === undefined || before.level !== c.risk.level
        const offset = ctx.centre.utcOffsetMinutes
        const warning: Warning = {
          caseId: c.id,
          code: c.code,
          level: c.risk.level,
          rank,
          score: c.risk.score ?? 0,
          owner: reporting.owner,
          issuedAt: raised ? at : before.issuedAt,
          dueAt: raised
            ? reporting.window._tag === "SameDay"
              ? endOfDay(at, offset, 0)
              : reporting.window._tag === "Days"
              ? endOfDay(at, offset, reporting.window.days)
              : new Date(Date.parse(at) + reporting.window.hours * 3_600_000).toISOString()
            : before.dueAt,
          place: c.place,
          handlingNode: c.handlingNode,
          ...(target !== undefined && rule !== undefined
            ? { suggestion: { escalateTo: target.code, mode: rule.mode } }
            : {}),
          ...(!raised && before.acknowledged !== undefined ? { acknowledged: before.acknowledged } : {})
        }
        if (JSON.stringify(before) !== JSON.stringify(warning)) {
          yield* ctx.state.put(key, existing?.version ?? 0, warning)
        }
      }),

    afterCommit: (ctx) =>
      Effect.gen(function*() {
        const c = ctx.case
        const system: Actor.Actor = {
          id: ctx.config.systemActorId,
          roles: ["admin"],
          jurisdiction: ctx.centre.tree.root.code
        }
        const version = c.version
        // automatic escalation of a warning whose rule says so
        const path = ctx.centre.tree.get(c.place)?.path ?? `/${c.place}/`
        const warning = (yield* ctx.state.get(`w/${path}${c.id}`))?.value as Warning | undefined
        if (
          warning?.suggestion?.mode === "automatic" && isOpen(c) && c.status !== "registered" && c.status !== "accepted"
        ) {
          yield* Effect.ignore(ctx.execute({
            _tag: "Escalate",
            actor: system,
            caseId: c.id,
            to: warning.suggestion.escalateTo,
            reason: `风险等级 ${warning.level}：按预警规则自动上报`,
            commandId: `risk:escalate:${c.id}:${version}`
          }))
        }
        // a new incident raises the repeat factor of the same people's other open cases: grade them again
        if (ctx.events.some((e) => e.event._tag === "Registered")) {
          const entries = yield* ctx.state.getMany(incidentKeys(c, ctx.lookupHash))
          const from = new Date(Date.parse(c.registeredAt) - ctx.config.rules.repeat.withinDays * 86_400_000)
            .toISOString()
          const related = new Set(
            entries.flatMap((e) => asIncidents(e.value)).filter((i) => i.caseId !== c.id && i.at >= from).map((i) =>
              i.caseId
            )
          )
          for (const other of related) {
            // closed cases refuse it (CommandNotAllowed): nothing to grade there
            yield* Effect.ignore(ctx.execute({
              _tag: "Regrade",
              actor: system,
              caseId: other,
              reason: `相关案件 ${c.code} 登记`,
              commandId: `risk:regrade:${other}:${c.id}`
            }))
          }
        }
      }),

    api: (ctx) => {
      const readable = (caller: Plugin.Caller, caseId: string) =>
        Effect.flatMap(ctx.load(caseId), (c) =>
          c !== undefined && caller.mayRead(c as Case.Case)
            ? Effect.succeed(c as Case.Case)
            : Effect.fail(
              new Errors.Forbidden({
                actorId: caller.actor.id,
                action: "read",
                reason: `case ${caseId} is not visible`
              })
            ))
      return {
        /** 预警清单: open warnings in a jurisdiction subtree (the caller's by default), most urgent first. */
        earlyWarnings: (
          input: {
            readonly actor: unknown
            readonly jurisdiction?: string | undefined
            readonly levels?: ReadonlyArray<string> | undefined
            readonly dueBefore?: string | undefined
            readonly unacknowledgedOnly?: boolean | undefined
            readonly limit?: number | undefined
          },
          caller: Plugin.Caller
        ) =>
          Effect.gen(function*() {
            const node = ctx.centre.tree.get(input.jurisdiction ?? caller.actor.jurisdiction)
            if (node === undefined) {
              return yield* new Errors.InvalidInput({
                field: "jurisdiction",
                expected: "the code of a node in the centre's jurisdiction tree",
                issues: [{ field: "jurisdiction", expected: "the code of a node in the centre's jurisdiction tree" }]
              })
            }
            const entries = yield* ctx.state.scan(`w/${node.path}`, { limit: 100_000 })
            const warnings = entries.map((e) => e.value as Warning).filter((w) =>
              (input.levels === undefined || input.levels.includes(w.level)) &&
              (input.dueBefore === undefined || w.dueAt < input.dueBefore) &&
              (input.unacknowledgedOnly !== true || w.acknowledged === undefined)
            ).sort((a, b) => b.rank - a.rank || (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0))
            const visible: Array<Warning> = []
            for (const w of warnings) {
              if (visible.length >= (input.limit ?? 100)) break
              const c = yield* ctx.load(w.caseId)
              if (c !== undefined && caller.mayRead(c as Case.Case)) visible.push(w)
            }
            return visible as ReadonlyArray<Warning>
          }),
        /** The case's grade with its factors, and its open warning if any. */
        explain: (input: { readonly actor: unknown; readonly caseId: string }, caller: Plugin.Caller) =>
          Effect.gen(function*() {
            const c = yield* readable(caller, input.caseId)
            const path = ctx.centre.tree.get(c.place)?.path ?? `/${c.place}/`
            const warning = (yield* ctx.state.get(`w/${path}${c.id}`))?.value as Warning | undefined
            return { risk: c.risk, warning }
          }),
        /** Records that a warning was reported or dealt with (上报/处置). */
        acknowledge: (
          input: { readonly actor: unknown; readonly caseId: string; readonly note: string },
          caller: Plugin.Caller
        ) =>
          Effect.gen(function*() {
            const c = yield* readable(caller, input.caseId)
            const path = ctx.centre.tree.get(c.place)?.path ?? `/${c.place}/`
            const key = `w/${path}${c.id}`
            const entry = yield* ctx.state.get(key)
            if (entry === undefined) {
              return yield* new Errors.InvalidInput({
                field: "caseId",
                expected: "a case with an open warning",
                issues: [{ field: "caseId", expected: "a case with an open warning" }]
              })
            }
            const warning: Warning = {
              ...(entry.value as Warning),
              acknowledged: { by: caller.actor.id, at: new Date().toISOString(), note: input.note }
            }
            yield* ctx.state.put(key, entry.version, warning)
            return warning
          })
      }
    }
  })
