/**
 * Importing historical cases (存量案件导入): each case's commands decided in order, as `execute` would, then written
 * with their codes reserved per year, in batches.
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Case } from "../../Case.js"
import type * as CaseStore from "../../CaseStore.js"
import type { Command } from "../../Command.js"
import { CaseLimitExceeded, ImportRefused, type PluginFailed, StoreError, type VersionConflict } from "../../Errors.js"
import type { Envelope } from "../../Event.js"
import * as Lifecycle from "../../Lifecycle.js"
import * as Privacy from "../../Privacy.js"
import * as Summary from "../../Summary.js"
import { civilDateOf } from "../dates.js"
import { invalidInput } from "../parse.js"
import { latestAccepted } from "../trustedTime.js"
import type { CenterContext, ImportInput, ImportResult } from "./context.js"
import { decodeCommand, staleVersion } from "./execute.js"

/**
 * Hands the event loop back (a macrotask, whatever the fiber's clock): timers, I/O and other requests run before
 * the import goes on. `Effect.yieldNow` alone lets other fibers run but, in a microtask, not the event loop.
 */
const letTheLoopRun: Effect.Effect<void> = Effect.async<void>((resume) => {
  const again = () => resume(Effect.void)
  if (typeof globalThis.setImmediate === "function") {
    const handle = globalThis.setImmediate(again)
    return Effect.sync(() => globalThis.clearImmediate(handle))
  }
  const handle = setTimeout(again, 0)
  return Effect.sync(() => clearTimeout(handle))
})

/** How long an import works before it lets the event loop run (between commands and between batches). */
const sliceMs = 10

/**
 * `importCases` of a centre: historical cases (存量案件) read, checked and decided in full first, then written in
 * batches, each in one transaction.
 * @internal
 */
