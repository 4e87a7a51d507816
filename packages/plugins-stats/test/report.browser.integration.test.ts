/**
 * The HTML report in a real browser: Chromium (headless, through playwright-core) opens a generated report, and
 * every chart must have drawn every data point (bars and dots carry their values), with no request leaving the
 * page (the report is self-contained), and every Chinese character on the page is drawn with a real glyph of
 * its own (no missing-glyph boxes). A screenshot is saved next to the report.
 *
 * Chromium is the system's (/usr/bin/chromium) when there is one, else the one the npm package
 * `@sparticuz/chromium` ships; Chinese is drawn with Noto Sans SC from an npm package (see ./browser.ts).
 * `FENGQIAO_CHROMIUM=npm|system|<path>` chooses. Without a Chromium this test fails and says why — it is never
 * skipped.
 */
import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, Examples, MemoryStore, SimulatedClock } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { mkdirSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { chromium } from "playwright-core"
import * as Report from "../src/Report.js"
import * as Stats from "../src/Stats.js"
import { resolveBrowser } from "./browser.js"
import { many } from "./stories.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")

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

/**
 * Runs in the page: draws each distinct Han character of the page on a canvas in the body's font, and the
 * missing-glyph rendering (an unassigned code point); returns the characters, how many distinct pictures they
 * drew and which drew the missing-glyph picture (or nothing at all).
 */
const chineseGlyphs = () => {
  // the few DOM bits used here (the project compiles without the DOM library)
  interface Context2d {
    font: string
    textBaseline: string
    clearRect(x: number, y: number, w: number, h: number): void
    fillText(text: string, x: number, y: number): void
    getImageData(x: number, y: number, w: number, h: number): { readonly data: ArrayLike<number> }
  }
  const dom = globalThis as unknown as {
    document: {
      body: { innerText: string }
      createElement(tag: "canvas"): { width: number; height: number; getContext(kind: "2d"): Context2d }
    }
    getComputedStyle(e: unknown): { fontFamily: string }
  }
  const chars: Array<string> = [...new Set(dom.document.body.innerText.match(/\p{Script=Han}/gu) ?? [])]
  const canvas = dom.document.createElement("canvas")
  canvas.width = 48
  canvas.height = 48
  const ctx = canvas.getContext("2d")
  ctx.font = `40px ${dom.getComputedStyle(dom.document.body).fontFamily}`
  ctx.textBaseline = "top"
  const picture = (c: string) => {
    ctx.clearRect(0, 0, 48, 48)
    ctx.fillText(c, 2, 2)
    const data = ctx.getImageData(0, 0, 48, 48).data
    let bits = ""
    for (let i = 3; i < data.length; i += 4) bits += data[i]! > 127 ? "1" : "0"
    return bits
  }
  const missing = picture("\u0378")
  const blank = "0".repeat(48 * 48)
  const pictures = chars.map(picture)
  return {
    chars,
    distinct: new Set(pictures).size,
    tofu: chars.filter((_, i) => pictures[i] === missing || pictures[i] === blank)
  }
}

describe("the HTML report in Chromium", () => {
  it.live(
    "every chart draws every data point; nothing is fetched; a screenshot is saved",
    () =>
      Effect.gen(function*() {
        mkdirSync(outDir, { recursive: true })
        const browser = yield* Effect.promise(() => resolveBrowser(outDir))
        const { config, d } = yield* board
        const html = Report.toHtml(d, { centre: config })
        const file = join(outDir, "report.html")
        writeFileSync(file, html)
        const expected = Report.chartPoints(d)
        expect(Object.keys(expected).sort()).toEqual(["by-category", "by-risk", "by-tier", "trend"])
        expect(expected.trend).toBe(24) // 12 months × (accepted, closed)

        const result = yield* Effect.acquireUseRelease(
          Effect.promise(() =>
            chromium.launch({
              executablePath: browser.executablePath,
              headless: true,
              args: [...browser.args],
              env: browser.env
            })
          ),
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
              const glyphs = await page.evaluate(chineseGlyphs)
              const screenshot = join(outDir, "report.png")
              await page.screenshot({ path: screenshot, fullPage: true })
              return { charts, cards, closure, glyphs, requests, screenshot }
            }),
          (b) => Effect.promise(() => b.close())
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
        // Chinese is drawn with real glyphs: every distinct Han character on the page draws a picture of its own,
        // none of them the missing-glyph box (a font without the character draws the same box for each)
        const { chars, distinct, tofu } = result.glyphs
        expect(chars.length, "Han characters on the page").toBeGreaterThan(30)
        expect(
          { distinct, tofu },
          `Chinese must be drawn with real glyphs (Chromium: ${browser.source} ${browser.executablePath}; ` +
            `fonts: FONTCONFIG_FILE=${browser.env.FONTCONFIG_FILE})`
        ).toEqual({ distinct: chars.length, tofu: [] })
        expect(statSync(result.screenshot).size).toBeGreaterThan(10_000)
        console.log(
          `chromium (${browser.source}): ${browser.executablePath}\nreport: ${file}\nscreenshot: ${result.screenshot}`
        )
      }),
    120_000
  )
})
