import { CaseStore, MemoryStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Conformance from "../src/Conformance.js"

// The in-memory store is a product feature: it passes the same suite as every other store.
Conformance.run({
  name: "memory",
  // one store per call; building the layer again ("reopening") gives the same store back
  fresh: () => Layer.succeed(CaseStore.CaseStore, Effect.runSync(MemoryStore.make)),
  concurrentWriters: { skip: "one process: the in-memory store serialises writers" },
  runs: 30
})
