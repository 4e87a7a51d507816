/**
 * Sample data for examples, quick starts and tests: a small county centre (敦化市, a real county of the Yanbian
 * prefecture, with invented townships, villages and units) and actors with the built-in roles. Not real
 * government data.
 *
 * @since 0.1.0
 */
import { Regional } from "@fengqiao/calendar-cn"
import * as Either from "effect/Either"
import type { Actor } from "./Actor.js"
import * as Calendar from "./Calendar.js"
import type { CenterConfigInput } from "./CenterConfig.js"

/**
 * The sample county's calendar: China's (official, then predicted years) with the regional day off of the
 * prefecture 敦化市 belongs to, 延边朝鲜族自治州's 州庆 on 3 September. Pass it as `calendar` next to
 * {@link countyConfig}.
 *
 * @since 0.1.0
 * @category configs
 */
export const countyCalendar: Calendar.Calendar = Either.getOrThrow(Calendar.overlay(Calendar.china, Regional.yanbian))

/**
 * A small county centre: one county, two townships, three villages, two grids, and departments stationed in all
 * three modes (court, police, justice, petition, HR and social security, women's federation, mediation committees
 * at township and village, a township government).
 *
 * @since 0.1.0
 * @category configs
 */
export const countyConfig: CenterConfigInput = {
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
      id: "petition",
      name: "敦化市信访局",
      kind: "petitionBureau",
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
      id: "dsGov",
      name: "大石头镇人民政府",
      kind: "townshipGovernment",
      jurisdiction: "222403100",
      stationing: { _tag: "Permanent" }
    },
    {
      id: "dstMediation",
      name: "大石头村人民调解委员会",
      kind: "peoplesMediationCommittee",
      jurisdiction: "222403100201",
      stationing: { _tag: "Permanent" }
    },
    {
      id: "slMediation",
      name: "胜利街道人民调解委员会",
      kind: "peoplesMediationCommittee",
      jurisdiction: "222403001",
      stationing: { _tag: "Permanent" }
    }
  ]
}

/**
 * An administrator at the county.
 *
 * @since 0.1.0
 * @category actors
 */
export const admin: Actor = { id: "admin-1", roles: ["admin"], jurisdiction: "222403" }
/**
 * An intake officer and dispatcher at the county.
 *
 * @since 0.1.0
 * @category actors
 */
export const countyIntake: Actor = { id: "intake-county", roles: ["intake", "dispatcher"], jurisdiction: "222403" }
/**
 * An intake officer and dispatcher at the township 大石头镇.
 *
 * @since 0.1.0
 * @category actors
 */
export const townshipIntake: Actor = { id: "intake-ds", roles: ["intake", "dispatcher"], jurisdiction: "222403100" }
/**
 * Village staff (intake, dispatch, handling) at 大石头村.
 *
 * @since 0.1.0
 * @category actors
 */
export const villageStaff: Actor = {
  id: "staff-dst",
  roles: ["intake", "dispatcher", "handler"],
  jurisdiction: "222403100201"
}
/**
 * Staff of another township (胜利街道), outside 大石头镇's subtree.
 *
 * @since 0.1.0
 * @category actors
 */
export const otherTownship: Actor = {
  id: "intake-sl",
  roles: ["intake", "dispatcher", "handler"],
  jurisdiction: "222403001"
}
/**
 * A read-only viewer at the county.
 *
 * @since 0.1.0
 * @category actors
 */
export const viewer: Actor = { id: "viewer-1", roles: ["viewer"], jurisdiction: "222403" }

/**
 * An applicant with a valid resident ID number and mobile phone.
 *
 * @since 0.1.0
 * @category actors
 */
export const applicant = {
  _tag: "Person",
  role: "applicant",
  name: "张三",
  idNumber: "11010519491231002X",
  phone: "13812345678"
} as const
/**
 * A respondent.
 *
 * @since 0.1.0
 * @category actors
 */
export const respondent = { _tag: "Person", role: "respondent", name: "李四" } as const

/**
 * A `Register` command input for {@link countyConfig}: a walk-in neighbours' dispute (邻里纠纷) in 大石头村, with
 * {@link applicant} and {@link respondent}, registered by {@link admin} on 3 March 2025. `extra` sets or overrides
 * fields (`caseId`, `commandId`, `at` …).
 *
 * @since 0.1.0
 * @category commands
 */
export const registerInput = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  _tag: "Register",
  actor: admin,
  kind: "dispute",
  channel: "walkIn",
  place: "222403100201",
  parties: [applicant, respondent],
  description: "邻里纠纷",
  at: "2025-03-03T09:00:00+08:00",
  ...extra
})
