import { CalendarChinese } from "date-chinese"
import * as fc from "fast-check"
import { LunarDay, SolarTerm } from "tyme4ts"
import { describe, expect, it } from "vitest"
import { Lunar } from "../src/index.js"

const iso = (g: { year: number; month: number; day: number }) =>
  `${g.year}-${String(g.month).padStart(2, "0")}-${String(g.day).padStart(2, "0")}`

/** [cycle, year, month, leap, day] of a Gregorian date, by date-chinese. */
const chinese = (date: string) =>
  new CalendarChinese().fromGregorian(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)))
    .get() as [number, number, number, boolean, number]

const years = Array.from({ length: Lunar.lastYear - Lunar.firstYear + 1 }, (_, i) => Lunar.firstYear + i)

describe("the lunar table", () => {
  it("covers 2020 to 2100 at least, and nothing outside it", () => {
    expect(Lunar.firstYear).toBeLessThanOrEqual(2020)
    expect(Lunar.lastYear).toBeGreaterThanOrEqual(2100)
    expect(Lunar.datesOf(Lunar.firstYear - 1)).toBeUndefined()
    expect(Lunar.datesOf(Lunar.lastYear + 1)).toBeUndefined()
    expect(Lunar.datesOf(2025.5)).toBeUndefined()
    expect(Lunar.datesOf(2025)).toEqual({
      year: 2025,
      eve: "2025-01-28",
      springFestival: "2025-01-29",
      qingming: "2025-04-04",
      dragonBoat: "2025-05-31",
      midAutumn: "2025-10-06"
    })
  })

  it("is what the generator computes with tyme4ts (the checked-in file is up to date)", () => {
    for (const year of years) {
      const d = Lunar.datesOf(year)!
      const spring = LunarDay.fromYmd(year, 1, 1).getSolarDay()
      const g = (s: { getYear(): number; getMonth(): number; getDay(): number }) =>
        iso({ year: s.getYear(), month: s.getMonth(), day: s.getDay() })
      expect(d.springFestival, `${year}`).toBe(g(spring))
      expect(d.eve, `${year}`).toBe(g(spring.next(-1)))
      expect(d.qingming, `${year}`).toBe(g(SolarTerm.fromName(year, "清明").getSolarDay()))
      expect(d.dragonBoat, `${year}`).toBe(g(LunarDay.fromYmd(year, 5, 5).getSolarDay()))
      expect(d.midAutumn, `${year}`).toBe(g(LunarDay.fromYmd(year, 8, 15).getSolarDay()))
    }
  })

  it("agrees with a second, independent library (date-chinese) every year, except 2033's leap month", () => {
    const disagreements: Array<string> = []
    for (const year of years) {
      const d = Lunar.datesOf(year)!
      const cal = new CalendarChinese()
      expect(iso(cal.fromJDE(cal.newYear(year)).toGregorian(year)), `${year} 春节`).toBe(d.springFestival)
      const q = new CalendarChinese()
      expect(iso(q.fromJDE(q.qingming(year)).toGregorian(year)), `${year} 清明`).toBe(d.qingming)
      const [, , eveMonth, eveLeap, eveDay] = chinese(d.eve)
      expect([eveMonth, eveLeap, eveDay >= 29], `${year} 除夕`).toEqual([12, false, true])
      const [, , springMonth, , springDay] = chinese(d.springFestival)
      expect([springMonth, springDay], `${year} 初一`).toEqual([1, 1])
      const [, , dbMonth, dbLeap, dbDay] = chinese(d.dragonBoat)
      if (dbMonth !== 5 || dbLeap || dbDay !== 5) disagreements.push(`${year} 端午`)
      const [, , maMonth, maLeap, maDay] = chinese(d.midAutumn)
      if (maMonth !== 8 || maLeap || maDay !== 15) disagreements.push(`${year} 中秋`)
    }
    // 2033 (the "2033 problem"): the official rule (GB/T 33661-2017, 《农历的编算和颁行》) puts the leap month
    // after the 11th month, so 中秋 is 8 September; date-chinese's simpler rule makes the 7th month leap and
    // reads 8 September as 闰七月十五. The table follows the standard.
    expect(disagreements).toEqual(["2033 中秋"])
    expect(chinese("2033-09-08").slice(2)).toEqual([7, true, 15])
  })

  it("property: each festival falls in its season and 除夕 is the day before 春节", () => {
    fc.assert(
      fc.property(fc.integer({ min: Lunar.firstYear, max: Lunar.lastYear }), (year) => {
        const d = Lunar.datesOf(year)!
        const day = (s: string) => Date.parse(`${s}T00:00:00Z`) / 86_400_000
        return day(d.springFestival) - day(d.eve) === 1 &&
          d.springFestival >= `${year}-01-21` && d.springFestival <= `${year}-02-20` &&
          d.qingming >= `${year}-04-04` && d.qingming <= `${year}-04-06` &&
          d.dragonBoat >= `${year}-05-26` && d.dragonBoat <= `${year}-06-26` &&
          d.midAutumn >= `${year}-09-07` && d.midAutumn <= `${year}-10-08`
      })
    )
  })
})
