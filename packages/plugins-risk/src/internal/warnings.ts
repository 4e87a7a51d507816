/**
 * Early warnings (预警): one for every open case at a warning level, under `w/<place path><case id>` (so that a
 * jurisdiction subtree is one prefix scan), with its owner, the time by which it must be reported and, by the
 * escalation rules, a suggested or automatic escalation.
 * @internal
 */
import { type Actor, Case, type CaseStore, type CenterConfig, Deadline, type Errors, type Plugin } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { type RiskConfig, settings, type Window } from "./config.js"

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

/**
 * The state key of a case's warning: `w/<place path><case id>`.
 * @internal
 */
export const warningKey = (centre: CenterConfig.Resolved, c: Case.Case): string =>
  `w/${centre.tree.get(c.place)?.path ?? `/${c.place}/`}${c.id}`

/**
 * Keeps the case's warning after every command: issued or raised with its due time, kept (with its
 * acknowledgement) while the level stays, removed when the case closes or falls to no level.
 * @internal
 */
export const keepWarning = (
  ctx: Plugin.EventsContext<RiskConfig>
): Effect.Effect<void, CaseStore.StateConflict | Errors.StoreError> =>
  Effect.gen(function*() {
    const c = ctx.case
    const s = settings(ctx.config, ctx.centre)
    const key = warningKey(ctx.centre, c)
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
  })

/**
 * Escalates the case as the plugin's system actor when its warning's rule says so (automatic escalation).
 * @internal
 */
export const escalateAutomatically = (
  ctx: Plugin.AfterCommitContext<RiskConfig>,
  system: Actor.Actor
): Effect.Effect<void, Errors.StoreError> =>
  Effect.gen(function*() {
    const c = ctx.case
    const version = c.version
    // automatic escalation of a warning whose rule says so
    const warning = (yield* ctx.state.get(warningKey(ctx.centre, c)))?.value as Warning | undefined
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
  })
