/**
 * The lifecycle of one centre as a diagram (流程图): the states its configuration can reach, the commands it enables
 * and each edge's guards, as a graph (plain JSON, {@link Graph}) and as a mermaid state diagram. A vendor draws its
 * own centre's loop rather than the SDK's generic one: a centre without people's mediation has no judicial
 * confirmation, one whose deadline rules allow no extension has no `ExtendDeadline`, a single-node tree no
 * escalation, and a command no role may issue is left out. `Lifecycle.toGraph` and `Lifecycle.toMermaid` apply it
 * to the SDK's table; docs/lifecycle.md draws the whole table the same way.
 *
 * @example
 * ```ts
 * import { createCenter, Lifecycle } from "@fengqiao/core"
 *
 * const center = await createCenter({ config })
 * console.log(Lifecycle.toMermaid(center.config))           // paste into a ```mermaid block
 * const graph = Lifecycle.toGraph(center.config)            // JSON: states, commands, edges with guards and roles
 * ```
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Calendar from "./Calendar.js"
import { isOpen, type Status, statuses } from "./Case.js"
import { type CenterConfigInput, resolve, type Resolved } from "./CenterConfig.js"
import type { CommandName } from "./Command.js"
import type { Rule } from "./Deadline.js"
import type { InvalidInput } from "./Errors.js"
import { label } from "./I18n.js"
import { decodeInput } from "./internal/parse.js"
import { defaultPermissions } from "./Policy.js"

/**
 * A state of the diagram, with its labels and whether it is open (在办).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GraphState = Schema.Struct({
  id: Schema.String,
  zh: Schema.String,
  en: Schema.String,
  open: Schema.Boolean
}).annotations({ identifier: "LifecycleGraphState" })

/**
 * An edge: a command from a state (`none` before the case exists) to a state, or `unchanged` when it records
 * something without moving the case; the guards that must pass (besides `timeMovesForward`, which every command on
 * an existing case passes) and the roles that may issue it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GraphEdge = Schema.Struct({
  command: Schema.String,
  from: Schema.String,
  to: Schema.String,
  guards: Schema.Array(Schema.String),
  roles: Schema.Array(Schema.String)
}).annotations({ identifier: "LifecycleGraphEdge" })

/**
 * The lifecycle of a centre: the reachable states, the enabled commands (table order), the edges, the guards of
 * every command, and the commands its configuration leaves out with the reason.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Graph = Schema.Struct({
  /** The centre's id; absent for the SDK's whole table. */
  centre: Schema.optional(Schema.String),
  states: Schema.Array(GraphState),
  commands: Schema.Array(Schema.String),
  edges: Schema.Array(GraphEdge),
  everyCommandGuards: Schema.Array(Schema.String),
  omitted: Schema.Array(Schema.Struct({ command: Schema.String, reason: Schema.String }))
}).annotations({ identifier: "LifecycleGraph" })

/**
 * @since 0.1.0
 * @category models
 */
export type GraphState = typeof GraphState.Type

/**
 * @since 0.1.0
 * @category models
 */
export type GraphEdge = typeof GraphEdge.Type

/**
 * @since 0.1.0
 * @category models
 */
export type Graph = typeof Graph.Type

/**
 * A row of a lifecycle table (as `Lifecycle.transitions`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly command: CommandName
  readonly from: ReadonlyArray<Status | "none">
  readonly to: ReadonlyArray<Status | "unchanged">
  readonly guards: ReadonlyArray<string>
}

/**
 * What the graph is drawn for besides the configuration.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The commands each role may issue (`*`: all), as given to `Policy.makeDefault`; `Policy.defaultPermissions` by
   * default. A command no role may issue is left out; each edge lists the roles that may.
   */
  readonly permissions?: Readonly<Record<string, ReadonlyArray<CommandName> | "*">> | undefined
}

/**
 * How the mermaid diagram is drawn.
 *
 * @since 0.1.0
 * @category models
 */
export interface MermaidOptions {
  /** Each command's guards after its name on the arrows (default true). */
  readonly guards?: boolean | undefined
  /** The commands that record without moving the case, as a note on their states (default true). */
  readonly recorded?: boolean | undefined
}

/** The guard every command on an existing case passes. */
const everyCommandGuards: ReadonlyArray<string> = ["timeMovesForward"]

