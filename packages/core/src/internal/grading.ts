/**
 * Risk grading as a plugin of its own: the extension points graders and a risk policy contribute to, and the plugin
 * that owns them — after a command whose events trigger a grader it grades the case, combines the grades (the risk
 * policy, or the highest level), keeps a manual level, remembers the last grades of graders with their own
 * triggers, and appends a `RiskGraded` event when the case's risk changes. See `Grading.ts` for the public face.
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Case, Risk, RiskFactor } from "../Case.js"
import type { Resolved } from "../CenterConfig.js"
import { PluginFailed, StoreError } from "../Errors.js"
import type { EventName } from "../Event.js"
import * as Plugin from "../Plugin.js"
import { members } from "./options.js"

/**
 * A risk grade: a score, an optional level, and the factors that add up to the score (`Grading.Grade`).
 * @internal
 */
export interface Grade {
  readonly score: number
  readonly level?: string | undefined
  readonly factors: ReadonlyArray<RiskFactor>
}

/**
 * A risk grader, run after a command whose events include one of its triggers (`Grading.Grader`).
 * @internal
 */
export interface Grader<C> {
  readonly id: string
  readonly triggers?: ReadonlyArray<EventName> | undefined
  readonly grade: (ctx: Plugin.EventsContext<C>) => Effect.Effect<Grade | undefined, StoreError>
}

/**
 * Turns the grades of every grader into the case's risk (`Grading.Policy`).
 * @internal
 */
export type Policy<C> = (
  grades: ReadonlyArray<{ readonly grader: string; readonly grade: Grade }>,
  ctx: Plugin.EventsContext<C>
) => Case["risk"] | undefined

/**
 * The event types after which graders run by default.
 * @internal
 */
export const defaultTriggers: ReadonlyArray<EventName> = [
  "Registered",
  "RegradeRequested",
  "Assessed",
  "MediationSessionRecorded",
  "Escalated",
  "Reopened",
  "FollowUpRecorded"
]

/**
 * The grading plugin's id, and so the namespace of its state: the last grades it remembers, by case id. Not a
 * plugin id an installer may give (it has a colon), so no plugin can take it.
 * @internal
 */
export const ownerId = "fengqiao:grades"

/**
 * The extension point of graders: each checked at start-up for its id, function and triggers.
 * @internal
 */
export const graders: Plugin.ExtensionPoint<Grader<any>> = Plugin.extensionPoint<Grader<any>>("grading/graders", {
  owner: () => owner,
  check: members({ id: "text", grade: "function", triggers: "events" })
})

/**
 * The extension point of the risk policy: one per centre among the plugins.
 * @internal
 */
export const policy: Plugin.ExtensionPoint<Policy<any>> = Plugin.extensionPoint<Policy<any>>("grading/policy", {
  single: true,
  owner: () => owner,
  check: (value) => (typeof value === "function" ? undefined : { expected: "a function" })
})

/**
 * The id of a grader as factors and the risk policy name it: `<plugin>/<grader>`, or the plugin's id alone when the
 * grader has the same id (a plugin made with `defineRiskGrader`: `night-visits`, not `night-visits/night-visits`).
 * @internal
 */
export const graderId = (plugin: string, grader: string): string => grader === plugin ? plugin : `${plugin}/${grader}`

/** The factor that records, on a grade raised above a manual level, that manual level (in its `detail`). */
const manualLevelFactor = "manualLevel"

/**
 * A grade is kept (between commands) and combined as JSON: one that JSON cannot hold (a `bigint`, a cycle, a
 * getter that throws) is the grader's failure, not a `TypeError` of the centre's.
 */
const plainGrade = (
  plugin: string,
  grader: string,
  grade: Grade | undefined
): Effect.Effect<Grade | undefined, PluginFailed> => {
  if (grade === undefined) return Effect.succeed(grade)
  try {
    JSON.stringify(grade)
    return Effect.succeed(grade)
  } catch (e) {
    return Effect.fail(
      new PluginFailed({
        plugin,
        hook: `grader ${grader}`,
        reason: `the grade must be plain JSON data (${e instanceof Error ? e.message : String(e)})`
      })
    )
  }
}

