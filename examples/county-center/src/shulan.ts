/**
 * A county comprehensive governance centre (综治中心) shaped like Shulan (舒兰市, Jilin, division code 220283): one
 * county, 20 townships and subdistricts (乡镇/街道), 233 villages and communities (村/社区) with 1–3 grids (网格)
 * each, and departments stationed permanently (常驻), on a rotating schedule (轮驻) or on call (随叫随驻).
 *
 * The township names follow Shulan's; village, community and grid names are generated (from a fixed seed, so the
 * centre is the same on every run). Township codes are 9-digit statistical codes `220283100 …`, village codes
 * 12 digits (`…0xx` communities, `…2xx` villages), grid codes `<village code>-G1 …`.
 */
import { type CenterConfig, type Department, Jurisdiction } from "@fengqiao/core"
import { makeRandom } from "./random.js"

/** Shulan's administrative division code (GB/T 2260). */
export const SHULAN_CODE = "220283"

/** The county's name. */
export const SHULAN_NAME = "舒兰市"

interface TownshipSeed {
  readonly name: string
  /** A subdistrict (街道) has communities (社区); a town or township (镇/乡) has villages (村). */
  readonly subdistrict: boolean
  readonly villages: number
}

/** 20 townships and subdistricts with 233 villages and communities between them. */
const townshipSeeds: ReadonlyArray<TownshipSeed> = [
  { name: "吉舒街道", subdistrict: true, villages: 10 },
  { name: "北城街道", subdistrict: true, villages: 8 },
  { name: "南城街道", subdistrict: true, villages: 7 },
  { name: "环城街道", subdistrict: true, villages: 9 },
  { name: "滨河街道", subdistrict: true, villages: 6 },
  { name: "白旗镇", subdistrict: false, villages: 14 },
  { name: "法特镇", subdistrict: false, villages: 16 },
  { name: "朝阳镇", subdistrict: false, villages: 13 },
  { name: "上营镇", subdistrict: false, villages: 15 },
  { name: "平安镇", subdistrict: false, villages: 14 },
  { name: "水曲柳镇", subdistrict: false, villages: 13 },
  { name: "溪河镇", subdistrict: false, villages: 12 },
  { name: "小城镇", subdistrict: false, villages: 13 },
  { name: "开原镇", subdistrict: false, villages: 12 },
  { name: "金马镇", subdistrict: false, villages: 12 },
  { name: "天德乡", subdistrict: false, villages: 11 },
  { name: "亮甲山乡", subdistrict: false, villages: 14 },
  { name: "莲花乡", subdistrict: false, villages: 12 },
  { name: "七里乡", subdistrict: false, villages: 10 },
  { name: "新安乡", subdistrict: false, villages: 12 }
]

const villageFirst = [..."东西南北前后新老大小上下太永长双三五四团"]
const villageSecond = [..."兴安胜利丰盛合发山河岭沟屯堡甸林平阳乐福"]
const communityNames = [
  "天桥",
  "建设",
  "东兴",
  "民主",
  "新华",
  "站前",
  "文化",
  "光明",
  "友谊",
  "育才",
  "铁东",
  "铁西",
  "富民",
  "春华",
  "滨江",
  "和平",
  "幸福",
  "长安",
  "锦绣",
  "康宁",
  "繁荣",
  "振兴",
  "永安",
  "红旗",
  "朝阳",
  "安居",
  "新城",
  "园林",
  "北山",
  "南湖",
  "金桥",
  "福泰",
  "惠民",
  "丰泽",
  "书香",
  "翠园",
  "明珠",
  "清源",
  "瑞祥",
  "宏达"
]

const gridOrdinals = ["一", "二", "三"]

