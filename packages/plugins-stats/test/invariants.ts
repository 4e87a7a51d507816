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

const every = [
  "tier",
  "jurisdiction",
  "department",
  "category",
  "channel",
  "mediationType",
  "riskLevel",
  "kind"
] as const

/** The dashboards the store checks compute: all time and a month with comparisons, for two actors. */
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
    })
  ])

/** The store check: the dashboards, their invariants. */
export const check: Statistics.Check<ReadonlyArray<Stats.Dashboard>> = {
  name: "the KPI dashboard (all time, a month with 同比/环比, another actor's week)",
  compute: dashboards,
  invariants: (ds: ReadonlyArray<Stats.Dashboard>) => ds.forEach(checkDashboard)
}
