/**
 * The documented install lines, derived from each package's peer ranges so that they cannot drift from them:
 * npm's `latest` of `effect`, `@effect/sql-*`, `@effect/vitest` and `vitest` are newer majors the SDK does not
 * work with, so every line names the versions that work. The READMEs and docs/getting-started.md must contain
 * these lines (scripts/test/install.test.ts), and the packaging test installs the tarballs with them.
 *
 * @since 0.1.0
 */
import { checkedPeers, shortRange } from "./build.js"
import type { WorkspacePackage } from "./packages.js"

/**
 * Packages a project installs as development dependencies.
 *
 * @since 0.1.0
 */
export const devPackages: ReadonlySet<string> = new Set(["@fengqiao/testkit"])

/**
 * Type declarations a package needs for type-checking, beyond its peers (installed as development dependencies).
 *
 * @since 0.1.0
 */
export const typePackages: Readonly<Record<string, ReadonlyArray<string>>> = {
  // @effect/sql-pg's declarations import pg's; without @types/pg they do not compile (skipLibCheck: false) or
  // lose their types
  "@fengqiao/adapters-pg": ["@types/pg"]
}

/**
 * The lines that install a package: the package with its `@fengqiao/*` peers and its other peers at the ranges it
 * works with (in its manifest's order), and a second `--save-dev` line for the type declarations it needs, if any.
 *
 * @since 0.1.0
 */
export const installLines = (p: WorkspacePackage): ReadonlyArray<string> => {
  const fengqiaoPeers = Object.keys(p.manifest.peerDependencies ?? {}).filter((n) => n.startsWith("@fengqiao/")).sort()
  const dev = devPackages.has(p.name) ? " --save-dev" : ""
  // a development install leaves out effect, which the application has as a dependency already (naming it in a
  // --save-dev line would move it to the devDependencies)
  const peers = checkedPeers(p.manifest).filter(([name]) => dev === "" || name !== "effect")
    .map(([name, range]) => `${name}@${shortRange(range)}`)
  const lines = [`npm install${dev} ${[p.name, ...fengqiaoPeers, ...peers].join(" ")}`]
  const types = (typePackages[p.name] ?? []).map((t) => {
    const range = p.manifest.devDependencies?.[t]
    if (typeof range !== "string") throw new Error(`${p.name} has no devDependency ${t} to take its range from`)
    return `${t}@${range.replace(/^\^(\d+)\..*$/, "^$1")}`
  })
  if (types.length > 0) lines.push(`npm install --save-dev ${types.join(" ")}`)
  return lines
}

/**
 * The package specs of install lines (`npm install --save-dev a b@^1` → `a`, `b@^1`).
 *
 * @since 0.1.0
 */
export const specs = (lines: ReadonlyArray<string>): ReadonlyArray<string> =>
  lines.flatMap((l) => l.split(/\s+/).slice(2).filter((t) => !t.startsWith("-")))

/**
 * Packages whose `latest` on npm is a major the SDK does not work with: an install line naming one of them must
 * give its version.
 *
 * @since 0.1.0
 */
export const needsVersion = (name: string): boolean =>
  name === "effect" || name.startsWith("@effect/") || name === "vitest" || name === "fast-check"

/**
 * The install commands (`npm install`, `npm i`, `pnpm add`, `yarn add`) in a Markdown text that name one of the
 * `needsVersion` packages without a version.
 *
 * @since 0.1.0
 */
export const unversioned = (markdown: string): ReadonlyArray<string> =>
  markdown.split("\n").flatMap((line) => {
    const m = /(?:^|[\s`])((?:npm (?:install|i|add)|pnpm (?:add|install)|yarn add)\s[^`#\n]*)/.exec(line)
    if (m === null) return []
    // `name@range` has an `@` after its first character (a scope's `@` is the first)
    const bare = m[1]!.split(/\s+/).slice(2).filter((t) => !t.startsWith("-") && t.lastIndexOf("@") <= 0)
      .filter(needsVersion)
    return bare.map((t) => `${t} in: ${m[1]!.trim()}`)
  })
