/**
 * The size of a query (查询规模) as a store would see it: condition terms once every shared part is expanded, and
 * the values bound as parameters. Counted on the input graph itself, each object once (memoised by identity), so
 * that eight objects referring a hundred times each to the next are counted as the 100⁸ terms they expand to, in
 * eight steps. Counts saturate just above the limit.
 * @internal
 */
import type { QueryLimits } from "../CenterConfig.js"
import type { InvalidInput } from "../Errors.js"
import { invalidInput } from "./parse.js"

/** @internal */
export interface Size {
  readonly terms: number
  readonly parameters: number
}

const empty: Size = { terms: 0, parameters: 0 }

/** Terms with one value compared with stored ones. */
const oneValue = new Set(["Eq", "Gt", "Before", "NotBefore", "Within"])

/**
 * Counts a condition, decoded or not (anything that is not a condition counts as one term: its decoder refuses
 * it). `cap` saturates every count; `memo` is shared by the conditions of one query. A read that throws is left
 * to the decoder; a cycle is counted once.
 * @internal
 */
export const conditionSize = (condition: unknown, cap: number, memo: Map<object, Size> = new Map()): Size => {
  const go = (c: unknown, depth: number): Size => {
    if (typeof c !== "object" || c === null) return { terms: 1, parameters: 0 }
    const known = memo.get(c)
    if (known !== undefined) return known
    // deeper than the schema admits (8): its decoder refuses it
    if (depth > 16) return { terms: 1, parameters: 0 }
    // while it is being counted, a cycle back to it counts as one term (its decoder refuses the cycle)
    memo.set(c, { terms: 1, parameters: 0 })
    const r = c as { readonly _tag?: unknown; readonly conditions?: unknown; readonly condition?: unknown }
    const tag = r._tag
    let size: Size
    if ((tag === "And" || tag === "Or") && Array.isArray(r.conditions)) {
      let terms = 1
      let parameters = 0
      const items: ReadonlyArray<unknown> = r.conditions
      for (let i = 0; i < items.length && terms <= cap && parameters <= cap; i++) {
        const s = go(items[i], depth + 1)
        terms = Math.min(cap + 1, terms + s.terms)
        parameters = Math.min(cap + 1, parameters + s.parameters)
      }
      size = { terms, parameters }
    } else if (tag === "Not") {
      const s = go(r.condition, depth + 1)
      size = { terms: Math.min(cap + 1, 1 + s.terms), parameters: s.parameters }
    } else if (tag === "In") {
      const values = (c as { readonly values?: unknown }).values
      size = { terms: 1, parameters: Array.isArray(values) ? Math.min(cap + 1, values.length) : 0 }
    } else {
      size = { terms: 1, parameters: typeof tag === "string" && oneValue.has(tag) ? 1 : 0 }
    }
    memo.set(c, size)
    return size
  }
  try {
    return go(condition, 0)
  } catch {
    // a getter or Proxy that throws: its decoder reports where
    return empty
  }
}

/**
 * The refusal of a query whose `size` exceeds a limit, naming the field it is charged to and the limit.
 * @internal
 */
export const beyondLimits = (
  limits: QueryLimits,
  size: Size,
  field: string
): InvalidInput | undefined =>
  size.terms > limits.maxTerms
    ? invalidInput(
      field,
      `a query of at most ${limits.maxTerms} condition terms once shared parts are expanded, scope and filter ` +
        `included (queryLimits.maxTerms)`
    )
    : size.parameters > limits.maxParameters
    ? invalidInput(
      field,
      `a query comparing at most ${limits.maxParameters} values, scope and filter included ` +
        `(queryLimits.maxParameters)`
    )
    : undefined

/**
 * Adds sizes, saturating at `cap + 1`.
 * @internal
 */
export const plus = (cap: number, ...sizes: ReadonlyArray<Size>): Size =>
  sizes.reduce(
    (a, b) => ({
      terms: Math.min(cap + 1, a.terms + b.terms),
      parameters: Math.min(cap + 1, a.parameters + b.parameters)
    }),
    empty
  )

/**
 * The size of an aggregate request as given (before decoding): its `where` and its measures' conditions, with
 * one memo so that a part shared between them is counted as often as it is used. `undefined` when the input is
 * not shaped like a request (its decoder refuses it).
 * @internal
 */
export const rawAggregateSize = (
  limits: QueryLimits,
  input: unknown
): InvalidInput | undefined => {
  const cap = Math.max(limits.maxTerms, limits.maxParameters)
  try {
    if (typeof input !== "object" || input === null) return undefined
    const q = input as { readonly where?: unknown; readonly measures?: unknown }
    const memo = new Map<object, Size>()
    const where = q.where === undefined ? empty : conditionSize(q.where, cap, memo)
    const refused = beyondLimits(limits, where, "where")
    if (refused !== undefined) return refused
    let measures = empty
    if (Array.isArray(q.measures)) {
      const ms: ReadonlyArray<unknown> = q.measures
      for (let i = 0; i < ms.length && i < 1000; i++) {
        const m = ms[i]
        const w = typeof m === "object" && m !== null ? (m as { readonly where?: unknown }).where : undefined
        if (w !== undefined) measures = plus(cap, measures, conditionSize(w, cap, memo))
      }
    }
    return beyondLimits(limits, plus(cap, where, measures), "measures")
  } catch {
    return undefined
  }
}
