/**
 * `tsx scripts/check-cycles.ts` (part of `pnpm lint`): lists every import cycle between the modules of a package's
 * `src` (type-only imports included; see `scripts/lib/cycles.ts`) and exits non-zero when there is one.
 *
 * @since 0.1.0
 */
import { workspaceCycles } from "./lib/cycles.js"

const cycles = workspaceCycles()
if (cycles.length > 0) {
  console.error(`${cycles.length} import cycle(s); move the shared piece into a module both sides can import:`)
  for (const cycle of cycles) console.error(`  ${cycle}`)
  process.exitCode = 1
} else {
  console.log("no import cycles in packages/*/src")
}
