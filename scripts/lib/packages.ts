/**
 * The workspace's publishable packages, how to build them when their sources changed, and how to pack them the
 * way `pnpm publish` does (with `publishConfig` applied). Shared by `pnpm check:packages` and the packaging tests.
 *
 * @since 0.1.0
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The root of the workspace.
 *
 * @since 0.1.0
 */
export const root = fileURLToPath(new URL("../..", import.meta.url))

/**
 * A publishable package of the workspace.
 *
 * @since 0.1.0
 */
export interface WorkspacePackage {
  readonly name: string
  readonly version: string
  readonly dir: string
  readonly manifest: Record<string, any>
}

/**
 * Every package under `packages/` that is not private, in name order.
 *
 * @since 0.1.0
 */
export const publishable = (): ReadonlyArray<WorkspacePackage> =>
  fs.readdirSync(path.join(root, "packages"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, "packages", d.name, "package.json")))
    .map((d) => {
      const dir = path.join(root, "packages", d.name)
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))
      return { name: manifest.name as string, version: manifest.version as string, dir, manifest }
    })
    .filter((p) => p.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name))

const newest = (file: string): number => {
  const stat = fs.statSync(file)
  if (!stat.isDirectory()) return stat.mtimeMs
  return fs.readdirSync(file).reduce((m, f) => Math.max(m, newest(path.join(file, f))), stat.mtimeMs)
}

/**
 * Whether the package's `dist` is missing or older than its sources, `package.json`, `tsup.config.ts` or the build
 * script (`scripts/build-package.ts`).
 *
 * @since 0.1.0
 */
export const isStale = (p: WorkspacePackage): boolean => {
  const built = builtFiles.map((f) => path.join(p.dir, f))
  if (!built.every((f) => fs.existsSync(f))) return true
  const builtAt = Math.min(...built.map((f) => fs.statSync(f).mtimeMs))
  const inputs = [
    ...["src", "package.json", "tsup.config.ts"].map((f) => path.join(p.dir, f)),
    ...["scripts/build-package.ts", "scripts/lib/build.ts", "tsconfig.base.json"].map((f) => path.join(root, f))
  ].filter(fs.existsSync)
  return inputs.some((f) => newest(f) > builtAt)
}

/**
 * Builds the packages whose `dist` is stale (or all of them with `force`), in one `pnpm -r` run so that pnpm
 * orders and parallelises them. Returns the names it built.
 *
 * @since 0.1.0
 */
export const buildStale = (packages: ReadonlyArray<WorkspacePackage>, force = false): ReadonlyArray<string> => {
  const stale = packages.filter((p) => force || isStale(p))
  if (stale.length === 0) return []
  execFileSync("pnpm", ["-r", ...stale.flatMap((p) => ["--filter", p.name]), "build"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024
  })
  return stale.map((p) => p.name)
}

/**
 * Packs a package with `pnpm pack` (which applies `publishConfig`, as `pnpm publish` does) into `destination`
 * and returns the tarball's path.
 *
 * @since 0.1.0
 */
export const pack = (p: WorkspacePackage, destination: string): string => {
  fs.mkdirSync(destination, { recursive: true })
  const out = execFileSync("pnpm", ["pack", "--json", "--pack-destination", destination], {
    cwd: p.dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"]
  })
  const filename = JSON.parse(out.slice(out.indexOf("{"))).filename as string
  return path.isAbsolute(filename) ? filename : path.join(destination, filename)
}

/**
 * The files in a tarball (paths inside `package/`).
 *
 * @since 0.1.0
 */
export const tarballFiles = (tarball: string): ReadonlyArray<string> =>
  execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.replace(/^package\//, ""))
    .sort()

/**
 * The `package.json` inside a tarball.
 *
 * @since 0.1.0
 */
export const tarballManifest = (tarball: string): Record<string, any> =>
  JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }))

/**
 * What `scripts/build-package.ts` writes for every package: the entry points, which check the peers
 * (`peers.cjs`) and then load the bundles (`main.*`), and the declarations for `import` and `require`.
 *
 * @since 0.1.0
 */