/** A centre's graders, read once from the contributions. */
interface Setup {
  readonly graders: ReadonlyArray<{
    readonly entry: Plugin.Contributed<Grader<unknown>>
    readonly id: string
    readonly triggers: ReadonlySet<EventName>
  }>
  /** The graders whose triggers miss events that trigger another: their last grade is kept. */
  readonly remembered: ReadonlySet<string>
  /** The ids graders named like their plugin had before they got a single id, to the id they have now. */
  readonly legacyIds: ReadonlyMap<string, string>
}

const setups = new WeakMap<ReadonlyArray<unknown>, Setup>()

const setupOf = (ctx: Plugin.Context<unknown>): Setup => {
  const contributed = ctx.contributions(graders)
  const known = setups.get(contributed)
  if (known !== undefined) return known
  const all = contributed.map((entry) => ({
    entry,
    id: graderId(entry.plugin, entry.value.id),
    triggers: new Set<EventName>(entry.value.triggers ?? defaultTriggers)
  }))
  const allTriggers = new Set(all.flatMap((g) => [...g.triggers]))
  const setup: Setup = {
    graders: all,
    remembered: new Set(all.filter((g) => [...allTriggers].some((t) => !g.triggers.has(t))).map((g) => g.id)),
    legacyIds: new Map(all.filter((g) => g.id === g.entry.plugin).map((g) => [`${g.id}/${g.id}`, g.id]))
  }
  setups.set(contributed, setup)
  return setup
}

/**
 * The last grades of the remembered graders, by grader id. Grades kept before a grader named like its plugin got a
 * single id (`night/night`, now `night`) are read under the new id.
 */
const lastGrades = (setup: Setup, value: unknown): Record<string, Grade> => {
  const out: Record<string, Grade> = {}
  if (typeof value !== "object" || value === null) return out
  for (const [stored, g] of Object.entries(value as Record<string, unknown>)) {
    const id = setup.legacyIds.get(stored) ?? stored
    const grade = g as Partial<Grade> | null
    if (
      setup.remembered.has(id) && !Object.hasOwn(out, id) && typeof grade === "object" && grade !== null &&
      typeof grade.score === "number" && Array.isArray(grade.factors)
    ) {
      out[id] = grade as Grade
    }
  }
  return out
}

const rankOf = (centre: Resolved, level: string) => centre.riskLevels.get(level)?.rank ?? 0

/** The default policy: the highest level any grader gave (a manual level is kept by {@link keepManual}). */
const defaultPolicy = (
  centre: Resolved,
  grades: ReadonlyArray<{ grader: string; grade: Grade }>
): Risk | undefined => {
  const levelled = grades.filter((g) => g.grade.level !== undefined && centre.riskLevels.has(g.grade.level))
  if (levelled.length === 0) return undefined
  const top = levelled.reduce((a, b) => (rankOf(centre, b.grade.level!) > rankOf(centre, a.grade.level!) ? b : a))
  return {
    level: top.grade.level!,
    score: grades.reduce((n, g) => n + g.grade.score, 0),
    factors: grades.flatMap((g) => g.grade.factors.map((f) => ({ ...f, grader: g.grader }))),
    source: "grader"
  }
}

/**
 * The manual level in force: the case's risk when a person set it, or the one a grader raised (recorded in its
 * `manualLevel` factor, with the person's `manual` reason factor).
 */
const manualOf = (centre: Resolved, risk: Risk): Risk | undefined => {
  if (risk.source === "manual") return risk
  // the grading plugin's own factors carry no grader
  const level = risk.factors?.find((f) => f.id === manualLevelFactor && f.grader === undefined)?.detail
  if (level === undefined || !centre.riskLevels.has(level)) return undefined
  const factors = (risk.factors ?? []).filter((f) => f.id === "manual" && f.grader === undefined)
  return { level, source: "manual", ...(factors.length > 0 ? { factors } : {}) }
}

/**
 * Graders may raise a manual level, never lower it: a grade at or below it gives the manual level back; one above
 * it keeps the manual level in its factors, so that a later, lower grade falls back to it.
 */
