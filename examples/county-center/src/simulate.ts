/**
 * The simulation: generates a year of cases for a county centre and drives each one through the whole closed
 * loop (闭环) with the Promise API — 登记 → 受理 → 研判 → 分流 → 调处 (吹哨报到, 上报, 督办) → 办结 → 反馈 → 回访
 * → 归档 — with the roles of the default policy.
 *
 * Every case is a small process (an async generator) that yields the time of its next step; a scheduler resumes
 * the processes in global time order, so the whole centre moves through 2025 together (a duplicate can be merged
 * into a case that is still open, and cases registered in late December are still open at the year's end). Every
 * command carries an explicit `at` that never goes backwards for its case. All randomness comes from a seeded
 * PRNG, so a run is reproducible from its seed.
 */
import {
  type Actor,
  type Case,
  type CenterClient,
  type Command,
  Deadline,
  Errors,
  type Jurisdiction,
  type Lifecycle,
  Party
} from "@fengqiao/core"
import { performance } from "node:perf_hooks"
import { makeRandom, type Random } from "./random.js"

/**
 * Options of {@link simulate}.
 */
export interface SimulationOptions {
  /** How many cases to register (default 300). */
  readonly cases?: number | undefined
  /** The PRNG seed (default 2025). */
  readonly seed?: number | undefined
  /**
   * Called as the simulated year goes by (at most every 100 ms and once at the end): the share of the year done
   * (0 … 1) and the commands executed so far. For a progress bar.
   */
  readonly onProgress?: ((progress: { readonly share: number; readonly commands: number }) => void) | undefined
}

/**
 * A command that failed when it was expected to succeed.
 */
export interface Failure {
  readonly command: string
  readonly caseId: string
  readonly error: string
  readonly message: string
}

/**
 * What a simulation did.
 */
export interface SimulationStats {
  readonly seed: number
  /** Cases registered. */
  readonly cases: number
  /** Commands that succeeded. */
  readonly commands: number
  /** Commands attempted, including refusals. */
  readonly attempts: number
  /** Successful commands by command name. */
  readonly byCommand: Readonly<Record<string, number>>
  /** Successful commands by the acting role. */
  readonly byRole: Readonly<Record<string, number>>
  /** Actors that acted, by role. */
  readonly actorsByRole: Readonly<Record<string, number>>
  /** Refusals the simulation provoked on purpose to show a guard at work, by `Command:guard`. */
  readonly refusals: Readonly<Record<string, number>>
  /** Commands that failed although they should have succeeded (should be empty). */
  readonly failures: ReadonlyArray<Failure>
  /** Cases whose next step fell after the end of the simulated year. */
  readonly unfinished: number
  readonly elapsedMs: number
  /** The first and last instants of the simulated period. */
  readonly from: string
  readonly asOf: string
}

/**
 * The refusals the simulation provokes on purpose (`Command:guard`): a dispatcher first picks judicial mediation
 * for a people's mediation committee, and parties apply for judicial confirmation after the 30-day window.
 */
export const expectedRefusals: ReadonlySet<string> = new Set([
  "Dispatch:leadUnitMayMediate",
  "RequestJudicialConfirmation:judicialConfirmationEligible"
])

const HOUR = 3_600_000
const DAY = 86_400_000
const OFFSET = 8 * HOUR
const YEAR_START = Date.parse("2025-01-01T00:00:00+08:00")
const FIRST_REGISTRATION = Date.parse("2025-01-02T00:00:00+08:00")
const LAST_REGISTRATION = Date.parse("2025-12-31T00:00:00+08:00")
const YEAR_END = Date.parse("2025-12-31T23:59:59.999+08:00")

type Tier = "village" | "township" | "county"
type Kind = "dispute" | "request" | "petition" | "hazard"
type CommandInput = Command.CommandInput
type Person = Extract<Party.Party, { readonly _tag: "Person" }>

interface Village {
  readonly node: Jurisdiction.PlacedNode
  readonly township: Township
  readonly grids: ReadonlyArray<Jurisdiction.PlacedNode>
  readonly mediation: string | undefined
}

interface Township {
  readonly node: Jurisdiction.PlacedNode
  readonly villages: Array<Village>
  readonly mediation: string | undefined
  readonly government: string | undefined
}

interface Topology {
  readonly county: Jurisdiction.PlacedNode
  readonly townships: ReadonlyArray<Township>
  readonly villages: ReadonlyArray<Village>
  /** The first county-level department of each kind. */
  readonly countyUnit: (kind: string) => string | undefined
  readonly court: string
}

interface Route {
  readonly tier: Tier
  readonly node: string
  readonly lead: string
  readonly mediationType?: string | undefined
  readonly assisting: ReadonlyArray<string>
}

