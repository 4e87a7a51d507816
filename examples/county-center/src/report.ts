/**
 * The summary report: KPIs (办结率, 化解率, 满意度) and breakdowns computed by the store through
 * `center.aggregate(...)` — never by loading every case — and rendered as aligned text tables. Labels of states,
 * categories, levels, mediation types, commands and roles come from `center.labels(locale)`.
 */
import { type CaseStore, type CenterClient, Command, type Primitives } from "@fengqiao/core"
import { countyViewer, type SimulationStats } from "./simulate.js"

type Locale = Primitives.Locale
type Condition = CaseStore.Condition

// ---------------------------------------------------------------------------------------------------------------
// Text width (CJK and Hangul are double width in a terminal)
// ---------------------------------------------------------------------------------------------------------------

const wide = (cp: number): boolean =>
  (cp >= 0x1100 && cp <= 0x115f) ||
  (cp >= 0x2e80 && cp <= 0x303e) ||
  (cp >= 0x3041 && cp <= 0x33ff) ||
  (cp >= 0x3400 && cp <= 0x4dbf) ||
  (cp >= 0x4e00 && cp <= 0x9fff) ||
  (cp >= 0xa000 && cp <= 0xa4cf) ||
  (cp >= 0xac00 && cp <= 0xd7a3) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0xfe30 && cp <= 0xfe4f) ||
  (cp >= 0xff00 && cp <= 0xff60) ||
  (cp >= 0xffe0 && cp <= 0xffe6) ||
  (cp >= 0x20000 && cp <= 0x3fffd)

/**
 * The number of terminal columns a string takes: 2 for CJK ideographs, kana, Hangul and full-width forms, 1
 * otherwise.
 */
export const displayWidth = (s: string): number => {
  let w = 0
  for (const ch of s) w += wide(ch.codePointAt(0)!) ? 2 : 1
  return w
}

/**
 * Pads a string to a display width, on the right (`end`) or on the left (`start`).
 */
export const pad = (s: string, width: number, side: "start" | "end" = "end"): string => {
  const fill = " ".repeat(Math.max(0, width - displayWidth(s)))
  return side === "end" ? s + fill : fill + s
}

/**
 * Renders rows as an aligned table; the first row is the header. Columns listed in `right` are right-aligned.
 */
export const table = (
  rows: ReadonlyArray<ReadonlyArray<string>>,
  right: ReadonlyArray<number> = [],
  indent = "  "
): string => {
  const widths: Array<number> = []
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))
  }
  const line = (row: ReadonlyArray<string>) =>
    indent + row.map((cell, i) => pad(cell, widths[i] ?? 0, right.includes(i) ? "start" : "end")).join("  ").trimEnd()
  const [header, ...body] = rows
  if (header === undefined) return ""
  const rule = indent + widths.map((w) => "─".repeat(w)).join("  ")
  return [line(header), rule, ...body.map(line)].join("\n")
}

// ---------------------------------------------------------------------------------------------------------------
// Words of the report
// ---------------------------------------------------------------------------------------------------------------

