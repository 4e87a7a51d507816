import { describe, expect, it } from "@effect/vitest"
import { CaseStore, type Center, type createCenter, Examples, MemoryStore, SimulatedClock } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Export from "../src/Export.js"
import * as Kpi from "../src/Kpi.js"
import * as Period from "../src/Period.js"
import * as Report from "../src/Report.js"
import * as Stats from "../src/Stats.js"
import { statsPlugin } from "../src/StatsPlugin.js"
import { commandsOf, type Story } from "./stories.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")
const scenarioCenter: typeof createCenter = (options) =>
  SimulatedClock.createFollowingCenter(options, "2025-01-01T00:00:00Z")

const stories: ReadonlyArray<Story> = [
  // March 2025, 大石头村 (village tier): 4 resolved (2 rated satisfied, 1 basically, 1 dissatisfied), 1 closed
  // without resolution, 1 still open, 1 only registered
  { ending: "resolved", rating: "satisfied", followUp: "stable", at: "2025-03-03T09:00:00+08:00" },
  { ending: "resolved", rating: "satisfied", at: "2025-03-04T09:00:00+08:00" },
  { ending: "resolved", rating: "basicallySatisfied", at: "2025-03-05T09:00:00+08:00", category: "contractDebt" },
  { ending: "resolved", rating: "dissatisfied", followUp: "rebound", at: "2025-03-06T09:00:00+08:00" },
  { ending: "notResolved", at: "2025-03-07T09:00:00+08:00", channel: "hotline12345" },
  { ending: "accepted", at: "2025-03-10T09:00:00+08:00" },
  { ending: "registered", at: "2025-03-11T09:00:00+08:00" },
  // March 2025, 民主社区 in 胜利街道: resolved after escalation to the township
  { ending: "resolved", place: "222403001001", escalate: true, at: "2025-03-12T09:00:00+08:00" },
  // February 2025 (环比) and March 2024 (同比)
  { ending: "resolved", at: "2025-02-10T09:00:00+08:00" },
  { ending: "accepted", at: "2024-03-10T09:00:00+08:00" },
  { ending: "resolved", at: "2024-03-11T09:00:00+08:00" }
]

const seeded = Effect.gen(function*() {
  const store = yield* MemoryStore.make
  const center = yield* scenarioMake({ config: Examples.countyConfig, plugins: [statsPlugin()] }).pipe(
    Effect.provideService(CaseStore.CaseStore, store)
  )
  yield* center.importCases({ cases: stories.map((s, i) => ({ commands: commandsOf(`k-${i}`, s) })) })
  return { store, center }
})

const march = { unit: "month", key: "2025-03" } as const
const asOf = "2025-06-30T00:00:00Z"

