/**
 * The case summary: one flat row per case with the columns every filter and every KPI needs. Stores keep it
 * beside the snapshot, written in the same transaction, so lists and statistics never replay events.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type { Case, Rating, Status } from "./Case.js"
import { isOpen, runningDeadline } from "./Case.js"
import type { Resolved } from "./CenterConfig.js"

/**
 * The time columns of a summary: the one list that {@link timeFields}, `Query.TimeFieldSchema` and the conditions
 * and measures on times are made from.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TimeField = Schema.Literal(
  "registeredAt",
  "acceptedAt",
  "assessedAt",
  "dispatchedAt",
  "handlingStartedAt",
  "closedAt",
  "feedbackAt",
  "archivedAt",
  "updatedAt",
  "dueAt",
  "handlingDueAt",
  "acceptanceDueAt"
)

/**
 * The time columns of a summary.
 *
 * @since 0.1.0
 * @category models
 */
export type TimeField = typeof TimeField.Type

/**
 * Every time column.
 *
 * @since 0.1.0
 * @category constants
 */
export const timeFields: ReadonlyArray<TimeField> = TimeField.literals

/**
 * The numeric columns a `Sum` measure can add up: the one list that `CaseStore.SummableColumn` and the `Sum`
 * measure's schema are made from.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SummableColumn = Schema.Literal(
  "headcount",
  "amountAtStake",
  "reopenCount",
  "escalationCount",
  "dispatchCount",
  "sendBackCount",
  "followUpCount",
  "supervisionCount",
  "pendingSupervisionCount"
)

/**
 * A numeric column a `Sum` measure can add up.
 *
 * @since 0.1.0
 * @category models
 */
export type SummableColumn = typeof SummableColumn.Type

/**
 * The summary columns that can be filtered and grouped on: the one list that `CaseStore.Column` and
 * `Query.ColumnSchema` are made from, the {@link SummableColumn}s among them. Every field of {@link CaseSummary} is a column, a {@link TimeField} or one of
 * the few that are neither (`centre`, `version`, `placePath`, `handlingPath`), so a field added to the row and
 * not placed fails to compile.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Column = Schema.Literal(
  "status",
  "open",
  "enteredLate",
  "kind",
  "channel",
  "category",
  "complexity",
  "riskLevel",
  "riskRank",
  "leadUnit",
  "mediationType",
  "placeCode",
  "handlingCode",
  "handlingTier",
  "intakeCode",
  "firstReceiver",
  "outcome",
  "disposition",
  "rating",
  ...SummableColumn.literals,
  "mergedInto",
  "code",
  "id"
)

/**
 * A summary column that can be filtered and grouped on.
 *
 * @since 0.1.0
 * @category models
 */
export type Column = typeof Column.Type

/**
 * A case summary row. Absent values are `null` (they map to SQL `NULL`).
 *
 * @since 0.1.0
 * @category models
 */
export interface CaseSummary {
  readonly centre: string
  readonly id: string
  readonly code: string
  readonly version: number
  readonly status: Status
  readonly open: boolean
  /**
   * Whether any event of the case was entered late (历史补录: imported, or backdated by a role allowed to): its
   * times are the caller's word, and timeliness figures can leave it out.
   */
  readonly enteredLate: boolean
  readonly kind: string
  readonly channel: string
  readonly category: string | null
  readonly complexity: string | null
  readonly riskLevel: string
  readonly riskRank: number
  readonly leadUnit: string | null
  readonly mediationType: string | null
  readonly placeCode: string
  readonly placePath: string
  readonly handlingCode: string
  readonly handlingPath: string
  readonly handlingTier: number
  readonly intakeCode: string
  readonly firstReceiver: string
  readonly outcome: "resolved" | "notResolved" | null
  readonly disposition: string | null
  readonly rating: Rating | null
  readonly headcount: number
  readonly amountAtStake: number | null
  readonly reopenCount: number
  readonly escalationCount: number
  readonly dispatchCount: number
  readonly sendBackCount: number
  readonly followUpCount: number
  readonly supervisionCount: number
  readonly pendingSupervisionCount: number
  readonly mergedInto: string | null
  readonly registeredAt: string
  readonly acceptedAt: string | null
  readonly assessedAt: string | null
  readonly dispatchedAt: string | null
  readonly handlingStartedAt: string | null
  readonly closedAt: string | null
  readonly feedbackAt: string | null
  readonly archivedAt: string | null
  readonly updatedAt: string
  /** The deadline running now (acceptance while registered, handling while open after that). */
  readonly dueAt: string | null
  readonly handlingDueAt: string | null
  readonly acceptanceDueAt: string | null
}

