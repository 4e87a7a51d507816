import { describe, expect, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Case } from "../src/Case.js"
import { CaseStore } from "../src/CaseStore.js"
import * as Center from "../src/Center.js"
import type { CommandInput } from "../src/Command.js"
import * as Errors from "../src/Errors.js"
import * as Grading from "../src/Grading.js"
import * as MemoryStore from "../src/MemoryStore.js"
import * as Plugin from "../src/Plugin.js"
import { admin, applicant, countyConfig, otherTownship, registerInput } from "./fixtures.js"
import { createScenarioCenter, makeScenario } from "./scenario.js"

const registration = (extra: Record<string, unknown> = {}) => registerInput({ parties: [applicant], ...extra })

const withCenter = <A, E>(
  options: Omit<Center.Options, "config">,
  f: (center: Center.Center, store: CaseStore) => Effect.Effect<A, E>
) =>
  Effect.gen(function*() {
    const store = yield* MemoryStore.make
    const center = yield* makeScenario({ config: countyConfig, ...options }).pipe(
      Effect.provideService(CaseStore, store)
    )
    return yield* f(center, store)
  })

/** Registers a case, accepts it and assesses it (a village neighbourhood case) with a manual risk level. */
const assessedWithManualLevel = (
  center: Center.Center,
  options: {
    readonly registration?: Record<string, unknown>
    readonly risk: { readonly level: string; readonly reason: string }
    readonly acceptedAt: string
    readonly assessedAt: string
  }
) =>
  Effect.gen(function*() {
    const { caseId } = yield* center.execute(registration(options.registration))
    yield* center.execute({ _tag: "Accept", actor: admin, caseId, at: options.acceptedAt })
    return yield* center.execute({
      _tag: "Assess",
      actor: admin,
      caseId,
      category: "neighbourhood",
      complexity: "general",
      risk: options.risk,
      at: options.assessedAt
    })
  })

const plain = (id: string, extra: Partial<Plugin.Definition<string, undefined, undefined, Plugin.NoApi>> = {}) =>
  Plugin.definePlugin({ id, version: "1.0.0", ...extra })

describe("installing plugins", () => {
  const field = (plugins: ReadonlyArray<unknown>) => {
    const r = Plugin.install(plugins)
    return Either.isLeft(r) ? r.left.field : r.right.map((p) => p.plugin.id).join(",")
  }

  it("orders by dependency, array order breaking ties", () => {
    expect(field([plain("b", { dependsOn: ["c"] }), plain("a"), plain("c")])).toBe("a,c,b")
    expect(field([plain("x"), plain("y", { dependsOn: ["x"] }), plain("w")])).toBe("x,y,w")
  })

  it("refuses duplicate ids, missing or cyclic dependencies, foreign objects and two risk policies, naming the field", () => {
    expect(field([plain("a"), plain("a")])).toBe("plugins.1.id")
    expect(field([plain("a", { dependsOn: ["zz"] })])).toBe("plugins.0.dependsOn.0")
    expect(field([plain("a", { dependsOn: ["b"] }), plain("b", { dependsOn: ["a"] })])).toBe("plugins.0.dependsOn")
    expect(field([{ id: "fake" }])).toBe("plugins.0")
    expect(field([plain("Bad Id")])).toBe("plugins.0.id")
    const policy = () => undefined
    const withPolicy = (id: string) => plain(id, { contributes: [Grading.riskPolicy(policy)] })
    expect(field([withPolicy("p"), withPolicy("q")])).toBe("plugins.1.contributes.0")
  })

  it("decodes each plugin's config with its Schema; a bad value names the field", () => {
    const configured = (options: unknown) =>
      Plugin.definePlugin({
        id: "thresholds",
        version: "1.0.0",
        config: Schema.Struct({ red: Schema.Number.pipe(Schema.positive()) }),
        options: options as { red: number }
      })
    const good = Plugin.install([configured({ red: 80 })])
    expect(Either.isRight(good) && good.right[0]!.config).toEqual({ red: 80 })
    expect(field([configured({ red: -1 })])).toBe("plugins.0.options.red")
    expect(field([configured({ red: 80, typo: 1 })])).toBe("plugins.0.options.typo")
  })

  it("needs no options when every field of the config has a default; names a required field when none is given", () => {
    const defaults = Plugin.definePlugin({
      id: "defaults",
      version: "1.0.0",
      config: Schema.Struct({ limit: Schema.optionalWith(Schema.Int, { default: () => 3 }) })
    })
    const installed = Plugin.install([defaults])
    expect(Either.isRight(installed) && installed.right[0]!.config).toEqual({ limit: 3 })
    // a required field: `options` is required by the type, and at run time the missing field is named
    const required = Plugin.definePlugin({
      id: "required",
      version: "1.0.0",
      config: Schema.Struct({ red: Schema.Number }),
      options: undefined as unknown as { red: number }
    })
    expect(field([required])).toBe("plugins.0.options.red")
    // a config that is not a struct: what was missing is the options themselves
    const scalar = Plugin.definePlugin({
      id: "scalar",
      version: "1.0.0",
      config: Schema.Number,
      options: undefined as unknown as number
    })
    expect(field([scalar])).toBe("plugins.0.options")
    // @ts-expect-error `options` is required when a field of the config has no default
    Plugin.definePlugin({ id: "forgot", version: "1.0.0", config: Schema.Struct({ red: Schema.Number }) })
  })

  it.effect("a bad plugin fails the centre's start with InvalidConfig", () =>
    Effect.gen(function*() {
      const e = yield* Effect.flip(withCenter({ plugins: [plain("a"), plain("a")] }, () => Effect.void))
      expect(e).toMatchObject({ _tag: "InvalidConfig", field: "plugins.1.id" })
    }))
})

