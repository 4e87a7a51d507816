/**
 * Time the centre can trust (可信时间): the centre's clock stamps every event; a caller's `at` is taken only inside the
 * configured window around it.
 * @internal
 */
import * as Either from "effect/Either"
import type { Actor } from "../Actor.js"
import type { Resolved } from "../CenterConfig.js"
import type { InvalidInput } from "../Errors.js"
import { invalidInput } from "./parse.js"

/** The times of one command: when it happened, when the centre recorded it, and whether it is late history. */
export interface Stamp {
  readonly at: string
  readonly now: string
  readonly enteredLate: boolean
}

const minute = 60_000
const day = 86_400_000

/**
 * The latest time a caller may give at the centre's `nowMs`: `aheadMinutes` after it.
 * @internal
 */
export const latestAccepted = (config: Resolved, nowMs: number): string =>
  new Date(nowMs + config.config.time.aheadMinutes * minute).toISOString()

/**
 * The times of a command sent at the centre's `now`: the caller's `at` when it lies inside the window (not more
 * than `aheadMinutes` after `now`, not more than `backDays` before it unless the actor holds a backdate role), the
 * centre's time otherwise — or the case's last event time when the clock is behind it. A time before the case's
 * last event is left to the lifecycle's `timeMovesForward` guard.
 * @internal
 */
export const stamp = (
  config: Resolved,
  actor: Actor,
  given: string | undefined,
  nowMs: number,
  previous: string | undefined
): Either.Either<Stamp, InvalidInput> => {
  const now = new Date(nowMs).toISOString()
  if (given === undefined) {
    return Either.right({ at: previous !== undefined && now < previous ? previous : now, now, enteredLate: false })
  }
  const { aheadMinutes, backDays, backdateRoles } = config.config.time
  const latest = latestAccepted(config, nowMs)
  const earliest = new Date(nowMs - backDays * day).toISOString()
  // the window in words, only for a refusal (every command passes here)
  const range = () =>
    `a time from ${earliest} to ${latest}: at most ${backDays} day(s) before the centre's clock (${now})` +
    ` and ${aheadMinutes} minute(s) after it`
  if (given > latest) return Either.left(invalidInput("at", range()))
  if (given >= earliest) return Either.right({ at: given, now, enteredLate: false })
  const mayBackdate = backdateRoles.length > 0 && actor.roles.some((r) => backdateRoles.includes(r))
  return mayBackdate
    ? Either.right({ at: given, now, enteredLate: true })
    : Either.left(invalidInput("at", `${range()}; older history is entered by importCases or a backdate role`))
}
