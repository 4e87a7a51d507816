/**
 * `pnpm --filter @fengqiao/example-http-api start`: the service on the sample county centre (敦化市), on
 * `PORT` (3000 by default) of 127.0.0.1, run by `NodeRuntime.runMain` (SIGINT / SIGTERM stop it and release the
 * centre).
 *
 * @since 0.1.0
 */
import { HttpServer } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Examples } from "@fengqiao/core"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { layer } from "./Server.js"

const port = Number(process.env.PORT ?? 3000)

Effect.gen(function*() {
  const url = yield* HttpServer.addressFormattedWith(Effect.succeed)
  yield* Console.log(`Fengqiao example service on ${url} (OpenAPI: ${url}/openapi.json)`)
  return yield* Effect.never
}).pipe(
  Effect.provide(layer({ config: Examples.countyConfig, port })),
  NodeRuntime.runMain
)
