import { expect } from "@effect/vitest"
import type { Case } from "../src/Case.js"
import type { Resolved } from "../src/CenterConfig.js"
import { natureOf } from "../src/CenterConfig.js"
import type { Envelope } from "../src/Event.js"
import * as Lifecycle from "../src/Lifecycle.js"
import * as Summary from "../src/Summary.js"

/**
 * The invariants every stored case satisfies, whatever happened to it. Used after every step of the model-based
 * tests.
 */
export const checkCaseInvariants = (config: Resolved, c: Case, events: ReadonlyArray<Envelope>): void => {
  // replaying the events gives the snapshot exactly; the version is the event count
  expect(Lifecycle.replay(events)).toStrictEqual(c)
  expect(c.version).toBe(events.length)
  events.forEach((e, i) => {
    expect(e.version).toBe(i + 1)
    expect(e.caseId).toBe(c.id)
    // times never go backwards
    if (i > 0) expect(e.at >= events[i - 1]!.at).toBe(true)
  })
  expect(events[0]!.event._tag).toBe("Registered")
  // the first receiver never changes once set
  expect(c.firstReceiver).toStrictEqual(events[0]!.actor)
  // archived only after outcome + feedback, rejection, merge or withdrawal
  if (c.status === "archived") {
    const ended = (c.outcome !== undefined && c.feedback !== undefined) || c.rejection !== undefined ||
      c.mergedInto !== undefined || c.withdrawal !== undefined
    expect(ended, `archived case ${c.id} without an ending`).toBe(true)
    expect(events.filter((e) => e.event._tag === "Archived")).toHaveLength(1)
    expect(events.at(-1)!.event._tag).toBe("Archived")
  }
  // exactly one lead unit while handling, and it is not also assisting
  if (c.status === "handling" || c.status === "dispatched") {
    expect(c.leadUnit, `${c.status} case without a lead unit`).toBeDefined()
    expect(c.assistingUnits).not.toContain(c.leadUnit)
  }
  // the lead unit is a department of this centre, so dispatch stays inside the centre's subtree
  if (c.leadUnit !== undefined) {
    const d = config.departments.get(c.leadUnit)
    expect(d).toBeDefined()
    expect(config.tree.isWithin(d!.jurisdiction, config.tree.root.code)).toBe(true)
  }
  // the mediation type fits the lead unit
  if (c.leadUnit !== undefined && c.mediationType !== undefined) {
    const nature = natureOf(config, c.leadUnit)!
    expect(config.mediationTypes.get(c.mediationType)!.performedBy).toContain(nature)
  }
  // escalation strictly raises the tier, to a node above, inside the centre
  for (const e of c.escalations) {
    const from = config.tree.get(e.from)!
    const to = config.tree.get(e.to)!
    expect(to.tier).toBeLessThan(from.tier)
    expect(config.tree.isWithin(e.from, e.to)).toBe(true)
  }
  expect(config.tree.get(c.handlingNode)).toBeDefined()
  // once dispatched, the handling node's tier rises only by a recorded escalation (a later assessment routes at
  // its tier or below)
  let handling = (events[0]!.event as { readonly intakeNode: string }).intakeNode
  let dispatched = false
  for (const e of events) {
    const next = e.event._tag === "Assessed"
      ? e.event.handlingNode
      : e.event._tag === "Escalated"
      ? e.event.to
      : handling
    if (e.event._tag === "Dispatched") dispatched = true
    if (dispatched && e.event._tag !== "Escalated") {
      expect(config.tree.get(next)!.tier, `${e.event._tag} raised ${handling} to ${next}`).toBeGreaterThanOrEqual(
        config.tree.get(handling)!.tier
      )
    }
    handling = next
  }
  expect(handling).toBe(c.handlingNode)
  // "not resolved" is never counted as resolved
  const summary = Summary.ofCase(config, c)
  expect(summary.outcome === "resolved").toBe(c.outcome?._tag === "Resolved")
  if (c.outcome?._tag === "NotResolved") expect(summary.outcome).toBe("notResolved")
  expect(summary.open).toBe(
    ["registered", "accepted", "assessed", "dispatched", "sentBack", "handling", "escalated"].includes(c.status)
  )
}
