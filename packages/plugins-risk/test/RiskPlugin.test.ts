import { describe, expect, it } from "@effect/vitest"
import {
  CaseStore,
  type Center,
  type createCenter,
  Examples,
  type Grading,
  MemoryStore,
  type Plugin,
  SimulatedClock
} from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { defineRiskGrader } from "../src/Grader.js"
import * as Presets from "../src/Presets.js"
import { type RiskOptions, riskPlugin } from "../src/RiskPlugin.js"
import { registration } from "./fixtures.js"

/** The scenario is dated (2025): the centre's clock follows each command's time. */
const scenarioMake: typeof Center.make = (options) => SimulatedClock.makeFollowing(options, "2025-01-01T00:00:00Z")
const scenarioCenter: typeof createCenter = (options) =>
  SimulatedClock.createFollowingCenter(options, "2025-01-01T00:00:00Z")

const { admin, applicant, countyConfig } = Examples

const centerWith = (options: RiskOptions = {}, extra: ReadonlyArray<Plugin.Any> = []) =>
  Effect.gen(function*() {
    const store = yield* MemoryStore.make
    return yield* scenarioMake({ config: countyConfig, plugins: [riskPlugin(options), ...extra] }).pipe(
      Effect.provideService(CaseStore.CaseStore, store)
    )
  })

/** Whether a centre with these options (and plugins) starts: `["accepted"]`, or the error's tag and field. */
const startup = (options: RiskOptions = {}, extra: ReadonlyArray<Plugin.Any> = []) =>
  Effect.map(
    Effect.either(centerWith(options, extra)),
    (r) => r._tag === "Left" ? [r.left._tag, (r.left as { readonly field?: string }).field] : ["accepted"]
  )

/** A person of their own, so that cases are not repeat incidents of each other unless meant to be. */
const stranger = (n: number) => ({ _tag: "Person", role: "applicant", name: `当事人${n}` }) as const
let people = 0

const register = (center: Center.Center, extra: Record<string, unknown> = {}) =>
  center.execute(registration({ parties: [stranger(++people)], ...extra }))

/** Police referrals (公安转来) about `applicant`, registered at 9:00 on each of the given days of March 2025. */
const policeReferrals = (center: Center.Center, days: ReadonlyArray<string>) =>
  Effect.forEach(
    days,
    (day) => register(center, { channel: "policeReferral", parties: [applicant], at: `2025-03-${day}T09:00:00+08:00` }),
    { discard: true }
  )

/**
 * Accepts a case (10:00, 3 March 2025) and assesses it an hour later: category `other`, simple, unless `assess`
 * says otherwise (and with a manual risk level if it gives one).
 */
const acceptAndAssess = (center: Center.Center, caseId: string, assess: Record<string, unknown> = {}) =>
  Effect.gen(function*() {
    yield* center.execute({ _tag: "Accept", actor: admin, caseId, at: "2025-03-03T10:00:00+08:00" })
    return yield* center.execute({
      _tag: "Assess",
      actor: admin,
      caseId,
      category: "other",
      complexity: "simple",
      at: "2025-03-03T11:00:00+08:00",
      ...assess
    })
  })

/**
 * A backlog entered long after the events (the wall clock is months past them): two police referrals about
 * `applicant` (1 and 5 March 2025), then a case about them with a threat word (9 March), returned as `third`.
 */
const backlogWithThreat = Effect.gen(function*() {
  yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
  const center = yield* centerWith()
  yield* policeReferrals(center, ["01", "05"])
  const third = yield* register(center, {
    description: "扬言",
    parties: [applicant],
    at: "2025-03-09T09:00:00+08:00"
  })
  return { center, third }
})

