/**
 * Patterns of 调休: how a year's statutory days become the days off and make-up workdays a yearly notice would
 * announce. {@link defaultPattern} follows the recent notices (2025, 2026); a centre that expects another shape
 * passes its own function to `chinaCalendarData({ pattern })`.
 *
 * @since 0.1.0
 */
import { dayNumber, fromDayNumber, isWeekend, weekdayOf } from "./internal/dates.js"
import type { HolidayName, StatutoryHoliday } from "./Statutory.js"

/**
 * What a pattern makes of a year: `YYYY-MM-DD` days off (statutory days, the days joined to them and any weekend
 * days inside the span) and make-up workdays (weekend days that are worked). Dates may fall in the year before
 * (元旦 joined to the last days of December): `chinaCalendarData` files each date under its own year.
 *
 * @since 0.1.0
 * @category models
 */
export interface Arrangement {
  readonly daysOff: ReadonlyArray<string>
  readonly workdays: ReadonlyArray<string>
}

/**
 * A pattern: a year and its statutory holidays (see `Statutory.statutoryDays`) to an arrangement. It must keep
 * every statutory day off; the tests of this package check that the default does.
 *
 * @since 0.1.0
 * @category models
 */
export type Pattern = (year: number, holidays: ReadonlyArray<StatutoryHoliday>) => Arrangement

/** The most consecutive working days the 2024 revision aims for around a holiday ("原则上不超过6天"). */
const maxStretch = 6

/** How far before and after a span a make-up workday is looked for. */
const reach = 14

interface Span {
  start: number
  end: number
  /** statutory days in the span, counted per holiday (中秋 on 1 October counts apart from 国庆) */
  readonly statutory: number
}

const byName = (holidays: ReadonlyArray<StatutoryHoliday>, name: HolidayName) =>
  holidays.find((h) => h.holiday === name)

/**
 * A one-day holiday becomes three days joined to the weekend where the notices join it: Monday → Saturday to
 * Monday; Tuesday → Sunday to Tuesday (Monday taken in lieu); Wednesday → the day alone; Thursday → Thursday to
 * Saturday (Friday in lieu); Friday → Friday to Sunday; Saturday → Saturday to Monday and Sunday → Saturday to
 * Monday (补休 on the Monday).
 */
const shortOffsets: ReadonlyArray<readonly [number, number]> = [
  [-1, 1], // Sunday
  [-2, 0], // Monday
  [-2, 0], // Tuesday
  [0, 0], // Wednesday
  [0, 2], // Thursday
  [0, 2], // Friday
  [0, 2] // Saturday
]

const short = (day: number): Span => {
  const [a, b] = shortOffsets[weekdayOf(day)]!
  return { start: day + a, end: day + b, statutory: 1 }
}

const weekdaysIn = (start: number, end: number): number => {
  let n = 0
  for (let d = start; d <= end; d++) if (!isWeekend(d)) n++
  return n
}

/**
 * The window of `length` days holding every statutory day that needs the fewest days in lieu; ties go to the
 * window that starts on the first statutory day, then to one that starts on a Saturday, then to the earliest.
 */
const bestWindow = (days: ReadonlyArray<number>, length: number): Span => {
  const first = Math.min(...days)
  const last = Math.max(...days)
  let best: Span | undefined
  let bestKey: ReadonlyArray<number> = []
  for (let start = last - length + 1; start <= first; start++) {
    const key = [
      Math.max(0, weekdaysIn(start, start + length - 1) - days.length),
      start === first ? 0 : weekdayOf(start) === 6 ? 1 : 2,
      start
    ]
    if (best === undefined || compare(key, bestKey) < 0) {
      best = { start, end: start + length - 1, statutory: days.length }
      bestKey = key
    }
  }
  return best!
}

const compare = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}

const spansOf = (holidays: ReadonlyArray<StatutoryHoliday>): Array<Span> => {
  const spans: Array<Span> = []
  const days = (h: StatutoryHoliday | undefined) => (h?.days ?? []).map(dayNumber)
  for (const name of ["newYear", "qingming", "dragonBoat"] as const) {
    const h = byName(holidays, name)
    if (h !== undefined) spans.push(short(dayNumber(h.anchor)))
  }
  const spring = byName(holidays, "springFestival")
  if (spring !== undefined) {
    // 8 days from 除夕 under the 2024 rule (4 statutory days), 7 under the 2013 rule (除夕 then taken in lieu)
    const eve = dayNumber(spring.anchor) - 1
    spans.push({ start: eve, end: eve + (spring.days.length >= 4 ? 7 : 6), statutory: spring.days.length })
  }
  const labour = byName(holidays, "labourDay")
  if (labour !== undefined) spans.push(bestWindow(days(labour), 5))
  const national = byName(holidays, "nationalDay")
  const midAutumn = byName(holidays, "midAutumn")
  const oct1 = national === undefined ? undefined : dayNumber(national.anchor)
  const mid = midAutumn === undefined ? undefined : dayNumber(midAutumn.anchor)
  if (oct1 !== undefined && mid !== undefined && mid >= oct1 - 2 && mid <= oct1 + 7) {
    // 中秋 joins 国庆: 8 days from whichever comes first
    const start = Math.min(mid, oct1)
    spans.push({ start, end: start + 7, statutory: national!.days.length + 1 })
  } else {
    if (mid !== undefined) spans.push(short(mid))
    if (oct1 !== undefined) spans.push({ start: oct1, end: oct1 + 6, statutory: national!.days.length })
  }
  return spans.sort((a, b) => a.start - b.start)
}

