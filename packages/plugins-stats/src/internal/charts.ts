/**
 * The report's charts: inline SVG, no script, every element carrying its data (`data-key`, `data-value`) so that
 * tests and screen readers can check what was drawn.
 *
 * @internal
 */
import { roundHalfUp } from "./decimal.js"

/**
 * Text escaped for HTML and SVG, in content and in attributes.
 *
 * @internal
 */
export const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")

/** An axis label: whole numbers, or one decimal on a small scale. */
const tick = (v: number, max: number): string => (max >= 10 ? String(Math.round(v)) : String(roundHalfUp(v, 1)))

/**
 * The colours of the series.
 *
 * @internal
 */
export const palette = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#5d4037", "#455a64"]

/**
 * A series of a chart: its name, colour and a value per key.
 *
 * @internal
 */
export interface Series {
  readonly name: string
  readonly color: string
  readonly values: ReadonlyArray<number>
  /** A colour per point, overriding `color`. */
  readonly colors?: ReadonlyArray<string | undefined> | undefined
}

/** A chart's box: its size, its margins and the height of the plot. */
interface Box {
  readonly width: number
  readonly height: number
  readonly top: number
  readonly left: number
  readonly plot: number
}

/** The opening of a chart: the `svg` element, its title, the axis, the scale and, without keys, "no data". */
const frame = (
  id: string,
  title: string,
  box: Box,
  points: number,
  max: number,
  noData: string | undefined
): Array<string> => {
  const { height, left, plot, top, width } = box
  const parts: Array<string> = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" data-chart="${id}" data-points="${points}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${
      esc(title)
    }">`
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
  if (noData !== undefined) {
    parts.push(`<text x="${width / 2}" y="${top + plot / 2}" text-anchor="middle" fill="#888">${esc(noData)}</text>`)
  }
  return parts
}

/** The closing of a chart: the figure around the `svg`, with a legend. */
const figure = (title: string, parts: ReadonlyArray<string>, series: ReadonlyArray<Series> | undefined): string => {
  const legend = series === undefined
    ? ""
    : `<div class="legend">${
      series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join("")
    }</div>`
  return `<figure><figcaption>${esc(title)}</figcaption>${parts.join("")}</svg>${legend}</figure>`
}

/**
 * Grouped vertical bars: one group per key, one bar per series (a legend when there are several).
 *
 * @internal
 */
export const barChart = (
  id: string,
  title: string,
  keys: ReadonlyArray<{ readonly key: string; readonly label: string }>,
  series: ReadonlyArray<Series>,
  noData: string
): string => {
  const width = Math.max(360, 40 + keys.length * (18 * series.length + 14))
  const box: Box = { width, height: 240, top: 16, left: 44, plot: 240 - 16 - 56 }
  const { left, plot, top } = box
  const max = Math.max(1, ...series.flatMap((s) => s.values))
  const step = keys.length === 0 ? 0 : (width - left - 10) / keys.length
  const barWidth = Math.max(4, Math.min(28, (step - 8) / Math.max(1, series.length)))
  const parts = frame(id, title, box, keys.length * series.length, max, keys.length === 0 ? noData : undefined)
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
  return figure(title, parts, series.length > 1 ? series : undefined)
}

/**
 * A line per series over ordered keys, with a dot per point, and a legend.
 *
 * @internal
 */
export const lineChart = (
  id: string,
  title: string,
  keys: ReadonlyArray<string>,
  series: ReadonlyArray<Series>,
  noData: string
): string => {
  const width = Math.max(480, 60 + keys.length * 36)
  const box: Box = { width, height: 240, top: 16, left: 44, plot: 240 - 16 - 40 }
  const { left, plot, top } = box
  const max = Math.max(1, ...series.flatMap((s) => s.values))
  const dx = keys.length <= 1 ? 0 : (width - left - 20) / (keys.length - 1)
  const xAt = (i: number) => left + 10 + i * dx
  const yAt = (v: number) => top + plot - (v / max) * plot
  const parts = frame(id, title, box, keys.length * series.length, max, keys.length === 0 ? noData : undefined)
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
  return figure(title, parts, series)
}