interface Plan {
  readonly index: number
  /** Assigned once the plans are sorted by registration time. */
  caseId: string
  readonly rng: Random
  readonly registeredAt: number
  readonly kind: Kind
  readonly channel: string
  readonly category: string
  readonly complexity: string
  readonly risk: { readonly level: string; readonly reason: string } | undefined
  readonly village: Village
  readonly place: string
  readonly registrar: Actor.Actor
  /** The intake officer who accepts (the registrar, or the village officer for a grid worker's report). */
  readonly acceptor: Actor.Actor
  readonly intakeTier: Tier | "grid"
  readonly parties: ReadonlyArray<Party.Party>
  readonly headcount: number
  readonly amount: number | undefined
  readonly description: string
  readonly preCategorised: boolean
  readonly language: "ko" | undefined
  readonly fate: "normal" | "reject" | "duplicate" | "withdraw"
  readonly duplicateOf: Plan | undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------------

const surnames = [
  ..."王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔"
]
const givenChars = [
  ..."秀英华明国建军玉兰芳丽伟强平刚桂春海志红金凤霞文德成林宝福生庆喜立新永长云敏静杰涛磊洋勇艳娟波峰辉鹏宇浩婷雪梅琴荣亮学东胜利会山清淑珍凯忠"
]
const companyStems = ["鑫源", "宏达", "丰泽", "兴业", "东方", "长盛", "恒通", "金禾", "北辰", "瑞丰", "华润", "永盛"]

const kindWeights: ReadonlyArray<readonly [Kind, number]> = [
  ["dispute", 62],
  ["request", 22],
  ["petition", 8],
  ["hazard", 8]
]

const channelWeights: Readonly<Record<Kind, ReadonlyArray<readonly [string, number]>>> = {
  dispute: [
    ["walkIn", 40],
    ["hotline12345", 12],
    ["app", 6],
    ["qrCode", 3],
    ["video", 2],
    ["gridDiscovery", 14],
    ["policeReferral", 10],
    ["courtReferral", 7],
    ["departmentPush", 6]
  ],
  request: [
    ["hotline12345", 40],
    ["walkIn", 25],
    ["app", 15],
    ["qrCode", 8],
    ["video", 2],
    ["gridDiscovery", 5],
    ["departmentPush", 5]
  ],
  petition: [["walkIn", 60], ["petitionReferral", 30], ["video", 10]],
  hazard: [["gridDiscovery", 75], ["hotline12345", 10], ["departmentPush", 10], ["app", 5]]
}

/** Categories weighted like real centres: neighbourhood and marriage/family disputes are the most common. */
const categoryWeights: Readonly<Record<Kind, ReadonlyArray<readonly [string, number]>>> = {
  dispute: [
    ["neighbourhood", 24],
    ["marriageFamily", 22],
    ["housingHomestead", 10],
    ["contractDebt", 9],
    ["labourWages", 7],
    ["forestLand", 6],
    ["damages", 5],
    ["roadTraffic", 4],
    ["propertyManagement", 4],
    ["businessOperation", 3],
    ["consumer", 2],
    ["landExpropriation", 2],
    ["environment", 2],
    ["medical", 1],
    ["other", 1]
  ],
  request: [
    ["other", 15],
    ["propertyManagement", 20],
    ["environment", 12],
    ["labourWages", 10],
    ["housingHomestead", 10],
    ["consumer", 8],
    ["forestLand", 5],
    ["businessOperation", 5]
  ],
  petition: [
    ["landExpropriation", 30],
    ["labourWages", 20],
    ["housingHomestead", 15],
    ["other", 15],
    ["forestLand", 10],
    ["contractDebt", 10]
  ],
  hazard: [["other", 20], ["environment", 25], ["housingHomestead", 25], ["forestLand", 20], ["roadTraffic", 10]]
}

const complexityWeights: Readonly<Record<Kind, ReadonlyArray<readonly [string, number]>>> = {
  dispute: [["simple", 35], ["general", 50], ["complex", 15]],
  request: [["simple", 50], ["general", 45], ["complex", 5]],
  petition: [["general", 50], ["complex", 50]],
  hazard: [["simple", 40], ["general", 50], ["complex", 10]]
}

const amountRange: Readonly<Record<string, readonly [number, number]>> = {
  contractDebt: [2_000, 300_000],
  labourWages: [3_000, 200_000],
  damages: [1_000, 80_000],
  roadTraffic: [2_000, 150_000],
  consumer: [200, 20_000],
  medical: [10_000, 300_000],
  businessOperation: [5_000, 500_000]
}

/** Categories whose respondent is usually an organisation, with the kind of organisation. */
const organisationRespondent: Readonly<Record<string, string>> = {
  labourWages: "建筑工程有限公司",
  propertyManagement: "物业服务有限公司",
  consumer: "农机销售有限公司",
  medical: "医院",
  businessOperation: "粮食贸易有限公司",
  environment: "牧业养殖场"
}

const disputeTemplates: Readonly<Record<string, ReadonlyArray<string>>> = {
  neighbourhood: [
    "{v}村民{a}反映，邻居{b}家屋顶排水管改道，雨水流入其院内，双方多次发生口角。",
    "{a}与邻居{b}因院墙边界和通行道路问题发生争执，要求调解。",
    "{a}反映楼上住户{b}家卫生间漏水，导致其家天棚受损，协商未果。"
  ],
  marriageFamily: [
    "{a}与配偶{b}因家庭琐事长期不和，{a}提出离婚并就子女抚养问题申请调解。",
    "{a}反映其子女{b}不履行赡养义务，要求调解赡养费问题。",
    "{a}与{b}因父母遗留房产的继承分配发生纠纷。"
  ],
  housingHomestead: [
    "{a}与{b}因宅基地界址不清发生纠纷，双方均称对方建房越界。",
    "{a}反映{b}翻建房屋遮挡其采光，要求拆除加高部分。"
  ],
  contractDebt: ["{a}称{b}借款{m}逾期未还，多次催要无果。", "{a}与{b}因农资买卖合同货款{m}结算发生争议。"],
  businessOperation: [
    "{a}与{b}因合伙经营水稻种植合作社的分红发生纠纷，涉及金额{m}。",
    "{a}反映{b}拖欠其粮食收购款{m}。"
  ],
  damages: [
    "{a}称{b}家饲养的牛羊毁坏其农田作物，要求赔偿损失{m}。",
    "{a}在{b}处务工时受伤，双方就赔偿金额{m}协商不成。"
  ],
  forestLand: ["{a}与{b}因承包林地四至边界不清发生争执。", "{a}反映{b}越界耕种其承包地，要求返还。"],
  landExpropriation: [
    "{a}等{h}名村民对{b}征收土地的补偿标准有异议，要求重新核定补偿款。",
    "{a}反映房屋征收安置补偿未落实到位，与{b}多次协商未果。"
  ],
  environment: ["{a}等{h}名村民反映{b}粪污直排，污染周边水井和农田。", "{a}反映{b}夜间作业噪音扰民。"],
  labourWages: [
    "{a}等{h}名工人反映{b}拖欠工资{m}，多次讨要未果。",
    "{a}与{b}因解除劳动合同的经济补偿金{m}发生争议。"
  ],
  consumer: ["{a}在{b}购买的农机存在质量问题，要求退换并赔偿{m}。", "{a}反映{b}售出的化肥质量不合格，要求赔偿{m}。"],
  medical: ["{a}认为其家属在{b}治疗过程中存在过错，要求赔偿{m}。"],
  roadTraffic: ["{a}与{b}驾驶的车辆在乡道发生碰撞，双方就车辆维修和医疗费用{m}协商不成。"],
  propertyManagement: [
    "{a}反映{b}服务不到位，小区电梯频繁故障，双方因物业费收缴发生纠纷。",
    "{a}与{b}因车位管理费收取标准发生争议。"
  ],
  other: ["{a}与{b}因共用水井的使用问题发生争执。"]
}

const requestTemplates: Readonly<Record<string, ReadonlyArray<string>>> = {
  propertyManagement: [
    "{a}反映{v}冬季供暖温度不达标，要求协调供热单位解决。",
    "{a}反映{v}小区电梯停运多日，要求尽快维修。"
  ],
  environment: ["{a}反映{v}生活垃圾清运不及时，影响环境卫生。", "{a}反映{v}附近河道有人倾倒建筑垃圾。"],
  labourWages: ["{a}咨询灵活就业人员社保缴费办法并要求协助办理。"],
  housingHomestead: ["{a}反映其房屋不动产登记证办理进度缓慢，要求协调。"],
  consumer: ["{a}反映{v}超市销售过期食品，要求查处。"],
  forestLand: ["{a}反映承包地确权面积与实际不符，要求核实。"],
  businessOperation: ["{a}反映其经营的农家乐办理营业执照遇到困难，要求指导。"],
  other: [
    "{a}反映{v}村道路灯损坏，夜间出行不便。",
    "{a}反映{v}自来水管网漏水，已停水两天。",
    "{a}咨询农村低保申请条件并要求协助办理。"
  ]
}

const hazardTemplates: Readonly<Record<string, ReadonlyArray<string>>> = {
  housingHomestead: ["网格员巡查发现{v}一处老旧房屋墙体开裂，存在倒塌隐患。"],
  environment: ["网格员巡查发现{v}河道堤坝出现渗水，汛期存在安全隐患。"],
  forestLand: ["网格员巡查发现{v}林区有违规用火现象，存在森林火灾隐患。"],
  roadTraffic: ["网格员巡查发现{v}村道桥梁护栏缺失，存在交通安全隐患。"],
  other: ["网格员走访发现{v}村民{a}与{b}矛盾激化，有扬言报复倾向，存在民转刑风险。"]
}

const petitionTemplates: Readonly<Record<string, ReadonlyArray<string>>> = {
  landExpropriation: ["{a}等{h}人就土地征收补偿问题来访，认为{b}补偿标准过低，要求提高。"],
  labourWages: ["{a}反映其工伤认定及待遇问题长期未解决。"],
  housingHomestead: ["{a}反映其宅基地确权登记存在错误，要求更正。"],
  forestLand: ["{a}反映林权证登记面积与实际不符，多次反映未果。"],
  contractDebt: ["{a}反映{b}拖欠工程款{m}，要求政府协调解决。"],
  other: ["{a}反映村务公开不到位，要求公开集体资金使用情况。"]
}

const agreementTemplates = [
  "双方达成书面调解协议，{b}同意于15日内履行。",
  "经调解，双方自愿达成协议并当场履行完毕。",
  "{b}同意分期支付款项，双方签订人民调解协议书。",
  "双方互谅互让，约定各自承担相应责任，不再追究。"
]

const dispositionNotes: Readonly<Record<string, string>> = {
  litigation: "调解不成，已告知当事人可向人民法院提起诉讼。",
  arbitration: "已引导当事人向劳动人事争议仲裁委员会申请仲裁。",
  administrativeReview: "已告知当事人申请行政复议的途径和期限。",
  explained: "已向申请人解释相关政策和法律规定，申请人表示理解。",
  rejected: "诉求缺乏政策和法律依据，依法不予支持，已书面告知。"
}

const rejections = [
  { reason: "该事项已进入诉讼程序，依法不予受理。", redirectTo: "舒兰市人民法院" },
  { reason: "属于劳动人事争议仲裁受理范围。", redirectTo: "舒兰市劳动人事争议仲裁委员会" },
  { reason: "涉及商品质量投诉，不属于本中心受理范围。", redirectTo: "12315市场监管投诉举报热线" },
  { reason: "同一信访事项已经复核终结，不再重新受理。", redirectTo: "依法通过诉讼途径解决" }
]

/** Which department a handler summons (吹哨) for a category, by department kind, in order of preference. */
const summonKinds: Readonly<Record<string, ReadonlyArray<string>>> = {
  neighbourhood: ["police", "justiceBureau"],
  marriageFamily: ["womensFederation", "civilAffairs"],
  housingHomestead: ["naturalResources", "housing"],
  forestLand: ["naturalResources"],
  landExpropriation: ["naturalResources", "petitionBureau"],
  environment: ["naturalResources", "police"],
  labourWages: ["hrss"],
  propertyManagement: ["housing"],
  roadTraffic: ["police"],
  damages: ["police", "lawSociety"],
  contractDebt: ["court", "lawSociety"],
  businessOperation: ["lawSociety"],
  consumer: ["justiceBureau"],
  medical: ["justiceBureau", "lawSociety"],
  other: ["justiceBureau"]
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

const hash = (s: string): number => {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 16777619)
  }
  return h >>> 0
}

