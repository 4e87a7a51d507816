/**
 * Working-day calendars (工作日历), in three tiers. China's official public holidays and make-up workdays (调休)
 * change every November, so the calendar is data:
 *
 * - official (官方): the years whose State Council notices exist ({@link china} ships 2020–2026, and
 *   {@link extend} adds next year's notice without a new release of the SDK);
 * - predicted (预测): later years (2027–2100 in {@link china}), made by `@fengqiao/calendar-cn` from the statutory days
 *   of 《全国年节及纪念日放假办法》 and the lunar dates, each with its widest plausible days off for
 *   {@link Calendar.latest};
 * - regional (地方): days off of a region on top of both ({@link overlay}), e.g. 延边's 州庆 on 3 September.
 *
 * A date in a year neither tier covers is an explicit {@link CalendarYearNotCovered} error, never a guess; a date
 * answered from a prediction says so ({@link Calendar.basisOf}).
 *
 * @since 0.1.0
 */
import { ChinaCalendar, Official } from "@fengqiao/calendar-cn"
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { CalendarYearNotCovered, type InvalidConfig, type InvalidInput } from "./Errors.js"
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
 * One predicted year: the days off and make-up workdays a pattern expects, and `widestDaysOff`, every day that
 * could plausibly be off (it holds every day of `daysOff`), which {@link Calendar.latest} reads with no make-up
 * workdays.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PredictedYearData = Schema.Struct({
  daysOff: Schema.Array(CivilDate),
  workdays: Schema.Array(CivilDate),
  widestDaysOff: Schema.Array(CivilDate),
  source: Schema.optional(Schema.String)
}).annotations({ identifier: "CalendarPredictedYearData" })

/**
 * @since 0.1.0
 * @category models
 */
export type PredictedYearData = typeof PredictedYearData.Type

/**
 * Regional days off (地方性假日) on top of every tier: `MM-DD` for a day off every year, `YYYY-MM-DD` for one day.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Overlay = Schema.Struct({
  id: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  daysOff: Schema.Array(Schema.String),
  source: Schema.optional(Schema.String)
}).annotations({ identifier: "CalendarOverlay" })

/**
 * @since 0.1.0
 * @category models
 */
export type Overlay = typeof Overlay.Type

const yearKey = Schema.String.pipe(Schema.pattern(/^\d{4}$/))

/**
 * The data a calendar is made of. Weekdays are numbered 0 (Sunday) to 6 (Saturday). `years` are the official
 * tier, `predicted` the predicted one (a year in both is answered from `years`), `overlays` the regional days off.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CalendarData = Schema.Struct({
  id: Schema.String.pipe(Schema.minLength(1)),
  weekend: Schema.Array(Schema.Int.pipe(Schema.between(0, 6))),
  years: Schema.Record({ key: yearKey, value: YearData }),
  predicted: Schema.optional(Schema.Record({ key: yearKey, value: PredictedYearData })),
  overlays: Schema.optional(Schema.Array(Overlay))
}).annotations({ identifier: "CalendarData" })

/**
 * @since 0.1.0
 * @category models
 */
export type CalendarData = typeof CalendarData.Type

/**
 * The tier a day's answer comes from.
 *
 * @since 0.1.0
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
  /** The official years (with data in `years`), ascending. */
  readonly years: ReadonlyArray<number>
  /** The predicted years that are not also official, ascending. */
  readonly predictedYears: ReadonlyArray<number>
  /** The data it was made from. */
  readonly data: CalendarData
  /**
   * Whether a day (days since 1970-01-01) is a working day: from the official year if there is one, else from the
   * predicted year; fails for a year in neither tier.
   */
  readonly isWorkingDayNumber: (day: number) => Either.Either<boolean, CalendarYearNotCovered>
  /**
   * Whether a civil date `YYYY-MM-DD` is a working day; fails for a year without data, and with `InvalidInput`
   * (field `date`) for a text that is not a date that exists (`2025-02-30` is not taken for 2 March).
   */
  readonly isWorkingDay: (date: string) => Either.Either<boolean, CalendarYearNotCovered | InvalidInput>
  /** The tier the answer for a day comes from; fails for a year in neither tier. */
  readonly basisOf: (day: number) => Either.Either<Basis, CalendarYearNotCovered>
  /**
   * The same calendar read at its latest plausible: predicted years use widestDaysOff and no make-up workdays;
   * official years unchanged.
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
const decodeOverlay = decodeConfig(Overlay)
const decodeYears = decodeConfig(Schema.Record({ key: yearKey, value: YearData }))

const civilDatePattern = /^\d{4}-\d{2}-\d{2}$/
const monthDayPattern = /^\d{2}-\d{2}$/

interface Tier {
  readonly off: Set<number>
  readonly work: Set<number>
}

interface PredictedTier extends Tier {
  readonly widest: Set<number>
}

interface Overlays {
  /** `MM-DD` off every year */
  readonly everyYear: Set<string>
  /** single days off */
  readonly days: Set<number>
}

