import { describe, expect, it } from "@effect/vitest"
import { Calendar, type Case, CenterConfig, Examples } from "@fengqiao/core"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as RiskPlugin from "../src/RiskPlugin.js"
import * as Rules from "../src/Rules.js"

const rules = Schema.decodeSync(Rules.RulesConfig)({})
const centre = Either.getOrThrow(CenterConfig.resolve(Examples.countyConfig, Calendar.china))
const levels = RiskPlugin.settings(Schema.decodeSync(RiskPlugin.RiskConfig)({}), centre)
const at = "2025-06-01T02:00:00.000Z"

/** What can make a case riskier, each dimension non-negative. */
interface Features {
  readonly headcount: number
  readonly amount: number | undefined
  readonly category: string | undefined
  readonly threats: number
  readonly failed: number
  readonly refused: boolean
  readonly rebounds: number
  readonly assisting: boolean
  readonly vulnerable: boolean
  readonly police: boolean
  readonly incidents: number
  readonly policeIncidents: number
}

const features: FastCheck.Arbitrary<Features> = FastCheck.record({
  headcount: FastCheck.integer({ min: 1, max: 300 }),
  amount: FastCheck.option(FastCheck.integer({ min: 0, max: 5_000_000 }), { nil: undefined }),
  category: FastCheck.option(
    FastCheck.constantFrom("marriageFamily", "housingHomestead", "neighbourhood", "consumer", "other"),
    {
      nil: undefined
    }
  ),
  threats: FastCheck.integer({ min: 0, max: 4 }),
  failed: FastCheck.integer({ min: 0, max: 5 }),
  refused: FastCheck.boolean(),
  rebounds: FastCheck.integer({ min: 0, max: 3 }),
  assisting: FastCheck.boolean(),
  vulnerable: FastCheck.boolean(),
  police: FastCheck.boolean(),
  incidents: FastCheck.integer({ min: 0, max: 6 }),
  policeIncidents: FastCheck.integer({ min: 0, max: 3 })
})

const base: Case.Case = {
  id: "c-0",
  centre: "dunhua",
  code: "222403-2025-000001",
  version: 1,
  status: "handling",
  statusSince: at,
  kind: "dispute",
  channel: "walkIn",
  risk: { level: "none", source: "default" },
  parties: [Examples.applicant],
  headcount: 1,
  description: "邻里纠纷",
  attachments: [],
  place: "222403100201",
  intakeNode: "222403100201",
  handlingNode: "222403100201",
  firstReceiver: Examples.admin,
  registeredAt: "2025-05-20T02:00:00.000Z",
  updatedAt: at,
  assistingUnits: [],
  dispatchCount: 1,
  sendBacks: [],
  sessions: [],
  consultations: [],
  summons: [],
  escalations: [],
  deadlines: {},
  followUps: [],
  reopenCount: 0,
  supervision: []
}

const threatWords = ["扬言", "报复", "自杀", "同归于尽"]

const caseOf = (f: Features): [Case.Case, ReadonlyArray<Rules.Incident>] => {
  const c: Case.Case = {
    ...base,
    headcount: f.headcount,
    ...(f.amount !== undefined ? { amountAtStake: f.amount } : {}),
    ...(f.category !== undefined ? { category: f.category } : {}),
    description: `邻里纠纷。${threatWords.slice(0, f.threats).join("，")}`,
    sessions: [
      ...Array.from(
        { length: f.failed },
        (_, i) => ({ sessionId: `f${i}`, mediators: ["王"], result: "failed" as const, heldAt: at })
      ),
      ...(f.refused ? [{ sessionId: "r", mediators: ["王"], result: "partyRefused" as const, heldAt: at }] : [])
    ],
    reopenCount: f.rebounds,
    assistingUnits: f.assisting ? ["police"] : [],
    parties: f.vulnerable ? [{ ...Examples.applicant, vulnerabilities: ["elderly"] }] : [Examples.applicant],
    channel: f.police ? "policeReferral" : "walkIn"
  }
  const incidents: Array<Rules.Incident> = [
    ...Array.from(
      { length: f.incidents },
      (_, i) => ({ caseId: `o${i}`, at: "2025-05-01T00:00:00.000Z", channel: "walkIn" })
    ),
    ...Array.from(
      { length: f.policeIncidents },
      (_, i) => ({ caseId: `p${i}`, at: "2025-04-01T00:00:00.000Z", channel: "policeReferral" })
    ),
    // outside the 90-day window, and the case itself: never counted
    { caseId: "old", at: "2024-01-01T00:00:00.000Z", channel: "policeReferral" },
    { caseId: "c-0", at: "2025-05-20T02:00:00.000Z", channel: "walkIn" }
  ]
  return [c, incidents]
}

