/**
 * Checks of the options a centre is made with (both front doors): each bad option is an `InvalidConfig` naming
 * it, before anything is built, instead of a `TypeError` on the first command that uses it.
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { commandNames } from "../Command.js"
import type { InvalidConfig } from "../Errors.js"
import { eventNames } from "../Event.js"
import { invalidConfig } from "./parse.js"

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null

const isFunction = (u: unknown): boolean => typeof u === "function"

/** The first key of `value` that is not in `known`, as an error naming it. */
export const unknownKey = (
  value: Record<string, unknown>,
  known: ReadonlyArray<string>,
  prefix = ""
): InvalidConfig | undefined => {
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) return invalidConfig(`${prefix}${k}`, `no such option (known: ${known.join(", ")})`)
  }
  return undefined
}

/** The options of `Center.make`, each checked for its shape. @internal */
export const centerOptions = (options: unknown): InvalidConfig | undefined => {
  if (!isObject(options)) return invalidConfig("(root)", "an options object with a config")
  const unknown = unknownKey(options, [
    "config",
    "plugins",
    "hooks",
    "pluginTimeout",
    "retries",
    "tracing",
    "encryption",
    "retention",
    "limits"
  ])
  if (unknown !== undefined) return unknown
  const { config, encryption, hooks, limits, plugins, pluginTimeout, retention, retries, tracing } = options
  // the configuration's own fields are named by CenterConfig.resolve; a missing one is named here
  if (!isObject(config)) {
    return invalidConfig("config", "a centre configuration: an object with id, name and jurisdictions")
  }
  if (plugins !== undefined && !Array.isArray(plugins)) return invalidConfig("plugins", "an array of plugins")
  if (hooks !== undefined) {
    if (!isObject(hooks)) return invalidConfig("hooks", "an object of hook functions")
    // a misspelt hook would be ignored without a word, and `id` would rename the centre's own hooks
    const unknownHook = unknownKey(hooks, centreHooks, "hooks.")
    if (unknownHook !== undefined) return unknownHook
    const badHook = hookShapes(hooks, "hooks")
    if (badHook !== undefined) return badHook
  }
  if (pluginTimeout !== undefined) {
    const d = Duration.decodeUnknown(pluginTimeout)
    if (Option.isNone(d) || !Duration.greaterThan(d.value, Duration.zero)) {
      return invalidConfig("pluginTimeout", "a positive duration (milliseconds, or a string such as \"5 seconds\")")
    }
  }
  if (retries !== undefined && !(Number.isInteger(retries) && (retries as number) >= 0 && (retries as number) <= 100)) {
    return invalidConfig("retries", "an integer from 0 to 100")
  }
  if (tracing !== undefined && typeof tracing !== "boolean") return invalidConfig("tracing", "true or false")
  if (encryption !== undefined) {
    if (
      !isObject(encryption) || !Effect.isEffect(encryption.currentKeyId) || !isFunction(encryption.key) ||
      !Effect.isEffect(encryption.lookupKey)
    ) {
      return invalidConfig("encryption", "a Privacy.KeyService (see Privacy.staticKeys)")
    }
  }
  if (retention !== undefined) {
    if (!isObject(retention)) return invalidConfig("retention", "an object with afterDays")
    const r = unknownKey(retention, ["afterDays", "mode"], "retention.")
    if (r !== undefined) return r
    if (
      !(typeof retention.afterDays === "number" && Number.isInteger(retention.afterDays) && retention.afterDays >= 0 &&
        retention.afterDays <= 36_500)
    ) {
      return invalidConfig("retention.afterDays", "a whole number of days from 0 to 36 500")
    }
    if (retention.mode !== undefined && retention.mode !== "anonymise" && retention.mode !== "purge") {
      return invalidConfig("retention.mode", "\"anonymise\" or \"purge\"")
    }
  }
  if (limits !== undefined) {
    if (!isObject(limits)) return invalidConfig("limits", "an object with eventsPerCase and/or commandsPerImport")
    const l = unknownKey(limits, ["eventsPerCase", "commandsPerImport"], "limits.")
    if (l !== undefined) return l
    for (const k of ["eventsPerCase", "commandsPerImport"] as const) {
      const v = limits[k]
      if (v !== undefined && !(typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 10_000_000)) {
        return invalidConfig(`limits.${k}`, "an integer from 1 to 10 000 000")
      }
    }
  }
  return undefined
}

/**
 * The hooks a centre's own `hooks` option may have (those of a plugin, without id, config or API): the one list
 * `Center.Hooks` is made from, so that a hook the type has is a hook this check knows. @internal
 */
export const centreHooks = [
  "guards",
  "onEvents",
  "projections",
  "afterCommit",
  "followUp",
  "contributes"
] as const

const isText = (u: unknown): boolean => typeof u === "string" && u.length > 0

const names = (u: unknown): boolean => u === undefined || (Array.isArray(u) && u.every((x) => typeof x === "string"))

