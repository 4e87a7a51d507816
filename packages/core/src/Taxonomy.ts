/**
 * Configurable taxonomies — case kinds, categories, channels, complexity levels, risk levels, mediation types,
 * dispositions and department kinds — with the Chinese defaults from the domain notes. Every entry carries its
 * own labels in zh-Hans (required), zh-Hant, en and ko.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Key, Labels } from "./Primitives.js"

/**
 * An entry of a taxonomy: a stable key and its labels.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Entry = Schema.Struct({ id: Key, labels: Labels }).annotations({ identifier: "TaxonomyEntry" })

/**
 * @since 0.1.0
 * @category models
 */
export type Entry = typeof Entry.Type

/**
 * A risk level (风险等级). `rank` orders the levels: 0 means no risk, higher is more serious.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RiskLevel = Schema.Struct({
  id: Key,
  labels: Labels,
  rank: Schema.Int.pipe(Schema.between(0, 100)),
  color: Schema.optional(Schema.String.pipe(Schema.pattern(/^#[0-9a-fA-F]{6}$/)))
}).annotations({ identifier: "RiskLevel" })

/**
 * @since 0.1.0
 * @category models
 */
export type RiskLevel = typeof RiskLevel.Type

/**
 * What kind of body a department is, which decides the mediation it may conduct: judicial mediation only by a
 * court, administrative mediation only by an administrative body, people's mediation only by a people's
 * mediation committee.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Nature = Schema.Literal(
  "court",
  "procuratorate",
  "administrative",
  "peoplesMediation",
  "massOrganisation",
  "selfGovernance",
  "social"
).annotations({ identifier: "Nature" })

/**
 * @since 0.1.0
 * @category models
 */
export type Nature = typeof Nature.Type

/**
 * A kind of department (法院, 公安, 司法局 …) and its nature.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DepartmentKind = Schema.Struct({ id: Key, labels: Labels, nature: Nature }).annotations({
  identifier: "DepartmentKind"
})

/**
 * @since 0.1.0
 * @category models
 */
export type DepartmentKind = typeof DepartmentKind.Type

/**
 * A mediation type (调解类型) and the natures of the bodies allowed to conduct it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MediationType = Schema.Struct({
  id: Key,
  labels: Labels,
  performedBy: Schema.NonEmptyArray(Nature)
}).annotations({ identifier: "MediationType" })

/**
 * @since 0.1.0
 * @category models
 */
export type MediationType = typeof MediationType.Type

const l = (zhHans: string, zhHant: string, en: string, ko: string): Labels => ({
  "zh-Hans": zhHans,
  "zh-Hant": zhHant,
  en,
  ko
})

const defaultCaseKindsEntries = [
  { id: "dispute", labels: l("矛盾纠纷", "矛盾糾紛", "Dispute", "갈등·분쟁") },
  { id: "request", labels: l("群众诉求", "群眾訴求", "Public request", "민원 요청") },
  { id: "petition", labels: l("信访事项", "信訪事項", "Petition", "신방(청원) 사항") },
  { id: "hazard", labels: l("风险隐患", "風險隱患", "Hazard", "위험 요소") }
] as const satisfies ReadonlyArray<Entry>

/**
 * Default case kinds (事项类型).
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultCaseKinds: ReadonlyArray<Entry> = defaultCaseKindsEntries

/**
 * The ids of {@link defaultCaseKinds}: the keys of a configuration that leaves its case kinds out.
 *
 * @since 0.1.0
 * @category models
 */
export type DefaultCaseKind = (typeof defaultCaseKindsEntries)[number]["id"]

const defaultCategoriesEntries = [
  { id: "marriageFamily", labels: l("婚姻家庭", "婚姻家庭", "Marriage and family", "혼인·가정") },
  { id: "neighbourhood", labels: l("邻里纠纷", "鄰里糾紛", "Neighbours", "이웃 분쟁") },
  { id: "housingHomestead", labels: l("房屋宅基地", "房屋宅基地", "Housing and homestead", "주택·택지") },
  { id: "contractDebt", labels: l("合同债务", "合同債務", "Contract and debt", "계약·채무") },
  { id: "businessOperation", labels: l("生产经营", "生產經營", "Business operations", "생산·경영") },
  { id: "damages", labels: l("损害赔偿", "損害賠償", "Damages", "손해배상") },
  { id: "forestLand", labels: l("山林土地", "山林土地", "Forest and land", "산림·토지") },
  {
    id: "landExpropriation",
    labels: l("征地拆迁", "徵地拆遷", "Land expropriation and demolition", "토지수용·철거")
  },
  { id: "environment", labels: l("环境污染", "環境污染", "Environmental pollution", "환경오염") },
  { id: "labourWages", labels: l("劳动争议欠薪", "勞動爭議欠薪", "Labour and unpaid wages", "노동분쟁·임금체불") },
  { id: "consumer", labels: l("消费纠纷", "消費糾紛", "Consumer", "소비 분쟁") },
  { id: "medical", labels: l("医疗纠纷", "醫療糾紛", "Medical", "의료 분쟁") },
  { id: "roadTraffic", labels: l("道路交通事故", "道路交通事故", "Road traffic accident", "도로교통사고") },
  { id: "propertyManagement", labels: l("物业纠纷", "物業糾紛", "Property management", "주택관리(물업) 분쟁") },
  { id: "other", labels: l("其他", "其他", "Other", "기타") }
] as const satisfies ReadonlyArray<Entry>

