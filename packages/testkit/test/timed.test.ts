/**
 * The suites' time-bounded property runs: a counterexample fails them, and so does a time limit reached before any
 * run completed (a store too slow for even one history must not pass unchecked).
 */
import * as FastCheck from "effect/FastCheck"
import { describe, expect, it } from "vitest"
import { assertTimed } from "../src/internal/timed.js"

describe("assertTimed", () => {
  it("passes a property that holds", async () => {
    let calls = 0
    await assertTimed(
      "holds",
      FastCheck.asyncProperty(FastCheck.integer(), async (n) => {
        calls++
        expect(Number.isInteger(n)).toBe(true)
      }),
      20
    )
    expect(calls).toBe(20)
  })

  it("fails with the counterexample when the property does not hold", async () => {
    await expect(
      assertTimed(
        "fails",
        FastCheck.asyncProperty(FastCheck.integer({ min: 0, max: 100 }), async (n) => {
          expect(n).toBeLessThan(50)
        }),
        200
      )
    ).rejects.toThrow(/Counterexample/)
  })

  it("fails when no run completes within the time limit", async () => {
    // (fast-check itself fails a run interrupted before its first test; the check stays, should that change)
    await expect(
      assertTimed(
        "slow",
        FastCheck.asyncProperty(FastCheck.constant(0), () => new Promise<void>((resolve) => setTimeout(resolve, 300))),
        5,
        50
      )
    ).rejects.toThrow(/interrupted after 0 tests|slow: no run completed within 0\.05 s \(5 asked\)/)
  })

  it("reports how many runs completed when the time limit cut a run short", async () => {
    const logged: Array<string> = []
    const info = console.info
    console.info = (message: string) => void logged.push(message)
    try {
      await assertTimed(
        "partial",
        FastCheck.asyncProperty(FastCheck.constant(0), () => new Promise<void>((resolve) => setTimeout(resolve, 40))),
        50,
        150
      )
    } finally {
      console.info = info
    }
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatch(/^partial: [1-4] of 50 runs completed within 0\.15 s$/)
  })
})
