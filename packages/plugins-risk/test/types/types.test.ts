/**
 * Compiles `several-plugins.ts` against the declaration files tsup builds for `@fengqiao/core` and
 * `@fengqiao/plugins-risk` — what a user installing them from npm gets — not against their sources.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, "../../../..")
const bin = (name: string) => join(root, "node_modules/.bin", name)
// inside the package, so `effect` resolves as it would for a user; ignored by git
const out = mkdtempSync(join(root, "packages/plugins-risk/.typetest-"))
afterAll(() => rmSync(out, { recursive: true, force: true }))

const declarations = (pkg: string) =>
  run(bin("tsup"), [
    "src/index.ts",
    "--no-config",
    "--dts-only",
    "--format",
    "esm",
    "--target",
    "node20",
    "--out-dir",
    join(out, pkg)
  ], {
    cwd: join(root, "packages", pkg)
  })

const compile = async (file: string) => {
  const tsconfig = join(out, "tsconfig.json")
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        skipLibCheck: false,
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        types: ["node"],
        typeRoots: [join(root, "node_modules/@types")],
        paths: {
          "@fengqiao/core": [join(out, "core/index.d.ts")],
          "@fengqiao/plugins-risk": [join(out, "plugins-risk/index.d.ts")]
        }
      },
      files: [file]
    })
  )
  return run(bin("tsc"), ["-p", tsconfig], { cwd: out }).then(
    () => ({ code: 0, output: "" }),
    (e: { code: number; stdout: string }) => ({ code: e.code, output: e.stdout })
  )
}

describe("plugin APIs against the built .d.ts", () => {
  it("stay fully typed with several plugins installed, on both front doors", async () => {
    await Promise.all([declarations("core"), declarations("plugins-risk")])
    const result = await compile(join(here, "several-plugins.ts"))
    expect(result.output).toBe("")
    expect(result.code).toBe(0)
  }, 240_000)

  it("and the compile does fail on a wrong use (the check is live)", async () => {
    const wrong = join(out, "wrong.ts")
    writeFileSync(
      wrong,
      `import { createCenter, Examples } from "@fengqiao/core"\n` +
        `import { riskPlugin } from "@fengqiao/plugins-risk"\n` +
        `const center = await createCenter({ config: Examples.countyConfig, plugins: [riskPlugin()] })\n` +
        `const n: number = (await center.plugins.risk.explain({ actor: Examples.admin, caseId: "c" })).risk.level\n` +
        `export { n }\n`
    )
    const result = await compile(wrong)
    expect(result.code).not.toBe(0)
    expect(result.output).toContain("TS2322")
  }, 240_000)
})
