/**
 * Access: every entry point — commands, get, get by code, history, as-of, list, aggregate, enabled commands,
 * verify, retention, plugin queries — on both front doors, tried by an actor from another jurisdiction and by a
 * role without the permission: each is a typed `Forbidden` (or, for a case the actor may not read, the
 * `CaseNotFound` a case that does not exist gets), and the store shows that nothing was written (and, where the
 * refusal depends only on the actor, that nothing was read).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Actor } from "../src/Actor.js"
import { CaseStore } from "../src/CaseStore.js"
import type * as Center from "../src/Center.js"
import { Forbidden } from "../src/Errors.js"
import * as MemoryStore from "../src/MemoryStore.js"
import * as Plugin from "../src/Plugin.js"
import {
  admin,
  applicant,
  countyConfig,
  otherTownship,
  registerInput as sampleRegistration,
  viewer
} from "./fixtures.js"
import { createScenarioCenter, makeScenario } from "./scenario.js"

const reads = [
  "load",
  "loadByCode",
  "readEvents",
  "list",
  "aggregate",
  "findCommand",
  "readState",
  "scanState",
  "verify"
]
const writes = ["append", "appendBatch", "nextSequence", "writeState", "redact", "recordPluginMigration"]

/** A store that counts the calls of each method. */
const counting = (inner: CaseStore) => {
  const calls = new Map<string, number>()
  const store = { ...inner } as Record<string, unknown>
  for (const [name, f] of Object.entries(inner)) {
    if (typeof f !== "function" || name === "withTransaction") continue
    store[name] = (...args: Array<unknown>) => {
      calls.set(name, (calls.get(name) ?? 0) + 1)
      return (f as (...a: Array<unknown>) => unknown)(...args)
    }
  }
  const count = (names: ReadonlyArray<string>) => names.reduce((n, k) => n + (calls.get(k) ?? 0), 0)
  return {
    store: store as unknown as CaseStore,
    reset: () => calls.clear(),
    reads: () => count(reads),
    writes: () => count(writes)
  }
}

/** A plugin with a query that reads a case for its caller (checking the caller itself, as plugins must). */
const peek = Plugin.definePlugin({
  id: "peek",
  version: "1",
  api: (ctx) => ({
    status: (input: { readonly actor: Actor; readonly caseId: string }, caller: Plugin.Caller) =>
      Effect.flatMap(ctx.load(input.caseId), (c) =>
        c === undefined || !caller.mayRead(c)
          ? Effect.fail(new Forbidden({ actorId: caller.actor.id, action: "peek", reason: "not readable" }))
          : Effect.succeed(c.status))
  })
})

const foreign: Actor = { id: "bj-1", roles: ["admin"], jurisdiction: "110105" }
const noRole: Actor = { id: "nobody-1", roles: ["guest"], jurisdiction: "222403" }

const registerInput = (actor: Actor) => sampleRegistration({ actor, parties: [applicant] })

type Entry = readonly [name: string, run: (actor: Actor) => Promise<unknown> | Effect.Effect<unknown, unknown>]

/** Each entry point, on a case `caseId` with code `code`. */
const entries = (
  call: {
    readonly execute: (c: unknown) => unknown
    readonly get: (q: never) => unknown
    readonly getByCode: (q: never) => unknown
    readonly history: (q: never) => unknown
    readonly asOf: (q: never) => unknown
    readonly list: (q: never) => unknown
    readonly aggregate: (q: never) => unknown
    readonly enabledCommands: (q: never) => unknown
    readonly verify: (q: never) => unknown
    readonly applyRetention: (q: never) => unknown
    readonly peek: (q: never) => unknown
  },
  caseId: string,
  code: string,
  caseScoped: boolean
): ReadonlyArray<Entry> => {
  const q = <A>(f: (q: never) => unknown, extra: A) => (actor: Actor) => f({ actor, ...extra } as never) as never
  const all: ReadonlyArray<readonly [string, (actor: Actor) => never, boolean]> = [
    ["command Register", (actor) => call.execute(registerInput(actor)) as never, true],
    ["command Accept", (actor) => call.execute({ _tag: "Accept", actor, caseId }) as never, true],
    ["get", q(call.get, { caseId }), true],
    ["get (full personal data)", q(call.get, { caseId, personalData: "full" }), true],
    ["getByCode", q(call.getByCode, { code }), true],
    ["history", q(call.history, { caseId }), true],
    ["asOf", q(call.asOf, { caseId, at: "2030-01-01T00:00:00Z" }), true],
    ["enabledCommands", q(call.enabledCommands, { caseId }), true],
    ["verify (case)", q(call.verify, { caseId }), true],
    ["list", q(call.list, {}), false],
    ["aggregate", q(call.aggregate, { groupBy: [], measures: [{ _tag: "Count", name: "n" }] }), false],
    ["verify (centre)", q(call.verify, {}), false],
    ["applyRetention", q(call.applyRetention, { olderThanDays: 1 }), false],
    ["plugin query", q(call.peek, { caseId }), true]
  ]
  return all.filter(([, , scoped]) => !caseScoped || scoped).map(([name, run]) => [name, run] as const)
}