/**
 * Default dispute categories (纠纷类别).
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultCategories: ReadonlyArray<Entry> = defaultCategoriesEntries

/**
 * The ids of {@link defaultCategories}: the keys of a configuration that leaves its categories out.
 *
 * @since 0.1.0
 * @category models
 */
export type DefaultCategory = (typeof defaultCategoriesEntries)[number]["id"]

const defaultChannelsEntries = [
  { id: "walkIn", labels: l("群众来访", "群眾來訪", "Walk-in", "방문 접수") },
  { id: "hotline12345", labels: l("12345热线", "12345熱線", "12345 hotline", "12345 핫라인") },
  { id: "app", labels: l("App/小程序", "App/小程式", "App or mini-program", "앱·미니프로그램") },
  { id: "qrCode", labels: l("扫码反映", "掃碼反映", "QR code", "QR코드") },
  { id: "video", labels: l("视频接访", "視訊接訪", "Video call", "화상 접수") },
  { id: "gridDiscovery", labels: l("网格发现", "網格發現", "Grid patrol", "그리드 순찰 발견") },
  { id: "policeReferral", labels: l("110警情移交", "110警情移交", "Police (110) referral", "110 사건 이송") },
  { id: "courtReferral", labels: l("法院委派", "法院委派", "Court referral", "법원 위탁") },
  { id: "petitionReferral", labels: l("信访转送", "信訪轉送", "Petition referral", "신방 이송") },
  { id: "departmentPush", labels: l("部门推送", "部門推送", "Department push", "부문 이송") }
] as const satisfies ReadonlyArray<Entry>

/**
 * Default intake channels (受理渠道).
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultChannels: ReadonlyArray<Entry> = defaultChannelsEntries

/**
 * The ids of {@link defaultChannels}: the keys of a configuration that leaves its channels out.
 *
 * @since 0.1.0
 * @category models
 */
export type DefaultChannel = (typeof defaultChannelsEntries)[number]["id"]

const defaultComplexitiesEntries = [
  { id: "simple", labels: l("简易", "簡易", "Simple", "간단") },
  { id: "general", labels: l("一般", "一般", "General", "일반") },
  { id: "complex", labels: l("复杂", "複雜", "Complex", "복잡") }
] as const satisfies ReadonlyArray<Entry>

/**
 * Default complexity levels (繁简程度).
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultComplexities: ReadonlyArray<Entry> = defaultComplexitiesEntries

/**
 * The ids of {@link defaultComplexities}: the keys of a configuration that leaves its complexity levels out.
 *
 * @since 0.1.0
 * @category models
 */
export type DefaultComplexity = (typeof defaultComplexitiesEntries)[number]["id"]

const defaultRiskLevelsEntries = [
  { id: "none", labels: l("无风险", "無風險", "No risk", "위험 없음"), rank: 0, color: "#9e9e9e" },
  { id: "blue", labels: l("蓝色", "藍色", "Blue", "청색"), rank: 1, color: "#1e88e5" },
  { id: "yellow", labels: l("黄色", "黃色", "Yellow", "황색"), rank: 2, color: "#fbc02d" },
  { id: "red", labels: l("红色", "紅色", "Red", "적색"), rank: 3, color: "#e53935" }
] as const satisfies ReadonlyArray<RiskLevel>

/**
 * Default risk levels: 红/黄/蓝 plus none. `@fengqiao/plugins-risk` offers other presets.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultRiskLevels: ReadonlyArray<RiskLevel> = defaultRiskLevelsEntries

/**
 * The ids of {@link defaultRiskLevels}: the keys of a configuration that leaves its risk levels out.
 *
 * @since 0.1.0
 * @category models
 */
export type DefaultRiskLevel = (typeof defaultRiskLevelsEntries)[number]["id"]

