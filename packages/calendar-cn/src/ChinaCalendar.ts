/**
 * China's working-day calendar as data for `@fengqiao/core`'s `Calendar.make`: the official years (官方) and, after
 * them, predicted years (预测) made from the statutory days of each year by a {@link Pattern.Pattern}, each with
 * its widest plausible days off (`widestDaysOff`) for the latest reading of a deadline.
 *
 * @since 0.1.0
 */
import { dayNumber, fromDayNumber, isWeekend, yearOf } from "./internal/dates.js"
import * as Lunar from "./Lunar.js"
import * as Official from "./Official.js"
import { defaultPattern, type Pattern } from "./Pattern.js"
import { type HolidayName, statutoryDays } from "./Statutory.js"

/**
 * A predicted year: the days off and make-up workdays of the pattern, and `widestDaysOff`, every day that could
 * plausibly be off when the notice comes (each holiday at the widest span it took in the official years, and
 * every predicted day off).
 *
 * @since 0.1.0
 * @category models
 */
export interface PredictedYearData extends Official.YearData {
  readonly widestDaysOff: ReadonlyArray<string>
}

/**
 * The shape of core's `Calendar.CalendarData`: weekdays numbered 0 (Sunday) to 6 (Saturday), years keyed
 * `"YYYY"`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CalendarData {
  readonly id: string
  readonly weekend: ReadonlyArray<number>
  readonly years: Readonly<Record<string, Official.YearData>>
  readonly predicted: Readonly<Record<string, PredictedYearData>>
}

/**
 * The options of {@link chinaCalendarData}: the pattern of 调休 (the default follows the 2025 and 2026 notices)
 * and the range of predicted years (by default from the year after the last official one to
 * {@link lastPredictableYear}).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly pattern?: Pattern | undefined
  readonly from?: number | undefined
  readonly to?: number | undefined
}

/**
 * The first and last years a prediction can be made for (the lunar table's years, less one at the end for the
 * 元旦 of the year after, which may join the last days of December).
 *
 * @since 0.1.0
 * @category data
 */
export const firstPredictableYear: number = Math.max(Lunar.firstYear + 1, 2014)

/**
 * @since 0.1.0
 * @category data
 */
export const lastPredictableYear: number = Lunar.lastYear - 1

/**
 * The source given to a predicted year.
 *
 * @since 0.1.0
 * @category data
 */
export const predictedSource =
  "predicted by @fengqiao/calendar-cn from 《全国年节及纪念日放假办法》 and the lunar table; not an official notice"

/**
 * For each holiday, the widest span of consecutive non-working days around the festival's own day in the official
 * years, as offsets in days from it (`[before, after]`, `before` ≤ 0). 中秋 is measured in the years it stands
 * alone; when it joins 国庆 the span is 国庆's.
 *
 * @since 0.1.0
 * @category data
 */
export const widestSpans: Readonly<Record<HolidayName, readonly [number, number]>> = (() => {
  const off = new Set<number>()
  const work = new Set<number>()
  for (const y of Object.values(Official.years)) {
    for (const d of y.daysOff) off.add(dayNumber(d))
    for (const d of y.workdays) work.add(dayNumber(d))
  }
  const resting = (n: number) => off.has(n) || (isWeekend(n) && !work.has(n))
  const spans: Partial<Record<HolidayName, [number, number]>> = {}
  for (let year = Official.firstYear; year <= Official.lastYear; year++) {
    const oct1 = dayNumber(`${year}-10-01`)
    for (const h of statutoryDays(year) ?? []) {
      const anchor = dayNumber(h.anchor)
      let a = anchor
      let b = anchor
      while (resting(a - 1)) a--
      while (resting(b + 1)) b++
      if (h.holiday === "midAutumn" && a <= oct1 && oct1 <= b) continue
      const s = spans[h.holiday]
      spans[h.holiday] = s === undefined
        ? [a - anchor, b - anchor]
        : [Math.min(s[0], a - anchor), Math.max(s[1], b - anchor)]
    }
  }
  return spans as Record<HolidayName, readonly [number, number]>
})()

const arrangementCache = new WeakMap<Pattern, Map<number, ReturnType<Pattern>>>()

const arrangement = (pattern: Pattern, year: number) => {
  let byYear = arrangementCache.get(pattern)
  if (byYear === undefined) arrangementCache.set(pattern, byYear = new Map())
  let a = byYear.get(year)
  if (a === undefined) {
    const holidays = statutoryDays(year)
    if (holidays === undefined) throw new RangeError(`no statutory days for ${year}`)
    a = pattern(year, holidays)
    byYear.set(year, a)
  }
  return a
}

const inYear = (year: number, dates: ReadonlyArray<string>) => dates.filter((d) => d.startsWith(`${year}-`))

/**
 * One predicted year: the dates of the pattern's arrangements of this year and of the next (whose 元旦 may join
 * the last days of December) that fall in this year, and the widest days off.
 *
 * @since 0.1.0
 * @category constructors
 */
export const predictYear = (year: number, pattern: Pattern = defaultPattern): PredictedYearData => {
  if (!Number.isInteger(year) || year < firstPredictableYear || year > lastPredictableYear) {
    throw new RangeError(`year: an integer from ${firstPredictableYear} to ${lastPredictableYear} (got ${year})`)
  }
  const these = arrangement(pattern, year)
  const next = arrangement(pattern, year + 1)
  const daysOff = [...inYear(year, these.daysOff), ...inYear(year, next.daysOff)]
  const workdays = [...inYear(year, these.workdays), ...inYear(year, next.workdays)]
  const widest = new Set(daysOff.map(dayNumber))
  for (const y of [year, year + 1]) {
    for (const h of statutoryDays(y) ?? []) {
      const [before, after] = widestSpans[h.holiday]
      const anchor = dayNumber(h.anchor)
      for (let n = anchor + before; n <= anchor + after; n++) if (yearOf(n) === year) widest.add(n)
    }
  }
  return {
    daysOff,
    workdays,
    widestDaysOff: [...widest].sort((a, b) => a - b).map(fromDayNumber),
    source: predictedSource
  }
}

/**
 * China's calendar data: Saturday and Sunday off; the official years ({@link Official.years}, 2020–2026); and
 * predicted years (by default 2027–2100) made by the pattern. Give `from`/`to` to predict fewer years (a year
 * outside {@link firstPredictableYear}–{@link lastPredictableYear} is a `RangeError` naming the option). Core's
 * `Calendar.china` is made from this with the default pattern.
 *
 * @example
 * ```ts
 * import { chinaCalendarData } from "@fengqiao/calendar-cn"
 * const data = chinaCalendarData({ to: 2035 })
 * data.predicted["2027"]?.workdays // the predicted make-up workdays of 2027
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const chinaCalendarData = (options: Options = {}): CalendarData => {
  const pattern = options.pattern ?? defaultPattern
  const from = options.from ?? Official.lastYear + 1
  const to = options.to ?? lastPredictableYear
  for (const [field, y] of [["from", from], ["to", to]] as const) {
    if (!Number.isInteger(y) || y < firstPredictableYear || y > lastPredictableYear) {
      throw new RangeError(`${field}: a year from ${firstPredictableYear} to ${lastPredictableYear} (got ${y})`)
    }
  }
  const predicted: Record<string, PredictedYearData> = {}
  for (let y = from; y <= to; y++) predicted[String(y)] = predictYear(y, pattern)
  return { id: "china", weekend: [0, 6], years: Official.years, predicted }
}
