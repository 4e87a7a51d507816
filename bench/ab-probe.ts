import { Center, Command, MemoryStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { decodeInput } from "../packages/core/src/internal/parse.js"
import { replayer } from "./clock.js"
import { countyConfig, workload } from "./fixtures.js"
const inputs = workload(400).flat()
const decode = decodeInput(Command.Command)
const replay = replayer(inputs)
const timeDecode = () => { const t = performance.now(); for (const i of inputs) if (Either.isLeft(decode(i))) throw 1; return (performance.now() - t) / inputs.length * 1000 }
const timeCenter = async () => { const c = await Effect.runPromise(Effect.provide(Center.make({ config: countyConfig }), MemoryStore.layer)); const t = performance.now(); await Effect.runPromise(replay(c)); return (performance.now() - t) / inputs.length * 1000 }
for (let r = 0; r < 6; r++) console.log("decode µs", timeDecode().toFixed(1), "center µs", (await timeCenter()).toFixed(1))
