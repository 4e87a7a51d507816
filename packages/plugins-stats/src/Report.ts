/**
 * The HTML report (统计报表): one self-contained file — inline CSS and inline SVG charts, no script, no fonts or
 * libraries from a network — that opens in any browser and prints. It shows the headline KPIs with 同比/环比, the
 * hotline three rates, time per step, the trend of accepted and closed cases by period, bars by tier and by
 * category, and warnings by risk level. Every chart element carries its data (`data-key`, `data-value`) so that
 * tests and screen readers can check what was drawn.
 *
 * @since 0.1.0
 */
import type { CenterConfig, Primitives } from "@fengqiao/core"
import { barChart, esc, lineChart, palette } from "./internal/charts.js"
import { threeRateNames, threeRateSources } from "./internal/definitions.js"
import * as Kpi from "./Kpi.js"
import * as Labels from "./Labels.js"
import type { Dashboard, Row } from "./Stats.js"

const fmtPercent = (v: number | null, decimals: number): string => (v === null ? "—" : `${v.toFixed(decimals)}%`)

const fmtSigned = (v: number | null, decimals: number, unit: string): string =>
  v === null ? "—" : `${v > 0 ? "+" : ""}${v.toFixed(decimals)}${unit}`

const fmtDuration = (ms: number | null | undefined, locale: Primitives.Locale): string => {
  if (ms === null || ms === undefined) return "—"
  const h = ms / 3_600_000
  return h >= 48
    ? `${Kpi.roundHalfUp(h / 24, 1)} ${Labels.pick(Labels.words.days, locale)}`
    : `${Kpi.roundHalfUp(h, 1)} ${Labels.pick(Labels.words.hours, locale)}`
}

/** A figure shown in a card or a column: a count or a rate. */
type Shown = { readonly count: Kpi.CountName; readonly rate?: undefined } | {
  readonly rate: Kpi.RateName
  readonly count?: undefined
}

/** The figures every view of the report starts with: 受理, 办结, 办结率, 化解, 化解率, 满意度. */
const leading: ReadonlyArray<Shown> = [
  { count: "accepted" },
  { count: "closed" },
  { rate: "closure" },
  { count: "resolved" },
  { rate: "resolution" },
  { rate: "satisfaction" }
]

/** The headline cards, in order. */
const headline: ReadonlyArray<Shown> = [
  ...leading,
  { rate: "response" },
  { rate: "followUp" },
  { rate: "rebound" },
  { count: "overdue" },
  { rate: "overdue" },
  { rate: "escalation" },
  { rate: "lowTier" },
  { count: "warnings" }
]

/** The columns of a breakdown's table, after its label. */
const tableColumns: ReadonlyArray<Shown> = [...leading, { count: "warnings" }]

/** The counts the trend draws, a line each. */
const trendCounts: ReadonlyArray<Kpi.CountName> = ["accepted", "closed"]

/** The counts the bars by tier and by category draw, a bar each. */
const barCounts: ReadonlyArray<Kpi.CountName> = ["accepted", "closed", "resolved"]

/** The bar charts of breakdowns by counts: their id, heading and breakdown. */
const barCharts = [
  { id: "by-tier", heading: "byTier", breakdown: "tier" },
  { id: "by-category", heading: "byCategory", breakdown: "category" }
] as const

/**
 * What the report's charts draw, for checking a rendered report: chart id → number of data points (bars or dots).
 *
 * @since 0.1.0
 * @category utils
 */
export const chartPoints = (dashboard: Dashboard): Readonly<Record<string, number>> => {
  const out: Record<string, number> = {}
  if (dashboard.trend !== undefined) out["trend"] = dashboard.trend.rows.length * trendCounts.length
  for (const { breakdown, id } of barCharts) {
    const rows = dashboard.breakdowns[breakdown]
    if (rows !== undefined) out[id] = rows.length * barCounts.length
  }
  if (dashboard.breakdowns.riskLevel !== undefined) out["by-risk"] = dashboard.breakdowns.riskLevel.length
  return out
}

