/**
 * An index of a case's mediation sessions (their ids, and the mediation types a party refused), so that the
 * guards `sessionIdUnique` and `mediationNotRefused` answer without scanning every session of a long case. It is
 * kept beside the case, keyed by the case's (immutable) `sessions` array: recording a session moves the index on
 * to the new array in O(1); any other array (a decoded snapshot, an older state) gets its own index, built once.
 * @internal
 */
import type { Case } from "../Case.js"

type Sessions = Case["sessions"]

interface Index {
  /** The array the index describes now (an index moved on to a longer array no longer describes the shorter). */
  array: Sessions
  readonly ids: Set<string>
  /** The mediation types a party refused (`undefined`: a session recorded without a type). */
  readonly refused: Set<string | undefined>
}

const indexes = new WeakMap<Sessions, Index>()

const add = (index: Index, s: Sessions[number]) => {
  index.ids.add(s.sessionId)
  if (s.result === "partyRefused") index.refused.add(s.mediationType)
}

/** The index of `sessions`, built on first use. */
const indexOf = (sessions: Sessions): Index => {
  const known = indexes.get(sessions)
  if (known !== undefined && known.array === sessions) return known
  const index: Index = { array: sessions, ids: new Set(), refused: new Set() }
  for (const s of sessions) add(index, s)
  indexes.set(sessions, index)
  return index
}

/** Whether a session with this id is recorded. @internal */
export const hasSession = (sessions: Sessions, sessionId: string): boolean => indexOf(sessions).ids.has(sessionId)

/** Whether a party refused mediation of this type (人民调解法 art. 17). @internal */
export const refusedMediation = (sessions: Sessions, mediationType: string | undefined): boolean =>
  indexOf(sessions).refused.has(mediationType)

/**
 * `sessions` with `session` appended, its index moved on from the old array's (which is rebuilt if it is ever
 * asked again). @internal
 */
export const appendSession = (sessions: Sessions, session: Sessions[number]): Sessions => {
  const index = indexOf(sessions)
  const next = [...sessions, session]
  add(index, session)
  index.array = next
  indexes.set(next, index)
  return next
}
