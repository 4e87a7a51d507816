/**
 * The statutory days (法定节假日) of 《全国年节及纪念日放假办法》, for the rule in force in each year: the 2013
 * revision (in force 2014–2024: 春节 3 days, 劳动节 1) and the 2024 revision (国务院令第795号, in force from
 * 1 January 2025: 春节 4 days with 除夕, 劳动节 2). Only the statutory days: the days off around them and the
 * make-up workdays (调休) that each yearly notice adds are a {@link Pattern.Pattern}'s job.
 *
 * @since 0.1.0
 */
import { dayNumber, fromDayNumber } from "./internal/dates.js"
import * as Lunar from "./Lunar.js"

/**
 * The seven public holidays every citizen has off.
 *
 * @since 0.1.0
 * @category models
 */
export type HolidayName =
  | "newYear"
  | "springFestival"
  | "qingming"
  | "labourDay"
  | "dragonBoat"
  | "midAutumn"
  | "nationalDay"

/**
 * The Chinese name of each holiday.
 *
 * @since 0.1.0
 * @category data
 */
export const holidayNames: Readonly<Record<HolidayName, string>> = {
  newYear: "元旦",
  springFestival: "春节",
  qingming: "清明节",
  labourDay: "劳动节",
  dragonBoat: "端午节",
  midAutumn: "中秋节",
  nationalDay: "国庆节"
}

/**
 * One holiday of a year: its statutory days and the festival's own day (`anchor`: 1 January, 正月初一, the 清明
 * solar term, 1 May, 五月初五, 八月十五, 1 October), all `YYYY-MM-DD`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StatutoryHoliday {
  readonly holiday: HolidayName
  readonly anchor: string
  readonly days: ReadonlyArray<string>
}

/**
 * A revision of 《全国年节及纪念日放假办法》: the first year it is in force, and how many days 春节 and 劳动节 give.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rule {
  readonly id: string
  readonly inForceFrom: number
  readonly springFestivalWithEve: boolean
  readonly labourDays: 1 | 2
  readonly source: string
}

/**
 * The revisions, newest first.
 *
 * @since 0.1.0
 * @category data
 */
export const rules: ReadonlyArray<Rule> = [
  {
    id: "2024",
    inForceFrom: 2025,
    springFestivalWithEve: true,
    labourDays: 2,
    source: "《全国年节及纪念日放假办法》 as revised by 国务院令第795号 (2024-11-10), in force 2025-01-01: 元旦 1, " +
      "春节 4 (除夕 and 初一–初三), 清明 1, 劳动节 2 (1–2 May), 端午 1, 中秋 1, 国庆 3 (1–3 October)"
  },
  {
    id: "2013",
    inForceFrom: 2014,
    springFestivalWithEve: false,
    labourDays: 1,
    source: "《全国年节及纪念日放假办法》 as revised by 国务院令第644号 (2013-12-11), in force 2014-01-01: 元旦 1, " +
      "春节 3 (初一–初三), 清明 1, 劳动节 1, 端午 1, 中秋 1, 国庆 3"
  }
]

/**
 * The rule in force in a year, or `undefined` before 2014.
 *
 * @since 0.1.0
 * @category data
 */
export const ruleFor = (year: number): Rule | undefined => rules.find((r) => year >= r.inForceFrom)

const run = (from: string, days: number): Array<string> =>
  Array.from({ length: days }, (_, i) => fromDayNumber(dayNumber(from) + i))

/**
 * The statutory days of a year under the rule in force that year, in calendar order; `undefined` for a year
 * without a rule (before 2014) or outside the lunar table ({@link Lunar.firstYear}–{@link Lunar.lastYear}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const statutoryDays = (year: number): ReadonlyArray<StatutoryHoliday> | undefined => {
  const rule = ruleFor(year)
  const lunar = Lunar.datesOf(year)
  if (rule === undefined || lunar === undefined) return undefined
  const jan1 = `${year}-01-01`
  const may1 = `${year}-05-01`
  const oct1 = `${year}-10-01`
  return [
    { holiday: "newYear", anchor: jan1, days: [jan1] },
    {
      holiday: "springFestival",
      anchor: lunar.springFestival,
      days: rule.springFestivalWithEve ? run(lunar.eve, 4) : run(lunar.springFestival, 3)
    },
    { holiday: "qingming", anchor: lunar.qingming, days: [lunar.qingming] },
    { holiday: "labourDay", anchor: may1, days: run(may1, rule.labourDays) },
    { holiday: "dragonBoat", anchor: lunar.dragonBoat, days: [lunar.dragonBoat] },
    { holiday: "midAutumn", anchor: lunar.midAutumn, days: [lunar.midAutumn] },
    { holiday: "nationalDay", anchor: oct1, days: run(oct1, 3) }
  ]
}