/** The county-level departments: id, name, kind and stationing. */
const countyDepartments: ReadonlyArray<Omit<Department.Department, "jurisdiction">> = [
  { id: "court", name: "舒兰市人民法院", kind: "court", stationing: { _tag: "Permanent" } },
  { id: "police", name: "舒兰市公安局", kind: "police", stationing: { _tag: "Permanent" } },
  { id: "justice", name: "舒兰市司法局", kind: "justiceBureau", stationing: { _tag: "Permanent" } },
  { id: "petition", name: "舒兰市信访局", kind: "petitionBureau", stationing: { _tag: "Permanent" } },
  {
    id: "countyMediation",
    name: "舒兰市矛盾纠纷多元化解联合人民调解委员会",
    kind: "peoplesMediationCommittee",
    stationing: { _tag: "Permanent" }
  },
  {
    id: "hrss",
    name: "舒兰市人力资源和社会保障局",
    kind: "hrss",
    stationing: { _tag: "Rotating", weekdays: [1, 3, 5], dates: [] }
  },
  {
    id: "civilAffairs",
    name: "舒兰市民政局",
    kind: "civilAffairs",
    stationing: { _tag: "Rotating", weekdays: [2, 4], dates: [] }
  },
  {
    id: "women",
    name: "舒兰市妇女联合会",
    kind: "womensFederation",
    stationing: { _tag: "Rotating", weekdays: [3], dates: [] }
  },
  { id: "lawSociety", name: "舒兰市法学会", kind: "lawSociety", stationing: { _tag: "OnCall" } },
  { id: "naturalResources", name: "舒兰市自然资源局", kind: "naturalResources", stationing: { _tag: "OnCall" } },
  { id: "housing", name: "舒兰市住房和城乡建设局", kind: "housing", stationing: { _tag: "OnCall" } }
]

/** The id of a township's people's mediation committee (乡镇/街道人民调解委员会). */
export const townshipMediationId = (townshipCode: string): string => `tm${townshipCode}`

/** The id of a township's government (乡镇人民政府 / 街道办事处). */
export const townshipGovernmentId = (townshipCode: string): string => `tg${townshipCode}`

/** The id of a village's people's mediation committee (村/社区人民调解委员会). */
export const villageMediationId = (villageCode: string): string => `vm${villageCode}`

/** Share of villages with their own people's mediation committee stationed at the village centre. */
const villageMediationShare = 0.7

/**
 * Builds the configuration of the Shulan-shaped county centre: the 4-level jurisdiction tree and the stationed
 * departments. Taxonomies, deadlines and the case-code format keep the SDK's Chinese defaults.
 */
export const buildShulanConfig = (): CenterConfig.CenterConfigInput => {
  const random = makeRandom(220283)
  const jurisdictions: Array<Jurisdiction.Node> = [{ code: SHULAN_CODE, name: SHULAN_NAME, level: "county" }]
  const departments: Array<Department.Department> = countyDepartments.map((d) => ({
    ...d,
    jurisdiction: SHULAN_CODE
  }))
  const villageNames = random.shuffle(villageFirst.flatMap((a) => villageSecond.map((b) => `${a}${b}`)))
  const communities = random.shuffle(communityNames)
  let nextVillage = 0
  let nextCommunity = 0
  for (const [i, t] of townshipSeeds.entries()) {
    const code = `${SHULAN_CODE}${100 + i}`
    jurisdictions.push({ code, name: t.name, level: "township", parent: SHULAN_CODE })
    departments.push(
      {
        id: townshipMediationId(code),
        name: `${t.name}人民调解委员会`,
        kind: "peoplesMediationCommittee",
        jurisdiction: code,
        stationing: { _tag: "Permanent" }
      },
      {
        id: townshipGovernmentId(code),
        name: t.subdistrict ? `${t.name}办事处` : `${t.name}人民政府`,
        kind: "townshipGovernment",
        jurisdiction: code,
        stationing: { _tag: "Permanent" }
      }
    )
    for (let v = 0; v < t.villages; v++) {
      const villageCode = `${code}${String(t.subdistrict ? 1 + v : 201 + v).padStart(3, "0")}`
      const name = t.subdistrict ? `${communities[nextCommunity++]!}社区` : `${villageNames[nextVillage++]!}村`
      jurisdictions.push({ code: villageCode, name, level: "village", parent: code })
      const grids = t.subdistrict ? random.int(2, 3) : random.int(1, 3)
      for (let g = 0; g < grids; g++) {
        jurisdictions.push({
          code: `${villageCode}-G${g + 1}`,
          name: `${name}第${gridOrdinals[g]!}网格`,
          level: "grid",
          parent: villageCode
        })
      }
      if (random.chance(villageMediationShare)) {
        departments.push({
          id: villageMediationId(villageCode),
          name: `${name}人民调解委员会`,
          kind: "peoplesMediationCommittee",
          jurisdiction: villageCode,
          stationing: { _tag: "Permanent" }
        })
      }
    }
  }
  return {
    id: "shulan",
    name: "舒兰市综治中心",
    levels: Jurisdiction.levelPresets.county4,
    jurisdictions,
    departments
  }
}
