/**
 * The quick start: one dispute (矛盾纠纷) through the whole closed loop (闭环) with the Promise API on the
 * in-memory store. The sample county (敦化市) and its actors come from `Examples`.
 *
 * @since 0.1.0
 */
import { createCenter, Examples } from "@fengqiao/core"

/**
 * Runs one case from registration (登记) to archive (归档销号) and returns what a person would look at.
 *
 * @since 0.1.0
 */
export const quickstart = async () => {
  // 敦化市 is in 延边: its calendar adds the prefecture's 州庆 (3 September) to China's
  const center = await createCenter({ config: Examples.countyConfig, calendar: Examples.countyCalendar })
  try {
    const actor = { id: "u-1", roles: ["admin"], jurisdiction: "222403" }
    const { caseId, code } = await center.register({
      actor,
      kind: "dispute",
      channel: "walkIn",
      place: "222403100201",
      parties: [Examples.applicant, Examples.respondent],
      description: "邻居装修漏水，协商不成"
    })
    await center.accept({ actor, caseId })
    await center.assess({ actor, caseId, category: "neighbourhood", complexity: "general" })
    await center.dispatch({ actor, caseId, leadUnit: "dsMediation", mediationType: "people" })
    const enabledWhileDispatched = await center.enabledCommands({ actor, caseId })
    await center.startHandling({ actor, caseId })
    await center.recordMediationSession({ actor, caseId, mediators: ["王调解员"], result: "agreement" })
    await center.recordOutcome({ actor, caseId, outcome: { _tag: "Resolved", agreement: { summary: "赔偿维修费" } } })
    await center.giveFeedback({ actor, caseId, rating: "satisfied" })
    await center.recordFollowUp({ actor, caseId, result: "stable" })
    await center.archive({ actor, caseId })
    const { status, outcome } = await center.get({ actor, caseId })
    const events = (await center.history({ actor, caseId })).map((e) => e.event._tag)
    const statusLabel = center.labels("zh-Hans")[`status.${status}`]
    return { code, status, statusLabel, outcome: outcome?._tag, enabledWhileDispatched, events }
  } finally {
    await center.dispose()
  }
}