const words = {
  title: [
    "年度运行报告（模拟数据）",
    "年度運行報告（模擬數據）",
    "Annual report (simulated data)",
    "연간 운영 보고(모의 데이터)"
  ],
  period: ["统计期间", "統計期間", "Period", "통계 기간"],
  seed: ["随机种子", "隨機種子", "Seed", "시드"],
  registered: ["登记数", "登記數", "Registered", "등록 건수"],
  accepted: ["受理数", "受理數", "Accepted", "접수 건수"],
  closed: ["办结数", "辦結數", "Closed", "처리 완료 건수"],
  resolved: ["化解数", "化解數", "Resolved", "해결 건수"],
  closureRate: ["办结率", "辦結率", "Completion rate", "처리 완료율"],
  resolutionRate: ["化解率", "化解率", "Resolution rate", "해결률"],
  satisfaction: ["满意度", "滿意度", "Satisfaction", "만족도"],
  rated: ["参评数", "參評數", "Rated", "평가 건수"],
  open: ["在办数", "在辦數", "Open", "처리 중"],
  overdue: ["超期在办", "超期在辦", "Open and overdue", "기한 초과 처리 중"],
  escalated: ["上报案件", "上報案件", "Escalated cases", "상급 보고 사건"],
  escalations: ["上报次数", "上報次數", "Escalations", "상급 보고 횟수"],
  rebounded: ["反弹案件", "反彈案件", "Cases that rebounded", "재발 사건"],
  rebounds: ["反弹次数", "反彈次數", "Rebounds", "재발 횟수"],
  supervised: ["督办案件", "督辦案件", "Supervised cases", "독촉 사건"],
  sentBack: ["退单案件", "退單案件", "Sent-back cases", "반송 사건"],
  avgDays: ["平均办理时长（天）", "平均辦理時長（天）", "Mean days to close", "평균 처리 기간(일)"],
  medianDays: ["办理时长中位数（天）", "辦理時長中位數（天）", "Median days to close", "처리 기간 중앙값(일)"],
  totals: ["一、总体指标", "一、總體指標", "1. Key figures", "1. 주요 지표"],
  byStatus: ["二、按状态", "二、按狀態", "2. By status", "2. 상태별"],
  byCategory: ["三、按纠纷类别（前8）", "三、按糾紛類別（前8）", "3. By category (top 8)", "3. 분쟁 유형별(상위 8)"],
  byTownship: [
    "四、按乡镇（街道）（前5）",
    "四、按鄉鎮（街道）（前5）",
    "4. By township (top 5)",
    "4. 향진(가도)별(상위 5)"
  ],
  byTier: ["五、办结层级", "五、辦結層級", "5. Tier that closed the case", "5. 처리 완료 계층"],
  byMediation: ["六、调解类型（三调联动）", "六、調解類型（三調聯動）", "6. Mediation type", "6. 조정 유형"],
  commands: ["七、指令执行", "七、指令執行", "7. Commands executed", "7. 명령 실행"],
  roles: ["八、参与角色", "八、參與角色", "8. Roles", "8. 역할"],
  item: ["指标", "指標", "Measure", "지표"],
  value: ["数值", "數值", "Value", "값"],
  status: ["状态", "狀態", "Status", "상태"],
  category: ["类别", "類別", "Category", "유형"],
  township: ["乡镇（街道）", "鄉鎮（街道）", "Township", "향진(가도)"],
  tier: ["层级", "層級", "Tier", "계층"],
  mediationType: ["调解类型", "調解類型", "Mediation type", "조정 유형"],
  command: ["指令", "指令", "Command", "명령"],
  role: ["角色", "角色", "Role", "역할"],
  count: ["件数", "件數", "Cases", "건수"],
  share: ["占比", "佔比", "Share", "비율"],
  times: ["次数", "次數", "Count", "횟수"],
  actors: ["人员数", "人員數", "Actors", "인원"],
  uncategorised: ["未分类", "未分類", "Uncategorised", "미분류"],
  direct: ["直接办理（不调解）", "直接辦理（不調解）", "Handled directly", "직접 처리"],
  performance: ["九、运行情况", "九、運行情況", "9. The run", "9. 실행 현황"],
  executed: ["执行指令", "執行指令", "Commands executed", "실행 명령"],
  perSecond: ["指令/秒", "指令/秒", "Commands per second", "명령/초"],
  elapsed: ["用时", "用時", "Elapsed", "소요 시간"],
  refusals: [
    "预期拒绝（演示守卫）",
    "預期拒絕（演示守衛）",
    "Expected refusals (guards shown)",
    "예상된 거부(가드 시연)"
  ],
  unfinished: ["年末仍在流转", "年末仍在流轉", "Still moving at year end", "연말 진행 중"],
  failures: ["意外失败", "意外失敗", "Unexpected failures", "예상치 못한 실패"],
  asOfNote: [
    "超期以统计截止时间计",
    "超期以統計截止時間計",
    "overdue as of the end of the period",
    "기한 초과는 통계 종료 시점 기준"
  ]
} as const satisfies Record<string, readonly [string, string, string, string]>

type Word = keyof typeof words

const localeIndex: Readonly<Record<Locale, number>> = { "zh-Hans": 0, "zh-Hant": 1, en: 2, ko: 3 }

// ---------------------------------------------------------------------------------------------------------------
// Collecting
// ---------------------------------------------------------------------------------------------------------------

/**
 * The numbers of the report, as the store computed them.
 */
export interface ReportData {
  readonly locale: Locale
  readonly centreName: string
  readonly totals: {
    readonly registered: number
    readonly accepted: number
    readonly closed: number
    readonly resolved: number
    readonly rated: number
    readonly satisfied: number
    readonly open: number
    readonly overdue: number
    readonly escalatedCases: number
    readonly escalations: number
    readonly reboundCases: number
    readonly rebounds: number
    readonly supervised: number
    readonly sentBack: number
    readonly avgDays: number | null
    readonly medianDays: number | null
  }
  /** Every status with at least one case, in lifecycle order. */
  readonly byStatus: ReadonlyArray<{ readonly status: string; readonly count: number }>
  readonly byCategory: ReadonlyArray<
    { readonly category: string | null; readonly count: number; readonly resolved: number }
  >
  readonly byTownship: ReadonlyArray<
    {
      readonly code: string
      readonly name: string
      readonly count: number
      readonly accepted: number
      readonly closed: number
      readonly resolved: number
    }
  >
  readonly byTier: ReadonlyArray<{ readonly level: string; readonly closed: number; readonly resolved: number }>
  readonly byMediationType: ReadonlyArray<
    { readonly mediationType: string | null; readonly closed: number; readonly resolved: number }
  >
}

