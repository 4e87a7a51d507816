import type { Case, CenterClient } from "@fengqiao/core"
import { describe, expect, it } from "vitest"
import { collectReport, displayWidth, pad, renderReport } from "../src/report.js"
import { buildShulanConfig, SHULAN_CODE } from "../src/shulan.js"
import { countyViewer, expectedRefusals, simulate, type SimulationStats } from "../src/simulate.js"
import { openCenter } from "../src/store.js"

const CASES = 60
const SEED = 7

const withCenter = async <A>(f: (center: CenterClient.CenterClient) => Promise<A>): Promise<A> => {
  const center = await openCenter(buildShulanConfig())
  try {
    return await f(center)
  } finally {
    await center.dispose()
  }
}

const allCases = async (center: CenterClient.CenterClient): Promise<Array<Case.Case>> => {
  const actor = countyViewer(center)
  const out: Array<Case.Case> = []
  let cursor: string | undefined
  do {
    const page = await center.list({ actor, limit: 25, order: "asc", ...(cursor !== undefined ? { cursor } : {}) })
    out.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== undefined)
  return out
}

const endedWithOutcome = new Set(["closed", "feedbackGiven", "archived"])

describe("the Shulan-shaped county centre", () => {
  it("has 20 townships, 233 villages with 1-3 grids each, and departments in all three stationing modes", () => {
    const config = buildShulanConfig()
    const nodes = config.jurisdictions
    const townships = nodes.filter((n) => n.level === "township")
    const villages = nodes.filter((n) => n.level === "village")
    const grids = nodes.filter((n) => n.level === "grid")
    expect(nodes.filter((n) => n.level === "county").map((n) => n.code)).toEqual([SHULAN_CODE])
    expect(townships).toHaveLength(20)
    expect(townships.every((t) => /^220283\d{3}$/.test(t.code) && /[镇乡街道]$/.test(t.name))).toBe(true)
    expect(villages).toHaveLength(233)
    expect(villages.every((v) => /^220283\d{6}$/.test(v.code) && v.code.startsWith(v.parent ?? "-"))).toBe(true)
    for (const v of villages) {
      const own = grids.filter((g) => g.parent === v.code)
      expect(own.length).toBeGreaterThanOrEqual(1)
      expect(own.length).toBeLessThanOrEqual(3)
      expect(own.every((g) => g.code.startsWith(`${v.code}-G`))).toBe(true)
    }
    const departments = config.departments ?? []
    expect(new Set(departments.map((d) => d.stationing._tag))).toEqual(new Set(["Permanent", "Rotating", "OnCall"]))
    for (const t of townships) {
      const kinds = departments.filter((d) => d.jurisdiction === t.code).map((d) => d.kind)
      expect(kinds).toContain("peoplesMediationCommittee")
      expect(kinds).toContain("townshipGovernment")
    }
    const villageCommittees = departments.filter((d) =>
      d.kind === "peoplesMediationCommittee" && villages.some((v) => v.code === d.jurisdiction)
    )
    expect(villageCommittees.length).toBeGreaterThan(233 / 2)
  })
})

