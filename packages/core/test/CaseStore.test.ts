import { describe, expect, it } from "@effect/vitest"
import * as CaseStore from "../src/CaseStore.js"

describe("CaseStore.deepFreeze", () => {
  it("freezes a value and all it holds, in place", () => {
    const value = { a: { b: [1, { c: "x" }] }, d: null }
    const frozen = CaseStore.deepFreeze(value)
    expect(frozen).toBe(value)
    expect(Object.isFrozen(value)).toBe(true)
    expect(Object.isFrozen(value.a)).toBe(true)
    expect(Object.isFrozen(value.a.b)).toBe(true)
    expect(Object.isFrozen(value.a.b[1])).toBe(true)
  })

  it("leaves alone what is frozen already (shared parts of a new snapshot)", () => {
    const inner = { c: 1 }
    const shared = Object.freeze({ inner })
    CaseStore.deepFreeze({ shared })
    // it stopped at `shared`, frozen already: what it holds stays as it was
    expect(Object.isFrozen(inner)).toBe(false)
  })

  it("returns primitives unchanged", () => {
    expect(CaseStore.deepFreeze(3)).toBe(3)
    expect(CaseStore.deepFreeze(null)).toBe(null)
  })
})
