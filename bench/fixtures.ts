/**
 * The workload shared by the benchmarks: a county centre (the same shape as the core tests' fixture) and a
 * deterministic list of cases, each a sequence of commands as a caller writes them (plain JSON-like objects,
 * times as ISO strings with the +08:00 offset). Nothing here is random, so every run does the same work.
 *
 * The times are in 2025, and the centre takes a caller's `at` only near its own clock (issue 21, 可信时间): the
 * benchmarks run every centre on a simulated clock set to each command's `at` before it is sent (`clock.ts`), and
 * import the workload as history on a clock standing at {@link importedAt}.
 */
import type { Actor, CenterConfig, Command } from "@fengqiao/core"

/** A small county centre: one county, two townships, three villages, grids and stationed departments. */
export const countyConfig: CenterConfig.CenterConfigInput = {
  id: "dunhua",
  name: "敦化市综治中心",
  jurisdictions: [
    { code: "222403", name: "敦化市", level: "county" },
    { code: "222403001", name: "胜利街道", level: "township", parent: "222403" },
    { code: "222403100", name: "大石头镇", level: "township", parent: "222403" },
    { code: "222403001001", name: "民主社区", level: "village", parent: "222403001" },
    { code: "222403100201", name: "大石头村", level: "village", parent: "222403100" },
    { code: "222403100202", name: "新华村", level: "village", parent: "222403100" },
    { code: "222403100201-G1", name: "大石头村第一网格", level: "grid", parent: "222403100201" },
    { code: "222403100201-G2", name: "大石头村第二网格", level: "grid", parent: "222403100201" }
  ],
  departments: [
    { id: "court", name: "敦化市人民法院", kind: "court", jurisdiction: "222403", stationing: { _tag: "Permanent" } },
    { id: "police", name: "敦化市公安局", kind: "police", jurisdiction: "222403", stationing: { _tag: "Permanent" } },
    {
      id: "justice",
      name: "敦化市司法局",
      kind: "justiceBureau",
      jurisdiction: "222403",
      stationing: { _tag: "Permanent" }
    },
    {
      id: "hrss",
      name: "敦化市人社局",
      kind: "hrss",
      jurisdiction: "222403",
      stationing: { _tag: "Rotating", weekdays: [1, 3] }
    },
    {
      id: "women",
      name: "敦化市妇联",
      kind: "womensFederation",
      jurisdiction: "222403",
      stationing: { _tag: "OnCall" }
    },
    {
      id: "dsMediation",
      name: "大石头镇人民调解委员会",
      kind: "peoplesMediationCommittee",
      jurisdiction: "222403100",
      stationing: { _tag: "Permanent" }
    },
    {
      id: "dstMediation",
      name: "大石头村人民调解委员会",
      kind: "peoplesMediationCommittee",
      jurisdiction: "222403100201",
      stationing: { _tag: "Permanent" }
    }
  ]
}

/** Who does what. Department staff act for their department (the `actorIsLeadUnit` guard checks it). */
export const actors = {
  countyIntake: { id: "intake-county", roles: ["intake", "dispatcher"], jurisdiction: "222403" },
  villageStaff: { id: "staff-dst", roles: ["intake", "dispatcher", "handler"], jurisdiction: "222403100201" },
  villageMediator: { id: "med-dst", roles: ["handler"], jurisdiction: "222403100201", department: "dstMediation" },
  townshipMediator: { id: "med-ds", roles: ["handler"], jurisdiction: "222403100", department: "dsMediation" },
  hrssOfficer: { id: "hrss-1", roles: ["handler"], jurisdiction: "222403", department: "hrss" },
  supervisor: { id: "sup-county", roles: ["supervisor"], jurisdiction: "222403" },
  followUp: { id: "fu-county", roles: ["followUp", "archivist"], jurisdiction: "222403" }
} satisfies Record<string, Actor.Actor>

const applicant = {
  _tag: "Person",
  role: "applicant",
  name: "张三",
  idNumber: "11010519491231002X",
  phone: "13812345678"
} as const
const respondent = { _tag: "Person", role: "respondent", name: "李四" } as const
const company = { _tag: "Organisation", role: "respondent", name: "敦化市某建筑工程有限公司" } as const

/** A command as a caller writes it. */
export type Input = Command.CommandInput

/** The kinds of case in the mix, with how many of every eight cases follow each. */
export type Script = "resolved" | "sentBack" | "supervised" | "rebound"

