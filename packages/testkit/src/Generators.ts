/**
 * Generators of case histories: fast-check arbitraries of abstract steps, and an interpreter that turns a step
 * into a concrete command against the current state of a case. Most steps walk the main loop forward (so runs
 * reach handling, outcome, feedback, follow-up and archive), some pick any enabled command, some any command at
 * all with odd payloads, some go back in time — so refusals are exercised too.
 *
 * @since 0.1.0
 */
import { type Actor, type Case, type CenterConfig, Command, Lifecycle } from "@fengqiao/core"
import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

/**
 * How a step picks its command.
 *
 * - `register`: a new case (valid unless `r[5]` says otherwise);
 * - `forward`: the command that moves the case along the loop, if enabled;
 * - `enabled`: any command the lifecycle enables now;
 * - `any`: any command, with payloads that guards may refuse and actors that may be forbidden;
 * - `backwards`: any command dated before the case's last event.
 *
 * @since 0.1.0
 * @category models
 */
export type Mode = "register" | "forward" | "enabled" | "any" | "backwards"

/**
 * An abstract step: numbers that the interpreter turns into a command.
 *
 * @since 0.1.0
 * @category models
 */
export interface Step {
  readonly mode: Mode
  readonly which: number
  readonly tag: number
  readonly actor: number
  readonly r: ReadonlyArray<number>
}

const ints = FastCheck.array(FastCheck.integer({ min: 0, max: 1_000_000 }), { minLength: 7, maxLength: 7 })

/**
 * A step, weighted towards moving cases forward.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const step: FastCheck.Arbitrary<Step> = FastCheck.record({
  mode: FastCheck.constantFrom<Mode>("register", "forward", "forward", "forward", "enabled", "any", "backwards"),
  which: FastCheck.nat(),
  tag: FastCheck.nat(),
  actor: FastCheck.nat(10),
  r: ints
})

/**
 * The state of a walk: the cases created so far, the walk's clock and a command counter.
 *
 * @since 0.1.0
 * @category models
 */
export interface Walk {
  readonly caseIds: Array<string>
  clock: number
  seq: number
  readonly maxCases: number
}

/**
 * A fresh walk starting at a time (default 6 January 2025, 09:00 in China).
 *
 * @since 0.1.0
 * @category constructors
 */
export const walk = (options: { readonly start?: string; readonly maxCases?: number } = {}): Walk => ({
  caseIds: [],
  clock: Date.parse(options.start ?? "2025-01-06T01:00:00Z"),
  seq: 0,
  maxCases: options.maxCases ?? 4
})

/** The commands that move a case along the main loop, by state. */
const forward: Partial<Record<Case.Status, ReadonlyArray<Command.CommandName>>> = {
  registered: ["Accept"],
  accepted: ["Assess"],
  assessed: ["Dispatch", "Dispatch", "Escalate"],
  sentBack: ["Redispatch"],
  dispatched: ["StartHandling", "StartHandling", "SendBack"],
  handling: ["RecordOutcome", "RecordMediationSession", "Escalate", "SummonDepartment", "IssueSupervision"],
  escalated: ["Dispatch"],
  closed: ["GiveFeedback", "RequestJudicialConfirmation"],
  feedbackGiven: ["RecordFollowUp", "Archive", "AnswerSupervision"]
}

const pick = <A>(xs: ReadonlyArray<A>, n: number): A => xs[Math.abs(n) % xs.length]!

