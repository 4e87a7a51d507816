/**
 * Counting running deadlines again (时限重算) when the calendar they were counted on has changed: a year's official
 * holiday notice replacing its prediction. Pure: the state and the configuration in, the changes out.
 * @internal
 */
import * as Either from "effect/Either"
import type { Case } from "../Case.js"
import { isOpen } from "../Case.js"
import type { Resolved } from "../CenterConfig.js"
import * as Deadline from "../Deadline.js"

/** @internal */
export interface Change {
  readonly deadline: Deadline.DeadlineClock
  readonly previousDueAt: string
  readonly dueAt: string
  readonly basis: Deadline.Basis
  readonly latestDueAt?: string
}

/**
 * The deadlines of a case that still run: acceptance before acceptance, handling while the case is open after it,
 * and the judicial-confirmation window of a resolved case not yet asked for.
 * @internal
 */
export const runningDeadlines = (s: Case): ReadonlyArray<readonly [Deadline.DeadlineClock, Deadline.Deadline]> => {
  const out: Array<readonly [Deadline.DeadlineClock, Deadline.Deadline]> = []
  const { acceptance, handling, judicialConfirmation } = s.deadlines
  if (s.status === "registered" && acceptance !== undefined) out.push(["acceptance", acceptance])
  if (s.status !== "registered" && isOpen(s) && handling !== undefined) out.push(["handling", handling])
  if (
    (s.status === "closed" || s.status === "feedbackGiven") && s.outcome?._tag === "Resolved" &&
    s.judicialConfirmation === undefined && judicialConfirmation !== undefined
  ) out.push(["judicialConfirmation", judicialConfirmation])
  return out
}

/**
 * What counting a case's predicted running deadlines again on the configured calendar changes; empty when nothing
 * moves (so running it twice records nothing the second time). A deadline its rule no longer counts, or one in a
 * year the calendar does not reach, is left as it is.
 * @internal
 */
export const recomputedChanges = (config: Resolved, s: Case): ReadonlyArray<Change> => {
  const changes: Array<Change> = []
  for (const [clock, d] of runningDeadlines(s)) {
    if (Deadline.basisOf(d) !== "predicted") continue
    const rule = config.deadlines.find((r) => r.id === d.ruleId)
    const due = Deadline.recount(config.calendar, config.utcOffsetMinutes, d, rule)
    if (due === undefined || Either.isLeft(due)) continue
    const next = due.right
    if (next.dueAt === d.dueAt && next.basis === d.basis && next.latestDueAt === d.latestDueAt) continue
    changes.push({
      deadline: clock,
      previousDueAt: d.dueAt,
      dueAt: next.dueAt,
      basis: next.basis,
      ...(next.latestDueAt !== undefined ? { latestDueAt: next.latestDueAt } : {})
    })
  }
  return changes
}
