/**
 * The reference semantics of conditions, dimensions and measures over summary rows. The in-memory store uses
 * it directly; SQL stores compile the same semantics to SQL and are tested against it.
 * @internal
 */
import type { AggregateRequest, AggregateRow, Condition, Dimension, Measure } from "../CaseStore.js"
import { compareKeys } from "../CaseStore.js"
import { toTimestamp } from "../Primitives.js"
import type { CaseSummary } from "../Summary.js"
import { dayNumberOf, fromDayNumber } from "./dates.js"

type Row = CaseSummary
// a field of the row by name: every column and time a condition, dimension or measure names is one
const get = (row: Row, field: keyof Row): unknown => row[field]

const canonical = new Map<string, boolean>()

/**
 * How a stored instant (always `toISOString()` text) compares with a condition's instant, as SQL compares their
 * milliseconds: as text when the condition's is written the same way (the usual case, and fast), else by
 * `Date.parse` (NaN, an unreadable instant, is neither before nor not before anything, like SQL's FALSE).
 */
const instantOrder = (stored: string, value: string): number => {
  let same = canonical.get(value)
  if (same === undefined) {
    same = toTimestamp(value) === value
    if (canonical.size < 1000) canonical.set(value, same)
  }
  if (same && stored.length === 24) return stored < value ? -1 : stored > value ? 1 : 0
  return Date.parse(stored) - Date.parse(value)
}

/** @internal */
export const matches = (row: Row, c: Condition): boolean => {
  switch (c._tag) {
    case "Eq":
      return get(row, c.field) === c.value
    case "In":
      return (c.values as ReadonlyArray<unknown>).includes(get(row, c.field))
    case "Gt": {
      const v = get(row, c.field)
      return typeof v === "number" && v > c.value
    }
    case "Present":
      return get(row, c.field) !== null
    case "Absent":
      return get(row, c.field) === null
    case "Before": {
      const v = get(row, c.field) as string | null
      return v !== null && instantOrder(v, c.value) < 0
    }
    case "NotBefore": {
      const v = get(row, c.field) as string | null
      return v !== null && instantOrder(v, c.value) >= 0
    }
    case "Later": {
      const a = get(row, c.field) as string | null
      const b = get(row, c.than) as string | null
      return a !== null && b !== null && a > b
    }
    case "Within":
      return (get(row, c.field) as string).startsWith(c.path)
    case "And":
      return c.conditions.every((x) => matches(row, x))
    case "Or":
      return c.conditions.some((x) => matches(row, x))
    case "Not":
      return !matches(row, c.condition)
  }
}

/** @internal */
export const periodKey = (ts: string, unit: "day" | "week" | "month" | "quarter" | "year", offset: number): string => {
  const day = dayNumberOf(ts, offset)
  const date = fromDayNumber(day)
  switch (unit) {
    case "day":
      return date
    case "week":
      return fromDayNumber(day - ((day + 3) % 7 + 7) % 7)
    case "month":
      return date.slice(0, 7)
    case "quarter":
      return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`
    case "year":
      return date.slice(0, 4)
  }
}

/** @internal */
export const dimensionKey = (row: Row, d: Dimension, offset: number): string | number | boolean | null => {
  switch (d._tag) {
    case "Column":
      return get(row, d.field) as string | number | boolean | null
    case "Period": {
      const v = get(row, d.field) as string | null
      return v === null ? null : periodKey(v, d.unit, offset)
    }
    case "Jurisdiction": {
      const path = d.of === "place" ? row.placePath : row.handlingPath
      const parts = path.split("/")
      // "/a/b/c/" splits into ["", "a", "b", "c", ""]
      const code = parts[d.depth + 1]
      return code === undefined || code === "" ? null : code
    }
  }
}

const median = (xs: Array<number>): number | null => {
  if (xs.length === 0) return null
  xs.sort((a, b) => a - b)
  const mid = xs.length >> 1
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2
}

interface Acc {
  readonly keys: ReadonlyArray<string | number | boolean | null>
  readonly values: Array<number>
  readonly lists: Array<Array<number>>
  readonly counts: Array<number>
}

const durationOf = (row: Row, m: Extract<Measure, { _tag: "Duration" }>): number | undefined => {
  const a = get(row, m.from) as string | null
  const b = get(row, m.to) as string | null
  return a === null || b === null ? undefined : Date.parse(b) - Date.parse(a)
}

/** @internal */
export const aggregate = (rows: Iterable<Row>, req: AggregateRequest): Array<AggregateRow> => {
  const groups = new Map<string, Acc>()
  const ms = req.measures
  for (const row of rows) {
    if (!matches(row, req.where)) continue
    const keys = req.groupBy.map((d) => dimensionKey(row, d, req.utcOffsetMinutes))
    const k = JSON.stringify(keys)
    let acc = groups.get(k)
    if (acc === undefined) {
      acc = {
        keys,
        values: ms.map((m) => (m._tag === "Duration" && (m.stat === "min" || m.stat === "max") ? NaN : 0)),
        lists: ms.map(() => []),
        counts: ms.map(() => 0)
      }
      groups.set(k, acc)
    }
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i]!
      if (m.where !== undefined && !matches(row, m.where)) continue
      switch (m._tag) {
        case "Count":
          acc.values[i]! += 1
          break
        case "Sum": {
          const v = get(row, m.field) as number | null
          // money is summed in fen (分), exactly
          if (v !== null) acc.values[i]! += m.field === "amountAtStake" ? Math.round(v * 100) : v
          break
        }
        case "Duration": {
          const d = durationOf(row, m)
          if (d === undefined) break
          acc.counts[i]! += 1
          if (m.stat === "median") acc.lists[i]!.push(d)
          else if (m.stat === "min") acc.values[i] = Number.isNaN(acc.values[i]!) ? d : Math.min(acc.values[i]!, d)
          else if (m.stat === "max") acc.values[i] = Number.isNaN(acc.values[i]!) ? d : Math.max(acc.values[i]!, d)
          else if (m.stat !== "count") acc.values[i]! += d
          break
        }
      }
    }
  }
  if (req.groupBy.length === 0 && groups.size === 0) {
    // like SQL without GROUP BY: one row, even over no rows
    groups.set("[]", {
      keys: [],
      values: ms.map((m) => (m._tag === "Duration" && (m.stat === "min" || m.stat === "max") ? NaN : 0)),
      lists: ms.map(() => []),
      counts: ms.map(() => 0)
    })
  }
  const out: Array<AggregateRow> = []
  for (const acc of groups.values()) {
    const values: Record<string, number | null> = {}
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i]!
      if (m._tag !== "Duration") {
        values[m.name] = m._tag === "Sum" && m.field === "amountAtStake" ? acc.values[i]! / 100 : acc.values[i]!
        continue
      }
      const n = acc.counts[i]!
      switch (m.stat) {
        case "count":
          values[m.name] = n
          break
        case "sum":
          values[m.name] = acc.values[i]!
          break
        case "avg":
          values[m.name] = n === 0 ? null : acc.values[i]! / n
          break
        case "min":
        case "max":
          values[m.name] = n === 0 ? null : acc.values[i]!
          break
        case "median":
          values[m.name] = median(acc.lists[i]!)
          break
      }
    }
    out.push({ keys: acc.keys, values })
  }
  out.sort((a, b) => compareKeys(a.keys, b.keys))
  return out
}