describe("the simulation", () => {
  it("drives every case through the loop, refusing only on purpose, and the report adds up", async () => {
    await withCenter(async (center) => {
      const stats = await simulate(center, { cases: CASES, seed: SEED })

      // every command succeeded or was a refusal the simulation provoked on purpose
      expect(stats.failures).toEqual([])
      for (const key of Object.keys(stats.refusals)) expect(expectedRefusals.has(key)).toBe(true)
      const refused = Object.values(stats.refusals).reduce((a, b) => a + b, 0)
      expect(stats.attempts).toBe(stats.commands + refused)
      expect(stats.cases).toBe(CASES)
      expect(stats.byCommand.Register).toBe(CASES)
      for (
        const name of ["Accept", "Assess", "Dispatch", "StartHandling", "RecordOutcome", "GiveFeedback", "Archive"]
      ) {
        expect(stats.byCommand[name] ?? 0).toBeGreaterThan(0)
      }

      // the report, computed by the store, is consistent
      const report = await collectReport(center, stats.asOf)
      const t = report.totals
      expect(t.registered).toBe(CASES)
      expect(t.accepted).toBeLessThanOrEqual(t.registered)
      expect(t.closed).toBeLessThanOrEqual(t.accepted)
      expect(t.resolved).toBeLessThanOrEqual(t.closed)
      expect(t.satisfied).toBeLessThanOrEqual(t.rated)
      expect(t.overdue).toBeLessThanOrEqual(t.open)
      expect(report.byStatus.reduce((n, r) => n + r.count, 0)).toBe(CASES)
      expect(report.byTier.reduce((n, r) => n + r.closed, 0)).toBe(t.closed)
      expect(report.byMediationType.reduce((n, r) => n + r.resolved, 0)).toBe(t.resolved)

      // … and agrees with the cases themselves, read through list
      const cases = await allCases(center)
      expect(cases).toHaveLength(CASES)
      const closed = cases.filter((c) => endedWithOutcome.has(c.status) && c.outcome !== undefined)
      const resolved = closed.filter((c) => c.outcome?._tag === "Resolved")
      const notResolved = closed.filter((c) => c.outcome?._tag === "NotResolved")
      expect(t.accepted).toBe(cases.filter((c) => c.acceptedAt !== undefined).length)
      expect(t.closed).toBe(closed.length)
      expect(t.resolved).toBe(resolved.length)
      expect(t.resolved + notResolved.length).toBe(t.closed)
      expect(t.rated).toBe(cases.filter((c) => c.feedback !== undefined).length)
      expect(t.open).toBe(
        cases.filter((c) =>
          !endedWithOutcome.has(c.status) && c.status !== "rejected" &&
          c.status !== "merged" && c.status !== "withdrawn"
        ).length
      )
      expect(t.escalations).toBe(cases.reduce((n, c) => n + c.escalations.length, 0))
      expect(t.rebounds).toBe(cases.reduce((n, c) => n + c.reopenCount, 0))

      // every archived case has an outcome and feedback, or was rejected, merged or withdrawn
      for (const c of cases.filter((x) => x.status === "archived")) {
        const loopClosed = c.outcome !== undefined && c.feedback !== undefined
        const ended = c.rejection !== undefined || c.mergedInto !== undefined || c.withdrawal !== undefined
        expect(loopClosed || ended, `${c.code} archived without outcome+feedback or an end`).toBe(true)
        expect(c.supervision.every((o) => o.answeredAt !== undefined)).toBe(true)
      }

      // one case, one code; every step inside 2025 and never going backwards in time
      expect(new Set(cases.map((c) => c.code)).size).toBe(CASES)
      expect(cases.every((c) => /^220283-2025-\d{6}$/.test(c.code))).toBe(true)
      const actor = countyViewer(center)
      for (const c of cases) {
        const events = await center.history({ actor, caseId: c.id })
        const times = events.map((e) => e.at)
        expect([...times].sort()).toEqual(times)
        expect(times[0]! >= stats.from && times[times.length - 1]! <= stats.asOf).toBe(true)
      }

      const text = renderReport(report, stats, center.labels())
      expect(text).toContain("受理数")
      expect(text).toContain("化解率")
      expect(text).toContain("已归档")
    })
  }, 120_000)

  it("is reproducible from its seed", async () => {
    const run = (seed: number) =>
      withCenter(async (center): Promise<[SimulationStats, Awaited<ReturnType<typeof collectReport>>]> => {
        const stats = await simulate(center, { cases: 30, seed })
        return [stats, await collectReport(center, stats.asOf)]
      })
    const [a, ra] = await run(11)
    const [b, rb] = await run(11)
    expect(b.byCommand).toEqual(a.byCommand)
    expect(rb).toEqual(ra)
  }, 120_000)

  it("reports its progress through the year, ending at the whole year with every command counted", async () => {
    const seen: Array<{ share: number; commands: number }> = []
    const stats = await withCenter((center) =>
      simulate(center, { cases: 20, seed: 5, onProgress: (p) => seen.push({ ...p }) })
    )
    expect(seen.length).toBeGreaterThanOrEqual(2)
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.share).toBeGreaterThanOrEqual(seen[i - 1]!.share)
      expect(seen[i]!.commands).toBeGreaterThanOrEqual(seen[i - 1]!.commands)
    }
    expect(seen.every((p) => p.share >= 0 && p.share <= 1)).toBe(true)
    expect(seen.at(-1)).toEqual({ share: 1, commands: stats.commands })
  }, 120_000)

  it("renders in other languages", async () => {
    await withCenter(async (center) => {
      const stats = await simulate(center, { cases: 10, seed: 3 })
      const en = renderReport(await collectReport(center, stats.asOf, "en"), stats, center.labels("en"))
      expect(en).toContain("Resolution rate")
      expect(en).toContain("Archived")
      const ko = renderReport(await collectReport(center, stats.asOf, "ko"), stats, center.labels("ko"))
      expect(ko).toContain("해결률")
    })
  }, 120_000)
})

describe("the text helpers", () => {
  it("count CJK and Hangul as double width", () => {
    expect(displayWidth("abc")).toBe(3)
    expect(displayWidth("办结率")).toBe(6)
    expect(displayWidth("해결률")).toBe(6)
    expect(displayWidth("（天）")).toBe(6)
    expect(pad("化解", 6)).toBe("化解  ")
    expect(pad("42", 6, "start")).toBe("    42")
  })
})
