import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Calendar from "../src/Calendar.js"
import * as Deadline from "../src/Deadline.js"

const due = (from: string, amount: number, unit: Deadline.Unit) =>
  Either.getOrThrow(Deadline.dueAfter(Calendar.china, 480, from, { amount, unit }))

describe("Deadline.dueAfter", () => {
  it("excludes the start day and ends at the last millisecond of the day in China", () => {
    // received Monday 3 March 2025; 7 calendar days → Monday 10 March, 23:59:59.999 +08:00
    expect(due("2025-03-03T09:00:00.000Z", 7, "calendarDays")).toBe("2025-03-10T15:59:59.999Z")
  })

  it("rolls a calendar-day deadline that ends on a non-working day to the next working day", () => {
    // 15 days from 2025-09-23 is 2025-10-08, inside the National Day holiday (1–8 October) → 9 October
    expect(due("2025-09-23T02:00:00.000Z", 15, "calendarDays")).toBe("2025-10-09T15:59:59.999Z")
    // ends on a plain Saturday → Monday
    expect(due("2025-03-01T02:00:00.000Z", 7, "calendarDays")).toBe("2025-03-10T15:59:59.999Z")
  })

  it("counts working days over holidays and make-up workdays", () => {
    // from Friday 24 January 2025: Sunday 26 January is a make-up workday, 28 Jan – 4 Feb are off
    expect(due("2025-01-24T01:00:00.000Z", 1, "workingDays")).toBe("2025-01-26T15:59:59.999Z")
    expect(due("2025-01-24T01:00:00.000Z", 2, "workingDays")).toBe("2025-01-27T15:59:59.999Z")
    expect(due("2025-01-24T01:00:00.000Z", 3, "workingDays")).toBe("2025-02-05T15:59:59.999Z")
  })

  it("uses the date in China, not in UTC", () => {
    // 2025-03-02T20:00Z is already Monday 3 March in China; 1 working day → Tuesday 4 March
    expect(due("2025-03-02T20:00:00.000Z", 1, "workingDays")).toBe("2025-03-04T15:59:59.999Z")
  })

  it("adds hours exactly", () => {
    expect(due("2025-03-01T02:00:00.000Z", 2, "hours")).toBe("2025-03-01T04:00:00.000Z")
  })

  it("fails with CalendarYearNotCovered when the count runs into a year without data", () => {
    // the shipped calendar predicts up to 2100; 20 working days from 20 December 2100 run into 2101
    const r = Deadline.dueAfter(Calendar.china, 480, "2100-12-20T02:00:00.000Z", { amount: 20, unit: "workingDays" })
    expect(Either.isLeft(r) && r.left._tag).toBe("CalendarYearNotCovered")
  })

  it("never ends on a day off, however long the run of days off in a user's calendar", () => {
    // a calendar with all of 2025 and 2026 off: a deadline rolling into them ends at the first working day of 2027 …
    const offIn = (year: number) =>
      Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(year, 0, 1 + i)).toISOString().slice(0, 10))
    const daysOff = offIn(2025)
    const longLeave = Either.getOrThrow(
      Calendar.make({
        id: "leave",
        weekend: [0, 6],
        years: {
          "2025": { daysOff, workdays: [] },
          "2026": { daysOff: offIn(2026), workdays: [] },
          "2027": { daysOff: [], workdays: [] }
        }
      })
    )
    const rolled = Either.getOrThrow(
      Deadline.dueAfter(longLeave, 480, "2024-12-20T02:00:00.000Z", { amount: 15, unit: "calendarDays" })
    )
    expect(rolled).toBe("2027-01-01T15:59:59.999Z")
    // … and fails, not guesses, when the covered years hold no working day after it
    const noNextYear = Either.getOrThrow(
      Calendar.make({ id: "leave", weekend: [0, 6], years: { "2025": { daysOff, workdays: [] } } })
    )
    const r = Deadline.dueAfter(noNextYear, 480, "2025-03-01T02:00:00.000Z", { amount: 15, unit: "calendarDays" })
    expect(Either.isLeft(r) && r.left._tag === "CalendarYearNotCovered" && r.left.year).toBe(2026)
    const w = Deadline.dueAfter(noNextYear, 480, "2025-03-01T02:00:00.000Z", { amount: 2, unit: "workingDays" })
    expect(Either.isLeft(w) && w.left.year).toBe(2026)
  })

  it("stops with an error for a calendar object of the user's own that never has a working day", () => {
    const never: Calendar.Calendar = {
      ...Calendar.china,
      id: "never",
      isWorkingDayNumber: () => Either.right(false)
    }
    const r = Deadline.dueAfter(never, 480, "2025-03-01T02:00:00.000Z", { amount: 1, unit: "calendarDays" })
    expect(Either.isLeft(r) && r.left._tag).toBe("CalendarYearNotCovered")
    const w = Deadline.dueAfter(never, 480, "2025-03-01T02:00:00.000Z", { amount: 1, unit: "workingDays" })
    expect(Either.isLeft(w) && w.left._tag).toBe("CalendarYearNotCovered")
  })

  it("finds the first matching rule of a clock", () => {
    const rules = Deadline.defaultRules
    expect(Deadline.findRule(rules, "acceptance", { kind: "petition", channel: "walkIn" })?.id).toBe(
      "petitionAcceptance"
    )
    expect(Deadline.findRule(rules, "acceptance", { kind: "dispute", channel: "walkIn" })).toBeUndefined()
    expect(Deadline.findRule(rules, "handling", { kind: "dispute", channel: "courtReferral" })?.id).toBe(
      "preLitigationMediation"
    )
    expect(Deadline.findRule(rules, "handling", { kind: "dispute", channel: "walkIn" })).toBeUndefined()
    expect(Deadline.findRule(rules, "handling", { kind: "dispute", channel: "walkIn", complexity: "complex" })?.id)
      .toBe(
        "complex"
      )
  })
})

