import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Jurisdiction from "../src/Jurisdiction.js"

const tree = (levels: ReadonlyArray<Jurisdiction.Level>, nodes: ReadonlyArray<Jurisdiction.Node>) =>
  Jurisdiction.makeTree(levels, nodes)

describe("Jurisdiction.makeTree", () => {
  it("builds 3-, 4- and 5-level trees with materialised paths and tiers", () => {
    const three = Either.getOrThrow(tree(Jurisdiction.levelPresets.county3, [
      { code: "220283", name: "舒兰市", level: "county" },
      { code: "220283100", name: "某镇", level: "township", parent: "220283" },
      { code: "220283100201", name: "某村", level: "village", parent: "220283100" }
    ]))
    expect(three.get("220283100201")?.path).toBe("/220283/220283100/220283100201/")
    expect(three.get("220283100201")?.tier).toBe(2)

    const five = Either.getOrThrow(tree(Jurisdiction.levelPresets.city5, [
      { code: "222400", name: "延边州", level: "city" },
      { code: "222403", name: "敦化市", level: "county", parent: "222400" },
      { code: "222403100", name: "镇", level: "township", parent: "222403" },
      { code: "222403100201", name: "村", level: "village", parent: "222403100" },
      { code: "G-1", name: "网格", level: "grid", parent: "222403100201" }
    ]))
    expect(five.get("G-1")).toMatchObject({ tier: 4, depth: 4, path: "/222400/222403/222403100/222403100201/G-1/" })
    expect(five.isWithin("G-1", "222403")).toBe(true)
    expect(five.isWithin("222403", "G-1")).toBe(false)
    expect(five.ancestorAt("G-1", "township")?.code).toBe("222403100")
    expect(five.children("222403100").map((n) => n.code)).toEqual(["222403100201"])
  })

  it("a centre may sit below the top level (a county tree on the 5-level preset)", () => {
    const t = Either.getOrThrow(tree(Jurisdiction.levelPresets.city5, [
      { code: "222403", name: "敦化市", level: "county" },
      { code: "222403100", name: "镇", level: "township", parent: "222403" }
    ]))
    expect(t.root.tier).toBe(1)
    expect(t.get("222403100")).toMatchObject({ tier: 2, depth: 1 })
  })

  it("names the field of each structural error", () => {
    const levels = Jurisdiction.levelPresets.county4
    const field = (nodes: ReadonlyArray<Jurisdiction.Node>) => {
      const r = tree(levels, nodes)
      return Either.isLeft(r) ? `${r.left.field}: ${r.left.expected}` : "ok"
    }
    expect(field([{ code: "1", name: "a", level: "county" }, { code: "1", name: "b", level: "township", parent: "1" }]))
      .toMatch(/^jurisdictions\.1\.code: a unique code/)
    expect(field([{ code: "1", name: "a", level: "county" }, { code: "2", name: "b", level: "township", parent: "9" }]))
      .toMatch(/^jurisdictions\.1\.parent/)
    expect(field([{ code: "1", name: "a", level: "county" }, { code: "2", name: "b", level: "county" }]))
      .toMatch(/^jurisdictions\.1\.parent: a parent: only one root/)
    expect(field([{ code: "1", name: "a", level: "county" }, { code: "2", name: "b", level: "village", parent: "1" }]))
      .toMatch(/^jurisdictions\.1\.level: "township"/)
    expect(field([{ code: "1", name: "a", level: "nation" }])).toMatch(/^jurisdictions\.0\.level: one of the levels/)
    expect(field([
      { code: "1", name: "a", level: "county" },
      { code: "2", name: "b", level: "township", parent: "3" },
      { code: "3", name: "c", level: "township", parent: "2" }
    ])).toMatch(/^jurisdictions\.1\.level|^jurisdictions\.\d\.parent/)
  })
})