const ended: Condition = { _tag: "In", field: "status", values: ["closed", "feedbackGiven", "archived"] }
/** 办结: closed, feedback given or archived, with an outcome. */
export const closedCondition: Condition = { _tag: "And", conditions: [ended, { _tag: "Present", field: "outcome" }] }
/** 化解: closed with the outcome Resolved (never NotResolved). */
export const resolvedCondition: Condition = {
  _tag: "And",
  conditions: [ended, { _tag: "Eq", field: "outcome", value: "resolved" }]
}

const num = (v: number | null | undefined): number => v ?? 0

/**
 * Computes the report through `center.aggregate` as the county centre's director (role `viewer`). `asOf` is the
 * instant at which "overdue" is judged (the end of the simulated period).
 */
export const collectReport = async (
  center: CenterClient.CenterClient,
  asOf: string,
  locale: Locale = "zh-Hans"
): Promise<ReportData> => {
  const actor = countyViewer(center)
  const tree = center.config.tree
  const [totalsRow] = await center.aggregate({
    actor,
    groupBy: [],
    measures: [
      { _tag: "Count", name: "registered" },
      { _tag: "Count", name: "accepted", where: { _tag: "Present", field: "acceptedAt" } },
      { _tag: "Count", name: "closed", where: closedCondition },
      { _tag: "Count", name: "resolved", where: resolvedCondition },
      { _tag: "Count", name: "rated", where: { _tag: "Present", field: "rating" } },
      {
        _tag: "Count",
        name: "satisfied",
        where: { _tag: "In", field: "rating", values: ["satisfied", "basicallySatisfied"] }
      },
      { _tag: "Count", name: "open", where: { _tag: "Eq", field: "open", value: true } },
      {
        _tag: "Count",
        name: "overdue",
        where: {
          _tag: "And",
          conditions: [{ _tag: "Eq", field: "open", value: true }, { _tag: "Before", field: "dueAt", value: asOf }]
        }
      },
      { _tag: "Count", name: "escalatedCases", where: { _tag: "Gt", field: "escalationCount", value: 0 } },
      { _tag: "Sum", name: "escalations", field: "escalationCount" },
      { _tag: "Count", name: "reboundCases", where: { _tag: "Gt", field: "reopenCount", value: 0 } },
      { _tag: "Sum", name: "rebounds", field: "reopenCount" },
      { _tag: "Count", name: "supervised", where: { _tag: "Gt", field: "supervisionCount", value: 0 } },
      { _tag: "Count", name: "sentBack", where: { _tag: "Gt", field: "sendBackCount", value: 0 } },
      { _tag: "Duration", name: "avgMs", from: "acceptedAt", to: "closedAt", stat: "avg", where: closedCondition },
      { _tag: "Duration", name: "medianMs", from: "acceptedAt", to: "closedAt", stat: "median", where: closedCondition }
    ]
  })
  const v = totalsRow?.values ?? {}
  const days = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : ms / 86_400_000)

  const statusRows = await center.aggregate({
    actor,
    groupBy: [{ _tag: "Column", field: "status" }],
    measures: [{ _tag: "Count", name: "count" }]
  })
  const statusCount = new Map(statusRows.map((r) => [String(r.keys[0]), num(r.values.count)]))
  const byStatus = statusOrder.filter((s) => (statusCount.get(s) ?? 0) > 0).map((status) => ({
    status,
    count: statusCount.get(status) ?? 0
  }))

  const categoryRows = await center.aggregate({
    actor,
    groupBy: [{ _tag: "Column", field: "category" }],
    measures: [{ _tag: "Count", name: "count" }, { _tag: "Count", name: "resolved", where: resolvedCondition }]
  })
  const byCategory = categoryRows
    .map((r) => ({
      category: r.keys[0] === null ? null : String(r.keys[0]),
      count: num(r.values.count),
      resolved: num(r.values.resolved)
    }))
    .sort((a, b) => b.count - a.count || String(a.category).localeCompare(String(b.category)))
    .slice(0, 8)

  const townshipRows = await center.aggregate({
    actor,
    groupBy: [{ _tag: "Jurisdiction", of: "place", depth: 1 }],
    measures: [
      { _tag: "Count", name: "count" },
      { _tag: "Count", name: "accepted", where: { _tag: "Present", field: "acceptedAt" } },
      { _tag: "Count", name: "closed", where: closedCondition },
      { _tag: "Count", name: "resolved", where: resolvedCondition }
    ]
  })
  const byTownship = townshipRows
    .filter((r) => r.keys[0] !== null)
    .map((r) => {
      const code = String(r.keys[0])
      return {
        code,
        name: tree.get(code)?.name ?? code,
        count: num(r.values.count),
        accepted: num(r.values.accepted),
        closed: num(r.values.closed),
        resolved: num(r.values.resolved)
      }
    })
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .slice(0, 5)

  const tierRows = await center.aggregate({
    actor,
    where: closedCondition,
    groupBy: [{ _tag: "Column", field: "handlingTier" }],
    measures: [{ _tag: "Count", name: "closed" }, { _tag: "Count", name: "resolved", where: resolvedCondition }]
  })
  const byTier = tierRows.map((r) => ({
    level: tree.levels[Number(r.keys[0])]?.id ?? String(r.keys[0]),
    closed: num(r.values.closed),
    resolved: num(r.values.resolved)
  }))

  const mediationRows = await center.aggregate({
    actor,
    where: closedCondition,
    groupBy: [{ _tag: "Column", field: "mediationType" }],
    measures: [{ _tag: "Count", name: "closed" }, { _tag: "Count", name: "resolved", where: resolvedCondition }]
  })
  const byMediationType = mediationRows
    .map((r) => ({
      mediationType: r.keys[0] === null ? null : String(r.keys[0]),
      closed: num(r.values.closed),
      resolved: num(r.values.resolved)
    }))
    .sort((a, b) => b.closed - a.closed)

  return {
    locale,
    centreName: center.config.config.name,
    totals: {
      registered: num(v.registered),
      accepted: num(v.accepted),
      closed: num(v.closed),
      resolved: num(v.resolved),
      rated: num(v.rated),
      satisfied: num(v.satisfied),
      open: num(v.open),
      overdue: num(v.overdue),
      escalatedCases: num(v.escalatedCases),
      escalations: num(v.escalations),
      reboundCases: num(v.reboundCases),
      rebounds: num(v.rebounds),
      supervised: num(v.supervised),
      sentBack: num(v.sentBack),
      avgDays: days(v.avgMs),
      medianDays: days(v.medianMs)
    },
    byStatus,
    byCategory,
    byTownship,
    byTier,
    byMediationType
  }
}