const isResolved = (config: Resolved | CenterConfigInput): config is Resolved =>
  (config as Partial<Resolved>).tree !== undefined && (config as Partial<Resolved>).caseKinds instanceof Map

/** What a configuration enables: per command, the states left and the guards that can refuse, or why it is out. */
const shape = (config: Resolved) => {
  const natures = new Set(
    [...config.departments.values()].map((d) => config.departmentKinds.get(d.kind)?.nature).filter((n) =>
      n !== undefined
    )
  )
  const hasDepartments = config.departments.size > 0
  const manyNodes = config.tree.nodes.length > 1
  const hasMediationTypes = config.mediationTypes.size > 0
  // a people's-mediation agreement needs a mediation type people's mediation committees conduct that a configured
  // department may conduct (the lead unit's nature must fit the type)
  const peoples = [...config.mediationTypes.values()].some((m) =>
    m.performedBy.includes("peoplesMediation") && m.performedBy.some((n) => natures.has(n))
  )
  const meets = (wanted: ReadonlyArray<string> | undefined, known: ReadonlyMap<string, unknown>) =>
    wanted === undefined || wanted.some((k) => known.has(k))
  const extensible = (clock: Rule["clock"]) =>
    config.deadlines.some((r) =>
      r.clock === clock && r.extension !== undefined && meets(r.kinds, config.caseKinds) &&
      meets(r.channels, config.channels) && meets(r.complexities, config.complexities)
    )
  const dropped = new Set<string>([
    ...(hasMediationTypes ? [] : ["leadUnitMayMediate"]),
    ...(manyNodes ? [] : ["routeNotRaised", "leadUnitServesHandlingNode", "summonedServesCase"])
  ])
  const outBecause = (command: CommandName): string | undefined => {
    switch (command) {
      case "Dispatch":
      case "Redispatch":
      case "ConveneConsultation":
      case "SummonDepartment":
        return hasDepartments ? undefined : "no departments are configured"
      case "Escalate":
        return manyNodes ? undefined : "the jurisdiction tree has a single node: there is nowhere to escalate to"
      case "RequestJudicialConfirmation":
        return !peoples
          ? "no people's mediation: no mediation type conducted by people's mediation committees that a configured " +
            "department may conduct"
          : !natures.has("court")
          ? "no court among the departments"
          : undefined
      case "ExtendDeadline":
        return extensible("acceptance") || extensible("handling")
          ? undefined
          : "no deadline rule for the configured kinds, channels and complexities allows an extension"
      default:
        return undefined
    }
  }
  const fromOf = (row: Row): ReadonlyArray<Status | "none"> =>
    row.command !== "ExtendDeadline"
      ? row.from
      // the acceptance deadline runs while the case is registered only; the handling deadline after that
      : row.from.filter((s) => s === "registered" ? extensible("acceptance") : extensible("handling"))
  return { dropped, outBecause, fromOf }
}

