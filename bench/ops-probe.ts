import { Center, MemoryStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as RuntimeFlagsPatch from "effect/RuntimeFlagsPatch"
import * as Supervisor from "effect/Supervisor"
import { replayer } from "./clock.js"
import { countyConfig, workload } from "./fixtures.js"

class Counter extends Supervisor.AbstractSupervisor<void> {
  ops = 0
  readonly byOp = new Map<string, number>()
  readonly bySite = new Map<string, number>()
  trace = process.env.TRACE === "1"
  get value() { return Effect.void }
  override onEffect<A, E>(_f: unknown, effect: Effect.Effect<A, E, unknown>) {
    this.ops++
    const op = (effect as any)._op ?? "?"
    this.byOp.set(op, (this.byOp.get(op) ?? 0) + 1)
    if (this.trace) {
      const e = effect as any
      const f = e.effect_instruction_i1 ?? e.effect_instruction_i0
      const desc = typeof f === "function" ? String(f).replace(/\s+/g, " ").slice(0, 110) : (e.constructor?.name ?? "") + " " + (e._tag ?? e.key ?? "")
      const k = op + " " + desc
      this.bySite.set(k, (this.bySite.get(k) ?? 0) + 1)
    }
  }
}
const inputs = workload(80).flat()
const center = await Effect.runPromise(Effect.provide(Center.make({ config: countyConfig }), MemoryStore.layer))
const c = new Counter()
await Effect.runPromise(replayer(inputs)(center).pipe(Effect.supervised(c), Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision))))
const per = (n: number) => Math.round(n / inputs.length * 10) / 10
console.log("per command", per(c.ops))
console.log(Object.fromEntries([...c.byOp].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, per(v)])))
for (const [k, v] of [...c.bySite].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(per(v), k)
