/**
 * Working-day calendars (工作日历). China's official public holidays and make-up workdays (调休) change every
 * November, so the calendar is data: {@link china} ships the years whose notices exist, and
 * {@link extend} adds next year's notice without a new release of the SDK. A date in a year the calendar does
 * not cover is an explicit {@link CalendarYearNotCovered} error, never a guess.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { CalendarYearNotCovered, type InvalidConfig, type InvalidInput } from "./Errors.js"
import { chinaHolidayNotices } from "./internal/chinaHolidays.js"
import { dayNumber, fromDayNumber, weekdayOf, yearOf } from "./internal/dates.js"
import { decodeConfig, invalidConfig, invalidInput } from "./internal/parse.js"
import { CivilDate, isValidCivilDate } from "./Primitives.js"

/**
 * One year of a calendar: the days off (holidays, including any that fall on weekends) and the make-up workdays
 * (weekend days that are working days).
 *
 * @since 0.1.0
 * @category schemas
 */
export const YearData = Schema.Struct({
  daysOff: Schema.Array(CivilDate),
  workdays: Schema.Array(CivilDate),
  source: Schema.optional(Schema.String)
}).annotations({ identifier: "CalendarYearData" })

/**
 * @since 0.1.0
 * @category models
 */
export type YearData = typeof YearData.Type

/**
 * The data a calendar is made of. Weekdays are numbered 0 (Sunday) to 6 (Saturday).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CalendarData = Schema.Struct({
  id: Schema.String.pipe(Schema.minLength(1)),
  weekend: Schema.Array(Schema.Int.pipe(Schema.between(0, 6))),
  years: Schema.Record({ key: Schema.String.pipe(Schema.pattern(/^\d{4}$/)), value: YearData })
}).annotations({ identifier: "CalendarData" })

/**
 * @since 0.1.0
 * @category models
 */
export type CalendarData = typeof CalendarData.Type

/**
 * The tier a day's answer comes from.
 *
 * @since 0.2.0
 * @category models
 */
export type Basis = "official" | "predicted"

/**
 * A working-day calendar.
 *
 * @since 0.1.0
 * @category models
 */
export interface Calendar {
  /** A name for messages, e.g. `"china"`. */
  readonly id: string
  /** The years with data, ascending. */
  readonly years: ReadonlyArray<number>
  /** The data it was made from. */
  readonly data: CalendarData
  /**
   * Whether a day (days since 1970-01-01) is a working day; fails for a year without data.
   */
  readonly isWorkingDayNumber: (day: number) => Either.Either<boolean, CalendarYearNotCovered>
  /**
   * Whether a civil date `YYYY-MM-DD` is a working day; fails for a year without data, and with `InvalidInput`
   * (field `date`) for a text that is not a date that exists (`2025-02-30` is not taken for 2 March).
   */
  readonly isWorkingDay: (date: string) => Either.Either<boolean, CalendarYearNotCovered | InvalidInput>
  /** The years predicted by rule, ascending; `years` are the official ones. */
  readonly predictedYears: ReadonlyArray<number>
  /** The tier a day's answer comes from. */
  readonly basisOf: (day: number) => Either.Either<Basis, CalendarYearNotCovered>
  /**
   * The same calendar read at its latest plausible: predicted years use their widest days off and no make-up
   * workdays; official years unchanged.
   */
  readonly latest: { readonly isWorkingDayNumber: (day: number) => Either.Either<boolean, CalendarYearNotCovered> }
}

/**
 * The calendar a centre uses for working days.
 *
 * @since 0.1.0
 * @category tags
 */
export const Calendar: Context.Tag<Calendar, Calendar> = Context.GenericTag<Calendar>("@fengqiao/core/Calendar")

const decodeData = decodeConfig(CalendarData)

const civilDatePattern = /^\d{4}-\d{2}-\d{2}$/

