/**
 * Compiles the store's condition language, dimensions and measures to SQL with the same semantics as the
 * in-memory reference (`@fengqiao/core`'s evaluator): two-valued logic (a missing value never matches and `Not`
 * of a non-match matches), strict types (a string never equals a number), times compared as instants.
 * @internal
 */
import type { CaseStore } from "@fengqiao/core"
import type { Dialect } from "../Dialect.js"
import { byField, type Kind, MAX_DEPTH } from "./columns.js"

/** SQL text with `?` placeholders and its parameters. @internal */
export interface Sql {
  readonly text: string
  readonly params: ReadonlyArray<unknown>
}

const FALSE = "(1 = 0)"
const TRUE = "(1 = 1)"

const column = (field: string): { readonly column: string; readonly kind: Kind } => {
  const c = byField.get(field)
  if (c === undefined) throw new Error(`Unknown field ${field}`)
  return c
}

/** A comparable cell value for a column kind, or undefined when the value can never be equal to one. */
const cell = (kind: Kind, value: unknown): unknown => {
  switch (kind) {
    case "key":
      return typeof value === "string" ? value : undefined
    case "int":
      // an INTEGER column holds no value outside 32 bits (and PostgreSQL refuses such a parameter)
      return typeof value === "number" && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31
        ? value
        : undefined
    case "bool":
      return typeof value === "boolean" ? (value ? 1 : 0) : undefined
    case "fen": {
      if (typeof value !== "number" || !Number.isFinite(value)) return undefined
      // only an amount that is exactly some whole fen can equal a stored one (stored amounts are exact, see Yuan);
      // 1.000000001 is not 1.00, as the in-memory store compares it
      const fen = Math.round(value * 100)
      return fen / 100 === value && Math.abs(fen) <= Number.MAX_SAFE_INTEGER ? fen : undefined
    }
    case "ms":
      return undefined
  }
}

/**
 * The largest whole fen whose amount (fen / 100, the number the in-memory store holds) is not above `yuan`: an
 * amount is above `yuan` exactly when its fen are above this. Adjusted by comparing as memory does, so 0.29 (whose
 * `* 100` is 28.999…) and 12.4999999999 give 29 and 1249.
 */
const fenBelow = (yuan: number): number => {
  let k = Math.floor(yuan * 100)
  // beyond any amount (Yuan ≤ 10¹³) whole fen are not all representable: no adjustment (the caller's range check)
  if (!(Math.abs(yuan) <= 1e13)) return k
  while ((k + 1) / 100 <= yuan) k++
  while (k / 100 > yuan) k--
  return k
}

/** Compiles a condition. @internal */
export const condition = (c: CaseStore.Condition, params: Array<unknown>): string => {
  switch (c._tag) {
    case "Eq": {
      const { column: col, kind } = column(c.field)
      if (c.value === null) return `(${col} IS NULL)`
      const v = cell(kind, c.value)
      if (v === undefined) return FALSE
      params.push(v)
      return `(${col} IS NOT NULL AND ${col} = ?)`
    }
    case "In": {
      const { column: col, kind } = column(c.field)
      const values = c.values.map((x) => cell(kind, x)).filter((x) => x !== undefined)
      if (values.length === 0) return FALSE
      params.push(...values)
      return `(${col} IS NOT NULL AND ${col} IN (${values.map(() => "?").join(", ")}))`
    }
    case "Gt": {
      const { column: col, kind } = column(c.field)
      if (kind !== "int" && kind !== "fen") return FALSE
      if (!Number.isFinite(c.value)) return c.value === -Infinity ? `(${col} IS NOT NULL)` : FALSE
      // integer columns: col > 2.5 ⇔ col > 2 (PostgreSQL will not compare an integer with 2.5 given as text)
      const bound = kind === "fen" ? fenBelow(c.value) : Math.floor(c.value)
      // beyond what the column holds (INTEGER, or a BIGINT of fen within JavaScript's safe integers) the answer is
      // known; PostgreSQL would refuse the parameter as out of range
      const [min, max] = kind === "int" ? [-(2 ** 31), 2 ** 31 - 1] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
      if (bound >= max) return FALSE
      if (bound < min) return `(${col} IS NOT NULL)`
      params.push(bound)
      return `(${col} IS NOT NULL AND ${col} > ?)`
    }
    case "Present":
      return `(${column(c.field).column} IS NOT NULL)`
    case "Absent":
      return `(${column(c.field).column} IS NULL)`
    case "Before":
    case "NotBefore": {
      const col = column(c.field).column
      const ms = Date.parse(c.value)
      if (!Number.isFinite(ms)) return FALSE
      params.push(ms)
      return `(${col} IS NOT NULL AND ${col} ${c._tag === "Before" ? "<" : ">="} ?)`
    }
    case "Later": {
      const a = column(c.field).column
      const b = column(c.than).column
      return `(${a} IS NOT NULL AND ${b} IS NOT NULL AND ${a} > ${b})`
    }
    case "Within": {
      const col = column(c.field).column
      // every path ends with "/"; "0" is the character right after "/", so [path, path⁺) is the subtree
      params.push(c.path, `${c.path.slice(0, -1)}0`)
      return `(${col} >= ? AND ${col} < ?)`
    }
    case "And":
      return c.conditions.length === 0 ? TRUE : `(${c.conditions.map((x) => condition(x, params)).join(" AND ")})`
    case "Or":
      return c.conditions.length === 0 ? FALSE : `(${c.conditions.map((x) => condition(x, params)).join(" OR ")})`
    case "Not":
      return `(NOT ${condition(c.condition, params)})`
  }
}

