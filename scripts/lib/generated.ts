/**
 * Every generated documentation file, by path relative to the workspace root.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { documents, index } from "./jsonSchemas.js"
import { render } from "./lifecycleReference.js"
import { root } from "./packages.js"

/**
 * The folder the JSON Schemas go to.
 *
 * @since 0.1.0
 */
export const schemaDir = "docs/schema"

/**
 * The generated files and their contents.
 *
 * @since 0.1.0
 */
export const generatedFiles = (): ReadonlyMap<string, string> => {
  const files = new Map<string, string>([["docs/lifecycle.md", render()]])
  const docs = documents()
  for (const d of docs) files.set(`${schemaDir}/${d.path}`, `${JSON.stringify(d.schema, null, 2)}\n`)
  files.set(`${schemaDir}/README.md`, index(docs))
  return files
}

const walk = (dir: string): ReadonlyArray<string> =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]
    )
    : []

/**
 * Files under docs/schema that the generator no longer makes.
 *
 * @since 0.1.0
 */
export const staleFiles = (files: ReadonlyMap<string, string>): ReadonlyArray<string> =>
  walk(path.join(root, schemaDir))
    .map((f) => path.relative(root, f).split(path.sep).join("/"))
    .filter((f) => !files.has(f))
    .sort()
