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
import * as Kpi from "./Kpi.js"
import * as Labels from "./Labels.js"
import type { Dashboard, Row } from "./Stats.js"

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")

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

/** An axis label: whole numbers, or one decimal on a small scale. */
const tick = (v: number, max: number): string => (max >= 10 ? String(Math.round(v)) : String(Kpi.roundHalfUp(v, 1)))

const palette = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#5d4037", "#455a64"]

interface Series {
  readonly name: string
  readonly color: string
  readonly values: ReadonlyArray<number>
  /** A colour per point, overriding `color`. */
  readonly colors?: ReadonlyArray<string | undefined> | undefined
}

/** Grouped vertical bars: one group per key, one bar per series. */
const barChart = (
  id: string,
  title: string,
  keys: ReadonlyArray<{ readonly key: string; readonly label: string }>,
  series: ReadonlyArray<Series>,
  noData: string
): string => {
  const width = Math.max(360, 40 + keys.length * (18 * series.length + 14))
  const height = 240
  const top = 16
  const bottom = 56
  const left = 44
  const plot = height - top - bottom
  const max = Math.max(1, ...series.flatMap((s) => s.values))
  const step = keys.length === 0 ? 0 : (width - left - 10) / keys.length
  const barWidth = Math.max(4, Math.min(28, (step - 8) / Math.max(1, series.length)))
  const parts: Array<string> = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" data-chart="${id}" data-points="${
      keys.length * series.length
    }" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`
  )
  parts.push(`<title>${esc(title)}</title>`)
  parts.push(
    `<line x1="${left}" y1="${top + plot}" x2="${width - 4}" y2="${top + plot}" stroke="#888" stroke-width="1"/>`
  )
  for (const t of [0, 0.5, 1]) {
    const y = top + plot - t * plot
    parts.push(
      `<text x="${left - 6}" y="${y + 4}" font-size="10" text-anchor="end" fill="#555">${tick(max * t, max)}</text>`
    )
  }
  if (keys.length === 0) {
    parts.push(`<text x="${width / 2}" y="${top + plot / 2}" text-anchor="middle" fill="#888">${esc(noData)}</text>`)
  }
  keys.forEach((k, i) => {
    const x0 = left + i * step + (step - barWidth * series.length) / 2
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0
      const h = (v / max) * plot
      parts.push(
        `<rect class="bar" data-series="${esc(s.name)}" data-key="${esc(k.key)}" data-value="${v}" x="${
          (x0 + j * barWidth).toFixed(1)
        }" y="${(top + plot - h).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${
          s.colors?.[i] ?? s.color
        }"><title>${esc(`${k.label} · ${s.name}: ${v}`)}</title></rect>`
      )
    })
    const lx = left + i * step + step / 2
    parts.push(
      `<text x="${lx.toFixed(1)}" y="${top + plot + 14}" font-size="10" text-anchor="end" transform="rotate(-35 ${
        lx.toFixed(1)
      } ${top + plot + 14})" fill="#333">${esc(k.label)}</text>`
    )
  })
  parts.push("</svg>")
  const legend = series.length > 1
    ? `<div class="legend">${
      series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join("")
    }</div>`
    : ""
  return `<figure><figcaption>${esc(title)}</figcaption>${parts.join("")}${legend}</figure>`
}

