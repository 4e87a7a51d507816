/**
 * The text of a driver's error, for the reason of a `StoreError`.
 */

const codeOf = (e: Error): string | undefined => {
  const code = (e as { code?: unknown }).code
  return typeof code === "string" && code !== "" ? code : undefined
}

/**
 * What went wrong, in words: an `Error`'s message; for an error without one (Node's `AggregateError` when every
 * address of a host refused the connection) its code or name and the messages of the errors it gathers.
 */
export const causeText = (cause: unknown): string => {
  if (cause === undefined || cause === null) return ""
  if (!(cause instanceof Error)) return typeof cause === "string" ? cause : String(cause)
  const own = cause.message !== "" ? cause.message : codeOf(cause) ?? cause.name
  const inner = cause instanceof AggregateError
    ? [...new Set((cause.errors as Array<unknown>).map(causeText))].filter((t) => t !== "" && t !== own)
    : []
  return inner.length > 0 ? `${own} (${inner.join("; ")})` : own
}

/** `": <cause text>"`, or nothing when there is no cause. */
export const describeCause = (cause: unknown): string => {
  const text = causeText(cause)
  return text === "" ? "" : `: ${text}`
}
