import { describe, expect, it } from "@effect/vitest"
import type { Case } from "../src/Case.js"
import * as CaseStore from "../src/CaseStore.js"
import * as Privacy from "../src/Privacy.js"

const person = { _tag: "Person", role: "applicant", name: "张三", idNumber: "220283199001011234", phone: "13812345678" }

const caseOf = (extra: Record<string, unknown>) =>
  ({
    id: "c1",
    code: "222403-2025-000001",
    parties: [person],
    description: "电话 13812345678 来访",
    ...extra
  }) as unknown as Case

describe("Privacy.maskCase", () => {
  it("masks parties and numbers in texts, leaving identifiers alone", () => {
    const masked = Privacy.maskCase(caseOf({}))
    expect(masked.code).toBe("222403-2025-000001")
    expect(JSON.stringify(masked)).not.toContain("13812345678")
    expect(JSON.stringify(masked)).not.toContain("220283199001011234")
  })

  it("given a frozen case masked once, when a later case shares its parts, then the result is the same as masking afresh", () => {
    const parties = CaseStore.deepFreeze([person])
    const first = CaseStore.deepFreeze(caseOf({ parties, sessions: [] }))
    const m1 = Privacy.maskCase(first)
    const second = CaseStore.deepFreeze(caseOf({ parties, sessions: [{ summary: "又打 13912345678" }] }))
    const m2 = Privacy.maskCase(second)
    // the shared, frozen parties are masked once and handed out again
    expect(m2.parties).toBe(m1.parties)
    expect(JSON.stringify(m2)).not.toContain("13912345678")
    expect(m2).toEqual(Privacy.maskCase(structuredClone(second)))
  })

  it("given a frozen object holding a mutable one, when the mutable part changes, then masking sees the change", () => {
    const notes = [{ text: "无号码" }]
    const c = Object.freeze(caseOf({ notes }))
    expect(JSON.stringify(Privacy.maskCase(c))).toContain("无号码")
    notes[0] = { text: "号码 13812345678" }
    const again = JSON.stringify(Privacy.maskCase(c))
    expect(again).not.toContain("13812345678")
    expect(again).not.toContain("无号码")
    expect(again).toContain("号码 138")
  })
})