const iso = (ms: number): string => new Date(ms).toISOString()

const fill = (template: string, values: Readonly<Record<string, string>>): string =>
  template.replace(/\{(\w)\}/g, (whole, key: string) => values[key] ?? whole)

const yuan = (n: number): string => `${n.toLocaleString("en-US")}元`

const personName = (rng: Random): string =>
  rng.pick(surnames) + rng.pick(givenChars) + (rng.chance(0.7) ? rng.pick(givenChars) : "")

const residentId = (rng: Random, male: boolean): string => {
  const birth = new Date(Date.UTC(rng.int(1950, 2002), rng.int(0, 11), rng.int(1, 28)))
  const ymd = birth.toISOString().slice(0, 10).replaceAll("-", "")
  const seq = rng.int(0, 99) * 10 + (male ? 1 : 0) + rng.int(0, 4) * 2
  const first17 = `220283${ymd}${String(seq).padStart(3, "0")}`
  return first17 + Party.residentIdCheckChar(first17)
}

const mobile = (rng: Random): string =>
  `1${rng.pick(["3", "5", "8", "9"])}${String(rng.int(0, 999_999_999)).padStart(9, "0")}`

const creditCode = (rng: Random): string => {
  const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
  let body = ""
  for (let i = 0; i < 9; i++) body += chars[rng.int(0, chars.length - 1)]
  const first17 = `91220283${body}`
  return first17 + Party.creditCodeCheckChar(first17)
}

const makePerson = (rng: Random, role: Person["role"]): Person => {
  const male = rng.chance(0.5)
  const ethnicity = rng.weighted<string>([["汉族", 85], ["满族", 8], ["朝鲜族", 5], ["回族", 2]])
  return {
    _tag: "Person",
    role,
    name: personName(rng),
    sex: male ? "male" : "female",
    ethnicity,
    ...(rng.chance(0.8) ? { idNumber: residentId(rng, male) } : {}),
    ...(rng.chance(0.9) ? { phone: mobile(rng) } : {}),
    ...(ethnicity === "朝鲜族" && rng.chance(0.4) ? { preferredLanguage: "ko" as const } : {})
  }
}

/** A minimal binary heap of scheduled process steps, ordered by time then by insertion. */
class Agenda<A> {
  private readonly items: Array<{ readonly at: number; readonly seq: number; readonly value: A }> = []
  private seq = 0

  get size(): number {
    return this.items.length
  }

  push(at: number, value: A): void {
    const items = this.items
    items.push({ at, seq: this.seq++, value })
    let i = items.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(i, p)) break
      this.swap(i, p)
      i = p
    }
  }

  pop(): { readonly at: number; readonly value: A } | undefined {
    const items = this.items
    const top = items[0]
    if (top === undefined) return undefined
    const last = items.pop()!
    if (items.length > 0) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < items.length && this.less(l, m)) m = l
        if (r < items.length && this.less(r, m)) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top
  }

  private less(i: number, j: number): boolean {
    const a = this.items[i]!
    const b = this.items[j]!
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  private swap(i: number, j: number): void {
    const t = this.items[i]!
    this.items[i] = this.items[j]!
    this.items[j] = t
  }
}

/** The first office moment (08:30–17:30 on a working day, by the centre's calendar) at or after a time. */
type Office = (ms: number, rng: Random) => number

const makeOffice = (calendar: CenterClient.CenterClient["config"]["calendar"]): Office => {
  const workingDay = (day: number): boolean => {
    const r = calendar.isWorkingDayNumber(day)
    return r._tag === "Right" ? r.right : true
  }
  return (ms, rng) => {
    let day = Math.floor((ms + OFFSET) / DAY)
    let minute = (ms + OFFSET - day * DAY) / 60_000
    if (minute < 510) minute = 510 + rng.int(0, 60)
    else if (minute > 1050) {
      day++
      minute = 510 + rng.int(0, 90)
    }
    if (!workingDay(day)) {
      while (!workingDay(day)) day++
      minute = 510 + rng.int(0, 90)
    }
    return day * DAY + minute * 60_000 - OFFSET
  }
}

/** A case process: it does its commands and yields the time of its next step. */
type Process = AsyncGenerator<number, void, undefined>

// ---------------------------------------------------------------------------------------------------------------
// Topology, actors, routing
// ---------------------------------------------------------------------------------------------------------------

const topologyOf = (center: CenterClient.CenterClient): Topology => {
  const { tree, departments } = center.config
  const levels = tree.levels.map((l) => l.id)
  if (levels.join(",") !== "county,township,village,grid") {
    throw new Error(`the simulation needs the county4 levels (county → township → village → grid); got ${levels}`)
  }
  const units = new Map<string, string>()
  for (const d of departments.values()) {
    const key = `${d.jurisdiction}:${d.kind}`
    if (!units.has(key)) units.set(key, d.id)
  }
  const unitAt = (node: string, kind: string): string | undefined => units.get(`${node}:${kind}`)
  const county = tree.root
  const townships: Array<Township> = []
  const villages: Array<Village> = []
  for (const t of tree.children(county.code)) {
    const township: Township = {
      node: t,
      villages: [],
      mediation: unitAt(t.code, "peoplesMediationCommittee"),
      government: unitAt(t.code, "townshipGovernment")
    }
    townships.push(township)
    for (const v of tree.children(t.code)) {
      const village: Village = {
        node: v,
        township,
        grids: tree.children(v.code),
        mediation: unitAt(v.code, "peoplesMediationCommittee")
      }
      township.villages.push(village)
      villages.push(village)
    }
  }
  if (villages.length === 0) throw new Error("the jurisdiction tree has no villages")
  const court = unitAt(county.code, "court")
  if (court === undefined) throw new Error("the simulation needs a court (kind court) stationed at the county")
  return { county, townships, villages, countyUnit: (kind) => unitAt(county.code, kind), court }
}

