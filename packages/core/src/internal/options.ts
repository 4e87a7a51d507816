/**
 * Checks of the options a centre is made with (both front doors): each bad option is an `InvalidConfig` naming
 * it, before anything is built, instead of a `TypeError` on the first command that uses it.
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { InvalidConfig } from "../Errors.js"
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
    "retention"
  ])
  if (unknown !== undefined) return unknown
  const { encryption, hooks, plugins, pluginTimeout, retention, retries, tracing } = options
  if (plugins !== undefined && !Array.isArray(plugins)) return invalidConfig("plugins", "an array of plugins")
  if (hooks !== undefined && !isObject(hooks)) return invalidConfig("hooks", "an object of hook functions")
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
      !(typeof retention.afterDays === "number" && Number.isInteger(retention.afterDays) && retention.afterDays >= 0)
    ) {
      return invalidConfig("retention.afterDays", "a whole number of days, 0 or more")
    }
    if (retention.mode !== undefined && retention.mode !== "anonymise" && retention.mode !== "purge") {
      return invalidConfig("retention.mode", "\"anonymise\" or \"purge\"")
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
