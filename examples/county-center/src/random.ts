/**
 * A tiny seeded pseudo-random generator (mulberry32) and the few helpers the example needs, so that a run is
 * reproducible from its seed.
 */

/**
 * A seeded source of randomness.
 */
export interface Random {
  /** A float in [0, 1). */
  readonly next: () => number
  /** An integer in [min, max] (both inclusive). */
  readonly int: (min: number, max: number) => number
  /** A float in [min, max). */
  readonly between: (min: number, max: number) => number
  /** True with probability `p`. */
  readonly chance: (p: number) => boolean
  /** One element, uniformly. */
  readonly pick: <A>(xs: ReadonlyArray<A>) => A
  /** One value, with probability proportional to its weight. */
  readonly weighted: <A>(entries: ReadonlyArray<readonly [A, number]>) => A
  /** A shuffled copy. */
  readonly shuffle: <A>(xs: ReadonlyArray<A>) => Array<A>
}

/**
 * The mulberry32 generator: a 32-bit state, good enough for simulations and fully reproducible.
 */
export const mulberry32 = (seed: number): () => number => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Makes a {@link Random} from a seed.
 */
export const makeRandom = (seed: number): Random => {
  const next = mulberry32(seed)
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <A>(xs: ReadonlyArray<A>): A => {
    if (xs.length === 0) throw new Error("pick from an empty list")
    return xs[Math.floor(next() * xs.length)]!
  }
  const weighted = <A>(entries: ReadonlyArray<readonly [A, number]>): A => {
    const total = entries.reduce((n, [, w]) => n + w, 0)
    let r = next() * total
    for (const [value, w] of entries) {
      r -= w
      if (r < 0) return value
    }
    return entries[entries.length - 1]![0]
  }
  const shuffle = <A>(xs: ReadonlyArray<A>): Array<A> => {
    const out = [...xs]
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1))
      const tmp = out[i]!
      out[i] = out[j]!
      out[j] = tmp
    }
    return out
  }
  return {
    next,
    int,
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick,
    weighted,
    shuffle
  }
}
