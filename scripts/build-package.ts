/**
 * `pnpm build` of one package (run in its folder: `"build": "tsx ../../scripts/build-package.ts"`):
 *
 * 1. tsup bundles `src/index.ts` into `dist/main.js` (ESM) and `dist/main.cjs` (CommonJS), per `tsup.config.ts`;
 * 2. `tsc` emits the declarations per module (`dist/index.d.ts`, `dist/CaseStore.d.ts`, `dist/internal/…`), so
 *    that a name that is both a value and a type (`CaseStore.CaseStore`, `Center.Center` …) keeps both halves —
 *    a declaration bundler turned `export * as X from` into `declare const X: typeof …` and lost the type;
 * 3. each `.d.ts` gets a `.d.cts` twin for the `require` condition;
 * 4. `dist/peers.cjs` checks the installed peers' versions, and `dist/index.js`/`dist/index.cjs` run it before
 *    loading the bundle (see `scripts/lib/build.ts`).
 *
 * Workspace packages this one imports are read from their built declarations (`paths` to their `dist`), so the
 * packages build in dependency order (`pnpm -r` does that).
 *
 * @since 0.1.0
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { checkedPeers, cjsEntry, esmEntry, peersModule, toCjsDeclarations } from "./lib/build.js"
import { root } from "./lib/packages.js"

const dir = process.cwd()
const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))
const dist = path.join(dir, "dist")
const run = (bin: string, args: ReadonlyArray<string>) =>
  execFileSync(process.execPath, [bin, ...args], { cwd: dir, stdio: "inherit" })

// 1. the JavaScript bundles
fs.rmSync(dist, { recursive: true, force: true })
run(path.join(root, "node_modules", "tsup", "dist", "cli-default.js"), [])
for (const f of ["main.js", "main.cjs"]) {
  if (!fs.existsSync(path.join(dist, f))) throw new Error(`tsup did not write dist/${f}: its entry must be "main"`)
}

// 2. the declarations, per module
const workspace: Record<string, string> = {}
for (const d of fs.readdirSync(path.join(root, "packages"))) {
  const m = path.join(root, "packages", d, "package.json")
  if (fs.existsSync(m)) workspace[JSON.parse(fs.readFileSync(m, "utf8")).name] = path.join(root, "packages", d)
}
const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.devDependencies })
const paths = Object.fromEntries(
  deps.filter((n) => workspace[n] !== undefined).map((n) => [n, [path.join(workspace[n]!, "dist", "index.d.ts")]])
)
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fengqiao-dts-"))
try {
  const tsconfig = path.join(tmp, "tsconfig.json")
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(root, "tsconfig.base.json"),
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        declarationMap: false,
        sourceMap: false,
        rootDir: path.join(dir, "src"),
        outDir: dist,
        paths,
        // the generated tsconfig is outside the workspace: find @types/node where the workspace has it
        typeRoots: [path.join(dir, "node_modules", "@types"), path.join(root, "node_modules", "@types")],
        plugins: []
      },
      include: [path.join(dir, "src")]
    })
  )
  run(path.join(root, "node_modules", "typescript", "bin", "tsc"), ["-p", tsconfig])
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}

// 3. the CommonJS twins of the declarations
const walk = (d: string): ReadonlyArray<string> =>
  fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]
  )
for (const f of walk(dist).filter((f) => f.endsWith(".d.ts"))) {
  fs.writeFileSync(f.replace(/\.d\.ts$/, ".d.cts"), toCjsDeclarations(fs.readFileSync(f, "utf8")))
}

// 4. the peer check and the entry points
fs.writeFileSync(path.join(dist, "peers.cjs"), peersModule(manifest.name, manifest.version, checkedPeers(manifest)))
// the bundle's names, from its closing `export { … }` (importing it to list them would run it: the test kit's
// imports of vitest fail outside a test run)
const bundle = fs.readFileSync(path.join(dist, "main.js"), "utf8")
const exported = [...bundle.matchAll(/^export\s*\{([^}]*)\};?\s*$/gm)]
if (exported.length !== 1 || /^export\s*\*/m.test(bundle)) {
  throw new Error("dist/main.js does not end with one `export { … }` statement, which dist/index.js re-exports")
}
const names = exported[0]![1]!.split(",").map((s) => s.trim()).filter((s) => s !== "")
  .map((s) => s.split(/\s+as\s+/).at(-1)!).sort()
if (names.includes("default")) throw new Error("the entry has a default export, which dist/index.js does not pass on")
fs.writeFileSync(path.join(dist, "index.js"), esmEntry(names))
fs.writeFileSync(path.join(dist, "index.cjs"), cjsEntry())
console.log(
  `${manifest.name}: dist/index.js, index.cjs, .d.ts and .d.cts per module, peers.cjs (${names.length} exports)`
)