export const importCases = (ctx: CenterContext) => {
  const { centre, config, host, ids, limits, policy, store } = ctx
  return (
    input: ImportInput
  ): Effect.Effect<ImportResult, ImportRefused | PluginFailed | StoreError | VersionConflict> =>
    Effect.gen(function*() {
      const refuse = (
        caseIndex: number,
        commandIndex: number,
        e: { readonly _tag: string; readonly message: string }
      ) => new ImportRefused({ caseIndex, commandIndex, error: e._tag, detail: Privacy.maskText(e.message) })
      // the input read once, into arrays of its own: a getter or Proxy that throws is bad input named by where it
      // threw, never a crash (each command is read again, field by field, by its decoder)
      const cases: Array<ReadonlyArray<unknown>> = []
      let batchSizeGiven: unknown
      let reading = "cases"
      try {
        const list = typeof input === "object" && input !== null ? input.cases : undefined
        if (!Array.isArray(list)) return yield* refuse(-1, -1, invalidInput("cases", "an array of { commands }"))
        for (let i = 0; i < list.length; i++) {
          reading = `cases.${i}`
          const item: unknown = list[i]
          reading = `cases.${i}.commands`
          const commands = typeof item === "object" && item !== null
            ? (item as { readonly commands?: unknown }).commands
            : undefined
          cases.push(Array.isArray(commands) ? Array.from(commands) : [])
        }
        reading = "batchSize"
        batchSizeGiven = input.batchSize
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e)
        return yield* refuse(-1, -1, invalidInput(reading, `plain data (reading it threw: ${why.slice(0, 200)})`))
      }
      // the limits first, before anything is decoded or decided
      let total = 0
      for (const [i, commands] of cases.entries()) {
        total += commands.length
        // every command records at least one event
        if (commands.length > limits.eventsPerCase) {
          return yield* refuse(
            i,
            limits.eventsPerCase,
            new CaseLimitExceeded({ limit: "eventsPerCase", max: limits.eventsPerCase, actual: commands.length })
          )
        }
      }
      if (total > limits.commandsPerImport) {
        return yield* refuse(
          -1,
          -1,
          new CaseLimitExceeded({ limit: "commandsPerImport", max: limits.commandsPerImport, actual: total })
        )
      }
      // one import never holds the event loop for long: it lets it run every `sliceMs`
      let slice = performance.now()
      const breathe = Effect.suspend(() => {
        if (performance.now() - slice < sliceMs) return Effect.void
        return Effect.map(letTheLoopRun, () => {
          slice = performance.now()
        })
      })
      const batchSize = batchSizeGiven ?? 1000
      if (typeof batchSize !== "number" || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
        return yield* refuse(-1, -1, invalidInput("batchSize", "an integer from 1 to 100000"))
      }
      // the case ids the import names (new cases' own, merge targets), looked up at once where the store can
      const named = new Set<string>()
      for (const commands of cases) {
        for (const raw of commands) {
          if (typeof raw !== "object" || raw === null) continue
          const r = raw as { readonly _tag?: unknown; readonly caseId?: unknown; readonly into?: unknown }
          if (r._tag === "Register" && typeof r.caseId === "string") named.add(r.caseId)
          if (r._tag === "Merge" && typeof r.into === "string") named.add(r.into)
        }
      }
      const stored = new Map<string, Case>()
      let prefetched = false
      if (store.loadMany !== undefined && named.size > 0) {
        const found = yield* Effect.either(store.loadMany(centre, [...named]))
        if (Either.isRight(found)) {
          for (const c of found.right) stored.set(c.id, c)
          prefetched = true
        } else if (found.left._tag === "StoreError") return yield* found.left
        // a corrupt row: every id is loaded on its own below, refusing the import at the command naming it
      }
      // a snapshot that cannot be read refuses the import at that command (it is never a crash)
      const loadFor = (i: number, j: number, caseId: string) =>
        prefetched && named.has(caseId)
          ? Effect.succeed(Option.fromNullable(stored.get(caseId)))
          : store.load(centre, caseId).pipe(Effect.catchTag("CorruptRecord", (e) => Effect.fail(refuse(i, j, e))))
      const nowMs = yield* Clock.currentTimeMillis
      const now = new Date(nowMs).toISOString()
      const importLatest = latestAccepted(config, nowMs)
      const prepared: Array<
        { readonly request: CaseStore.AppendRequest; readonly year: number; readonly last: Command }
      > = []
      const known = new Map<string, Case>()
      for (const [i, commands] of cases.entries()) {
        let state: Case | undefined
        const envelopes: Array<Envelope> = []
        let caseId = ""
        let year = 0
        let last: Command | undefined
        for (const [j, raw] of commands.entries()) {
          yield* breathe
          const decoded = decodeCommand(raw, `cases.${i}.commands.${j}`)
          if (Either.isLeft(decoded)) return yield* refuse(i, j, decoded.left)
          const command = decoded.right
          last = command
          if ((j === 0) !== (command._tag === "Register")) {
            return yield* refuse(
              i,
              j,
              invalidInput(`cases.${i}.commands.${j}._tag`, j === 0 ? "Register first" : "not Register again")
            )
          }
          if (command._tag !== "Register" && "caseId" in command && command.caseId !== caseId) {
            // every later command belongs to the case being imported
            return yield* refuse(
              i,
              j,
              invalidInput(`cases.${i}.commands.${j}.caseId`, `the case being imported (${caseId})`)
            )
          }
          // as for execute: a node the tree does not have is bad input naming its field, before the policy
          const unknownNode = Lifecycle.unknownNode(config, command)
          if (unknownNode !== undefined) {
            return yield* refuse(
              i,
              j,
              invalidInput(`cases.${i}.commands.${j}.${unknownNode.field}`, unknownNode.expected)
            )
          }
          const denied = policy.authorizeCommand(config, command.actor, command._tag, state, command)
          if (denied !== undefined) return yield* refuse(i, j, denied)
          if (command._tag === "Register") {
            // only once the actor may register here: whether an id is taken is not told to anyone else
            caseId = command.caseId ?? (yield* ids.next)
            const exists = known.has(caseId) ||
              (command.caseId !== undefined && Option.isSome(yield* loadFor(i, j, caseId)))
            if (exists) {
              return yield* refuse(
                i,
                j,
                // the same answer whoever's case holds the id: nothing about that case is told
                invalidInput(`cases.${i}.commands.0.caseId`, "a case id not in use")
              )
            }
          }
          const stale = staleVersion(command, caseId, state)
          if (stale !== undefined) return yield* refuse(i, j, stale)
          const pluginCheck = yield* Effect.either(host.guards(command, state))
          if (Either.isLeft(pluginCheck)) return yield* refuse(i, j, pluginCheck.left)
          const commandId = command.commandId ?? (yield* ids.next)
          const at = command.at ?? (state === undefined || now >= state.updatedAt ? now : state.updatedAt)
          // history is of the past: nothing is imported ahead of the centre's clock (its window's allowance)
          if (at > importLatest) {
            return yield* refuse(
              i,
              j,
              invalidInput(`cases.${i}.commands.${j}.at`, `a time not after ${importLatest} (the centre's clock)`)
            )
          }
          if (command._tag === "Register") year = Number(civilDateOf(at, config.utcOffsetMinutes).slice(0, 4))
          const found = command._tag === "Merge"
            ? known.get(command.into) ?? Option.getOrUndefined(yield* loadFor(i, j, command.into))
            : undefined
          // as for execute: a target the actor may not read is one that does not exist (the guard says it was not
          // found)
          const mergeTarget = found !== undefined && policy.authorizeRead(config, command.actor, found) === undefined
            ? found
            : undefined
          // the code is patched in once the year's numbers are reserved
          // decided at its own time (no `now`), recorded as history entered now: timeliness can tell it apart
          const stepped = Lifecycle.step(state, command, {
            config,
            caseId,
            commandId,
            at,
            code: "",
            mergeTarget,
            centre,
            correlationId: command.correlationId ?? commandId,
            enteredLate: true,
            recordedAt: now
          })
          if (Either.isLeft(stepped)) return yield* refuse(i, j, stepped.left)
          if (stepped.right.state.version > limits.eventsPerCase) {
            return yield* refuse(
              i,
              j,
              new CaseLimitExceeded({
                limit: "eventsPerCase",
                max: limits.eventsPerCase,
                actual: stepped.right.state.version,
                caseId
              })
            )
          }
          envelopes.push(...stepped.right.events)
          state = stepped.right.state
        }
        if (state === undefined) {
          return yield* refuse(i, 0, invalidInput(`cases.${i}.commands`, "at least a Register command"))
        }
        known.set(caseId, state)
        prepared.push({
          year,
          last: last!,
          request: {
            centre,
            caseId,
            expectedVersion: 0,
            commandId: `import:${caseId}`,
            events: envelopes,
            snapshot: state,
            summary: Summary.ofCase(config, state)
          }
        })
      }
      const imported: Array<{ caseId: string; code: string; version: number }> = []
      for (let start = 0; start < prepared.length; start += batchSize) {
        // between batches (outside their transactions), the event loop runs
        yield* breathe
        const chunk = prepared.slice(start, start + batchSize)
        yield* store.withTransaction(Effect.gen(function*() {
          const counts = new Map<number, number>()
          for (const p of chunk) {
            counts.set(p.year, (counts.get(p.year) ?? 0) + 1)
          }
          const next = new Map<number, number>()
          // the years in order: two imports reserving the same years lock their counters in the same order
          // (in the order met, one importing 2024 then 2025 and another 2025 then 2024 deadlocked on PostgreSQL)
          for (const [year, count] of [...counts].sort(([a], [b]) => a - b)) {
            next.set(year, yield* store.nextSequence(centre, `caseCode:${year}`, count))
          }
          const requests: Array<CaseStore.AppendRequest> = []
          for (const [k, { last, request, year }] of chunk.entries()) {
            const seq = next.get(year)!
            next.set(year, seq + 1)
            const code = config.formatCode(year, seq)
            const [first, ...rest] = request.events
            const registered = first!.event._tag === "Registered"
              ? { ...first!, event: { ...first!.event, code } }
              : first!
            // plugins see each imported case once, with its whole history (graders, projections, onEvents)
            // a plugin failing on a case refuses the import there, naming the case (its batch is not written)
            const final = yield* host.inline(last, undefined, [registered, ...rest], { ...request.snapshot, code })
              .pipe(Effect.catchTag("PluginFailed", (e) =>
                Effect.fail(refuse(start + k, -1, {
                  _tag: e._tag,
                  message: e.message +
                    (start === 0 ? "; nothing was imported" : `; the cases before index ${start} were imported`)
                }))))
            imported.push({ caseId: request.caseId, code, version: final.case.version })
            requests.push({
              ...request,
              snapshot: final.case,
              summary: Summary.ofCase(config, final.case),
              events: final.envelopes
            })
          }
          yield* store.appendBatch(requests).pipe(
            Effect.catchTag(
              "DuplicateCommand",
              (e) =>
                Effect.fail(new StoreError({ operation: "importCases", reason: `${e.commandId} was imported before` }))
            )
          )
        }))
      }
      return { imported }
    })
}