/** The days off and make-up workdays of one tier, checked: dates in their year, make-up workdays on a weekend. */
const tierOf = (
  weekend: ReadonlySet<number>,
  years: Readonly<
    Record<string, { readonly daysOff: ReadonlyArray<string>; readonly workdays: ReadonlyArray<string> }>
  >,
  prefix: string
): Either.Either<Tier, InvalidConfig> => {
  const off = new Set<number>()
  const work = new Set<number>()
  for (const [y, yd] of Object.entries(years)) {
    for (const [i, d] of yd.daysOff.entries()) {
      if (!d.startsWith(y)) return Either.left(invalidConfig(`${prefix}.${y}.daysOff.${i}`, `a date in ${y}`))
      off.add(dayNumber(d))
    }
    for (const [i, d] of yd.workdays.entries()) {
      const field = `${prefix}.${y}.workdays.${i}`
      if (!d.startsWith(y)) return Either.left(invalidConfig(field, `a date in ${y}`))
      const n = dayNumber(d)
      if (!weekend.has(weekdayOf(n))) return Either.left(invalidConfig(field, `a weekend day (${d} is not)`))
      if (off.has(n)) return Either.left(invalidConfig(field, `a date that is not also a day off (${d})`))
      work.add(n)
    }
  }
  return Either.right({ off, work })
}

const predictedTierOf = (
  weekend: ReadonlySet<number>,
  predicted: Readonly<Record<string, PredictedYearData>>
): Either.Either<PredictedTier, InvalidConfig> =>
  Either.flatMap(tierOf(weekend, predicted, "calendar.predicted"), ({ off, work }) => {
    const widest = new Set<number>()
    for (const [y, yd] of Object.entries(predicted)) {
      const field = `calendar.predicted.${y}.widestDaysOff`
      for (const [i, d] of yd.widestDaysOff.entries()) {
        if (!d.startsWith(y)) return Either.left(invalidConfig(`${field}.${i}`, `a date in ${y}`))
        widest.add(dayNumber(d))
      }
      const missing = yd.daysOff.find((d) => !widest.has(dayNumber(d)))
      if (missing !== undefined) {
        return Either.left(invalidConfig(field, `every day of daysOff (${missing} is missing)`))
      }
    }
    return Either.right({ off, work, widest })
  })

const overlaysOf = (
  overlays: ReadonlyArray<Overlay>,
  prefix: (i: number) => string
): Either.Either<Overlays, InvalidConfig> => {
  const everyYear = new Set<string>()
  const days = new Set<number>()
  for (const [i, o] of overlays.entries()) {
    for (const [j, d] of o.daysOff.entries()) {
      if (monthDayPattern.test(d) && isValidCivilDate(`2000-${d}`)) everyYear.add(d)
      else if (civilDatePattern.test(d) && isValidCivilDate(d)) days.add(dayNumber(d))
      else {
        return Either.left(
          invalidConfig(`${prefix(i)}.daysOff.${j}`, "a day off every year MM-DD or a date YYYY-MM-DD that exists")
        )
      }
    }
  }
  return Either.right({ everyYear, days })
}

const sortedYears = (record: Readonly<Record<string, unknown>> | undefined): Array<number> =>
  Object.keys(record ?? {}).map(Number).sort((a, b) => a - b)

/** The checked parts of a calendar made here, so that extend and overlay need not check its data again. */
interface Parts {
  readonly weekend: ReadonlySet<number>
  readonly official: Tier
  readonly predicted: () => PredictedTier
  readonly predictedYears: ReadonlyArray<number>
  readonly overlays: Overlays
}

const partsOf = new WeakMap<Calendar, Parts>()

