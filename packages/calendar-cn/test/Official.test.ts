import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" }
import { describe, expect, it } from "vitest"
import { Official, Statutory } from "../src/index.js"

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay()
const officialYears = Array.from(
  { length: Official.lastYear - Official.firstYear + 1 },
  (_, i) => Official.firstYear + i
)
const datesIn = (record: Record<string, string>, year: number) =>
  Object.keys(record).filter((d) => d.startsWith(`${year}-`)).sort()

describe("the official years (State Council notices)", () => {
  it("are 2020 to 2026, each with its notice as source, dates in their year, make-up workdays on weekends", () => {
    expect(Object.keys(Official.years).map(Number)).toEqual(officialYears)
    for (const [y, data] of Object.entries(Official.years)) {
      expect(data.source, y).toMatch(/^国办发明电〔\d{4}〕\d+号/)
      for (const d of [...data.daysOff, ...data.workdays]) expect(d.startsWith(`${y}-`), d).toBe(true)
      for (const d of data.workdays) expect([0, 6], d).toContain(weekday(d))
      for (const d of data.workdays) expect(data.daysOff, d).not.toContain(d)
    }
  })

  // chinese-days (an independent, widely used data set) keeps the same notices in its own format: `holidays` is
  // every day off (weekends inside a holiday included, as here), `workdays` the make-up workdays, and each entry
  // names the holiday with its number of statutory days ("Spring Festival,春节,4"). Both lists compare as they are;
  // the statutory counts compare with Statutory.statutoryDays. Its `inLieuDays` (which weekday is taken in lieu of
  // which) has no counterpart here and is not compared.
  it("match chinese-days' days off and make-up workdays day for day", () => {
    for (const year of officialYears) {
      const data = Official.years[String(year)]!
      expect([...data.daysOff].sort(), `${year} days off`).toEqual(datesIn(chineseDays.holidays, year))
      expect([...data.workdays].sort(), `${year} workdays`).toEqual(datesIn(chineseDays.workdays, year))
    }
  })

  it("give each holiday as many statutory days as chinese-days says the notice did", () => {
    const byChineseName = Object.fromEntries(
      Object.entries(Statutory.holidayNames).map(([k, v]) => [v.replace(/节$/, ""), k])
    )
    for (const year of officialYears) {
      const statutory = Statutory.statutoryDays(year)!
      const labels = new Set(
        Object.entries(chineseDays.holidays).filter(([d]) => d.startsWith(`${year}-`)).map(([, label]) => label)
      )
      for (const label of labels) {
        const [, name, count] = label.split(",") as [string, string, string]
        const holiday = byChineseName[name.replace(/节$/, "")]
        expect(holiday, label).toBeDefined()
        expect(statutory.find((h) => h.holiday === holiday)?.days.length, `${year} ${label}`).toBe(Number(count))
      }
      // 2020: 中秋 fell on 1 October and chinese-days files it under 国庆; every other year names all seven
      expect(labels.size, `${year}`).toBe(year === 2020 ? 6 : 7)
    }
  })
})
