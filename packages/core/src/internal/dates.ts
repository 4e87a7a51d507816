/**
 * Civil-date arithmetic on `YYYY-MM-DD` strings in a fixed UTC offset (China: +08:00, no daylight saving).
 * @internal
 */

const DAY = 86_400_000

/** Days since 1970-01-01 of a civil date. @internal */
export const dayNumber = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY

/** The civil date of a day number. @internal */
export const fromDayNumber = (n: number): string => new Date(n * DAY).toISOString().slice(0, 10)

/** The civil date of an instant in a UTC offset. @internal */
export const civilDateOf = (timestamp: string, offsetMinutes: number): string =>
  new Date(Date.parse(timestamp) + offsetMinutes * 60_000).toISOString().slice(0, 10)

/** The day number of an instant in a UTC offset. @internal */
export const dayNumberOf = (timestamp: string, offsetMinutes: number): number =>
  Math.floor((Date.parse(timestamp) + offsetMinutes * 60_000) / DAY)

/** 0 = Sunday … 6 = Saturday. @internal */
export const weekdayOf = (n: number): number => (((n + 4) % 7) + 7) % 7

/** The last millisecond of a civil day (by day number) in a UTC offset, as a canonical timestamp. @internal */
export const endOfDay = (n: number, offsetMinutes: number): string =>
  new Date((n + 1) * DAY - offsetMinutes * 60_000 - 1).toISOString()

/** The year of a day number. @internal */
export const yearOf = (n: number): number => new Date(n * DAY).getUTCFullYear()
