import { describe, expect, it } from "vitest"
import { findCycles, relativeSpecifiers, workspaceCycles } from "../lib/cycles.js"

describe("import cycles (scripts/check-cycles.ts)", () => {
  it("finds none in any package's src", () => {
    expect(workspaceCycles()).toEqual([])
  })

  it("counts type-only imports, re-exports and import types as references", () => {
    const text = [
      `import type { A } from "./A.js"`,
      `import { b } from "effect/Schema"`,
      `export { c } from "./internal/c.js"`,
      `export type X = import("./X.js").X`,
      `const d = () => import("./D.js")`
    ].join("\n")
    expect(relativeSpecifiers("f.ts", text)).toEqual(["./A.js", "./internal/c.js", "./X.js", "./D.js"])
  })

  it("names a cycle as a path back to where it starts, and only cycles", () => {
    const graph = new Map<string, ReadonlyArray<string>>([
      ["Errors.ts", ["Privacy.ts"]],
      ["Privacy.ts", ["Case.ts"]],
      ["Case.ts", ["Errors.ts", "Leaf.ts"]],
      ["Leaf.ts", []],
      ["Self.ts", ["Self.ts"]]
    ])
    expect(findCycles(graph)).toEqual(
      expect.arrayContaining([["Case.ts", "Errors.ts", "Privacy.ts", "Case.ts"], ["Self.ts", "Self.ts"]])
    )
    expect(findCycles(graph)).toHaveLength(2)
    expect(findCycles(new Map([["A.ts", ["B.ts"]], ["B.ts", []]]))).toEqual([])
  })
})