// The fields of a summary row that are neither a filterable column nor a time.
type NotColumn = "centre" | "version" | "placePath" | "handlingPath"
// Each field of the row is placed once (a column, a time, or neither), and each column and time is a field:
// otherwise this names what is wrong and the module fails to compile.
type Unplaced = Exclude<keyof CaseSummary, Column | TimeField | NotColumn>
type NotAField = Exclude<Column | TimeField | NotColumn, keyof CaseSummary>
type Twice = (Column & TimeField) | (Column & NotColumn) | (TimeField & NotColumn)
const everyFieldPlaced: [Unplaced | NotAField | Twice] extends [never] ? true : Unplaced | NotAField | Twice = true
void everyFieldPlaced

/**
 * The summary of a case.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ofCase = (config: Resolved, c: Case): CaseSummary => {
  const place = config.tree.get(c.place)
  const handling = config.tree.get(c.handlingNode)
  return {
    centre: c.centre,
    id: c.id,
    code: c.code,
    version: c.version,
    status: c.status,
    open: isOpen(c),
    enteredLate: c.enteredLate === true,
    kind: c.kind,
    channel: c.channel,
    category: c.category ?? null,
    complexity: c.complexity ?? null,
    riskLevel: c.risk.level,
    riskRank: config.riskLevels.get(c.risk.level)?.rank ?? 0,
    leadUnit: c.leadUnit ?? null,
    mediationType: c.mediationType ?? null,
    placeCode: c.place,
    placePath: place?.path ?? `/${c.place}/`,
    handlingCode: c.handlingNode,
    handlingPath: handling?.path ?? `/${c.handlingNode}/`,
    handlingTier: handling?.tier ?? 0,
    intakeCode: c.intakeNode,
    firstReceiver: c.firstReceiver.id,
    outcome: c.outcome === undefined ? null : c.outcome._tag === "Resolved" ? "resolved" : "notResolved",
    disposition: c.outcome?._tag === "NotResolved" ? c.outcome.disposition : null,
    rating: c.feedback?.rating ?? null,
    headcount: c.headcount,
    amountAtStake: c.amountAtStake ?? null,
    reopenCount: c.reopenCount,
    escalationCount: c.escalations.length,
    dispatchCount: c.dispatchCount,
    sendBackCount: c.sendBacks.length,
    followUpCount: c.followUps.length,
    supervisionCount: c.supervision.length,
    pendingSupervisionCount: c.supervision.reduce((n, o) => (o.answeredAt === undefined ? n + 1 : n), 0),
    mergedInto: c.mergedInto ?? null,
    registeredAt: c.registeredAt,
    acceptedAt: c.acceptedAt ?? null,
    assessedAt: c.assessedAt ?? null,
    dispatchedAt: c.dispatchedAt ?? null,
    handlingStartedAt: c.handlingStartedAt ?? null,
    closedAt: c.closedAt ?? null,
    feedbackAt: c.feedbackAt ?? null,
    archivedAt: c.archivedAt ?? null,
    updatedAt: c.updatedAt,
    dueAt: runningDeadline(c)?.dueAt ?? null,
    handlingDueAt: c.deadlines.handling?.dueAt ?? null,
    acceptanceDueAt: c.deadlines.acceptance?.dueAt ?? null
  }
}
