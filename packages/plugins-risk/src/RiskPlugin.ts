/**
 * The risk plugin (风险研判与预警): grades cases with the rule-based grader (and any grader another plugin
 * contributes), keeps an early warning (预警) for every open case at a warning level — its owner and the time by
 * which it must be reported — suggests or carries out escalation by level, re-grades related open cases when a
 * new incident about the same person, phone or address arrives, and answers the early-warning list (预警清单).
 *
 * Its state lives in its own namespace: `i/<kind>/<fingerprint>` (the incidents of a person, phone or address —
 * fingerprints, never the ID numbers themselves) and `w/<place path><case id>` (open warnings, so that a
 * jurisdiction subtree is one prefix scan). When the centre's retention rule anonymises or purges a case, the
 * plugin removes the case's links from the incident index in the same transaction (`onRetention`);
 * `pruneIncidents` sweeps the links of cases changed or removed otherwise (or anonymised before this plugin was
 * installed).
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
import { type Actor, Case, type CenterConfig, Deadline, Errors, Plugin, Policy, Primitives } from "@fengqiao/core"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
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
 * The roles that may acknowledge a warning by default: those that may issue `Regrade` (风险复评, the risk command of
 * the lifecycle) under `Policy.defaultPermissions`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultAcknowledgeRoles: ReadonlyArray<string> = Object.entries(Policy.defaultPermissions)
  .filter(([, commands]) => commands === "*" || commands.includes("Regrade"))
  .map(([role]) => role)

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
  /**
   * Override the preset's score thresholds: the lowest score of each warning level, a higher level needing a
   * higher score (checked at start-up).
   */
  thresholds: Schema.optional(
    Schema.Array(
      Schema.Struct({ level: Schema.String, minScore: Schema.Number.pipe(Schema.nonNegative(), Schema.finite()) })
    )
  ),
  /** Override the preset's owners and reporting windows, by level. */
  reporting: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.Struct({ owner: Schema.String, window: Window }) })
  ),
  /**
   * How several graders combine: the highest level, or a weighted score — the sum of each grader's score times its
   * weight (weights by grader id, default 1; finite), each factor's contribution weighted alike, a level a grader
   * names kept as a floor. A sum too large for a number refuses the command (`PluginFailed` in `riskPolicy`).
   */
  combine: Schema.optionalWith(
    // the weights first, so that a bad weight is reported by its own field
    Schema.Union(
      Schema.Struct({
        weighted: Schema.Record({
          key: Schema.String,
          value: Schema.Number.pipe(Schema.nonNegative(), Schema.finite())
        })
      }).annotations({ message: () => "\"max\" or { weighted: { <grader id>: a finite non-negative weight } }" }),
      Schema.Literal("max")
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
  /**
   * The roles that may acknowledge an early warning (a write on the plugin's state). Default: the roles that may
   * issue the risk command `Regrade` under the default policy (`Policy.defaultPermissions`: admin and
   * dispatcher); a centre with other permissions names its own.
   */
  acknowledgeRoles: Schema.optionalWith(Schema.Array(Primitives.Key).pipe(Schema.minItems(1)), {
    default: () => defaultAcknowledgeRoles
  }),
  /**
   * The roles that may prune the incident index after the retention rule was applied (`pruneIncidents`). Default:
   * the roles granted `applyRetention` under the default policy (`Policy.defaultGrants`: admin and archivist).
   */
  retentionRoles: Schema.optionalWith(Schema.Array(Primitives.Key).pipe(Schema.minItems(1)), {
    default: () => Policy.defaultGrants.applyRetention
  }),
  /** The actor the plugin acts as (automatic escalation, re-grading); placed at the centre's root. */
  systemActorId: Schema.optionalWith(Primitives.Id, { default: () => "system:risk" })
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
 * A grade the risk plugin's policy refuses: a score or contribution that is negative (it would cancel what other
 * graders found, a red among them) or not finite (JSON cannot hold it), or a level the centre does not have. The
 * centre reports it as the risk plugin's `PluginFailed` in `riskPolicy`, whose reason names the grader and field;
 * the command is not recorded.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidGrade extends Schema.TaggedError<InvalidGrade>("@fengqiao/plugins-risk/InvalidGrade")(
  "InvalidGrade",
  { grader: Schema.String, field: Schema.String, expected: Schema.String },
  { identifier: "InvalidGrade" }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `grader ${this.grader} gave an invalid grade: ${this.field} must be ${this.expected}`
  }
}

