/**
 * Civil-date arithmetic on `YYYY-MM-DD` strings, by day number (days since 1970-01-01). The same arithmetic as
 * core's, kept here so that this package has no dependency.
 * @internal
 */

const DAY = 86_400_000

/** Days since 1970-01-01 of a civil date. @internal */
export const dayNumber = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY

/** Year, month and day of a day number, in integer arithmetic (H. Hinnant's civil_from_days). @internal */
const civil = (n: number): readonly [number, number, number] => {
  const z = n + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d]
}

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** The civil date of a day number. @internal */
export const fromDayNumber = (n: number): string => {
  const [y, m, d] = civil(n)
  return `${String(y).padStart(4, "0")}-${pad(m)}-${pad(d)}`
}

/** 0 = Sunday … 6 = Saturday. @internal */
export const weekdayOf = (n: number): number => (((n + 4) % 7) + 7) % 7

/** Saturday or Sunday. @internal */
export const isWeekend = (n: number): boolean => {
  const w = weekdayOf(n)
  return w === 0 || w === 6
}

/** The year of a day number. @internal */
export const yearOf = (n: number): number => civil(n)[0]

/** Every date of inclusive ranges `MM-DD` or `MM-DD..MM-DD` in a year. @internal */
export const expandRanges = (year: number, ranges: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  for (const r of ranges) {
    const [from, to] = r.split("..") as [string, string | undefined]
    const a = dayNumber(`${year}-${from}`)
    const b = to === undefined ? a : dayNumber(`${year}-${to}`)
    for (let n = a; n <= b; n++) out.push(fromDayNumber(n))
  }
  return out
}