/** A grouping expression and how to read its values back. @internal */
export interface Key {
  readonly expression: string
  /** What to group by when it is not the expression itself (which is then computed from it once per group). */
  readonly group?: string | undefined
  readonly read: (value: unknown) => string | number | boolean | null
}

const asNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

/** Compiles a dimension. @internal */
export const dimension = (d: CaseStore.Dimension, dialect: Dialect, offsetMinutes: number): Key => {
  switch (d._tag) {
    case "Column": {
      const { column: col, kind } = column(d.field)
      switch (kind) {
        case "bool":
          return { expression: col, read: (v) => (v === null || v === undefined ? null : Number(v) === 1) }
        case "int":
          return { expression: col, read: asNumber }
        case "fen":
          return { expression: col, read: (v) => (v === null || v === undefined ? null : Number(v) / 100) }
        default:
          return { expression: col, read: (v) => (v === null || v === undefined ? null : String(v)) }
      }
    }
    case "Period": {
      const grouped = dialect.periodGroup?.(column(d.field).column, offsetMinutes, d.unit)
      if (grouped !== undefined) {
        return {
          expression: grouped.key(grouped.group),
          group: grouped.group,
          read: (v) => (v === null || v === undefined ? null : String(v))
        }
      }
      return {
        expression: `(CASE WHEN ${column(d.field).column} IS NULL THEN NULL ELSE ${
          dialect.period(column(d.field).column, offsetMinutes, d.unit)
        } END)`,
        read: (v) => (v === null || v === undefined ? null : String(v))
      }
    }
    case "Jurisdiction":
      return d.depth > MAX_DEPTH
        ? { expression: "NULL", read: () => null }
        : { expression: `${d.of}_d${d.depth}`, read: (v) => (v === null || v === undefined ? null : String(v)) }
  }
}

/** A measure as SQL: aggregate expressions (each with its own parameters) and how to combine their values. @internal */
export interface MeasureSql {
  readonly expressions: ReadonlyArray<Sql>
  readonly combine: (values: ReadonlyArray<unknown>) => number | null
  /** For a median: the duration expression and its filter, computed by a separate window query. */
  readonly median?: { readonly duration: string; readonly filter: Sql } | undefined
  /** For a median with the dialect's `median`: the duration where the measure's condition holds, else NULL. */
  readonly medianValue?: Sql | undefined
}

const compiled = (c: CaseStore.Condition | undefined): Sql => {
  if (c === undefined) return { text: TRUE, params: [] }
  const params: Array<unknown> = []
  return { text: condition(c, params), params }
}

/**
 * A dialect's median of an expression with parameters: the dialect may write the expression more than once (as
 * PostgreSQL's does), so its parameters are repeated once per occurrence, in order.
 */
const medianOf = (median: (expression: string) => string, x: Sql): Sql => {
  const parts = median("\u0000").split("\u0000")
  return {
    text: parts.join(x.text),
    params: Array.from({ length: parts.length - 1 }, () => x.params).flat()
  }
}