/** Adds one more of one risk factor. */
const more = (f: Features, which: number): Features => {
  switch (which % 10) {
    case 0:
      return { ...f, headcount: f.headcount + 50 }
    case 1:
      return { ...f, amount: (f.amount ?? 0) + 1_000_000 }
    case 2:
      return { ...f, threats: Math.min(4, f.threats + 1) }
    case 3:
      return { ...f, failed: f.failed + 1 }
    case 4:
      return { ...f, rebounds: f.rebounds + 1 }
    case 5:
      return { ...f, assisting: true }
    case 6:
      return { ...f, vulnerable: true }
    case 7:
      return { ...f, police: true }
    case 8:
      return { ...f, incidents: f.incidents + 1 }
    default:
      return { ...f, policeIncidents: f.policeIncidents + 1, refused: true }
  }
}

describe("the rule-based grader", () => {
  it("gives the same grade for the same case and history", () => {
    FastCheck.assert(
      FastCheck.property(features, (f) => {
        const [c, incidents] = caseOf(f)
        expect(Rules.grade(rules, c, incidents, at)).toStrictEqual(
          Rules.grade(rules, structuredClone(c), [...incidents].reverse(), at)
        )
      }),
      { numRuns: 500 }
    )
  })

  it("explains itself: the contributions add up to the score, none is negative", () => {
    FastCheck.assert(
      FastCheck.property(features, (f) => {
        const [c, incidents] = caseOf(f)
        const g = Rules.grade(rules, c, incidents, at)
        expect(g.factors.reduce((n, x) => n + x.contribution, 0)).toBe(g.score)
        for (const x of g.factors) expect(x.contribution).toBeGreaterThan(0)
      }),
      { numRuns: 500 }
    )
  })

  it("adding a risk factor never lowers the score or the level", () => {
    FastCheck.assert(
      FastCheck.property(features, FastCheck.nat(), (f, which) => {
        const before = Rules.grade(rules, ...caseOf(f), at)
        const after = Rules.grade(rules, ...caseOf(more(f, which)), at)
        expect(after.score).toBeGreaterThanOrEqual(before.score)
        expect(levels.rank(levels.levelOf(after.score))).toBeGreaterThanOrEqual(
          levels.rank(levels.levelOf(before.score))
        )
      }),
      { numRuns: 1000 }
    )
  })

  it("names each factor and respects the caps", () => {
    const [c, incidents] = caseOf({
      headcount: 120,
      amount: 2_000_000,
      category: "marriageFamily",
      threats: 4,
      failed: 9,
      refused: true,
      rebounds: 2,
      assisting: true,
      vulnerable: true,
      police: true,
      incidents: 9,
      policeIncidents: 3
    })
    const g = Rules.grade(rules, c, incidents, at)
    expect(Object.fromEntries(g.factors.map((f) => [f.id, f.contribution]))).toEqual({
      repeatIncidents: 30,
      policeReferrals: 30,
      fromPolice: 10,
      threatWords: 50,
      headcount: 60,
      vulnerableParties: 10,
      amountAtStake: 20,
      category: 15,
      mediationFailures: 40,
      crossDepartment: 10
    })
    expect(g.score).toBe(275)
    expect(levels.levelOf(g.score)).toBe("red")
    expect(levels.levelOf(0)).toBe("none")
    expect(levels.levelOf(15)).toBe("blue")
  })

  it("does not take everyday words for threats: 炸酱面, killing a chicken for guests", () => {
    for (const description of ["纠纷双方在炸酱面馆发生口角", "他说要杀了鸡招待客人"]) {
      expect(Rules.grade(rules, { ...base, description }, [], at).factors.map((f) => f.id)).not.toContain("threatWords")
    }
    expect(Rules.grade(rules, { ...base, description: "扬言要炸掉对方的房子" }, [], at).factors).toContainEqual(
      expect.objectContaining({ id: "threatWords", contribution: 50, detail: "扬言、炸掉" })
    )
    // a hundred people or more: a possible mass incident, red on its own
    const group = Rules.grade(rules, { ...base, headcount: 500 }, [], at)
    expect(levels.levelOf(group.score)).toBe("red")
  })

  it("finds threat words in Chinese text with spaces in between", () => {
    const c = { ...base, description: "他扬 言要报复，说要同归于尽" }
    expect(Rules.grade(rules, c, [], at).factors.find((f) => f.id === "threatWords")).toMatchObject({
      contribution: 50,
      detail: "扬言、报复、同归于尽"
    })
  })
})
