/**
 * What the command modules share: the checks of units and nodes, the deadlines a command starts or moves, and the
 * small constructors of `decide` results and evolved states.
 *
 * @since 0.3.0
 */
import * as Either from "effect/Either"
import type { Actor } from "../Actor.js"
import type { Case, Status } from "../Case.js"
import type { Resolved } from "../CenterConfig.js"
import { natureOf } from "../CenterConfig.js"
import * as Deadline from "../Deadline.js"
import type { CalendarYearNotCovered, InvalidInput } from "../Errors.js"
import { dayNumberOf, endOfDay } from "../internal/dates.js"
import { invalidInput } from "../internal/parse.js"
import type { Recorded } from "./define.js"

/** Whether a supervision order on the case is not answered yet. */
export const pendingOrders = (s: Case) => s.supervision.some((o) => o.answeredAt === undefined)

/** An actor outside any department, an administrator, or one of the lead unit. */
export const actsForLeadUnit = (a: Actor, s: Case): boolean =>
  a.department === undefined || a.roles.includes("admin") || a.department === s.leadUnit

/** Why a mediation type does not fit a lead unit's nature, if it does not. */
export const unitFits = (
  config: Resolved,
  s: Case,
  leadUnit: string,
  mediationType: string | undefined
): string | undefined => {
  if (mediationType === undefined) return undefined
  const mt = config.mediationTypes.get(mediationType)
  const nature = natureOf(config, leadUnit)
  if (mt === undefined || nature === undefined) return undefined
  return mt.performedBy.includes(nature)
    ? undefined
    : `${mediationType} mediation is conducted only by ${
      mt.performedBy.join(" or ")
    } bodies; ${leadUnit} is ${nature} (case ${s.id})`
}

/**
 * Why a unit cannot be given a part in a case, if it cannot: its node must be the handling node or above it (a
 * county bureau for a township's case), or below it on the way to the case's place (the township and village of
 * the place). A unit of another branch (a sibling township's committee) could not act on the case: its staff's
 * jurisdiction holds neither the place nor the handling node.
 */
export const unitServes = (config: Resolved, s: Case, unit: string): string | undefined => {
  const d = config.departments.get(unit)
  if (d === undefined) return undefined
  const tree = config.tree
  return tree.isWithin(s.handlingNode, d.jurisdiction) ||
      (tree.isWithin(d.jurisdiction, s.handlingNode) && tree.isWithin(s.place, d.jurisdiction))
    ? undefined
    : `${unit} (at ${d.jurisdiction}) does not serve the case: it is handled at ${s.handlingNode} and its place is ${s.place}`
}

/**
 * When the judicial-confirmation window closes for a party: a party's right is never refused before the latest the
 * window can end (`latestDueAt` of a window counted on a predicted calendar).
 */
export const judicialWindowDue = (
  config: Resolved,
  s: Case
): Either.Either<string | undefined, CalendarYearNotCovered> => {
  if (s.outcome?._tag !== "Resolved") return Either.right(undefined)
  if (s.deadlines.judicialConfirmation !== undefined) {
    return Either.right(Deadline.latestDueOf(s.deadlines.judicialConfirmation))
  }
  const rule = Deadline.findRule(config.deadlines, "judicialConfirmation", s)
  return rule === undefined
    ? Either.right(undefined)
    : Either.map(
      Deadline.dueWithBasis(config.calendar, config.utcOffsetMinutes, s.outcome.agreement.effectiveAt, rule.duration),
      Deadline.latestDueOf
    )
}

/**
 * Whether a request at `at` is inside the window whatever the calendar of the window's end says: rolling forward and
 * counting working days only ever move a due date later than the same number of calendar days, so the end of that
 * day is a lower bound. A request that early is in time even when the calendar does not cover the window's end yet.
 */
export const surelyInJudicialWindow = (config: Resolved, s: Case, at: string): boolean => {
  if (s.outcome?._tag !== "Resolved") return false
  const rule = Deadline.findRule(config.deadlines, "judicialConfirmation", s)
  if (rule === undefined || rule.duration.unit === "hours") return false
  const start = dayNumberOf(s.outcome.agreement.effectiveAt, config.utcOffsetMinutes)
  return at <= endOfDay(start + rule.duration.amount, config.utcOffsetMinutes)
}

/** The later of the command's time and the centre's. */
export const latestOf = (at: string, now: string | undefined): string => now !== undefined && now > at ? now : at

