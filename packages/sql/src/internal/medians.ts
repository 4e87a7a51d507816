/**
 * The arithmetic of sampled medians (see `Dialect.SampledMedians`): which quantiles of the sample to ask for, the
 * bracket they give, and the median read off the values inside it.
 *
 * @internal
 */

/** The bracket half-widths on offer, as fractions either side of 0.5 (0 … 0.5, ascending). */
const offsets = [
  0,
  0.001,
  0.002,
  0.003,
  0.005,
  0.0075,
  0.01,
  0.015,
  0.02,
  0.025,
  0.03,
  0.04,
  0.05,
  0.075,
  0.1,
  0.15,
  0.2,
  0.3,
  0.5
]

/** The fractions the sample is asked for: 0.5 minus each offset, then 0.5 plus each (ascending, 0.5 once). */
export const fractions: ReadonlyArray<number> = [
  ...offsets.slice(1).reverse().map((o) => Number((0.5 - o).toFixed(4))),
  0.5,
  ...offsets.slice(1).map((o) => Number((0.5 + o).toFixed(4)))
]

/**
 * The bracket of a median from its sample: `count` sampled values and their values at {@link fractions}. The
 * half-width is `width` standard errors of a sample median (0.5 / √count, as a fraction of the rows), rounded up to
 * an offset on offer. `undefined` when the sample is too small (below `minimum`) or unreadable: the median is then
 * computed whole.
 */
export const bracket = (
  count: number,
  quantiles: unknown,
  options: { readonly minimum: number; readonly width: number }
): { readonly low: number; readonly high: number } | undefined => {
  if (!(count >= Math.max(1, options.minimum)) || !Array.isArray(quantiles)) return undefined
  if (quantiles.length !== fractions.length) return undefined
  const wanted = (options.width * 0.5) / Math.sqrt(count)
  const k = offsets.findIndex((o) => o >= wanted)
  const i = k === -1 ? offsets.length - 1 : k
  const mid = offsets.length - 1
  const low = quantiles[mid - i]
  const high = quantiles[mid + i]
  if (low === null || low === undefined || high === null || high === undefined) return undefined
  const lo = Number(low)
  const hi = Number(high)
  return Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && lo <= hi ? { low: lo, high: hi } : undefined
}

/**
 * The median of `count` values from the bracket's pass: `below` of them lie under the bracket, and `middle` holds
 * the values inside it at ranks ⌈count / 2⌉ and the next one (ascending). `null` over no values; `undefined` when
 * the bracket missed the middle (the median must then be computed whole).
 */
export const fromBracket = (count: number, below: number, middle: unknown): number | null | undefined => {
  if (count === 0) return null
  if (!Array.isArray(middle)) return undefined
  const first = Math.ceil(count / 2) // the middle rank (the lower one when the count is even), from 1
  if (below >= first) return undefined
  const needed = count % 2 === 1 ? 1 : 2
  if (middle.length < needed) return undefined
  const a = Number(middle[0])
  if (needed === 1) return a
  return (a + Number(middle[1])) / 2
}

/** The offset in the bracket of the lower middle value, as SQL over the count and the number below. */
export const offsetSql = (count: string, below: string): string => `GREATEST((${count} + 1) / 2 - ${below} - 1, 0)`
