/**
 * Level schemes seen in practice: 红/黄/蓝 (Shulan, the default), 高/中/低 (Minquan) and 红/橙/黄/蓝. Each preset
 * gives the levels to put in the centre's `riskLevels`, score thresholds, and by level the owner who must act and
 * the reporting window (red the same day, yellow within 2 days, blue within 3 days by default).
 *
 * @since 0.1.0
 */
import type { Taxonomy } from "@fengqiao/core"

/**
 * A reporting window: the same day (end of the day in the centre's time zone), a number of calendar days after,
 * or a number of hours after the warning.
 *
 * @since 0.1.0
 * @category models
 */
export type Window =
  | { readonly _tag: "SameDay" }
  | { readonly _tag: "Days"; readonly days: number }
  | { readonly _tag: "Hours"; readonly hours: number }

/**
 * What a level asks: who owns the warning and by when it must be reported.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reporting {
  readonly owner: string
  readonly window: Window
}

/**
 * A level scheme.
 *
 * @since 0.1.0
 * @category models
 */
export interface Preset {
  /** For the centre configuration's `riskLevels`. */
  readonly levels: ReadonlyArray<Taxonomy.RiskLevel>
  /** The lowest score of each warning level (the rank-0 level is "no warning"). */
  readonly thresholds: ReadonlyArray<{ readonly level: string; readonly minScore: number }>
  readonly reporting: Readonly<Record<string, Reporting>>
}

const l = (zhHans: string, zhHant: string, en: string, ko: string) => ({ "zh-Hans": zhHans, "zh-Hant": zhHant, en, ko })

/**
 * 红/黄/蓝 (+ none): the default, as the core's default levels.
 *
 * @since 0.1.0
 * @category presets
 */
export const redYellowBlue: Preset = {
  levels: [
    { id: "none", labels: l("无风险", "無風險", "No risk", "위험 없음"), rank: 0, color: "#9e9e9e" },
    { id: "blue", labels: l("蓝色", "藍色", "Blue", "청색"), rank: 1, color: "#1e88e5" },
    { id: "yellow", labels: l("黄色", "黃色", "Yellow", "황색"), rank: 2, color: "#fbc02d" },
    { id: "red", labels: l("红色", "紅色", "Red", "적색"), rank: 3, color: "#e53935" }
  ],
  thresholds: [
    { level: "red", minScore: 60 },
    { level: "yellow", minScore: 35 },
    { level: "blue", minScore: 15 }
  ],
  reporting: {
    red: { owner: "countyLeader", window: { _tag: "SameDay" } },
    yellow: { owner: "townshipLeader", window: { _tag: "Days", days: 2 } },
    blue: { owner: "villageLeader", window: { _tag: "Days", days: 3 } }
  }
}

/**
 * 高/中/低 (+ none).
 *
 * @since 0.1.0
 * @category presets
 */
export const highMediumLow: Preset = {
  levels: [
    { id: "none", labels: l("无风险", "無風險", "No risk", "위험 없음"), rank: 0, color: "#9e9e9e" },
    { id: "low", labels: l("低风险", "低風險", "Low", "낮음"), rank: 1, color: "#43a047" },
    { id: "medium", labels: l("中风险", "中風險", "Medium", "중간"), rank: 2, color: "#fb8c00" },
    { id: "high", labels: l("高风险", "高風險", "High", "높음"), rank: 3, color: "#e53935" }
  ],
  thresholds: [
    { level: "high", minScore: 60 },
    { level: "medium", minScore: 35 },
    { level: "low", minScore: 15 }
  ],
  reporting: {
    high: { owner: "countyLeader", window: { _tag: "SameDay" } },
    medium: { owner: "townshipLeader", window: { _tag: "Days", days: 2 } },
    low: { owner: "villageLeader", window: { _tag: "Days", days: 3 } }
  }
}

/**
 * 红/橙/黄/蓝 (+ none).
 *
 * @since 0.1.0
 * @category presets
 */
export const fourColour: Preset = {
  levels: [
    { id: "none", labels: l("无风险", "無風險", "No risk", "위험 없음"), rank: 0, color: "#9e9e9e" },
    { id: "blue", labels: l("蓝色", "藍色", "Blue", "청색"), rank: 1, color: "#1e88e5" },
    { id: "yellow", labels: l("黄色", "黃色", "Yellow", "황색"), rank: 2, color: "#fbc02d" },
    { id: "orange", labels: l("橙色", "橙色", "Orange", "주황색"), rank: 3, color: "#fb8c00" },
    { id: "red", labels: l("红色", "紅色", "Red", "적색"), rank: 4, color: "#e53935" }
  ],
  thresholds: [
    { level: "red", minScore: 75 },
    { level: "orange", minScore: 55 },
    { level: "yellow", minScore: 35 },
    { level: "blue", minScore: 15 }
  ],
  reporting: {
    red: { owner: "countyLeader", window: { _tag: "Hours", hours: 2 } },
    orange: { owner: "countyLeader", window: { _tag: "SameDay" } },
    yellow: { owner: "townshipLeader", window: { _tag: "Days", days: 2 } },
    blue: { owner: "villageLeader", window: { _tag: "Days", days: 3 } }
  }
}

/**
 * The presets by name.
 *
 * @since 0.1.0
 * @category presets
 */
export const presets = { redYellowBlue, highMediumLow, fourColour } as const
