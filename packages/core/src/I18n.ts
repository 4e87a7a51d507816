/**
 * User-facing labels. The lifecycle's own words (states, commands, outcomes, ratings, roles …) live in
 * {@link builtInLabels}; taxonomy entries (categories, channels …) carry their labels in the configuration.
 * zh-Hans is the default; every label has zh-Hant, en and ko too.
 *
 * @since 0.1.0
 */
import { commandLabels } from "./lifecycle/registry.js"
import type { Labels, Locale } from "./Primitives.js"

const l = (zhHans: string, zhHant: string, en: string, ko: string): Labels => ({
  "zh-Hans": zhHans,
  "zh-Hant": zhHant,
  en,
  ko
})

/**
 * Labels of the lifecycle vocabulary, by key (`status.handling`, `command.Dispatch`, `rating.satisfied` …). The
 * commands' labels come from their command modules (`defineCommand({ labels })`).
 *
 * @since 0.1.0
 * @category constants
 */
export const builtInLabels: Readonly<Record<string, Labels>> = {
  "status.registered": l("已登记", "已登記", "Registered", "등록됨"),
  "status.accepted": l("已受理", "已受理", "Accepted", "접수됨"),
  "status.assessed": l("已研判", "已研判", "Assessed", "연구판단됨"),
  "status.dispatched": l("已分流", "已分流", "Dispatched", "배정됨"),
  "status.sentBack": l("已退单", "已退單", "Sent back", "반송됨"),
  "status.handling": l("办理中", "辦理中", "Handling", "처리 중"),
  "status.escalated": l("已上报", "已上報", "Escalated", "상급 보고됨"),
  "status.closed": l("已办结", "已辦結", "Closed", "처리 완료"),
  "status.feedbackGiven": l("已反馈", "已反饋", "Feedback given", "피드백 완료"),
  "status.archived": l("已归档", "已歸檔", "Archived", "보관·종결됨"),
  "status.rejected": l("不予受理", "不予受理", "Not accepted", "불수리"),
  "status.merged": l("已并单", "已併單", "Merged", "병합됨"),
  "status.withdrawn": l("已撤回", "已撤回", "Withdrawn", "철회됨"),

  ...commandLabels,

  "basis.official": l(
    "依据法定节假日安排",
    "依據法定節假日安排",
    "Official: counted on the State Council's holiday notice",
    "공식: 국무원 휴일 공고 기준"
  ),
  "basis.predicted": l(
    "依据预测节假日安排（通知未发布，可能调整）",
    "依據預測節假日安排（通知未發布，可能調整）",
    "Predicted: counted on holidays predicted by rule (the notice is not out yet; may move)",
    "예측: 규칙으로 예측한 휴일 기준(공고 전, 변경 가능)"
  ),
  "deadline.latestDueAt": l("最迟到期时间", "最遲到期時間", "Latest possible due time", "최대 만료 시각"),

  "outcome.resolved": l("已化解", "已化解", "Resolved", "해결됨"),
  "outcome.notResolved": l("未化解", "未化解", "Not resolved", "미해결"),
  "rating.satisfied": l("满意", "滿意", "Satisfied", "만족"),
  "rating.basicallySatisfied": l("基本满意", "基本滿意", "Basically satisfied", "대체로 만족"),
  "rating.dissatisfied": l("不满意", "不滿意", "Dissatisfied", "불만족"),
  "followUp.stable": l("稳定", "穩定", "Stable", "안정"),
  "followUp.rebound": l("反弹", "反彈", "Rebound", "재발"),
  "mediationResult.progress": l("继续调解", "繼續調解", "In progress", "조정 진행"),
  "mediationResult.agreement": l("达成协议", "達成協議", "Agreement reached", "합의 성립"),
  "mediationResult.failed": l("调解不成", "調解不成", "Mediation failed", "조정 불성립"),
  "mediationResult.partyRefused": l(
    "当事人拒绝调解",
    "當事人拒絕調解",
    "A party refused mediation",
    "당사자 조정 거부"
  ),
  "supervision.reminder": l("提醒", "提醒", "Reminder", "알림"),
  "supervision.warning": l("预警", "預警", "Warning", "경고"),
  "supervision.order": l("督办令", "督辦令", "Supervision order", "독촉령"),
  "stationing.permanent": l("常驻", "常駐", "Permanent", "상주"),
  "stationing.rotating": l("轮驻", "輪駐", "Rotating", "순환 상주"),
  "stationing.onCall": l("随叫随驻", "隨叫隨駐", "On call", "호출 시 상주"),

  "role.admin": l("系统管理员", "系統管理員", "Administrator", "시스템 관리자"),
  "role.intake": l("受理员", "受理員", "Intake officer", "접수 담당"),
  "role.gridWorker": l("网格员", "網格員", "Grid worker", "그리드 관리원"),
  "role.dispatcher": l("研判分流员", "研判分流員", "Assessor and dispatcher", "연구판단·배정 담당"),
  "role.handler": l("承办人", "承辦人", "Case handler", "처리 담당"),
  "role.supervisor": l("督办员", "督辦員", "Supervisor", "독촉 담당"),
  "role.followUp": l("回访员", "回訪員", "Follow-up officer", "사후 방문 담당"),
  "role.archivist": l("档案员", "檔案員", "Archivist", "기록 담당"),
  "role.viewer": l("查看者", "查看者", "Viewer", "열람자"),

  "level.province": l("省", "省", "Province", "성"),
  "level.city": l("市（州）", "市（州）", "City or prefecture", "시(주)"),
  "level.county": l("县（市、区）", "縣（市、區）", "County", "현(시·구)"),
  "level.township": l("乡镇（街道）", "鄉鎮（街道）", "Township or subdistrict", "향진(가도)"),
  "level.village": l("村（社区）", "村（社區）", "Village or community", "촌(사구)"),
  "level.grid": l("网格", "網格", "Grid", "그리드"),

  "party.applicant": l("申请人", "申請人", "Applicant", "신청인"),
  "party.respondent": l("被申请人", "被申請人", "Respondent", "피신청인"),
  "party.thirdParty": l("第三人", "第三人", "Third party", "제3자")
}

/**
 * A label in a locale, falling back to zh-Hans — also for a locale that is not one of the four (a caller's
 * `"constructor"` or `"__proto__"` gives the zh-Hans label, not a member of `Object.prototype`).
 *
 * @since 0.1.0
 * @category utils
 */
export const pick = (labels: Labels, locale: Locale): string =>
  (Object.hasOwn(labels, locale) ? labels[locale] : undefined) ?? labels["zh-Hans"]

/**
 * The label of a built-in key in a locale; the key itself if unknown.
 *
 * @since 0.1.0
 * @category utils
 */
export const label = (key: string, locale: Locale = "zh-Hans"): string => {
  const labels = Object.hasOwn(builtInLabels, key) ? builtInLabels[key] : undefined
  return labels === undefined ? key : pick(labels, locale)
}