describe("the dashboard", () => {
  it.effect("化解率 counts disputes (纠纷) only, by default; resolutionKinds chooses the kinds", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const center = yield* scenarioMake({ config: Examples.countyConfig }).pipe(
        Effect.provideService(CaseStore.CaseStore, store)
      )
      const mixed: ReadonlyArray<Story> = [
        { ending: "resolved" },
        { ending: "resolved" },
        { ending: "notResolved", kind: "request" },
        { ending: "accepted", kind: "hazard" }
      ]
      yield* center.importCases({
        cases: mixed.map((s, i) => ({
          commands: commandsOf(`m-${i}`, { ...s, at: `2025-03-0${i + 3}T09:00:00+08:00` })
        }))
      })
      const board = (options?: typeof Kpi.KpiOptions.Encoded) =>
        Stats.dashboard(store, center.config, { actor: Examples.admin, period: march, asOf }, { options })
      const byDefault = yield* board()
      expect(byDefault.totals.counts).toMatchObject({
        accepted: 4,
        resolved: 2,
        acceptedDisputes: 2,
        resolvedDisputes: 2
      })
      expect(byDefault.totals.rates.resolution).toMatchObject({ numerator: 2, denominator: 2, percent: 100 })
      expect(byDefault.totals.rates.closure).toMatchObject({ numerator: 3, denominator: 4 })
      const all = yield* board({ resolutionKinds: ["dispute", "request", "petition", "hazard"] })
      expect(all.totals.rates.resolution).toMatchObject({ numerator: 2, denominator: 4, percent: 50 })
      const unknown = yield* Effect.flip(board({ resolutionKinds: ["disputes"] }))
      expect(unknown).toMatchObject({ _tag: "InvalidInput", field: "resolutionKinds" })
    }))

  it.effect("counts, rates and durations of a known history", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      // the history is imported (entered late): counted in the figures of timeliness only when asked
      const d = yield* Stats.dashboard(store, center.config, { actor: Examples.admin, period: march, asOf }, {
        options: { enteredLate: "include" }
      })
      expect(d.timeliness).toEqual({ enteredLate: "include", leftOut: 0 })
      expect(d.period).toEqual({
        unit: "month",
        key: "2025-03",
        from: "2025-02-28T16:00:00.000Z",
        to: "2025-03-31T16:00:00.000Z"
      })
      expect(d.totals.counts).toEqual({
        registered: 8,
        accepted: 7,
        closed: 5, // the rebound reopened one of the resolved five
        resolved: 4,
        // every story is a dispute: 化解率 counts the same cases here
        acceptedDisputes: 7,
        resolvedDisputes: 4,
        rated: 3, // the rebound took its rating away
        satisfied: 3,
        respondedOnTime: 7,
        responseBase: 7,
        followedUp: 1,
        rebounded: 1,
        followUpBase: 2,
        overdue: 1, // the reopened case, past its handling deadline
        overdueOpen: 1,
        overdueBase: 8,
        open: 3,
        escalated: 1,
        lowTierResolved: 3,
        warnings: 0,
        enteredLate: 8
      })
      expect(d.totals.rates.closure).toEqual({ numerator: 5, denominator: 7, ratio: 5 / 7, percent: 71.43 })
      expect(d.totals.rates.resolution.percent).toBe(57.14)
      expect(d.totals.rates.satisfaction.percent).toBe(100)
      expect(d.totals.rates.hotlineResolution.percent).toBe(80)
      expect(d.totals.rates.rebound.percent).toBe(50)
      expect(d.totals.rates.lowTier.percent).toBe(75)
      expect(d.totals.rates.escalation.percent).toBe(14.29)
      // 10 % × 100 + 45 % × 80 + 45 % × 100
      expect(d.totals.threeRates.score).toBe(91)
      // every step an hour apart in the stories
      expect(d.totals.durations.acceptance).toEqual({ count: 7, averageMs: 3_600_000, medianMs: 3_600_000 })
      expect(d.totals.durations.intakeToClose.count).toBe(5)
      expect(d.totals.durations.intakeToClose.medianMs).toBe(5 * 3_600_000)
      // by default the figures of timeliness leave the imported cases out, and the dashboard says how many
      const byDefault = yield* Stats.dashboard(store, center.config, { actor: Examples.admin, period: march, asOf })
      expect(byDefault.timeliness).toEqual({ enteredLate: "exclude", leftOut: 8 })
      expect(byDefault.totals.counts).toEqual({
        ...d.totals.counts,
        respondedOnTime: 0,
        responseBase: 0,
        overdue: 0,
        overdueOpen: 0,
        overdueBase: 0
      })
      expect(byDefault.totals.rates.response).toEqual({ numerator: 0, denominator: 0, ratio: null, percent: null })
      expect(byDefault.totals.rates.overdue.ratio).toBeNull()
      expect(byDefault.totals.rates.closure).toEqual(d.totals.rates.closure)
      expect(byDefault.totals.durations).toEqual(d.totals.durations)
      // without 响应率: 45 % × 80 + 45 % × 100, over 90 %
      expect(byDefault.totals.threeRates.score).toBe(90)
    }))

  it.effect("同比 and 环比 come from the same period a year before and the period before", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      const d = yield* Stats.dashboard(store, center.config, { actor: Examples.admin, period: march, asOf })
      expect(d.yearOnYear?.period.key).toBe("2024-03")
      expect(d.yearOnYear?.figures.counts.accepted).toBe(2)
      expect(d.yearOnYear?.counts.accepted).toBe(250) // 2 → 7: +250 %
      expect(d.yearOnYear?.rates.closure).toBe(21.43) // 50 % → 71.43 %: +21.43 points
      expect(d.periodOnPeriod?.period.key).toBe("2025-02")
      expect(d.periodOnPeriod?.counts.accepted).toBe(600)
      expect(d.periodOnPeriod?.rates.closure).toBe(-28.57)
      const plain = yield* Stats.dashboard(store, center.config, {
        actor: Examples.admin,
        period: { unit: "quarter", key: "2025-Q2" },
        asOf
      })
      expect(plain.totals.counts.registered).toBe(0)
      expect(plain.totals.rates.closure.percent).toBeNull()
      expect(plain.periodOnPeriod?.counts.accepted).toBe(-100)
    }))

  it.effect("breakdowns add up to the totals and carry labels; the trend fills empty periods", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      const d = yield* Stats.dashboard(store, center.config, {
        actor: Examples.admin,
        period: { unit: "year", key: "2025" },
        breakdowns: ["tier", "jurisdiction", "category", "channel", "department", "mediationType", "riskLevel", "kind"],
        asOf
      })
      for (const [name, rows] of Object.entries(d.breakdowns)) {
        for (const c of ["registered", "accepted", "closed", "resolved"] as const) {
          expect(rows!.reduce((n, r) => n + r.figures.counts[c], 0), `${name} ${c}`).toBe(d.totals.counts[c])
        }
      }
      expect(d.breakdowns.tier!.map((r) => [r.key, r.label])).toEqual([[1, "乡镇（街道）"], [2, "村（社区）"]])
      expect(d.breakdowns.jurisdiction!.map((r) => [r.key, r.label, r.figures.counts.registered])).toEqual([
        ["222403001", "胜利街道", 1],
        ["222403100", "大石头镇", 8]
      ])
      expect(d.breakdowns.category!.map((r) => r.label)).toEqual(["合同债务", "邻里纠纷"])
      expect(d.breakdowns.department!.find((r) => r.key === null)?.label).toBe("未填写")
      expect(d.trend?.rows.map((r) => [r.key, r.figures.counts.registered])).toEqual([
        ["2025-01", 0],
        ["2025-02", 1],
        ["2025-03", 8],
        ...["04", "05", "06", "07", "08", "09", "10", "11", "12"].map((m) => [`2025-${m}`, 0])
      ])
      const en = yield* Stats.dashboard(store, center.config, {
        actor: Examples.admin,
        breakdowns: ["category"],
        trend: "none",
        locale: "en",
        asOf
      })
      expect(en.breakdowns.category!.map((r) => r.label)).toEqual(["Contract and debt", "Neighbours"])
      expect(en.trend).toBeUndefined()
    }))

  it.effect("without both bounds the trend runs from the first to the last period with cases, empty ones as zeros", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      const trendOf = (range: { readonly from?: string; readonly to?: string }) =>
        Effect.map(
          Stats.dashboard(store, center.config, { actor: Examples.admin, breakdowns: [], asOf, ...range }),
          (d) => {
            const rows = d.trend!.rows.map((r) => [r.key, r.figures.counts.registered] as const)
            // the trend's parts add up to the totals
            expect(rows.reduce((n, [, registered]) => n + registered, 0)).toBe(d.totals.counts.registered)
            return rows
          }
        )
      const months = (from: number, to: number) =>
        Array.from({ length: to - from + 1 }, (_, i) => {
          const m = from + i // months since January 2024, 0-based
          return `${2024 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`
        })
      const filled = (from: number, to: number, counts: Record<string, number>) =>
        months(from, to).map((k) => [k, counts[k] ?? 0])
      // cases in March 2024, February 2025 and March 2025
      const cases = { "2024-03": 2, "2025-02": 1, "2025-03": 8 }
      // all time: March 2024 … March 2025, the ten months between as zeros
      expect(yield* trendOf({})).toEqual(filled(2, 14, cases))
      // only from: from its month to the last month with cases
      expect(yield* trendOf({ from: "2024-01-15T00:00:00+08:00" })).toEqual(filled(0, 14, cases))
      expect(yield* trendOf({ from: "2024-06-01T00:00:00+08:00" })).toEqual(
        filled(5, 14, { "2025-02": 1, "2025-03": 8 })
      )
      // only to: from the first month with cases to the month before `to` (exclusive)
      expect(yield* trendOf({ to: "2025-06-01T00:00:00+08:00" })).toEqual(filled(2, 16, cases))
      expect(yield* trendOf({ to: "2025-03-01T00:00:00+08:00" })).toEqual(filled(2, 13, { "2024-03": 2, "2025-02": 1 }))
      // nothing selected and an open range: no periods
      expect(yield* trendOf({ from: "2026-01-01T00:00:00+08:00" })).toEqual([])
      // by week: every Monday from the first week with cases to the last
      const weeks = yield* Stats.dashboard(store, center.config, {
        actor: Examples.admin,
        from: "2025-01-01T00:00:00+08:00",
        breakdowns: [],
        trend: "week",
        asOf
      })
      const keys = weeks.trend!.rows.map((r) => r.key)
      expect(keys[0]).toBe("2024-12-30")
      expect(keys.at(-1)).toBe("2025-03-10")
      expect(keys).toHaveLength(11)
      for (const [i, k] of keys.entries()) {
        expect(Date.parse(`${k}T00:00:00Z`) - Date.parse("2024-12-30T00:00:00Z")).toBe(i * 7 * 86_400_000)
      }
      // the trend's step is labelled in the export's language, like everything else
      const ko = yield* Stats.dashboard(store, center.config, {
        actor: Examples.admin,
        from: "2025-01-01T00:00:00+08:00",
        breakdowns: [],
        trend: "week",
        asOf,
        locale: "ko"
      })
      expect(Export.toCsv(ko)).toContain("추세 (주별)")
      expect(Export.toCsv(weeks)).toContain("趋势 (按周)")
      expect(Report.toHtml(weeks)).toContain("受理与办结趋势 (按周)")
    }))

  it.effect("同比/环比 changes are exact and never NaN; tiny step times export as 0 (CSV, JSON, HTML)", () =>
    Effect.gen(function*() {
      const { center } = yield* seeded
      // a source that answers each selected period with given counts (the medians with nothing)
      const byFrom: Record<string, Record<string, number>> = {
        // March 2025: 办结率 3/5 = 60 %, 满意度 19 999/20 000; one acceptance after 0.1 ms
        [Period.range(march, 480).from]: {
          registered: 20_005,
          accepted: 5,
          closed: 3,
          respondedOnTime: 5,
          rated: 20_000,
          satisfied: 19_999,
          acceptance_n: 1,
          acceptance_sum: 0.1
        },
        // February 2025 (环比): 办结率 9/32 = 28.125 %, 满意度 19 998/19 999
        [Period.range({ unit: "month", key: "2025-02" }, 480).from]: {
          registered: 40,
          accepted: 32,
          closed: 9,
          respondedOnTime: 32,
          rated: 19_999,
          satisfied: 19_998
        }
      }
      const source: Stats.Source = {
        centre: center.config,
        aggregate: (request) => {
          const from = /"NotBefore","field":"registeredAt","value":"([^"]+)"/.exec(JSON.stringify(request.where))?.[1]
          const medians = request.measures.some((m) => m._tag === "Duration" && m.stat === "median")
          return Effect.succeed([{ keys: [], values: medians ? {} : byFrom[from ?? ""] ?? {} }])
        }
      }
      const options = yield* Stats.decodeOptions({})
      const d = yield* Stats.compute(
        source,
        { _tag: "And", conditions: [] },
        { period: march, breakdowns: [], trend: "none", asOf },
        Examples.admin.jurisdiction,
        options,
        asOf
      )
      expect(d.totals.rates.closure.percent).toBe(60)
      expect(d.periodOnPeriod?.figures.rates.closure.percent).toBe(28.13)
      // 60 − 28.125 = 31.875 points exactly: +31.88 (not +31.87)
      expect(d.periodOnPeriod?.rates.closure).toBe(31.88)
      // 19 999/20 000 − 19 998/19 999 = 2.5e-7 points: 0 (not NaN)
      expect(d.periodOnPeriod?.rates.satisfaction).toBe(0)
      expect(d.periodOnPeriod?.counts.accepted).toBe(-84.38) // 32 → 5: −84.375 % rounds away from zero
      // 同比 (March 2024) has no cases: no rate, no change
      expect(d.yearOnYear?.figures.counts.registered).toBe(0)
      expect(d.yearOnYear?.rates.closure).toBeNull()
      expect(d.totals.durations.acceptance).toEqual({ count: 1, averageMs: 0.1, medianMs: null })
      expect(JSON.parse(Export.toJson(d)).periodOnPeriod.rates.satisfaction).toBe(0)
      const csv = Export.toCsv(d, { bom: false })
      expect(csv).not.toContain("NaN")
      const header = Export.csvHeader(d.locale)
      const totals = csv.split("\r\n")[1]!.split(",")
      expect(totals[header.indexOf("登记→受理 平均 (小时)")]).toBe("0")
      // a label a spreadsheet would run as a formula is written as text (a leading apostrophe); nothing else is
      const hostile = Export.toCsv({ ...d, jurisdiction: { ...d.jurisdiction, name: "=HYPERLINK(\"http://x\")" } }, {
        bom: false
      }).split("\r\n")[1]!
      expect(hostile).toContain(`"'=HYPERLINK(""http://x"")"`)
      for (const start of ["+", "-", "@", "\t"]) {
        const row = Export.toCsv({ ...d, jurisdiction: { ...d.jurisdiction, name: `${start}cmd` } }, { bom: false })
        expect(row.split("\r\n")[1]!.split(",")[2], JSON.stringify(start)).toBe(`'${start}cmd`)
      }
      expect(csv.split("\r\n").flatMap((l) => l.split(",")).some((c) => c.startsWith("'"))).toBe(false)
      const html = Report.toHtml(d)
      expect(html).not.toContain("NaN")
      expect(html).toContain("+31.88 个百分点")
      expect(html).toContain("0 小时")
    }))

  it.effect("a source that reads in parallel gets time slices of each additive pass: the same dashboard", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      const queries = {
        year: { unit: "year", key: "2025" },
        march,
        week: { unit: "week", key: "2025-03-03" }
      } as const
      for (const [name, period] of Object.entries(queries)) {
        const query: Stats.DashboardQuery = {
          period,
          breakdowns: ["tier", "category", "channel"],
          trend: name === "week" ? "day" : "month",
          asOf
        }
        const options = yield* Stats.decodeOptions({})
        const scope: CaseStore.Condition = { _tag: "And", conditions: [] }
        const run = (parallelReads: number) => {
          const wheres: Array<CaseStore.Condition> = []
          let running = 0
          let mostAtOnce = 0
          const source: Stats.Source = {
            ...Stats.fromStore(store, center.config),
            parallelReads,
            aggregate: (request) => {
              wheres.push(request.where)
              // a query in flight across a yield, so that queries allowed to overlap do
              return Effect.sync(() => {
                running++
                mostAtOnce = Math.max(mostAtOnce, running)
              }).pipe(
                Effect.zipRight(Effect.yieldNow()),
                Effect.zipRight(store.aggregate(center.config.id, request)),
                Effect.ensuring(Effect.sync(() => running--))
              )
            }
          }
          return Effect.map(
            Stats.compute(source, scope, query, Examples.admin.jurisdiction, options, asOf),
            (d) => ({ d, queries: wheres.length, mostAtOnce })
          )
        }
        const one = yield* run(1)
        expect(one.mostAtOnce).toBe(1)
        // one grouped pass, the medians, the compared periods (a year's 同比 and 环比 coincide: one pass)
        expect(one.queries, name).toBe(name === "year" ? 3 : 4)
        for (const n of [2, 3, 5]) {
          const many = yield* run(n)
          expect(many.d, `${name} in ${n} slices`).toEqual(one.d)
          // every additive pass in n slices; the medians (one per step) spread over at most n queries
          const medianQueries = Math.ceil(Kpi.stepNames.length / Math.ceil(Kpi.stepNames.length / n))
          expect(many.queries, name).toBe(n * (one.queries - 1) + medianQueries)
          // side by side, but never more at once than the source reads in parallel
          expect(many.mostAtOnce, `${name} in ${n} slices`).toBe(n)
        }
      }
    }))

  it.effect("stays inside the actor's jurisdiction subtree", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      const mine = yield* Stats.dashboard(store, center.config, { actor: Examples.otherTownship, period: march, asOf })
      expect(mine.totals.counts.registered).toBe(1)
      expect(mine.jurisdiction).toEqual({ code: "222403001", name: "胜利街道" })
      // asking for another subtree gives only what the actor may read there: nothing
      const other = yield* Stats.dashboard(store, center.config, {
        actor: Examples.otherTownship,
        period: march,
        jurisdiction: "222403100",
        asOf
      })
      expect(other.totals.counts.registered).toBe(0)
      const county = yield* Stats.dashboard(store, center.config, {
        actor: Examples.admin,
        period: march,
        jurisdiction: "222403100",
        asOf
      })
      expect(county.totals.counts.registered).toBe(7)
      const stranger = yield* Effect.flip(Stats.dashboard(store, center.config, {
        actor: { id: "x", roles: ["admin"], jurisdiction: "999999" },
        asOf
      }))
      expect(stranger._tag).toBe("Forbidden")
    }))

  it.effect("the jurisdiction breakdown puts the cases that arose outside the focus's subtree in a group of their own", () =>
    Effect.gen(function*() {
      // The default policy lets 大石头镇 read the cases handled there: one arose at the county, one in 民主社区
      // (胜利街道), one in 大石头村. Only the last arose in the township's subtree.
      const store = yield* MemoryStore.make
      const center = yield* scenarioMake({ config: Examples.countyConfig }).pipe(
        Effect.provideService(CaseStore.CaseStore, store)
      )
      const actor = Examples.admin
      const at = (h: number) => `2025-03-03T0${h}:00:00Z`
      const handledAt = (caseId: string, place: string, handlingNode: string) => [
        {
          _tag: "Register",
          caseId,
          actor,
          at: at(1),
          kind: "dispute",
          channel: "walkIn",
          place,
          intakeNode: place,
          parties: [Examples.applicant, Examples.respondent],
          description: "邻里纠纷",
          category: "neighbourhood"
        },
        { _tag: "Accept", caseId, actor, at: at(2) },
        { _tag: "Assess", caseId, actor, at: at(3), category: "neighbourhood", complexity: "general", handlingNode }
      ]
      yield* center.importCases({
        cases: [
          { commands: handledAt("county", "222403", "222403100") },
          { commands: handledAt("elsewhere", "222403001001", "222403100") },
          { commands: handledAt("village", "222403100201", "222403100201") }
        ]
      })
      const rows = (d: Stats.Dashboard) =>
        d.breakdowns.jurisdiction!.map((r) => [r.key, r.label, r.figures.counts.registered])
      const township = yield* Stats.dashboard(store, center.config, {
        actor: Examples.townshipIntake,
        breakdowns: ["jurisdiction"],
        trend: "none",
        asOf
      })
      expect(township.totals.counts.registered).toBe(3)
      expect(rows(township)).toEqual([
        ["222403100201", "大石头村", 1],
        [Stats.outsideKey, "辖区外发生", 2]
      ])
      const english = yield* Stats.dashboard(store, center.config, {
        actor: Examples.townshipIntake,
        breakdowns: ["jurisdiction"],
        trend: "none",
        locale: "en",
        asOf
      })
      expect(english.breakdowns.jurisdiction!.at(-1)?.label).toBe("Arose outside this jurisdiction")
      // narrowed to the township's subtree, or seen from the county, nothing is outside
      const narrowed = yield* Stats.dashboard(store, center.config, {
        actor: Examples.admin,
        jurisdiction: "222403100",
        breakdowns: ["jurisdiction"],
        trend: "none",
        asOf
      })
      expect(rows(narrowed)).toEqual([["222403100201", "大石头村", 1]])
      const county = yield* Stats.dashboard(store, center.config, {
        actor: Examples.admin,
        breakdowns: ["jurisdiction"],
        trend: "none",
        asOf
      })
      expect(rows(county)).toEqual([
        [null, "敦化市", 1],
        ["222403001", "胜利街道", 1],
        ["222403100", "大石头镇", 1]
      ])
    }))

  it.effect("a direct call checks the options' lowest tier as the plugin does", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      const result = yield* Effect.either(
        Stats.dashboard(store, center.config, { actor: Examples.admin, asOf }, { options: { lowestTier: "villag" } })
      )
      // (a dashboard is too large a value for the test runner to print: compare the tag first)
      expect(result._tag).toBe("Left")
      if (result._tag === "Left") {
        expect(result.left).toMatchObject({ _tag: "InvalidInput", field: "lowestTier" })
        expect(result.left._tag === "InvalidInput" ? result.left.expected : "").toContain("village")
      }
      // the plugin, at start-up, with the same words
      const plugin = yield* Effect.flip(
        scenarioMake({ config: Examples.countyConfig, plugins: [statsPlugin({ lowestTier: "villag" })] }).pipe(
          Effect.provideService(CaseStore.CaseStore, store)
        )
      )
      expect(plugin).toMatchObject({ _tag: "InvalidConfig", field: "plugins.0.options.lowestTier" })
      expect(plugin._tag === "InvalidConfig" ? plugin.expected : "").toBe(
        result._tag === "Left" && result.left._tag === "InvalidInput" ? result.left.expected : "(no direct error)"
      )
    }))

  it.effect("overdue: open cases past their running deadline at asOf, and cases closed after their deadline", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      // the history is imported: overdue counts it only when asked to
      const at = (asOf: string) =>
        Effect.map(
          Stats.dashboard(store, center.config, {
            actor: Examples.admin,
            period: march,
            asOf,
            breakdowns: [],
            trend: "none"
          }, { options: { enteredLate: "include" } }),
          (d) => d.totals
        )
      // the reopened case (registered 6 March) has 7 working days from its assessment
      const early = yield* at("2025-03-10T00:00:00Z")
      expect([early.counts.overdueOpen, early.counts.overdue]).toEqual([0, 0])
      const late = yield* at("2026-01-01T00:00:00Z")
      expect([late.counts.overdueOpen, late.counts.overdue]).toEqual([1, 1])
      expect(late.rates.overdue.percent).toBe(12.5)
      // a case resolved 30 days after handling started: closed late, overdue whenever asked
      yield* center.importCases({
        cases: [{
          commands: commandsOf("late", { ending: "resolved", at: "2025-03-20T09:00:00+08:00", handlingDays: 30 })
        }]
      })
      expect((yield* at("2025-03-10T00:00:00Z")).counts.overdue).toBe(1)
      const after = yield* at("2026-01-01T00:00:00Z")
      expect([after.counts.overdueOpen, after.counts.overdue, after.counts.registered]).toEqual([1, 2, 9])
      expect(after.rates.overdue.percent).toBe(22.22)
    }))

  it.effect("timeliness: cases entered late are left out of 响应率 and 超期率 unless included; other figures count them", () =>
    Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const center = yield* scenarioMake({ config: Examples.countyConfig }).pipe(
        Effect.provideService(CaseStore.CaseStore, store)
      )
      // history imported: one case accepted in time, one closed 30 days after handling started (late)
      yield* center.importCases({
        cases: [
          { commands: commandsOf("old-0", { ending: "accepted", at: "2025-03-03T09:00:00+08:00" }) },
          { commands: commandsOf("old-1", { ending: "resolved", at: "2025-03-04T09:00:00+08:00", handlingDays: 30 }) }
        ]
      })
      // and work recorded as it happened (the centre's clock follows each command): two cases resolved on time
      for (const [i, at] of ["2025-05-05T09:00:00+08:00", "2025-05-06T09:00:00+08:00"].entries()) {
        for (const command of commandsOf(`live-${i}`, { ending: "resolved", at })) yield* center.execute(command)
      }
      const board = (options?: typeof Kpi.KpiOptions.Encoded) =>
        Stats.dashboard(store, center.config, {
          actor: Examples.admin,
          from: "2025-03-01T00:00:00+08:00",
          to: "2025-06-01T00:00:00+08:00",
          asOf: "2025-07-01T00:00:00Z",
          breakdowns: ["category"]
        }, { options })
      const left = yield* board()
      expect(left.timeliness).toEqual({ enteredLate: "exclude", leftOut: 2 })
      expect(left.totals.counts).toMatchObject({
        registered: 4,
        accepted: 4,
        closed: 3,
        enteredLate: 2,
        respondedOnTime: 2,
        responseBase: 2,
        overdue: 0,
        overdueBase: 2
      })
      expect(left.totals.rates.overdue.percent).toBe(0)
      expect(left.totals.rates.response.percent).toBe(100)
      expect(left.totals.rates.closure).toMatchObject({ numerator: 3, denominator: 4 })
      // the breakdown's parts add up to the totals
      const parts = left.breakdowns.category!
      expect(parts.reduce((n, r) => n + r.figures.counts.enteredLate, 0)).toBe(2)
      expect(parts.reduce((n, r) => n + r.figures.counts.overdueBase, 0)).toBe(2)
      const all = yield* board({ enteredLate: "include" })
      expect(all.timeliness).toEqual({ enteredLate: "include", leftOut: 0 })
      expect(all.totals.counts).toMatchObject({
        enteredLate: 2,
        respondedOnTime: 4,
        responseBase: 4,
        overdue: 1,
        overdueBase: 4
      })
      expect(all.totals.rates.overdue.percent).toBe(25)
      // the report says how many were left out
      const html = Report.toHtml(left)
      expect(html).toContain("未计入时效指标的补录案件: 2")
      expect(Report.toHtml(all)).not.toContain("未计入时效指标")
      // a bad value is refused, naming the option
      expect(yield* Effect.flip(board({ enteredLate: "ignore" } as never))).toMatchObject({
        _tag: "InvalidInput",
        field: "enteredLate"
      })
    }))

  it.effect("bad input is an InvalidInput naming the field", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      const bad = (input: Record<string, unknown>) =>
        Effect.flip(Stats.dashboard(store, center.config, { actor: Examples.admin, ...input } as never))
      expect(yield* bad({ period: { unit: "month", key: "2025-13" } })).toMatchObject({
        _tag: "InvalidInput",
        field: "period",
        expected: expect.stringContaining("a month key like 2025-03")
      })
      expect(yield* bad({ breakdowns: ["colour"] })).toMatchObject({ _tag: "InvalidInput", field: "breakdowns.0" })
      expect(yield* bad({ jurisdiction: "222403999" })).toMatchObject({ _tag: "InvalidInput", field: "jurisdiction" })
      expect(yield* bad({ perod: march })).toMatchObject({ _tag: "InvalidInput", field: "perod" })
      expect(yield* bad({ period: march, from: "2025-01-01T00:00:00Z" })).toMatchObject({ field: "from" })
      expect(yield* bad({ from: "2025-02-01T00:00:00Z", to: "2025-01-01T00:00:00Z" })).toMatchObject({ field: "to" })
      expect(yield* bad({ decimals: 9 })).toMatchObject({ field: "decimals" })
      // what the caller typed is echoed masked: a phone number pasted into a field does not leave unmasked
      const pasted = yield* bad({ period: { unit: "month", key: "13812345678" }, jurisdiction: "220283199001011234" })
      expect(JSON.stringify(pasted)).not.toMatch(/13812345678|220283199001011234/)
      expect(JSON.stringify(pasted)).toMatch(/138\*{4}5678/)
      expect(
        yield* Effect.flip(
          Stats.dashboard(store, center.config, { actor: Examples.admin }, { options: { decimals: -1 } })
        )
      ).toMatchObject({ _tag: "InvalidInput", field: "decimals" })
    }))

  it.effect("the plugin's queries on the Effect centre: same figures, the caller's scope, CSV and HTML", () =>
    Effect.gen(function*() {
      const { center, store } = yield* seeded
      const input = { actor: Examples.admin, period: march, asOf } as const
      const viaPlugin = yield* center.plugins.stats.dashboard(input)
      expect(viaPlugin).toEqual(yield* Stats.dashboard(store, center.config, input))
      const scoped = yield* center.plugins.stats.figures({ ...input, actor: Examples.otherTownship })
      expect(scoped.counts.registered).toBe(1)
      const csv = yield* center.plugins.stats.csv(input)
      expect(csv.startsWith("\uFEFF维度,代码,名称,登记数,受理数,办结数,化解数")).toBe(true)
      expect(csv.split("\r\n")[1]).toMatch(/^合计,222403,敦化市,8,7,5,4,/)
      const html = yield* center.plugins.stats.report({ ...input, title: "三月报表" })
      expect(html).toContain("<title>三月报表</title>")
      expect(html).toContain("71.43%")
      for (const title of [123, { a: 1 }, "长".repeat(201)]) {
        expect(yield* Effect.flip(center.plugins.stats.report({ ...input, title } as never))).toMatchObject({
          _tag: "InvalidInput",
          field: "title"
        })
      }
      expect(yield* Effect.flip(center.plugins.stats.dashboard({ ...input, actor: { id: "" } } as never)))
        .toMatchObject({
          _tag: "InvalidInput"
        })
    }))
})

describe("the plugin on the Promise API", () => {
  it("createCenter exposes the same queries", async () => {
    const center = await scenarioCenter({ config: Examples.countyConfig, plugins: [statsPlugin({ decimals: 1 })] })
    try {
      for (const [i, s] of stories.entries()) {
        for (const command of commandsOf(`p-${i}`, s)) await center.execute(command as never)
      }
      const d = await center.plugins.stats.dashboard({ actor: Examples.admin, period: march, asOf })
      expect(d.decimals).toBe(1)
      expect(d.totals.rates.closure.percent).toBe(71.4)
      expect(d.totals.counts.accepted).toBe(7)
      const json = JSON.parse(await center.plugins.stats.json({ actor: Examples.admin, period: march, asOf }))
      expect(json.totals.counts.accepted).toBe(7)
      await expect(
        center.plugins.stats.dashboard({ actor: Examples.admin, period: { unit: "week", key: "2025-03-04" } })
      )
        .rejects.toMatchObject({ _tag: "InvalidInput", field: "period" })
      const csv = Export.toCsv(d, { bom: false })
      expect(csv.startsWith("维度")).toBe(true)
    } finally {
      await center.dispose()
    }
  })
})