/**
 * Actors for a centre: an administrator at the root (most steps), department staff of one unit, an intake
 * officer in the first child subtree, and a viewer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const actorsFor = (config: CenterConfig.Resolved): ReadonlyArray<Actor.Actor> => {
  const root = config.tree.root.code
  const child = config.tree.children(root)[0]?.code ?? root
  const unit = [...config.departments.keys()].at(-1)
  return [
    { id: "walk-admin", roles: ["admin"], jurisdiction: root },
    { id: "walk-admin", roles: ["admin"], jurisdiction: root },
    { id: "walk-admin", roles: ["admin"], jurisdiction: root },
    unit === undefined
      ? { id: "walk-handler", roles: ["handler"], jurisdiction: root }
      : { id: "walk-handler", roles: ["handler"], jurisdiction: root, department: unit },
    { id: "walk-intake", roles: ["intake", "dispatcher"], jurisdiction: child },
    { id: "walk-viewer", roles: ["viewer"], jurisdiction: root }
  ]
}

const payload = (
  config: CenterConfig.Resolved,
  tag: Command.CommandName,
  c: Case.Case | undefined,
  r: ReadonlyArray<number>,
  smart: boolean
): Record<string, unknown> => {
  const n = (i: number) => r[i % r.length] ?? 0
  const departments = [...config.departments.values()]
  const units = [...departments.map((d) => d.id), "ghost"]
  const nodes = [...config.tree.nodes.map((x) => x.code), "000000"]
  const unit = () => {
    if (!smart || c === undefined) return pick(units, n(1))
    const fitting = departments.filter((d) =>
      config.tree.isWithin(c.handlingNode, d.jurisdiction) || config.tree.isWithin(d.jurisdiction, c.handlingNode)
    )
    return fitting.length === 0 ? pick(units, n(1)) : pick(fitting, n(1)).id
  }
  const mediation = (leadUnit: string) => {
    if (!smart) return pick([undefined, ...config.mediationTypes.keys(), "ghost"], n(2))
    const d = config.departments.get(leadUnit)
    const nature = d === undefined ? undefined : config.departmentKinds.get(d.kind)?.nature
    const fits = [...config.mediationTypes.values()].filter((m) =>
      nature !== undefined && m.performedBy.includes(nature)
    )
    return fits.length === 0 || n(2) % 4 === 0 ? undefined : pick(fits, n(2)).id
  }
  const kinds = [...config.caseKinds.keys()]
  const categories = [...config.categories.keys()]
  const complexities = [...config.complexities.keys()]
  switch (tag) {
    case "Register":
      return {
        kind: smart ? pick(kinds, n(0)) : pick([kinds[0]!, "bogus"], n(0)),
        channel: pick([...config.channels.keys()], n(1)),
        place: smart ? pick(nodes.slice(0, -1), n(2)) : pick(nodes, n(2)),
        parties: n(3) % 2 === 0
          ? [{ _tag: "Person", role: "applicant", name: "张三", phone: "13812345678" }]
          : [
            { _tag: "Person", role: "applicant", name: "김영희", preferredLanguage: "ko" },
            { _tag: "Organisation", role: "respondent", name: "某物业公司" }
          ],
        description: "测试纠纷 🏠 ".repeat(1 + (Math.abs(n(4)) % 3)),
        ...(n(5) % 4 === 0 ? { amountAtStake: (Math.abs(n(5)) % 100_000) / 100 } : {}),
        ...(n(6) % 5 === 0 ? { category: pick(categories, n(6)) } : {})
      }
    case "Accept":
    case "StartHandling":
    case "Archive":
      return {}
    case "Reject":
      return { reason: "不属于受理范围", redirectTo: "人民法院" }
    case "Merge":
      return { into: `case-${Math.abs(n(0)) % 4}` }
    case "Assess":
      return {
        category: smart ? pick(categories, n(0)) : pick([categories[0]!, "x"], n(0)),
        complexity: pick(complexities, n(1)),
        ...(n(2) % 3 === 0 ? { risk: { level: pick([...config.riskLevels.keys()], n(3)) } } : {}),
        ...(n(4) % 4 === 0 ? { handlingNode: pick(nodes, n(5)) } : {})
      }
    case "Dispatch":
    case "Redispatch": {
      const leadUnit = unit()
      const mediationType = mediation(leadUnit)
      return {
        leadUnit,
        ...(mediationType !== undefined ? { mediationType } : {}),
        ...(n(3) % 3 === 0 ? { assistingUnits: [pick(units, n(4))] } : {}),
        ...(tag === "Redispatch" ? { reason: "改派" } : {})
      }
    }
    case "SendBack":
      return { reason: "不属于本单位职责" }
    case "RecordMediationSession":
      return {
        mediators: ["调解员"],
        result: pick(["progress", "progress", "agreement", "failed", "partyRefused"], n(0)),
        ...(n(1) % 5 === 0 ? { sessionId: "s-fixed" } : {})
      }
    case "ConveneConsultation":
      return { departments: [pick(units, n(0))] }
    case "SummonDepartment":
      return { department: pick(units, n(0)), reason: "吹哨", summonsId: `w${Math.abs(n(1)) % 3}` }
    case "RecordReport":
      return { summonsId: `w${Math.abs(n(0)) % 3}` }
    case "Escalate":
      return { to: pick(nodes, n(0)), reason: "上报" }
    case "ExtendDeadline":
      return {
        deadline: pick(["handling", "acceptance"], n(0)),
        amount: 1 + (Math.abs(n(1)) % 40),
        approver: "主任",
        reason: "延期"
      }
    case "RecordOutcome":
      return n(0) % 3 === 0
        ? {
          outcome: {
            _tag: "NotResolved",
            disposition: pick([...config.dispositions.keys(), "nope"], n(1)),
            note: "未化解"
          }
        }
        : { outcome: { _tag: "Resolved", agreement: { summary: "达成协议" } } }
    case "RequestJudicialConfirmation": {
      const courts = departments.filter((d) => config.departmentKinds.get(d.kind)?.nature === "court").map((d) => d.id)
      return { court: pick([...courts, ...courts, units[0]!], n(0)) }
    }
    case "GiveFeedback":
      return { rating: pick(["satisfied", "basicallySatisfied", "dissatisfied"], n(0)) }
    case "RecordFollowUp":
      return { result: pick(["stable", "stable", "rebound"], n(0)) }
    case "Withdraw":
      return { reason: "撤回" }
    case "Regrade":
      return { reason: "同一当事人再次来访" }
    case "RecomputeCaseDeadlines":
      return {}
    case "IssueSupervision":
      return {
        orderId: `o${Math.abs(n(0)) % 3}`,
        level: pick(["reminder", "warning", "order"], n(1)),
        dueAt: new Date(Date.parse("2025-03-01T00:00:00Z") + (Math.abs(n(2)) % 400) * 86_400_000).toISOString(),
        note: "督办"
      }
    case "AnswerSupervision":
      return { orderId: `o${Math.abs(n(0)) % 3}`, answer: "已办理" }
    default:
      // a command without a hand-tuned payload yet: a sample of its schema (from its command module)
      return sampled(tag, n(0))
  }
}

/** The fields every command carries, which the walk sets itself. */
const metaFields: ReadonlySet<string> = new Set([
  "_tag",
  "actor",
  "commandId",
  "at",
  "correlationId",
  "caseId",
  "expectedVersion"
])

