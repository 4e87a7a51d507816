/**
 * Labels of the statistics (统计): every count, rate, step, breakdown and report heading in zh-Hans (the default),
 * zh-Hant, en and ko; and the labels of a breakdown's keys taken from the centre's configuration (jurisdiction
 * names, taxonomy labels, department names).
 *
 * @since 0.1.0
 */
import { type CenterConfig, I18n, type Primitives } from "@fengqiao/core"
import * as definitions from "./internal/definitions.js"
import type { CountName, RateName, StepName } from "./internal/definitions.js"
import type { Unit } from "./Period.js"

const l = (zhHans: string, zhHant: string, en: string, ko: string): Primitives.Labels => ({
  "zh-Hans": zhHans,
  "zh-Hant": zhHant,
  en,
  ko
})

/**
 * Labels of the counts.
 *
 * @since 0.1.0
 * @category constants
 */
export const counts: Readonly<Record<CountName, Primitives.Labels>> = {
  registered: l("登记数", "登記數", "Registered", "등록 건수"),
  accepted: l("受理数", "受理數", "Accepted", "접수 건수"),
  closed: l("办结数", "辦結數", "Closed", "처리 완료 건수"),
  resolved: l("化解数", "化解數", "Resolved", "해결 건수"),
  acceptedDisputes: l("受理纠纷数", "受理糾紛數", "Disputes accepted", "접수된 분쟁 건수"),
  resolvedDisputes: l("化解纠纷数", "化解糾紛數", "Disputes resolved", "해결된 분쟁 건수"),
  rated: l("参评数", "參評數", "Rated", "평가 건수"),
  satisfied: l(
    "满意数（含基本满意）",
    "滿意數（含基本滿意）",
    "Satisfied (incl. basically)",
    "만족 건수(대체로 만족 포함)"
  ),
  respondedOnTime: l("及时响应数", "及時響應數", "Responded on time", "적시 응답 건수"),
  responseBase: l("响应考核数", "響應考核數", "Accepted, timed", "응답 평가 대상 건수"),
  followedUp: l("回访数", "回訪數", "Followed up", "사후 방문 건수"),
  rebounded: l("反弹数", "反彈數", "Rebounded", "재발 건수"),
  followUpBase: l("回访案件数", "回訪案件數", "Cases followed up", "사후 방문 대상 건수"),
  overdue: l("超期数", "超期數", "Overdue", "기한 초과 건수"),
  overdueOpen: l("在办超期数", "在辦超期數", "Open and overdue", "처리 중 기한 초과"),
  overdueBase: l("超期考核数", "超期考核數", "Registered, timed", "기한 평가 대상 건수"),
  open: l("在办数", "在辦數", "Open", "처리 중 건수"),
  escalated: l("上报数", "上報數", "Escalated", "상급 보고 건수"),
  lowTierResolved: l("村级化解数", "村級化解數", "Resolved at the lowest tier", "최하위 계층 해결 건수"),
  warnings: l("预警数", "預警數", "Warnings", "경보 건수"),
  enteredLate: l("补录数", "補錄數", "Entered late", "사후 등록 건수")
}

/**
 * Labels of the rates.
 *
 * @since 0.1.0
 * @category constants
 */
export const rates: Readonly<Record<RateName, Primitives.Labels>> = {
  closure: l("办结率", "辦結率", "Completion rate", "처리 완료율"),
  resolution: l("化解率", "化解率", "Resolution rate", "해결률"),
  satisfaction: l("满意度", "滿意度", "Satisfaction", "만족도"),
  response: l("响应率", "響應率", "Response rate", "응답률"),
  hotlineResolution: l("解决率", "解決率", "Solved rate (hotline)", "해결률(핫라인)"),
  followUp: l("回访率", "回訪率", "Follow-up rate", "사후 방문율"),
  rebound: l("反弹率", "反彈率", "Rebound rate", "재발률"),
  overdue: l("超期率", "超期率", "Overdue rate", "기한 초과율"),
  escalation: l("上报率", "上報率", "Escalation rate", "상급 보고율"),
  lowTier: l("小事不出村占比", "小事不出村占比", "Share resolved at the lowest tier", "최하위 계층 해결 비율")
}

/**
 * Labels of the steps.
 *
 * @since 0.1.0
 * @category constants
 */
export const steps: Readonly<Record<StepName, Primitives.Labels>> = {
  acceptance: l("登记→受理", "登記→受理", "Register → accept", "등록→접수"),
  assessment: l("受理→研判", "受理→研判", "Accept → assess", "접수→연구판단"),
  dispatch: l("研判→分流", "研判→分流", "Assess → dispatch", "연구판단→배정"),
  handlingStart: l("分流→签收办理", "分流→簽收辦理", "Dispatch → start handling", "배정→처리 시작"),
  handling: l("办理→办结", "辦理→辦結", "Handling → close", "처리→완료"),
  feedback: l("办结→反馈", "辦結→反饋", "Close → feedback", "완료→피드백"),
  archive: l("反馈→归档", "反饋→歸檔", "Feedback → archive", "피드백→보관"),
  intakeToClose: l("受理到办结全程", "受理到辦結全程", "Intake to close", "접수부터 완료까지")
}

/**
 * The breakdowns (分组维度).
 *
 * @since 0.1.0
 * @category models
 */
export type BreakdownName = definitions.BreakdownName

/**
 * Labels of the period units (the trend's step).
 *
 * @since 0.1.0
 * @category constants
 */