/** Assembles a calendar from checked parts; the predicted tier may be built on first use. */
const assemble = (data: CalendarData, parts: Parts): Calendar => {
  const { official, overlays, weekend } = parts
  const predictedTier = parts.predicted
  const predictedYearList = parts.predictedYears
  const years = sortedYears(data.years)
  const officialYears = new Set(years)
  const predictedYears = predictedYearList.filter((y) => !officialYears.has(y))
  const predictedSet = new Set(predictedYears)
  const covered = [...years, ...predictedYears].sort((a, b) => a - b)
  const notCovered = (year: number) => Either.left(new CalendarYearNotCovered({ calendar: data.id, year, covered }))
  const regionalDayOff = (n: number) =>
    overlays.days.has(n) || (overlays.everyYear.size > 0 && overlays.everyYear.has(fromDayNumber(n).slice(5)))
  const answer = (n: number, latest: boolean): Either.Either<boolean, CalendarYearNotCovered> => {
    const year = yearOf(n)
    let tier: Tier
    if (officialYears.has(year)) tier = official
    else if (predictedSet.has(year)) {
      const p = predictedTier()
      if (latest) return Either.right(!regionalDayOff(n) && !p.widest.has(n) && !weekend.has(weekdayOf(n)))
      tier = p
    } else return notCovered(year)
    if (regionalDayOff(n) || tier.off.has(n)) return Either.right(false)
    if (tier.work.has(n)) return Either.right(true)
    return Either.right(!weekend.has(weekdayOf(n)))
  }
  const isWorkingDayNumber = (n: number) => answer(n, false)
  const calendar: Calendar = {
    id: data.id,
    years,
    predictedYears,
    data,
    isWorkingDayNumber,
    isWorkingDay: (date) =>
      civilDatePattern.test(date) && isValidCivilDate(date)
        ? isWorkingDayNumber(dayNumber(date))
        : Either.left(invalidInput("date", "a date YYYY-MM-DD that exists in the calendar")),
    basisOf: (n) => {
      const year = yearOf(n)
      return officialYears.has(year)
        ? Either.right("official")
        : predictedSet.has(year)
        ? Either.right("predicted")
        : notCovered(year)
    },
    latest: { isWorkingDayNumber: (n) => answer(n, true) }
  }
  partsOf.set(calendar, parts)
  return calendar
}

/** The data of a calendar with some fields changed; a predicted tier stays unread until it is needed. */
const dataWith = (
  base: CalendarData,
  changes: { readonly id: string; readonly years?: CalendarData["years"]; readonly overlays?: ReadonlyArray<Overlay> }
): CalendarData => {
  const overlays = changes.overlays ?? base.overlays
  const data = {
    id: changes.id,
    weekend: base.weekend,
    years: changes.years ?? base.years,
    ...(overlays === undefined ? {} : { overlays })
  }
  if ("predicted" in base) {
    Object.defineProperty(data, "predicted", { enumerable: true, get: () => base.predicted })
  }
  return data
}

const weekendOf = (data: CalendarData): Either.Either<ReadonlySet<number>, InvalidConfig> => {
  const weekend = new Set(data.weekend)
  return weekend.size === 7
    ? Either.left(invalidConfig("calendar.weekend", "at most six weekdays (a week with a working day)"))
    : Either.right(weekend)
}

/**
 * Builds a calendar from its data, validating it: the weekend leaves at least one working day in the week, every
 * date of a year lies in that year, every make-up workday must be a weekend day, no date may be both a day off
 * and a workday, a predicted year's `widestDaysOff` holds its `daysOff`, and an overlay's days are `MM-DD` or
 * `YYYY-MM-DD` dates that exist. Each problem is an `InvalidConfig` naming the field.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: CalendarData): Either.Either<Calendar, InvalidConfig> =>
  Either.gen(function*() {
    const data = yield* decodeData(input, "calendar")
    const weekend = yield* weekendOf(data)
    const official = yield* tierOf(weekend, data.years, "calendar.years")
    const predicted = yield* predictedTierOf(weekend, data.predicted ?? {})
    const overlays = yield* overlaysOf(data.overlays ?? [], (i) => `calendar.overlays.${i}`)
    return assemble(data, {
      weekend,
      official,
      predicted: () => predicted,
      predictedYears: sortedYears(data.predicted),
      overlays
    })
  })

let chinaPredicted: CalendarData["predicted"]

/**
 * The data of China's calendar: Saturday and Sunday off; the official years 2020–2026 from the State Council
 * notices (each with the notice it comes from); and the predicted years 2027–2100 of `@fengqiao/calendar-cn`'s
 * default pattern, computed on first read.
 *
 * @since 0.1.0
 * @category constants
 */
