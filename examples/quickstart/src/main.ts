/**
 * `pnpm quickstart`: runs the quick start and prints what happened.
 *
 * @since 0.1.0
 */
import { quickstart } from "./quickstart.js"

quickstart().then(
  (r) => {
    console.log(`case ${r.code}: ${r.status} (${r.statusLabel}), outcome ${r.outcome}`)
    console.log(`while dispatched, enabled: ${r.enabledWhileDispatched.join(", ")}`)
    console.log(`events: ${r.events.join(" → ")}`)
  },
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  }
)