describe("plugin hooks around a command", () => {
  it.effect("a guard refuses with GuardFailed named <plugin>/<guard>; nothing is written", () =>
    withCenter({
      plugins: [plain("quiet-hours", {
        guards: [{
          name: "no-petitions",
          commands: ["Register"],
          check: (ctx) =>
            Effect.succeed(ctx.command._tag === "Register" && ctx.command.kind === "petition" ? "not today" : undefined)
        }]
      })]
    }, (center, store) =>
      Effect.gen(function*() {
        const e = yield* Effect.flip(center.execute(registration({ kind: "petition", caseId: "p1" })))
        expect(e).toMatchObject({ _tag: "GuardFailed", guard: "quiet-hours/no-petitions", reason: "not today" })
        expect(Option.isNone(yield* store.load("dunhua", "p1"))).toBe(true)
        expect((yield* center.execute(registration())).code).toBe("222403-2025-000001")
      })))

  it.live("onEvents runs inside the transaction: a failure, a throw or a timeout leaves no partial command", () =>
    Effect.gen(function*() {
      const cases = [
        ["fails", Effect.fail("downstream refused")],
        ["throws", Effect.sync(() => JSON.parse("{"))],
        ["hangs", Effect.never]
      ] as const
      for (const [name, failing] of cases) {
        // fails on acceptance (and on the second registration), so that a first registration goes through
        const onEvents = (ctx: Plugin.EventsContext<undefined>) =>
          ctx.events.some((e) => e.event._tag === "Accepted") || ctx.case.id === "c2" ? failing : Effect.void
        yield* withCenter({
          pluginTimeout: "50 millis",
          plugins: [
            plain("counter", {
              projections: [{
                name: "events",
                apply: (ctx) => Effect.asVoid(ctx.state.update("count", (n) => (typeof n === "number" ? n + 1 : 1)))
              }]
            }),
            plain(`broken-${name}`, { onEvents })
          ]
        }, (center, store) =>
          Effect.gen(function*() {
            yield* center.execute(registration({ caseId: "c1" }))
            const e = yield* Effect.flip(
              center.execute({ _tag: "Accept", actor: admin, caseId: "c1", at: "2025-03-03T10:00:00+08:00" })
            )
            expect(e, name).toMatchObject({ _tag: "PluginFailed", plugin: `broken-${name}`, hook: "onEvents" })
            expect(Option.getOrThrow(yield* store.load("dunhua", "c1"))).toMatchObject({
              status: "registered",
              version: 1
            })
            expect(yield* store.readEvents("dunhua", "c1")).toHaveLength(1)
            // the counter's write in the same command was rolled back with it
            expect((yield* store.readState("dunhua", "counter", ["count"]))[0]).toMatchObject({ value: 1, version: 1 })
            // a failing registration writes nothing and gives its code number back
            yield* Effect.flip(center.execute(registration({ caseId: "c2" })))
            expect(Option.isNone(yield* store.load("dunhua", "c2"))).toBe(true)
            expect((yield* center.execute(registration({ caseId: "c3" }))).code).toBe("222403-2025-000002")
          }))
      }
    }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger))))

  it.live("a hook that throws instead of returning an Effect is PluginFailed too (both front doors); nothing is written", () =>
    Effect.gen(function*() {
      const boom = (): never => {
        throw new Error("boom")
      }
      const hooks: ReadonlyArray<
        readonly [string, Partial<Plugin.Definition<string, undefined, undefined, Plugin.NoApi>>]
      > = [
        ["guard throws", { guards: [{ name: "throws", commands: ["Register"], check: boom }] }],
        ["projection throws", { projections: [{ name: "throws", apply: boom }] }],
        ["onEvents", { onEvents: boom }],
        ["grader throws", { contributes: [Grading.grader({ id: "throws", grade: boom })] }]
      ]
      for (const [hook, extra] of hooks) {
        yield* withCenter({ plugins: [plain("thrower", extra)] }, (center, store) =>
          Effect.gen(function*() {
            const e = yield* Effect.flip(center.execute(registration({ caseId: "t1" })))
            expect(e, hook).toMatchObject({ _tag: "PluginFailed", plugin: "thrower", hook })
            expect((e as { reason: string }).reason, hook).toContain("boom")
            expect(Option.isNone(yield* store.load("dunhua", "t1")), hook).toBe(true)
          }))
      }
      // the Promise API keeps the _tag, for a hook and for a plugin API handler that throws
      const client = yield* Effect.promise(() =>
        createScenarioCenter({
          config: countyConfig,
          plugins: [
            Plugin.definePlugin({
              id: "thrower",
              version: "1.0.0",
              guards: [{ name: "throws", commands: ["Register"], check: boom }],
              api: () => ({ explode: (_: { readonly actor: unknown }) => boom() })
            })
          ]
        })
      )
      try {
        const viaClient = yield* Effect.promise(() =>
          client.execute(registration() as CommandInput).then(() => undefined, (e) => e)
        )
        expect(viaClient).toMatchObject({ _tag: "PluginFailed", plugin: "thrower", hook: "guard throws" })
        const viaApi = yield* Effect.promise(() =>
          client.plugins.thrower.explode({ actor: admin }).then(() => undefined, (e) => e)
        )
        expect(viaApi).toMatchObject({ _tag: "PluginFailed", plugin: "thrower", hook: "api explode" })
      } finally {
        yield* Effect.promise(() => client.dispose())
      }
    }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger))))

  it.live("a plugin API's failure leaves the centre masked, with its class and _tag (both front doors)", () =>
    Effect.gen(function*() {
      const leaky = Plugin.definePlugin({
        id: "leaky",
        version: "1.0.0",
        api: () => ({
          refuse: (_: { readonly actor: unknown }) =>
            Effect.fail(
              new Errors.InvalidInput({
                field: "phone",
                expected: "a number other than 13812345678",
                issues: [{ field: "phone", expected: "not 13812345678 (ID 220283199001011234)" }]
              })
            ),
          explode: (_: { readonly actor: unknown }) => Effect.die(new Error("no record for 220283199001011234"))
        })
      })
      const raw = /13812345678|220283199001011234/
      type Api = Record<string, (input: unknown) => Effect.Effect<unknown, Error & { readonly _tag: string }>>
      yield* withCenter({ plugins: [leaky] }, (center) =>
        Effect.gen(function*() {
          const api = (center.plugins as unknown as { readonly leaky: Api }).leaky
          const refused = yield* Effect.flip(api.refuse!({ actor: admin }))
          expect(refused).toBeInstanceOf(Errors.InvalidInput)
          expect(refused).toMatchObject({
            _tag: "InvalidInput",
            field: "phone",
            expected: "a number other than 138****5678"
          })
          expect(JSON.stringify(refused) + refused.message + String(refused.stack)).not.toMatch(raw)
          const exploded = yield* Effect.flip(api.explode!({ actor: admin }))
          expect(exploded).toMatchObject({ _tag: "PluginFailed", hook: "api explode" })
          expect(JSON.stringify(exploded) + exploded.message + String(exploded.stack)).not.toMatch(raw)
        }))
      const client = yield* Effect.promise(() => createScenarioCenter({ config: countyConfig, plugins: [leaky] }))
      try {
        const viaClient = yield* Effect.promise(() =>
          client.plugins.leaky.refuse({ actor: admin }).then(() => undefined, (e: Error) => e)
        )
        expect(viaClient).toMatchObject({ _tag: "InvalidInput", field: "phone" })
        expect(JSON.stringify(viaClient) + viaClient!.message).not.toMatch(raw)
      } finally {
        yield* Effect.promise(() => client.dispose())
      }
    }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger))))

  it.live("afterCommit runs after the commit: its failure is logged with the plugin id and the command stands", () =>
    Effect.gen(function*() {
      const logs: Array<{ message: unknown; annotations: Record<string, unknown> }> = []
      const capture = Logger.make(({ annotations, message }) => {
        const a: Record<string, unknown> = {}
        for (const [k, v] of annotations) a[k] = v
        logs.push({ message, annotations: a })
      })
      const seen: Array<string> = []
      yield* withCenter({
        plugins: [
          plain("notifier", { afterCommit: () => Effect.die(new Error("SMS gateway down")) }),
          plain("audit", {
            afterCommit: (ctx) => Effect.sync(() => seen.push(ctx.events.map((e) => e.event._tag).join()))
          })
        ]
      }, (center, store) =>
        Effect.gen(function*() {
          const r = yield* center.execute(registration({ caseId: "c1" }))
          expect(r.case.status).toBe("registered")
          expect(Option.isSome(yield* store.load("dunhua", "c1"))).toBe(true)
        })).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, capture)))
      expect(seen).toEqual(["Registered"])
      const failure = logs.find((l) => l.annotations.plugin === "notifier" && l.annotations.hook === "afterCommit")
      expect(failure).toBeDefined()
    }))

  it.live("afterCommit may execute commands, on the same case too (its lock is released by then)", () =>
    withCenter({
      plugins: [plain("auto-accept", {
        afterCommit: (ctx) =>
          ctx.events.some((e) => e.event._tag === "Registered")
            ? Effect.asVoid(
              ctx.execute({ _tag: "Accept", actor: admin, caseId: ctx.case.id, commandId: `auto-${ctx.case.id}` })
            )
            : Effect.void
      })]
    }, (center) =>
      Effect.gen(function*() {
        const r = yield* center.execute(registration({ caseId: "c1" })).pipe(Effect.timeout("10 seconds"))
        expect(r.case.status).toBe("registered")
        expect((yield* center.get({ actor: admin, caseId: "c1" })).status).toBe("accepted")
      })))

  it.effect("the centre's own hooks run first, then plugins in dependency order", () =>
    Effect.gen(function*() {
      const order: Array<string> = []
      const note = (who: string) => () => Effect.sync(() => void order.push(who))
      yield* withCenter({
        hooks: { onEvents: note("centre") },
        plugins: [
          plain("late", { dependsOn: ["early"], onEvents: note("late") }),
          plain("early", { onEvents: note("early") })
        ]
      }, (center) => center.execute(registration()))
      expect(order).toEqual(["centre", "early", "late"])
    }))

  it.effect("projections keep namespaced state with compare-and-set", () =>
    withCenter({
      plugins: [plain("by-place", {
        projections: [{
          name: "count",
          events: ["Registered"],
          apply: (ctx) =>
            Effect.asVoid(ctx.state.update(`place/${ctx.case.place}`, (n) => (typeof n === "number" ? n + 1 : 1)))
        }]
      })]
    }, (center, store) =>
      Effect.gen(function*() {
        yield* center.execute(registration())
        yield* center.execute(registration())
        yield* center.execute(registration({ place: "222403001001" }))
        const entries = yield* store.scanState("dunhua", "by-place", { prefix: "place/", limit: 10 })
        expect(entries.map((e) => [e.key, e.value, e.version])).toEqual([
          ["place/222403001001", 1, 1],
          ["place/222403100201", 2, 2]
        ])
      })))

  it.effect("plugin migrations run once, in order, recorded per plugin", () =>
    Effect.gen(function*() {
      const ran: Array<number> = []
      const store = yield* MemoryStore.make
      const p = plain("migrating", {
        migrations: [2, 1].map((id) => ({
          id,
          name: `step ${id}`,
          up: (ctx: Plugin.Context<undefined>) =>
            Effect.zipRight(Effect.sync(() => void ran.push(id)), Effect.asVoid(ctx.state.put(`m${id}`, 0, true)))
        }))
      })
      for (let i = 0; i < 2; i++) {
        yield* makeScenario({ config: countyConfig, plugins: [p] }).pipe(Effect.provideService(CaseStore, store))
      }
      expect(ran).toEqual([1, 2])
      expect(yield* store.pluginMigrations("dunhua", "migrating")).toEqual([1, 2])
    }))
})

