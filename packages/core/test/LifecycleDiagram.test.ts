import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import * as Calendar from "../src/Calendar.js"
import * as CenterConfig from "../src/CenterConfig.js"
import * as Deadline from "../src/Deadline.js"
import * as Lifecycle from "../src/Lifecycle.js"
import * as LifecycleDiagram from "../src/LifecycleDiagram.js"
import * as Policy from "../src/Policy.js"
import { countyConfig } from "./fixtures.js"

const resolved = (input: CenterConfig.CenterConfigInput) =>
  Either.getOrThrow(CenterConfig.resolve(input, Calendar.china))

/** The (from, to) pairs of a command, as `from>to`. */
const edgesOf = (graph: LifecycleDiagram.Graph, command: string) =>
  graph.edges.filter((e) => e.command === command).map((e) => `${e.from}>${e.to}`)

const guardsOf = (graph: LifecycleDiagram.Graph, command: string) =>
  graph.edges.find((e) => e.command === command)?.guards

const omittedBecause = (graph: LifecycleDiagram.Graph, command: string) =>
  graph.omitted.find((o) => o.command === command)?.reason

describe("the lifecycle diagram of a centre", () => {
  it("without a configuration, draws the whole table", () => {
    const graph = Lifecycle.toGraph()
    expect(graph.centre).toBeUndefined()
    expect(graph.commands).toEqual(Lifecycle.transitions.map((t) => t.command))
    expect(graph.omitted).toEqual([])
    expect(graph.edges).toHaveLength(
      Lifecycle.transitions.reduce((n, t) => n + t.from.length * t.to.length, 0)
    )
    const generic = Lifecycle.toMermaid(undefined, { guards: false, recorded: false })
    expect(generic).toContain("[*] --> registered: Register")
    expect(generic).toContain("anyOpen --> withdrawn: Withdraw")
    // no guards on the arrows, no notes: the diagram of docs/lifecycle.md
    expect(generic).not.toContain("Merge (mergeTargetValid)")
    expect(generic).not.toContain("note right of")
  })

  it("draws the example county's loop with each edge's guards, and its notes of what is recorded", () => {
    const graph = Lifecycle.toGraph(resolved(countyConfig))
    expect(graph.centre).toBe("dunhua")
    expect(graph.omitted).toEqual([])
    expect(guardsOf(graph, "Dispatch")).toEqual([
      "leadUnitMayMediate",
      "leadUnitServesHandlingNode",
      "assistingUnitsDistinct"
    ])
    expect(edgesOf(graph, "RequestJudicialConfirmation")).toEqual(["closed>unchanged", "feedbackGiven>unchanged"])
    // the default rules allow extending the handling deadline, not the acceptance one
    expect(edgesOf(graph, "ExtendDeadline")).not.toContain("registered>unchanged")
    expect(edgesOf(graph, "ExtendDeadline")).toContain("handling>unchanged")
    expect(graph.edges.find((e) => e.command === "Dispatch")?.roles).toEqual(["admin", "dispatcher"])
    const mermaid = Lifecycle.toMermaid(resolved(countyConfig))
    expect(mermaid).toContain(
      "  assessed --> dispatched: Dispatch (leadUnitMayMediate, leadUnitServesHandlingNode, assistingUnitsDistinct)"
    )
    expect(mermaid).toContain("  %% every command on an existing case also passes: timeMovesForward")
    expect(mermaid).toContain(
      "  note right of closed: records RequestJudicialConfirmation (actorIsLeadUnit, judicialConfirmationEligible, " +
        "courtIsCourt)"
    )
    // a configuration as written is checked and drawn alike
    expect(Lifecycle.toMermaid(countyConfig)).toBe(mermaid)
  })

  it("a centre without mediation types has no judicial confirmation and no mediation guard", () => {
    const graph = Lifecycle.toGraph(resolved({ ...countyConfig, mediationTypes: [] }))
    expect(edgesOf(graph, "RequestJudicialConfirmation")).toEqual([])
    expect(omittedBecause(graph, "RequestJudicialConfirmation")).toContain("no people's mediation")
    expect(guardsOf(graph, "Dispatch")).toEqual(["leadUnitServesHandlingNode", "assistingUnitsDistinct"])
    const mermaid = Lifecycle.toMermaid(resolved({ ...countyConfig, mediationTypes: [] }))
    expect(mermaid).not.toContain("RequestJudicialConfirmation")
    expect(mermaid).not.toContain("leadUnitMayMediate")
    // mediation sessions without a type are still recorded
    expect(edgesOf(graph, "RecordMediationSession")).toEqual(["handling>unchanged"])
  })

  it("judicial confirmation needs a court among the departments", () => {
    const departments = countyConfig.departments!.filter((d) => d.kind !== "court")
    const graph = Lifecycle.toGraph(resolved({ ...countyConfig, departments }))
    expect(omittedBecause(graph, "RequestJudicialConfirmation")).toBe("no court among the departments")
  })

  it("ExtendDeadline follows the deadline rules of the configured kinds: none, handling only, or acceptance too", () => {
    const none = Lifecycle.toGraph(resolved({ ...countyConfig, deadlines: [] }))
    expect(edgesOf(none, "ExtendDeadline")).toEqual([])
    expect(omittedBecause(none, "ExtendDeadline")).toContain("allows an extension")
    expect(Lifecycle.toMermaid(resolved({ ...countyConfig, deadlines: [] }))).not.toContain("ExtendDeadline")
    // petitions only: a rule for the petition kind
    const petitionRules = Deadline.defaultRules.filter((r) => r.kinds?.includes("petition"))
    const kinds = [
      { id: "dispute", labels: { "zh-Hans": "矛盾纠纷" } },
      { id: "petition", labels: { "zh-Hans": "信访事项" } }
    ]
    const handling = Lifecycle.toGraph(resolved({ ...countyConfig, caseKinds: kinds, deadlines: petitionRules }))
    expect(edgesOf(handling, "ExtendDeadline")).toEqual(
      ["accepted", "assessed", "dispatched", "sentBack", "handling", "escalated"].map((s) => `${s}>unchanged`)
    )
    const acceptance = Lifecycle.toGraph(
      resolved({
        ...countyConfig,
        caseKinds: kinds,
        deadlines: petitionRules.map((r) =>
          r.clock === "acceptance" ? { ...r, extension: { maxAmount: 5, maxTimes: 1 } } : r
        )
      })
    )
    expect(edgesOf(acceptance, "ExtendDeadline")[0]).toBe("registered>unchanged")
    expect(edgesOf(acceptance, "ExtendDeadline")).toHaveLength(7)
  })

  it("a single-node centre has no escalation, no escalated state and no routing guards", () => {
    const config = {
      ...countyConfig,
      jurisdictions: [countyConfig.jurisdictions[0]!],
      departments: countyConfig.departments!.filter((d) => d.jurisdiction === "222403")
    }
    const graph = Lifecycle.toGraph(resolved(config))
    expect(omittedBecause(graph, "Escalate")).toContain("single node")
    expect(graph.states.map((s) => s.id)).not.toContain("escalated")
    expect(graph.edges.some((e) => e.from === "escalated" || e.to === "escalated")).toBe(false)
    expect(guardsOf(graph, "Assess")).toEqual([])
    expect(guardsOf(graph, "Dispatch")).toEqual(["leadUnitMayMediate", "assistingUnitsDistinct"])
    const mermaid = Lifecycle.toMermaid(resolved(config))
    expect(mermaid).not.toContain("escalated")
    expect(mermaid).toContain(
      "state \"any open state (在办): registered, accepted, assessed, dispatched, sentBack, handling\""
    )
  })

  it("a centre without departments never dispatches: the states after it are not drawn", () => {
    const graph = Lifecycle.toGraph(resolved({ ...countyConfig, departments: [] }))
    expect(graph.states.map((s) => s.id)).toEqual([
      "registered",
      "accepted",
      "assessed",
      "escalated",
      "archived",
      "rejected",
      "merged",
      "withdrawn"
    ])
    expect(omittedBecause(graph, "Dispatch")).toBe("no departments are configured")
    expect(omittedBecause(graph, "StartHandling")).toContain("never reaches")
    expect(graph.commands).not.toContain("RecordOutcome")
  })

  it("leaves out the commands no role may issue, and lists the roles that may issue each", () => {
    const { admin: _, ...permissions } = Policy.defaultPermissions
    const withoutMerge = Object.fromEntries(
      Object.entries(permissions).map(([role, p]) => [role, p === "*" ? p : p.filter((c) => c !== "Merge")])
    )
    const graph = Lifecycle.toGraph(resolved(countyConfig), { permissions: withoutMerge })
    expect(omittedBecause(graph, "Merge")).toContain("no role may issue it")
    expect(graph.states.map((s) => s.id)).not.toContain("merged")
    expect(graph.edges.find((e) => e.command === "Archive")?.roles).toEqual(["archivist"])
    expect(Lifecycle.toMermaid(resolved(countyConfig), { permissions: withoutMerge })).not.toContain("Merge")
  })

  it("the JSON form round-trips: the graph read back is the same and draws the same diagram", () => {
    for (
      const config of [undefined, resolved(countyConfig), resolved({ ...countyConfig, mediationTypes: [] })]
    ) {
      const graph = Lifecycle.toGraph(config)
      const json = JSON.parse(JSON.stringify(graph))
      const back = LifecycleDiagram.fromJson(json)
      expect(back).toEqual(Either.right(graph))
      expect(LifecycleDiagram.toMermaid(Either.getOrThrow(back))).toBe(Lifecycle.toMermaid(config))
    }
    const bad = LifecycleDiagram.fromJson({ ...Lifecycle.toGraph(), edges: [{ command: "Accept" }] })
    expect(bad).toMatchObject({ _tag: "Left", left: { _tag: "InvalidInput", field: "edges.0.from" } })
  })

  it("an invalid configuration as written throws its InvalidConfig", () => {
    expect(() => Lifecycle.toGraph({ ...countyConfig, jurisdictions: [] })).toThrow(
      expect.objectContaining({ _tag: "InvalidConfig", field: "jurisdictions" })
    )
  })
})