const statusOrder = [
  "registered",
  "accepted",
  "assessed",
  "dispatched",
  "sentBack",
  "handling",
  "escalated",
  "closed",
  "feedbackGiven",
  "archived",
  "rejected",
  "merged",
  "withdrawn"
] as const

// ---------------------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------------------

const int = (n: number): string => n.toLocaleString("en-US")

const percent = (part: number, whole: number): string => (whole === 0 ? "—" : `${(100 * part / whole).toFixed(2)}%`)

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/** The civil date of an instant in China (UTC+8). */
const civil = (timestamp: string): string => new Date(Date.parse(timestamp) + 8 * 3_600_000).toISOString().slice(0, 10)

/**
 * Renders the report (and the run's own figures) as text, in the report's locale.
 */
export const renderReport = (
  data: ReportData,
  stats: SimulationStats,
  labels: Readonly<Record<string, string>>
): string => {
  const w = (k: Word): string => words[k][localeIndex[data.locale]] ?? words[k][0]
  const paren = (s: string) => (data.locale.startsWith("zh") ? `（${s}）` : ` (${s})`)
  const label = (key: string, fallback: string = key) => labels[key] ?? fallback
  const t = data.totals
  const out: Array<string> = []
  const section = (title: string, body: string) => out.push("", title, body)

  out.push(`${data.centreName} · ${w("title")}`)
  out.push(
    `${w("period")} ${civil(stats.from)} – ${civil(stats.asOf)}  ${w("seed")} ${stats.seed}  ${w("registered")} ${
      int(stats.cases)
    }`
  )

  section(
    w("totals"),
    table([
      [w("item"), w("value"), w("item"), w("value")],
      [w("accepted"), int(t.accepted), w("closureRate"), percent(t.closed, t.accepted)],
      [w("closed"), int(t.closed), w("resolutionRate"), percent(t.resolved, t.accepted)],
      [w("resolved"), int(t.resolved), w("satisfaction"), percent(t.satisfied, t.rated)],
      [w("rated"), int(t.rated), w("open"), int(t.open)],
      [w("escalated"), int(t.escalatedCases), w("overdue"), `${int(t.overdue)} *`],
      [w("escalations"), int(t.escalations), w("supervised"), int(t.supervised)],
      [w("rebounded"), int(t.reboundCases), w("sentBack"), int(t.sentBack)],
      [w("rebounds"), int(t.rebounds), w("avgDays"), t.avgDays === null ? "—" : t.avgDays.toFixed(1)],
      ["", "", w("medianDays"), t.medianDays === null ? "—" : t.medianDays.toFixed(1)]
    ], [1, 3]) + `\n  * ${w("asOfNote")}${paren(`${civil(stats.asOf)} 24:00`)}`
  )

  const total = data.byStatus.reduce((n, r) => n + r.count, 0)
  section(
    w("byStatus"),
    table([
      [w("status"), w("count"), w("share")],
      ...data.byStatus.map((r) => [label(`status.${r.status}`, r.status), int(r.count), percent(r.count, total)])
    ], [1, 2])
  )

  section(
    w("byCategory"),
    table([
      [w("category"), w("count"), w("resolved"), w("share")],
      ...data.byCategory.map((r) => [
        r.category === null ? w("uncategorised") : label(`category.${r.category}`, r.category),
        int(r.count),
        int(r.resolved),
        percent(r.count, t.registered)
      ])
    ], [1, 2, 3])
  )

  section(
    w("byTownship"),
    table([
      [w("township"), w("count"), w("accepted"), w("closed"), w("resolved"), w("closureRate"), w("resolutionRate")],
      ...data.byTownship.map((r) => [
        r.name,
        int(r.count),
        int(r.accepted),
        int(r.closed),
        int(r.resolved),
        percent(r.closed, r.accepted),
        percent(r.resolved, r.accepted)
      ])
    ], [1, 2, 3, 4, 5, 6])
  )

  section(
    w("byTier"),
    table([
      [w("tier"), w("closed"), w("resolved"), w("share")],
      ...data.byTier.map((
        r
      ) => [label(`level.${r.level}`, r.level), int(r.closed), int(r.resolved), percent(r.closed, t.closed)])
    ], [1, 2, 3])
  )

  section(
    w("byMediation"),
    table([
      [w("mediationType"), w("closed"), w("resolved"), w("resolutionRate")],
      ...data.byMediationType.map((r) => [
        r.mediationType === null ? w("direct") : label(`mediationType.${r.mediationType}`, r.mediationType),
        int(r.closed),
        int(r.resolved),
        percent(r.resolved, r.closed)
      ])
    ], [1, 2, 3])
  )

  const commandCells = Command.commandNames
    .filter((name) => (stats.byCommand[name] ?? 0) > 0)
    .map((name) => [label(`command.${name}`, name), int(stats.byCommand[name] ?? 0)] as const)
  const half = Math.ceil(commandCells.length / 2)
  const commandRows: Array<Array<string>> = [[w("command"), w("times"), w("command"), w("times")]]
  for (let i = 0; i < half; i++) {
    const a = commandCells[i]!
    const b = commandCells[i + half]
    commandRows.push([a[0], a[1], b?.[0] ?? "", b?.[1] ?? ""])
  }
  section(w("commands"), table(commandRows, [1, 3]))

  const roleNames = Object.keys(stats.byRole).sort((a, b) => (stats.byRole[b] ?? 0) - (stats.byRole[a] ?? 0))
  section(
    w("roles"),
    table([
      [w("role"), w("actors"), w("executed")],
      ...roleNames.map((r) => [label(`role.${r}`, r), int(stats.actorsByRole[r] ?? 0), int(stats.byRole[r] ?? 0)])
    ], [1, 2])
  )

  const refusals = Object.entries(stats.refusals).map(([k, n]) => {
    const [command = k, guard = ""] = k.split(":")
    return [`  ${label(`command.${command}`, command)}${paren(guard)}`, int(n)]
  })
  section(
    w("performance"),
    table([
      [w("item"), w("value")],
      [w("executed"), int(stats.commands)],
      [w("elapsed"), seconds(stats.elapsedMs)],
      [w("perSecond"), int(Math.round(stats.commands / Math.max(stats.elapsedMs / 1000, 1e-9)))],
      [w("unfinished"), int(stats.unfinished)],
      [w("failures"), int(stats.failures.length)],
      [w("refusals"), int(Object.values(stats.refusals).reduce((a, b) => a + b, 0))],
      ...refusals
    ], [1])
  )
  return out.join("\n")
}
