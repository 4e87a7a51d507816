/**
 * Benchmark "scale": what one case costs as it grows, and what importing one long case costs (issue 26 §3).
 *
 * - Appending one command (a mediation session) to a case of 1 000 and of 10 000 events, on the memory store and
 *   on a SQLite file. The case is imported once, untimed; each sample appends 5 commands to it. A command's cost
 *   still grows with the case's *snapshot* (it holds every session: the snapshot of a 10 000-event case is about
 *   1.5 MB, written as JSON on SQLite, frozen on memory, and the returned case is masked), never with its history:
 *   no event is read. `limits.eventsPerCase` bounds it.
 * - Importing one case of 10 000 events (`importCases`), into a fresh centre each sample.
 */
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { Center, MemoryStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { actors, countyConfig } from "./fixtures.js"
import type { AnyCase, Benchmark } from "./harness.js"
import { countingIds, removeSqlite, type SqliteCenter, sqliteFiles } from "./storage.js"

const SHORT = 1000
const LONG = 10_000
const APPENDS = 5
/** Room for the samples' appends beyond the long case. */
const limits = { eventsPerCase: LONG + 1000 }
const options: Center.Options = { config: countyConfig, limits }

/** A case of `length` commands (one event each): registered, dispatched, handled, then mediation sessions. */
export const longCase = (caseId: string, length: number): ReadonlyArray<unknown> => {
  let t = Date.parse("2025-01-06T09:00:00+08:00")
  const at = () => new Date(t += 60_000).toISOString()
  const on = { caseId }
  const commands: Array<unknown> = [
    {
      _tag: "Register",
      caseId,
      actor: actors.villageStaff,
      at: at(),
      kind: "dispute",
      channel: "walkIn",
      place: "222403100201",
      parties: [{ _tag: "Person", role: "applicant", name: "张三" }, {
        _tag: "Person",
        role: "respondent",
        name: "李四"
      }],
      description: "邻里纠纷",
      category: "neighbourhood"
    },
    { _tag: "Accept", ...on, actor: actors.villageStaff, at: at() },
    { _tag: "Assess", ...on, actor: actors.villageStaff, at: at(), category: "neighbourhood", complexity: "general" },
    {
      _tag: "Dispatch",
      ...on,
      actor: actors.villageStaff,
      at: at(),
      leadUnit: "dstMediation",
      mediationType: "people"
    },
    { _tag: "StartHandling", ...on, actor: actors.villageMediator, at: at() }
  ]
  while (commands.length < length) {
    commands.push({
      _tag: "RecordMediationSession",
      ...on,
      actor: actors.villageMediator,
      at: at(),
      mediators: ["王调解员"],
      result: "progress"
    })
  }
  return commands
}

const session = (caseId: string) => ({
  _tag: "RecordMediationSession",
  caseId,
  actor: actors.villageMediator,
  mediators: ["王调解员"],
  result: "progress"
})

const memoryCenter = () =>
  Effect.runPromise(Effect.provide(Center.make(options), Layer.merge(MemoryStore.layer, countingIds())))

const importOne = (center: Center.Center, caseId: string, length: number) =>
  Effect.runPromise(center.importCases({ cases: [{ commands: longCase(caseId, length) }] }))

const appendCase = (name: string, center: () => Center.Center, caseId: string): AnyCase => ({
  name,
  note: `${APPENDS} × execute(RecordMediationSession) on one case`,
  run: async () => {
    for (let i = 0; i < APPENDS; i++) await Effect.runPromise(center().execute(session(caseId)))
    return APPENDS
  }
})

export const make = async (): Promise<Benchmark> => {
  const files = await sqliteFiles()
  const memory = await memoryCenter()
  await importOne(memory, "short", SHORT)
  await importOne(memory, "long", LONG)
  // a SQLite centre with the bench's limits (storage's openSqliteCenter makes one with the defaults)
  const openSqlite = async (filename: string): Promise<SqliteCenter> => {
    const runtime = ManagedRuntime.make(
      Center.layer(options).pipe(Layer.provide(Layer.merge(SqliteStore.layer({ filename }), countingIds())))
    )
    return { center: await runtime.runPromise(Center.Center), filename, dispose: () => runtime.dispose() }
  }
  const onSqlite = await openSqlite(files.fresh())
  await importOne(onSqlite.center, "short", SHORT)
  await importOne(onSqlite.center, "long", LONG)
  const cases: Array<AnyCase> = [
    appendCase(`append at ${SHORT} events (memory)`, () => memory, "short"),
    appendCase(`append at ${LONG} events (memory)`, () => memory, "long"),
    appendCase(`append at ${SHORT} events (SQLite)`, () => onSqlite.center, "short"),
    appendCase(`append at ${LONG} events (SQLite)`, () => onSqlite.center, "long"),
    {
      name: `import one case of ${LONG} events (memory)`,
      note: "importCases({ cases: [one case] }) into a fresh memory centre",
      setup: memoryCenter,
      run: async (center: Center.Center) => {
        await importOne(center, "imported", LONG)
        return LONG
      }
    },
    {
      name: `import one case of ${LONG} events (SQLite)`,
      note: "importCases({ cases: [one case] }) into a fresh SQLite file",
      setup: () => openSqlite(files.fresh()),
      run: async ({ center }: SqliteCenter) => {
        await importOne(center, "imported", LONG)
        return LONG
      },
      teardown: async ({ dispose, filename }: SqliteCenter) => {
        await dispose()
        removeSqlite(filename)
      }
    }
  ]
  return {
    name: "scale",
    description: "one command on a case of 1 000 vs 10 000 events, and importing one case of 10 000 events",
    unit: "events",
    cases,
    ratios: [
      {
        name: "append 10 000 / 1 000 (memory)",
        numerator: `append at ${LONG} events (memory)`,
        denominator: `append at ${SHORT} events (memory)`
      },
      {
        name: "append 10 000 / 1 000 (SQLite)",
        numerator: `append at ${LONG} events (SQLite)`,
        denominator: `append at ${SHORT} events (SQLite)`
      }
    ],
    workload: { short: SHORT, long: LONG, appendsPerSample: APPENDS, limits },
    defaults: { samples: 7, warmup: 1 },
    dispose: async () => {
      await onSqlite.dispose()
      files.removeAll()
    }
  }
}
