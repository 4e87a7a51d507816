import type { Summary } from "@fengqiao/core"

/** How a summary field is stored. @internal */
export type Kind = "key" | "int" | "bool" | "fen" | "ms"

// the fields and their columns, in table order (columns added by later migrations last); `as const` so that the
// check below sees each field
const list = [
  ["id", "id", "key"],
  ["code", "code", "key"],
  ["version", "version", "int"],
  ["status", "status", "key"],
  ["open", "open", "bool"],
  ["kind", "kind", "key"],
  ["channel", "channel", "key"],
  ["category", "category", "key"],
  ["complexity", "complexity", "key"],
  ["riskLevel", "risk_level", "key"],
  ["riskRank", "risk_rank", "int"],
  ["leadUnit", "lead_unit", "key"],
  ["mediationType", "mediation_type", "key"],
  ["placeCode", "place_code", "key"],
  ["placePath", "place_path", "key"],
  ["handlingCode", "handling_code", "key"],
  ["handlingPath", "handling_path", "key"],
  ["handlingTier", "handling_tier", "int"],
  ["intakeCode", "intake_code", "key"],
  ["firstReceiver", "first_receiver", "key"],
  ["outcome", "outcome", "key"],
  ["disposition", "disposition", "key"],
  ["rating", "rating", "key"],
  ["headcount", "headcount", "int"],
  ["amountAtStake", "amount_fen", "fen"],
  ["reopenCount", "reopen_count", "int"],
  ["escalationCount", "escalation_count", "int"],
  ["dispatchCount", "dispatch_count", "int"],
  ["sendBackCount", "send_back_count", "int"],
  ["followUpCount", "follow_up_count", "int"],
  ["supervisionCount", "supervision_count", "int"],
  ["pendingSupervisionCount", "pending_supervision_count", "int"],
  ["mergedInto", "merged_into", "key"],
  ["registeredAt", "registered_at", "ms"],
  ["acceptedAt", "accepted_at", "ms"],
  ["assessedAt", "assessed_at", "ms"],
  ["dispatchedAt", "dispatched_at", "ms"],
  ["handlingStartedAt", "handling_started_at", "ms"],
  ["closedAt", "closed_at", "ms"],
  ["feedbackAt", "feedback_at", "ms"],
  ["archivedAt", "archived_at", "ms"],
  ["updatedAt", "updated_at", "ms"],
  ["dueAt", "due_at", "ms"],
  ["handlingDueAt", "handling_due_at", "ms"],
  ["acceptanceDueAt", "acceptance_due_at", "ms"],
  // migration 8
  ["enteredLate", "entered_late", "bool"]
] as const satisfies ReadonlyArray<readonly [keyof Summary.CaseSummary, string, Kind]>

/**
 * Summary fields and their columns, in table order (after `centre`, the table's first column; columns added by
 * later migrations last). @internal
 */
export const fields: ReadonlyArray<readonly [field: keyof Summary.CaseSummary, column: string, kind: Kind]> = list

// every field of a summary row has its column: a field added to `Summary.CaseSummary` and not here fails to compile
type Unstored = Exclude<keyof Summary.CaseSummary, "centre" | (typeof list)[number][0]>
const everyFieldStored: [Unstored] extends [never] ? true : Unstored = true
void everyFieldStored

/** The deepest level of the jurisdiction columns (`place_d0` … `place_d5`). @internal */
export const MAX_DEPTH = 5

/** @internal */
export const depthColumns = (prefix: "place" | "handling"): ReadonlyArray<string> =>
  Array.from({ length: MAX_DEPTH + 1 }, (_, d) => `${prefix}_d${d}`)

/** Column name and kind by summary field. @internal */
export const byField: ReadonlyMap<string, { readonly column: string; readonly kind: Kind }> = new Map(
  fields.map(([f, c, k]) => [f, { column: c, kind: k }])
)

/** Every column of the cases table after `centre`, in order. @internal */
export const caseColumns: ReadonlyArray<string> = [
  ...fields.map(([, c]) => c),
  ...depthColumns("place"),
  ...depthColumns("handling"),
  "snapshot"
]

const toCell = (kind: Kind, value: unknown): unknown => {
  if (value === null || value === undefined) return null
  switch (kind) {
    case "key":
    case "int":
      return value
    case "bool":
      return value ? 1 : 0
    case "fen":
      return Math.round((value as number) * 100)
    case "ms":
      return Date.parse(value as string)
  }
}

const segments = (path: string): Array<string | null> => {
  const parts = path.split("/").slice(1, -1)
  return Array.from({ length: MAX_DEPTH + 1 }, (_, d) => parts[d] ?? null)
}

/** The values of a cases row after `centre`, in {@link caseColumns} order (the snapshot JSON last). @internal */
export const caseRow = (summary: Summary.CaseSummary, snapshotJson: string): Array<unknown> => [
  ...fields.map(([f, , k]) => toCell(k, summary[f])),
  ...segments(summary.placePath),
  ...segments(summary.handlingPath),
  snapshotJson
]
