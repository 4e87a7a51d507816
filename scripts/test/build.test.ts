import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { checkedPeers, cjsEntry, esmEntry, peersModule, shortRange, toCjsDeclarations } from "../lib/build.js"

describe("toCjsDeclarations", () => {
  it("points every relative specifier at the .cjs twin and leaves packages alone", () => {
    const dts = [
      `export * as CaseStore from "./CaseStore.js";`,
      `import type { X } from '../internal/x.js';`,
      `export { a } from "./a.js"`,
      `type T = import("./internal/t.js").T;`,
      `import "./side.js";`,
      `import * as Schema from "effect/Schema";`,
      `import type { Y } from "@fengqiao/core";`,
      `declare module "./Plugin.js" {}`,
      `// a comment that mentions "./CaseStore.js" is a string, not a specifier`
    ].join("\n")
    expect(toCjsDeclarations(dts).split("\n")).toEqual([
      `export * as CaseStore from "./CaseStore.cjs";`,
      `import type { X } from '../internal/x.cjs';`,
      `export { a } from "./a.cjs"`,
      `type T = import("./internal/t.cjs").T;`,
      `import "./side.cjs";`,
      `import * as Schema from "effect/Schema";`,
      `import type { Y } from "@fengqiao/core";`,
      `declare module "./Plugin.cjs" {}`,
      `// a comment that mentions "./CaseStore.js" is a string, not a specifier`
    ])
  })
})

describe("checkedPeers and shortRange", () => {
  it("checks the caret-ranged peers, not the open @fengqiao ranges", () => {
    const manifest = {
      peerDependencies: { effect: "^3.22.0", "@fengqiao/core": ">=0.0.0 <1.0.0", "fast-check": "^3.23.1", odd: "*" }
    }
    expect(checkedPeers(manifest)).toEqual([["effect", "^3.22.0"], ["fast-check", "^3.23.1"]])
    expect([shortRange("^3.22.0"), shortRange("^0.52.0"), shortRange("^3.23.1")]).toEqual(["^3.22", "^0.52", "^3.23.1"])
  })
})

describe("the entry points of a built package", () => {
  // a package whose bundle imports a module Effect 3 has and Effect 4 does not, as the real bundles do
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "fengqiao-entry-"))
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true })
    fs.writeFileSync(path.join(scratch, file), text)
  }
  const effect = (version: string, exportsPackageJson = true) => {
    fs.rmSync(path.join(scratch, "node_modules", "effect"), { recursive: true, force: true })
    const exports: Record<string, unknown> = { "./*": { import: "./dist/*.js", require: "./dist/*.cjs" } }
    if (exportsPackageJson) exports["./package.json"] = "./package.json"
    write("node_modules/effect/package.json", JSON.stringify({ name: "effect", version, exports }))
    if (version.startsWith("3.")) {
      write("node_modules/effect/dist/ParseResult.js", "export const ok = 1\n")
      write("node_modules/effect/dist/ParseResult.cjs", "exports.ok = 1\n")
    }
  }
  const pkg = "node_modules/@fengqiao/demo"
  write(`${pkg}/package.json`, JSON.stringify({ name: "@fengqiao/demo", type: "module" }))
  write(`${pkg}/dist/main.js`, `import { ok } from "effect/ParseResult"\nexport const A = ok, B = 2\n`)
  write(`${pkg}/dist/main.cjs`, `const { ok } = require("effect/ParseResult")\nexports.A = ok\nexports.B = 2\n`)
  write(`${pkg}/dist/index.js`, esmEntry(["A", "B"]))
  write(`${pkg}/dist/index.cjs`, cjsEntry())
  write(`${pkg}/dist/peers.cjs`, peersModule("@fengqiao/demo", "0.1.0", [["effect", "^3.22.0"]]))

  const load = (type: "module" | "commonjs") =>
    spawnSync(
      process.execPath,
      type === "module"
        ? [
          "--input-type=module",
          "-e",
          `const m = await import("${scratch}/${pkg}/dist/index.js"); console.log(m.A + m.B)`
        ]
        : [
          "--input-type=commonjs",
          "-e",
          `const m = require("${scratch}/${pkg}/dist/index.cjs"); console.log(m.A + m.B)`
        ],
      { cwd: scratch, encoding: "utf8" }
    )

  for (const type of ["module", "commonjs"] as const) {
    it(`${type}: load the bundle when the peers are in range`, () => {
      effect("3.22.4")
      const r = load(type)
      expect(r.stderr).toBe("")
      expect(r.stdout.trim()).toBe("3")
    })

    it(`${type}: with a newer major of effect, fail at once naming the versions to install`, () => {
      effect("4.1.5")
      const r = load(type)
      expect(r.status).not.toBe(0)
      expect(r.stderr).toContain(
        "@fengqiao/demo 0.1.0 cannot run with the installed packages: it needs effect ^3.22.0, found effect 4.1.5."
      )
      expect(r.stderr).toContain("npm install effect@^3.22\n")
      expect(r.stderr).toContain("FENGQIAO_PEER_VERSION")
      expect(r.stderr).not.toContain("ParseResult")
    })

    it(`${type}: an older minor and a missing peer fail too`, () => {
      effect("3.21.9")
      expect(load(type).stderr).toContain("it needs effect ^3.22.0, found effect 3.21.9")
      fs.rmSync(path.join(scratch, "node_modules", "effect"), { recursive: true, force: true })
      expect(load(type).stderr).toContain("effect is not installed (it needs ^3.22.0)")
    })

    it(`${type}: a peer that does not export its package.json is not checked`, () => {
      effect("3.22.4", false)
      expect(load(type).stdout.trim()).toBe("3")
    })
  }

  it("checks 0.x peers by minor", () => {
    const check = (version: string) => {
      write("node_modules/@effect/sql/package.json", JSON.stringify({ name: "@effect/sql", version }))
      write("p.cjs", peersModule("x", "1.0.0", [["@effect/sql", "^0.52.1"]]))
      return spawnSync(process.execPath, ["p.cjs"], { cwd: scratch, encoding: "utf8" }).status
    }
    expect([check("0.52.1"), check("0.52.9"), check("0.52.0"), check("0.53.0"), check("1.0.0")]).toEqual([
      0,
      0,
      1,
      1,
      1
    ])
  })
})