/** A list of names from `known` (a misspelt event or command would silently never match). */
const namesOf = (known: ReadonlyArray<string>) => {
  const set = new Set(known)
  return (u: unknown): boolean =>
    u === undefined || (Array.isArray(u) && u.every((x) => typeof x === "string" && set.has(x)))
}
const commandList: Check = [namesOf(commandNames), `a list of command names (${commandNames.slice(0, 3).join(", ")} …)`]
const eventList: Check = [namesOf(eventNames), `a list of event names (${eventNames.slice(0, 3).join(", ")} …)`]

/**
 * The members a list of a plugin (a guard, a projection, a risk grader …) must have, as an extension point's
 * `check` reports them: the first bad member, named, with what it must be. @internal
 */
export const members = (
  spec: Readonly<Record<string, "text" | "function" | "events">>
) =>
(value: unknown): { readonly field?: string; readonly expected: string } | undefined => {
  if (!isObject(value)) return { expected: "an object" }
  for (const [member, kind] of Object.entries(spec)) {
    const [ok, expected] = kind === "text" ? [isText, "an id"] as const : kind === "function" ? fn : eventList
    if (!ok(value[member])) return { field: member, expected }
  }
  return undefined
}

type Check = readonly [ok: (u: unknown) => boolean, expected: string]

const name: Check = [isText, "a name"]
const fn: Check = [isFunction, "a function"]

/** The members of each list a plugin's hooks may hold, and what each must be. */
const lists: Readonly<Record<string, Readonly<Record<string, Check>>>> = {
  guards: { name, check: fn, commands: commandList },
  projections: { name, apply: fn, events: eventList },
  contributes: {
    _tag: [(u) => u === "Contribution", "a contribution made with an extension point's `of`"],
    point: [(u) => isObject(u) && u._tag === "ExtensionPoint" && isText(u.id), "an extension point"]
  },
  migrations: { id: [Number.isSafeInteger, "a whole number"], name, up: fn }
}

/**
 * The shape of a plugin's hooks (or a centre's own): each hook function a function, each list an array of objects
 * with their members — so that a malformed hook is an `InvalidConfig` naming it when the centre is made, not a
 * `TypeError` or a `PluginFailed` on every command. `prefix` names the plugin (`plugins.2`) or `hooks`.
 * @internal
 */
export const hookShapes = (hooks: Record<string, unknown>, prefix: string): InvalidConfig | undefined => {
  for (const k of ["onEvents", "followUp", "afterCommit", "onRetention", "api", "validate"]) {
    if (hooks[k] !== undefined && !isFunction(hooks[k])) return invalidConfig(`${prefix}.${k}`, "a function")
  }
  if (!names(hooks.dependsOn)) return invalidConfig(`${prefix}.dependsOn`, "a list of plugin ids")
  for (const [list, members] of Object.entries(lists)) {
    const value = hooks[list]
    if (value === undefined) continue
    if (!Array.isArray(value)) return invalidConfig(`${prefix}.${list}`, "an array")
    for (const [i, item] of value.entries()) {
      if (!isObject(item)) return invalidConfig(`${prefix}.${list}.${i}`, "an object")
      for (const [member, [ok, expected]] of Object.entries(members)) {
        if (!ok(item[member])) return invalidConfig(`${prefix}.${list}.${i}.${member}`, expected)
      }
      // a contribution's value, as its point checks it (a grader's id, function and triggers)
      if (list === "contributes") {
        const check = (item.point as { readonly check?: unknown }).check
        const problem = isFunction(check)
          ? (check as (u: unknown) => { readonly field?: string; readonly expected: string } | undefined)(item.value)
          : undefined
        if (problem !== undefined) {
          const at = `${prefix}.${list}.${i}`
          return invalidConfig(problem.field === undefined ? at : `${at}.${problem.field}`, problem.expected)
        }
      }
    }
  }
  return undefined
}

/** A calendar service, checked for the members the centre calls. @internal */
export const calendar = (u: unknown): InvalidConfig | undefined =>
  isObject(u) && typeof u.id === "string" && Array.isArray(u.years) && isFunction(u.isWorkingDay) &&
    isFunction(u.isWorkingDayNumber)
    ? undefined
    : invalidConfig("calendar", "a Calendar (Calendar.china, Calendar.make or Calendar.extend)")

/** A policy, checked for the members the centre calls. @internal */
export const policy = (u: unknown): InvalidConfig | undefined =>
  isObject(u) && isFunction(u.authorizeCommand) && isFunction(u.authorizeRead) && isFunction(u.readScope) &&
    (u.authorizeActor === undefined || isFunction(u.authorizeActor)) &&
    (u.authorizePermission === undefined || isFunction(u.authorizePermission))
    ? undefined
    : invalidConfig(
      "policy",
      "a Policy: authorizeCommand, authorizeRead and readScope functions (see Policy.makeDefault)"
    )