/** A line per series over ordered keys, with a dot per point. */
const lineChart = (
  id: string,
  title: string,
  keys: ReadonlyArray<string>,
  series: ReadonlyArray<Series>,
  noData: string
): string => {
  const width = Math.max(480, 60 + keys.length * 36)
  const height = 240
  const top = 16
  const bottom = 40
  const left = 44
  const plot = height - top - bottom
  const max = Math.max(1, ...series.flatMap((s) => s.values))
  const dx = keys.length <= 1 ? 0 : (width - left - 20) / (keys.length - 1)
  const xAt = (i: number) => left + 10 + i * dx
  const yAt = (v: number) => top + plot - (v / max) * plot
  const parts: Array<string> = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" data-chart="${id}" data-points="${
      keys.length * series.length
    }" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`
  )
  parts.push(`<title>${esc(title)}</title>`)
  parts.push(
    `<line x1="${left}" y1="${top + plot}" x2="${width - 4}" y2="${top + plot}" stroke="#888" stroke-width="1"/>`
  )
  for (const t of [0, 0.5, 1]) {
    parts.push(
      `<text x="${left - 6}" y="${yAt(max * t) + 4}" font-size="10" text-anchor="end" fill="#555">${
        tick(max * t, max)
      }</text>`
    )
  }
  if (keys.length === 0) {
    parts.push(`<text x="${width / 2}" y="${top + plot / 2}" text-anchor="middle" fill="#888">${esc(noData)}</text>`)
  }
  for (const s of series) {
    if (keys.length > 1) {
      const points = s.values.map((v, i) => `${xAt(i).toFixed(1)},${yAt(v).toFixed(1)}`).join(" ")
      parts.push(
        `<polyline class="line" data-series="${
          esc(s.name)
        }" points="${points}" fill="none" stroke="${s.color}" stroke-width="2"/>`
      )
    }
    s.values.forEach((v, i) => {
      parts.push(
        `<circle class="point" data-series="${esc(s.name)}" data-key="${esc(keys[i]!)}" data-value="${v}" cx="${
          xAt(i).toFixed(1)
        }" cy="${yAt(v).toFixed(1)}" r="3.5" fill="${s.color}"><title>${
          esc(`${keys[i]!} · ${s.name}: ${v}`)
        }</title></circle>`
      )
    })
  }
  const every = Math.max(1, Math.ceil(keys.length / 16))
  keys.forEach((k, i) => {
    if (i % every !== 0) return
    parts.push(
      `<text x="${xAt(i).toFixed(1)}" y="${top + plot + 16}" font-size="10" text-anchor="middle" fill="#333">${
        esc(k)
      }</text>`
    )
  })
  parts.push("</svg>")
  const legend = `<div class="legend">${
    series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join("")
  }</div>`
  return `<figure><figcaption>${esc(title)}</figcaption>${parts.join("")}${legend}</figure>`
}

/**
 * What the report's charts draw, for checking a rendered report: chart id → number of data points (bars or dots).
 *
 * @since 0.1.0
 * @category utils
 */
