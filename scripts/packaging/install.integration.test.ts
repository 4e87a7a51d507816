/**
 * What a new user does, from the packed tarballs, in a scratch project outside the workspace: every publishable
 * package (scripts/lib/packages.ts) installed with npm with the documented install lines (scripts/lib/install.ts,
 * which the READMEs must contain), then, as an ES module project and as a CommonJS one, with `strict` and
 * `skipLibCheck: false`: type-check and run the quick start, the custom risk grader (examples/), a store of the
 * user's own typed with `CaseStore.CaseStore` under the test kit's conformance suite in vitest, the SQLite store
 * and the PostgreSQL store. And the mistake the docs warn about: effect 4 (npm's `latest`) with the SDK fails at
 * once, naming the versions to install.
 *
 * One `npm install` (with `--prefer-offline`) serves both projects; better-sqlite3's native module is the one the
 * workspace built when the versions match (npm would compile the same sources for a minute), else npm builds it.
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { installLines, specs } from "../lib/install.js"
import { publishable, root } from "../lib/packages.js"

const tarballs = inject("tarballs")
const packages = publishable()
const fixtures = path.join(root, "scripts", "packaging", "fixtures")
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc")
const pgBase = process.env.FENGQIAO_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres"

let scratch = ""
let effect4 = ""
let pgUrl = ""
let dropDatabase: () => Promise<void> = async () => {}

const exec = promisify(execFile)
const sh = async (command: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}) => {
  try {
    const r = await exec(command, [...args], {
      cwd,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: "", npm_config_loglevel: "error", NO_COLOR: "1", ...env }
    })
    return r.stdout
  } catch (e) {
    const x = e as { message: string; stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${x.stdout ?? ""}\n${x.stderr ?? x.message}`)
  }
}
const node = (args: ReadonlyArray<string>, cwd: string) => sh(process.execPath, args, cwd)
/** The same, but the process must fail: its stderr. */
const nodeFails = async (args: ReadonlyArray<string>, cwd: string) => {
  try {
    await exec(process.execPath, [...args], { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } })
  } catch (e) {
    return (e as { stderr: string }).stderr
  }
  throw new Error(`node ${args.join(" ")} succeeded`)
}
const npmInstall = (cwd: string, specs: ReadonlyArray<string>) =>
  sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...specs], cwd)

/** The documented lines' packages, `@fengqiao/*` from their tarballs. */
const documented = (): ReadonlyArray<string> =>
  [...new Set(specs(packages.flatMap(installLines)))].map((s) => {
    if (!s.startsWith("@fengqiao/")) return s
    const tarball = tarballs[s]
    if (tarball === undefined) throw new Error(`an install line names ${s}, which is not a publishable package`)
    return tarball
  })

/** better-sqlite3's native module: the workspace's build when it is the same version, else npm builds it. */
const nativeModule = async () => {
  const installed = path.join(scratch, "node_modules", "better-sqlite3")
  const workspace = path.dirname(
    createRequire(path.join(root, "packages", "adapters-sqlite", "package.json")).resolve("better-sqlite3/package.json")
  )
  const version = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version
  const built = path.join(workspace, "build", "Release", "better_sqlite3.node")
  if (version(installed) === version(workspace) && fs.existsSync(built)) {
    fs.mkdirSync(path.join(installed, "build", "Release"), { recursive: true })
    fs.copyFileSync(built, path.join(installed, "build", "Release", "better_sqlite3.node"))
  } else {
    await sh("npm", ["rebuild", "better-sqlite3"], scratch)
  }
}

