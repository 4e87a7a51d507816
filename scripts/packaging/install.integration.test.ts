/**
 * Installs the packed tarballs into a scratch project outside the workspace with `npm install` (effect from the
 * registry, `--prefer-offline` so npm's cache serves it when it can), then type-checks, compiles and runs the
 * quick start (examples/quickstart) against them, once as an ES module and once as CommonJS.
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { root } from "../lib/packages.js"

const tarballs = inject("tarballs")
const installed = [
  "@fengqiao/calendar-cn",
  "@fengqiao/core",
  "@fengqiao/plugins-risk",
  "@fengqiao/plugins-stats"
].filter((n) => n in tarballs)
const effectVersion = JSON.parse(
  fs.readFileSync(path.join(root, "node_modules", "effect", "package.json"), "utf8")
).version as string

let scratch = ""

const sh = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "", npm_config_loglevel: "error" }
  })

const mode = (type: "module" | "commonjs") => {
  const dir = path.join(scratch, type)
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type }))
  for (const f of ["quickstart.ts", "main.ts"]) {
    fs.copyFileSync(path.join(root, "examples", "quickstart", "src", f), path.join(dir, f))
  }
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        lib: ["ES2022"],
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [path.join(root, "node_modules", "@types")]
      },
      files: ["quickstart.ts", "main.ts"]
    })
  )
  return dir
}

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "fengqiao-install-"))
  fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }))
  sh("npm", [
    "install",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    "--ignore-scripts",
    ...installed.map((n) => tarballs[n]!),
    `effect@${effectVersion}`
  ], scratch)
})

afterAll(() => {
  if (scratch !== "") fs.rmSync(scratch, { recursive: true, force: true })
})

describe("the packed packages installed with npm", () => {
  it("are installed from the tarballs, not linked to the workspace", () => {
    for (const name of installed) {
      const dir = path.join(scratch, "node_modules", ...name.split("/"))
      expect(fs.lstatSync(dir).isSymbolicLink()).toBe(false)
      expect(fs.existsSync(path.join(dir, "src"))).toBe(false)
      expect(fs.existsSync(path.join(dir, "dist", "index.cjs"))).toBe(true)
    }
  })

  it("expose the same modules to import and to require", () => {
    const names = JSON.stringify(installed)
    const script = (loader: string) =>
      `Promise.all(${names}.map(async (n) => [n, Object.keys(${loader}).sort()]))` +
      `.then((r) => console.log(JSON.stringify(Object.fromEntries(r))))`
    const esm = JSON.parse(sh(process.execPath, ["--input-type=module", "-e", script("await import(n)")], scratch))
    const cjs = JSON.parse(sh(process.execPath, ["--input-type=commonjs", "-e", script("require(n)")], scratch))
    expect(esm).toEqual(cjs)
    expect(esm["@fengqiao/core"]).toEqual(expect.arrayContaining(["createCenter", "Lifecycle", "Center", "Examples"]))
  })

  for (const type of ["module", "commonjs"] as const) {
    it(`type-check, compile and run the quick start as ${type === "module" ? "ESM" : "CommonJS"}`, () => {
      const dir = mode(type)
      sh(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "."], dir)
      const compiled = fs.readFileSync(path.join(dir, "quickstart.js"), "utf8")
      expect(compiled).toMatch(type === "module" ? /from "@fengqiao\/core"/ : /require\("@fengqiao\/core"\)/)
      const out = sh(process.execPath, ["main.js"], dir)
      expect(out).toMatch(/^case 222403-\d{4}-000001: archived \(已归档\), outcome Resolved$/m)
      expect(out).toContain("FollowUpRecorded → Archived")
    })
  }
})
