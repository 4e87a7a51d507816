/**
 * The PostgreSQL store's options are checked before it connects: a pool size that is not an integer from 1 to
 * 1 000 is a `StoreError` naming `maxConnections` (no server is needed: nothing is opened).
 */
import { describe, expect, it } from "@effect/vitest"
import { PgStore } from "@fengqiao/adapters-pg"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

describe("PgStore.layer options", () => {
  it.effect("maxConnections outside 1 … 1000 is refused before connecting", () =>
    Effect.gen(function*() {
      for (const maxConnections of [0, -1, 2.5, Number.NaN, 1001]) {
        const failed = yield* Effect.flip(
          Layer.build(PgStore.layer({ url: "postgres://nobody@127.0.0.1:1/none", maxConnections })).pipe(Effect.scoped)
        )
        expect(failed, String(maxConnections)).toMatchObject({ _tag: "StoreError", operation: "layer" })
        expect((failed as { reason: string }).reason).toContain("maxConnections")
      }
    }))
})
