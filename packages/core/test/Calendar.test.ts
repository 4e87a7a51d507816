import { describe, expect, it } from "@effect/vitest"
import { Official, Regional } from "@fengqiao/calendar-cn"
import * as Either from "effect/Either"
import * as fc from "fast-check"
import * as Calendar from "../src/Calendar.js"
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
    for (const [y, n] of Object.entries(Official.notices)) {
      for (const w of n.work) {
        const wd = weekdayOf(dayNumber(`${y}-${w}`))
        expect([0, 6], `${y}-${w}`).toContain(wd)
      }
    }
  })

  it("a year in neither tier is an explicit error, not a guess", () => {
    const r = Calendar.china.isWorkingDay("2101-03-01")
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r)) {
      expect(r.left._tag).toBe("CalendarYearNotCovered")
      expect(r.left._tag === "CalendarYearNotCovered" && r.left.year).toBe(2101)
      // covered lists both tiers' years
      expect(r.left._tag === "CalendarYearNotCovered" && r.left.covered).toEqual(range(2020, 2100))
    }
    const official = Calendar.chinaOfficial.isWorkingDay("2027-03-01")
    expect(Either.isLeft(official) && official.left._tag === "CalendarYearNotCovered" && official.left.year).toBe(
      2027
    )
    expect(Either.getOrThrow(Calendar.chinaOfficial.isWorkingDay("2025-01-01"))).toBe(false)
  })

  it("can be extended with next year's notice without a release", () => {
    const next = Either.getOrThrow(
      Calendar.extend(Calendar.china, { "2027": { daysOff: ["2027-01-01"], workdays: [] } })
    )
    expect(Either.getOrThrow(next.isWorkingDay("2027-01-01"))).toBe(false)
    expect(Either.getOrThrow(next.isWorkingDay("2027-01-04"))).toBe(true)
    expect(Either.getOrThrow(next.isWorkingDay("2025-01-01"))).toBe(false)
    // the notice replaces the prediction of 2027, and the predicted years after it carry through
    expect(next.years).toContain(2027)
    expect(next.predictedYears[0]).toBe(2028)
    expect(Either.getOrThrow(next.basisOf(dayNumber("2027-02-08")))).toBe("official")
    expect(Either.getOrThrow(next.isWorkingDay("2027-02-08"))).toBe(true) // the prediction had it off
    expect(Either.getOrThrow(next.latest.isWorkingDayNumber(dayNumber("2027-02-08")))).toBe(true)
    expect(Either.getOrThrow(next.basisOf(dayNumber("2030-02-04")))).toBe("predicted")
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

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const day = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10)
const daysOf = (year: number) => range(dayNumber(`${year}-01-01`), dayNumber(`${year}-12-31`))

describe("Calendar.china: the predicted tier", () => {
  it("answers for 2027 to 2100 from the prediction, and says so", () => {
    expect(Calendar.china.predictedYears).toEqual(range(2027, 2100))
    expect(Either.getOrThrow(Calendar.china.basisOf(dayNumber("2026-12-31")))).toBe("official")
    expect(Either.getOrThrow(Calendar.china.basisOf(dayNumber("2027-01-01")))).toBe("predicted")
    expect(Either.getOrThrow(Calendar.china.basisOf(dayNumber("2100-12-31")))).toBe("predicted")
    const r = Calendar.china.basisOf(dayNumber("2101-01-01"))
    expect(Either.isLeft(r) && r.left.year).toBe(2101)
    // 2027: 元旦 on a Friday, 除夕 on 5 February, National Day 1–7 October
    expect(working("2027-01-01")).toBe(false)
    expect(working("2027-01-04")).toBe(true)
    expect(working("2027-02-05")).toBe(false)
    expect(working("2027-02-12")).toBe(false)
    expect(working("2027-10-07")).toBe(false)
    expect(working("2027-10-08")).toBe(true)
    expect(working("2027-03-01")).toBe(true)
  })

  it("makes the same calendar from Calendar.chinaData through make (validated) as the lazily built one", () => {
    const made = Either.getOrThrow(Calendar.make(Calendar.chinaData))
    expect(made.years).toEqual(Calendar.china.years)
    expect(made.predictedYears).toEqual(Calendar.china.predictedYears)
    for (const year of [2025, 2027, 2033, 2061, 2100]) {
      for (const n of daysOf(year)) {
        expect(made.isWorkingDayNumber(n), day(n)).toEqual(Calendar.china.isWorkingDayNumber(n))
        expect(made.latest.isWorkingDayNumber(n), day(n)).toEqual(Calendar.china.latest.isWorkingDayNumber(n))
      }
    }
  })

  it("latest: official years unchanged; a predicted year has no make-up workdays and its widest days off", () => {
    for (const n of daysOf(2026)) {
      expect(Calendar.china.latest.isWorkingDayNumber(n)).toEqual(Calendar.china.isWorkingDayNumber(n))
    }
    const p = Calendar.china.data.predicted!["2027"]!
    for (const d of p.workdays) {
      expect(Either.getOrThrow(Calendar.china.isWorkingDay(d)), d).toBe(true)
      expect(Either.getOrThrow(Calendar.china.latest.isWorkingDayNumber(dayNumber(d))), d).toBe(false)
    }
    for (const d of p.widestDaysOff) {
      expect(Either.getOrThrow(Calendar.china.latest.isWorkingDayNumber(dayNumber(d))), d).toBe(false)
    }
  })

  it("property: latest never has a working day where the calendar has a day off (so latestDueAt ≥ dueAt)", () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumber("2020-01-01"), max: dayNumber("2100-12-31") }), (n) => {
        const working = Either.getOrThrow(Calendar.china.isWorkingDayNumber(n))
        const latest = Either.getOrThrow(Calendar.china.latest.isWorkingDayNumber(n))
        return working || !latest
      }),
      { numRuns: 5000 }
    )
    // and exhaustively for a few years
    for (const year of [2027, 2028, 2033, 2050, 2100]) {
      for (const n of daysOf(year)) {
        if (!Either.getOrThrow(Calendar.china.isWorkingDayNumber(n))) {
          expect(Either.getOrThrow(Calendar.china.latest.isWorkingDayNumber(n)), day(n)).toBe(false)
        }
      }
    }
  })
})

