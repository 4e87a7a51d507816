/**
 * What every dashboard must satisfy, whatever the history: rates in [0, 1], closed ≤ accepted, resolved ≤ closed,
 * and every breakdown's (and the trend's) parts adding up to the total.
 */
import { type CaseStore, type CenterConfig, Examples } from "@fengqiao/core"
import type { Statistics } from "@fengqiao/testkit"
import * as Effect from "effect/Effect"
import { expect } from "vitest"
import * as Kpi from "../src/Kpi.js"
import * as Stats from "../src/Stats.js"

/** The figures' own invariants. */
export const checkFigures = (f: Kpi.Figures, where: string): void => {
  for (const r of Kpi.rateNames) {
    const rate = f.rates[r]
    if (rate.ratio === null) {
      expect(rate.denominator, `${where} ${r}`).toBe(0)
      expect(rate.percent).toBeNull()
    } else {
      expect(rate.ratio, `${where} ${r}`).toBeGreaterThanOrEqual(0)
      expect(rate.ratio, `${where} ${r}`).toBeLessThanOrEqual(1)
      expect(rate.percent!, `${where} ${r}`).toBeGreaterThanOrEqual(0)
      expect(rate.percent!, `${where} ${r}`).toBeLessThanOrEqual(100)
    }
  }
  const c = f.counts
  expect(c.accepted, where).toBeLessThanOrEqual(c.registered)
  expect(c.closed, where).toBeLessThanOrEqual(c.accepted)
  expect(c.resolved, where).toBeLessThanOrEqual(c.closed)
  expect(c.satisfied, where).toBeLessThanOrEqual(c.rated)
  expect(c.lowTierResolved, where).toBeLessThanOrEqual(c.resolved)
  expect(c.overdueOpen, where).toBeLessThanOrEqual(c.overdue)
  // timeliness judges the cases entered as they happened (by default): a part of the accepted and registered
  expect(c.respondedOnTime, where).toBeLessThanOrEqual(c.responseBase)
  expect(c.responseBase, where).toBeLessThanOrEqual(c.accepted)
  expect(c.overdue, where).toBeLessThanOrEqual(c.overdueBase)
  expect(c.overdueBase, where).toBeLessThanOrEqual(c.registered)
  expect(c.enteredLate, where).toBeLessThanOrEqual(c.registered)
  if (f.threeRates.score !== null) {
    expect(f.threeRates.score).toBeGreaterThanOrEqual(0)
    expect(f.threeRates.score).toBeLessThanOrEqual(100)
  }
  for (const s of Kpi.stepNames) {
    const d = f.durations[s]
    expect(d.averageMs === null, `${where} ${s}`).toBe(d.count === 0)
  }
}

/** A dashboard's invariants: its figures', and its parts adding up. */
export const checkDashboard = (d: Stats.Dashboard): void => {
  checkFigures(d.totals, "totals")
  expect(d.timeliness.leftOut).toBe(d.timeliness.enteredLate === "exclude" ? d.totals.counts.enteredLate : 0)
  if (d.timeliness.enteredLate === "exclude") {
    expect(d.totals.counts.overdueBase + d.totals.counts.enteredLate).toBe(d.totals.counts.registered)
  }
  const groups = [...Object.entries(d.breakdowns), ...(d.trend !== undefined ? [["trend", d.trend.rows] as const] : [])]
  for (const [name, rows] of groups) {
    for (const r of rows!) checkFigures(r.figures, `${name} ${String(r.key)}`)
    for (const c of Kpi.countNames) {
      expect(rows!.reduce((n, r) => n + r.figures.counts[c], 0), `${name}: parts of ${c}`).toBe(d.totals.counts[c])
    }
    for (const s of Kpi.stepNames) {
      const n = rows!.reduce((n, r) => n + r.figures.durations[s].count, 0)
      expect(n, `${name}: parts of ${s}`).toBe(d.totals.durations[s].count)
    }
  }
}

const every = Stats.BreakdownName.literals

/**
 * The dashboards the store checks compute: all time and a month with comparisons, another actor's week, and two
 * periods whose comparison periods have cases.
 */
