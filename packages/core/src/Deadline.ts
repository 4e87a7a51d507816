/**
 * Deadlines (办理时限). Rules are configuration: which clock (acceptance, handling, the judicial-confirmation
 * window), which cases (kinds, channels, complexity levels), how long (hours, calendar days or working days) and
 * how far it may be extended. Counting follows Chinese practice: the start day is excluded, and a deadline that
 * ends on a non-working day rolls to the next working day. Deadlines are computed when a command is decided and
 * recorded in its event, so a later change of calendar never rewrites history.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { Calendar } from "./Calendar.js"
import { CalendarYearNotCovered } from "./Errors.js"
import { dayNumberOf, endOfDay, yearOf } from "./internal/dates.js"
import { Key, Timestamp } from "./Primitives.js"

/**
 * The deadlines a case can run against.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeadlineClock = Schema.Literal("acceptance", "handling", "judicialConfirmation").annotations({
  identifier: "DeadlineClock"
})

/**
 * @since 0.1.0
 * @category models
 */
export type DeadlineClock = typeof DeadlineClock.Type

/**
 * How a duration is counted.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Unit = Schema.Literal("hours", "calendarDays", "workingDays").annotations({ identifier: "DeadlineUnit" })

/**
 * @since 0.1.0
 * @category models
 */
export type Unit = typeof Unit.Type

/**
 * A length of time.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Duration = Schema.Struct({
  amount: Schema.Int.pipe(Schema.between(1, 3650)),
  unit: Unit
}).annotations({ identifier: "DeadlineDuration" })

/**
 * @since 0.1.0
 * @category models
 */
export type Duration = typeof Duration.Type

/**
 * A deadline rule. It applies to a case when every criterion given matches (`kinds`, `channels`,
 * `complexities`); the first matching rule of a clock wins. `extension` bounds extensions, counted in the same
 * unit as the duration.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Rule = Schema.Struct({
  id: Key,
  clock: DeadlineClock,
  kinds: Schema.optional(Schema.Array(Key)),
  channels: Schema.optional(Schema.Array(Key)),
  complexities: Schema.optional(Schema.Array(Key)),
  duration: Duration,
  extension: Schema.optional(Schema.Struct({
    maxAmount: Schema.Int.pipe(Schema.between(1, 3650)),
    maxTimes: Schema.Int.pipe(Schema.between(1, 100))
  })),
  source: Schema.optional(Schema.String)
}).annotations({ identifier: "DeadlineRule" })

/**
 * @since 0.1.0
 * @category models
 */
export type Rule = typeof Rule.Type

/**
 * The default rules, from the regulations and practice listed in the domain notes.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultRules: ReadonlyArray<Rule> = [
  {
    id: "petitionAcceptance",
    clock: "acceptance",
    kinds: ["petition"],
    duration: { amount: 15, unit: "calendarDays" },
    source: "《信访工作条例》(2022): decide whether to accept within 15 days of receipt"
  },
  {
    id: "petitionHandling",
    clock: "handling",
    kinds: ["petition"],
    duration: { amount: 60, unit: "calendarDays" },
    extension: { maxAmount: 30, maxTimes: 1 },
    source: "《信访工作条例》(2022): handle within 60 days of acceptance; up to 30 more with approval and a reason"
  },
  {
    id: "preLitigationMediation",
    clock: "handling",
    channels: ["courtReferral"],
    duration: { amount: 30, unit: "calendarDays" },
    extension: { maxAmount: 30, maxTimes: 1 },
    source: "Court practice (诉前调解): 30 days, extendable with the parties' consent"
  },
  {
    id: "simple",
    clock: "handling",
    complexities: ["simple"],
    duration: { amount: 1, unit: "workingDays" },
    extension: { maxAmount: 1, maxTimes: 1 },
    source: "County practice: simple disputes within 1 working day"
  },
  {
    id: "general",
    clock: "handling",
    complexities: ["general"],
    duration: { amount: 7, unit: "workingDays" },
    extension: { maxAmount: 7, maxTimes: 1 },
    source: "County practice: general disputes within 7 working days"
  },
  {
    id: "complex",
    clock: "handling",
    complexities: ["complex"],
    duration: { amount: 20, unit: "workingDays" },
    extension: { maxAmount: 20, maxTimes: 1 },
    source: "County practice: complex disputes within 20 working days"
  },
  {
    id: "judicialConfirmation",
    clock: "judicialConfirmation",
    duration: { amount: 30, unit: "calendarDays" },
    source: "《人民调解法》(2010) art. 33: both parties apply within 30 days after the agreement takes effect"
  }
]

/**
 * What a due date rests on (时限依据): `official` when every day counted lies in a year whose holiday notice the
 * calendar holds, `predicted` when some day lies in a year the calendar predicts by rule (the notice not out yet).
 *
 * @since 0.2.0
 * @category schemas
 */
