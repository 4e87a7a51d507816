/**
 * Identifiers for cases and commands: UUIDv7 (time-ordered, so new rows land at the end of indexes).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { randomFillSync } from "node:crypto"

/**
 * Makes ids.
 *
 * @since 0.1.0
 * @category models
 */
export interface IdGenerator {
  readonly next: Effect.Effect<string>
}

/**
 * The id generator a centre uses.
 *
 * @since 0.1.0
 * @category tags
 */
export const IdGenerator: Context.Tag<IdGenerator, IdGenerator> = Context.GenericTag<IdGenerator>(
  "@fengqiao/core/IdGenerator"
)

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

/**
 * Makes a UUIDv7 generator (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids made
 * in the same millisecond increasing, then random bits.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeUuidV7 = (now: () => number = Date.now): () => string => {
  const pool = new Uint8Array(4096)
  let offset = pool.length
  let lastMs = -1
  let counter = 0
  return () => {
    if (offset + 10 > pool.length) {
      randomFillSync(pool)
      offset = 0
    }
    let ms = now()
    if (ms <= lastMs) {
      counter++
      if (counter > 0xfff) {
        lastMs++
        counter = 0
      }
      ms = lastMs
    } else {
      lastMs = ms
      counter = pool[offset]! & 0x7f
    }
    const b = pool.subarray(offset, offset + 10)
    offset += 10
    const t = ms.toString(16).padStart(12, "0")
    return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${(counter >> 8).toString(16)}${hex[counter & 0xff]}-` +
      `${hex[(b[0]! & 0x3f) | 0x80]}${hex[b[1]!]}-${hex[b[2]!]}${hex[b[3]!]}${hex[b[4]!]}${hex[b[5]!]}${hex[b[6]!]}${
        hex[b[7]!]
      }`
  }
}

/**
 * A layer with a UUIDv7 generator.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerUuidV7: Layer.Layer<IdGenerator> = Layer.sync(IdGenerator, () => {
  const next = makeUuidV7()
  return { next: Effect.sync(next) }
})
