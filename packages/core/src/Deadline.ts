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
 * A deadline running on a case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Deadline = Schema.Struct({
  ruleId: Key,
  unit: Unit,
  startedAt: Timestamp,
  dueAt: Timestamp,
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

const rollToWorkingDay = (
  calendar: Calendar,
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

const noWorkingDay = (calendar: Calendar, day: number) =>
  new CalendarYearNotCovered({ calendar: calendar.id, year: yearOf(day), covered: calendar.years })

const addWorkingDays = (
  calendar: Calendar,
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
): Either.Either<string, CalendarYearNotCovered> => {
  switch (duration.unit) {
    case "hours":
      return Either.right(new Date(Date.parse(from) + duration.amount * 3_600_000).toISOString())
    case "calendarDays": {
      const start = dayNumberOf(from, utcOffsetMinutes)
      return Either.map(rollToWorkingDay(calendar, start + duration.amount), (d) => endOfDay(d, utcOffsetMinutes))
    }
    case "workingDays": {
      const start = dayNumberOf(from, utcOffsetMinutes)
      return Either.map(addWorkingDays(calendar, start, duration.amount), (d) => endOfDay(d, utcOffsetMinutes))
    }
  }
}

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
): Either.Either<string, CalendarYearNotCovered> => {
  if (deadline.unit === "calendarDays" && rule !== undefined && rule.duration.unit === "calendarDays") {
    const period = rule.duration.amount + deadline.extensions.reduce((n, e) => n + e.amount, 0)
    const current = dueAfter(calendar, utcOffsetMinutes, deadline.startedAt, { amount: period, unit: "calendarDays" })
    // When the rule's duration has changed since the deadline started, the current due date is the only record
    // of the period, so the extension counts from it.
    if (Either.isRight(current) && current.right === deadline.dueAt) {
      return dueAfter(calendar, utcOffsetMinutes, deadline.startedAt, { amount: period + amount, unit: "calendarDays" })
    }
  }
  return dueAfter(calendar, utcOffsetMinutes, deadline.dueAt, { amount, unit: deadline.unit })
}
