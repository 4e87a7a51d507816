import { describe, expect, it } from "@effect/vitest"
import { appendSession, hasSession, refusedMediation } from "../src/lifecycle/sessionIndex.js"

describe("the session index of the guards", () => {
  it("answers for each array exactly, also for two cases stepped from the same state", () => {
    const s = (sessionId: string, result: "progress" | "partyRefused" = "progress", mediationType?: string) => ({
      sessionId,
      mediators: ["王"],
      result,
      heldAt: "2025-03-03T01:00:00.000Z",
      ...(mediationType !== undefined ? { mediationType } : {})
    })
    const a = [s("a1"), s("a2")]
    const b1 = appendSession(a, s("b1", "partyRefused", "people"))
    const b2 = appendSession(a, s("b2"))
    const c1 = appendSession(b1, s("c1"))
    expect([hasSession(a, "a1"), hasSession(a, "b1"), hasSession(a, "b2")]).toEqual([true, false, false])
    expect([hasSession(b1, "b1"), hasSession(b1, "b2"), hasSession(b2, "b2"), hasSession(b2, "b1")])
      .toEqual([true, false, true, false])
    expect([hasSession(c1, "a2"), hasSession(c1, "b1"), hasSession(c1, "c1"), hasSession(b1, "c1")])
      .toEqual([true, true, true, false])
    expect([refusedMediation(a, "people"), refusedMediation(b1, "people"), refusedMediation(c1, "people")])
      .toEqual([false, true, true])
    expect([refusedMediation(b2, "people"), refusedMediation(b1, undefined), refusedMediation(b1, "court")])
      .toEqual([false, false, false])
    expect(refusedMediation([s("x", "partyRefused")], undefined)).toBe(true)
  })
})
