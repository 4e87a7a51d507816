/**
 * The official tier (官方): China's public holidays and make-up workdays (调休) as the State Council General
 * Office's yearly notices (国务院办公厅关于某年部分节假日安排的通知) published them, 2020–2026. A new notice comes out
 * every November; it goes into a data release of this package, or straight into a centre with core's
 * `Calendar.extend`.
 *
 * @since 0.1.0
 */
import { expandRanges } from "./internal/dates.js"
import { officialNotices } from "./internal/officialNotices.js"

/**
 * One year of a calendar: the days off (holidays, including any that fall on a weekend) and the make-up workdays
 * (weekend days that are working days), as `YYYY-MM-DD` dates of that year, and where they come from.
 *
 * @since 0.1.0
 * @category models
 */
export interface YearData {
  readonly daysOff: ReadonlyArray<string>
  readonly workdays: ReadonlyArray<string>
  readonly source?: string
}

/**
 * A yearly notice as ranges of `MM-DD` (`"01-28..02-04"` is inclusive), with the notice's document number.
 *
 * @since 0.1.0
 * @category models
 */
export interface Notice {
  readonly notice: string
  readonly off: ReadonlyArray<string>
  readonly work: ReadonlyArray<string>
}

/**
 * The notices by year, as ranges. A notice's days in December of the year before (元旦 that joins a weekend in
 * late December) are listed under the year they fall in.
 *
 * @since 0.1.0
 * @category data
 */
export const notices: Readonly<Record<number, Notice>> = officialNotices

/**
 * The first and last official years.
 *
 * @since 0.1.0
 * @category data
 */
export const firstYear = 2020

/**
 * @since 0.1.0
 * @category data
 */
export const lastYear = 2026

/**
 * The official years, each with its days off and make-up workdays as dates and its notice as `source`.
 *
 * @since 0.1.0
 * @category data
 */
export const years: Readonly<Record<string, YearData>> = Object.fromEntries(
  Object.entries(officialNotices).map(([y, n]) => [
    y,
    { daysOff: expandRanges(Number(y), n.off), workdays: expandRanges(Number(y), n.work), source: n.notice }
  ])
)