/** The order scripts come in: 4 resolved, 1 sent back and re-dispatched, 1 supervised petition, 1 rebound … */
export const mix: ReadonlyArray<Script> = [
  "resolved",
  "resolved",
  "sentBack",
  "resolved",
  "supervised",
  "resolved",
  "rebound",
  "resolved"
]

const HOUR = 3_600_000
const CHINA = 8 * HOUR

/** An instant as a caller in China writes it: `2025-03-03T09:00:00+08:00`. */
const local = (ms: number): string => `${new Date(ms + CHINA).toISOString().slice(0, 19)}+08:00`

/**
 * When the benchmarks import the workload as history (`importCases`): the centre's clock stands at this fixed time,
 * after every case of the workload (they all lie inside 2025), so every import records the same `recordedAt`.
 */
export const importedAt = "2026-01-05T09:00:00+08:00"

/** Case `i` starts 90 minutes after case `i - 1`, from Monday 2025-01-06 09:00 in China, all inside 2025. */
const startOf = (i: number): number => Date.parse("2025-01-06T09:00:00+08:00") + (i % 5000) * 90 * 60_000

const closeAndArchive = (
  on: { caseId: string },
  next: () => string,
  handler: Actor.Actor
): Array<Input> => [
  { _tag: "RecordMediationSession", ...on, actor: handler, at: next(), mediators: ["王调解员"], result: "agreement" },
  {
    _tag: "RecordOutcome",
    ...on,
    actor: handler,
    at: next(),
    outcome: { _tag: "Resolved", agreement: { summary: "双方达成协议，赔偿维修费500元" } }
  },
  { _tag: "GiveFeedback", ...on, actor: actors.followUp, at: next(), rating: "satisfied" },
  { _tag: "RecordFollowUp", ...on, actor: actors.followUp, at: next(), result: "stable" },
  { _tag: "Archive", ...on, actor: actors.followUp, at: next() }
]

/**
 * The commands of case number `i` (its script is `mix[i % 8]`), one hour apart. `prefix` makes the case id
 * unique per run when several runs share a store.
 */