const effectDoor = (center: Center.Center<[typeof peek]>) => ({
  execute: (c: unknown) => center.execute(c),
  get: (q: never) => center.get(q),
  getByCode: (q: never) => center.getByCode(q),
  history: (q: never) => center.history(q),
  asOf: (q: never) => center.asOf(q),
  list: (q: never) => center.list(q),
  aggregate: (q: never) => center.aggregate(q),
  enabledCommands: (q: never) => center.enabledCommands(q),
  verify: (q: never) => center.verify(q),
  applyRetention: (q: never) => center.applyRetention(q),
  peek: (q: never) => center.plugins.peek.status(q)
})

const outcome = async (run: () => Promise<unknown> | Effect.Effect<unknown, unknown>) => {
  try {
    const r = run()
    const value = Effect.isEffect(r) ? await Effect.runPromise(Effect.either(r)) : await r
    if (Effect.isEffect(r)) {
      const e = value as { _tag: "Left" | "Right"; left?: unknown }
      return e._tag === "Left" ? { error: e.left } : { ok: true }
    }
    return { ok: true }
  } catch (error) {
    return { error }
  }
}

const check = async (
  door: string,
  subject: ReturnType<typeof counting>,
  list: ReadonlyArray<Entry>,
  actor: Actor,
  nothingRead: boolean,
  expected: (name: string) => string = () => "Forbidden"
) => {
  let n = 0
  for (const [name, run] of list) {
    subject.reset()
    const r = await outcome(() => run(actor))
    const label = `${door}: ${name} as ${actor.id}`
    expect(r, label).toHaveProperty("error")
    expect((r as { error: { _tag?: string } }).error._tag, label).toBe(expected(name))
    expect(subject.writes(), `${label} wrote`).toBe(0)
    if (nothingRead) expect(subject.reads(), `${label} read`).toBe(0)
    n++
  }
  return n
}

/**
 * What another township of the centre is told: a case it may not read is one that does not exist (`CaseNotFound`,
 * issue 26: a refusal must not tell an outsider that a case exists); refusals that do not depend on the case
 * (registering outside its jurisdiction, a plugin's own check) stay `Forbidden`.
 */
const outsider = (name: string) =>
  ["command Accept", "get", "get (full personal data)", "getByCode", "history", "asOf", "enabledCommands"].includes(
      name
    )
    ? "CaseNotFound"
    : "Forbidden"

describe("every entry point enforces the actor policy", () => {
  it("the Effect front door", async () => {
    const subject = counting(await Effect.runPromise(MemoryStore.make))
    const center = await Effect.runPromise(
      makeScenario({ config: countyConfig, plugins: [peek] }).pipe(Effect.provideService(CaseStore, subject.store))
    )
    const r = await Effect.runPromise(center.execute(registerInput(admin)))
    const door = effectDoor(center)
    let n = 0
    // from outside the centre, or with no role that may do anything: refused before anything is read
    n += await check("Effect", subject, entries(door, r.caseId, r.code, false), foreign, true)
    n += await check("Effect", subject, entries(door, r.caseId, r.code, false), noRole, true)
    // another township of the centre: the case is not theirs; nothing is written or returned
    n += await check("Effect", subject, entries(door, r.caseId, r.code, true), otherTownship, false, outsider)
    // a viewer: may read, but holds no command and no permission
    const viewerOnly: ReadonlyArray<Entry> = entries(door, r.caseId, r.code, false).filter(([name]) =>
      name.startsWith("command") || name.includes("full") || name.startsWith("verify") ||
      name === "applyRetention"
    )
    n += await check("Effect", subject, viewerOnly, viewer, false)
    expect(n).toBe(14 + 14 + 10 + 6)
    // and the same entry points answer an actor who may
    expect((await Effect.runPromise(center.get({ actor: admin, caseId: r.caseId }))).id).toBe(r.caseId)
  })

  it("the Promise front door", async () => {
    const subject = counting(await Effect.runPromise(MemoryStore.make))
    const center = await createScenarioCenter({
      config: countyConfig,
      plugins: [peek],
      store: Layer.succeed(CaseStore, subject.store)
    })
    try {
      const r = await center.execute(registerInput(admin) as never)
      const door = {
        execute: (c: unknown) => center.execute(c as never),
        get: (q: never) => center.get(q),
        getByCode: (q: never) => center.getByCode(q),
        history: (q: never) => center.history(q),
        asOf: (q: never) => center.asOf(q),
        list: (q: never) => center.list(q),
        aggregate: (q: never) => center.aggregate(q),
        enabledCommands: (q: never) => center.enabledCommands(q),
        verify: (q: never) => center.verify(q),
        applyRetention: (q: never) => center.applyRetention(q),
        peek: (q: never) => center.plugins.peek.status(q)
      }
      let n = 0
      n += await check("Promise", subject, entries(door, r.caseId, r.code, false), foreign, true)
      n += await check("Promise", subject, entries(door, r.caseId, r.code, false), noRole, true)
      n += await check("Promise", subject, entries(door, r.caseId, r.code, true), otherTownship, false, outsider)
      expect(n).toBe(14 + 14 + 10)
    } finally {
      await center.dispose()
    }
  })
})