export const dashboards = (
  store: CaseStore.CaseStore,
  centre: CenterConfig.Resolved
): Effect.Effect<ReadonlyArray<Stats.Dashboard>, unknown> =>
  Effect.all([
    Stats.dashboard(store, centre, {
      actor: Examples.admin,
      breakdowns: every,
      trend: "week",
      asOf: "2025-02-01T00:00:00Z"
    }),
    Stats.dashboard(store, centre, {
      actor: Examples.admin,
      period: { unit: "month", key: "2025-01" },
      breakdowns: every,
      trend: "day",
      asOf: "2025-01-20T00:00:00Z"
    }),
    Stats.dashboard(store, centre, {
      actor: Examples.otherTownship,
      period: { unit: "week", key: "2025-01-06" },
      breakdowns: ["jurisdiction", "tier"],
      asOf: "2025-03-01T00:00:00Z",
      decimals: 3
    }),
    // comparison periods with cases in them (every generated history starts registering on 6 January 2025): 环比
    // of February is January, 同比 of 2026-Q1 is 2025-Q1
    Stats.dashboard(store, centre, {
      actor: Examples.admin,
      period: { unit: "month", key: "2025-02" },
      breakdowns: ["tier", "category"],
      trend: "week",
      asOf: "2025-03-15T00:00:00Z"
    }),
    Stats.dashboard(store, centre, {
      actor: Examples.admin,
      period: { unit: "quarter", key: "2026-Q1" },
      breakdowns: ["riskLevel"],
      asOf: "2026-02-01T00:00:00Z",
      decimals: 4
    })
  ])

/**
 * The comparisons of the dashboards with cases in their comparison periods: those periods' figures are the
 * figures of the same cases selected as a period of their own, and January (环比 of February, in 同比 of 2025-Q1)
 * always has cases. Returns January's accepted count.
 */
export const checkComparisons = (ds: ReadonlyArray<Stats.Dashboard>): number => {
  const [, january, , february, quarter] = ds
  const before = february!.periodOnPeriod!
  expect(before.period.key).toBe("2025-01")
  expect(before.figures.counts.registered, "环比 of 2025-02: cases registered in January").toBeGreaterThan(0)
  // the same cases as January's own dashboard (which counts overdue at another time)
  for (const c of Kpi.countNames) {
    if (c !== "overdue" && c !== "overdueOpen") {
      expect(before.figures.counts[c], `环比 of 2025-02: ${c}`).toBe(january!.totals.counts[c])
    }
  }
  for (const s of Kpi.stepNames) {
    expect(before.figures.durations[s].count, `环比 of 2025-02: ${s}`).toBe(january!.totals.durations[s].count)
    expect(before.figures.durations[s].averageMs, `环比 of 2025-02: ${s}`).toBe(january!.totals.durations[s].averageMs)
  }
  const yearAgo = quarter!.yearOnYear!
  expect(yearAgo.period.key).toBe("2025-Q1")
  expect(yearAgo.figures.counts.registered, "同比 of 2026-Q1").toBeGreaterThanOrEqual(before.figures.counts.registered)
  expect(yearAgo.figures.counts.accepted, "同比 of 2026-Q1").toBeGreaterThanOrEqual(before.figures.counts.accepted)
  return before.figures.counts.accepted
}

/** The store check: the dashboards, their invariants. */
export const check: Statistics.Check<ReadonlyArray<Stats.Dashboard>> = {
  name: "the KPI dashboard (all time, months and a quarter with 同比/环比, another actor's week)",
  compute: dashboards,
  invariants: (ds: ReadonlyArray<Stats.Dashboard>) => {
    ds.forEach(checkDashboard)
    checkComparisons(ds)
  }
}

/**
 * The store check, counting the runs whose comparison period (January, 环比 of February) had accepted cases —
 * almost every generated history has some, but not each one is bound to, so a test asserts it on the tally after
 * the runs: the comparison queries were compared on real rows.
 */
export const countingCheck = (): {
  readonly check: Statistics.Check<ReadonlyArray<Stats.Dashboard>>
  readonly tally: { runs: number; withAccepted: number }
} => {
  const tally = { runs: 0, withAccepted: 0 }
  return {
    tally,
    check: {
      ...check,
      invariants: (ds) => {
        ds.forEach(checkDashboard)
        tally.runs++
        if (checkComparisons(ds) > 0) tally.withAccepted++
      }
    }
  }
}