export const chartPoints = (dashboard: Dashboard): Readonly<Record<string, number>> => {
  const out: Record<string, number> = {}
  if (dashboard.trend !== undefined) out["trend"] = dashboard.trend.rows.length * 2
  if (dashboard.breakdowns.tier !== undefined) out["by-tier"] = dashboard.breakdowns.tier.length * 3
  if (dashboard.breakdowns.category !== undefined) out["by-category"] = dashboard.breakdowns.category.length * 3
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

  const headline: ReadonlyArray<{ readonly rate?: Kpi.RateName; readonly count?: Kpi.CountName }> = [
    { count: "accepted" },
    { count: "closed" },
    { rate: "closure" },
    { count: "resolved" },
    { rate: "resolution" },
    { rate: "satisfaction" },
    { rate: "response" },
    { rate: "followUp" },
    { rate: "rebound" },
    { count: "overdue" },
    { rate: "overdue" },
    { rate: "escalation" },
    { rate: "lowTier" },
    { count: "warnings" }
  ]
  const compareText = (c: { readonly rate?: Kpi.RateName; readonly count?: Kpi.CountName }) => {
    const out: Array<string> = []
    for (
      const [label, cmp] of [
        [p(Labels.words.yearOnYear), dashboard.yearOnYear],
        [p(Labels.words.periodOnPeriod), dashboard.periodOnPeriod]
      ] as const
    ) {
      if (cmp === undefined) continue
      const v = c.count !== undefined ? fmtSigned(cmp.counts[c.count], d, "%") : fmtSigned(
        cmp.rates[c.rate!],
        d,
        ` ${p(Labels.words.points)}`
      )
      out.push(`${esc(label)} ${esc(v)}`)
    }
    return out.length === 0 ? "" : `<div class="cmp">${out.join(" · ")}</div>`
  }
  const cards = headline.map((c) => {
    const name = c.count !== undefined ? p(Labels.counts[c.count]) : p(Labels.rates[c.rate!])
    const value = c.count !== undefined ? String(t.counts[c.count]) : fmtPercent(t.rates[c.rate!].percent, d)
    const detail = c.rate !== undefined
      ? `<div class="sub">${t.rates[c.rate].numerator} / ${t.rates[c.rate].denominator}</div>`
      : ""
    return `<div class="card" data-kpi="${c.count ?? c.rate}"><div class="name">${esc(name)}</div><div class="value">${
      esc(value)
    }</div>${detail}${compareText(c)}</div>`
  }).join("")

  const three = t.threeRates
  const threeRows = (["response", "resolution", "satisfaction"] as const).map((k) => {
    const rate = three[k]
    const name = p(Labels.rates[k === "resolution" ? "hotlineResolution" : k])
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
  if (dashboard.trend !== undefined) {
    const rows = dashboard.trend.rows
    charts.push(lineChart(
      "trend",
      `${p(Labels.words.trendByMonth)} (${p(Labels.units[dashboard.trend.unit])})`,
      rows.map((r) => String(r.key)),
      [
        { name: p(Labels.counts.accepted), color: palette[0]!, values: rows.map((r) => r.figures.counts.accepted) },
        { name: p(Labels.counts.closed), color: palette[1]!, values: rows.map((r) => r.figures.counts.closed) }
      ],
      noData
    ))
  }
  const bars = (id: string, heading: string, rows: ReadonlyArray<Row> | undefined) => {
    if (rows === undefined) return
    charts.push(barChart(
      id,
      heading,
      rows.map((r) => ({ key: String(r.key), label: r.label })),
      [
        { name: p(Labels.counts.accepted), color: palette[0]!, values: rows.map((r) => r.figures.counts.accepted) },
        { name: p(Labels.counts.closed), color: palette[1]!, values: rows.map((r) => r.figures.counts.closed) },
        { name: p(Labels.counts.resolved), color: palette[2]!, values: rows.map((r) => r.figures.counts.resolved) }
      ],
      noData
    ))
  }
  bars("by-tier", p(Labels.words.byTier), dashboard.breakdowns.tier)
  bars("by-category", p(Labels.words.byCategory), dashboard.breakdowns.category)
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

  const tables = Object.entries(dashboard.breakdowns).map(([name, rows]) => {
    if (rows === undefined) return ""
    const body = rows.map((r) =>
      `<tr><td>${esc(r.label)}</td><td>${r.figures.counts.accepted}</td><td>${r.figures.counts.closed}</td><td>${
        esc(fmtPercent(r.figures.rates.closure.percent, d))
      }</td><td>${r.figures.counts.resolved}</td><td>${
        esc(fmtPercent(r.figures.rates.resolution.percent, d))
      }</td><td>${
        esc(fmtPercent(r.figures.rates.satisfaction.percent, d))
      }</td><td>${r.figures.counts.warnings}</td></tr>`
    ).join("")
    return `<h3>${
      esc(p(Labels.dimensions[name as Labels.BreakdownName]))
    }</h3><table data-breakdown="${name}"><thead><tr><th></th><th>${esc(p(Labels.counts.accepted))}</th><th>${
      esc(p(Labels.counts.closed))
    }</th><th>${esc(p(Labels.rates.closure))}</th><th>${esc(p(Labels.counts.resolved))}</th><th>${
      esc(p(Labels.rates.resolution))
    }</th><th>${esc(p(Labels.rates.satisfaction))}</th><th>${
      esc(p(Labels.counts.warnings))
    }</th></tr></thead><tbody>${body}</tbody></table>`
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