export const builtFiles: ReadonlyArray<string> = [
  "dist/index.js",
  "dist/index.cjs",
  "dist/index.d.ts",
  "dist/index.d.cts",
  "dist/main.js",
  "dist/main.cjs",
  "dist/peers.cjs"
]

/**
 * The build script every publishable package runs.
 *
 * @since 0.1.0
 */
export const buildScript = "tsx ../../scripts/build-package.ts"

const required = [...builtFiles, "README.md", "LICENSE"]
const forbidden: ReadonlyArray<readonly [RegExp, string]> = [
  [/^src\//, "source files"],
  [/(^|\/)(test|tests|__tests__)\//, "a test folder"],
  [/\.(test|spec)\.[cm]?[jt]sx?$/, "a test file"],
  [/\.tsbuildinfo$/, "a TypeScript build-info file"],
  [/(^|\/)vitest\.config\./, "a vitest config"],
  [/(^|\/)tsup\.config\./, "a tsup config"]
]

const exportTargets = (exports: unknown): ReadonlyArray<string> =>
  typeof exports === "string"
    ? [exports]
    : typeof exports === "object" && exports !== null
    ? Object.values(exports).flatMap(exportTargets)
    : []

/**
 * What is wrong with a packed package: missing built files, types (a `.d.cts` beside every `.d.ts`), README or
 * LICENSE; tests or sources shipped; a build script other than the shared one;
 * `exports` pointing at files not in the tarball or outside `dist`; unresolved `workspace:` ranges; `effect`
 * not a peer dependency (of a package with any Effect or Fengqiao dependency: a package of plain data needs
 * none); no `engines`. Empty when the package is fit to publish.
 *
 * @since 0.1.0
 */
export const packProblems = (
  files: ReadonlyArray<string>,
  packed: Record<string, any>,
  workspace: Record<string, any>
): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const present = new Set(files)
  for (const f of [...required, "package.json"]) if (!present.has(f)) problems.push(`${f} is missing`)
  for (const f of files) {
    for (const [re, what] of forbidden) if (re.test(f)) problems.push(`${f} is ${what}`)
    const twin = f.replace(/\.d\.ts$/, ".d.cts")
    if (twin !== f && !present.has(twin)) problems.push(`${f} has no ${twin} for the require condition`)
  }
  const targets = [...exportTargets(packed.exports), packed.main, packed.module, packed.types].filter(
    (t): t is string => typeof t === "string"
  )
  if (exportTargets(packed.exports).length === 0) problems.push("no exports map")
  for (const t of targets) {
    const f = t.replace(/^\.\//, "")
    if (!present.has(f)) problems.push(`exports/main/types name ${t}, which is not in the tarball`)
    else if (f !== "package.json" && !f.startsWith("dist/")) problems.push(`${t} is outside dist/`)
  }
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(packed[field] ?? {})) {
      if (String(range).startsWith("workspace:")) problems.push(`${field}.${name} is still ${String(range)}`)
    }
  }
  // a package without any dependency (plain data such as @fengqiao/calendar-cn) needs no effect either
  const usesEffect = ["dependencies", "peerDependencies", "devDependencies"].some((field) =>
    Object.keys(workspace[field] ?? {}).some((dep) => /^(effect|@effect\/|@fengqiao\/)/.test(dep))
  )
  if (usesEffect && packed.peerDependencies?.effect === undefined) problems.push("effect is not a peer dependency")
  for (const dep of Object.keys(packed.dependencies ?? {})) {
    if (/^(effect|@effect\/)/.test(dep)) problems.push(`${dep} is in dependencies; Effect packages must be peers`)
  }
  for (const dep of Object.keys(workspace.peerDependencies ?? {})) {
    if (/^(effect|@effect\/)/.test(dep) && workspace.devDependencies?.[dep] === undefined) {
      problems.push(`peer ${dep} is not also a dev dependency for the workspace`)
    }
  }
  if (workspace.scripts?.build !== buildScript) {
    problems.push(
      `scripts.build is ${JSON.stringify(workspace.scripts?.build)}, expected ${JSON.stringify(buildScript)}`
    )
  }
  if (typeof packed.engines?.node !== "string") problems.push("no engines.node")
  if (packed.type !== "module") problems.push(`type is ${String(packed.type)}, expected module`)
  return problems
}
