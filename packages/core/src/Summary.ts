/**
 * The case summary: one flat row per case with the columns every filter and every KPI needs. Stores keep it
 * beside the snapshot, written in the same transaction, so lists and statistics never replay events.
 *
 * @since 0.1.0
 */
import type { Case, Rating, Status } from "./Case.js"
import { isOpen, runningDeadline } from "./Case.js"
import type { Resolved } from "./CenterConfig.js"

/**
 * The time columns of a summary.
 *
 * @since 0.1.0
 * @category models
 */
export type TimeField =
  | "registeredAt"
  | "acceptedAt"
  | "assessedAt"
  | "dispatchedAt"
  | "handlingStartedAt"
  | "closedAt"
  | "feedbackAt"
  | "archivedAt"
  | "updatedAt"
  | "dueAt"
  | "handlingDueAt"
  | "acceptanceDueAt"

/**
 * Every time column.
 *
 * @since 0.1.0
 * @category constants
 */
export const timeFields: ReadonlyArray<TimeField> = [
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
]

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
