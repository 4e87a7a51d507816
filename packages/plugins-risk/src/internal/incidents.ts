/**
 * The incident index (重复来访): the cases of a person, phone or address under `i/<kind>/<fingerprint>` in the
 * plugin's state — kept on registration, unlinked by the retention rule and by `pruneIncidents` — the rule-based
 * grader that reads it, and the re-grading of related open cases after a new incident.
 * @internal
 */
import type { Actor, Case, CaseStore, Errors, Grading, Plugin } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { createHash } from "node:crypto"
import * as Rules from "../Rules.js"
import type { RiskConfig } from "./config.js"

const sha256 = (kind: string, value: string) => createHash("sha256").update(`${kind}:${value}`).digest("hex")

/**
 * The incident keys of a case: its people's ID numbers and phones, addresses, organisations' codes, each as
 * `i/<kind>/<hash>`. `hash` is the centre's look-up hash (`ctx.lookupHash`: an HMAC when party data is encrypted
 * at rest); by default plain SHA-256, as the centre uses without encryption.
 */
export const incidentKeys = (
  c: Case.Case,
  hash: (kind: string, value: string) => string = sha256
): ReadonlyArray<string> => {
  const fingerprint = (kind: string, value: string) => `i/${kind}/${hash(kind, value).slice(0, 32)}`
  const keys = new Set<string>()
  for (const p of c.parties) {
    if (p._tag === "Person" && p.idNumber !== undefined) keys.add(fingerprint("id", p.idNumber))
    if (p._tag === "Organisation" && p.creditCode !== undefined) keys.add(fingerprint("org", p.creditCode))
    if (p.phone !== undefined) keys.add(fingerprint("phone", p.phone))
    if (p.address !== undefined && p.address.trim().length >= 6) {
      keys.add(fingerprint("addr", p.address.replace(/[\s\u3000,，.。]+/g, "")))
    }
  }
  return [...keys]
}

const KEEP = 50

/**
 * The command id of the re-grade of case `caseId` after the registration of the related case `incidentId`; a
 * digest of the two when they would make it longer than an id may be (128 characters).
 */
const regradeCommandId = (caseId: string, incidentId: string) => {
  const id = `risk:regrade:${caseId}:${incidentId}`
  return id.length <= 128
    ? id
    : `risk:regrade:${createHash("sha256").update(`${caseId}:${incidentId}`).digest("hex")}`
}

const asIncidents = (
  value: unknown
): ReadonlyArray<Rules.Incident> => (Array.isArray(value) ? (value as Array<Rules.Incident>) : [])

/**
 * The projection that links a registered case to its people's, phones' and addresses' incidents.
 * @internal
 */
export const linkIncidents = (
  ctx: Plugin.EventsContext<RiskConfig>
): Effect.Effect<void, CaseStore.StateConflict | Errors.StoreError> =>
  Effect.forEach(incidentKeys(ctx.case, ctx.lookupHash), (key) =>
    ctx.state.update(key, (current) => {
      const list = asIncidents(current).filter((i) => i.caseId !== ctx.case.id)
      return [...list, { caseId: ctx.case.id, at: ctx.case.registeredAt, channel: ctx.case.channel }].slice(-KEEP)
    }), { discard: true })

/**
 * The retention rule took the case's people away: its links in the incident index go with them.
 * @internal
 */
export const unlinkIncidents = (
  ctx: Plugin.RetentionContext<RiskConfig>
): Effect.Effect<void, CaseStore.StateConflict | Errors.StoreError> => {
  const kept = new Set(incidentKeys(ctx.case, ctx.lookupHash))
  return Effect.forEach(
    incidentKeys(ctx.before, ctx.lookupHash).filter((key) => !kept.has(key)),
    (key) =>
      ctx.state.update(key, (current) => {
        const list = asIncidents(current).filter((i) => i.caseId !== ctx.before.id)
        return list.length > 0 ? list : undefined
      }),
    { discard: true }
  )
}

/**
 * The rule-based grader (`risk/rules`): the rules over the case and the incidents of its people, phones and
 * addresses.
 * @internal
 */
