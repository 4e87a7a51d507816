/**
 * Bundles the benchmarks with esbuild for profiling (see bench/README.md, "Profiling"): one ES module with a source
 * map, so a CPU profile's positions map back to the TypeScript sources of Fengqiao and of the bundled packages.
 *
 *   pnpm exec tsx bench/bundle.ts [--outfile=bench/results/prof/bench.mjs]
 *
 * Kept external (loaded from bench/node_modules at run time, so the bundle stays inside bench/):
 * - `effect`, whose own published source maps apply;
 * - `better-sqlite3`, a native module, and `pg-native`, which `pg` only loads when asked for.
 *
 * The bundled CommonJS (`pg`, `pg-cursor`, …) calls `require` for Node's built-ins: the banner gives the module a
 * `require` of its own, under a name the bundle does not declare itself (it declares `createRequire`).
 */
import { build } from "esbuild"
import { dirname, isAbsolute, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const arg = process.argv.slice(2).find((a) => a.startsWith("--outfile="))
const unknown = process.argv.slice(2).filter((a) => a !== "--" && !a.startsWith("--outfile="))
if (unknown.length > 0) {
  console.error(`unknown argument(s): ${unknown.join(" ")}\nusage: tsx bench/bundle.ts [--outfile=FILE.mjs]`)
  process.exit(2)
}
const outfile = resolve(arg?.slice("--outfile=".length) ?? join(here, "results", "prof", "bench.mjs"))
const inside = relative(here, outfile)
if (inside.startsWith("..") || isAbsolute(inside)) {
  console.error(`--outfile must be inside bench/ (the external packages are resolved from there), got ${outfile}`)
  process.exit(2)
}

await build({
  entryPoints: [join(here, "run.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: ["effect", "effect/*", "better-sqlite3", "pg-native"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  outfile,
  logLevel: "info"
})