const keepManual = (centre: Resolved, risk: Risk, manual: Risk | undefined): Risk => {
  if (manual === undefined) return risk
  if (rankOf(centre, risk.level) <= rankOf(centre, manual.level)) return manual
  return {
    ...risk,
    factors: [
      ...(risk.factors ?? []),
      ...(manual.factors ?? []).filter((f) => f.id === "manual" && f.grader === undefined),
      { id: manualLevelFactor, contribution: 0, detail: manual.level }
    ]
  }
}

const sameRisk = (a: Risk, b: Risk) => JSON.stringify(a) === JSON.stringify(b)

/**
 * After a command whose events trigger a grader: the graders triggered (the others count with their last grade),
 * the grades combined, and a `RiskGraded` event when the case's risk changes.
 */
const followUp = (ctx: Plugin.EventsContext<unknown>) =>
  Effect.gen(function*() {
    const setup = setupOf(ctx)
    const { before, command, events } = ctx
    const current = ctx.case
    const tags = new Set<EventName>(events.map((e) => e.event._tag))
    const triggered = setup.graders.filter((g) => [...g.triggers].some((t) => tags.has(t)))
    if (triggered.length === 0) return undefined
    const fresh = new Map<string, Grade | undefined>()
    for (const g of triggered) {
      fresh.set(
        g.id,
        yield* g.entry.run(
          `grader ${g.entry.value.id}`,
          () =>
            Effect.flatMap(
              g.entry.value.grade({ ...g.entry.context, command, before, case: current, events }),
              (grade) => plainGrade(g.entry.plugin, g.entry.value.id, grade)
            )
        )
      )
    }
    // a grader not triggered this time still counts with its last grade, so recombining never drops a level it gave
    const memory = setup.remembered.size === 0 ? undefined : yield* ctx.state.get(current.id)
    const previous = lastGrades(setup, memory?.value)
    const grades: Array<{ grader: string; grade: Grade }> = []
    const kept: Record<string, Grade> = {}
    for (const g of setup.graders) {
      const grade = fresh.has(g.id) ? fresh.get(g.id) : previous[g.id]
      if (grade === undefined) continue
      grades.push({ grader: g.id, grade })
      if (setup.remembered.has(g.id)) kept[g.id] = grade
    }
    if (setup.remembered.size > 0 && JSON.stringify(kept) !== JSON.stringify(previous)) {
      // a StateConflict (another command on the case committed first) is a VersionConflict, which the centre retries
      yield* ctx.state.put(current.id, memory?.version ?? 0, kept)
    }
    // whose policy applies: the last contributed (a plugin's over the centre's own hooks')
    const owner = ctx.contributions(policy).at(-1)
    const combined = owner === undefined
      ? defaultPolicy(ctx.centre, grades)
      : yield* owner.run(
        "riskPolicy",
        () => Effect.sync(() => owner.value(grades, { ...owner.context, command, before, case: current, events }))
      )
    const risk = combined === undefined
      ? undefined
      : keepManual(ctx.centre, combined, manualOf(ctx.centre, current.risk))
    return risk !== undefined && !sameRisk(risk, current.risk) ? [{ _tag: "RiskGraded" as const, risk }] : undefined
  })

/** On a purge, the remembered grades of the case go too. */
const onRetention = (ctx: Plugin.RetentionContext<unknown>) =>
  ctx.mode !== "purge" || setupOf(ctx).remembered.size === 0 ? Effect.void : Effect.flatMap(
    ctx.state.get(ctx.before.id),
    (entry) =>
      entry === undefined ? Effect.void : Effect.asVoid(
        ctx.state.put(ctx.before.id, entry.version, undefined).pipe(
          Effect.catchTag("StateConflict", () =>
            Effect.fail(
              new StoreError({
                operation: "applyRetention",
                reason: `the remembered grades of ${ctx.before.id} changed while the retention rule applied`
              })
            ))
        )
      )
  )

/**
 * The grading plugin, installed by the centre when a plugin (or the centre's own hooks) contributes a grader or a
 * risk policy.
 * @internal
 */
export const owner: Plugin.Any = Plugin.definePlugin({ id: ownerId, version: "1", followUp, onRetention })