describe("risk graders", () => {
  const byHeadcount: Grading.Grader<undefined> = {
    id: "headcount",
    grade: (ctx) =>
      Effect.succeed(
        ctx.case.headcount >= 5
          ? { score: 40, level: "yellow", factors: [{ id: "groupCase", contribution: 40 }] }
          : { score: 0, level: "none", factors: [] }
      )
  }
  const onRebound: Grading.Grader<undefined> = {
    id: "rebound",
    triggers: ["Reopened"],
    grade: () => Effect.succeed({ score: 60, level: "red", factors: [{ id: "rebound", contribution: 60 }] })
  }

  it.effect("grade after triggering events and record a RiskGraded event when the grade changes", () =>
    withCenter(
      { plugins: [plain("grading", { contributes: [Grading.grader(byHeadcount)] })] },
      (center) =>
        Effect.gen(function*() {
          const small = yield* center.execute(registration())
          expect(small.events.map((e) => e.event._tag)).toEqual(["Registered", "RiskGraded"])
          expect(small.case.risk).toMatchObject({ level: "none", source: "grader", score: 0 })
          const group = yield* center.execute(registration({ headcount: 30 }))
          expect(group.case.risk).toMatchObject({
            level: "yellow",
            score: 40,
            factors: [{ id: "groupCase", contribution: 40, grader: "grading/headcount" }]
          })
          // not triggered by Accept: no new grade
          const accepted = yield* center.execute({
            _tag: "Accept",
            actor: admin,
            caseId: group.caseId,
            at: "2025-03-03T10:00:00+08:00"
          })
          expect(accepted.events.map((e) => e.event._tag)).toEqual(["Accepted"])
        })
    ))

  it.effect("the highest level wins, and a manual level is never lowered by graders", () =>
    withCenter(
      { plugins: [plain("grading", { contributes: [Grading.grader(byHeadcount), Grading.grader(onRebound)] })] },
      (center) =>
        Effect.gen(function*() {
          const at = (h: number) => `2025-03-0${4 + Math.floor(h / 24)}T${String(h % 24).padStart(2, "0")}:00:00+08:00`
          const assessed = yield* assessedWithManualLevel(center, {
            registration: { headcount: 30 },
            risk: { level: "red", reason: "扬言报复" },
            acceptedAt: at(1),
            assessedAt: at(2)
          })
          // the graders said yellow after Assessed; the manual red stands
          expect(assessed.case.risk).toMatchObject({ level: "red", source: "manual" })
          expect(assessed.events.map((e) => e.event._tag)).toEqual(["Assessed"])
        })
    ))

  it.effect("a grader not triggered this time keeps its last grade when the grades are combined again", () => {
    const onRegistration: Grading.Grader<undefined> = {
      id: "watch-list",
      triggers: ["Registered"],
      grade: () => Effect.succeed({ score: 60, level: "red", factors: [{ id: "watchList", contribution: 60 }] })
    }
    return withCenter(
      { plugins: [plain("grading", { contributes: [Grading.grader(byHeadcount), Grading.grader(onRegistration)] })] },
      (center) =>
        Effect.gen(function*() {
          const { case: registered, caseId } = yield* center.execute(registration())
          expect(registered.risk).toMatchObject({ level: "red", source: "grader" })
          // RegradeRequested triggers the headcount grader only: the watch list's red must not be dropped
          const regraded = yield* center.execute({
            _tag: "Regrade",
            actor: admin,
            caseId,
            reason: "复评",
            at: "2025-03-04T09:00:00+08:00"
          })
          expect(regraded.case.risk).toMatchObject({ level: "red", score: 60, source: "grader" })
          expect(regraded.case.risk.factors).toContainEqual({
            id: "watchList",
            contribution: 60,
            grader: "grading/watch-list"
          })
        })
    )
  })

  it.effect("a manual level raised by a grader falls back to the manual level, never below it", () => {
    let level = "none"
    const desk: Grading.Grader<undefined> = {
      id: "desk",
      grade: () => Effect.succeed({ score: 0, level, factors: [] })
    }
    return withCenter(
      { plugins: [plain("grading", { contributes: [Grading.grader(desk)] })] },
      (center) =>
        Effect.gen(function*() {
          const at = (day: number) => `2025-03-0${day}T09:00:00+08:00`
          const assessed = yield* assessedWithManualLevel(center, {
            risk: { level: "yellow", reason: "情绪激动" },
            acceptedAt: at(4),
            assessedAt: at(5)
          })
          const { caseId } = assessed
          expect(assessed.case.risk).toMatchObject({ level: "yellow", source: "manual" })
          const regrade = (day: number) =>
            center.execute({ _tag: "Regrade", actor: admin, caseId, reason: "复评", at: at(day) })
          level = "red"
          const raised = yield* regrade(6)
          expect(raised.case.risk).toMatchObject({ level: "red", source: "grader" })
          // the manual level it was raised from is kept with it
          expect(raised.case.risk.factors).toContainEqual({ id: "manualLevel", contribution: 0, detail: "yellow" })
          level = "none"
          const lowered = yield* regrade(7)
          expect(lowered.case.risk).toMatchObject({
            level: "yellow",
            source: "manual",
            factors: [{ id: "manual", contribution: 0, detail: "情绪激动" }]
          })
          // and it stays there while the graders say less
          expect((yield* regrade(8)).events.map((e) => e.event._tag)).toEqual(["RegradeRequested"])
        })
    )
  })
})