export const Basis = Schema.Literal("official", "predicted").annotations({ identifier: "DeadlineBasis" })

/**
 * @since 0.2.0
 * @category models
 */
export type Basis = typeof Basis.Type

/**
 * A deadline running on a case. `basis` is absent on deadlines recorded before calendars had tiers (read as
 * `official`); `latestDueAt`, set on predicted ones, is the latest the due instant can be under any plausible
 * holiday arrangement (调休): windows that are a party's right are never closed before it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Deadline = Schema.Struct({
  ruleId: Key,
  unit: Unit,
  startedAt: Timestamp,
  dueAt: Timestamp,
  basis: Schema.optionalWith(Basis, { exact: true }),
  latestDueAt: Schema.optionalWith(Timestamp, { exact: true }),
  extensions: Schema.Array(Schema.Struct({
    amount: Schema.Int,
    previousDueAt: Timestamp,
    approver: Schema.String,
    reason: Schema.String,
    at: Timestamp
  }))
}).annotations({ identifier: "Deadline" })

/**
 * @since 0.1.0
 * @category models
 */
export type Deadline = typeof Deadline.Type

/**
 * What a rule is matched against.
 *
 * @since 0.1.0
 * @category models
 */
export interface RuleSubject {
  readonly kind: string
  readonly channel: string
  readonly complexity?: string | undefined
}

/**
 * The first rule of a clock that matches the case, if any.
 *
 * @since 0.1.0
 * @category utils
 */
export const findRule = (
  rules: ReadonlyArray<Rule>,
  clock: DeadlineClock,
  subject: RuleSubject
): Rule | undefined =>
  rules.find((r) =>
    r.clock === clock &&
    (r.kinds === undefined || r.kinds.includes(subject.kind)) &&
    (r.channels === undefined || r.channels.includes(subject.channel)) &&
    (r.complexities === undefined || (subject.complexity !== undefined && r.complexities.includes(subject.complexity)))
  )

/** The part of a calendar that counting reads. */
interface Days {
  readonly id: string
  readonly years: ReadonlyArray<number>
  readonly predictedYears?: ReadonlyArray<number> | undefined
  readonly isWorkingDayNumber: Calendar["isWorkingDayNumber"]
}

const rollToWorkingDay = (
  calendar: Days,
  day: number
): Either.Either<number, CalendarYearNotCovered> => {
  // a due date is never a day off, even in a user's calendar with months of them: the search ends at a working day,
  // or fails at the first day past the covered years (or after ten years without a working day, for a calendar
  // object of the user's own that never says a year is not covered)
  for (let d = day; d - day < noWorkingDayLimit; d++) {
    const w = calendar.isWorkingDayNumber(d)
    if (Either.isLeft(w)) return Either.left(w.left)
    if (w.right) return Either.right(d)
  }
  return Either.left(noWorkingDay(calendar, day + noWorkingDayLimit))
}

/** Days searched for a working day before a calendar is taken to have none. */
const noWorkingDayLimit = 3660

const noWorkingDay = (calendar: Days, day: number) =>
  new CalendarYearNotCovered({
    calendar: calendar.id,
    year: yearOf(day),
    covered: [...calendar.years, ...(calendar.predictedYears ?? [])].sort((a, b) => a - b)
  })

const addWorkingDays = (
  calendar: Days,
  day: number,
  amount: number
): Either.Either<number, CalendarYearNotCovered> => {
  let d = day
  let left = amount
  let lastWorking = day
  while (left > 0) {
    d++
    if (d - lastWorking > noWorkingDayLimit) return Either.left(noWorkingDay(calendar, d))
    const w = calendar.isWorkingDayNumber(d)
    if (Either.isLeft(w)) return Either.left(w.left)
    if (w.right) {
      left--
      lastWorking = d
    }
  }
  return Either.right(d)
}

/**
 * The due instant of a duration counted from an instant: hours are added exactly; days exclude the start day
 * and end at the last millisecond of the final day in the centre's time zone, rolled forward to the next
 * working day when that day is not one.
 *
 * @since 0.1.0
 * @category utils
 */
