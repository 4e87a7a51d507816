/**
 * The Gregorian dates of the lunar festivals (农历节日) and of the 清明 solar term (节气), from a table generated
 * with `tyme4ts` and checked against `date-chinese` (see `scripts/generate.ts`). The published package ships the
 * table only.
 *
 * @since 0.1.0
 */
import { firstYear as first, lastYear as last, lunarTable } from "./internal/lunarTable.js"

/**
 * One year's dates, `YYYY-MM-DD` in China Standard Time.
 *
 * @since 0.1.0
 * @category models
 */
export interface LunarDates {
  readonly year: number
  /** 除夕: the last day of the lunar year. */
  readonly eve: string
  /** 春节: 正月初一. */
  readonly springFestival: string
  /** 清明: the day of the 清明 solar term. */
  readonly qingming: string
  /** 端午: 五月初五. */
  readonly dragonBoat: string
  /** 中秋: 八月十五. */
  readonly midAutumn: string
}

/**
 * The first year of the table.
 *
 * @since 0.1.0
 * @category data
 */
export const firstYear: number = first

/**
 * The last year of the table.
 *
 * @since 0.1.0
 * @category data
 */
export const lastYear: number = last

/**
 * The dates of a year, or `undefined` outside {@link firstYear}–{@link lastYear}.
 *
 * @since 0.1.0
 * @category data
 */
export const datesOf = (year: number): LunarDates | undefined => {
  const row = lunarTable[year - first]
  if (row === undefined || row[0] !== year) return undefined
  const [, eve, springFestival, qingming, dragonBoat, midAutumn] = row
  return {
    year,
    eve: `${year}-${eve}`,
    springFestival: `${year}-${springFestival}`,
    qingming: `${year}-${qingming}`,
    dragonBoat: `${year}-${dragonBoat}`,
    midAutumn: `${year}-${midAutumn}`
  }
}
