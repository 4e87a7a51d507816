import { CaseStore, MemoryStore } from "@fengqiao/core"
import { Statistics } from "@fengqiao/testkit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { check } from "./invariants.js"

// Property tests on generated histories: every rate in [0, 1], closed ≤ accepted, resolved ≤ closed, and every
// breakdown's parts adding up to the total (on the in-memory store, against itself rebuilt from the same history).
Statistics.run(
  {
    name: "memory",
    fresh: () => Layer.succeed(CaseStore.CaseStore, Effect.runSync(MemoryStore.make)),
    concurrentWriters: { skip: "not needed" }
  },
  { ...check, runs: 40, maxCases: 16 }
)