export const dueAfter = (
  calendar: Calendar,
  utcOffsetMinutes: number,
  from: string,
  duration: Duration
): Either.Either<string, CalendarYearNotCovered> =>
  Either.map(
    dueDay(calendar, utcOffsetMinutes, from, duration),
    (d) => typeof d === "string" ? d : endOfDay(d, utcOffsetMinutes)
  )

/** The due day (days since 1970-01-01), or the exact instant for hours. */
const dueDay = (
  calendar: Days,
  utcOffsetMinutes: number,
  from: string,
  duration: Duration
): Either.Either<number | string, CalendarYearNotCovered> => {
  switch (duration.unit) {
    case "hours":
      return Either.right(new Date(Date.parse(from) + duration.amount * 3_600_000).toISOString())
    case "calendarDays":
      return rollToWorkingDay(calendar, dayNumberOf(from, utcOffsetMinutes) + duration.amount)
    case "workingDays":
      return addWorkingDays(calendar, dayNumberOf(from, utcOffsetMinutes), duration.amount)
  }
}

/**
 * A due instant with what it rests on (see {@link Basis}); `latestDueAt` only when predicted.
 *
 * @since 0.2.0
 * @category models
 */
export interface Due {
  readonly dueAt: string
  readonly basis: Basis
  readonly latestDueAt?: string | undefined
}

/**
 * The tier the answer for a day comes from; `official` for a calendar object that does not tell (one of a user's
 * own made before calendars had tiers).
 */
const basisOfDay = (calendar: Calendar, day: number): Basis => {
  const b = (calendar as Partial<Calendar>).basisOf?.(day)
  return b !== undefined && Either.isRight(b) ? b.right : "official"
}

/**
 * The same count on the calendar's latest plausible reading (`calendar.latest`); undefined when the calendar has none
 * or cannot count that far.
 */
const latestInstant = (
  calendar: Calendar,
  utcOffsetMinutes: number,
  from: string,
  duration: Duration
): string | undefined => {
  const latest = (calendar as Partial<Calendar>).latest
  if (latest === undefined) return undefined
  const days: Days = {
    id: calendar.id,
    years: calendar.years,
    predictedYears: calendar.predictedYears,
    isWorkingDayNumber: latest.isWorkingDayNumber
  }
  const d = Either.getOrUndefined(dueDay(days, utcOffsetMinutes, from, duration))
  return d === undefined ? undefined : typeof d === "string" ? d : endOfDay(d, utcOffsetMinutes)
}

/**
 * {@link dueAfter} with its basis: `predicted` when any day counted (from the start to the due day) lies in a
 * predicted year, and then `latestDueAt`, the same count on the calendar's latest plausible reading
 * (`calendar.latest`: each predicted holiday at its widest, no make-up workdays), which is never earlier.
 *
 * @since 0.2.0
 * @category utils
 */
export const dueWithBasis = (
  calendar: Calendar,
  utcOffsetMinutes: number,
  from: string,
  duration: Duration
): Either.Either<Due, CalendarYearNotCovered> =>
  Either.flatMap(
    dueDay(calendar, utcOffsetMinutes, from, duration),
    (due): Either.Either<Due, CalendarYearNotCovered> => {
      if (typeof due === "string") return Either.right({ dueAt: due, basis: "official" })
      const dueAt = endOfDay(due, utcOffsetMinutes)
      let basis: Basis = "official"
      for (let d = dayNumberOf(from, utcOffsetMinutes) + 1; d <= due && basis === "official"; d++) {
        basis = basisOfDay(calendar, d)
      }
      if (basis === "official") return Either.right({ dueAt, basis })
      const latestDueAt = latestInstant(calendar, utcOffsetMinutes, from, duration)
      // past the last predicted year the latest reading cannot count: the predicted date is the bound there
      return Either.right({
        dueAt,
        basis,
        latestDueAt: latestDueAt !== undefined && latestDueAt > dueAt ? latestDueAt : dueAt
      })
    }
  )

/**
 * The last millisecond of the civil day `plusDays` after the one `at` falls on, in the UTC offset
 * `utcOffsetMinutes` (China: 480), as a canonical timestamp: when a "same day" (`plusDays` 0) or "within N days"
 * time limit runs out. `endOfCivilDay("2025-03-03T17:00:00.000Z", 480)` is `"2025-03-04T15:59:59.999Z"`.
 *
 * @since 0.2.0
 * @category utils
 */
export const endOfCivilDay = (at: string, utcOffsetMinutes: number, plusDays = 0): string =>
  endOfDay(dayNumberOf(at, utcOffsetMinutes) + plusDays, utcOffsetMinutes)

