import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { quickstart } from "../src/quickstart.js"

describe("quickstart", () => {
  it("drives one case through the whole loop to the archive", async () => {
    const r = await quickstart()
    expect(r.code).toMatch(/^222403-\d{4}-000001$/)
    expect(r.status).toBe("archived")
    expect(r.statusLabel).toBe("已归档")
    expect(r.outcome).toBe("Resolved")
    expect(r.events).toEqual([
      "Registered",
      "Accepted",
      "Assessed",
      "Dispatched",
      "HandlingStarted",
      "MediationSessionRecorded",
      "OutcomeRecorded",
      "FeedbackGiven",
      "FollowUpRecorded",
      "Archived"
    ])
    expect(r.enabledWhileDispatched).toContain("StartHandling")
    expect(r.enabledWhileDispatched).not.toContain("Archive")
    expect(r.enabledWhileDispatched).not.toContain("RecordOutcome")
  })

  it("runs with one command and prints the case", () => {
    const root = fileURLToPath(new URL("..", import.meta.url))
    const out = execFileSync(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: root, encoding: "utf8" })
    expect(out).toMatch(/^case 222403-\d{4}-000001: archived \(已归档\), outcome Resolved$/m)
    expect(out).toContain("events: Registered → Accepted")
  })
})