/**
 * The default pattern, shaped on the 2025 and 2026 notices:
 *
 * - 春节: 8 days from 除夕 (7 under the 2013 rule); 国庆: 1–7 October, or 8 days when 中秋 falls between
 *   29 September and 8 October and joins it; 劳动节: 5 days, the window with the fewest days in lieu, starting on
 *   1 May when that is as good;
 * - 元旦, 清明, 端午 and a 中秋 of its own: three days joined to a weekend (see the weekday table in the source), the
 *   day alone on a Wednesday;
 * - every weekday inside a span that is not a statutory day (nor a 补休 for a statutory day on a weekend) is a day
 *   in lieu, paid back by one make-up workday on a weekend day near the span: the nearest first, before the span
 *   when as near, never a working day alone between days off, and keeping runs of working days to six where it
 *   can (the 2024 revision's "连续工作原则上不超过6天");
 * - weekend days that join a span and stay off are listed with it (2026: 15 February, before 除夕 on a Monday).
 *
 * It reproduces the official 2025 and 2026 calendars day for day.
 *
 * @since 0.1.0
 * @category patterns
 */
export const defaultPattern: Pattern = (_year, holidays) => {
  const spans = spansOf(holidays)
  const off = new Set<number>()
  for (const s of spans) {
    // a statutory day on a weekend is paid by the next weekday (补休): lengthen a span too short to hold them
    while (weekdaysIn(s.start, s.end) < s.statutory) s.end++
    for (let d = s.start; d <= s.end; d++) off.add(d)
  }
  const work = new Set<number>()
  const isWorking = (d: number) => work.has(d) || (!isWeekend(d) && !off.has(d))
  const stretchWith = (d: number): number => {
    let a = d
    let b = d
    while (a - d > -reach * 2 && isWorking(a - 1)) a--
    while (b - d < reach * 2 && isWorking(b + 1)) b++
    return b - a + 1
  }
  for (const s of spans) {
    let owed = weekdaysIn(s.start, s.end) - s.statutory
    const candidates: Array<{ day: number; ring: number; distance: number; before: boolean }> = []
    // the nearest weekend (one or two days) on each side that is not off is tried first
    let nearestBefore: number | undefined
    let nearestAfter: number | undefined
    for (let d = s.start - 1; d >= s.start - reach && nearestBefore === undefined; d--) {
      if (isWeekend(d) && !off.has(d)) nearestBefore = d
    }
    for (let d = s.end + 1; d <= s.end + reach && nearestAfter === undefined; d++) {
      if (isWeekend(d) && !off.has(d)) nearestAfter = d
    }
    for (let d = s.start - reach; d <= s.end + reach; d++) {
      if (d >= s.start && d <= s.end) continue
      if (isWeekend(d) && !off.has(d)) {
        const before = d < s.start
        const ring = (before && nearestBefore !== undefined && d >= nearestBefore - 1) ||
            (!before && nearestAfter !== undefined && d <= nearestAfter + 1)
          ? 0
          : 1
        candidates.push({ day: d, ring, distance: before ? s.start - 1 - d : d - s.end - 1, before })
      }
    }
    candidates.sort((a, b) => a.ring - b.ring || a.distance - b.distance || Number(b.before) - Number(a.before))
    const tests: ReadonlyArray<(d: number) => boolean> = [
      (d) => (isWorking(d - 1) || isWorking(d + 1)) && stretchWith(d) <= maxStretch,
      (d) => isWorking(d - 1) || isWorking(d + 1),
      () => true
    ]
    while (owed > 0) {
      const free = candidates.filter((c) => !work.has(c.day))
      if (free.length === 0) break
      let picked: number | undefined
      for (const test of tests) {
        picked = free.find((c) => {
          work.add(c.day)
          const ok = test(c.day)
          work.delete(c.day)
          return ok
        })?.day
        if (picked !== undefined) break
      }
      work.add(picked!)
      owed--
    }
  }
  // weekend days joined to a span that stay off are listed with it, as the notices list them
  for (const s of spans) {
    for (let d = s.start - 1; isWeekend(d) && !work.has(d) && !off.has(d); d--) off.add(d)
    for (let d = s.end + 1; isWeekend(d) && !work.has(d) && !off.has(d); d++) off.add(d)
  }
  const dates = (set: Set<number>) => [...set].sort((a, b) => a - b).map(fromDayNumber)
  return { daysOff: dates(off), workdays: dates(work) }
}
