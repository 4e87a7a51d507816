import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Calendar from "../src/Calendar.js"
import { chinaHolidayNotices } from "../src/internal/chinaHolidays.js"
import { dayNumber, weekdayOf } from "../src/internal/dates.js"

const working = (date: string) => Either.getOrThrow(Calendar.china.isWorkingDay(date))

describe("Calendar.china", () => {
  it("covers 2020 to 2026", () => {
    expect(Calendar.china.years).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026])
  })

  it("knows holidays, make-up workdays and plain weekends", () => {
    expect(working("2025-01-01")).toBe(false) // 元旦
    expect(working("2025-01-28")).toBe(false) // 春节
    expect(working("2025-01-26")).toBe(true) // Sunday make-up workday
    expect(working("2025-02-08")).toBe(true) // Saturday make-up workday
    expect(working("2025-03-08")).toBe(false) // plain Saturday
    expect(working("2025-03-10")).toBe(true) // plain Monday
    expect(working("2025-10-08")).toBe(false) // 国庆中秋 2025: 1–8 October
    expect(working("2026-02-23")).toBe(false) // 春节 2026: 15–23 February
    expect(working("2026-02-14")).toBe(true)
    expect(working("2020-02-01")).toBe(false) // 2020 workday cancelled by the extension
  })

  it("every make-up workday in the data falls on a weekend and every notice year is consistent", () => {
    for (const [y, n] of Object.entries(chinaHolidayNotices)) {
      for (const w of n.work) {
        const wd = weekdayOf(dayNumber(`${y}-${w}`))
        expect([0, 6], `${y}-${w}`).toContain(wd)
      }
    }
  })

  it("a year without data is an explicit error, not a guess", () => {
    const r = Calendar.china.isWorkingDay("2027-03-01")
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r)) {
      expect(r.left._tag).toBe("CalendarYearNotCovered")
      expect(r.left._tag === "CalendarYearNotCovered" && r.left.year).toBe(2027)
    }
  })

  it("can be extended with next year's notice without a release", () => {
    const next = Either.getOrThrow(
      Calendar.extend(Calendar.china, { "2027": { daysOff: ["2027-01-01"], workdays: [] } })
    )
    expect(Either.getOrThrow(next.isWorkingDay("2027-01-01"))).toBe(false)
    expect(Either.getOrThrow(next.isWorkingDay("2027-01-04"))).toBe(true)
    expect(Either.getOrThrow(next.isWorkingDay("2025-01-01"))).toBe(false)
  })

  it("rejects inconsistent data with a typed error naming the field", () => {
    const bad = Calendar.extend(Calendar.china, { "2027": { daysOff: [], workdays: ["2027-01-05"] } })
    expect(Either.isLeft(bad)).toBe(true)
    if (Either.isLeft(bad)) {
      expect(bad.left._tag).toBe("InvalidConfig")
      expect(bad.left.field).toBe("calendar.years.2027.workdays.0")
    }
    const wrongYear = Calendar.extend(Calendar.china, { "2027": { daysOff: ["2026-12-31"], workdays: [] } })
    expect(Either.isLeft(wrongYear) && wrongYear.left.field).toBe("calendar.years.2027.daysOff.0")
  })

  it("refuses a weekend of all seven days, which would leave no working day to roll a deadline to", () => {
    const none = Calendar.make({
      id: "none",
      weekend: [0, 1, 2, 3, 4, 5, 6],
      years: { "2025": { daysOff: [], workdays: [] } }
    })
    expect(Either.isLeft(none) && none.left.field).toBe("calendar.weekend")
    expect(Either.isRight(Calendar.make({ id: "six", weekend: [0, 1, 2, 3, 4, 5], years: {} }))).toBe(true)
  })

  it("answers only for dates that exist: 2025-02-30 is not taken for 2 March", () => {
    for (const date of ["2025-02-30", "2025-13-01", "2025-3-1", "not a date", "2025-03-01T00:00:00Z", ""]) {
      const r = Calendar.china.isWorkingDay(date)
      expect(Either.isLeft(r) && r.left._tag, date).toBe("InvalidInput")
      expect(Either.isLeft(r) && r.left._tag === "InvalidInput" && r.left.field, date).toBe("date")
    }
    expect(working("2025-03-03")).toBe(true)
  })
})
