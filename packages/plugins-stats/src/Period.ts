/**
 * Reporting periods (统计周期): day, week, month, quarter and year, in the centre's time zone, named by the same
 * keys the stores group by (`2025-03-01`, the Monday `2025-02-24`, `2025-03`, `2025-Q1`, `2025`), and the periods
 * a figure is compared with: the same period a year earlier (同比) and the period before (环比).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

/**
 * A period unit.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Unit = Schema.Literal("day", "week", "month", "quarter", "year").annotations({ identifier: "PeriodUnit" })

/**
 * @since 0.1.0
 * @category models
 */
export type Unit = typeof Unit.Type

/**
 * A period: its unit and key.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Period = Schema.Struct({
  unit: Unit,
  key: Schema.String.pipe(Schema.maxLength(10))
}).pipe(
  Schema.filter((p) =>
    (Either.isRight(start(p.unit, p.key)) && /^\d{4}(?!\d)/.test(p.key) && p.key >= "1000") || expectedKey[p.unit]
  )
).annotations({ identifier: "Period" })

/**
 * @since 0.1.0
 * @category models
 */
export type Period = typeof Period.Type

/**
 * What a key of each unit looks like, for error messages.
 *
 * @since 0.1.0
 * @category constants
 */
export const expectedKey: Readonly<Record<Unit, string>> = {
  day: "a day key like 2025-03-01 (a real date, years 1000 to 9999)",
  week: "a week key: the date of its Monday, like 2025-02-24 (years 1000 to 9999)",
  month: "a month key like 2025-03 (years 1000 to 9999)",
  quarter: "a quarter key like 2025-Q1 (years 1000 to 9999)",
  year: "a year key like 2025 (years 1000 to 9999)"
}

const DAY = 86_400_000

/** Local calendar date → days since 1970-01-01 (months and days out of range roll over, as with `Date.UTC`). */
const dayNumber = (y: number, m: number, d: number): number => {
  // not Date.UTC: it reads years 0 to 99 as 1900 to 1999
  const t = new Date(0)
  t.setUTCFullYear(y, m - 1, d)
  return t.getTime() / DAY
}

const ymd = (day: number): readonly [number, number, number] => {
  const t = new Date(day * DAY)
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()]
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0")

const dayKey = (day: number): string => {
  const [y, m, d] = ymd(day)
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`
}

/** The first local day of a period, or why the key is not one (years of five digits too: the period after 9999-12). */
const start = (unit: Unit, key: string): Either.Either<number, string> => {
  const bad = Either.left(expectedKey[unit])
  switch (unit) {
    case "day":
    case "week": {
      const m = /^(\d{4,5})-(\d{2})-(\d{2})$/.exec(key)
      if (m === null) return bad
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
      const day = dayNumber(y, mo, d)
      const [yy, mm, dd] = ymd(day)
      if (yy !== y || mm !== mo || dd !== d) return bad
      // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays
      if (unit === "week" && ((day + 3) % 7 + 7) % 7 !== 0) return bad
      return Either.right(day)
    }
    case "month": {
      const m = /^(\d{4,5})-(\d{2})$/.exec(key)
      if (m === null || Number(m[2]) < 1 || Number(m[2]) > 12) return bad
      return Either.right(dayNumber(Number(m[1]), Number(m[2]), 1))
    }
    case "quarter": {
      const m = /^(\d{4,5})-Q([1-4])$/.exec(key)
      if (m === null) return bad
      return Either.right(dayNumber(Number(m[1]), (Number(m[2]) - 1) * 3 + 1, 1))
    }
    case "year": {
      const m = /^(\d{4,5})$/.exec(key)
      if (m === null) return bad
      return Either.right(dayNumber(Number(m[1]), 1, 1))
    }
  }
}

/**
 * The key of the period that contains a day (days since 1970-01-01, local).
 */
const keyOfDay = (unit: Unit, day: number): string => {
  const [y, m] = ymd(day)
  switch (unit) {
    case "day":
      return dayKey(day)
    case "week":
      return dayKey(day - ((day + 3) % 7 + 7) % 7)
    case "month":
      return `${pad(y, 4)}-${pad(m)}`
    case "quarter":
      return `${pad(y, 4)}-Q${Math.floor((m - 1) / 3) + 1}`
    case "year":
      return pad(y, 4)
  }
}

/**
 * The key of the period containing an instant, in a time zone given as minutes east of UTC.
 *
 * @since 0.1.0
 * @category utils
 */
export const keyOf = (unit: Unit, at: string, utcOffsetMinutes: number): string =>
  keyOfDay(unit, Math.floor((Date.parse(at) + utcOffsetMinutes * 60_000) / DAY))

/**
 * The key `n` periods after (negative: before) a period.
 *
 * @since 0.1.0
 * @category utils
 */
export const shift = (period: Period, n: number): Period => {
  const first = Either.getOrThrowWith(start(period.unit, period.key), (e) => new Error(e))
  const [y, m, d] = ymd(first)
  switch (period.unit) {
    case "day":
      return { unit: "day", key: dayKey(first + n) }
    case "week":
      return { unit: "week", key: dayKey(first + 7 * n) }
    case "month":
      return { unit: "month", key: keyOfDay("month", dayNumber(y, m + n, 1)) }
    case "quarter":
      return { unit: "quarter", key: keyOfDay("quarter", dayNumber(y, m + 3 * n, 1)) }
    case "year":
      return { unit: "year", key: keyOfDay("year", dayNumber(y + n, 1, d)) }
  }
}

/**
 * The same period a year earlier (同比): the same date (29 February → 28 February), 52 weeks earlier, the same
 * month, quarter or the previous year.
 *
 * @since 0.1.0
 * @category utils
 */
export const yearAgo = (period: Period): Period => {
  switch (period.unit) {
    case "day": {
      const [y, m, d] = ymd(Either.getOrThrowWith(start("day", period.key), (e) => new Error(e)))
      const last = ymd(dayNumber(y - 1, m + 1, 0))[2]
      return { unit: "day", key: dayKey(dayNumber(y - 1, m, Math.min(d, last))) }
    }
    case "week":
      return shift(period, -52)
    case "month":
      return shift(period, -12)
    case "quarter":
      return shift(period, -4)
    case "year":
      return shift(period, -1)
  }
}

/**
 * The instants a period spans, `[from, to)`, as ISO timestamps.
 *
 * @since 0.1.0
 * @category utils
 */
export const range = (period: Period, utcOffsetMinutes: number): { readonly from: string; readonly to: string } => {
  const first = Either.getOrThrowWith(start(period.unit, period.key), (e) => new Error(e))
  const next = Either.getOrThrowWith(start(period.unit, shift(period, 1).key), (e) => new Error(e))
  const instant = (day: number) => new Date(day * DAY - utcOffsetMinutes * 60_000).toISOString()
  return { from: instant(first), to: instant(next) }
}

/**
 * The keys of every period of a unit that overlaps `[from, to)`, in order (at most `limit`, default 1 000).
 *
 * @since 0.1.0
 * @category utils
 */
export const keysBetween = (
  unit: Unit,
  from: string,
  to: string,
  utcOffsetMinutes: number,
  limit = 1000
): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (!(Date.parse(from) < Date.parse(to))) return out
  let p: Period = { unit, key: keyOf(unit, from, utcOffsetMinutes) }
  while (out.length < limit && Date.parse(range(p, utcOffsetMinutes).from) < Date.parse(to)) {
    out.push(p.key)
    p = shift(p, 1)
  }
  return out
}
