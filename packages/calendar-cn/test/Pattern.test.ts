import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  ChinaCalendar,
  chinaCalendarData,
  defaultPattern,
  Official,
  type Pattern,
  statutoryDays
} from "../src/index.js"

const DAY = 86_400_000
const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY
const date = (n: number) => new Date(n * DAY).toISOString().slice(0, 10)
const isWeekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

const data = chinaCalendarData()
/** The predicted calendar of 2020–2100: each year from the pattern, with the next year's 元旦 in December. */
const predictedAll = chinaCalendarData({ from: 2020 })

const offIn = (year: number) => new Set(predictedAll.predicted[String(year)]!.daysOff)

describe("statutory days", () => {
  it("follow the rule in force each year: 春节 3 and 劳动节 1 before 2025, 4 (from 除夕) and 2 since", () => {
    const count = (year: number) => Object.fromEntries(statutoryDays(year)!.map((h) => [h.holiday, h.days.length]))
    expect(count(2024)).toEqual({
      newYear: 1,
      springFestival: 3,
      qingming: 1,
      labourDay: 1,
      dragonBoat: 1,
      midAutumn: 1,
      nationalDay: 3
    })
    expect(count(2025)).toEqual({ ...count(2024), springFestival: 4, labourDay: 2 })
    expect(statutoryDays(2025)!.find((h) => h.holiday === "springFestival")!.days).toEqual([
      "2025-01-28",
      "2025-01-29",
      "2025-01-30",
      "2025-01-31"
    ])
    expect(statutoryDays(2027)!.find((h) => h.holiday === "labourDay")!.days).toEqual(["2027-05-01", "2027-05-02"])
    expect(statutoryDays(2013)).toBeUndefined()
    expect(statutoryDays(2200)).toBeUndefined()
  })

  it("property: for every year 2020–2100 the predicted calendar marks every statutory day off", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2020, max: 2100 }), (year) => {
        const off = offIn(year)
        return statutoryDays(year)!.every((h) => h.days.every((d) => off.has(d)))
      })
    )
    for (const year of range(2020, 2100)) {
      const off = offIn(year)
      for (const h of statutoryDays(year)!) for (const d of h.days) expect(off.has(d), `${year} ${d}`).toBe(true)
    }
  })

  it("for 2020–2026 the statutory days are a subset of the official days off", () => {
    for (const year of range(Official.firstYear, Official.lastYear)) {
      const official = new Set(Official.years[String(year)]!.daysOff)
      for (const h of statutoryDays(year)!) for (const d of h.days) expect(official.has(d), d).toBe(true)
    }
  })
})

describe("defaultPattern", () => {
  it("reproduces the official 2025 and 2026 notices day for day", () => {
    for (const year of [2025, 2026]) {
      const p = defaultPattern(year, statutoryDays(year)!)
      expect(p.daysOff, `${year}`).toEqual(Official.years[String(year)]!.daysOff)
      expect(p.workdays, `${year}`).toEqual(Official.years[String(year)]!.workdays)
    }
  })

  it("2027: 元旦 Friday to Sunday; 春节 from 除夕 (5 February); 劳动节 1–5 May; 国庆 1–7 October", () => {
    const y = data.predicted["2027"]!
    for (const d of ["2027-01-01", "2027-01-03", "2027-02-05", "2027-02-12", "2027-05-05", "2027-10-07"]) {
      expect(y.daysOff, d).toContain(d)
    }
    expect(y.workdays.every(isWeekend)).toBe(true)
    expect(y.source).toBe(ChinaCalendar.predictedSource)
  })

  it("property: make-up workdays are weekend days that are not off; no more than six working days in a row", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2027, max: 2100 }), (year) => {
        const y = data.predicted[String(year)]!
        const off = new Set(y.daysOff)
        return y.workdays.every((d) => isWeekend(d) && !off.has(d))
      })
    )
    const off = new Set(Object.values(data.predicted).flatMap((y) => y.daysOff))
    const work = new Set(Object.values(data.predicted).flatMap((y) => y.workdays))
    let run = 0
    for (let n = dayNumber("2027-01-01"); n <= dayNumber("2100-12-31"); n++) {
      const d = date(n)
      run = work.has(d) || (!isWeekend(d) && !off.has(d)) ? run + 1 : 0
      expect(run, d).toBeLessThanOrEqual(6)
    }
  })

  it("pays every day in lieu with one make-up workday: weekdays off less make-up workdays = statutory days", () => {
    // a statutory day on a weekend is paid by a weekday off (补休), so the balance holds whatever the weekdays
    for (const year of range(2027, 2100)) {
      const y = data.predicted[String(year)]!
      const weekdaysOff = y.daysOff.filter((d) => !isWeekend(d)).length
      const statutory = statutoryDays(year)!.reduce((n, h) => n + h.days.length, 0)
      expect(weekdaysOff - y.workdays.length, `${year}`).toBe(statutory)
    }
  })
})

describe("widestDaysOff", () => {
  it("holds every predicted day off, and each holiday's widest official span", () => {
    for (const [y, p] of Object.entries(data.predicted)) {
      const widest = new Set(p.widestDaysOff)
      for (const d of p.daysOff) expect(widest.has(d), `${y} ${d}`).toBe(true)
      expect(p.widestDaysOff.every((d) => d.startsWith(`${y}-`)), y).toBe(true)
    }
    // 春节's widest official span: two days before 初一 (2026) to eight after (2020, extended)
    expect(ChinaCalendar.widestSpans.springFestival).toEqual([-2, 8])
    const spring = statutoryDays(2030)!.find((h) => h.holiday === "springFestival")!.anchor
    const widest = new Set(data.predicted["2030"]!.widestDaysOff)
    for (let n = dayNumber(spring) - 2; n <= dayNumber(spring) + 8; n++) expect(widest.has(date(n)), date(n)).toBe(true)
  })

  it("never has a working day where the predicted calendar has a day off", () => {
    for (const p of Object.values(data.predicted)) {
      const widest = new Set(p.widestDaysOff)
      for (const d of p.daysOff) expect(widest.has(d)).toBe(true)
    }
  })
})

describe("chinaCalendarData", () => {
  it("official 2020–2026 and predicted 2027–2100 by default", () => {
    expect(data.id).toBe("china")
    expect(data.weekend).toEqual([0, 6])
    expect(Object.keys(data.years).map(Number)).toEqual(range(2020, 2026))
    expect(Object.keys(data.predicted).map(Number)).toEqual(range(2027, 2100))
  })

  it("takes a pattern of one's own and a range of years", () => {
    const onlyStatutory: Pattern.Pattern = (_, holidays) => ({ daysOff: holidays.flatMap((h) => h.days), workdays: [] })
    const d = chinaCalendarData({ pattern: onlyStatutory, from: 2030, to: 2031 })
    expect(Object.keys(d.predicted)).toEqual(["2030", "2031"])
    expect(d.predicted["2030"]!.workdays).toEqual([])
    expect(d.predicted["2030"]!.daysOff).toEqual(statutoryDays(2030)!.flatMap((h) => h.days))
    expect(() => chinaCalendarData({ to: 2101 })).toThrow(/^to: /)
    expect(() => chinaCalendarData({ from: 2010 })).toThrow(/^from: /)
    expect(() => chinaCalendarData({ from: 2030.5 })).toThrow(/^from: /)
  })
})
