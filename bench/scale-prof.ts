import { Center, MemoryStore } from "@fengqiao/core"
import { Session } from "node:inspector/promises"
import { writeFileSync } from "node:fs"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { actors } from "./fixtures.js"
import { centerOptions, countingIds, openSqliteCenter } from "./storage.js"

const longCase = (caseId: string, n: number) => {
  let t = Date.parse("2025-01-06T09:00:00+08:00")
  const next = () => new Date(t += 60_000).toISOString()
  const on = { caseId }
  const cmds: Array<unknown> = [
    { _tag: "Register", caseId, actor: actors.villageStaff, at: next(), kind: "dispute", channel: "walkIn",
      place: "222403100201", parties: [{ _tag: "Person", role: "applicant", name: "张三" }, { _tag: "Person", role: "respondent", name: "李四" }], description: "邻里纠纷", category: "neighbourhood" },
    { _tag: "Accept", ...on, actor: actors.villageStaff, at: next() },
    { _tag: "Assess", ...on, actor: actors.villageStaff, at: next(), category: "neighbourhood", complexity: "general" },
    { _tag: "Dispatch", ...on, actor: actors.villageStaff, at: next(), leadUnit: "dstMediation", mediationType: "people" },
    { _tag: "StartHandling", ...on, actor: actors.villageMediator, at: next() }
  ]
  while (cmds.length < n) {
    cmds.push({ _tag: "RecordMediationSession", ...on, actor: actors.villageMediator, at: next(), mediators: ["王调解员"], result: "progress" })
  }
  return cmds
}

const run = async (center: Center.Center, n: number, label: string) => {
  const id = `long-${n}`
  let t0 = performance.now()
  await Effect.runPromise(center.importCases({ cases: [{ commands: longCase(id, n) }] }))
  const imp = performance.now() - t0
  const ses = new Session(); ses.connect(); await ses.post("Profiler.enable"); await ses.post("Profiler.start")
  const times: Array<number> = []
  for (let i = 0; i < 60; i++) {
    t0 = performance.now()
    await Effect.runPromise(center.execute({ _tag: "RecordMediationSession", caseId: id, actor: actors.villageMediator, mediators: ["王调解员"], result: "progress" }))
    times.push(performance.now() - t0)
  }
  const { profile } = await ses.post("Profiler.stop") as any; writeFileSync("/tmp/scale/app.cpuprofile", JSON.stringify(profile))
  times.sort((a, b) => a - b)
  t0 = performance.now()
  const g = await Effect.runPromise(center.get({ caseId: id, actor: actors.villageMediator }))
  const get = performance.now() - t0
  t0 = performance.now()
  const h = await Effect.runPromise(center.history({ caseId: id, actor: actors.villageMediator }))
  const hist = performance.now() - t0
  console.log(`${label} N=${n}: import ${imp.toFixed(0)} ms, append median ${times[30]!.toFixed(2)} ms, get ${get.toFixed(2)} ms (v${g.version}), history ${hist.toFixed(0)} ms (${h.length}), snapshot ${JSON.stringify(g).length} B`)
}

const ns = process.argv.slice(2).map(Number)
for (const n of ns.length ? ns : [1000, 10000]) {
  const mem = await Effect.runPromise(Effect.provide(Center.make(centerOptions), Layer.merge(MemoryStore.layer, countingIds())))
  await run(mem, n, "memory")
  continue
}
