/**
 * Case histories for the statistics tests, as callers write them (for `Center.importCases` or `execute`): a
 * case that stays open after acceptance, one resolved, one closed without resolution, optionally rated and
 * followed up, at a chosen place and time.
 */
import { Examples } from "@fengqiao/core"

const HOUR = 3_600_000

const local = (ms: number): string => `${new Date(ms + 8 * HOUR).toISOString().slice(0, 19)}+08:00`

/** How a story ends. */
export type Ending = "registered" | "accepted" | "resolved" | "notResolved"

/** A story. */
export interface Story {
  readonly ending: Ending
  readonly rating?: "satisfied" | "basicallySatisfied" | "dissatisfied" | undefined
  readonly followUp?: "stable" | "rebound" | undefined
  readonly at?: string | undefined
  readonly category?: string | undefined
  readonly channel?: string | undefined
  /** A village (default 大石头村) or 民主社区 in 胜利街道. */
  readonly place?: "222403100201" | "222403001001" | undefined
  /** Days between starting to handle and the outcome (default: an hour). */
  readonly handlingDays?: number | undefined
  /** The case kind (default `dispute`). */
  readonly kind?: "dispute" | "request" | "petition" | "hazard" | undefined
  /** Escalate to the township before handling. */
  readonly escalate?: boolean | undefined
}

const handlers = {
  "222403100201": { unit: "dstMediation", township: "222403100", townshipUnit: "dsMediation" },
  "222403001001": { unit: "slMediation", township: "222403001", townshipUnit: "slMediation" }
} as const

/** The commands of a story, for case `caseId`, starting at `at` (default 2025-03-03 09:00 in China). */
export const commandsOf = (caseId: string, story: Story): ReadonlyArray<Record<string, unknown>> => {
  const actor = Examples.admin
  let t = Date.parse(story.at ?? "2025-03-03T09:00:00+08:00")
  const next = () => local(t += HOUR)
  const place = story.place ?? "222403100201"
  const h = handlers[place]
  const on = { caseId, actor }
  const out: Array<Record<string, unknown>> = [{
    _tag: "Register",
    ...on,
    at: local(t),
    kind: story.kind ?? "dispute",
    channel: story.channel ?? "walkIn",
    place,
    intakeNode: place,
    parties: [Examples.applicant, Examples.respondent],
    description: "邻里纠纷",
    category: story.category ?? "neighbourhood"
  }]
  if (story.ending === "registered") return out
  out.push({ _tag: "Accept", ...on, at: next() })
  if (story.ending === "accepted") return out
  out.push({ _tag: "Assess", ...on, at: next(), category: story.category ?? "neighbourhood", complexity: "general" })
  if (story.escalate === true) {
    out.push({ _tag: "Escalate", ...on, at: next(), to: h.township, reason: "村级调解不成，上报乡镇" })
    out.push({ _tag: "Dispatch", ...on, at: next(), leadUnit: h.townshipUnit, mediationType: "people" })
  } else {
    out.push({ _tag: "Dispatch", ...on, at: next(), leadUnit: h.unit, mediationType: "people" })
  }
  out.push({ _tag: "StartHandling", ...on, actor: { ...actor, department: undefined }, at: next() })
  t += (story.handlingDays ?? 0) * 24 * HOUR
  out.push(
    story.ending === "resolved"
      ? {
        _tag: "RecordOutcome",
        ...on,
        at: next(),
        outcome: { _tag: "Resolved", agreement: { summary: "双方达成协议" } }
      }
      : {
        _tag: "RecordOutcome",
        ...on,
        at: next(),
        outcome: { _tag: "NotResolved", disposition: "litigation", note: "引导当事人诉讼" }
      }
  )
  if (story.rating !== undefined) out.push({ _tag: "GiveFeedback", ...on, at: next(), rating: story.rating })
  if (story.followUp !== undefined) out.push({ _tag: "RecordFollowUp", ...on, at: next(), result: story.followUp })
  return out.map((c) => JSON.parse(JSON.stringify(c)) as Record<string, unknown>)
}

/** `n` stories made by `f(i)`, as `importCases` input, with case ids `<prefix>-<i>`. */
export const many = (prefix: string, n: number, f: (i: number) => Story) => ({
  cases: Array.from({ length: n }, (_, i) => ({ commands: commandsOf(`${prefix}-${i}`, f(i)) })),
  batchSize: 2000
})