describe("the risk plugin", () => {
  it.effect("grades at registration, explains the grade and opens a warning with its owner and due time", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const calm = yield* register(center)
      expect(calm.case.risk).toMatchObject({ level: "none", source: "grader" })
      const r = yield* register(center, {
        description: "因宅基地纠纷，当事人扬言要报复对方，同归于尽",
        category: "housingHomestead",
        headcount: 6,
        at: "2025-03-03T10:00:00+08:00"
      })
      // threat words 50 + homestead 15 + headcount 10
      expect(r.case.risk).toMatchObject({ level: "red", score: 75, source: "grader" })
      expect(r.case.risk.factors!.map((f) => f.id)).toEqual(["threatWords", "headcount", "category"])
      const explained = yield* center.plugins.risk.explain({ actor: admin, caseId: r.caseId })
      expect(explained.warning).toMatchObject({
        level: "red",
        owner: "countyLeader",
        issuedAt: "2025-03-03T02:00:00.000Z",
        dueAt: "2025-03-03T15:59:59.999Z", // red: the same day, in China
        suggestion: { escalateTo: "222403100", mode: "suggested" }
      })
    }))

  it.effect("the early-warning list (预警清单): by jurisdiction subtree and level, most urgent first, acknowledged", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const red = yield* register(center, { description: "扬言报复", category: "marriageFamily" })
      const yellow = yield* register(center, { description: "扬言上访", place: "222403001001" })
      yield* register(center, { description: "一般纠纷" })
      const all = yield* center.plugins.risk.earlyWarnings({ actor: admin })
      expect(all.map((w) => [w.caseId, w.level])).toEqual([[red.caseId, "red"], [yellow.caseId, "yellow"]])
      const township = yield* center.plugins.risk.earlyWarnings({ actor: admin, jurisdiction: "222403100" })
      expect(township.map((w) => w.caseId)).toEqual([red.caseId])
      expect(yield* center.plugins.risk.earlyWarnings({ actor: admin, levels: ["yellow"] })).toHaveLength(1)
      // another township's staff see only theirs
      const other = yield* center.plugins.risk.earlyWarnings({ actor: Examples.otherTownship })
      expect(other.map((w) => w.caseId)).toEqual([yellow.caseId])
      yield* center.plugins.risk.acknowledge({ actor: admin, caseId: red.caseId, note: "已报县领导" })
      const open = yield* center.plugins.risk.earlyWarnings({ actor: admin, unacknowledgedOnly: true })
      expect(open.map((w) => w.caseId)).toEqual([yellow.caseId])
      expect(
        yield* Effect.flip(
          center.plugins.risk.acknowledge({ actor: Examples.otherTownship, caseId: red.caseId, note: "x" })
        )
      )
        .toMatchObject({ _tag: "Forbidden" })
    }))

  it.effect("the early-warning list of a township's actor reads nothing of other townships' warnings (scope pushed down)", () =>
    Effect.gen(function*() {
      const inner = yield* MemoryStore.make
      // a store that remembers which warnings and cases were read
      const read = new Set<string>()
      const store: CaseStore.CaseStore = {
        ...inner,
        load: (centre, caseId) => {
          read.add(caseId)
          return inner.load(centre, caseId)
        },
        readState: (centre, namespace, keys) =>
          Effect.tap(inner.readState(centre, namespace, keys), (es) => es.forEach((e) => read.add(e.key))),
        scanState: (centre, namespace, options) =>
          Effect.tap(inner.scanState(centre, namespace, options), (es) => es.forEach((e) => read.add(e.key)))
      }
      const center = yield* scenarioMake({ config: countyConfig, plugins: [riskPlugin()] }).pipe(
        Effect.provideService(CaseStore.CaseStore, store)
      )
      // red warnings in 大石头镇, yellow ones in 胜利街道 (the red ones come first in the county's list)
      const mine: Array<string> = []
      const theirs: Array<string> = []
      for (let i = 0; i < 6; i++) {
        mine.push((yield* register(center, { description: "扬言报复", category: "marriageFamily" })).caseId)
        theirs.push(
          (yield* register(center, {
            description: "扬言上访",
            place: "222403001001",
            intakeNode: "222403001001"
          })).caseId
        )
      }
      read.clear()
      const asked = yield* center.plugins.risk.earlyWarnings({ actor: Examples.otherTownship, jurisdiction: "222403" })
      // the same answer as before: its own township's warnings …
      expect(asked.map((w) => w.caseId).sort()).toEqual([...theirs].sort())
      // … found without reading another township's warning or case
      const leaked = [...read].filter((k) => mine.some((id) => k.endsWith(id)))
      expect(leaked).toEqual([])
      // and the whole county for the county's admin, as before
      const all = yield* center.plugins.risk.earlyWarnings({ actor: admin, limit: 1000 })
      expect(all.map((w) => w.caseId).sort()).toEqual([...mine, ...theirs].sort())
    }))

  it.effect("acknowledging a warning is a write: it needs a role that may re-grade (dispatcher, admin), not only reading", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const red = yield* register(center, { description: "扬言报复", category: "marriageFamily" })
      const handlerOnly = { id: "handler-1", roles: ["handler"], jurisdiction: "222403" }
      for (const actor of [Examples.viewer, handlerOnly]) {
        const r = yield* Effect.either(center.plugins.risk.acknowledge({ actor, caseId: red.caseId, note: "已阅" }))
        const refusal = r._tag === "Left" ? r.left as { readonly _tag: string; readonly action?: string } : undefined
        expect(refusal === undefined ? ["done"] : [refusal._tag, refusal.action]).toEqual([
          "Forbidden",
          "acknowledge"
        ])
      }
      expect((yield* center.plugins.risk.explain({ actor: admin, caseId: red.caseId })).warning?.acknowledged)
        .toBeUndefined()
      const done = yield* center.plugins.risk.acknowledge({
        actor: Examples.countyIntake,
        caseId: red.caseId,
        note: "已报县领导"
      })
      expect(done.acknowledged).toMatchObject({ by: Examples.countyIntake.id, note: "已报县领导" })
      // a centre that lets others acknowledge says so
      const supervised = yield* centerWith({ acknowledgeRoles: ["supervisor"] })
      const other = yield* register(supervised, { description: "扬言报复", category: "marriageFamily" })
      const supervisor = { id: "sup-1", roles: ["supervisor"], jurisdiction: "222403" }
      expect(
        (yield* supervised.plugins.risk.acknowledge({ actor: supervisor, caseId: other.caseId, note: "督办" }))
          .acknowledged
      ).toMatchObject({ by: "sup-1" })
    }))

  it.effect("bad input to earlyWarnings, explain and acknowledge is an InvalidInput naming the field, never a crash", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const red = yield* register(center, { description: "扬言报复", category: "marriageFamily" })
      const field = <A>(effect: Effect.Effect<A, unknown>) =>
        Effect.map(
          Effect.either(effect),
          (r) => r._tag === "Left" ? [(r.left as { _tag: string })._tag, (r.left as { field?: string }).field] : ["ok"]
        )
      const api = center.plugins.risk as unknown as Record<string, (input: unknown) => Effect.Effect<unknown, unknown>>
      for (
        const [name, input, expected] of [
          ["earlyWarnings", { actor: admin, levels: "red" }, "levels"],
          ["earlyWarnings", { actor: admin, levels: ["purple"] }, "levels.0"],
          ["earlyWarnings", { actor: admin, limit: -1 }, "limit"],
          ["earlyWarnings", { actor: admin, limit: "10" }, "limit"],
          ["earlyWarnings", { actor: admin, dueBefore: "tomorrow" }, "dueBefore"],
          ["earlyWarnings", { actor: admin, unacknowledgedOnly: "yes" }, "unacknowledgedOnly"],
          ["earlyWarnings", { actor: admin, jurisdiction: 222403 }, "jurisdiction"],
          ["earlyWarnings", { actor: admin, level: ["red"] }, "level"],
          ["explain", { actor: admin }, "caseId"],
          ["acknowledge", { actor: admin, caseId: red.caseId }, "note"],
          ["acknowledge", { actor: admin, caseId: red.caseId, note: "" }, "note"],
          ["acknowledge", { actor: admin, caseId: 42, note: "x" }, "caseId"]
        ] as const
      ) {
        expect([name, ...(yield* field(api[name]!(input)))]).toEqual([name, "InvalidInput", expected])
      }
      // a due time with a time zone is compared as a time, not as text
      const due = yield* center.plugins.risk.earlyWarnings({ actor: admin, dueBefore: "2025-03-04T00:00:00+08:00" })
      expect(due.map((w) => w.caseId)).toEqual([red.caseId])
    }))

  it.effect("a new incident about the same person re-grades that person's other open cases", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const first = yield* register(center, {
        description: "扬言",
        parties: [applicant],
        at: "2025-03-01T09:00:00+08:00"
      })
      expect(first.case.risk.level).toBe("blue") // threat word 25
      yield* policeReferrals(center, ["05", "09"])
      const again = yield* center.get({ actor: admin, caseId: first.caseId })
      // 25 threat + 2 other cases (20) + 2 police referrals (30)
      expect(again.risk).toMatchObject({ level: "red", score: 75 })
      const history = yield* center.history({ actor: admin, caseId: first.caseId })
      expect(history.filter((e) => e.event._tag === "RegradeRequested")).toHaveLength(2)
      expect(history.at(-1)?.event._tag).toBe("RiskGraded")
    }))

  it.effect("a township's actor learns nothing of another township's cases from a grade; their re-grades are the system's", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      // three cases about the applicant in 胜利街道 (another township), registered by the county
      const elsewhere: Array<string> = []
      for (const day of ["01", "02", "03"]) {
        const r = yield* register(center, {
          parties: [applicant],
          place: "222403001001",
          intakeNode: "222403001001",
          at: `2025-03-${day}T09:00:00+08:00`
        })
        elsewhere.push(r.caseId)
      }
      // 大石头镇's intake registers one about the same person in its own village
      const mine = yield* register(center, {
        actor: Examples.townshipIntake,
        parties: [applicant],
        at: "2025-03-04T09:00:00+08:00"
      })
      // the grade is the centre's (it counts them) …
      expect(mine.case.risk.factors?.map((f) => f.id)).toContain("repeatIncidents")
      // … but no text the actor sees tells how many there are
      const seen = [
        mine.case.risk,
        (yield* center.get({ actor: Examples.townshipIntake, caseId: mine.caseId })).risk,
        (yield* center.plugins.risk.explain({ actor: Examples.townshipIntake, caseId: mine.caseId })).risk
      ]
      for (const risk of seen) {
        for (const f of risk.factors ?? []) expect(f.detail ?? "", f.id).not.toMatch(/\b3\b|\d+ (other|prior)/)
      }
      // the other township's cases were graded again by the system, never in the registering actor's name
      for (const caseId of elsewhere) {
        const history = yield* center.history({ actor: admin, caseId })
        const regrades = history.filter((e) => e.event._tag === "RegradeRequested")
        expect(regrades.length, caseId).toBeGreaterThan(0)
        const later = history.filter((e) => e.commandId !== history[0]!.commandId)
        for (const e of later) expect(e.actor.id, caseId).toBe("system:risk")
      }
    }))

  it.effect("related cases with long ids are re-graded too (the re-grade's command id stays a valid id)", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const long = (n: string) => `${n}-${"x".repeat(120)}`
      const first = yield* register(center, {
        caseId: long("a"),
        description: "扬言",
        parties: [applicant],
        at: "2025-03-01T09:00:00+08:00"
      })
      yield* register(center, {
        caseId: long("b"),
        channel: "policeReferral",
        parties: [applicant],
        at: "2025-03-05T09:00:00+08:00"
      })
      const history = yield* center.history({ actor: admin, caseId: first.caseId })
      const regrades = history.filter((e) => e.event._tag === "RegradeRequested")
      expect(regrades).toHaveLength(1)
      expect(regrades[0]!.commandId.length).toBeLessThanOrEqual(128)
    }))

  it.effect("the re-grade of related cases uses the new incident's time, not the wall clock (the window stays put)", () =>
    Effect.gen(function*() {
      // the centre runs long after the events (a backlog entered later): the wall clock is months past them
      const { center, third } = yield* backlogWithThreat
      // 25 threat + 2 other cases (20) + 2 police referrals (30)
      expect(third.case.risk).toMatchObject({ level: "red", score: 75 })
      yield* register(center, { parties: [applicant], at: "2025-03-12T09:00:00+08:00" })
      const again = yield* center.get({ actor: admin, caseId: third.caseId })
      // 25 threat + 3 other cases (30) + 2 police referrals (30): raised, not lowered to the threat word alone
      expect(again.risk).toMatchObject({ level: "red", score: 85 })
      const history = yield* center.history({ actor: admin, caseId: third.caseId })
      expect(history.filter((e) => e.event._tag === "RegradeRequested").map((e) => e.at)).toEqual([
        "2025-03-12T01:00:00.000Z"
      ])
    }))

  it.effect("a related case with events after the new incident is re-graded looking back from the incident", () =>
    Effect.gen(function*() {
      const { center, third } = yield* backlogWithThreat
      yield* center.execute({ _tag: "Accept", actor: admin, caseId: third.caseId, at: "2025-03-20T09:00:00+08:00" })
      // entered late: registered on the 12th, after the third case was accepted on the 20th
      yield* register(center, { parties: [applicant], at: "2025-03-12T09:00:00+08:00" })
      const again = yield* center.get({ actor: admin, caseId: third.caseId })
      expect(again.risk).toMatchObject({ level: "red", score: 85 })
      const history = yield* center.history({ actor: admin, caseId: third.caseId })
      expect(history.filter((e) => e.event._tag === "RegradeRequested")).toHaveLength(1)
    }))

  it.effect("escalates automatically when the rule says so", () =>
    Effect.gen(function*() {
      const center = yield* centerWith({
        escalation: [{ level: "red", from: "village", to: "township", mode: "automatic" }]
      })
      const { caseId } = yield* register(center, { description: "当事人扬言报复", category: "marriageFamily" })
      const assessed = yield* acceptAndAssess(center, caseId, { category: "marriageFamily", complexity: "general" })
      expect(assessed.case.risk.level).toBe("red")
      const now = yield* center.get({ actor: admin, caseId })
      expect(now).toMatchObject({ status: "escalated", handlingNode: "222403100" })
      expect(now.escalations[0]).toMatchObject({ from: "222403100201", to: "222403100" })
    }))

  it.effect("a manual level set at assessment is not lowered; graders still raise it", () =>
    Effect.gen(function*() {
      const center = yield* centerWith()
      const { caseId } = yield* register(center)
      const assessed = yield* acceptAndAssess(center, caseId, {
        risk: { level: "yellow", reason: "网格员反映情绪激动" }
      })
      expect(assessed.case.risk).toMatchObject({ level: "yellow", source: "manual" })
    }))

  it.effect("a grader not triggered this time keeps its level when the grades are combined again (max and weighted)", () =>
    Effect.gen(function*() {
      // graded at registration only; the rules grader alone runs after Assess
      const watchList = defineRiskGrader({
        id: "watch-list",
        version: "1.0.0",
        triggers: ["Registered"],
        grade: () => Effect.succeed({ score: 60, level: "red", factors: [{ id: "watchList", contribution: 60 }] })
      })
      for (const options of [{}, { combine: { weighted: { rules: 1, "watch-list": 1 } } }] as const) {
        const center = yield* centerWith(options, [watchList])
        const { caseId, case: registered } = yield* register(center)
        expect(registered.risk).toMatchObject({ level: "red", score: 60 })
        const assessed = yield* acceptAndAssess(center, caseId)
        expect(assessed.case.risk).toMatchObject({ level: "red", score: 60, source: "grader" })
        const explained = yield* center.plugins.risk.explain({ actor: admin, caseId })
        expect(explained.warning).toMatchObject({ level: "red" })
      }
    }))

  it.effect("a grader named like its plugin is named once, and its grades kept under the doubled id still count", () =>
    Effect.gen(function*() {
      const watchList = defineRiskGrader({
        id: "watch-list",
        version: "1.0.0",
        triggers: ["Registered"],
        grade: () => Effect.succeed({ score: 60, level: "red", factors: [{ id: "watchList", contribution: 60 }] })
      })
      const store = yield* MemoryStore.make
      const center = yield* scenarioMake({ config: countyConfig, plugins: [riskPlugin(), watchList] }).pipe(
        Effect.provideService(CaseStore.CaseStore, store)
      )
      const { caseId, case: registered } = yield* register(center)
      expect(registered.risk.factors?.map((f) => [f.id, f.grader])).toEqual([["watchList", "watch-list"]])
      // the grade as an earlier release kept it: under "watch-list/watch-list"
      const [kept] = yield* store.readState(center.config.id, "fengqiao:grades", [caseId])
      const { "watch-list": grade, ...others } = kept!.value as Record<string, unknown>
      expect(grade).toMatchObject({ score: 60, level: "red" })
      yield* store.writeState(center.config.id, "fengqiao:grades", caseId, kept!.version, {
        ...others,
        "watch-list/watch-list": grade
      })
      // the grader is not triggered by Assess: its kept grade still counts
      const assessed = yield* acceptAndAssess(center, caseId)
      expect(assessed.case.risk).toMatchObject({ level: "red", score: 60, source: "grader" })
    }))

  it.effect("a manual level raised by a grader falls back to the manual level when the graders say less", () =>
    Effect.gen(function*() {
      let level = "none"
      const desk = defineRiskGrader({
        id: "desk",
        version: "1.0.0",
        grade: () => Effect.succeed({ score: 0, level, factors: [] })
      })
      const center = yield* centerWith({}, [desk])
      const { caseId } = yield* register(center)
      yield* acceptAndAssess(center, caseId, { risk: { level: "yellow", reason: "网格员反映情绪激动" } })
      const regrade = (hour: number) =>
        center.execute({ _tag: "Regrade", actor: admin, caseId, reason: "复评", at: `2025-03-03T${hour}:00:00+08:00` })
      level = "red"
      expect((yield* regrade(12)).case.risk).toMatchObject({ level: "red", source: "grader" })
      level = "none"
      const after = yield* regrade(13)
      expect(after.case.risk).toMatchObject({ level: "yellow", source: "manual" })
      expect((yield* center.plugins.risk.explain({ actor: admin, caseId })).warning).toMatchObject({ level: "yellow" })
    }))

  it.effect("graders of other plugins combine: the highest level, or a weighted score", () =>
    Effect.gen(function*() {
      const night = defineRiskGrader({
        id: "night",
        version: "1.0.0",
        grade: () => Effect.succeed({ score: 20, factors: [{ id: "nightVisit", contribution: 20 }] })
      })
      const max = yield* centerWith({}, [night])
      expect((yield* register(max, { description: "扬言" })).case.risk).toMatchObject({ level: "blue", score: 25 })
      const weighted = yield* centerWith({ combine: { weighted: { rules: 1, night: 0.5 } } }, [night])
      const r = yield* register(weighted, { description: "扬言" })
      expect(r.case.risk).toMatchObject({ level: "yellow", score: 35 })
      expect(r.case.risk.factors!.map((f) => [f.id, f.contribution, f.grader])).toEqual([
        ["threatWords", 25, "risk/rules"],
        ["nightVisit", 10, "night"]
      ])
      // a weight given under the doubled id the grader had before still applies
      const before = yield* centerWith({ combine: { weighted: { rules: 1, "night/night": 0.5 } } }, [night])
      expect((yield* register(before, { description: "扬言" })).case.risk).toMatchObject({ level: "yellow", score: 35 })
    }))

  it.effect("checks its configuration against the centre's at start-up", () =>
    Effect.gen(function*() {
      const wrongPreset = yield* Effect.flip(centerWith({ preset: "highMediumLow" }))
      expect(wrongPreset).toMatchObject({ _tag: "InvalidConfig", field: "plugins.0.options.preset" })
      const badLevel = yield* Effect.flip(
        centerWith({ escalation: [{ level: "red", from: "grid", to: "city", mode: "suggested" }] })
      )
      expect(badLevel).toMatchObject({ _tag: "InvalidConfig", field: "plugins.0.options.escalation.0.to" })
      const badOption = yield* Effect.flip(centerWith({ rules: { vulnerable: -5 } }))
      expect(badOption).toMatchObject({ _tag: "InvalidConfig", field: "plugins.0.options.rules.vulnerable" })
    }))

  it.effect("refuses options that would break grading, naming the field (and the threshold index as given)", () =>
    Effect.gen(function*() {
      // small values only: a failing comparison against a whole centre is slow to print
      const refused = (options: RiskOptions) => startup(options)
      const words = (list: ReadonlyArray<string>) => ({ threatWords: { words: list, perWord: 25, max: 50 } })
      // a blank word would be found in every text: every case a threat
      expect(yield* refused({ rules: words(["扬言", " "]) })).toEqual([
        "InvalidConfig",
        "plugins.0.options.rules.threatWords.words.1"
      ])
      expect(yield* refused({ rules: words(["\u3000\t"]) })).toEqual([
        "InvalidConfig",
        "plugins.0.options.rules.threatWords.words.0"
      ])
      // a higher level needing a lower score than a lower level
      expect(
        yield* refused({
          thresholds: [{ level: "blue", minScore: 15 }, { level: "red", minScore: 10 }, {
            level: "yellow",
            minScore: 35
          }]
        })
      ).toEqual(["InvalidConfig", "plugins.0.options.thresholds.1.minScore"])
      expect(
        yield* refused({ thresholds: [{ level: "red", minScore: 60 }, { level: "red", minScore: 70 }] })
      ).toEqual(["InvalidConfig", "plugins.0.options.thresholds.1.level"])
      // an unknown level is named at the index the user gave, not after sorting by score
      expect(
        yield* refused({ thresholds: [{ level: "red", minScore: 60 }, { level: "purple", minScore: 70 }] })
      ).toEqual(["InvalidConfig", "plugins.0.options.thresholds.1.level"])
      expect(yield* refused({ systemActorId: "" })).toEqual(["InvalidConfig", "plugins.0.options.systemActorId"])
      // an infinite weight gives a score JSON cannot hold (null)
      for (const weight of [Infinity, NaN]) {
        expect(yield* refused({ combine: { weighted: { rules: 1, night: weight } } })).toEqual([
          "InvalidConfig",
          "plugins.0.options.combine.weighted.night"
        ])
      }
      expect(yield* refused({ thresholds: [{ level: "red", minScore: Infinity }] })).toEqual([
        "InvalidConfig",
        "plugins.0.options.thresholds.0.minScore"
      ])
      // a category the centre does not have would never score
      expect(yield* refused({ rules: { categories: { marriagefamily: 15 } } })).toEqual([
        "InvalidConfig",
        "plugins.0.options.rules.categories.marriagefamily"
      ])
      expect(yield* refused({ rules: { categories: { marriageFamily: 20 } } })).toEqual(["accepted"])
      // every rule field has a default: one field alone is enough, and the others keep theirs
      expect(yield* refused({ rules: { repeat: { withinDays: 30 } } })).toEqual(["accepted"])
      expect(yield* refused({ rules: { threatWords: { perWord: 30 } } })).toEqual(["accepted"])
      const center = yield* centerWith({ rules: { threatWords: { perWord: 30 } } })
      const r = yield* register(center, { description: "扬言" })
      expect(r.case.risk.factors).toContainEqual(expect.objectContaining({ id: "threatWords", contribution: 30 }))
    }))

  it.effect("checks the levels a grader declares against the centre's at start-up, and refuses an unknown level", () =>
    Effect.gen(function*() {
      const purple = (levels?: ReadonlyArray<string>) =>
        defineRiskGrader({
          id: "purple",
          version: "1.0.0",
          ...(levels === undefined ? {} : { levels }),
          grade: () => Effect.succeed({ score: 70, level: "purple", factors: [{ id: "colour", contribution: 70 }] })
        })
      expect(yield* startup({}, [purple(["red", "purple"])])).toEqual(["InvalidConfig", "plugins.1.options.levels.1"])
      // a grader that declares nothing: its grade with a level the centre does not have is refused, never recorded
      const center = yield* centerWith({}, [purple()])
      const r = yield* Effect.either(register(center))
      expect(r._tag === "Left" ? r.left : r.right.case.risk).toMatchObject({
        _tag: "PluginFailed",
        plugin: "risk",
        hook: "riskPolicy"
      })
      expect(r._tag === "Left" && r.left._tag === "PluginFailed" ? r.left.reason : "").toContain("grader purple gave")
    }))

  it.effect("a negative score cannot cancel another grader's red: grades must be finite and non-negative", () =>
    Effect.gen(function*() {
      const calming = (score: number) =>
        defineRiskGrader({
          id: "calming",
          version: "1.0.0",
          grade: () => Effect.succeed({ score, factors: [{ id: "calm", contribution: score }] })
        })
      for (const score of [-50, Infinity]) {
        const center = yield* centerWith({ combine: { weighted: { rules: 1, calming: 1 } } }, [calming(score)])
        const r = yield* Effect.either(
          register(center, {
            description: "因宅基地纠纷，当事人扬言要报复对方",
            category: "housingHomestead",
            headcount: 6
          })
        )
        const outcome = r._tag === "Left" ? r.left : r.right.case.risk
        expect(outcome).toMatchObject({ _tag: "PluginFailed", plugin: "risk", hook: "riskPolicy" })
        expect((outcome as { readonly reason?: string }).reason).toMatch(/grader calming gave.*score/)
      }
    }))

  it.effect("an incident entered late with an earlier time does not move a later case's window into the past", () =>
    Effect.gen(function*() {
      // the same person: W (1 Nov 2024), Y (1 Jan 2025), X with a threat (1 Jun 2025) — W and Y are 212 and 151
      // days before X, outside the 90-day window, in whatever order they are entered
      const W = { parties: [applicant], at: "2024-11-01T09:00:00+08:00" }
      const Y = { parties: [applicant], at: "2025-01-01T09:00:00+08:00" }
      const X = { parties: [applicant], at: "2025-06-01T09:00:00+08:00", description: "扬言要同归于尽" }
      const gradeOfX = (order: ReadonlyArray<Record<string, unknown>>) =>
        Effect.gen(function*() {
          const center = yield* centerWith()
          let x = ""
          for (const c of order) {
            const r = yield* register(center, c)
            if (c === X) x = r.caseId
          }
          return (yield* center.get({ actor: admin, caseId: x })).risk
        })
      const inOrder = yield* gradeOfX([W, Y, X])
      const backlog = yield* gradeOfX([W, X, Y])
      expect(backlog).toEqual(inOrder)
      expect(backlog.factors!.map((f) => f.id)).not.toContain("repeatIncidents")
      // W, graded again when Y arrives, counts Y (61 days later) but not X (212 days later)
      const center = yield* centerWith()
      const w = yield* register(center, W)
      yield* register(center, X)
      yield* register(center, Y)
      const again = yield* center.get({ actor: admin, caseId: w.caseId })
      expect(again.risk.factors).toContainEqual({
        id: "repeatIncidents",
        contribution: 10,
        // no count in the text: the other cases may lie outside the reader's jurisdiction (issue 26)
        detail: "other cases of the same people, phones or addresses within 90 days",
        grader: "risk/rules"
      })
    }))

  it.effect("a grade the case cannot keep is refused, never written: a factor's detail not text, JSON it cannot hold", () =>
    Effect.gen(function*() {
      const giving = (grade: unknown) =>
        defineRiskGrader({ id: "odd", version: "1.0.0", grade: () => Effect.succeed(grade as Grading.Grade) })
      const cases: ReadonlyArray<readonly [unknown, string, RegExp]> = [
        [
          { score: 5, factors: [{ id: "x", contribution: 5, detail: 7 }] },
          "riskPolicy",
          /grader odd gave.*factors\.0\.detail/
        ],
        [{ score: 10n, factors: [] }, "grader odd", /plain JSON data.*BigInt/],
        [{ score: 10, factors: [], meta: 1n }, "grader odd", /plain JSON data/],
        [
          (() => {
            const g: Record<string, unknown> = { score: 1, factors: [] }
            g["self"] = g
            return g
          })(),
          "grader odd",
          /plain JSON data.*circular/
        ]
      ]
      for (const [grade, hook, reason] of cases) {
        const store = yield* MemoryStore.make
        const center = yield* scenarioMake({ config: countyConfig, plugins: [riskPlugin(), giving(grade)] }).pipe(
          Effect.provideService(CaseStore.CaseStore, store)
        )
        const r = yield* Effect.either(register(center, { caseId: "odd-grade" }))
        expect(r._tag === "Left" ? r.left : r.right).toMatchObject({ _tag: "PluginFailed", hook })
        expect(r._tag === "Left" && r.left._tag === "PluginFailed" ? r.left.reason : "").toMatch(reason)
        expect(Option.isNone(yield* store.load(countyConfig.id, "odd-grade"))).toBe(true)
      }
      // extra fields of a factor are not kept
      const extra = yield* centerWith({}, [
        giving({ score: 30, factors: [{ id: "x", contribution: 30, detail: "d", note: { deep: true } }] })
      ])
      const kept = yield* register(extra)
      expect(kept.case.risk.factors).toEqual([{ id: "x", contribution: 30, detail: "d", grader: "odd" }])
    }))

  it.effect("weighted: each grader's score counts, a level it names is a floor, and a sum beyond a number is refused", () =>
    Effect.gen(function*() {
      const giving = (id: string, grade: Grading.Grade) =>
        defineRiskGrader({ id, version: "1.0.0", grade: () => Effect.succeed(grade) })
      // a score without factors: counted (under "max" it would give red as well)
      const bare = yield* centerWith({ combine: { weighted: {} } }, [giving("bare", { score: 80, factors: [] })])
      expect((yield* register(bare)).case.risk).toMatchObject({ level: "red", score: 80 })
      // a named level with a score of 0: kept as the floor
      const named = yield* centerWith({ combine: { weighted: {} } }, [
        giving("named", { score: 0, level: "red", factors: [] })
      ])
      expect((yield* register(named)).case.risk).toMatchObject({ level: "red", score: 0 })
      // two graders at the largest number: the sum is not finite
      const huge = yield* centerWith({ combine: { weighted: {} } }, [
        giving("a", { score: 1e308, factors: [{ id: "a", contribution: 1e308 }] }),
        giving("b", { score: 1e308, factors: [{ id: "b", contribution: 1e308 }] })
      ])
      const r = yield* Effect.either(register(huge))
      expect(r._tag === "Left" ? r.left : r.right).toMatchObject({ _tag: "PluginFailed", hook: "riskPolicy" })
      expect(r._tag === "Left" && r.left._tag === "PluginFailed" ? r.left.reason : "").toMatch(
        /combine\.weighted.*score/
      )
      const weight = yield* centerWith({ combine: { weighted: { rules: 1e308 } } })
      const w = yield* Effect.either(register(weight, { description: "扬言" }))
      expect(w._tag === "Left" ? w.left : w.right).toMatchObject({ _tag: "PluginFailed", hook: "riskPolicy" })
    }))

  it.effect("defineRiskGrader with malformed input gives a plugin the centre refuses by name, not a TypeError", () =>
    Effect.gen(function*() {
      const withLevels = (levels: unknown) =>
        defineRiskGrader({
          id: "lv",
          version: "1.0.0",
          levels: levels as ReadonlyArray<string>,
          grade: () => Effect.succeed(undefined)
        })
      const fieldOf = (plugin: Plugin.Any) => startup({}, [plugin])
      expect(yield* fieldOf(withLevels("red"))).toEqual(["InvalidConfig", "plugins.1.options.levels"])
      expect(yield* fieldOf(withLevels({}))).toEqual(["InvalidConfig", "plugins.1.options.levels"])
      expect(yield* fieldOf(withLevels([1]))).toEqual(["InvalidConfig", "plugins.1.options.levels.0"])
      expect(yield* fieldOf(defineRiskGrader(null as never))).toEqual(["InvalidConfig", "plugins.1.id"])
    }))

  it("a higher level is never due later than a lower one: red (2 hours) raised at 23:30 is due with orange's day", async () => {
    const center = await scenarioCenter({
      config: { ...countyConfig, riskLevels: Presets.fourColour.levels },
      plugins: [riskPlugin({ preset: "fourColour" })]
    })
    try {
      const red = (at: string) =>
        center.register({
          actor: admin,
          kind: "dispute",
          channel: "walkIn",
          place: "222403100201",
          parties: [stranger(++people)],
          description: "因宅基地纠纷，当事人扬言要报复对方",
          category: "housingHomestead",
          headcount: 6,
          at
        })
      // threat words 50 + homestead 15 + headcount 10 = 75: red
      const late = await red("2025-03-03T23:30:00+08:00")
      const early = await red("2025-03-03T09:00:00+08:00")
      expect(late.case.risk.level).toBe("red")
      const warnings = await center.plugins.risk.earlyWarnings({ actor: admin })
      const dueOf = (caseId: string) => warnings.find((w) => w.caseId === caseId)?.dueAt
      expect(dueOf(late.caseId)).toBe("2025-03-03T15:59:59.999Z") // 23:59:59.999 in Beijing, not 01:30
      expect(dueOf(early.caseId)).toBe("2025-03-03T03:00:00.000Z") // two hours
    } finally {
      await center.dispose()
    }
  })

  it("works through the Promise API with another preset, and the centre takes the preset's levels", async () => {
    const center = await scenarioCenter({
      config: { ...countyConfig, riskLevels: Presets.highMediumLow.levels },
      plugins: [riskPlugin({ preset: "highMediumLow" })]
    })
    try {
      const r = await center.register({
        actor: admin,
        kind: "dispute",
        channel: "walkIn",
        place: "222403100201",
        parties: [applicant],
        description: "扬言要跳楼",
        category: "marriageFamily",
        at: "2025-03-03T09:00:00+08:00"
      })
      // two threat words 50 + marriage and family 15
      expect(r.case.risk).toMatchObject({ level: "high", score: 65 })
      const warnings = await center.plugins.risk.earlyWarnings({ actor: admin })
      expect(warnings[0]).toMatchObject({ level: "high", owner: "countyLeader" })
    } finally {
      await center.dispose()
    }
  })
})