const makeActors = (center: CenterClient.CenterClient) => {
  const cache = new Map<string, Actor.Actor>()
  const get = (
    id: string,
    name: string,
    role: string,
    jurisdiction: string,
    department?: string
  ): Actor.Actor => {
    let a = cache.get(id)
    if (a === undefined) {
      a = { id, name, roles: [role], jurisdiction, ...(department !== undefined ? { department } : {}) }
      cache.set(id, a)
    }
    return a
  }
  const tree = center.config.tree
  const root = tree.root
  const nameOf = (code: string) => tree.get(code)?.name ?? code
  return {
    all: cache,
    /** 受理员 at a county, township or village centre (一窗受理). */
    intake: (node: string) => get(`intake-${node}`, `${nameOf(node)}综治中心受理员`, "intake", node),
    /** 网格员 of a grid. */
    gridWorker: (grid: string) => get(`grid-${grid}`, `${nameOf(grid)}网格员`, "gridWorker", grid),
    /** 研判分流员 at the county or a township centre. */
    dispatcher: (node: string) => get(`dispatch-${node}`, `${nameOf(node)}综治中心研判分流员`, "dispatcher", node),
    /** 承办人 of a department, acting for it. */
    handler: (department: string) => {
      const d = center.config.departments.get(department)
      if (d === undefined) throw new Error(`unknown department ${department}`)
      return get(`handler-${department}`, `${d.name}承办人`, "handler", d.jurisdiction, department)
    },
    /** 督办员 at the county centre. */
    supervisor: () => get(`supervise-${root.code}`, `${root.name}综治中心督办员`, "supervisor", root.code),
    /** 回访员 at the county or a township centre. */
    followUp: (node: string) => get(`followup-${node}`, `${nameOf(node)}综治中心回访员`, "followUp", node),
    /** 档案员 at the county centre. */
    archivist: () => get(`archive-${root.code}`, `${root.name}综治中心档案员`, "archivist", root.code),
    /** 综治中心主任: reads everything, writes nothing. */
    viewer: () => get(`leader-${root.code}`, `${root.name}综治中心主任`, "viewer", root.code)
  }
}

type Actors = ReturnType<typeof makeActors>

/**
 * A county-level reader for queries and reports: the centre's director with the `viewer` role.
 */
export const countyViewer = (center: CenterClient.CenterClient): Actor.Actor => makeActors(center).viewer()

const villageable = new Set(["neighbourhood", "marriageFamily", "housingHomestead", "damages", "forestLand", "other"])

/** 研判: where the case is handled at first. */
const initialTier = (plan: Plan): Tier => {
  if (plan.channel === "courtReferral" || plan.kind === "petition") return "county"
  if (plan.kind === "request") {
    return ["labourWages", "propertyManagement"].includes(plan.category)
      ? "county"
      : "township"
  }
  if (plan.kind === "hazard") return plan.risk?.level === "red" ? "county" : "township"
  if (
    plan.risk?.level === "red" || plan.category === "landExpropriation" || plan.category === "medical" ||
    (plan.complexity === "complex" && (plan.amount ?? 0) > 100_000)
  ) return "county"
  if (
    plan.village.mediation !== undefined && plan.complexity !== "complex" && villageable.has(plan.category) &&
    plan.rng.chance(0.7)
  ) return "village"
  return "township"
}

/** 分流: the lead unit and mediation type that fit a tier (三调联动: people's, administrative, judicial). */
const routeAt = (topology: Topology, plan: Plan, tier: Tier): Route => {
  const rng = plan.rng
  const unit = (kind: string) => topology.countyUnit(kind)
  const justice = unit("justiceBureau") ?? unit("petitionBureau") ?? topology.court
  const countyMediation = unit("peoplesMediationCommittee")
  const women = unit("womensFederation")
  const assist = (...ids: ReadonlyArray<string | undefined>) => ids.filter((x): x is string => x !== undefined)
  const township = plan.village.township
  if (tier === "village" && plan.village.mediation !== undefined) {
    return {
      tier,
      node: plan.village.node.code,
      lead: plan.village.mediation,
      mediationType: "people",
      assisting: plan.category === "marriageFamily" && rng.chance(0.2) ? assist(women) : []
    }
  }
  if (tier !== "county" && (township.mediation !== undefined || township.government !== undefined)) {
    const node = township.node.code
    if (plan.kind === "request" || plan.kind === "hazard") {
      return { tier: "township", node, lead: township.government ?? township.mediation!, assisting: [] }
    }
    const administrativeFirst = ["landExpropriation", "forestLand", "environment", "housingHomestead"].includes(
      plan.category
    )
    const useGovernment = township.government !== undefined &&
      (township.mediation === undefined || rng.chance(administrativeFirst ? 0.6 : 0.2))
    const lead = useGovernment ? township.government! : township.mediation!
    const assisting = plan.category === "marriageFamily" && rng.chance(0.3)
      ? assist(women)
      : plan.category === "labourWages"
      ? assist(unit("hrss"))
      : plan.complexity === "complex" && rng.chance(0.3)
      ? assist(unit("lawSociety"))
      : []
    return { tier: "township", node, lead, mediationType: useGovernment ? "administrative" : "people", assisting }
  }
  const node = topology.county.code
  if (plan.channel === "courtReferral") {
    return { tier: "county", node, lead: topology.court, mediationType: "judicial", assisting: [] }
  }
  if (plan.kind === "petition") {
    return {
      tier: "county",
      node,
      lead: unit("petitionBureau") ?? justice,
      mediationType: "administrative",
      assisting: []
    }
  }
  const byCategory: Readonly<Record<string, string>> = {
    labourWages: "hrss",
    landExpropriation: "naturalResources",
    forestLand: "naturalResources",
    housingHomestead: "housing",
    propertyManagement: "housing",
    roadTraffic: "police"
  }
  const bureauKind = byCategory[plan.category]
  const bureau = bureauKind === undefined ? undefined : unit(bureauKind)
  if (plan.kind === "hazard" && plan.category === "other") {
    return { tier: "county", node, lead: unit("police") ?? justice, assisting: [] }
  }
  if (plan.kind === "request" || plan.kind === "hazard") {
    return { tier: "county", node, lead: bureau ?? justice, assisting: [] }
  }
  if (bureau !== undefined) {
    return { tier: "county", node, lead: bureau, mediationType: "administrative", assisting: [] }
  }
  if (["contractDebt", "damages", "businessOperation", "consumer"].includes(plan.category) && rng.chance(0.5)) {
    return {
      tier: "county",
      node,
      lead: topology.court,
      mediationType: "judicial",
      assisting: countyMediation !== undefined && rng.chance(0.3) ? [countyMediation] : []
    }
  }
  if (countyMediation !== undefined) {
    return {
      tier: "county",
      node,
      lead: countyMediation,
      mediationType: "people",
      assisting: plan.category === "marriageFamily" ? assist(women) : []
    }
  }
  return { tier: "county", node, lead: justice, mediationType: "administrative", assisting: [] }
}