/**
 * What a deadline rests on: `official` when it does not say (recorded before calendars had tiers).
 *
 * @since 0.2.0
 * @category utils
 */
export const basisOf = (deadline: Deadline): Basis => deadline.basis ?? "official"

/**
 * The latest instant a deadline (or a {@link Due}) can fall due: `latestDueAt` for a predicted one, else its due
 * instant. A window that is a party's right (司法确认, 复查) closes only after it.
 *
 * @since 0.2.0
 * @category utils
 */
export const latestDueOf = (
  deadline: { readonly dueAt: string; readonly latestDueAt?: string | undefined }
): string => deadline.latestDueAt ?? deadline.dueAt

/**
 * The due instant of a running deadline after an extension of `amount` more units (延期).
 *
 * An extension lengthens the period, it does not start a new one from the due date. For calendar days that
 * matters when the due date was rolled forward past holidays: a 60-day petition deadline that fell on National
 * Day and rolled to 8 October, extended by 30 days, is due 90 days after the start (rolled forward again if that
 * day is not a working day), not 30 days after 8 October. The period is counted from `startedAt` as the rule's
 * duration plus every extension so far plus this one. When the rule is not given, or its unit is no longer the
 * deadline's, or the rule's duration no longer gives the current due date, the extension is counted
 * from the current due date. Hours and working days give the same instant
 * either way.
 *
 * @since 0.1.0
 * @category utils
 */
export const extendedDueAt = (
  calendar: Calendar,
  utcOffsetMinutes: number,
  deadline: Deadline,
  rule: Rule | undefined,
  amount: number
): Either.Either<string, CalendarYearNotCovered> =>
  Either.map(extendedDue(calendar, utcOffsetMinutes, deadline, rule, amount), (d) => d.dueAt)

/**
 * {@link extendedDueAt} with its basis: predicted when the deadline was, or when a day the extension counts is.
 *
 * @since 0.2.0
 * @category utils
 */
export const extendedDue = (
  calendar: Calendar,
  utcOffsetMinutes: number,
  deadline: Deadline,
  rule: Rule | undefined,
  amount: number
): Either.Either<Due, CalendarYearNotCovered> => {
  if (deadline.unit === "calendarDays" && rule !== undefined && rule.duration.unit === "calendarDays") {
    const period = rule.duration.amount + deadline.extensions.reduce((n, e) => n + e.amount, 0)
    const current = dueAfter(calendar, utcOffsetMinutes, deadline.startedAt, { amount: period, unit: "calendarDays" })
    // When the rule's duration has changed since the deadline started, the current due date is the only record
    // of the period, so the extension counts from it.
    if (Either.isRight(current) && current.right === deadline.dueAt) {
      return dueWithBasis(calendar, utcOffsetMinutes, deadline.startedAt, {
        amount: period + amount,
        unit: "calendarDays"
      })
    }
  }
  const duration = { amount, unit: deadline.unit }
  return Either.map(dueWithBasis(calendar, utcOffsetMinutes, deadline.dueAt, duration), (next): Due => {
    if (basisOf(deadline) === "official" && next.basis === "official") return next
    // counted on from the latest the current due instant can be, on the latest reading of the calendar
    const fromLatestAt = latestInstant(calendar, utcOffsetMinutes, latestDueOf(deadline), duration)
    const floor = next.latestDueAt ?? next.dueAt
    return {
      dueAt: next.dueAt,
      basis: "predicted",
      latestDueAt: fromLatestAt !== undefined && fromLatestAt > floor ? fromLatestAt : floor
    }
  })
}

/**
 * A running deadline counted again on the calendar as it is now (after a year's official notice replaced its
 * prediction): the rule's duration plus every extension, from the start. Undefined when it cannot be counted again
 * (its rule is gone or counts in another unit, or it counts hours, which no calendar moves).
 *
 * @since 0.2.0
 * @category utils
 */
export const recount = (
  calendar: Calendar,
  utcOffsetMinutes: number,
  deadline: Deadline,
  rule: Rule | undefined
): Either.Either<Due, CalendarYearNotCovered> | undefined => {
  if (rule === undefined || rule.duration.unit !== deadline.unit || deadline.unit === "hours") return undefined
  const amount = rule.duration.amount + deadline.extensions.reduce((n, e) => n + e.amount, 0)
  return dueWithBasis(calendar, utcOffsetMinutes, deadline.startedAt, { amount, unit: deadline.unit })
}