describe("Calendar.overlay: regional days off", () => {
  const yanbian = Either.getOrThrow(Calendar.overlay(Calendar.china, Regional.yanbian))

  it("adds 延边's 州庆 (3 September) in every tier and in latest, without changing the years covered", () => {
    expect(yanbian.id).toBe("china+yanbian")
    expect(yanbian.years).toEqual(Calendar.china.years)
    expect(yanbian.predictedYears).toEqual(Calendar.china.predictedYears)
    expect(Either.getOrThrow(Calendar.china.isWorkingDay("2025-09-03"))).toBe(true) // a Wednesday
    expect(Either.getOrThrow(yanbian.isWorkingDay("2025-09-03"))).toBe(false) // official tier
    expect(Either.getOrThrow(yanbian.isWorkingDay("2027-09-03"))).toBe(false) // predicted tier, a Friday
    expect(Either.getOrThrow(yanbian.latest.isWorkingDayNumber(dayNumber("2027-09-03")))).toBe(false)
    expect(Either.getOrThrow(yanbian.isWorkingDay("2025-09-04"))).toBe(true)
    const beyond = yanbian.isWorkingDay("2101-09-03")
    expect(Either.isLeft(beyond) && beyond.left._tag).toBe("CalendarYearNotCovered")
    fc.assert(
      fc.property(fc.integer({ min: dayNumber("2020-01-01"), max: dayNumber("2100-12-31") }), (n) => {
        const regional = day(n).endsWith("-09-03")
        const base = Either.getOrThrow(Calendar.china.isWorkingDayNumber(n))
        return Either.getOrThrow(yanbian.isWorkingDayNumber(n)) === (base && !regional)
      })
    )
  })

  it("takes single dates, stacks, and carries through extend", () => {
    const once = Either.getOrThrow(
      Calendar.overlay(yanbian, { id: "flood", daysOff: ["2027-07-20"], source: "a county's own day off" })
    )
    expect(once.id).toBe("china+yanbian+flood")
    expect(Either.getOrThrow(once.isWorkingDay("2027-07-20"))).toBe(false)
    expect(Either.getOrThrow(once.isWorkingDay("2028-07-20"))).toBe(true)
    expect(Either.getOrThrow(once.isWorkingDay("2028-09-04"))).toBe(true)
    const next = Either.getOrThrow(Calendar.extend(once, { "2027": { daysOff: [], workdays: [] } }))
    expect(Either.getOrThrow(next.isWorkingDay("2027-09-03"))).toBe(false)
    expect(Either.getOrThrow(next.isWorkingDay("2027-07-20"))).toBe(false)
    expect(Either.getOrThrow(next.basisOf(dayNumber("2027-07-20")))).toBe("official")
  })

  it("refuses bad days with an InvalidConfig naming the field", () => {
    for (
      const [daysOff, field] of [
        [["09-03", "13-01"], "overlay.daysOff.1"],
        [["02-30"], "overlay.daysOff.0"],
        [["2027-02-29"], "overlay.daysOff.0"],
        [["9-3"], "overlay.daysOff.0"],
        [["2027-09-03T00:00"], "overlay.daysOff.0"]
      ] as const
    ) {
      const r = Calendar.overlay(Calendar.china, { daysOff: [...daysOff] })
      expect(Either.isLeft(r) && r.left._tag, daysOff.join()).toBe("InvalidConfig")
      expect(Either.isLeft(r) && r.left.field, daysOff.join()).toBe(field)
    }
    expect(Either.isRight(Calendar.overlay(Calendar.china, { daysOff: ["02-29"] }))).toBe(true)
    const notAList = Calendar.overlay(Calendar.china, { daysOff: "09-03" } as unknown as Calendar.Overlay)
    expect(Either.isLeft(notAList) && notAList.left.field).toBe("overlay.daysOff")
    const emptyId = Calendar.overlay(Calendar.china, { id: "", daysOff: [] })
    expect(Either.isLeft(emptyId) && emptyId.left.field).toBe("overlay.id")
    const bad = Calendar.make({ id: "x", weekend: [0, 6], years: {}, overlays: [{ daysOff: [] }, { daysOff: ["x"] }] })
    expect(Either.isLeft(bad) && bad.left.field).toBe("calendar.overlays.1.daysOff.0")
  })
})