export const chinaData: CalendarData = {
  id: "china",
  weekend: [0, 6],
  years: Official.years,
  get predicted() {
    return chinaPredicted ??= ChinaCalendar.chinaCalendarData().predicted
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

const noOverlays: Overlays = { everyYear: new Set(), days: new Set() }

const chinaWeekend: ReadonlySet<number> = new Set([0, 6])

/**
 * China's working-day calendar: official 2020–2026, predicted 2027–2100 (see {@link Calendar.basisOf}). The
 * predicted tier is built the first time a predicted year is asked about. Official years are added with
 * {@link extend}, regional days off with {@link overlay}.
 *
 * @since 0.1.0
 * @category constants
 */
export const china: Calendar = (() => {
  let predicted: PredictedTier | undefined
  return assemble(chinaData, {
    weekend: chinaWeekend,
    official: Either.getOrThrow(tierOf(chinaWeekend, Official.years, "calendar.years")),
    predicted: () => predicted ??= Either.getOrThrow(predictedTierOf(chinaWeekend, chinaData.predicted ?? {})),
    predictedYears: range(Official.lastYear + 1, ChinaCalendar.lastPredictableYear),
    overlays: noOverlays
  })
})()

/**
 * China's official calendar alone, 2020–2026: no predicted years, so a date in 2027 is a
 * {@link CalendarYearNotCovered} until its notice is added with {@link extend}. For a centre that never wants a
 * prediction.
 *
 * @since 0.1.0
 * @category constants
 */
export const chinaOfficial: Calendar = assemble({ id: "china", weekend: [0, 6], years: Official.years }, {
  weekend: chinaWeekend,
  official: Either.getOrThrow(tierOf(chinaWeekend, Official.years, "calendar.years")),
  predicted: () => ({ off: new Set(), work: new Set(), widest: new Set() }),
  predictedYears: [],
  overlays: noOverlays
})

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

/**
 * A calendar with more official years (or replaced years) on top of another. An official year answers before a
 * predicted one, so next year's notice replaces the prediction; the predicted years and overlays carry through.
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
): Either.Either<Calendar, InvalidConfig> => {
  const parts = partsOf.get(base)
  if (parts === undefined) {
    return make({
      id,
      weekend: base.data.weekend,
      years: { ...base.data.years, ...years },
      ...optional("predicted", base.data.predicted),
      ...optional("overlays", base.data.overlays)
    })
  }
  // a calendar made here: only the new years need checking, and a predicted tier is not read
  return Either.gen(function*() {
    const added = yield* decodeYears(years, "calendar.years")
    const merged = { ...base.data.years, ...added }
    const official = yield* tierOf(parts.weekend, merged, "calendar.years")
    return assemble(dataWith(base.data, { id, years: merged }), { ...parts, official })
  })
}

/**
 * A calendar with regional days off (地方性假日) on top of another: `MM-DD` for a day off every year, `YYYY-MM-DD`
 * for one day. They are off in every tier, official and predicted, and in {@link Calendar.latest}; the years
 * covered do not change. The calendar's id becomes `base+id` when the overlay has an id. Bad input is an
 * `InvalidConfig` naming the field (`overlay.daysOff.0`).
 *
 * @example
 * ```ts
 * import { Calendar } from "@fengqiao/core"
 * // 延边朝鲜族自治州: 州庆 on 3 September
 * const yanbian = Calendar.overlay(Calendar.china, { id: "yanbian", daysOff: ["09-03"] })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const overlay = (base: Calendar, input: Overlay): Either.Either<Calendar, InvalidConfig> =>
  Either.gen(function*() {
    const o = yield* decodeOverlay(input, "overlay")
    const added = yield* overlaysOf([o], () => "overlay")
    const id = o.id === undefined ? base.id : `${base.id}+${o.id}`
    const overlays = [...(base.data.overlays ?? []), o]
    const parts = partsOf.get(base)
    if (parts === undefined) {
      return yield* make({
        id,
        weekend: base.data.weekend,
        years: base.data.years,
        ...optional("predicted", base.data.predicted),
        overlays
      })
    }
    return assemble(dataWith(base.data, { id, overlays }), {
      ...parts,
      overlays: {
        everyYear: new Set([...parts.overlays.everyYear, ...added.everyYear]),
        days: new Set([...parts.overlays.days, ...added.days])
      }
    })
  })

/**
 * A layer providing a calendar.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (calendar: Calendar): Layer.Layer<Calendar> => Layer.succeed(Calendar, calendar)
