/**
 * `pnpm docs:generate`: writes the generated documentation — docs/lifecycle.md from the lifecycle table and
 * docs/schema/** (JSON Schema) from the Effect Schemas — and removes stale schema files. With `--check`, writes
 * nothing and exits non-zero naming every file that differs.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { generatedFiles, staleFiles } from "./lib/generated.js"
import { root } from "./lib/packages.js"

const check = process.argv.includes("--check")
const files = generatedFiles()
const differing = [...files].filter(([file, text]) => {
  const full = path.join(root, file)
  return !fs.existsSync(full) || fs.readFileSync(full, "utf8") !== text
}).map(([file]) => file)
const stale = staleFiles(files)
if (check) {
  for (const f of differing) console.log(`differs from the code: ${f}`)
  for (const f of stale) console.log(`not generated any more: ${f}`)
  if (differing.length + stale.length > 0) console.log("run `pnpm docs:generate` and commit the result")
  process.exitCode = differing.length + stale.length === 0 ? 0 : 1
} else {
  for (const f of differing) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true })
    fs.writeFileSync(path.join(root, f), files.get(f)!)
  }
  for (const f of stale) fs.rmSync(path.join(root, f))
  console.log(`${files.size} generated files: ${differing.length} written, ${stale.length} removed`)
}