export const caseInputs = (i: number, prefix = "c"): ReadonlyArray<Input> => {
  const caseId = `${prefix}-${i}`
  const on = { caseId }
  let t = startOf(i)
  const next = () => local(t += HOUR)
  const script = mix[i % mix.length]!
  const register = (extra: Partial<Extract<Input, { _tag: "Register" }>>): Input => ({
    _tag: "Register",
    caseId,
    actor: actors.villageStaff,
    at: local(t),
    kind: "dispute",
    channel: "walkIn",
    place: "222403100201",
    parties: [applicant, respondent],
    description: "邻里之间因楼上漏水发生纠纷，申请人要求赔偿维修费用",
    category: "neighbourhood",
    ...extra
  })
  switch (script) {
    case "resolved":
      return [
        register({}),
        { _tag: "Accept", ...on, actor: actors.villageStaff, at: next() },
        {
          _tag: "Assess",
          ...on,
          actor: actors.villageStaff,
          at: next(),
          category: "neighbourhood",
          complexity: "general"
        },
        {
          _tag: "Dispatch",
          ...on,
          actor: actors.villageStaff,
          at: next(),
          leadUnit: "dstMediation",
          mediationType: "people"
        },
        { _tag: "StartHandling", ...on, actor: actors.villageMediator, at: next() },
        {
          _tag: "RecordMediationSession",
          ...on,
          actor: actors.villageMediator,
          at: next(),
          mediators: ["王调解员", "赵调解员"],
          result: "progress",
          summary: "双方陈述意见，约定下周再谈"
        },
        ...closeAndArchive(on, next, actors.villageMediator)
      ]
    case "sentBack":
      return [
        register({ kind: "request", channel: "hotline12345", category: "contractDebt", amountAtStake: 12000 }),
        { _tag: "Accept", ...on, actor: actors.villageStaff, at: next() },
        {
          _tag: "Assess",
          ...on,
          actor: actors.villageStaff,
          at: next(),
          category: "contractDebt",
          complexity: "simple"
        },
        {
          _tag: "Dispatch",
          ...on,
          actor: actors.villageStaff,
          at: next(),
          leadUnit: "dstMediation",
          mediationType: "people"
        },
        {
          _tag: "SendBack",
          ...on,
          actor: actors.villageMediator,
          at: next(),
          reason: "涉及镇级合同，超出村调委会职权"
        },
        {
          _tag: "Redispatch",
          ...on,
          actor: actors.countyIntake,
          at: next(),
          leadUnit: "dsMediation",
          assistingUnits: ["justice"],
          mediationType: "people",
          reason: "改派镇调委会，司法所协助"
        },
        { _tag: "StartHandling", ...on, actor: actors.townshipMediator, at: next() },
        ...closeAndArchive(on, next, actors.townshipMediator)
      ]
    case "supervised":
      return [
        register({
          actor: actors.countyIntake,
          kind: "petition",
          channel: "walkIn",
          intakeNode: "222403",
          parties: [applicant, company],
          headcount: 12,
          category: "labourWages",
          amountAtStake: 86000
        }),
        { _tag: "Accept", ...on, actor: actors.countyIntake, at: next() },
        {
          _tag: "Assess",
          ...on,
          actor: actors.countyIntake,
          at: next(),
          category: "labourWages",
          complexity: "complex",
          risk: { level: "yellow", reason: "群体性讨薪，情绪激动" },
          handlingNode: "222403100"
        },
        {
          _tag: "Dispatch",
          ...on,
          actor: actors.countyIntake,
          at: next(),
          leadUnit: "hrss",
          assistingUnits: ["women"],
          mediationType: "administrative"
        },
        {
          _tag: "IssueSupervision",
          ...on,
          actor: actors.supervisor,
          at: next(),
          orderId: `${caseId}-ord-1`,
          level: "warning",
          dueAt: local(t + 72 * HOUR),
          note: "群体性讨薪，请三日内报告进展"
        },
        { _tag: "StartHandling", ...on, actor: actors.hrssOfficer, at: next() },
        {
          _tag: "SummonDepartment",
          ...on,
          actor: actors.hrssOfficer,
          at: next(),
          summonsId: `${caseId}-sum-1`,
          department: "women",
          reason: "协助做好女职工安抚工作"
        },
        {
          _tag: "RecordReport",
          ...on,
          actor: actors.hrssOfficer,
          at: next(),
          summonsId: `${caseId}-sum-1`,
          note: "已到场"
        },
        {
          _tag: "AnswerSupervision",
          ...on,
          actor: actors.hrssOfficer,
          at: next(),
          orderId: `${caseId}-ord-1`,
          answer: "已约谈企业负责人，制定支付计划"
        },
        {
          _tag: "RecordMediationSession",
          ...on,
          actor: actors.hrssOfficer,
          at: next(),
          mediators: ["刘科长"],
          result: "failed"
        },
        {
          _tag: "RecordOutcome",
          ...on,
          actor: actors.hrssOfficer,
          at: next(),
          outcome: { _tag: "NotResolved", disposition: "arbitration", note: "引导申请劳动仲裁" }
        },
        { _tag: "GiveFeedback", ...on, actor: actors.followUp, at: next(), rating: "basicallySatisfied" },
        { _tag: "RecordFollowUp", ...on, actor: actors.followUp, at: next(), result: "stable" },
        { _tag: "Archive", ...on, actor: actors.followUp, at: next() }
      ]
    case "rebound":
      return [
        register({}),
        { _tag: "Accept", ...on, actor: actors.villageStaff, at: next() },
        {
          _tag: "Assess",
          ...on,
          actor: actors.villageStaff,
          at: next(),
          category: "neighbourhood",
          complexity: "general"
        },
        {
          _tag: "Dispatch",
          ...on,
          actor: actors.villageStaff,
          at: next(),
          leadUnit: "dstMediation",
          mediationType: "people"
        },
        { _tag: "StartHandling", ...on, actor: actors.villageMediator, at: next() },
        {
          _tag: "RecordMediationSession",
          ...on,
          actor: actors.villageMediator,
          at: next(),
          mediators: ["王调解员"],
          result: "agreement"
        },
        {
          _tag: "RecordOutcome",
          ...on,
          actor: actors.villageMediator,
          at: next(),
          outcome: { _tag: "Resolved", agreement: { summary: "赔偿维修费500元" } }
        },
        {
          _tag: "GiveFeedback",
          ...on,
          actor: actors.followUp,
          at: next(),
          rating: "dissatisfied",
          comment: "仍在漏水"
        },
        { _tag: "RecordFollowUp", ...on, actor: actors.followUp, at: next(), result: "rebound", note: "漏水复发" },
        ...closeAndArchive(on, next, actors.villageMediator)
      ]
  }
}

/** The inputs of cases `0 … count - 1`, case by case. */
export const workload = (count: number, prefix = "c"): ReadonlyArray<ReadonlyArray<Input>> =>
  Array.from({ length: count }, (_, i) => caseInputs(i, prefix))

/** How many commands a workload has. */
export const commandCount = (w: ReadonlyArray<ReadonlyArray<unknown>>): number => w.reduce((n, c) => n + c.length, 0)