/** A payload sampled from a command's schema, deterministic in the seed (empty when sampling fails). */
const sampled = (tag: Command.CommandName, seed: number): Record<string, unknown> => {
  try {
    const schema = Lifecycle.definitionOf(tag).command as Schema.Schema<any, any>
    const [value] = FastCheck.sample(Arbitrary.make(schema), { seed, numRuns: 1 })
    const encoded = Schema.encodeSync(schema)(value) as Record<string, unknown>
    return Object.fromEntries(Object.entries(encoded).filter(([k]) => !metaFields.has(k)))
  } catch {
    return {}
  }
}

/**
 * The concrete command of a step, or `undefined` when the step does nothing now (no case yet; the case can do
 * nothing). `current` is the reference state of the case the step picks: pass `caseOf(walk.caseIds[...])`.
 * Case ids are `case-0`, `case-1` …; command ids are `c-1`, `c-2` …; times advance from the walk's clock.
 *
 * @since 0.1.0
 * @category interpreters
 */
export const commandFor = (
  config: CenterConfig.Resolved,
  w: Walk,
  s: Step,
  caseOf: (caseId: string) => Case.Case | undefined
): Record<string, unknown> | undefined => {
  const actors = actorsFor(config)
  if (s.mode === "register" || w.caseIds.length === 0) {
    if (w.caseIds.length >= w.maxCases) return undefined
    const smart = s.r[5]! % 5 !== 0
    w.clock += 60_000 * (1 + (Math.abs(s.r[0] ?? 0) % 600))
    return {
      _tag: "Register",
      caseId: `case-${w.caseIds.length}`,
      commandId: `c-${++w.seq}`,
      actor: smart ? actors[0] : pick(actors, s.actor),
      at: new Date(w.clock).toISOString(),
      ...payload(config, "Register", undefined, s.r, smart)
    }
  }
  const caseId = pick(w.caseIds, s.which)
  const current = caseOf(caseId)
  const directed = s.mode === "forward" || s.mode === "enabled"
  let tag: Command.CommandName
  if (directed && current !== undefined) {
    const enabled = Lifecycle.enabledCommands(config, current, current.updatedAt)
    if (enabled.length === 0) return undefined
    const ahead = s.mode === "forward" ? forward[current.status]?.filter((x) => enabled.includes(x)) ?? [] : []
    tag = ahead.length > 0 ? pick(ahead, s.tag) : pick(enabled, s.tag)
  } else {
    tag = pick(Command.commandNames.filter((x) => x !== "Register"), s.tag)
  }
  w.clock += 60_000 * (1 + (Math.abs(s.r[0] ?? 0) % 3000))
  const at = s.mode === "backwards" && current !== undefined
    ? new Date(Date.parse(current.updatedAt) - 3_600_000).toISOString()
    : new Date(w.clock).toISOString()
  return {
    _tag: tag,
    caseId,
    commandId: `c-${++w.seq}`,
    actor: directed ? actors[0] : pick(actors, s.actor),
    at,
    ...payload(config, tag, current, s.r, directed)
  }
}