/** Whether the case's mediation type is conducted by people's mediation committees. */
export const mediatedByPeoples = (config: Resolved, s: Case): boolean =>
  s.mediationType !== undefined &&
  (config.mediationTypes.get(s.mediationType)?.performedBy.includes("peoplesMediation") ?? false)

/** Whether the case was resolved by a people's-mediation agreement. */
export const isPeoplesAgreement = (config: Resolved, s: Case): boolean =>
  s.outcome?._tag === "Resolved" && mediatedByPeoples(config, s)

/** A `decide` result of events. */
export const ok = <E>(...events: ReadonlyArray<E>): Either.Either<ReadonlyArray<E>, never> => Either.right(events)

/** A `decide` result refusing a field of the command. */
export const bad = (field: string, expected: string): Either.Either<never, InvalidInput> =>
  Either.left(invalidInput(field, expected))

/** The keys a field may take. */
export const oneOf = (map: ReadonlyMap<string, unknown>): string => `one of: ${[...map.keys()].join(", ")}`

/** The deadline a rule starts at a time, if a rule applies. */
export const startDeadline = (
  config: Resolved,
  clock: Deadline.DeadlineClock,
  subject: Deadline.RuleSubject,
  from: string
): Either.Either<Deadline.Deadline | undefined, CalendarYearNotCovered> => {
  const rule = Deadline.findRule(config.deadlines, clock, subject)
  if (rule === undefined) return Either.right(undefined)
  return Either.map(
    Deadline.dueWithBasis(config.calendar, config.utcOffsetMinutes, from, rule.duration),
    (due): Deadline.Deadline => ({
      ruleId: rule.id,
      unit: rule.duration.unit,
      startedAt: from,
      dueAt: due.dueAt,
      basis: due.basis,
      ...(due.latestDueAt !== undefined ? { latestDueAt: due.latestDueAt } : {}),
      extensions: []
    })
  )
}

/** A deadline with the basis an event gives it (an event recorded before bases were keeps the deadline's). */
export const withBasis = (
  d: Deadline.Deadline,
  e: { readonly basis?: Deadline.Basis | undefined; readonly latestDueAt?: string | undefined }
): Deadline.Deadline => {
  if (e.basis === undefined) return d
  const { latestDueAt: _, ...rest } = d
  return { ...rest, basis: e.basis, ...(e.latestDueAt !== undefined ? { latestDueAt: e.latestDueAt } : {}) }
}

/** A deadline field, present only when there is a deadline. */
export const withDeadline = <K extends string>(key: K, d: Deadline.Deadline | undefined) =>
  (d === undefined ? {} : { [key]: d }) as { readonly [P in K]?: Deadline.Deadline }

/** The first unknown unit or mediation type a dispatch names, as `InvalidInput`. */
export const checkUnits = (
  config: Resolved,
  lead: string,
  assisting: ReadonlyArray<string> | undefined,
  mediationType: string | undefined
): Either.Either<never, InvalidInput> | undefined => {
  if (!config.departments.has(lead)) return bad("leadUnit", `a configured department (${lead} is unknown)`)
  for (const [i, u] of (assisting ?? []).entries()) {
    if (!config.departments.has(u)) return bad(`assistingUnits.${i}`, `a configured department (${u} is unknown)`)
  }
  if (mediationType !== undefined && !config.mediationTypes.has(mediationType)) {
    return bad("mediationType", oneOf(config.mediationTypes))
  }
  return undefined
}

/**
 * The first of the nodes a command names that is not in the centre's tree, as `InvalidInput` naming its field.
 */
export const unknownNodeIn = (
  config: Resolved,
  nodes: ReadonlyArray<readonly [field: string, code: string | undefined]>
): InvalidInput | undefined => {
  for (const [field, code] of nodes) {
    if (code !== undefined && config.tree.get(code) === undefined) {
      return invalidInput(field, "the code of a node in the centre's jurisdiction tree")
    }
  }
  return undefined
}

/** A state whose fields an evolver may set. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** The case moved to a status by an event. */
export const moved = (s: Case, env: Recorded<unknown>, status: Status): Mutable<Case> => ({
  ...s,
  status,
  statusSince: s.status === status ? s.statusSince : env.at,
  version: env.version,
  updatedAt: env.at
})

/** The case with an event recorded that does not move it. */
export const recorded = (s: Case, env: Recorded<unknown>): Mutable<Case> => ({
  ...s,
  version: env.version,
  updatedAt: env.at
})

/** The case without some fields. */
export const without = <K extends keyof Case>(s: Mutable<Case>, ...keys: ReadonlyArray<K>): Mutable<Case> => {
  for (const k of keys) delete s[k]
  return s
}