describe("the generic contract: followUp and extension points", () => {
  it.effect("followUp appends events to the command's: versioned, evolved, seen by projections and onEvents", () => {
    const seen: Array<string> = []
    return withCenter({
      plugins: [
        plain("flagger", {
          followUp: (ctx) =>
            Effect.succeed(
              ctx.events.some((e) => e.event._tag === "Registered")
                ? [{ _tag: "RiskGraded" as const, risk: { level: "yellow", source: "grader" as const } }]
                : undefined
            )
        }),
        plain("watcher", {
          onEvents: (ctx) => Effect.sync(() => void seen.push(ctx.events.map((e) => e.event._tag).join()))
        })
      ]
    }, (center, store) =>
      Effect.gen(function*() {
        const r = yield* center.execute(registration({ caseId: "f1" }))
        expect(r.events.map((e) => [e.event._tag, e.version])).toEqual([["Registered", 1], ["RiskGraded", 2]])
        expect(r.case).toMatchObject({ version: 2, risk: { level: "yellow", source: "grader" } })
        expect(yield* store.readEvents("dunhua", "f1")).toHaveLength(2)
        expect(seen).toEqual(["Registered,RiskGraded"])
      }))
  })

  it.effect("the owner of a point reads what others contribute, in plugin order; it is installed when contributed to", () => {
    const read: Array<string> = []
    const owner = plain("collector", {
      onEvents: (ctx) =>
        Effect.sync(() => void read.push(ctx.contributions(words).map((c) => `${c.plugin}:${c.value}`).join()))
    })
    const words: Plugin.ExtensionPoint<string> = Plugin.extensionPoint<string>("test/words", { owner: () => owner })
    const installed = Plugin.install([
      plain("late", { dependsOn: ["early"], contributes: [words.of("b")] }),
      plain("early", { contributes: [words.of("a"), words.of("c")] })
    ])
    expect(Either.isRight(installed) && installed.right.map((i) => i.plugin.id)).toEqual(["early", "late", "collector"])
    return withCenter(
      { plugins: [plain("early", { contributes: [words.of("a")] }), owner] },
      (center) =>
        Effect.gen(function*() {
          yield* center.execute(registration())
          expect(read).toEqual(["early:a"])
        })
    )
  })

  it("a single point takes one contribution among the plugins; a point checks what it is given", () => {
    const field = (plugins: ReadonlyArray<unknown>) => {
      const r = Plugin.install(plugins)
      return Either.isLeft(r) ? [r.left.field, r.left.expected] : []
    }
    const one = Plugin.extensionPoint<number>("test/one", { single: true })
    expect(field([plain("p", { contributes: [one.of(1)] }), plain("q", { contributes: [one.of(2)] })])).toEqual([
      "plugins.1.contributes.0",
      "one contribution to test/one per centre (p has one)"
    ])
    const checked = Plugin.extensionPoint<{ readonly n: number }>("test/checked", {
      check: (u) => (typeof (u as { n?: unknown }).n === "number" ? undefined : { field: "n", expected: "a number" })
    })
    expect(field([plain("p", { contributes: [checked.of({ n: "x" as never })] })])).toEqual([
      "plugins.0.contributes.0.n",
      "a number"
    ])
    expect(field([plain("p", { contributes: [{ point: checked, value: 1 } as never] })])[0]).toBe(
      "plugins.0.contributes.0._tag"
    )
  })

  it.live("a contribution the owner runs is timed and blamed as its contributor's, and its time is not the owner's", () => {
    const slow = Plugin.extensionPoint<Duration.DurationInput>("test/slow")
    const owner = plain("runner", {
      followUp: (ctx) =>
        Effect.as(
          Effect.forEach(ctx.contributions(slow), (c) => c.run("nap", () => Effect.sleep(c.value)), { discard: true }),
          undefined
        )
    })
    const run = (naps: ReadonlyArray<Duration.DurationInput>) =>
      withCenter({
        pluginTimeout: "500 millis",
        plugins: [owner, ...naps.map((nap, i) => plain(`napper-${i}`, { contributes: [slow.of(nap)] }))]
      }, (center) => Effect.either(center.execute(registration())))
    return Effect.gen(function*() {
      // three naps of 300 ms: 900 ms in the owner's hook, each within its own limit
      expect(Either.isRight(yield* run(["300 millis", "300 millis", "300 millis"]))).toBe(true)
      // one nap over the limit: the napper's failure, not the owner's
      const failed = yield* run(["10 millis", "2 seconds"])
      expect(Either.getLeft(failed).pipe(Option.getOrThrow)).toMatchObject({
        _tag: "PluginFailed",
        plugin: "napper-1",
        hook: "nap"
      })
    }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger)))
  })
})