/**
 * Draws the graph of a lifecycle table for a centre: without a configuration, the whole table. A configuration as
 * written (not resolved) is checked first; an invalid one throws its `InvalidConfig`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  table: ReadonlyArray<Row>,
  config?: Resolved | CenterConfigInput,
  options: Options = {}
): Graph => {
  const resolved = config === undefined || isResolved(config)
    ? config
    : Either.getOrThrowWith(resolve(config, Calendar.china), (e) => e)
  const permissions = options.permissions ?? defaultPermissions
  const rolesOf = (command: CommandName) =>
    Object.entries(permissions).filter(([, p]) => p === "*" || p.includes(command)).map(([role]) => role)
  const s = resolved === undefined ? undefined : shape(resolved)
  const omitted: Array<{ readonly command: string; readonly reason: string }> = []
  const rows: Array<Row & { readonly roles: ReadonlyArray<string> }> = []
  for (const row of table) {
    const roles = rolesOf(row.command)
    const reason = s?.outBecause(row.command) ??
      (roles.length === 0 ? "no role may issue it under the permissions given" : undefined)
    if (reason !== undefined) {
      omitted.push({ command: row.command, reason })
      continue
    }
    rows.push({
      command: row.command,
      from: s?.fromOf(row) ?? row.from,
      to: row.to,
      guards: row.guards.filter((g) => !s?.dropped.has(g)),
      roles
    })
  }
  // the states a case can reach from its registration with the commands left
  const reached = new Set<string>(["none"])
  for (let grew = true; grew;) {
    grew = false
    for (const row of rows) {
      if (!row.from.some((f) => reached.has(f))) continue
      for (const to of row.to) {
        if (to !== "unchanged" && !reached.has(to)) {
          reached.add(to)
          grew = true
        }
      }
    }
  }
  const edges: Array<GraphEdge> = []
  const commands: Array<string> = []
  for (const row of rows) {
    const from = row.from.filter((f) => reached.has(f))
    if (from.length === 0) {
      omitted.push({ command: row.command, reason: "it is allowed only in states this configuration never reaches" })
      continue
    }
    commands.push(row.command)
    for (const f of from) {
      for (const to of row.to) edges.push({ command: row.command, from: f, to, guards: row.guards, roles: row.roles })
    }
  }
  return {
    ...(resolved === undefined ? {} : { centre: resolved.id }),
    states: statuses.filter((st) => reached.has(st)).map((st) => ({
      id: st,
      zh: label(`status.${st}`, "zh-Hans"),
      en: label(`status.${st}`, "en"),
      open: isOpen({ status: st })
    })),
    commands,
    edges,
    everyCommandGuards,
    omitted
  }
}

const decodeGraph = decodeInput(Graph)

/**
 * Reads a graph back from its JSON form (`JSON.parse` of a graph written with `JSON.stringify`); anything else is an
 * `InvalidInput` naming the field.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromJson = (json: unknown): Either.Either<Graph, InvalidInput> => decodeGraph(json)

const stateNode = (s: string) => (s === "none" ? "[*]" : s)

/**
 * The mermaid state diagram of a graph: one arrow per (from, to) pair, labelled with its commands and their guards;
 * a command allowed in every open state of the graph is drawn once from "any open state"; the commands that record
 * without moving the case are noted on their states.
 *
 * @since 0.1.0
 * @category rendering
 */
export const toMermaid = (graph: Graph, options: MermaidOptions = {}): string => {
  const showGuards = options.guards ?? true
  const showRecorded = options.recorded ?? true
  const open = graph.states.filter((s) => s.open).map((s) => s.id)
  // per command, in the graph's order: the states it leaves from and leads to
  const byCommand = new Map<string, { from: Array<string>; to: Array<string>; guards: ReadonlyArray<string> }>()
  for (const e of graph.edges) {
    const entry = byCommand.get(e.command) ?? { from: [], to: [], guards: e.guards }
    if (!entry.from.includes(e.from)) entry.from.push(e.from)
    if (!entry.to.includes(e.to)) entry.to.push(e.to)
    byCommand.set(e.command, entry)
  }
  const named = (command: string, guards: ReadonlyArray<string>) =>
    showGuards && guards.length > 0 ? `${command} (${guards.join(", ")})` : command
  const arrows = new Map<string, Array<string>>()
  const notes = new Map<string, Array<string>>()
  for (const [command, { from, guards, to }] of byCommand) {
    // a command allowed in every open state gets one arrow from "any open state" instead of one per state
    const fromAllOpen = open.length > 0 && open.every((s) => from.includes(s))
    for (const f of fromAllOpen ? ["anyOpen", ...from.filter((x) => !open.includes(x))] : from) {
      for (const t of to) {
        if (t === "unchanged") {
          notes.set(f, [...(notes.get(f) ?? []), named(command, guards)])
          continue
        }
        const key = `${stateNode(f)} --> ${t}`
        arrows.set(key, [...(arrows.get(key) ?? []), named(command, guards)])
      }
    }
  }
  const lines = ["stateDiagram-v2"]
  if (showGuards) {
    if (graph.centre !== undefined) lines.push(`  %% the lifecycle of centre ${graph.centre}`)
    lines.push(`  %% every command on an existing case also passes: ${graph.everyCommandGuards.join(", ")}`)
  }
  for (const s of graph.states) lines.push(`  ${s.id}: ${s.id} ${s.zh}`)
  if (open.length > 0) lines.push(`  state "any open state (在办): ${open.join(", ")}" as anyOpen`)
  for (const [edge, labels] of arrows) lines.push(`  ${edge}: ${labels.join(showGuards ? " · " : ", ")}`)
  if (showRecorded) {
    for (const [state, labels] of notes) lines.push(`  note right of ${state}: records ${labels.join(" · ")}`)
  }
  if (graph.states.some((s) => s.id === "archived")) lines.push("  archived --> [*]")
  return lines.join("\n")
}