/** 改派: another unit that fits when the first one sends the case back (退单). */
const alternativeRoute = (topology: Topology, plan: Plan, route: Route): Route | undefined => {
  const township = plan.village.township
  const countyMediation = topology.countyUnit("peoplesMediationCommittee")
  const justice = topology.countyUnit("justiceBureau")
  const base = { tier: route.tier, node: route.node, assisting: [] as ReadonlyArray<string> }
  if (route.lead === township.government && township.mediation !== undefined) {
    return { ...base, lead: township.mediation, mediationType: "people" }
  }
  if (route.lead === township.mediation && township.government !== undefined) {
    return { ...base, lead: township.government, mediationType: "administrative" }
  }
  if (route.lead === plan.village.mediation && township.mediation !== undefined) {
    return { ...base, lead: township.mediation, mediationType: "people" }
  }
  if (route.tier === "county" && route.lead !== countyMediation && countyMediation !== undefined) {
    return { ...base, lead: countyMediation, mediationType: "people" }
  }
  if (route.tier === "county" && route.lead === countyMediation && justice !== undefined) {
    return { ...base, lead: justice, mediationType: "administrative" }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Case plans
// ---------------------------------------------------------------------------------------------------------------

const makePlans = (
  center: CenterClient.CenterClient,
  topology: Topology,
  actors: Actors,
  office: Office,
  n: number,
  seed: number
): Array<Plan> => {
  const rng = makeRandom(seed)
  const times: Array<number> = []
  for (let i = 0; i < n; i++) times.push(rng.between(FIRST_REGISTRATION, LAST_REGISTRATION))
  times.sort((a, b) => a - b)
  const plans: Array<Plan> = []
  for (const [i, base] of times.entries()) {
    const caseRng = makeRandom(hash(`${seed}:${i}`))
    const duplicateOf = i > 5 && caseRng.chance(0.04)
      ? plans.slice(-Math.min(10, plans.length)).find((p) => p.fate === "normal" && p.kind !== "petition")
      : undefined
    const kind: Kind = duplicateOf?.kind ?? caseRng.weighted(kindWeights)
    const channel = duplicateOf !== undefined ? "hotline12345" : caseRng.weighted(channelWeights[kind])
    const category = duplicateOf?.category ?? caseRng.weighted(categoryWeights[kind])
    const village = duplicateOf?.village ?? caseRng.pick(topology.villages)
    const grid = caseRng.pick(village.grids.length > 0 ? village.grids : [village.node])
    const township = village.township
    let intakeTier: Plan["intakeTier"]
    if (channel === "gridDiscovery") intakeTier = "grid"
    else if (channel === "walkIn") {
      intakeTier = kind === "petition"
        ? caseRng.weighted<Tier>([["county", 60], ["township", 40]])
        : caseRng.weighted<Tier>([["village", 35], ["township", 45], ["county", 20]])
    } else if (channel === "policeReferral") intakeTier = caseRng.chance(0.7) ? "township" : "county"
    else intakeTier = "county"
    const registrar = intakeTier === "grid"
      ? actors.gridWorker(grid.code)
      : actors.intake(
        intakeTier === "village"
          ? village.node.code
          : intakeTier === "township"
          ? township.node.code
          : topology.county.code
      )
    const acceptor = intakeTier === "grid" ? actors.intake(village.node.code) : registrar
    const complexity = caseRng.weighted(complexityWeights[kind])
    const range = amountRange[category]
    const amount = range !== undefined && caseRng.chance(0.85)
      ? Math.round(caseRng.between(range[0], range[1]) / 100) * 100
      : undefined
    const group = (category === "labourWages" && caseRng.chance(0.25)) ||
      (category === "landExpropriation" && caseRng.chance(0.5)) || (category === "environment" && caseRng.chance(0.3))
    const headcount = group ? caseRng.int(5, 40) : 1
    const riskDraw = caseRng.next()
    const risk = group && caseRng.chance(0.5)
      ? { level: "yellow", reason: `群体性诉求，涉及${headcount}人` }
      : kind === "hazard" && category === "other"
      ? { level: "red", reason: "有扬言报复倾向，存在民转刑风险" }
      : riskDraw < 0.02 && kind === "dispute"
      ? { level: "red", reason: "当事人情绪激动，多次报警，存在民转刑风险" }
      : riskDraw < 0.1
      ? { level: "yellow", reason: "矛盾有激化苗头，需重点关注" }
      : riskDraw < 0.25
      ? { level: "blue", reason: "矛盾初现，需跟踪化解" }
      : undefined
    const applicant = makePerson(caseRng, "applicant")
    const parties: Array<Party.Party> = [applicant]
    if (group) {
      for (let k = 0; k < Math.min(2, headcount - 1); k++) parties.push(makePerson(caseRng, "applicant"))
    }
    const orgKind = organisationRespondent[category]
    let respondentName = "有关单位"
    if (category === "landExpropriation") {
      respondentName = township.government !== undefined
        ? center.config.departments.get(township.government)!.name
        : `${township.node.name}人民政府`
      parties.push({ _tag: "Organisation", role: "respondent", name: respondentName })
    } else if (orgKind !== undefined && (kind !== "request" || caseRng.chance(0.3))) {
      respondentName = `舒兰市${caseRng.pick(companyStems)}${orgKind}`
      parties.push({
        _tag: "Organisation",
        role: "respondent",
        name: respondentName,
        ...(caseRng.chance(0.6) ? { creditCode: creditCode(caseRng) } : {})
      })
    } else if (kind === "dispute" || (kind === "hazard" && category === "other") || caseRng.chance(0.2)) {
      const respondent = makePerson(caseRng, "respondent")
      respondentName = respondent.name
      parties.push(respondent)
    }
    const templates = kind === "dispute"
      ? disputeTemplates[category]
      : kind === "request"
      ? requestTemplates[category]
      : kind === "hazard"
      ? hazardTemplates[category]
      : petitionTemplates[category]
    const template = caseRng.pick(templates ?? ["{a}反映{v}有关问题，要求协调解决。"])
    const description = (duplicateOf !== undefined ? "（重复反映）" : "") + fill(template, {
      a: applicant.name,
      b: respondentName,
      v: village.node.name,
      m: amount !== undefined ? yuan(amount) : "若干",
      h: String(headcount)
    })
    const officeChannel = ["walkIn", "policeReferral", "courtReferral", "petitionReferral", "departmentPush"]
    const midnight = Math.floor((base + OFFSET) / DAY) * DAY - OFFSET
    const atOffice = office(midnight + (8.5 + caseRng.between(0, 9)) * HOUR, caseRng)
    const registeredAt = officeChannel.includes(channel) && atOffice < YEAR_END
      ? atOffice
      : midnight + (7 + caseRng.between(0, 15)) * HOUR
    const fateDraw = caseRng.next()
    const fate: Plan["fate"] = duplicateOf !== undefined
      ? "duplicate"
      : fateDraw < 0.03
      ? "reject"
      : fateDraw < 0.05 && kind !== "hazard"
      ? "withdraw"
      : "normal"
    plans.push({
      index: i,
      caseId: "",
      rng: caseRng,
      registeredAt,
      kind,
      channel,
      category,
      complexity: group && complexity === "simple" ? "general" : complexity,
      risk,
      village,
      place: intakeTier === "grid" ? grid.code : caseRng.chance(0.3) ? grid.code : village.node.code,
      registrar,
      acceptor,
      intakeTier,
      parties,
      headcount: Math.max(headcount, parties.filter((p) => p._tag === "Person").length),
      amount,
      description,
      preCategorised: caseRng.chance(0.5),
      language: applicant.preferredLanguage === "ko" ? "ko" : undefined,
      fate,
      duplicateOf
    })
  }
  plans.sort((a, b) => a.registeredAt - b.registeredAt || a.index - b.index)
  for (const [i, p] of plans.entries()) p.caseId = `sl2025-${String(i + 1).padStart(5, "0")}`
  return plans
}

// ---------------------------------------------------------------------------------------------------------------
// The simulation
// ---------------------------------------------------------------------------------------------------------------

const openStatuses = new Set(["registered", "accepted", "assessed", "dispatched", "sentBack", "handling", "escalated"])

/**
 * Generates `options.cases` cases across 2025 and drives each through the closed loop on `center`, which must
 * have a county4 jurisdiction tree with a court stationed at the county (a people's mediation committee and a
 * government per township, and county bureaus by kind, are used when present). Resolves with what was done;
 * commands that fail unexpectedly are collected in `failures` (their case stops there) rather than thrown.
 */
export const simulate = async (
  center: CenterClient.CenterClient,
  options: SimulationOptions = {}
): Promise<SimulationStats> => {
  const n = options.cases ?? 300
  const seed = options.seed ?? 2025
  if (!Number.isInteger(n) || n < 0) throw new Error(`cases must be a non-negative integer, got ${n}`)
  const started = performance.now()
  const topology = topologyOf(center)
  const actors = makeActors(center)
  const office = makeOffice(center.config.calendar)
  const plans = makePlans(center, topology, actors, office, n, seed)

  const byCommand: Record<string, number> = {}
  const byRole: Record<string, number> = {}
  const refusals: Record<string, number> = {}
  const failures: Array<Failure> = []
  const acting = new Map<string, CommandInput["actor"]>()
  const cases = new Map<string, Case.Case>()
  let commands = 0
  let attempts = 0
  let unfinished = 0

  const bump = (r: Record<string, number>, k: string) => {
    r[k] = (r[k] ?? 0) + 1
  }

  /** Executes a command; returns the case after it, or undefined when it was refused. */
  const exec = async (command: CommandInput, expectedGuard?: Lifecycle.GuardName): Promise<Case.Case | undefined> => {
    attempts++
    try {
      const r = await center.execute(command)
      commands++
      bump(byCommand, command._tag)
      bump(byRole, command.actor.roles[0] ?? "?")
      acting.set(command.actor.id, command.actor)
      cases.set(r.caseId, r.case)
      if (expectedGuard !== undefined) {
        failures.push({
          command: command._tag,
          caseId: r.caseId,
          error: "NotRefused",
          message: `expected guard ${expectedGuard} to refuse it`
        })
      }
      return r.case
    } catch (e) {
      const caseId = "caseId" in command && command.caseId !== undefined ? command.caseId : "?"
      if (e instanceof Errors.GuardFailed && e.guard === expectedGuard) {
        bump(refusals, `${command._tag}:${e.guard}`)
        return undefined
      }
      const tag = typeof e === "object" && e !== null && "_tag" in e ? String(e._tag) : "Error"
      failures.push({ command: command._tag, caseId, error: tag, message: e instanceof Error ? e.message : String(e) })
      return undefined
    }
  }

  const mediatorsCache = new Map<string, ReadonlyArray<string>>()
  const mediatorsOf = (unit: string, rng: Random): Array<string> => {
    let pool = mediatorsCache.get(unit)
    if (pool === undefined) {
      const r = makeRandom(hash(`mediators:${unit}`))
      pool = [personName(r), personName(r), personName(r)]
      mediatorsCache.set(unit, pool)
    }
    return rng.chance(0.5) ? [rng.pick(pool)] : rng.shuffle(pool).slice(0, 2)
  }

  /** When the judicial-confirmation window (30 days by default, rolled past holidays) closes, by the rules. */
  const confirmationWindowCloses = (effectiveAt: string, c: Case.Case): number | undefined => {
    const rule = Deadline.findRule(center.config.deadlines, "judicialConfirmation", c)
    if (rule === undefined) return undefined
    const due = Deadline.dueAfter(center.config.calendar, center.config.utcOffsetMinutes, effectiveAt, rule.duration)
    return due._tag === "Right" ? Date.parse(due.right) : undefined
  }

  const dispatcherFor = (plan: Plan, tier: Tier) =>
    tier === "county" || plan.intakeTier === "county"
      ? actors.dispatcher(topology.county.code)
      : actors.dispatcher(plan.village.township.node.code)

  const summonTarget = (plan: Plan, lead: string): string | undefined => {
    for (const kind of summonKinds[plan.category] ?? []) {
      const d = topology.countyUnit(kind)
      if (d !== undefined && d !== lead) return d
    }
    const fallback = topology.countyUnit("justiceBureau") ?? topology.countyUnit("police")
    return fallback !== lead ? fallback : undefined
  }

  async function* caseProcess(plan: Plan): Process {
    const rng = plan.rng
    const caseId = plan.caseId
    const acceptor = plan.acceptor
    const supervisor = actors.supervisor()
    const archivist = actors.archivist()
    let t = plan.registeredAt
    let c = await exec({
      _tag: "Register",
      actor: plan.registrar,
      caseId,
      at: iso(t),
      kind: plan.kind,
      channel: plan.channel,
      place: plan.place,
      parties: plan.parties,
      headcount: plan.headcount,
      description: plan.description,
      occurredAt: iso(Math.max(YEAR_START, t - rng.between(0, 10) * DAY)),
      ...(plan.amount !== undefined ? { amountAtStake: plan.amount } : {}),
      ...(plan.preCategorised ? { category: plan.category } : {}),
      ...(plan.language !== undefined ? { language: plan.language } : {})
    })
    if (c === undefined) return

    const archive = async function*(): Process {
      t = office(t + rng.between(24, 96) * HOUR, rng)
      yield t
      await exec({ _tag: "Archive", actor: archivist, caseId, at: iso(t) })
    }

    // 受理 / 不予受理 / 并单
    t = plan.kind === "petition"
      ? office(t + rng.between(24, 240) * HOUR, rng)
      : plan.channel === "walkIn"
      ? t + rng.between(0.1, 1) * HOUR
      : office(t + rng.between(0.5, 20) * HOUR, rng)
    yield t
    if (plan.fate === "reject") {
      const r = rng.pick(rejections)
      if (await exec({ _tag: "Reject", actor: acceptor, caseId, at: iso(t), ...r }) === undefined) return
      yield* archive()
      return
    }
    const target = plan.duplicateOf === undefined ? undefined : cases.get(plan.duplicateOf.caseId)
    if (plan.fate === "duplicate" && target !== undefined && openStatuses.has(target.status)) {
      const merged = await exec({
        _tag: "Merge",
        actor: acceptor,
        caseId,
        at: iso(t),
        into: target.id,
        reason: `同一事项重复反映，并入案件${target.code}办理`
      })
      if (merged === undefined) return
      yield* archive()
      return
    }
    if (await exec({ _tag: "Accept", actor: acceptor, caseId, at: iso(t) }) === undefined) return

    // 研判
    let tier = initialTier(plan)
    let route = routeAt(topology, plan, tier)
    let dispatcher = dispatcherFor(plan, tier)
    t = office(t + rng.between(0.5, 6) * HOUR, rng)
    yield t
    const assessNote = tier === "village"
      ? "小事不出村：由村（社区）人民调解委员会就地化解"
      : tier === "township"
      ? "由乡镇（街道）综治中心组织调处"
      : "涉及多部门或风险较高，由市综治中心统筹分流"
    c = await exec({
      _tag: "Assess",
      actor: dispatcher,
      caseId,
      at: iso(t),
      category: plan.category,
      complexity: plan.complexity,
      handlingNode: route.node,
      note: assessNote,
      ...(plan.risk !== undefined ? { risk: plan.risk } : {})
    })
    if (c === undefined) return
    const withdrawEarly = plan.fate === "withdraw" && rng.chance(0.4)
    const withdraw = async function*(): Process {
      t = office(t + rng.between(2, 72) * HOUR, rng)
      yield t
      const w = await exec({
        _tag: "Withdraw",
        actor: acceptor,
        caseId,
        at: iso(t),
        reason: "申请人表示双方已自行协商解决，申请撤回。"
      })
      if (w !== undefined) yield* archive()
    }
    if (withdrawEarly) {
      yield* withdraw()
      return
    }

    // 分流交办 (with, now and then, a mis-route the guards refuse, and a send-back and re-dispatch)
    const dispatch = async function*(r: Route, d: Actor.Actor): AsyncGenerator<number, boolean, undefined> {
      t = office(t + rng.between(0.2, 4) * HOUR, rng)
      yield t
      if (r.mediationType === "people" && rng.chance(0.03)) {
        await exec({
          _tag: "Dispatch",
          actor: d,
          caseId,
          at: iso(t),
          leadUnit: r.lead,
          mediationType: "judicial"
        }, "leadUnitMayMediate")
      }
      return await exec({
        _tag: "Dispatch",
        actor: d,
        caseId,
        at: iso(t),
        leadUnit: r.lead,
        ...(r.mediationType !== undefined ? { mediationType: r.mediationType } : {}),
        ...(r.assisting.length > 0 ? { assistingUnits: r.assisting } : {})
      }) !== undefined
    }
    if (!(yield* dispatch(route, dispatcher))) return
    const alternative = plan.kind === "dispute" && rng.chance(0.05)
      ? alternativeRoute(topology, plan, route)
      : undefined
    if (alternative !== undefined) {
      t = office(t + rng.between(1, 24) * HOUR, rng)
      yield t
      const sent = await exec({
        _tag: "SendBack",
        actor: actors.handler(route.lead),
        caseId,
        at: iso(t),
        reason: "该事项不属于本单位职责范围，申请退单改派。"
      })
      if (sent === undefined) return
      t = office(t + rng.between(1, 8) * HOUR, rng)
      yield t
      route = alternative
      const re = await exec({
        _tag: "Redispatch",
        actor: dispatcher,
        caseId,
        at: iso(t),
        leadUnit: route.lead,
        reason: "根据退单意见改派",
        ...(route.mediationType !== undefined ? { mediationType: route.mediationType } : {})
      })
      if (re === undefined) return
    }

    let handler = actors.handler(route.lead)
    const startHandling = async function*(): AsyncGenerator<number, boolean, undefined> {
      t = plan.complexity === "simple"
        ? office(t + rng.between(0.2, 3) * HOUR, rng)
        : office(t + rng.between(1, 24) * HOUR, rng)
      yield t
      return await exec({ _tag: "StartHandling", actor: handler, caseId, at: iso(t) }) !== undefined
    }
    if (!(yield* startHandling())) return

    let rebounded = false
    let summonCount = 0
    let orderCount = 0
    let extended = false
    for (let round = 0;; round++) {
      // 调处: one handling phase at the current tier (sessions, 吹哨报到, 联合会商, 督办, 延期)
      const spanHours = plan.kind === "petition"
        ? rng.between(10, 50) * 24
        : plan.complexity === "simple"
        ? rng.between(1, 8)
        : plan.complexity === "general"
        ? rng.between(1, 8) * 24
        : rng.between(5, 25) * 24
      const phaseEnd = t + spanHours * HOUR
      const dueAt = c?.deadlines.handling?.dueAt
      if (
        !extended && dueAt !== undefined && Date.parse(dueAt) < phaseEnd && rng.chance(0.5) &&
        (c?.status === "handling")
      ) {
        const d = c.deadlines.handling!
        const rule = center.config.deadlines.find((x) => x.id === d.ruleId)
        if (rule?.extension !== undefined && d.extensions.length < rule.extension.maxTimes) {
          t = office(t + rng.between(1, 8) * HOUR, rng)
          yield t
          extended = true
          c = await exec({
            _tag: "ExtendDeadline",
            actor: supervisor,
            caseId,
            at: iso(t),
            deadline: "handling",
            amount: rule.extension.maxAmount,
            approver: "市综治中心分管副主任",
            reason: "案情复杂，需补充调查核实，经批准延期并已告知当事人。"
          })
          if (c === undefined) return
        }
      }
      if (rng.chance(plan.complexity === "complex" ? 0.25 : 0.08)) {
        const department = summonTarget(plan, route.lead)
        if (department !== undefined) {
          t = office(t + rng.between(2, 24) * HOUR, rng)
          yield t
          const summonsId = `${caseId}-S${++summonCount}`
          c = await exec({
            _tag: "SummonDepartment",
            actor: handler,
            caseId,
            at: iso(t),
            summonsId,
            department,
            reason: "矛盾涉及多部门职能，吹哨请相关部门到场协同处置。"
          })
          if (c === undefined) return
          t = office(t + rng.between(1, 24) * HOUR, rng)
          yield t
          c = await exec({
            _tag: "RecordReport",
            actor: actors.handler(department),
            caseId,
            at: iso(t),
            summonsId,
            note: "已派员到场报到，参与联合调处。"
          })
          if (c === undefined) return
        }
      }
      if (plan.complexity === "complex" && rng.chance(0.3)) {
        const others = [summonTarget(plan, route.lead), topology.countyUnit("justiceBureau")].filter(
          (x): x is string => x !== undefined && x !== route.lead
        )
        t = office(t + rng.between(4, 48) * HOUR, rng)
        yield t
        c = await exec({
          _tag: "ConveneConsultation",
          actor: handler,
          caseId,
          at: iso(t),
          departments: [route.lead, ...new Set(others)],
          conclusion: "各部门明确职责分工，形成联合化解方案。"
        })
        if (c === undefined) return
      }
      if (rng.chance(plan.risk?.level === "red" ? 0.8 : spanHours > 7 * 24 ? 0.25 : 0.03)) {
        t = office(t + rng.between(24, 96) * HOUR, rng)
        yield t
        const level = plan.risk?.level === "red" ? "order" : rng.chance(0.6) ? "reminder" : "warning"
        const orderId = `${caseId}-D${++orderCount}`
        c = await exec({
          _tag: "IssueSupervision",
          actor: supervisor,
          caseId,
          at: iso(t),
          orderId,
          level,
          dueAt: iso(t + 3 * DAY),
          note: level === "order"
            ? "红色风险事项，请主要负责人亲自包案，限期化解并报告。"
            : level === "warning"
            ? "该事项即将超期，请于期限内办结。"
            : "请加快办理进度，按时反馈。"
        })
        if (c === undefined) return
        t = office(t + rng.between(4, 60) * HOUR, rng)
        yield t
        c = await exec({
          _tag: "AnswerSupervision",
          actor: handler,
          caseId,
          at: iso(t),
          orderId,
          answer: "已落实包案责任人，正在加紧调处，将按期办结。"
        })
        if (c === undefined) return
      }

      const mediated = route.mediationType !== undefined && plan.kind !== "request" && plan.kind !== "hazard"
      const withdrawing = plan.fate === "withdraw" && round === 0
      const canEscalate = !withdrawing && plan.kind === "dispute" && tier !== "county" && !rebounded &&
        rng.chance(tier === "village" ? 0.12 : 0.06)
      const partyRefused = mediated && !canEscalate && !rebounded && rng.chance(0.02)
      const resolved = !partyRefused && (plan.kind === "petition"
        ? rng.chance(0.8)
        : plan.kind === "dispute"
        ? rng.chance(rebounded ? 0.92 : 0.96)
        : rng.chance(0.95))
      const sessions = !mediated
        ? 0
        : plan.complexity === "simple"
        ? 1
        : plan.complexity === "general"
        ? rng.int(1, 3)
        : rng.int(2, 4)
      for (let s = 0; s < sessions; s++) {
        const last = s === sessions - 1
        t = Math.max(t, office(t + (phaseEnd - t) / (sessions - s) * rng.between(0.6, 1), rng))
        yield t
        const result = !last || withdrawing
          ? "progress"
          : canEscalate
          ? "failed"
          : partyRefused
          ? "partyRefused"
          : resolved
          ? "agreement"
          : "failed"
        c = await exec({
          _tag: "RecordMediationSession",
          actor: handler,
          caseId,
          at: iso(t),
          mediators: mediatorsOf(route.lead, rng),
          result,
          summary: result === "progress"
            ? "听取双方意见，释法说理，约定再次调解。"
            : result === "agreement"
            ? "双方达成一致意见。"
            : result === "partyRefused"
            ? "被申请人明确表示拒绝调解。"
            : "双方分歧较大，调解未果。"
        })
        if (c === undefined) return
      }
      if (!mediated) {
        t = Math.max(t, office(phaseEnd, rng))
        yield t
      }

      // 上报 (逐级吹哨): village → township → county, then re-dispatch at the new tier
      if (canEscalate) {
        const upper: Tier = tier === "village" ? "township" : "county"
        const to = upper === "township" ? plan.village.township.node.code : topology.county.code
        t = office(t + rng.between(1, 24) * HOUR, rng)
        yield t
        c = await exec({
          _tag: "Escalate",
          actor: handler,
          caseId,
          at: iso(t),
          to,
          reason: upper === "township"
            ? "村级调解未果，当事人分歧较大，依程序上报乡镇（街道）综治中心。"
            : "涉及多部门职能交叉，乡镇层面难以化解，上报市综治中心统筹。"
        })
        if (c === undefined) return
        tier = upper
        route = routeAt(topology, plan, tier)
        dispatcher = dispatcherFor(plan, tier)
        if (rng.chance(0.5)) {
          t = office(t + rng.between(0.5, 6) * HOUR, rng)
          yield t
          c = await exec({
            _tag: "Assess",
            actor: dispatcher,
            caseId,
            at: iso(t),
            category: plan.category,
            complexity: "complex",
            risk: { level: "yellow", reason: "下级调解未果，矛盾有激化可能" },
            note: "上报后重新研判"
          })
          if (c === undefined) return
        }
        if (!(yield* dispatch(route, dispatcher))) return
        handler = actors.handler(route.lead)
        if (!(yield* startHandling())) return
        continue
      }

      if (withdrawing) {
        yield* withdraw()
        return
      }

      // 办结: resolved with an agreement (化解), or closed without resolution with a disposition
      t = office(t + rng.between(0.2, 4) * HOUR, rng)
      yield t
      const disposition = plan.kind === "petition"
        ? rng.chance(0.7) ? "explained" : "rejected"
        : plan.kind !== "dispute"
        ? "explained"
        : plan.category === "labourWages"
        ? "arbitration"
        : plan.category === "landExpropriation"
        ? "administrativeReview"
        : "litigation"
      const partyName = plan.parties.find((p) => p.role === "respondent")?.name ?? "对方"
      c = await exec({
        _tag: "RecordOutcome",
        actor: handler,
        caseId,
        at: iso(t),
        outcome: resolved
          ? {
            _tag: "Resolved",
            agreement: {
              summary: plan.kind === "request"
                ? "已协调相关单位解决诉求，申请人确认问题已解决。"
                : plan.kind === "hazard"
                ? "隐患已整改消除，经复查确认。"
                : plan.kind === "petition"
                ? "经调查核实并协调相关部门，已依法依规解决信访人合理诉求。"
                : fill(rng.pick(agreementTemplates), { b: partyName }),
              written: plan.kind === "dispute" ? rng.chance(0.9) : false
            }
          }
          : { _tag: "NotResolved", disposition, note: dispositionNotes[disposition]! }
      })
      if (c === undefined) return

      // 司法确认 of people's mediation agreements (within 30 days; some parties apply too late)
      const peoples = resolved && route.mediationType === "people" && plan.kind === "dispute"
      const lateConfirmation = peoples && rng.chance(0.03)
      if (peoples && !lateConfirmation && rng.chance(0.15)) {
        t = office(t + rng.between(1, 12) * DAY, rng)
        yield t
        c = await exec({
          _tag: "RequestJudicialConfirmation",
          actor: handler,
          caseId,
          at: iso(t),
          court: topology.court,
          note: "双方当事人共同申请对人民调解协议进行司法确认。"
        })
        if (c === undefined) return
      }

      // 反馈评价
      t = office(t + rng.between(4, 72) * HOUR, rng)
      yield t
      const rating = resolved
        ? rng.weighted<"satisfied" | "basicallySatisfied" | "dissatisfied">([
          ["satisfied", 85],
          ["basicallySatisfied", 12],
          ["dissatisfied", 3]
        ])
        : rng.weighted<"satisfied" | "basicallySatisfied" | "dissatisfied">([
          ["satisfied", 30],
          ["basicallySatisfied", 40],
          ["dissatisfied", 30]
        ])
      const followUpOfficer = actors.followUp(
        tier === "county" ? topology.county.code : plan.village.township.node.code
      )
      c = await exec({
        _tag: "GiveFeedback",
        actor: followUpOfficer,
        caseId,
        at: iso(t),
        rating,
        ...(rng.chance(0.4)
          ? {
            comment: rating === "satisfied"
              ? "调解员很耐心，问题解决了。"
              : rating === "basicallySatisfied"
              ? "基本解决，希望后续继续跟进。"
              : "对处理结果不满意。"
          }
          : {})
      })
      if (c === undefined) return
      const windowCloses = lateConfirmation && c.outcome?._tag === "Resolved"
        ? confirmationWindowCloses(c.outcome.agreement.effectiveAt, c)
        : undefined
      if (windowCloses !== undefined) {
        t = office(Math.max(t, windowCloses + rng.between(1, 10) * DAY), rng)
        yield t
        await exec({
          _tag: "RequestJudicialConfirmation",
          actor: handler,
          caseId,
          at: iso(t),
          court: topology.court
        }, "judicialConfirmationEligible")
      }

      // 回访: a rebound (反弹) reopens the case and it goes round again
      t = office(t + rng.between(7, 30) * DAY, rng)
      yield t
      const rebound = resolved && !rebounded && plan.kind === "dispute" && rng.chance(0.04)
      c = await exec({
        _tag: "RecordFollowUp",
        actor: followUpOfficer,
        caseId,
        at: iso(t),
        result: rebound ? "rebound" : "stable",
        note: rebound
          ? "回访发现对方未按协议履行，矛盾出现反弹，重新启动调处。"
          : "回访当事人，协议履行到位，矛盾未反弹。"
      })
      if (c === undefined) return
      if (rebound) {
        rebounded = true
        continue
      }
      yield* archive()
      return
    }
  }

  // The scheduler: resume the process whose next step is earliest; drop steps after the end of the year.
  const agenda = new Agenda<Process>()
  for (const plan of plans) agenda.push(plan.registeredAt, caseProcess(plan))
  let reported = 0
  for (let entry = agenda.pop(); entry !== undefined; entry = agenda.pop()) {
    if (options.onProgress !== undefined && performance.now() - reported >= 100) {
      reported = performance.now()
      options.onProgress({ share: Math.min(1, (entry.at - YEAR_START) / (YEAR_END - YEAR_START)), commands })
    }
    const step = await entry.value.next()
    if (step.done === true) continue
    if (step.value > YEAR_END) {
      unfinished++
      continue
    }
    agenda.push(step.value, entry.value)
  }

  options.onProgress?.({ share: 1, commands })
  const actorsByRole: Record<string, number> = {}
  for (const a of acting.values()) bump(actorsByRole, a.roles[0] ?? "?")
  return {
    seed,
    cases: plans.length,
    commands,
    attempts,
    byCommand,
    byRole,
    actorsByRole,
    refusals,
    failures,
    unfinished,
    elapsedMs: performance.now() - started,
    from: iso(YEAR_START),
    asOf: iso(YEAR_END)
  }
}
