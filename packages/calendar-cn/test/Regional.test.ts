import { describe, expect, it } from "vitest"
import { Regional } from "../src/index.js"

describe("Regional.yanbian", () => {
  it("is 延边's 州庆 on 3 September every year, with its source", () => {
    expect(Regional.yanbian.id).toBe("yanbian")
    expect(Regional.yanbian.daysOff).toEqual(["09-03"])
    expect(Regional.yanbian.source).toMatch(/州庆/)
  })
})