/**
 * An SQL template applied to SQL arguments with parameters: `write` is called with a marker for each argument, and
 * each argument's parameters are placed in the order its text appears (an argument may appear more than once, or
 * not at all). @internal
 */
export const template = (write: (...args: Array<string>) => string, args: ReadonlyArray<Sql>): Sql => {
  // markers in Unicode's private use area: not in any SQL a dialect writes
  const markers = args.map((_, i) => `\uE000${i}\uE001`)
  const params: Array<unknown> = []
  const text = write(...markers).replace(/\uE000(\d+)\uE001/g, (_, i: string) => {
    const arg = args[Number(i)]!
    params.push(...arg.params)
    return arg.text
  })
  return { text, params }
}

/** Compiles a measure; with the dialect's `median`, a median is an aggregate expression like the others. @internal */
export const measure = (m: CaseStore.Measure, dialect?: Dialect): MeasureSql => {
  const w = compiled(m.where)
  switch (m._tag) {
    case "Count":
      // COUNT of a CASE without ELSE: NULL (not counted) where the condition does not hold; 0 over no rows
      return {
        expressions: [
          m.where === undefined
            ? { text: "COUNT(*)", params: [] }
            : dialect?.aggregateFilter === true
            ? { text: `COUNT(*) FILTER (WHERE ${w.text})`, params: w.params }
            : { text: `COUNT(CASE WHEN ${w.text} THEN 1 END)`, params: w.params }
        ],
        combine: (v) => Number(v[0] ?? 0)
      }
    case "Sum": {
      const { column: col, kind } = column(m.field)
      return {
        expressions: [{
          text: `SUM(CASE WHEN ${w.text} AND ${col} IS NOT NULL THEN ${col} ELSE 0 END)`,
          params: w.params
        }],
        combine: (v) => (kind === "fen" ? Number(v[0] ?? 0) / 100 : Number(v[0] ?? 0))
      }
    }
    case "Duration": {
      const from = column(m.from).column
      const to = column(m.to).column
      const filter: Sql = { text: `(${w.text} AND ${from} IS NOT NULL AND ${to} IS NOT NULL)`, params: w.params }
      const d = `(${to} - ${from})`
      // the duration where the measure's condition holds, else NULL; `to - from` is NULL when either time is
      // missing, and every aggregate below ignores NULLs — so no CASE at all for a measure without a condition
      const x: Sql = m.where === undefined ? { text: d, params: [] } : {
        text: `CASE WHEN ${w.text} THEN ${d} END`,
        params: w.params
      }
      const agg = (fn: string): Sql =>
        m.where !== undefined && dialect?.aggregateFilter === true
          ? { text: `${fn}(${d}) FILTER (WHERE ${w.text})`, params: w.params }
          : { text: `${fn}(${x.text})`, params: x.params }
      switch (m.stat) {
        case "count":
          return { expressions: [agg("COUNT")], combine: (v) => Number(v[0] ?? 0) }
        case "sum":
          return { expressions: [agg("SUM")], combine: (v) => Number(v[0] ?? 0) }
        case "avg":
          // sum and count as integers, divided in JavaScript: exactly what the in-memory store computes
          return {
            expressions: [agg("SUM"), agg("COUNT")],
            combine: (v) => (Number(v[1] ?? 0) === 0 ? null : Number(v[0]) / Number(v[1]))
          }
        case "min":
        case "max":
          return { expressions: [agg(m.stat.toUpperCase())], combine: (v) => asNumber(v[0]) }
        case "median":
          return dialect?.median === undefined
            ? { expressions: [], combine: () => null, median: { duration: d, filter } }
            : { expressions: [medianOf(dialect.median, x)], combine: (v) => asNumber(v[0]), medianValue: x }
      }
    }
  }
}

/** Replaces `?` with `$1`, `$2` … for dialects with numbered placeholders. @internal */
export const numbered = (text: string): string => {
  let i = 0
  return text.replace(/\?/g, () => `$${++i}`)
}

/** The final text for a dialect. @internal */
export const finish = (dialect: Dialect, text: string): string => (dialect.numberedPlaceholders ? numbered(text) : text)