const defaultMediationTypesEntries = [
  {
    id: "people",
    labels: l("人民调解", "人民調解", "People's mediation", "인민조정"),
    performedBy: ["peoplesMediation"]
  },
  {
    id: "administrative",
    labels: l("行政调解", "行政調解", "Administrative mediation", "행정조정"),
    performedBy: ["administrative"]
  },
  { id: "judicial", labels: l("司法调解", "司法調解", "Judicial mediation", "사법조정"), performedBy: ["court"] }
] as const satisfies ReadonlyArray<MediationType>

/**
 * The three mediation types (三调) and who may conduct each.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultMediationTypes: ReadonlyArray<MediationType> = defaultMediationTypesEntries

/**
 * The ids of {@link defaultMediationTypes}: the keys of a configuration that leaves its mediation types out.
 *
 * @since 0.1.0
 * @category models
 */
export type DefaultMediationType = (typeof defaultMediationTypesEntries)[number]["id"]

const defaultDispositionsEntries = [
  { id: "litigation", labels: l("引导诉讼", "引導訴訟", "Referred to litigation", "소송 안내") },
  { id: "arbitration", labels: l("引导仲裁", "引導仲裁", "Referred to arbitration", "중재 안내") },
  {
    id: "administrativeReview",
    labels: l("引导行政复议", "引導行政復議", "Referred to administrative review", "행정심판 안내")
  },
  { id: "explained", labels: l("解释说明", "解釋說明", "Explained", "해명·설명") },
  { id: "rejected", labels: l("不予支持", "不予支持", "Claim not supported", "청구 불인정") }
] as const satisfies ReadonlyArray<Entry>

/**
 * Default dispositions of a case closed without resolution (未化解的处理方式).
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultDispositions: ReadonlyArray<Entry> = defaultDispositionsEntries

/**
 * The ids of {@link defaultDispositions}: the keys of a configuration that leaves its dispositions out.
 *
 * @since 0.1.0
 * @category models
 */
export type DefaultDisposition = (typeof defaultDispositionsEntries)[number]["id"]

const defaultDepartmentKindsEntries = [
  { id: "court", labels: l("人民法院", "人民法院", "People's court", "인민법원"), nature: "court" },
  {
    id: "procuratorate",
    labels: l("人民检察院", "人民檢察院", "Procuratorate", "인민검찰원"),
    nature: "procuratorate"
  },
  { id: "police", labels: l("公安机关", "公安機關", "Police", "공안기관"), nature: "administrative" },
  { id: "justiceBureau", labels: l("司法局", "司法局", "Justice bureau", "사법국"), nature: "administrative" },
  { id: "petitionBureau", labels: l("信访局", "信訪局", "Petition bureau", "신방국"), nature: "administrative" },
  {
    id: "hrss",
    labels: l("人社局", "人社局", "Human resources and social security", "인력자원·사회보장국"),
    nature: "administrative"
  },
  { id: "civilAffairs", labels: l("民政局", "民政局", "Civil affairs", "민정국"), nature: "administrative" },
  {
    id: "naturalResources",
    labels: l("自然资源局", "自然資源局", "Natural resources", "자연자원국"),
    nature: "administrative"
  },
  { id: "housing", labels: l("住建局", "住建局", "Housing and construction", "주택건설국"), nature: "administrative" },
  {
    id: "marketRegulation",
    labels: l("市场监管局", "市場監管局", "Market regulation", "시장감독관리국"),
    nature: "administrative"
  },
  { id: "tax", labels: l("税务局", "稅務局", "Tax bureau", "세무국"), nature: "administrative" },
  {
    id: "townshipGovernment",
    labels: l("乡镇政府", "鄉鎮政府", "Township government", "향진 정부"),
    nature: "administrative"
  },
  { id: "womensFederation", labels: l("妇联", "婦聯", "Women's federation", "부녀연합회"), nature: "massOrganisation" },
  { id: "lawSociety", labels: l("法学会", "法學會", "Law society", "법학회"), nature: "social" },
  {
    id: "peoplesMediationCommittee",
    labels: l("人民调解委员会", "人民調解委員會", "People's mediation committee", "인민조정위원회"),
    nature: "peoplesMediation"
  },
  {
    id: "villageCommittee",
    labels: l("村（居）民委员会", "村（居）民委員會", "Village or residents' committee", "촌(주민)위원회"),
    nature: "selfGovernance"
  }
] as const satisfies ReadonlyArray<DepartmentKind>

/**
 * Default kinds of stationed department (入驻部门).
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultDepartmentKinds: ReadonlyArray<DepartmentKind> = defaultDepartmentKindsEntries

/**
 * The ids of {@link defaultDepartmentKinds}: the keys of a configuration that leaves its department kinds out.
 *
 * @since 0.1.0
 * @category models
 */
export type DefaultDepartmentKind = (typeof defaultDepartmentKindsEntries)[number]["id"]