/**
 * Builds a calendar from its data, validating it: the weekend leaves at least one working day in the week, every
 * make-up workday must be a weekend day and no date may be both a day off and a workday.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: CalendarData): Either.Either<Calendar, InvalidConfig> =>
  Either.flatMap(decodeData(input, "calendar"), (data) => {
    const weekend = new Set(data.weekend)
    if (weekend.size === 7) {
      return Either.left(invalidConfig("calendar.weekend", "at most six weekdays (a week with a working day)"))
    }
    const off = new Set<number>()
    const work = new Set<number>()
    const years: Array<number> = []
    for (const [y, yd] of Object.entries(data.years)) {
      const year = Number(y)
      years.push(year)
      for (const [i, d] of yd.daysOff.entries()) {
        if (!d.startsWith(y)) return Either.left(invalidConfig(`calendar.years.${y}.daysOff.${i}`, `a date in ${y}`))
        off.add(dayNumber(d))
      }
      for (const [i, d] of yd.workdays.entries()) {
        const field = `calendar.years.${y}.workdays.${i}`
        if (!d.startsWith(y)) return Either.left(invalidConfig(field, `a date in ${y}`))
        const n = dayNumber(d)
        if (!weekend.has(weekdayOf(n))) return Either.left(invalidConfig(field, `a weekend day (${d} is not)`))
        if (off.has(n)) return Either.left(invalidConfig(field, `a date that is not also a day off (${d})`))
        work.add(n)
      }
    }
    years.sort((a, b) => a - b)
    const covered = new Set(years)
    const isWorkingDayNumber = (n: number): Either.Either<boolean, CalendarYearNotCovered> => {
      const year = yearOf(n)
      if (!covered.has(year)) {
        return Either.left(new CalendarYearNotCovered({ calendar: data.id, year, covered: years }))
      }
      if (off.has(n)) return Either.right(false)
      if (work.has(n)) return Either.right(true)
      return Either.right(!weekend.has(weekdayOf(n)))
    }
    return Either.right<Calendar>({
      id: data.id,
      years,
      data,
      isWorkingDayNumber,
      predictedYears: [],
      basisOf: (n) => Either.map(isWorkingDayNumber(n), (): Basis => "official"),
      latest: { isWorkingDayNumber },
      isWorkingDay: (date) =>
        civilDatePattern.test(date) && isValidCivilDate(date)
          ? isWorkingDayNumber(dayNumber(date))
          : Either.left(invalidInput("date", "a date YYYY-MM-DD that exists in the calendar"))
    })
  })

const expand = (year: number, ranges: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  for (const r of ranges) {
    const [from, to] = r.split("..") as [string, string | undefined]
    const a = dayNumber(`${year}-${from}`)
    const b = to === undefined ? a : dayNumber(`${year}-${to}`)
    for (let n = a; n <= b; n++) out.push(fromDayNumber(n))
  }
  return out
}

/**
 * The data of China's official calendar: Saturday and Sunday off, plus each year's holidays and make-up
 * workdays from the State Council notices (2020–2026).
 *
 * @since 0.1.0
 * @category constants
 */
export const chinaData: CalendarData = {
  id: "china",
  weekend: [0, 6],
  years: Object.fromEntries(
    Object.entries(chinaHolidayNotices).map(([y, n]) => [
      y,
      { daysOff: expand(Number(y), n.off), workdays: expand(Number(y), n.work), source: n.notice }
    ])
  )
}

/**
 * China's official working-day calendar, 2020–2026. Add later years with {@link extend}.
 *
 * @since 0.1.0
 * @category constants
 */
export const china: Calendar = Either.getOrThrow(make(chinaData))

/**
 * A calendar with more years (or replaced years) on top of another.
 *
 * @example
 * ```ts
 * import { Calendar } from "@fengqiao/core"
 * const withNextYear = Calendar.extend(Calendar.china, {
 *   "2027": { daysOff: ["2027-01-01"], workdays: [] }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const extend = (
  base: Calendar,
  years: Record<string, YearData>,
  id: string = base.id
): Either.Either<Calendar, InvalidConfig> =>
  make({ id, weekend: base.data.weekend, years: { ...base.data.years, ...years } })

/**
 * A layer providing a calendar.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (calendar: Calendar): Layer.Layer<Calendar> => Layer.succeed(Calendar, calendar)