const Amount = Schema.Number.pipe(Schema.nonNegative(), Schema.finite())

/** What a grade must be for the policy to combine it. */
const ValidGrade = Schema.Struct({
  score: Amount,
  level: Schema.optional(Schema.String),
  factors: Schema.Array(
    Schema.Struct({ id: Schema.String, contribution: Amount, detail: Schema.optional(Schema.String) })
  )
})

const decodeGrade = ParseResult.decodeUnknownEither(ValidGrade)

/**
 * Checks a grader's grade: a finite, non-negative score and contributions, a text `detail` where a factor has one,
 * and a level of the centre if it names one.
 *
 * @since 0.1.0
 * @category utils
 */
export const checkGrade = (
  grader: string,
  grade: Plugin.Grade,
  centre: CenterConfig.Resolved
): InvalidGrade | undefined => {
  const decoded = decodeGrade(grade)
  if (Either.isLeft(decoded)) {
    const issue = ParseResult.ArrayFormatter.formatIssueSync(decoded.left)[0]
    return new InvalidGrade({
      grader,
      field: issue?.path.map(String).join(".") || "(root)",
      expected: issue === undefined
        ? "a grade"
        : issue.message.startsWith("Expected ")
        ? issue.message.slice("Expected ".length)
        : issue.message
    })
  }
  if (grade.level !== undefined && !centre.riskLevels.has(grade.level)) {
    return new InvalidGrade({
      grader,
      field: "level",
      expected: `a risk level of the centre (${[...centre.riskLevels.keys()].join(", ")}), not "${grade.level}"`
    })
  }
  return undefined
}

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

/**
 * The command id of the re-grade of case `caseId` after the registration of the related case `incidentId`; a
 * digest of the two when they would make it longer than an id may be (128 characters).
 */
const regradeCommandId = (caseId: string, incidentId: string) => {
  const id = `risk:regrade:${caseId}:${incidentId}`
  return id.length <= 128
    ? id
    : `risk:regrade:${createHash("sha256").update(`${caseId}:${incidentId}`).digest("hex")}`
}

const asIncidents = (
  value: unknown
): ReadonlyArray<Rules.Incident> => (Array.isArray(value) ? (value as Array<Rules.Incident>) : [])

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
 * The early-warning list's query: a jurisdiction subtree (the caller's by default), levels of the centre, a due
 * time (with its time zone; compared as a time), unacknowledged warnings only, and at most `limit` (1–10 000,
 * default 100) warnings.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EarlyWarningsQuery = Schema.Struct({
  actor: Schema.Unknown,
  jurisdiction: Schema.optional(Primitives.DivisionCode),
  levels: Schema.optional(Schema.Array(Primitives.Key).pipe(Schema.maxItems(100))),
  dueBefore: Schema.optional(Primitives.TimestampInput),
  unacknowledgedOnly: Schema.optional(Schema.Boolean),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000)))
}).annotations({ identifier: "EarlyWarningsQuery" })

