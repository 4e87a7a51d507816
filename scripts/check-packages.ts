/**
 * `pnpm check:packages`: builds every publishable package whose `dist` is stale, packs each with `pnpm pack`
 * (as `pnpm publish` would, `publishConfig` applied) and checks the tarball: its contents (see `packProblems`),
 * `publint --strict`, and `@arethetypeswrong/cli` on the tarball (node10, node16 CJS and ESM, bundler).
 * Exits non-zero naming every problem.
 *
 * `attw --pack` packs with `npm pack`, which ignores `publishConfig.exports`; this script hands attw the tarball
 * pnpm made instead, which is what gets published.
 *
 * @since 0.1.0
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { buildStale, pack, packProblems, publishable, root, tarballFiles, tarballManifest } from "./lib/packages.js"

const bin = (name: string) => path.join(root, "node_modules", ".bin", name)

const run = (command: string, args: ReadonlyArray<string>, cwd: string) => {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } })
  return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() }
}

const packages = publishable()
const built = buildStale(packages, process.argv.includes("--rebuild"))
if (built.length > 0) console.log(`built ${built.join(", ")}`)
const destination = fs.mkdtempSync(path.join(os.tmpdir(), "fengqiao-packs-"))
let failed = 0
try {
  for (const p of packages) {
    const tarball = pack(p, destination)
    const problems = [...packProblems(tarballFiles(tarball), tarballManifest(tarball), p.manifest)]
    const publint = run(bin("publint"), ["--strict", p.dir], root)
    if (!publint.ok || !/All good!/.test(publint.output)) problems.push(`publint --strict:\n${publint.output}`)
    const attw = run(bin("attw"), [tarball, "--format", "ascii"], root)
    if (!attw.ok) problems.push(`attw:\n${attw.output}`)
    if (problems.length === 0) {
      console.log(`✓ ${p.name}: contents, publint --strict, attw`)
    } else {
      failed++
      console.log(`✗ ${p.name}\n${problems.map((x) => `  - ${x}`).join("\n")}`)
    }
  }
} finally {
  fs.rmSync(destination, { recursive: true, force: true })
}
console.log(failed === 0 ? `${packages.length} packages fit to publish` : `${failed} package(s) with problems`)
process.exitCode = failed === 0 ? 0 : 1
