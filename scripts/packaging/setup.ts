/**
 * Global setup of the `packaging` project: builds the packages whose `dist` is stale and packs every publishable
 * package once with `pnpm pack`; the tests read the tarballs' paths with `inject("tarballs")`.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { TestProject } from "vitest/node"
import { buildStale, pack, publishable } from "../lib/packages.js"

declare module "vitest" {
  export interface ProvidedContext {
    /** Tarball path by package name. */
    readonly tarballs: Readonly<Record<string, string>>
  }
}

/**
 * Builds, packs, and removes the tarballs after the run.
 *
 * @since 0.1.0
 */
export default function setup(project: TestProject) {
  const packages = publishable()
  buildStale(packages)
  const destination = fs.mkdtempSync(path.join(os.tmpdir(), "fengqiao-packs-"))
  project.provide("tarballs", Object.fromEntries(packages.map((p) => [p.name, pack(p, destination)])))
  return () => fs.rmSync(destination, { recursive: true, force: true })
}
