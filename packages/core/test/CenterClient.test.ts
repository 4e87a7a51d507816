import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Calendar from "../src/Calendar.js"
import { CaseStore } from "../src/CaseStore.js"
import { createCenter } from "../src/CenterClient.js"
import * as Errors from "../src/Errors.js"
import * as Grading from "../src/Grading.js"
import * as MemoryStore from "../src/MemoryStore.js"
import * as Plugin from "../src/Plugin.js"
import * as Policy from "../src/Policy.js"
import { admin, applicant, countyConfig, otherTownship } from "./fixtures.js"
import { createScenarioCenter } from "./scenario.js"

const registration = {
  actor: admin,
  kind: "dispute",
  channel: "walkIn",
  place: "222403100201",
  parties: [applicant],
  description: "邻里纠纷",
  at: "2025-03-03T09:00:00+08:00"
} as const

describe("createCenter (the Promise API)", () => {
  it("runs the loop with one method per command and returns plain objects", async () => {
    const center = await createScenarioCenter({ config: countyConfig })
    try {
      const r = await center.register(registration)
      expect(r.case.status).toBe("registered")
      await center.accept({ actor: admin, caseId: r.caseId, at: "2025-03-03T10:00:00+08:00" })
      const c = await center.get({ actor: admin, caseId: r.caseId })
      expect(c.status).toBe("accepted")
      // plain data: survives structured cloning and JSON unchanged
      expect(structuredClone(c)).toEqual(c)
      expect(JSON.parse(JSON.stringify(c))).toEqual(c)
      expect(await center.enabledCommands({ actor: admin, caseId: r.caseId })).toContain("Assess")
      expect((await center.list({ actor: admin })).items).toHaveLength(1)
      expect(center.labels("ko")["status.accepted"]).toBe("접수됨")
    } finally {
      await center.dispose()
    }
  })

  it("imports historical cases (importCases), with the same refusals as the Effect API", async () => {
    const center = await createScenarioCenter({ config: countyConfig })
    try {
      const history = (caseId: string) => ({
        commands: [
          { ...registration, _tag: "Register", caseId },
          { _tag: "Accept", actor: admin, caseId, at: "2025-03-03T10:00:00+08:00" }
        ]
      })
      const result = await center.importCases({ cases: [history("old-1"), history("old-2")], batchSize: 1 })
      expect(result.imported.map((c) => c.code)).toEqual(["222403-2025-000001", "222403-2025-000002"])
      expect((await center.get({ actor: admin, caseId: "old-2" })).status).toBe("accepted")
      await expect(center.importCases({ cases: [history("old-1")] })).rejects.toMatchObject({
        _tag: "ImportRefused",
        caseIndex: 0,
        error: "InvalidInput"
      })
      const aborted = new AbortController()
      aborted.abort()
      await expect(center.importCases({ cases: [history("old-3")] }, { signal: aborted.signal })).rejects
        .toMatchObject({ _tag: "Aborted" })
    } finally {
      await center.dispose()
    }
  })

  it("rejects with the SDK's own errors, which keep their _tag", async () => {
    const center = await createScenarioCenter({ config: countyConfig })
    try {
      const { caseId } = await center.register(registration)
      const notAllowed = await center.archive({ actor: admin, caseId }).catch((e: unknown) => e)
      expect(notAllowed).toBeInstanceOf(Errors.CommandNotAllowed)
      expect(notAllowed).toBeInstanceOf(Error)
      expect(notAllowed).toMatchObject({ _tag: "CommandNotAllowed", state: "registered", command: "Archive" })
      // an actor from outside the centre's tree (another township's would be told CaseNotFound: issue 26)
      const forbidden = await center.get({ actor: { ...otherTownship, jurisdiction: "110000" }, caseId })
        .catch((e: unknown) => e)
      expect(forbidden).toMatchObject({ _tag: "Forbidden" })
      const invalid = await center.register({ ...registration, description: "" }).catch((e: unknown) => e)
      expect(invalid).toMatchObject({ _tag: "InvalidInput", field: "description" })
      const missing = await center.get({ actor: admin, caseId: "nope" }).catch((e: unknown) => e)
      expect(missing).toMatchObject({ _tag: "CaseNotFound", caseId: "nope" })
    } finally {
      await center.dispose()
    }
  })

  it("rejects a bad configuration or options with InvalidConfig naming the field", async () => {
    await expect(createCenter({ config: { ...countyConfig, jurisdictions: [] } })).rejects.toMatchObject({
      _tag: "InvalidConfig",
      field: "jurisdictions"
    })
    await expect(createCenter({ config: countyConfig, retries: -1 })).rejects.toMatchObject({ field: "retries" })
    await expect(createCenter({ config: countyConfig, store: {} as never })).rejects.toMatchObject({ field: "store" })
    await expect(createCenter(undefined as never)).rejects.toMatchObject({ _tag: "InvalidConfig" })
    // every option is checked for its shape before anything is built, not on the first command that uses it
    const bad: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
      [{ calendar: {} }, "calendar"],
      [{ policy: 42 }, "policy"],
      [{ policy: { authorizeCommand: () => undefined } }, "policy"],
      [{ encryption: "x" }, "encryption"],
      [{ plugins: "x" }, "plugins"],
      [{ hooks: 1 }, "hooks"],
      [{ pluginTimeout: "banana" }, "pluginTimeout"],
      [{ pluginTimeout: -5 }, "pluginTimeout"],
      [{ retention: { afterDays: -5 } }, "retention.afterDays"],
      [{ retention: { afterDays: 30, mode: "shred" } }, "retention.mode"],
      [{ retention: { afterDays: 30, after: 1 } }, "retention.after"],
      [{ colour: "red" }, "colour"],
      [{ retention: { afterDays: 1e15 } }, "retention.afterDays"],
      // the centre's own hooks: a misspelt or malformed hook is named, not ignored or failed on every command
      [{ hooks: { gaurds: [] } }, "hooks.gaurds"],
      [{ hooks: { id: "risk" } }, "hooks.id"],
      [{ hooks: { guards: 5 } }, "hooks.guards"],
      [{ hooks: { guards: [{}] } }, "hooks.guards.0.name"],
      [{ hooks: { guards: [{ name: "g", check: 1 }] } }, "hooks.guards.0.check"],
      [{ hooks: { guards: [{ name: "g", check: () => undefined, commands: "Register" }] } }, "hooks.guards.0.commands"],
      [{ hooks: { contributes: [null] } }, "hooks.contributes.0"],
      // the hooks risk grading had before it became contributions (Grading.grader, Grading.riskPolicy)
      [{ hooks: { riskGraders: [] } }, "hooks.riskGraders"],
      [{ hooks: { projections: [{ name: "p" }] } }, "hooks.projections.0.apply"],
      [{ hooks: { afterCommit: "later" } }, "hooks.afterCommit"],
      // names that would never match: a misspelt event or command
      [
        {
          hooks: {
            contributes: [Grading.grader({
              id: "g",
              grade: () => undefined as never,
              triggers: ["Nope" as never]
            })]
          }
        },
        "hooks.contributes.0.triggers"
      ],
      [
        { hooks: { projections: [{ name: "p", apply: () => undefined, events: ["Registred"] }] } },
        "hooks.projections.0.events"
      ],
      [
        { hooks: { guards: [{ name: "g", check: () => undefined, commands: ["Regster"] }] } },
        "hooks.guards.0.commands"
      ],
      // and a plugin's
      [
        { plugins: [Plugin.definePlugin({ id: "p", version: "1", guards: [{ name: "g" }] as never })] },
        "plugins.0.guards.0.check"
      ],
      [
        { plugins: [Plugin.definePlugin({ id: "p", version: "1", migrations: [{ id: "1" }] as never })] },
        "plugins.0.migrations.0.id"
      ],
      // a missing configuration, and a calendar or policy given as null, are named (not defaulted)
      [{ config: undefined }, "config"],
      [{ config: null }, "config"],
      [{ config: "county" }, "config"],
      [{ calendar: null }, "calendar"],
      [{ policy: null }, "policy"],
      // a configuration that cannot be read (a getter that throws) is named too
      [{
        config: {
          ...countyConfig,
          get name(): string {
            throw new Error("boom")
          }
        }
      }, "name"]
    ]
    for (const [options, field] of bad) {
      await expect(createCenter({ config: countyConfig, ...options } as never), field).rejects.toMatchObject({
        _tag: "InvalidConfig",
        field
      })
    }
    // good ones pass
    const ok = await createScenarioCenter({
      config: countyConfig,
      pluginTimeout: "2 seconds",
      retention: { afterDays: 0, mode: "purge" },
      calendar: Calendar.china
    })
    await ok.dispose()
  })

  it("a store layer that fails without a typed error still rejects with a StoreError", async () => {
    for (const cause of ["nope", new Error("disk on fire")]) {
      const store = Layer.fail(cause) as unknown as Layer.Layer<CaseStore>
      await expect(createCenter({ config: countyConfig, store })).rejects.toMatchObject({
        _tag: "StoreError",
        reason: typeof cause === "string" ? cause : cause.message
      })
    }
  })

  it("a defect (a custom policy or store that throws) still rejects with an error that has a _tag", async () => {
    const dying = Layer.effect(CaseStore, Effect.die(new Error("disk on fire")))
    await expect(createCenter({ config: countyConfig, store: dying })).rejects.toMatchObject({
      _tag: "UnknownException",
      message: expect.stringContaining("disk on fire")
    })
    const center = await createScenarioCenter({
      config: countyConfig,
      policy: {
        ...Policy.defaultPolicy,
        authorizeRead: () => {
          throw new Error("policy bug")
        }
      }
    })
    try {
      const { caseId } = await center.register(registration)
      const e = await center.get({ actor: admin, caseId }).catch((x: unknown) => x)
      expect(e).toMatchObject({ _tag: "UnknownException", message: expect.stringContaining("policy bug") })
      expect((e as { error: Error }).error.message).toBe("policy bug")
    } finally {
      await center.dispose()
    }
  })

  it("input that cannot be read as plain data is an InvalidInput naming where, and writes nothing", async () => {
    const center = await createScenarioCenter({ config: countyConfig })
    try {
      const throwing = (field: string, on: object = { ...registration }) =>
        Object.defineProperty(on, field, {
          enumerable: true,
          get() {
            throw new Error("boom")
          }
        })
      await expect(center.register(throwing("description") as typeof registration)).rejects.toMatchObject({
        _tag: "InvalidInput",
        field: "description"
      })
      await expect(center.register({ ...registration, actor: throwing("id", { ...admin }) as never })).rejects
        .toMatchObject({
          _tag: "InvalidInput",
          field: "actor.id"
        })
      const proxy = new Proxy({ ...registration }, {
        ownKeys() {
          throw new Error("no keys")
        }
      })
      await expect(center.register(proxy)).rejects.toMatchObject({ _tag: "InvalidInput", field: "(root)" })
      await expect(center.get(throwing("caseId", { actor: admin }) as never)).rejects.toMatchObject({
        _tag: "InvalidInput",
        field: "caseId"
      })
      // nesting that would overflow the stack, and cycles
      let deep: Record<string, unknown> = { _tag: "Eq", field: "status", value: "registered" }
      for (let i = 0; i < 5_000; i++) deep = { _tag: "Not", condition: deep }
      const count = { _tag: "Count", name: "n" } as const
      await expect(center.aggregate({ actor: admin, where: deep as never, groupBy: [], measures: [count] })).rejects
        .toMatchObject({ _tag: "InvalidInput", expected: "at most 64 levels of nesting" })
      const cyclic: Record<string, unknown> = { _tag: "Not" }
      cyclic.condition = cyclic
      await expect(center.aggregate({ actor: admin, where: cyclic as never, groupBy: [], measures: [count] })).rejects
        .toMatchObject({ _tag: "InvalidInput", field: "where.condition", expected: "plain data without cycles" })
      let nested: Record<string, unknown> = {}
      for (let i = 0; i < 5_000; i++) nested = { a: nested }
      await expect(center.register({ ...registration, description: nested as never })).rejects.toMatchObject({
        _tag: "InvalidInput",
        field: "description.a.a.a.a.…"
      })
      // a megabyte of bad input is not sent back in the error
      const huge = await center.register({ ...registration, code: "x".repeat(1_000_000) } as never).then(
        () => undefined,
        (e: Errors.InvalidInput) => e
      )
      expect(huge).toMatchObject({ _tag: "InvalidInput", field: "code" })
      expect(huge!.expected.length).toBeLessThan(400)
      // nothing was written
      const listed = await center.list({ actor: admin })
      expect(listed.items).toEqual([])
    } finally {
      await center.dispose()
    }
  })

  it("labels fall back to zh-Hans for any locale that is not one of the four, never to Object.prototype", async () => {
    const center = await createScenarioCenter({ config: countyConfig })
    try {
      for (const locale of ["constructor", "__proto__", "toString", "xx"]) {
        const labels = center.labels(locale as never)
        expect(labels["status.accepted"], locale).toBe("已受理")
        expect(Object.values(labels).every((v) => typeof v === "string"), locale).toBe(true)
      }
    } finally {
      await center.dispose()
    }
  })

  it("uses the calendar and the policy it is given", async () => {
    // a petition taken in on 2100-12-28: its 15-day acceptance deadline falls in 2101, after the shipped calendar's
    // predicted years
    const petition = { ...registration, kind: "petition", at: "2100-12-28T09:00:00+08:00" }
    const shipped = await createScenarioCenter({ config: countyConfig })
    try {
      await expect(shipped.register(petition)).rejects.toMatchObject({ _tag: "CalendarYearNotCovered", year: 2101 })
    } finally {
      await shipped.dispose()
    }
    const calendar = Either.getOrThrow(
      Calendar.extend(Calendar.china, { "2101": { daysOff: ["2101-01-01", "2101-01-02", "2101-01-03"], workdays: [] } })
    )
    // a policy of one's own: nobody may withdraw a case here
    const policy: Policy.Policy = {
      ...Policy.defaultPolicy,
      authorizeCommand: (config, actor, action, current, command) =>
        action === "Withdraw"
          ? new Errors.Forbidden({ actorId: actor.id, action, reason: "withdrawals go through the front desk" })
          : Policy.defaultPolicy.authorizeCommand(config, actor, action, current, command)
    }
    const center = await createScenarioCenter({ config: countyConfig, calendar, policy })
    try {
      const { caseId, case: c } = await center.register(petition)
      expect(c.deadlines.acceptance?.dueAt.startsWith("2101-01")).toBe(true)
      expect(await center.enabledCommands({ actor: admin, caseId })).not.toContain("Withdraw")
      await expect(center.withdraw({ actor: admin, caseId, reason: "申请人撤回" })).rejects.toMatchObject({
        _tag: "Forbidden",
        reason: "withdrawals go through the front desk"
      })
    } finally {
      await center.dispose()
    }
  })

  it("honours an AbortSignal: an aborted call rejects with Aborted and writes nothing", async () => {
    const slowStore = Layer.effect(
      CaseStore,
      Effect.map(MemoryStore.make, (store) => ({
        ...store,
        load: (centre: string, id: string) => Effect.zipRight(Effect.sleep("300 millis"), store.load(centre, id))
      }))
    )
    const center = await createScenarioCenter({ config: countyConfig, store: slowStore })
    try {
      const { caseId } = await center.register(registration)
      const before = await center.history({ actor: admin, caseId })
      const controller = new AbortController()
      const pending = center.accept({ actor: admin, caseId }, { signal: controller.signal })
      setTimeout(() => controller.abort(), 20)
      await expect(pending).rejects.toMatchObject({ _tag: "Aborted" })
      expect(await center.history({ actor: admin, caseId })).toHaveLength(before.length)
      const already = AbortSignal.abort()
      await expect(center.get({ actor: admin, caseId }, { signal: already })).rejects.toBeInstanceOf(Errors.Aborted)
    } finally {
      await center.dispose()
    }
  })

  it("an abort that arrives after the commit: the command stands, resolves with its result, and its hooks finish", async () => {
    const finished: Array<string> = []
    const center = await createScenarioCenter({
      config: countyConfig,
      // an afterCommit hook that takes a while (a text message to the applicant, say), and issues a command of its own
      hooks: {
        afterCommit: (ctx) =>
          ctx.command._tag === "Register"
            ? Effect.zipRight(
              Effect.sleep("150 millis"),
              Effect.zipRight(
                ctx.execute({ _tag: "Accept", actor: admin, caseId: ctx.case.id }),
                Effect.sync(() => finished.push(ctx.case.id))
              )
            )
            : Effect.void
      }
    })
    try {
      const controller = new AbortController()
      const pending = center.register(registration, { signal: controller.signal })
      setTimeout(() => controller.abort(), 30)
      const r = await pending
      expect(r.case.status).toBe("registered")
      expect(r.duplicate).toBe(false)
      // the hook ran to its end, its own command included
      expect(finished).toEqual([r.caseId])
      expect((await center.get({ actor: admin, caseId: r.caseId })).status).toBe("accepted")
      expect((await center.list({ actor: admin })).items).toHaveLength(1)
    } finally {
      await center.dispose()
    }
  })

  it("dispose releases the centre; later calls reject and a second dispose is harmless", async () => {
    const center = await createScenarioCenter({ config: countyConfig })
    await center.dispose()
    await center.dispose()
    await expect(center.register(registration)).rejects.toMatchObject({ _tag: "Aborted" })
  })

  it("dispose lets a call under way finish first; a second dispose resolves with the first", async () => {
    const slow = Plugin.definePlugin({
      id: "slow",
      version: "1.0.0",
      guards: [{ name: "pause", commands: ["Register"], check: () => Effect.as(Effect.sleep("50 millis"), undefined) }]
    })
    const center = await createScenarioCenter({ config: countyConfig, plugins: [slow] })
    const order: Array<string> = []
    const registering = center.register(registration).then((r) => {
      order.push("registered")
      return r
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    const first = center.dispose().then(() => order.push("first dispose"))
    const second = center.dispose().then(() => order.push("second dispose"))
    await expect(center.register(registration)).rejects.toMatchObject({ _tag: "Aborted" })
    await second
    expect(order).toEqual(["registered", "first dispose", "second dispose"])
    expect((await registering).case.status).toBe("registered")
    await first
  })
})
