import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { installLines, specs, unversioned } from "../lib/install.js"
import { publishable, root } from "../lib/packages.js"

const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8")
const markdown = [
  "README.md",
  ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`),
  ...["packages", "examples"].flatMap((d) =>
    fs.readdirSync(path.join(root, d)).map((p) => `${d}/${p}/README.md`).filter((f) =>
      fs.existsSync(path.join(root, f))
    )
  )
]

describe("the documented install lines", () => {
  for (const p of publishable()) {
    const lines = installLines(p)

    it(`${p.name}: its README and docs/getting-started.md give ${lines.join(" && ")}`, () => {
      const readme = read(path.relative(root, path.join(p.dir, "README.md")))
      const start = read("docs/getting-started.md")
      for (const line of lines) {
        expect(readme.split("\n"), `${p.name} README`).toContain(line)
        expect(start.split("\n"), "docs/getting-started.md").toContain(line)
      }
    })
  }

  it("name the versions of effect, @effect/* and vitest, whose npm `latest` are newer majors", () => {
    const line = installLines(publishable().find((p) => p.name === "@fengqiao/core")!)[0]
    expect(line).toBe("npm install @fengqiao/core effect@^3.22")
    const all = publishable().flatMap((p) => specs(installLines(p)))
    expect(all).toEqual(expect.arrayContaining(["@effect/sql@^0.52", "vitest@^3.2", "@effect/vitest@^0.30"]))
    expect(all.filter((s) => /^(effect|@effect\/|vitest|fast-check)/.test(s) && !/.@/.test(s))).toEqual([])
  })

  it("every install command in every README and doc names the version of each Effect package and vitest", () => {
    expect(markdown.length).toBeGreaterThan(10)
    expect(markdown.flatMap((f) => unversioned(read(f)).map((u) => `${f}: ${u}`))).toEqual([])
  })

  it("finds unversioned installs", () => {
    expect(unversioned("```sh\nnpm install @fengqiao/core effect\npnpm add -D vitest@^3.2 @effect/vitest\n```"))
      .toEqual([
        "effect in: npm install @fengqiao/core effect",
        "@effect/vitest in: pnpm add -D vitest@^3.2 @effect/vitest"
      ])
    expect(unversioned("run `npm i @effect/sql-pg@^0.53 effect@^3.22` first")).toEqual([])
  })
})
