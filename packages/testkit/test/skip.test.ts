import { describe, expect, it } from "@effect/vitest"
import { CaseStore, MemoryStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Conformance from "../src/Conformance.js"

const adapter: Conformance.Adapter = {
  name: "memory, most suites skipped",
  fresh: () => Layer.succeed(CaseStore.CaseStore, Effect.runSync(MemoryStore.make)),
  concurrentWriters: true,
  runs: 2
}

const appendBatch = "appendBatch writes every request or none"

// every suite but `transactions`, and one test of `transactions` with a reason of its own
Conformance.run(adapter, {
  skip: [
    ...Conformance.suiteNames.filter((s) => s !== "transactions"),
    { name: `transactions/${appendBatch}`, reason: "checked by the test of skip" }
  ]
})

describe("Conformance.run's skip", () => {
  it("shows the named suites and tests as skipped, with the reason in the title, and runs the others", ({ task }) => {
    const conformance = task.file.tasks.find((t) => t.name === `CaseStore conformance: ${adapter.name}`)
    expect(conformance?.type).toBe("suite")
    const tests = conformance?.type === "suite" ? conformance.tasks : []
    const skipped = tests.filter((t) => t.mode === "skip")
    const ran = tests.filter((t) => t.mode !== "skip")
    // the suite skipped by name carries the default reason, the single test its own
    expect(tests.find((t) => t.name.startsWith("reads event ranges"))?.name).toBe(
      "reads event ranges (skipped: listed in skip as \"basics\")"
    )
    expect(tests.find((t) => t.name.startsWith(appendBatch))?.name).toBe(
      `${appendBatch} (skipped: checked by the test of skip)`
    )
    expect(tests.find((t) => t.name.startsWith("model-based"))?.name).toMatch(
      /agree \(2 runs\) \(skipped: listed in skip as "modelBased"\)$/
    )
    expect(skipped.every((t) => t.name.includes(" (skipped: "))).toBe(true)
    // the other five tests of transactions ran, and passed
    expect(ran.map((t) => t.name)).toStrictEqual([
      "a stale expected version is a VersionConflict naming the actual version",
      "a repeated command id is DuplicateCommand and writes nothing; the centre answers the first result",
      "a failure inside a transaction rolls back events, snapshot, command id and sequence numbers",
      "nested transactions join the outer one; an inner failure rolls back only its part",
      "an append failing inside a transaction leaves it usable; the caller's rollback takes all"
    ])
    expect(ran.map((t) => t.result?.state)).toStrictEqual(["pass", "pass", "pass", "pass", "pass"])
    expect(skipped).toHaveLength(tests.length - 5)
    expect(tests.length).toBeGreaterThan(20)
  })

  it("refuses an entry that names no suite or test, listing what it could name", () => {
    expect(() => Conformance.run(adapter, { skip: ["audit/no such test"] })).toThrow(Conformance.InvalidSkip)
    expect(() => Conformance.run(adapter, { skip: ["audit/no such test"] })).toThrow(
      /options\.skip: "audit\/no such test" is not a suite or a test; expected one of the tests of audit: "audit trail: every append is chained/
    )
    // @ts-expect-error: suite names are a literal union
    const misspelt: Conformance.Options = { skip: ["auditing"] }
    expect(() => Conformance.run(adapter, misspelt)).toThrow(/expected a suite among basics, transactions/)
    expect(() => Conformance.run(adapter, { skip: [{ name: "audit", reason: " " }] })).toThrow(/a non-empty reason/)
  })

  it("names a test by its title without the trailing count", () => {
    expect(() =>
      Conformance.run(adapter, {
        skip: [
          "modelBased/model-based: every command gives what the in-memory reference gives; then list and aggregate agree (2 runs)"
        ]
      })
    ).toThrow(Conformance.InvalidSkip)
  })
})