/** A fresh database on the test server, dropped after the run. */
const freshDatabase = async () => {
  const pg = createRequire(path.join(scratch, "package.json"))("pg")
  const name = `fengqiao_pack_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: pgBase })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  await admin(`CREATE DATABASE ${name}`)
  dropDatabase = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  const url = new URL(pgBase)
  url.pathname = `/${name}`
  pgUrl = url.toString()
}

const project = (type: "module" | "commonjs") => {
  const dir = path.join(scratch, type)
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type }))
  fs.cpSync(fixtures, dir, { recursive: true })
  for (const [example, into] of [["quickstart", "quickstart"], ["custom-risk-grader", "grader"]] as const) {
    fs.cpSync(path.join(root, "examples", example, "src"), path.join(dir, into), { recursive: true })
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
        skipLibCheck: false,
        outDir: "build",
        rootDir: ".",
        types: ["node"],
        typeRoots: [path.join(root, "node_modules", "@types")]
      },
      include: ["**/*.ts"],
      exclude: ["build", "node_modules"]
    })
  )
  return dir
}
const dirOf = (type: "module" | "commonjs") => path.join(scratch, type)
const built = (type: "module" | "commonjs", file: string) => path.join(dirOf(type), "build", file)

/** The tarballs of a package's own @fengqiao dependencies (not on the registry before a release). */
const workspaceDependencies = (name: string): Array<string> => {
  const manifest = packages.find((p) => p.name === name)?.manifest
  return Object.keys(manifest?.dependencies ?? {}).filter((n) => n.startsWith("@fengqiao/")).map((n) => tarballs[n]!)
}

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "fengqiao-install-"))
  effect4 = path.join(scratch, "effect4")
  fs.mkdirSync(effect4)
  fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }))
  fs.writeFileSync(path.join(effect4, "package.json"), JSON.stringify({ name: "scratch-effect4", private: true }))
  // effect4 has its own node_modules, so the two installs do not share a tree
  await Promise.all([
    npmInstall(scratch, documented()),
    // the mistake the docs warn about: effect without its version
    npmInstall(effect4, [...workspaceDependencies("@fengqiao/core"), tarballs["@fengqiao/core"]!, "effect"])
  ])
  await nativeModule()
  await freshDatabase()
  project("module")
  project("commonjs")
}, 300_000)

afterAll(async () => {
  await dropDatabase()
  if (scratch !== "") fs.rmSync(scratch, { recursive: true, force: true })
})

describe("the packed packages installed with npm as the docs say", () => {
  it("are every publishable package, installed from the tarballs, not linked to the workspace", () => {
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(["@fengqiao/core", "@fengqiao/sql", "@fengqiao/adapters-pg", "@fengqiao/testkit"])
    )
    for (const p of packages) {
      const dir = path.join(scratch, "node_modules", ...p.name.split("/"))
      expect(fs.lstatSync(dir).isSymbolicLink(), p.name).toBe(false)
      expect(fs.existsSync(path.join(dir, "src")), p.name).toBe(false)
      expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version).toBe(p.version)
    }
    const effect = JSON.parse(fs.readFileSync(path.join(scratch, "node_modules", "effect", "package.json"), "utf8"))
    expect(effect.version).toMatch(/^3\./)
  })

  it("expose the same modules to import and to require", async () => {
    // the test kit's imports of vitest work only inside a vitest run (below)
    const names = JSON.stringify(
      packages.filter((p) => p.manifest.peerDependencies?.vitest === undefined).map((p) => p.name)
    )
    const script = (loader: string) =>
      `Promise.all(${names}.map(async (n) => [n, Object.keys(${loader}).sort()]))` +
      `.then((r) => console.log(JSON.stringify(Object.fromEntries(r))))`
    const [esm, cjs] = await Promise.all([
      node(["--input-type=module", "-e", script("await import(n)")], scratch),
      node(["--input-type=commonjs", "-e", script("require(n)")], scratch)
    ])
    expect(JSON.parse(esm)).toEqual(JSON.parse(cjs))
    expect(JSON.parse(esm)["@fengqiao/core"]).toEqual(
      expect.arrayContaining(["createCenter", "Lifecycle", "Center", "CaseStore", "Examples"])
    )
  })

  describe.concurrent("type-check with skipLibCheck: false and strict", () => {
    for (const type of ["module", "commonjs"] as const) {
      it(`as ${type === "module" ? "ESM" : "CommonJS"}: the quick start, the grader, a store of one's own, the SQL stores, value-and-type names`, async () => {
        await node([tsc, "-p", "."], dirOf(type))
        const compiled = fs.readFileSync(built(type, "quickstart/quickstart.js"), "utf8")
        expect(compiled).toMatch(type === "module" ? /from "@fengqiao\/core"/ : /require\("@fengqiao\/core"\)/)
      })
    }
  })

  for (const type of ["module", "commonjs"] as const) {
    describe(`run as ${type === "module" ? "ESM" : "CommonJS"}`, () => {
      it("the quick start", async () => {
        const out = await node([built(type, "quickstart/main.js")], dirOf(type))
        expect(out).toMatch(/^case 222403-\d{4}-000001: archived \(已归档\), outcome Resolved$/m)
        expect(out).toContain("FollowUpRecorded → Archived")
      })

      it("the custom risk grader (examples/custom-risk-grader)", async () => {
        const out = await node([built(type, "grader/main.js")], dirOf(type))
        expect(out).toContain("风险等级 risk level: 黄色 (yellow), score 55")
        expect(out).toMatch(/domestic-violence\s+violenceSigns\s+\+40/)
      })

      it("the SQLite store, closed and opened again, with the statistics plugin", async () => {
        const file = path.join(dirOf(type), "centre.db")
        const out = await node([built(type, "stores.js"), "sqlite", file], dirOf(type))
        expect(out).toMatch(/^sqlite: case 222403-\d{4}-000001 accepted, accepted in its month: 1$/m)
      })

      it("the PostgreSQL store on the test server, closed and opened again, with the statistics plugin", async () => {
        const prefix = type === "module" ? "esm_" : "cjs_"
        const out = await node([built(type, "stores.js"), "pg", pgUrl, prefix], dirOf(type))
        expect(out).toMatch(/^pg: case 222403-\d{4}-000001 accepted, accepted in its month: 1$/m)
      })
    })
  }

  it("a store of the user's own passes the test kit's conformance suite under vitest 3.2", async () => {
    const vitest = path.join(scratch, "node_modules", "vitest", "vitest.mjs")
    const out = await node([vitest, "run", "--root", ".", "adapter/countingStore.spec.ts"], dirOf("module"))
    expect(out).toMatch(/Test Files\s+1 passed \(1\)/)
    const passed = Number(/Tests\s+(\d+) passed/.exec(out)?.[1] ?? 0)
    expect(passed).toBeGreaterThan(20)
  })
})

describe("a bare `npm install @fengqiao/core effect`", () => {
  it("installs npm's latest effect, a newer major (Effect 4)", () => {
    const effect = JSON.parse(fs.readFileSync(path.join(effect4, "node_modules", "effect", "package.json"), "utf8"))
    expect(effect.version).not.toMatch(/^[0-3]\./)
  })

  for (const loader of ["import", "require"] as const) {
    it(`fails at once on ${loader}, naming the versions to install`, async () => {
      const stderr = await nodeFails(
        loader === "import"
          ? ["--input-type=module", "-e", `await import("@fengqiao/core")`]
          : ["--input-type=commonjs", "-e", `require("@fengqiao/core")`],
        effect4
      )
      expect(stderr).toMatch(
        /@fengqiao\/core \S+ cannot run with the installed packages: it needs effect \^3\.22\.0, found effect \d/
      )
      expect(stderr).toContain("npm install effect@^3.22")
      expect(stderr).not.toContain("ERR_MODULE_NOT_FOUND")
    })
  }
})
