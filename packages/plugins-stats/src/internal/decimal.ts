/**
 * Exact decimal arithmetic for the figures: percentages and roundings half away from zero (四舍五入), computed in
 * integers so that no binary floating-point error decides a rounding.
 *
 * @internal
 */

/**
 * A finite number as the exact decimal it prints as (JavaScript's shortest round-trip form, exponent forms
 * included): `sign · digits · 10^exponent`, so `1.8e-7` is `18 · 10^-8` and `0.45` is `45 · 10^-2`.
 *
 * @internal
 */
export const decimalOf = (
  value: number
): { readonly negative: boolean; readonly digits: bigint; readonly exponent: number } => {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value))
  if (m === null) throw new RangeError(`not a finite number: ${value}`)
  const fraction = m[3] ?? ""
  return {
    negative: m[1] === "-",
    digits: BigInt(`${m[2]}${fraction}`),
    exponent: Number(m[4] ?? 0) - fraction.length
  }
}

/** `q · 10^-decimals` as the nearest number (parsing a decimal string rounds correctly). */
const scaled = (q: bigint, decimals: number): number => {
  const value = Number(`${q}e${-decimals}`)
  return value === 0 ? 0 : value
}

/**
 * A count (a whole number, as the stores give it) as a bigint.
 *
 * @internal
 */
export const count = (x: number): bigint => BigInt(Math.round(x))

/**
 * The exact ratio `numerator ÷ denominator` rounded half away from zero (四舍五入) to `decimals`, in integers.
 *
 * @internal
 */
export const roundRatio = (numerator: bigint, denominator: bigint, decimals: number): number => {
  const negative = numerator < 0n !== denominator < 0n
  const n = numerator < 0n ? -numerator : numerator
  const d = denominator < 0n ? -denominator : denominator
  // round(n·10^decimals / d) half-up = ⌊(2·n·10^decimals + d) / (2·d)⌋
  const q = decimals >= 0
    ? (2n * n * 10n ** BigInt(decimals) + d) / (2n * d)
    : (2n * n + d * 10n ** BigInt(-decimals)) / (2n * d * 10n ** BigInt(-decimals))
  return scaled(negative ? -q : q, decimals)
}

/**
 * The percentage of `numerator ÷ denominator`, rounded half-up to `decimals` exactly; `null` when the
 * denominator is 0 (see `Kpi.percent`).
 *
 * @internal
 */
export const percent = (numerator: number, denominator: number, decimals: number): number | null =>
  denominator === 0
    ? null
    : roundRatio(100n * count(numerator), count(denominator), decimals)

/**
 * Rounds a number half away from zero to `decimals`, exactly, on the decimal it prints as (see `Kpi.roundHalfUp`).
 *
 * @internal
 */
export const roundHalfUp = (value: number, decimals: number): number => {
  if (!Number.isFinite(value)) return value
  const { digits, exponent, negative } = decimalOf(value)
  const shift = exponent + decimals
  if (shift >= 0) return scaled((negative ? -digits : digits) * 10n ** BigInt(shift), decimals)
  // digits · 10^shift, half away from zero
  const unit = 10n ** BigInt(-shift)
  const q = (2n * digits + unit) / (2n * unit)
  return scaled(negative ? -q : q, decimals)
}
