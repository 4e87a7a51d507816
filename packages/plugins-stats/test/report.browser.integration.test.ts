/**
 * The HTML report in a real browser: Chromium (headless, through playwright-core) opens a generated report, and
 * every chart must have drawn every data point (bars and dots carry their values), with no request leaving the
 * page (the report is self-contained). A screenshot is saved next to the report.
 *
 * Chromium comes from the system (`apt-get install -y chromium`, at /usr/bin/chromium, or
 * `FENGQIAO_CHROMIUM`); without it this test fails and says why — it is never skipped.
 */
import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, Examples, MemoryStore, SimulatedClock } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { chromium } from "playwright-core"
import * as Report from "../src/Report.js"
import * as Stats from "../src/Stats.js"
import { many } from "./stories.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

const executablePath = process.env.FENGQIAO_CHROMIUM ?? "/usr/bin/chromium"
const outDir = join(import.meta.dirname, "..", ".tmp")

const board = Effect.gen(function*() {
  const store = yield* MemoryStore.make
  const center = yield* scenarioMake({ config: Examples.countyConfig }).pipe(
    Effect.provideService(CaseStore.CaseStore, store)
  )
  const categories = ["neighbourhood", "marriageFamily", "contractDebt", "housingHomestead"]
  yield* center.importCases(many("b", 240, (i) => ({
    ending: i % 11 === 0 ? "accepted" : i % 7 === 0 ? "notResolved" : "resolved",
    rating: i % 3 === 0 ? "satisfied" : i % 5 === 0 ? "dissatisfied" : undefined,
    at: new Date(Date.parse("2025-01-06T01:00:00Z") + i * 31 * 3_600_000).toISOString(),
    category: categories[i % categories.length],
    place: i % 4 === 0 ? "222403001001" : "222403100201",
    escalate: i % 9 === 0
  })))
  const d = yield* Stats.dashboard(store, center.config, {
    actor: Examples.admin,
    period: { unit: "year", key: "2025" },
    asOf: "2025-12-31T00:00:00Z"
  })
  return { d, config: center.config }
})

describe("the HTML report in Chromium", () => {
  it.live(
    "every chart draws every data point; nothing is fetched; a screenshot is saved",
    () =>
      Effect.gen(function*() {
        if (!existsSync(executablePath)) {
          return yield* Effect.die(
            new Error(
              `Chromium is not installed at ${executablePath}: install it (apt-get install -y chromium) or set ` +
                "FENGQIAO_CHROMIUM to its path. This test checks the report in a real browser and is not skipped."
            )
          )
        }
        const { config, d } = yield* board
        const html = Report.toHtml(d, { centre: config })
        mkdirSync(outDir, { recursive: true })
        const file = join(outDir, "report.html")
        writeFileSync(file, html)
        const expected = Report.chartPoints(d)
        expect(Object.keys(expected).sort()).toEqual(["by-category", "by-risk", "by-tier", "trend"])
        expect(expected.trend).toBe(24) // 12 months × (accepted, closed)

        const result = yield* Effect.acquireUseRelease(
          Effect.promise(() => chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] })),
          (browser) =>
            Effect.promise(async () => {
              const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
              const requests: Array<string> = []
              page.on("request", (r) => {
                if (!r.url().startsWith("file:")) requests.push(r.url())
              })
              await page.goto(pathToFileURL(file).href)
              const charts = await page.$$eval("svg.chart", (svgs) =>
                svgs.map((svg) => {
                  const marks = [...svg.querySelectorAll("rect.bar, circle.point")]
                  return {
                    id: svg.id,
                    declared: Number(svg.getAttribute("data-points")),
                    marks: marks.length,
                    values: marks.map((m) => Number(m.getAttribute("data-value"))),
                    series: marks.map((m) => m.getAttribute("data-series")),
                    // a drawn mark has a box on the page (its height may be 0 for a zero value)
                    boxes: marks.filter((m) => {
                      const b = (m as unknown as { getBBox: () => { x: number; y: number } }).getBBox()
                      return Number.isFinite(b.x) && Number.isFinite(b.y)
                    }).length,
                    width: svg.getBoundingClientRect().width
                  }
                }))
              const cards = await page.$$eval(".card", (cs) => cs.map((c) => c.getAttribute("data-kpi")))
              const closure = await page.textContent("[data-kpi=closure] .value")
              const screenshot = join(outDir, "report.png")
              await page.screenshot({ path: screenshot, fullPage: true })
              return { charts, cards, closure, requests, screenshot }
            }),
          (browser) => Effect.promise(() => browser.close())
        )

        expect(result.requests).toEqual([])
        const byId = new Map(result.charts.map((c) => [c.id, c]))
        for (const [id, points] of Object.entries(expected)) {
          const chart = byId.get(id)!
          expect(chart, id).toBeDefined()
          expect(chart.declared, id).toBe(points)
          expect(chart.marks, id).toBe(points)
          expect(chart.boxes, id).toBe(points)
          expect(chart.width, id).toBeGreaterThan(100)
        }
        // the values drawn are the dashboard's
        const drawn = (id: string, series: string) => {
          const c = byId.get(id)!
          return c.values.filter((_, i) => c.series[i] === series)
        }
        expect(drawn("trend", "受理数")).toEqual(d.trend!.rows.map((r) => r.figures.counts.accepted))
        expect(drawn("trend", "办结数")).toEqual(d.trend!.rows.map((r) => r.figures.counts.closed))
        expect(drawn("by-tier", "受理数")).toEqual(d.breakdowns.tier!.map((r) => r.figures.counts.accepted))
        expect(drawn("by-category", "化解数")).toEqual(d.breakdowns.category!.map((r) => r.figures.counts.resolved))
        expect(byId.get("by-risk")!.values).toEqual(d.breakdowns.riskLevel!.map((r) => r.figures.counts.warnings))
        expect(result.cards).toContain("closure")
        expect(result.closure).toBe(`${d.totals.rates.closure.percent!.toFixed(2)}%`)
        expect(statSync(result.screenshot).size).toBeGreaterThan(10_000)
        console.log(`report: ${file}\nscreenshot: ${result.screenshot}`)
      }),
    120_000
  )
})