export const units: Readonly<Record<Unit, Primitives.Labels>> = {
  day: l("按日", "按日", "by day", "일별"),
  week: l("按周", "按週", "by week", "주별"),
  month: l("按月", "按月", "by month", "월별"),
  quarter: l("按季度", "按季度", "by quarter", "분기별"),
  year: l("按年", "按年", "by year", "연도별")
}

/**
 * Labels of the breakdowns and of the trend.
 *
 * @since 0.1.0
 * @category constants
 */
export const dimensions: Readonly<Record<BreakdownName | "trend", Primitives.Labels>> = {
  tier: l("层级", "層級", "Tier", "계층"),
  jurisdiction: l("辖区", "轄區", "Jurisdiction", "관할 구역"),
  department: l("承办部门", "承辦部門", "Lead unit", "담당 부문"),
  category: l("纠纷类别", "糾紛類別", "Category", "분류"),
  channel: l("受理渠道", "受理渠道", "Channel", "접수 경로"),
  mediationType: l("调解类型", "調解類型", "Mediation type", "조정 유형"),
  riskLevel: l("风险等级", "風險等級", "Risk level", "위험 등급"),
  kind: l("事项类型", "事項類型", "Case kind", "사항 유형"),
  trend: l("趋势", "趨勢", "Trend", "추세")
}

/**
 * Words of the report, the CSV and the comparisons.
 *
 * @since 0.1.0
 * @category constants
 */
export const words = {
  title: l("综治中心统计报表", "綜治中心統計報表", "Governance centre statistics", "종합치안센터 통계 보고서"),
  period: l("统计周期", "統計週期", "Period", "통계 기간"),
  allTime: l("全部", "全部", "All time", "전체 기간"),
  scope: l("统计范围", "統計範圍", "Scope", "범위"),
  generatedAt: l("截至", "截至", "As of", "기준 시각"),
  yearOnYear: l("同比", "同比", "Year on year", "전년 동기 대비"),
  periodOnPeriod: l("环比", "環比", "Period on period", "전기 대비"),
  previous: l("对比期", "對比期", "Compared period", "비교 기간"),
  change: l("增减", "增減", "Change", "증감"),
  points: l("个百分点", "個百分點", "percentage points", "%p"),
  threeRates: l("三率综合得分", "三率綜合得分", "Three-rate score", "3률 종합 점수"),
  weights: l("权重", "權重", "Weights", "가중치"),
  kpis: l("核心指标", "核心指標", "Key figures", "핵심 지표"),
  durations: l("各环节用时", "各環節用時", "Time per step", "단계별 소요 시간"),
  average: l("平均", "平均", "Average", "평균"),
  median: l("中位数", "中位數", "Median", "중앙값"),
  cases: l("件数", "件數", "Cases", "건수"),
  hours: l("小时", "小時", "hours", "시간"),
  days: l("天", "天", "days", "일"),
  trendByMonth: l("受理与办结趋势", "受理與辦結趨勢", "Accepted and closed over time", "접수·완료 추세"),
  byTier: l("按层级", "按層級", "By tier", "계층별"),
  byCategory: l("按纠纷类别", "按糾紛類別", "By category", "분류별"),
  byRisk: l("预警按风险等级", "預警按風險等級", "Warnings by risk level", "위험 등급별 경보"),
  dimension: l("维度", "維度", "Dimension", "차원"),
  key: l("代码", "代碼", "Key", "코드"),
  label: l("名称", "名稱", "Name", "이름"),
  total: l("合计", "合計", "Total", "합계"),
  unspecified: l("未填写", "未填寫", "Unspecified", "미지정"),
  outside: l("辖区外发生", "轄區外發生", "Arose outside this jurisdiction", "관할 구역 밖 발생"),
  noData: l("无数据", "無數據", "No data", "데이터 없음"),
  leftOutLate: l(
    "未计入时效指标的补录案件",
    "未計入時效指標的補錄案件",
    "Cases entered late, left out of the timeliness figures",
    "시효 지표에서 제외된 사후 등록 건수"
  )
} as const satisfies Readonly<Record<string, Primitives.Labels>>

/**
 * A label in a locale (zh-Hans when the locale is missing).
 *
 * @since 0.1.0
 * @category utils
 */
export const pick = (labels: Primitives.Labels, locale: Primitives.Locale): string => I18n.pick(labels, locale)

/**
 * The label of a breakdown key, from the centre's configuration: a tier's level, a node's name, a department's
 * name, a taxonomy entry's label; the key itself when unknown and "未填写" for `null`.
 *
 * @since 0.1.0
 * @category utils
 */
export const keyLabel = (
  centre: CenterConfig.Resolved,
  dimension: BreakdownName | "trend",
  key: string | number | boolean | null,
  locale: Primitives.Locale
): string => {
  if (key === null) return pick(words.unspecified, locale)
  const k = String(key)
  const fromEntry = (entry: { readonly labels: Primitives.Labels } | undefined) =>
    entry === undefined ? k : pick(entry.labels, locale)
  switch (dimension) {
    case "tier":
      return fromEntry(centre.tree.levels[Number(key)])
    case "jurisdiction":
      return centre.tree.get(k)?.name ?? k
    case "department":
      return centre.departments.get(k)?.name ?? k
    case "trend":
      return k
    default:
      return fromEntry(definitions.taxonomyOf[dimension](centre).get(k))
  }
}
