/**
 * Type assertions, compiled by `pnpm typecheck` (never run): a command module (`defineCommand`) without a row, a
 * label in one of the four locales, permissions or an evolver for one of its events does not compile, and neither
 * does one whose `decide` records an event it does not declare. Every `@ts-expect-error` must be needed: the
 * complete definition at the top compiles.
 */
import * as Schema from "effect/Schema"
import type { Case } from "../../src/Case.js"
import { defineCommand, onCase, type Recorded } from "../../src/lifecycle/define.js"
import { ok, recorded } from "../../src/lifecycle/shared.js"
import { Note } from "../../src/Primitives.js"

const Pause = Schema.TaggedStruct("Pause", { ...onCase, reason: Note })
const Paused = Schema.TaggedStruct("Paused", { reason: Note })
const Resumed = Schema.TaggedStruct("Resumed", {})

/** The evolver of `Paused` (it takes a missing state too, so that only the error each case is about is reported). */
const evolvePaused = (s: Case | undefined, env: Recorded<typeof Paused.Type>): Case => recorded(s!, env)

/** A complete definition compiles. */
export const complete = defineCommand({
  command: Pause,
  events: [Paused],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: ["actorIsLeadUnit"],
  decide: (_ctx, _s, c) => ok({ _tag: "Paused" as const, reason: c.reason }),
  evolve: { Paused: evolvePaused },
  labels: { "zh-Hans": "暂停", "zh-Hant": "暫停", en: "Pause", ko: "일시 중지" },
  permissions: ["handler"]
})

/** Without a row. */
// @ts-expect-error: `row` is missing
export const noRow = defineCommand({
  command: Pause,
  events: [Paused],
  guards: [],
  decide: (_ctx, _s, c) => ok({ _tag: "Paused" as const, reason: c.reason }),
  evolve: { Paused: evolvePaused },
  labels: { "zh-Hans": "暂停", "zh-Hant": "暫停", en: "Pause", ko: "일시 중지" },
  permissions: ["handler"]
})

/** Without a label in Korean. */
export const noKorean = defineCommand({
  command: Pause,
  events: [Paused],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: [],
  decide: (_ctx, _s, c) => ok({ _tag: "Paused" as const, reason: c.reason }),
  evolve: { Paused: evolvePaused },
  // @ts-expect-error: `ko` is missing
  labels: { "zh-Hans": "暂停", "zh-Hant": "暫停", en: "Pause" },
  permissions: ["handler"]
})

/** Without permissions. */
// @ts-expect-error: `permissions` is missing
export const noPermissions = defineCommand({
  command: Pause,
  events: [Paused],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: [],
  decide: (_ctx, _s, c) => ok({ _tag: "Paused" as const, reason: c.reason }),
  evolve: { Paused: evolvePaused },
  labels: { "zh-Hans": "暂停", "zh-Hant": "暫停", en: "Pause", ko: "일시 중지" }
})

/** With no role at all (admin only is not a default: name the roles). */
export const emptyPermissions = defineCommand({
  command: Pause,
  events: [Paused],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: [],
  decide: (_ctx, _s, c) => ok({ _tag: "Paused" as const, reason: c.reason }),
  evolve: { Paused: evolvePaused },
  labels: { "zh-Hans": "暂停", "zh-Hant": "暫停", en: "Pause", ko: "일시 중지" },
  // @ts-expect-error: at least one role
  permissions: []
})

/** Without an evolver for its second event. */
export const noEvolver = defineCommand({
  command: Pause,
  events: [Paused, Resumed],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: [],
  decide: (_ctx, _s, c) => ok({ _tag: "Paused" as const, reason: c.reason }),
  // @ts-expect-error: `Resumed` has no evolver
  evolve: { Paused: evolvePaused },
  labels: { "zh-Hans": "暂停", "zh-Hant": "暫停", en: "Pause", ko: "일시 중지" },
  permissions: ["handler"]
})

/** Deciding an event it does not declare. */
export const undeclaredEvent = defineCommand({
  command: Pause,
  events: [Paused],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: [],
  // @ts-expect-error: `Resumed` is not one of its events
  decide: () => ok({ _tag: "Resumed" as const }),
  evolve: { Paused: evolvePaused },
  labels: { "zh-Hans": "暂停", "zh-Hant": "暫停", en: "Pause", ko: "일시 중지" },
  permissions: ["handler"]
})

/** Without any event. */
export const noEvents = defineCommand({
  command: Pause,
  // @ts-expect-error: a command records at least one event
  events: [],
  row: { from: ["handling"], to: ["unchanged"] },
  guards: [],
  decide: (_ctx, _s, c) => ok({ _tag: "Paused" as const, reason: c.reason }),
  evolve: {},
  labels: { "zh-Hans": "暂停", "zh-Hant": "暫停", en: "Pause", ko: "일시 중지" },
  permissions: ["handler"]
})

/** With an unknown guard or state. */
export const unknownGuard = defineCommand({
  command: Pause,
  events: [Paused],
  // @ts-expect-error: `paused` is not a state
  row: { from: ["paused"], to: ["unchanged"] },
  // @ts-expect-error: not a guard
  guards: ["whenItSuitsUs"],
  decide: (_ctx, _s, c) => ok({ _tag: "Paused" as const, reason: c.reason }),
  evolve: { Paused: evolvePaused },
  labels: { "zh-Hans": "暂停", "zh-Hant": "暫停", en: "Pause", ko: "일시 중지" },
  permissions: ["handler"]
})