describe("Deadline.dueWithBasis (时限依据)", () => {
  const day = 86_400_000
  const from = (n: number) => new Date(Date.parse("2020-01-01T02:00:00Z") + n * day).toISOString()
  // the latest start whose 90 working days still end in 2100, the last year the calendar predicts
  const span = Math.floor((Date.parse("2100-07-01T00:00:00Z") - Date.parse("2020-01-01T00:00:00Z")) / day)

  it("is official over notice years, predicted once a counted day is in a predicted year, and never due before latestDueAt", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.integer({ min: 0, max: span }),
        FastCheck.integer({ min: 1, max: 90 }),
        FastCheck.constantFrom<Deadline.Unit>("calendarDays", "workingDays"),
        (start, amount, unit) => {
          const d = Either.getOrThrow(Deadline.dueWithBasis(Calendar.china, 480, from(start), { amount, unit }))
          // the same instant as dueAfter
          expect(d.dueAt).toBe(Either.getOrThrow(Deadline.dueAfter(Calendar.china, 480, from(start), { amount, unit })))
          const dueYear = Number(new Date(Date.parse(d.dueAt) + 8 * 3_600_000).toISOString().slice(0, 4))
          expect(d.basis).toBe(Calendar.china.predictedYears.includes(dueYear) ? "predicted" : "official")
          if (d.basis === "official") expect(d.latestDueAt).toBeUndefined()
          else expect(d.latestDueAt! >= d.dueAt).toBe(true)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("a petition accepted on 2026-12-07 is due on a working day of the predicted 2027, no later than its bound", () => {
    const d = Either.getOrThrow(
      Deadline.dueWithBasis(Calendar.china, 480, "2026-12-07T02:00:00.000Z", { amount: 60, unit: "calendarDays" })
    )
    expect(d.basis).toBe("predicted")
    const civil = new Date(Date.parse(d.dueAt) + 8 * 3_600_000).toISOString().slice(0, 10)
    expect(civil.startsWith("2027-")).toBe(true)
    // 60 days end on 5 February 2027, 除夕: a day off by the statutory rule, so the due day is later
    expect(civil > "2027-02-05").toBe(true)
    expect(Either.getOrThrow(Calendar.china.isWorkingDay(civil))).toBe(true)
    expect(d.latestDueAt! >= d.dueAt).toBe(true)
  })

  it("an extension of a predicted deadline stays predicted, with its bound moved on too", () => {
    const rule = Deadline.defaultRules.find((r) => r.id === "petitionHandling")!
    const start = Either.getOrThrow(
      Deadline.dueWithBasis(Calendar.china, 480, "2026-12-07T02:00:00.000Z", rule.duration)
    )
    const deadline: Deadline.Deadline = {
      ruleId: rule.id,
      unit: "calendarDays",
      startedAt: "2026-12-07T02:00:00.000Z",
      dueAt: start.dueAt,
      basis: start.basis,
      latestDueAt: start.latestDueAt!,
      extensions: []
    }
    const extended = Either.getOrThrow(Deadline.extendedDue(Calendar.china, 480, deadline, rule, 30))
    expect(extended.basis).toBe("predicted")
    expect(extended.dueAt > deadline.dueAt).toBe(true)
    expect(extended.latestDueAt! >= extended.dueAt).toBe(true)
  })
})

describe("Deadline.endOfCivilDay", () => {
  it("is the last millisecond of the civil day in the offset, plusDays later", () => {
    // 17:00Z on 3 March is 01:00 on 4 March in China
    expect(Deadline.endOfCivilDay("2025-03-03T17:00:00.000Z", 480)).toBe("2025-03-04T15:59:59.999Z")
    expect(Deadline.endOfCivilDay("2025-03-03T17:00:00.000Z", 0)).toBe("2025-03-03T23:59:59.999Z")
    expect(Deadline.endOfCivilDay("2025-03-03T09:00:00.000Z", 480, 7)).toBe("2025-03-10T15:59:59.999Z")
  })

  it("gives what the risk plugin's own formula gave (it replaced that copy)", () => {
    const former = (at: string, offset: number, plusDays: number) => {
      const day = Math.floor((Date.parse(at) + offset * 60_000) / 86_400_000) + plusDays
      return new Date((day + 1) * 86_400_000 - offset * 60_000 - 1).toISOString()
    }
    FastCheck.assert(
      FastCheck.property(
        FastCheck.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z") }),
        FastCheck.integer({ min: -720, max: 840 }),
        FastCheck.integer({ min: 0, max: 400 }),
        (date, offset, plusDays) => {
          const at = date.toISOString()
          expect(Deadline.endOfCivilDay(at, offset, plusDays)).toBe(former(at, offset, plusDays))
        }
      )
    )
  })
})
