/**
 * `pnpm --filter @fengqiao/example-http-api start`: the service on the sample county centre (敦化市), on
 * `PORT` (3000 by default).
 *
 * @since 0.1.0
 */
import { Examples } from "@fengqiao/core"
import { listen } from "./Server.js"

const port = Number(process.env.PORT ?? 3000)
listen({ config: Examples.countyConfig, port }).then(
  (s) => {
    console.log(`Fengqiao example service on ${s.url} (OpenAPI: ${s.url}/openapi.json)`)
    const stop = () => void s.close().then(() => process.exit(0))
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
  },
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  }
)