/**
 * What `earlyWarnings` takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface EarlyWarningsInput {
  readonly actor: unknown
  readonly jurisdiction?: string | undefined
  readonly levels?: ReadonlyArray<string> | undefined
  readonly dueBefore?: string | undefined
  readonly unacknowledgedOnly?: boolean | undefined
  readonly limit?: number | undefined
}

/**
 * The query of `explain`: a case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExplainQuery = Schema.Struct({ actor: Schema.Unknown, caseId: Primitives.CaseId }).annotations({
  identifier: "ExplainQuery"
})

/**
 * What `explain` takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExplainInput {
  readonly actor: unknown
  readonly caseId: string
}

/**
 * The command of `acknowledge`: the case whose warning was reported or dealt with, and a note (1–2 000
 * characters).
 *
 * @since 0.1.0
 * @category schemas
 */
export const AcknowledgeQuery = Schema.Struct({
  actor: Schema.Unknown,
  caseId: Primitives.CaseId,
  note: Primitives.Note
}).annotations({ identifier: "AcknowledgeQuery" })

/**
 * What `acknowledge` takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface AcknowledgeInput {
  readonly actor: unknown
  readonly caseId: string
  readonly note: string
}

/**
 * The input of `pruneIncidents`: the actor only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PruneIncidentsQuery = Schema.Struct({ actor: Schema.Unknown }).annotations({
  identifier: "PruneIncidentsQuery"
})

/**
 * What `pruneIncidents` takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface PruneIncidentsInput {
  readonly actor: unknown
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
      // by the index the user gave (settings sorts them by score)
      const given = config.thresholds ?? Presets.presets[config.preset].thresholds
      const field = (i: number, name: string) => config.thresholds === undefined ? "preset" : `thresholds.${i}.${name}`
      given.forEach((t, i) => {
        if (!centre.riskLevels.has(t.level)) {
          problems.push({
            field: field(i, "level"),
            expected: `a risk level of the centre (${levels}); put the preset's levels in the centre's riskLevels`
          })
          return
        }
        const twice = given.findIndex((u) => u.level === t.level)
        if (twice < i) {
          problems.push({ field: field(i, "level"), expected: `a level not given before (thresholds.${twice})` })
          return
        }
        // a higher level needs a higher score, or a higher score would give a lower level
        const lower = given.reduce<number | undefined>(
          (top, u, j) =>
            centre.riskLevels.has(u.level) && s.rank(u.level) < s.rank(t.level) &&
              (top === undefined || u.minScore > given[top]!.minScore)
              ? j
              : top,
          undefined
        )
        if (lower !== undefined && given[lower]!.minScore >= t.minScore) {
          const u = given[lower]!
          problems.push({
            field: field(i, "minScore"),
            expected: `more than ${u.minScore}, the minScore of the lower level "${u.level}" (thresholds.${lower})`
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
      // categories given for the rules must be the centre's (a misspelt one would never score); the defaults name
      // the Chinese taxonomy's and are simply unused by a centre without them
      const categories = (options as { readonly rules?: { readonly categories?: unknown } } | null)?.rules?.categories
      if (typeof categories === "object" && categories !== null) {
        for (const key of Object.keys(categories)) {
          if (!centre.categories.has(key)) {
            problems.push({
              field: `rules.categories.${key}`,
              expected: `a category of the centre (${[...centre.categories.keys()].slice(0, 5).join(", ")} …)`
            })
          }
        }
      }
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

    // the retention rule took the case's people away: its links in the incident index go with them
    onRetention: (ctx) => {
      const kept = new Set(incidentKeys(ctx.case, ctx.lookupHash))
      return Effect.forEach(
        incidentKeys(ctx.before, ctx.lookupHash).filter((key) => !kept.has(key)),
        (key) =>
          ctx.state.update(key, (current) => {
            const list = asIncidents(current).filter((i) => i.caseId !== ctx.before.id)
            return list.length > 0 ? list : undefined
          }),
        { discard: true }
      )
    },

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
          const last = ctx.events[ctx.events.length - 1]
          const at = last?.at ?? ctx.case.updatedAt
          // a re-grade this plugin asked for after a new incident looks back from that incident's time (the re-grade
          // may be recorded later), but never from before the case's own last event: an incident entered late with
          // an earlier time (a backlog) must not move the window into the past, where it would count cases long
          // before this one
          const incident = last === undefined
            ? undefined
            : incidents.find((i) => last.commandId === regradeCommandId(ctx.case.id, i.caseId))
          const own = ctx.before?.updatedAt
          const from = incident === undefined || incident.at >= at
            ? at
            : own !== undefined && Date.parse(own) > Date.parse(incident.at)
            ? own
            : incident.at
          return Rules.grade(ctx.config.rules, ctx.case, incidents, from)
        })
    }],

    riskPolicy: (grades, ctx) => {
      // a bad grade is refused, not combined: a negative score must not cancel another grader's level
      for (const g of grades) {
        const invalid = checkGrade(g.grader, g.grade, ctx.centre)
        if (invalid !== undefined) throw invalid
      }
      const s = settings(ctx.config, ctx.centre)
      const levelled = grades.map((g) => ({ ...g, level: g.grade.level ?? s.levelOf(g.grade.score) }))
      // a factor as the case keeps it: only its own fields (a grader's object may carry others)
      const factorOf = (f: Plugin.Grade["factors"][number], grader: string, contribution = f.contribution) => ({
        id: f.id,
        contribution,
        ...(f.detail === undefined ? {} : { detail: f.detail }),
        grader
      })
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
            factors: top.grade.factors.map((f) => factorOf(f, top.grader)),
            source: "grader"
          }
        }
      } else {
        // by the grader's id (`risk/rules`, `night`), its last part (`rules`), or the doubled id a grader named like
        // its plugin had before (`night/night`)
        const weight = (g: string) =>
          combine.weighted[g] ?? combine.weighted[g.split("/").pop() ?? g] ??
            (g.includes("/") ? undefined : combine.weighted[`${g}/${g}`]) ?? 1
        // each grader's score, weighted (its factors explain it, weighted alike): a grader that gives a score
        // without factors counts all the same
        const score = levelled.reduce((n, g) => n + g.grade.score * weight(g.grader), 0)
        const factors = grades.flatMap((g) =>
          g.grade.factors.map((f) => factorOf(f, g.grader, f.contribution * weight(g.grader)))
        )
        if (!Number.isFinite(score) || factors.some((f) => !Number.isFinite(f.contribution))) {
          throw new InvalidGrade({
            grader: "combine.weighted",
            field: "score",
            expected: "a finite number: the weighted grades add up beyond what a number can hold"
          })
        }
        // a level a grader names is a floor, as under "max": the weighted score may raise it, never lower it
        const named = levelled.filter((g) => g.grade.level !== undefined).map((g) => g.level)
        const level = named.reduce((top, l) => (s.rank(l) > s.rank(top) ? l : top), s.levelOf(score))
        risk = { level, score, factors, source: "grader" }
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
        if (!Case.isOpen(c) || rank === 0) {
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
        const windowEnd = (window: typeof Window.Type, from: string) =>
          window._tag === "SameDay"
            ? Deadline.endOfCivilDay(from, offset, 0)
            : window._tag === "Days"
            ? Deadline.endOfCivilDay(from, offset, window.days)
            : new Date(Date.parse(from) + window.hours * 3_600_000).toISOString()
        // a level's window, but never later than a lower level's would be: red within 2 hours, raised at 23:30, is
        // due at the end of the day with orange's "same day", not at 01:30 the next morning
        const dueOf = (from: string) =>
          Object.entries(s.reporting).reduce((due, [level, r]) => {
            if (s.rank(level) === 0 || s.rank(level) > rank) return due
            const end = windowEnd(r.window, from)
            return Date.parse(end) < Date.parse(due) ? end : due
          }, windowEnd(reporting.window, from))
        const warning: Warning = {
          caseId: c.id,
          code: c.code,
          level: c.risk.level,
          rank,
          score: c.risk.score ?? 0,
          owner: reporting.owner,
          issuedAt: raised ? at : before.issuedAt,
          dueAt: raised ? dueOf(at) : before.dueAt,
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
          warning?.suggestion?.mode === "automatic" && Case.isOpen(c) && c.status !== "registered" &&
          c.status !== "accepted"
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
          // the cases whose window can hold this one: registered within the window's length either side of it
          const near = Rules.withinRepeatWindow(ctx.config.rules, c.registeredAt)
          const related = new Set(
            entries.flatMap((e) => asIncidents(e.value)).filter((i) => i.caseId !== c.id && near(i.at)).map((i) =>
              i.caseId
            )
          )
          for (const other of related) {
            const regrade = (at: string | undefined) =>
              ctx.execute({
                _tag: "Regrade",
                actor: system,
                caseId: other,
                reason: `相关案件 ${c.code} 登记`,
                commandId: regradeCommandId(other, c.id),
                ...(at === undefined ? {} : { at })
              })
            // at the new incident's time, not the wall clock, so that the repeat window looks back from it; a case
            // with later events refuses that time and is re-graded at its own (the grader still looks back from the
            // incident). Closed cases refuse it (CommandNotAllowed): nothing to grade there
            yield* Effect.ignore(
              regrade(c.registeredAt).pipe(
                Effect.catchIf(
                  (e) => (e as { readonly guard?: unknown })?.guard === "timeMovesForward",
                  () => regrade(undefined)
                )
              )
            )
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
        earlyWarnings: (input: EarlyWarningsInput, caller: Plugin.Caller) =>
          Effect.gen(function*() {
            const q = yield* Plugin.decodeInput(EarlyWarningsQuery)(input)
            const unknown = (q.levels ?? []).findIndex((l) => !ctx.centre.riskLevels.has(l))
            if (unknown >= 0) {
              return yield* Plugin.invalidInput(
                `levels.${unknown}`,
                `a risk level of the centre (${[...ctx.centre.riskLevels.keys()].join(", ")})`
              )
            }
            const node = ctx.centre.tree.get(q.jurisdiction ?? caller.actor.jurisdiction)
            if (node === undefined) {
              return yield* Plugin.invalidInput("jurisdiction", "the code of a node in the centre's jurisdiction tree")
            }
            const entries = yield* ctx.state.scan(`w/${node.path}`, { limit: 100_000 })
            const warnings = entries.map((e) => e.value as Warning).filter((w) =>
              (q.levels === undefined || q.levels.includes(w.level)) &&
              (q.dueBefore === undefined || w.dueAt < q.dueBefore) &&
              (q.unacknowledgedOnly !== true || w.acknowledged === undefined)
            ).sort((a, b) => b.rank - a.rank || (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0))
            const visible: Array<Warning> = []
            for (const w of warnings) {
              if (visible.length >= (q.limit ?? 100)) break
              const c = yield* ctx.load(w.caseId)
              if (c !== undefined && caller.mayRead(c as Case.Case)) visible.push(w)
            }
            return visible as ReadonlyArray<Warning>
          }),
        /** The case's grade with its factors, and its open warning if any. */
        explain: (input: ExplainInput, caller: Plugin.Caller) =>
          Effect.gen(function*() {
            const q = yield* Plugin.decodeInput(ExplainQuery)(input)
            const c = yield* readable(caller, q.caseId)
            const path = ctx.centre.tree.get(c.place)?.path ?? `/${c.place}/`
            const warning = (yield* ctx.state.get(`w/${path}${c.id}`))?.value as Warning | undefined
            return { risk: c.risk, warning }
          }),
        /**
         * Records that a warning was reported or dealt with (上报/处置). A write: the actor needs one of
         * `acknowledgeRoles` (by default the roles that may issue `Regrade`: admin and dispatcher) and must be able
         * to read the case.
         */
        acknowledge: (input: AcknowledgeInput, caller: Plugin.Caller) =>
          Effect.gen(function*() {
            const q = yield* Plugin.decodeInput(AcknowledgeQuery)(input)
            const roles = ctx.config.acknowledgeRoles
            if (!caller.actor.roles.some((r) => roles.includes(r))) {
              return yield* new Errors.Forbidden({
                actorId: caller.actor.id,
                action: "acknowledge",
                reason: `none of the roles [${caller.actor.roles.join(", ")}] may acknowledge a warning (${
                  roles.join(", ")
                } may)`
              })
            }
            const c = yield* readable(caller, q.caseId)
            const path = ctx.centre.tree.get(c.place)?.path ?? `/${c.place}/`
            const key = `w/${path}${c.id}`
            const entry = yield* ctx.state.get(key)
            if (entry === undefined) return yield* Plugin.invalidInput("caseId", "a case with an open warning")
            const warning: Warning = {
              ...(entry.value as Warning),
              acknowledged: {
                by: caller.actor.id,
                at: new Date(yield* Clock.currentTimeMillis).toISOString(),
                note: q.note
              }
            }
            yield* ctx.state.put(key, entry.version, warning)
            return warning
          }),
        /**
         * Removes from the incident index the links to cases that no longer name that person, phone or address:
         * cases anonymised or purged before this plugin was installed, or changed or removed by other means
         * (`applyRetention` itself unlinks the cases it anonymises or purges, through `onRetention`). Like
         * `applyRetention`, it needs an actor at the root with one of `retentionRoles` (by default the roles granted
         * `applyRetention`).
         */
        pruneIncidents: (input: PruneIncidentsInput, caller: Plugin.Caller) =>
          Effect.gen(function*() {
            yield* Plugin.decodeInput(PruneIncidentsQuery)(input)
            const roles = ctx.config.retentionRoles
            const refusal = !caller.actor.roles.some((r) => roles.includes(r))
              ? `none of the roles [${caller.actor.roles.join(", ")}] may prune the incident index (${
                roles.join(", ")
              } may)`
              : caller.actor.jurisdiction !== ctx.centre.tree.root.code
              ? `the incident index spans the centre: only an actor at ${ctx.centre.tree.root.code} may prune it`
              : undefined
            if (refusal !== undefined) {
              return yield* new Errors.Forbidden({
                actorId: caller.actor.id,
                action: "pruneIncidents",
                reason: refusal
              })
            }
            const keysOf = new Map<string, ReadonlySet<string>>()
            const linksOf = (caseId: string) =>
              Effect.map(ctx.load(caseId), (c) => {
                const keys = new Set(c === undefined ? [] : incidentKeys(c as Case.Case, ctx.lookupHash))
                keysOf.set(caseId, keys)
                return keys
              })
            let scanned = 0
            let removed = 0
            let after: string | undefined
            for (;;) {
              const page = yield* ctx.state.scan("i/", { after, limit: 500 })
              for (const entry of page) {
                scanned++
                let current: typeof entry | undefined = entry
                // a registration may update the entry meanwhile: read it again and retry
                for (let attempt = 0; current !== undefined && attempt < 5; attempt++) {
                  const incidents = asIncidents(current.value)
                  const kept: Array<Rules.Incident> = []
                  for (const i of incidents) {
                    const keys = keysOf.get(i.caseId) ?? (yield* linksOf(i.caseId))
                    if (keys.has(current.key)) kept.push(i)
                  }
                  if (kept.length === incidents.length) break
                  const written = yield* Effect.either(
                    ctx.state.put(current.key, current.version, kept.length > 0 ? kept : undefined)
                  )
                  if (Either.isRight(written)) {
                    removed += incidents.length - kept.length
                    break
                  }
                  if (written.left._tag !== "StateConflict") return yield* written.left
                  current = yield* ctx.state.get(current.key)
                }
              }
              if (page.length < 500) break
              after = page[page.length - 1]!.key
            }
            return { scanned, removed }
          })
      }
    }
  })