describe("plugin queries", () => {
  const registry = Plugin.definePlugin({
    id: "registry",
    version: "1.0.0",
    config: Schema.Struct({ greeting: Schema.String }),
    options: { greeting: "您好" },
    api: (ctx) => ({
      greet: (input: { readonly actor: unknown; readonly name: string }) =>
        Effect.succeed(`${ctx.config.greeting}，${input.name}`),
      caseCode: (input: { readonly actor: unknown; readonly caseId: string }, caller: Plugin.Caller) =>
        Effect.flatMap(ctx.load(input.caseId), (c) =>
          c !== undefined && caller.mayRead(c as Case)
            ? Effect.succeed((c as Case).code)
            : Effect.fail({ _tag: "NotVisible" as const }))
    })
  })

  it.effect("are typed on the Effect API and check the caller", () =>
    Effect.gen(function*() {
      const center = yield* makeScenario({ config: countyConfig, plugins: [registry] })
      const greeting: string = yield* center.plugins.registry.greet({ actor: admin, name: "张三" })
      expect(greeting).toBe("您好，张三")
      const { caseId, code } = yield* center.execute(registration())
      expect(yield* center.plugins.registry.caseCode({ actor: admin, caseId })).toBe(code)
      expect(yield* Effect.flip(center.plugins.registry.caseCode({ actor: otherTownship, caseId }))).toEqual({
        _tag: "NotVisible"
      })
      expect(yield* Effect.flip(center.plugins.registry.greet({ actor: { id: "x" }, name: "?" }))).toMatchObject({
        _tag: "InvalidInput",
        field: "actor.roles"
      })
      const stranger = { id: "s", roles: ["admin"], jurisdiction: "110000" }
      expect(yield* Effect.flip(center.plugins.registry.greet({ actor: stranger, name: "?" }))).toMatchObject({
        _tag: "Forbidden"
      })
      const viaTag = yield* Effect.provideService(Center.plugin(registry), Center.Center, center)
      expect(yield* viaTag.greet({ actor: admin, name: "李四" })).toBe("您好，李四")
    }).pipe(Effect.provide(MemoryStore.layer)))

  it("are typed on the Promise API", async () => {
    const center = await createScenarioCenter({ config: countyConfig, plugins: [registry] })
    try {
      const greeting: string = await center.plugins.registry.greet({ actor: admin, name: "王五" })
      expect(greeting).toBe("您好，王五")
      await expect(center.plugins.registry.greet({ actor: otherTownship, name: "x" })).resolves.toBe("您好，x")
      await expect(center.plugins.registry.greet({ actor: { id: "x" }, name: "x" })).rejects.toMatchObject({
        _tag: "InvalidInput"
      })
    } finally {
      await center.dispose()
    }
  })
})

