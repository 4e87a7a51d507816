import { describe, expect, inject, it } from "vitest"
import { buildScript, builtFiles, packProblems, publishable, tarballFiles, tarballManifest } from "../lib/packages.js"

const tarballs = inject("tarballs")

describe("pnpm pack", () => {
  it("packs every publishable package", () => {
    expect(Object.keys(tarballs).sort()).toEqual(publishable().map((p) => p.name))
    expect(Object.keys(tarballs)).toContain("@fengqiao/core")
  })

  for (const p of publishable()) {
    describe(p.name, () => {
      const tarball = tarballs[p.name]!

      it("ships the ESM and CJS builds with their types, the README and the LICENSE, and nothing else", () => {
        const files = tarballFiles(tarball)
        expect(packProblems(files, tarballManifest(tarball), p.manifest)).toEqual([])
        const unexpected = files.filter((f) => !/^dist\/|^README\.md$|^LICENSE$|^package\.json$/.test(f))
        expect(unexpected).toEqual([])
      })

      it("applies publishConfig: exports point at dist, workspace ranges are resolved", () => {
        const m = tarballManifest(tarball)
        expect(m.exports["."]).toEqual({
          import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
          require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" }
        })
        expect(m.main).toBe("./dist/index.cjs")
        expect(m.types).toBe("./dist/index.d.ts")
        expect(m.publishConfig).toEqual({ access: "public" })
        for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
          if (dep.startsWith("@fengqiao/")) {
            expect(range).toBe(`^${publishable().find((q) => q.name === dep)?.version}`)
          }
        }
        // peers on core accept any 0.x, so that a minor release of core does not force a major one of its plugins
        for (const [dep, range] of Object.entries(m.peerDependencies ?? {})) {
          if (dep.startsWith("@fengqiao/")) expect(range).toBe(">=0.0.0 <1.0.0")
        }
      })
    })
  }
})

describe("packProblems", () => {
  const manifest = {
    type: "module",
    engines: { node: ">=20" },
    exports: { ".": { import: "./dist/index.js", require: "./dist/index.cjs" } },
    peerDependencies: { effect: "^3.22.0" }
  }
  const good = ["LICENSE", "README.md", ...builtFiles]
  const workspace = { scripts: { build: buildScript }, devDependencies: { effect: "^3.22.4" } }

  it("accepts a well-formed package", () => {
    expect(packProblems([...good, "package.json"], manifest, workspace)).toEqual([])
  })

  it("accepts a package of plain data without effect, and requires effect once it depends on Effect or Fengqiao", () => {
    const { peerDependencies: _, ...data } = manifest
    const built = { scripts: { build: buildScript } }
    expect(packProblems([...good, "package.json"], data, { ...built, devDependencies: { "tyme4ts": "1.5.2" } }))
      .toEqual([])
    expect(
      packProblems([...good, "package.json"], data, {
        ...built,
        dependencies: { "@fengqiao/calendar-cn": "workspace:^" }
      })
    ).toEqual(["effect is not a peer dependency"])
  })

  it("names tests, sources, missing files, workspace ranges and Effect as a dependency", () => {
    const problems = packProblems(
      ["package.json", "dist/index.js", "dist/Store.d.ts", "src/index.ts", "test/a.test.ts", "dist/x.spec.js"],
      { ...manifest, dependencies: { "@fengqiao/core": "workspace:^", "@effect/sql": "^0.52.0" } },
      { scripts: { build: "tsup" }, peerDependencies: { effect: "^3.22.0" } }
    )
    expect(problems).toEqual(expect.arrayContaining([
      "README.md is missing",
      "LICENSE is missing",
      "dist/index.d.cts is missing",
      "dist/peers.cjs is missing",
      "dist/Store.d.ts has no dist/Store.d.cts for the require condition",
      `scripts.build is "tsup", expected "${buildScript}"`,
      "src/index.ts is source files",
      "test/a.test.ts is a test folder",
      "test/a.test.ts is a test file",
      "dist/x.spec.js is a test file",
      "exports/main/types name ./dist/index.cjs, which is not in the tarball",
      "dependencies.@fengqiao/core is still workspace:^",
      "@effect/sql is in dependencies; Effect packages must be peers",
      "peer effect is not also a dev dependency for the workspace"
    ]))
  })
})
