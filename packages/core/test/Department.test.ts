import { describe, expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as Department from "../src/Department.js"

const decode = Schema.decodeUnknownSync(Department.Department)
const base = { id: "justice", name: "司法局", kind: "justiceBureau", jurisdiction: "222403" }

describe("Department stationing (入驻方式)", () => {
  it("permanent departments are always present, on-call ones never by schedule", () => {
    expect(Department.isPresentOn(decode({ ...base, stationing: { _tag: "Permanent" } }), "2025-03-02")).toBe(true)
    expect(Department.isPresentOn(decode({ ...base, stationing: { _tag: "OnCall" } }), "2025-03-03")).toBe(false)
  })

  it("a rotating department is present on its weekdays and its dates", () => {
    // Tuesdays and Thursdays, and one Saturday
    const d = decode({ ...base, stationing: { _tag: "Rotating", weekdays: [2, 4], dates: ["2025-03-08"] } })
    expect(Department.isPresentOn(d, "2025-03-04")).toBe(true) // Tuesday
    expect(Department.isPresentOn(d, "2025-03-06")).toBe(true) // Thursday
    expect(Department.isPresentOn(d, "2025-03-05")).toBe(false) // Wednesday
    expect(Department.isPresentOn(d, "2025-03-08")).toBe(true) // the listed Saturday
    expect(Department.isPresentOn(d, "2025-03-15")).toBe(false) // another Saturday
    const datesOnly = decode({ ...base, stationing: { _tag: "Rotating", dates: ["2025-03-10"] } })
    expect(Department.isPresentOn(datesOnly, "2025-03-10")).toBe(true)
    expect(Department.isPresentOn(datesOnly, "2025-03-17")).toBe(false)
  })

  it("a rotating department needs a schedule; weekdays are 0 to 6", () => {
    expect(() => decode({ ...base, stationing: { _tag: "Rotating" } })).toThrow(/at least one weekday or date/)
    expect(() => decode({ ...base, stationing: { _tag: "Rotating", weekdays: [7] } })).toThrow()
  })
})