describe("Plugin.decodeInput and Plugin.invalidInput", () => {
  const decode = Plugin.decodeInput(
    Schema.Struct({ limit: Schema.Int, levels: Schema.optional(Schema.Array(Schema.String)) })
  )

  it("decodes a valid input", () => {
    expect(decode({ limit: 10 })).toEqual(Either.right({ limit: 10 }))
  })

  it("names every bad field, and refuses a field the schema does not know", () => {
    const result = decode({ limit: "10", levels: [1], lmit: 3 })
    expect(Either.isLeft(result)).toBe(true)
    const error = Either.getLeft(result).pipe(Option.getOrThrow)
    expect(error).toBeInstanceOf(Errors.InvalidInput)
    expect(error.issues.map((i) => i.field)).toEqual(expect.arrayContaining(["levels.0", "limit", "lmit"]))
  })

  it("makes the same error as Errors.invalidInputFromParseError", () => {
    const schema = Schema.Struct({ limit: Schema.Int })
    const input = { limit: 1.5 }
    const direct = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })(input)
    expect(Plugin.decodeInput(schema)(input)).toEqual(
      Either.mapLeft(direct, (e) => Errors.invalidInputFromParseError(e))
    )
  })

  it("makes an InvalidInput about one field", () => {
    const error = Plugin.invalidInput("levels.2", "a risk level of the centre")
    expect(error).toBeInstanceOf(Errors.InvalidInput)
    expect({ field: error.field, expected: error.expected, issues: error.issues }).toEqual({
      field: "levels.2",
      expected: "a risk level of the centre",
      issues: [{ field: "levels.2", expected: "a risk level of the centre" }]
    })
  })
})
