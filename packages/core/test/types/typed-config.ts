/**
 * Type assertions, compiled by `pnpm typecheck` (never run): a configuration written as a constant types the keys of
 * the Promise client's commands, so a misspelt kind, channel, category, unit or mediation type does not compile; a
 * configuration loaded at run time accepts any string, as before. Every `@ts-expect-error` must be needed.
 */

import type { ConfigKeys } from "../../src/index.js"
import { type CenterConfig, createCenter, Examples } from "../../src/index.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T) => {}

const zh = (text: string) => ({ "zh-Hans": text })

/** A vendor's configuration, written as a constant. */
const config = {
  id: "xian",
  name: "某县综治中心",
  levels: [{ id: "county", labels: zh("县") }, { id: "township", labels: zh("乡镇") }],
  jurisdictions: [
    { code: "110101", name: "某县", level: "county" },
    { code: "110101001", name: "某镇", level: "township", parent: "110101" }
  ],
  departments: [
    { id: "court", name: "某县人民法院", kind: "court", jurisdiction: "110101", stationing: { _tag: "Permanent" } },
    {
      id: "committee",
      name: "某镇人民调解委员会",
      kind: "peoplesMediationCommittee",
      jurisdiction: "110101001",
      stationing: { _tag: "Permanent" }
    }
  ],
  caseKinds: [{ id: "dispute", labels: zh("矛盾纠纷") }, { id: "petition", labels: zh("信访事项") }],
  channels: [{ id: "walkIn", labels: zh("来访") }, { id: "hotline", labels: zh("热线") }],
  categories: [{ id: "neighbours", labels: zh("邻里") }, { id: "wages", labels: zh("欠薪") }]
} as const

const { admin } = Examples
const parties = [{ _tag: "Person", role: "applicant", name: "张三" }] as const

export const constantConfig = async () => {
  const center = await createCenter({ config })
  type Keys = ConfigKeys.KeysOf<typeof config>
  assertType<Equals<Keys["kind"], "dispute" | "petition">>(true)
  assertType<Equals<Keys["channel"], "walkIn" | "hotline">>(true)
  assertType<Equals<Keys["category"], "neighbours" | "wages">>(true)
  assertType<Equals<Keys["department"], "court" | "committee">>(true)
  // left out of the configuration: the defaults' keys
  assertType<Equals<Keys["complexity"], "simple" | "general" | "complex">>(true)
  assertType<Equals<Keys["mediationType"], "people" | "administrative" | "judicial">>(true)
  assertType<Equals<Keys["riskLevel"], "none" | "blue" | "yellow" | "red">>(true)

  const register = { actor: admin, place: "110101001", parties, description: "邻里漏水" } as const
  await center.register({ ...register, kind: "dispute", channel: "walkIn", category: "neighbours" })
  // @ts-expect-error a misspelt kind
  await center.register({ ...register, kind: "dipsute", channel: "walkIn" })
  // @ts-expect-error a channel of the default taxonomy this centre does not have
  await center.register({ ...register, kind: "dispute", channel: "hotline12345" })
  // @ts-expect-error a misspelt category
  await center.register({ ...register, kind: "dispute", channel: "walkIn", category: "neighbors" })
  await center.execute({ _tag: "Register", ...register, kind: "petition", channel: "hotline" })
  // @ts-expect-error through `execute` too
  await center.execute({ _tag: "Register", ...register, kind: "dispute", channel: "walkin" })

  const caseId = "c-1"
  await center.assess({ actor: admin, caseId, category: "wages", complexity: "simple", risk: { level: "red" } })
  // @ts-expect-error a risk level the centre does not have
  await center.assess({ actor: admin, caseId, category: "wages", complexity: "simple", risk: { level: "orange" } })
  await center.dispatch({
    actor: admin,
    caseId,
    leadUnit: "committee",
    assistingUnits: ["court"],
    mediationType: "people"
  })
  // @ts-expect-error a misspelt lead unit
  await center.dispatch({ actor: admin, caseId, leadUnit: "comittee" })
  // @ts-expect-error a misspelt mediation type
  await center.dispatch({ actor: admin, caseId, leadUnit: "committee", mediationType: "peoples" })
  await center.redispatch({ actor: admin, caseId, leadUnit: "court", assistingUnits: ["committee"], reason: "改派" })
  // @ts-expect-error an assisting unit that is not configured
  await center.redispatch({ actor: admin, caseId, leadUnit: "court", assistingUnits: ["police"], reason: "改派" })
  await center.summonDepartment({ actor: admin, caseId, department: "court", reason: "吹哨" })
  // @ts-expect-error a summoned department that is not configured
  await center.summonDepartment({ actor: admin, caseId, department: "police", reason: "吹哨" })
  await center.recordOutcome({
    actor: admin,
    caseId,
    outcome: { _tag: "NotResolved", disposition: "litigation", note: "引导诉讼" }
  })
  // @ts-expect-error a disposition the centre does not have
  await center.recordOutcome({ actor: admin, caseId, outcome: { _tag: "NotResolved", disposition: "sued", note: "" } })
  // fields that are not keys keep their types
  // @ts-expect-error headcount is a number
  await center.register({ ...register, kind: "dispute", channel: "walkIn", headcount: "3" })
}

export const inlineConfig = async () => {
  // written inline, the configuration is a constant too
  const center = await createCenter({
    config: {
      id: "inline",
      name: "某中心",
      jurisdictions: [{ code: "110101", name: "某县", level: "county" }],
      caseKinds: [{ id: "hazard", labels: zh("风险隐患") }]
    }
  })
  const register = { actor: admin, channel: "walkIn", place: "110101", parties, description: "x" } as const
  await center.register({ ...register, kind: "hazard" })
  // @ts-expect-error not this centre's kind
  await center.register({ ...register, kind: "dispute" })
}

export const loadedConfig = async (json: string) => {
  // loaded at run time: its keys are plain strings, and any string compiles (the centre checks it when it runs)
  const loaded = JSON.parse(json) as CenterConfig.CenterConfigInput
  const center = await createCenter({ config: loaded })
  assertType<Equals<ConfigKeys.KeysOf<typeof loaded>["kind"], string>>(true)
  assertType<Equals<ConfigKeys.KeysOf<typeof loaded>["department"], string>>(true)
  const kind: string = "anything"
  await center.register({
    actor: admin,
    kind,
    channel: "anyChannel",
    category: "any",
    place: "1",
    parties,
    description: "x"
  })
  await center.dispatch({ actor: admin, caseId: "c-1", leadUnit: "any-unit", mediationType: "any-type" })
  // the example county, typed `CenterConfigInput`, likewise
  const county = await createCenter({ config: Examples.countyConfig })
  await county.register({ actor: admin, kind: "whatever", channel: "any", place: "1", parties, description: "x" })
}
