import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { Command, Event, Lifecycle } from "../../packages/core/src/index.js"
import { generatedFiles, staleFiles } from "../lib/generated.js"
import { diagram } from "../lib/lifecycleReference.js"
import { root } from "../lib/packages.js"

const files = generatedFiles()
const committed = (file: string) => {
  const full = path.join(root, file)
  return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined
}

describe("generated documentation (run `pnpm docs:generate` when this fails)", () => {
  it.each([...files.keys()])("%s is the committed file", (file) => {
    expect(committed(file)).toBe(files.get(file))
  })

  it("leaves no stale files under docs/schema", () => {
    expect(staleFiles(files)).toEqual([])
  })
})

describe("the lifecycle reference", () => {
  const page = files.get("docs/lifecycle.md")!

  it("has a row for every command of the table, with its guards", () => {
    for (const t of Lifecycle.transitions) {
      const row = page.split("\n").find((l) => l.startsWith(`| \`${t.command}\` |`))
      expect(row, t.command).toBeDefined()
      for (const g of t.guards) expect(row).toContain(`\`${g}\``)
    }
  })

  it("draws every state-changing transition", () => {
    const d = diagram()
    expect(d).toContain("[*] --> registered: Register")
    expect(d).toContain("handling --> closed: RecordOutcome")
    expect(d).toContain("feedbackGiven --> handling: RecordFollowUp")
    expect(d).toContain("anyOpen --> withdrawn: Withdraw")
  })
})

describe("the JSON Schemas", () => {
  const read = (file: string) => JSON.parse(files.get(`docs/schema/${file}`)!)
  const top = (s: any) => (s.$ref === undefined ? s : s.$defs[s.$ref.replace("#/$defs/", "")])

  it("cover every command and event, each pinned to its _tag", () => {
    for (const name of Command.commandNames) {
      const s = read(`commands/${name}.json`)
      const def = top(s)
      expect(def.properties._tag).toEqual({ type: "string", enum: [name] })
      expect(def.required).toEqual(expect.arrayContaining(["_tag", "actor"]))
      expect(def.additionalProperties).toBe(false)
    }
    for (const name of Event.eventNames) {
      const s = read(`events/${name}.json`)
      expect(top(s).properties._tag).toEqual({ type: "string", enum: [name] })
    }
    expect(read("Command.json").$defs.Command.anyOf).toHaveLength(Command.commandNames.length)
  })

  it("describe timestamps as strings, the JSON form", () => {
    expect(read("commands/Accept.json").$defs.TimestampInput.type).toBe("string")
    expect(read("EventEnvelope.json").$defs.Timestamp.type).toBe("string")
  })
})
