import { Center, MemoryStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as RuntimeFlagsPatch from "effect/RuntimeFlagsPatch"
import * as Supervisor from "effect/Supervisor"
import { replayer } from "./clock.js"
import { countyConfig, workload } from "./fixtures.js"

class Counter extends Supervisor.AbstractSupervisor<void> {
  log: Array<string> = []
  get value() { return Effect.void }
  override onEffect<A, E>(_f: unknown, effect: Effect.Effect<A, E, unknown>) {
    const e = effect as any
    const f = e.effect_instruction_i1 ?? e.effect_instruction_i0
    const desc = typeof f === "function" ? String(f).replace(/\s+/g, " ").slice(0, 120) : (e.constructor?.name ?? "") + " " + (typeof f === "object" && f !== null ? Object.keys(f).slice(0,4).join(",") : String(f).slice(0,40))
    this.log.push(e._op + " " + desc)
  }
}
const inputs = workload(1).flat()
const center = await Effect.runPromise(Effect.provide(Center.make({ config: countyConfig }), MemoryStore.layer))
const warm = inputs.slice(0, 2)
await Effect.runPromise(replayer(warm)(center))
const c = new Counter()
const one = inputs.slice(2, 3)
console.log((one[0] as any)._tag)
await Effect.runPromise(replayer(one)(center).pipe(Effect.supervised(c), Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision))))
console.log(c.log.length)
c.log.forEach((l, i) => console.log(i, l))