export const rulesGrader: Grading.Grader<RiskConfig> = {
  id: "rules",
  triggers: [
    "Registered",
    "RegradeRequested",
    "Assessed",
    "Dispatched",
    "Redispatched",
    "MediationSessionRecorded",
    "ConsultationConvened",
    "DepartmentSummoned",
    "Reopened",
    "FollowUpRecorded"
  ],
  grade: (ctx) =>
    Effect.map(ctx.state.getMany(incidentKeys(ctx.case, ctx.lookupHash)), (entries) => {
      const incidents = entries.flatMap((e) => asIncidents(e.value))
      const last = ctx.events[ctx.events.length - 1]
      const at = last?.at ?? ctx.case.updatedAt
      // a re-grade this plugin asked for after a new incident looks back from that incident's time (the re-grade
      // may be recorded later), but never from before the case's own last event: an incident entered late with
      // an earlier time (a backlog) must not move the window into the past, where it would count cases long
      // before this one
      const incident = last === undefined
        ? undefined
        : incidents.find((i) => last.commandId === regradeCommandId(ctx.case.id, i.caseId))
      const own = ctx.before?.updatedAt
      const from = incident === undefined || incident.at >= at
        ? at
        : own !== undefined && Date.parse(own) > Date.parse(incident.at)
        ? own
        : incident.at
      return Rules.grade(ctx.config.rules, ctx.case, incidents, from)
    })
}

/**
 * A new incident raises the repeat factor of the same people's other open cases: they are graded again (as the
 * plugin's system actor), at the new incident's time where they accept it.
 * @internal
 */
export const regradeRelated = (
  ctx: Plugin.AfterCommitContext<RiskConfig>,
  system: Actor.Actor
): Effect.Effect<void, Errors.StoreError> =>
  Effect.gen(function*() {
    const c = ctx.case
    // a new incident raises the repeat factor of the same people's other open cases: grade them again
    if (ctx.events.some((e) => e.event._tag === "Registered")) {
      const entries = yield* ctx.state.getMany(incidentKeys(c, ctx.lookupHash))
      // the cases whose window can hold this one: registered within the window's length either side of it
      const near = Rules.withinRepeatWindow(ctx.config.rules, c.registeredAt)
      const related = new Set(
        entries.flatMap((e) => asIncidents(e.value)).filter((i) => i.caseId !== c.id && near(i.at)).map((i) => i.caseId)
      )
      for (const other of related) {
        const regrade = (at: string | undefined) =>
          ctx.execute({
            _tag: "Regrade",
            actor: system,
            caseId: other,
            reason: `相关案件 ${c.code} 登记`,
            commandId: regradeCommandId(other, c.id),
            ...(at === undefined ? {} : { at })
          })
        // at the new incident's time, not the wall clock, so that the repeat window looks back from it; a case
        // with later events refuses that time and is re-graded at its own (the grader still looks back from the
        // incident). Closed cases refuse it (CommandNotAllowed): nothing to grade there
        yield* Effect.ignore(
          regrade(c.registeredAt).pipe(
            Effect.catchIf(
              (e) => (e as { readonly guard?: unknown })?.guard === "timeMovesForward",
              () => regrade(undefined)
            )
          )
        )
      }
    }
  })

/**
 * Removes from the incident index the links to cases that no longer name that person, phone or address.
 * @internal
 */
export const pruneLinks = (ctx: Plugin.ApiContext<RiskConfig>) =>
  Effect.gen(function*() {
    const keysOf = new Map<string, ReadonlySet<string>>()
    const linksOf = (caseId: string) =>
      Effect.map(ctx.load(caseId), (c) => {
        const keys = new Set(c === undefined ? [] : incidentKeys(c as Case.Case, ctx.lookupHash))
        keysOf.set(caseId, keys)
        return keys
      })
    let scanned = 0
    let removed = 0
    let after: string | undefined
    for (;;) {
      const page = yield* ctx.state.scan("i/", { after, limit: 500 })
      for (const entry of page) {
        scanned++
        let current: typeof entry | undefined = entry
        // a registration may update the entry meanwhile: read it again and retry
        for (let attempt = 0; current !== undefined && attempt < 5; attempt++) {
          const incidents = asIncidents(current.value)
          const kept: Array<Rules.Incident> = []
          for (const i of incidents) {
            const keys = keysOf.get(i.caseId) ?? (yield* linksOf(i.caseId))
            if (keys.has(current.key)) kept.push(i)
          }
          if (kept.length === incidents.length) break
          const written = yield* Effect.either(
            ctx.state.put(current.key, current.version, kept.length > 0 ? kept : undefined)
          )
          if (Either.isRight(written)) {
            removed += incidents.length - kept.length
            break
          }
          if (written.left._tag !== "StateConflict") return yield* written.left
          current = yield* ctx.state.get(current.key)
        }
      }
      if (page.length < 500) break
      after = page[page.length - 1]!.key
    }
    return { scanned, removed }
  })
