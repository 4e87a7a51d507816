/**
 * Exports of a dashboard (导出): JSON (the dashboard as it is) and CSV (one line per group and figure, with a
 * byte-order mark so that spreadsheet programs read the Chinese correctly).
 *
 * @since 0.1.0
 */
import type { Primitives } from "@fengqiao/core"
import * as Kpi from "./Kpi.js"
import * as Labels from "./Labels.js"
import type { Dashboard, Row } from "./Stats.js"

/**
 * The dashboard as JSON text.
 *
 * @since 0.1.0
 * @category exports
 */
export const toJson = (dashboard: Dashboard, space: number = 2): string => `${JSON.stringify(dashboard, null, space)}\n`

const cell = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return ""
  // text that a spreadsheet would run as a formula (a label from the configuration starting with = + - @, a tab or
  // a carriage return) gets a leading apostrophe, as OWASP advises for CSV; numbers are written as they are
  const s = typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, "\"\"")}"` : s
}

const hours = (ms: number | null | undefined): number | null =>
  ms === null || ms === undefined ? null : Kpi.roundHalfUp(ms / 3_600_000, 2)

/** A column of figures: its heading (given a label picker) and its value in a group's figures. */
interface FigureColumn {
  readonly heading: (p: (l: Primitives.Labels) => string) => string
  readonly value: (f: Kpi.Figures) => number | null
}

/** Every column of figures, in order: the one list the header and the lines are made from. */
const figureColumns: ReadonlyArray<FigureColumn> = [
  ...Kpi.countNames.map((c): FigureColumn => ({ heading: (p) => p(Labels.counts[c]), value: (f) => f.counts[c] })),
  ...Kpi.rateNames.map((r): FigureColumn => ({
    heading: (p) => `${p(Labels.rates[r])} (%)`,
    value: (f) => f.rates[r].percent
  })),
  { heading: (p) => `${p(Labels.words.threeRates)} (%)`, value: (f) => f.threeRates.score },
  ...Kpi.stepNames.flatMap((s): ReadonlyArray<FigureColumn> => [
    {
      heading: (p) => `${p(Labels.steps[s])} ${p(Labels.words.average)} (${p(Labels.words.hours)})`,
      value: (f) => hours(f.durations[s].averageMs)
    },
    {
      heading: (p) => `${p(Labels.steps[s])} ${p(Labels.words.median)} (${p(Labels.words.hours)})`,
      value: (f) => hours(f.durations[s].medianMs)
    }
  ])
]

/**
 * The columns of the CSV export, for a locale: section, key, label, then every count, every rate in percent, the
 * three-rate score, and each step's average (and median) duration in hours.
 *
 * @since 0.1.0
 * @category exports
 */
export const csvHeader = (locale: Primitives.Locale): ReadonlyArray<string> => {
  const p = (l: Primitives.Labels) => Labels.pick(l, locale)
  return [
    p(Labels.words.dimension),
    p(Labels.words.key),
    p(Labels.words.label),
    ...figureColumns.map((c) => c.heading(p))
  ]
}

const line = (section: string, key: string | number | boolean | null, label: string, f: Kpi.Figures) =>
  [section, key, label, ...figureColumns.map((c) => c.value(f))].map(cell).join(",")

/**
 * The dashboard as CSV text (RFC 4180, CRLF line ends, UTF-8 with a byte-order mark): the totals, the 同比 and 环比
 * periods, then every breakdown and the trend, one line per group.
 *
 * @since 0.1.0
 * @category exports
 */
export const toCsv = (dashboard: Dashboard, options: { readonly bom?: boolean } = {}): string => {
  const locale = dashboard.locale
  const p = (l: Primitives.Labels) => Labels.pick(l, locale)
  const lines = [csvHeader(locale).map(cell).join(",")]
  lines.push(line(p(Labels.words.total), dashboard.jurisdiction.code, dashboard.jurisdiction.name, dashboard.totals))
  if (dashboard.yearOnYear !== undefined) {
    lines.push(line(p(Labels.words.yearOnYear), dashboard.yearOnYear.period.key, "", dashboard.yearOnYear.figures))
  }
  if (dashboard.periodOnPeriod !== undefined) {
    lines.push(
      line(p(Labels.words.periodOnPeriod), dashboard.periodOnPeriod.period.key, "", dashboard.periodOnPeriod.figures)
    )
  }
  const section = (name: string, rows: ReadonlyArray<Row>) => {
    for (const r of rows) lines.push(line(name, r.key, r.label, r.figures))
  }
  for (const [name, rows] of Object.entries(dashboard.breakdowns)) {
    if (rows !== undefined) section(p(Labels.dimensions[name as Labels.BreakdownName]), rows)
  }
  if (dashboard.trend !== undefined) {
    section(`${p(Labels.dimensions.trend)} (${p(Labels.units[dashboard.trend.unit])})`, dashboard.trend.rows)
  }
  return `${options.bom === false ? "" : "\uFEFF"}${lines.join("\r\n")}\r\n`
}