describe("Calendar.make: predicted data is validated like official data", () => {
  const base = { id: "p", weekend: [0, 6] as Array<number>, years: {} }
  const year = (p: Partial<Calendar.PredictedYearData>): Calendar.CalendarData => ({
    ...base,
    predicted: { "2030": { daysOff: ["2030-01-01"], workdays: [], widestDaysOff: ["2030-01-01"], ...p } }
  })

  it("names the field of each problem", () => {
    const cases: ReadonlyArray<readonly [Calendar.CalendarData, string]> = [
      [year({ daysOff: ["2031-01-01"], widestDaysOff: ["2031-01-01"] }), "calendar.predicted.2030.daysOff.0"],
      [year({ workdays: ["2030-01-02"] }), "calendar.predicted.2030.workdays.0"], // a Wednesday
      [
        year({ workdays: ["2030-01-05"], daysOff: ["2030-01-05"], widestDaysOff: ["2030-01-05"] }),
        "calendar.predicted.2030.workdays.0"
      ],
      [year({ widestDaysOff: [] }), "calendar.predicted.2030.widestDaysOff"],
      [year({ widestDaysOff: ["2030-01-01", "2029-12-31"] }), "calendar.predicted.2030.widestDaysOff.1"],
      [year({ widestDaysOff: ["2030-02-30", "2030-01-01"] }), "calendar.predicted.2030.widestDaysOff.0"],
      [{ ...base, predicted: { "30": { daysOff: [], workdays: [], widestDaysOff: [] } } }, "calendar.predicted.30"]
    ]
    for (const [data, field] of cases) {
      const r = Calendar.make(data)
      expect(Either.isLeft(r) && r.left._tag, field).toBe("InvalidConfig")
      expect(Either.isLeft(r) && r.left.field, field).toBe(field)
    }
    const missing = Calendar.make({
      ...base,
      predicted: { "2030": { daysOff: [], workdays: [] } } as unknown as Calendar.CalendarData["predicted"]
    })
    expect(Either.isLeft(missing) && missing.left.field).toBe("calendar.predicted.2030.widestDaysOff")
  })

  it("an official year answers before a predicted one", () => {
    const both = Either.getOrThrow(Calendar.make({
      ...year({ daysOff: ["2030-01-01", "2030-01-02"], widestDaysOff: ["2030-01-01", "2030-01-02"] }),
      years: { "2030": { daysOff: ["2030-01-01"], workdays: [] } }
    }))
    expect(both.years).toEqual([2030])
    expect(both.predictedYears).toEqual([])
    expect(Either.getOrThrow(both.isWorkingDay("2030-01-02"))).toBe(true)
    expect(Either.getOrThrow(both.basisOf(dayNumber("2030-01-02")))).toBe("official")
  })
})