/**
 * Options of the report.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportOptions {
  /** The title (default: the centre's name and 统计报表). */
  readonly title?: string | undefined
  /** The centre's configuration, for its name and the risk levels' colours. */
  readonly centre?: CenterConfig.Resolved | undefined
}

/**
 * The self-contained HTML report of a dashboard, in the dashboard's language.
 *
 * @since 0.1.0
 * @category exports
 */
export const toHtml = (dashboard: Dashboard, options: ReportOptions = {}): string => {
  const locale = dashboard.locale
  const p = (l: Primitives.Labels) => Labels.pick(l, locale)
  const d = dashboard.decimals
  const t = dashboard.totals
  const title = options.title ??
    `${options.centre?.config.name ?? dashboard.jurisdiction.name} · ${p(Labels.words.title)}`
  const periodText = dashboard.period !== undefined
    ? `${dashboard.period.key}`
    : dashboard.from !== undefined || dashboard.to !== undefined
    ? `${dashboard.from ?? "…"} – ${dashboard.to ?? "…"}`
    : p(Labels.words.allTime)

  const nameOf = (c: Shown) => c.count !== undefined ? p(Labels.counts[c.count]) : p(Labels.rates[c.rate])
  const compareText = (c: Shown) => {
    const out: Array<string> = []
    for (
      const [label, cmp] of [
        [p(Labels.words.yearOnYear), dashboard.yearOnYear],
        [p(Labels.words.periodOnPeriod), dashboard.periodOnPeriod]
      ] as const
    ) {
      if (cmp === undefined) continue
      const v = c.count !== undefined ? fmtSigned(cmp.counts[c.count], d, "%") : fmtSigned(
        cmp.rates[c.rate],
        d,
        ` ${p(Labels.words.points)}`
      )
      out.push(`${esc(label)} ${esc(v)}`)
    }
    return out.length === 0 ? "" : `<div class="cmp">${out.join(" · ")}</div>`
  }
  const cards = headline.map((c) => {
    const name = nameOf(c)
    const value = c.count !== undefined ? String(t.counts[c.count]) : fmtPercent(t.rates[c.rate].percent, d)
    const detail = c.rate !== undefined
      ? `<div class="sub">${t.rates[c.rate].numerator} / ${t.rates[c.rate].denominator}</div>`
      : ""
    return `<div class="card" data-kpi="${c.count ?? c.rate}"><div class="name">${esc(name)}</div><div class="value">${
      esc(value)
    }</div>${detail}${compareText(c)}</div>`
  }).join("")

  const three = t.threeRates
  const threeRows = threeRateNames.map((k) => {
    const rate = three[k]
    const name = p(Labels.rates[threeRateSources[k]])
    return `<tr><td>${esc(name)}</td><td>${esc(fmtPercent(rate.percent, d))}</td><td>${three.weights[k]}</td></tr>`
  }).join("")
  const threeTable = `<table><thead><tr><th></th><th>%</th><th>${esc(p(Labels.words.weights))}</th></tr></thead>` +
    `<tbody>${threeRows}<tr class="total"><td>${esc(p(Labels.words.threeRates))}</td><td>${
      esc(three.score === null ? "—" : three.score.toFixed(d))
    }</td><td></td></tr></tbody></table>`

  const durationRows = Kpi.stepNames.map((s) => {
    const x = t.durations[s]
    return `<tr><td>${esc(p(Labels.steps[s]))}</td><td>${x.count}</td><td>${
      esc(fmtDuration(x.averageMs, locale))
    }</td><td>${esc(fmtDuration(x.medianMs, locale))}</td></tr>`
  }).join("")
  const durations = `<table><thead><tr><th></th><th>${esc(p(Labels.words.cases))}</th><th>${
    esc(p(Labels.words.average))
  }</th><th>${esc(p(Labels.words.median))}</th></tr></thead><tbody>${durationRows}</tbody></table>`

  const noData = p(Labels.words.noData)
  const charts: Array<string> = []
  const countSeries = (counts: ReadonlyArray<Kpi.CountName>, rows: ReadonlyArray<Row>) =>
    counts.map((c, i) => ({
      name: p(Labels.counts[c]),
      color: palette[i]!,
      values: rows.map((r) => r.figures.counts[c])
    }))
  if (dashboard.trend !== undefined) {
    const rows = dashboard.trend.rows
    charts.push(lineChart(
      "trend",
      `${p(Labels.words.trendByMonth)} (${p(Labels.units[dashboard.trend.unit])})`,
      rows.map((r) => String(r.key)),
      countSeries(trendCounts, rows),
      noData
    ))
  }
  for (const { breakdown, heading, id } of barCharts) {
    const rows = dashboard.breakdowns[breakdown]
    if (rows === undefined) continue
    charts.push(barChart(
      id,
      p(Labels.words[heading]),
      rows.map((r) => ({ key: String(r.key), label: r.label })),
      countSeries(barCounts, rows),
      noData
    ))
  }
  const risk = dashboard.breakdowns.riskLevel
  if (risk !== undefined) {
    charts.push(barChart(
      "by-risk",
      p(Labels.words.byRisk),
      risk.map((r) => ({ key: String(r.key), label: r.label })),
      [{
        name: p(Labels.counts.warnings),
        color: palette[5]!,
        values: risk.map((r) => r.figures.counts.warnings),
        // each level in its own colour when the centre gives one
        colors: risk.map((r) => options.centre?.riskLevels.get(String(r.key))?.color)
      }],
      noData
    ))
  }

  const head = tableColumns.map((c) => `<th>${esc(nameOf(c))}</th>`).join("")
  const cell = (f: Kpi.Figures, c: Shown) =>
    `<td>${c.count !== undefined ? f.counts[c.count] : esc(fmtPercent(f.rates[c.rate].percent, d))}</td>`
  const tables = Object.entries(dashboard.breakdowns).map(([name, rows]) => {
    if (rows === undefined) return ""
    const body = rows.map((r) =>
      `<tr><td>${esc(r.label)}</td>${tableColumns.map((c) => cell(r.figures, c)).join("")}</tr>`
    ).join("")
    return `<h3>${
      esc(p(Labels.dimensions[name as Labels.BreakdownName]))
    }</h3><table data-breakdown="${name}"><thead><tr><th></th>${head}</tr></thead><tbody>${body}</tbody></table>`
  }).join("")

  const lang = locale === "zh-Hans" ? "zh-CN" : locale === "zh-Hant" ? "zh-TW" : locale
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","Noto Sans KR",system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:2px solid #1565c0;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:#555;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px}
.card .name{font-size:12px;color:#555}.card .value{font-size:22px;font-weight:600;margin:4px 0}.card .sub,.card .cmp{font-size:11px;color:#777}
table{border-collapse:collapse;background:#fff;font-size:13px;margin-bottom:8px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
tr.total td{font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:16px}figure{background:#fff;border:1px solid #ddd;border-radius:6px;margin:0;padding:8px}figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
.legend{font-size:12px;color:#444}.legend span{margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
@media print{body{background:#fff}.card,figure{break-inside:avoid}}
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<div class="meta">${esc(p(Labels.words.scope))}: ${esc(dashboard.jurisdiction.name)} (${
    esc(dashboard.jurisdiction.code)
  }) · ${esc(p(Labels.words.period))}: ${esc(periodText)} · ${esc(p(Labels.words.generatedAt))}: ${
    esc(dashboard.asOf)
  }${
    dashboard.timeliness.leftOut > 0
      ? ` · ${esc(p(Labels.words.leftOutLate))}: ${dashboard.timeliness.leftOut}`
      : ""
  }</div>
<h2>${esc(p(Labels.words.kpis))}</h2>
<div class="cards">${cards}</div>
<h2>${esc(p(Labels.words.threeRates))}</h2>
${threeTable}
<h2>${esc(p(Labels.words.durations))}</h2>
${durations}
<h2>${esc(p(Labels.dimensions.trend))}</h2>
<div class="charts">${charts.join("\n")}</div>
${tables}
</body>
</html>
`
}
