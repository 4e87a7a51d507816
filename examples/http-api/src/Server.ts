/**
 * The service: HttpApi handlers over the `Center` service, turned into a web handler and served by `node:http`.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, type HttpApiGroup, HttpServer } from "@effect/platform"
import { type Actor, type Case, Center, type CenterClient, type CenterConfig, MemoryStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { type ActorHeaders, FengqiaoApi } from "./Api.js"

/**
 * The actor of a request, from its headers. The centre validates it (ids, roles, jurisdiction) with the rest of
 * the command and answers `InvalidInput` naming `actor.…` when it is malformed.
 *
 * @since 0.1.0
 * @category utils
 */
export const actorOf = (h: ActorHeaders): Actor.Actor => ({
  id: h["x-actor-id"],
  roles: h["x-actor-roles"].split(",").map((r) => r.trim()).filter((r) => r.length > 0),
  jurisdiction: h["x-actor-jurisdiction"],
  ...(h["x-actor-department"] !== undefined ? { department: h["x-actor-department"] } : {})
})

const respond = (r: Center.CommandResult) => ({
  caseId: r.caseId,
  code: r.code,
  version: r.version,
  duplicate: r.duplicate,
  case: r.case,
  events: r.events
})

/**
 * The handlers of the cases group.
 *
 * @since 0.1.0
 * @category layers
 */
export const CasesLive: Layer.Layer<HttpApiGroup.ApiGroup<"fengqiao", "cases">, never, Center.Center> = HttpApiBuilder
  .group(FengqiaoApi, "cases", (handlers) =>
    Effect.gen(function*() {
      const center = yield* Center.Center
      return handlers
        .handle("register", ({ headers, payload }) =>
          Effect.map(center.execute({ ...payload, _tag: "Register", actor: actorOf(headers) }), respond))
        .handle("execute", ({ headers, path, payload }) =>
          Effect.map(center.execute({ ...payload, actor: actorOf(headers), caseId: path.caseId }), respond))
        .handle("list", ({ headers, urlParams: p }) =>
          center.list({
            actor: actorOf(headers),
            filter: {
              ...(p.status !== undefined ? { status: p.status.split(",") as Array<Case.Status> } : {}),
              ...(p.open !== undefined ? { open: p.open === "true" } : {}),
              ...(p.overdue !== undefined ? { overdue: p.overdue === "true" } : {})
            },
            ...(p.limit !== undefined ? { limit: p.limit } : {}),
            ...(p.cursor !== undefined ? { cursor: p.cursor } : {}),
            ...(p.order !== undefined ? { order: p.order } : {})
          }))
        .handle("get", ({ headers, path }) =>
          center.get({ actor: actorOf(headers), caseId: path.caseId }))
        .handle("history", ({ headers, path }) =>
          center.history({ actor: actorOf(headers), caseId: path.caseId }))
        .handle("enabledCommands", ({ headers, path }) =>
          center.enabledCommands({ actor: actorOf(headers), caseId: path.caseId }))
    }))

/**
 * Options of the service.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServiceOptions {
  readonly config: CenterConfig.CenterConfigInput
  /** The store; the in-memory store by default (pass an adapter's layer for SQLite or PostgreSQL). */
  readonly store?: CenterClient.StoreLayer | undefined
}

/**
 * The API with its handlers, the OpenAPI document at `/openapi.json`, over a centre.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: ServiceOptions) =>
  HttpApiBuilder.api(FengqiaoApi).pipe(
    Layer.provide(CasesLive),
    Layer.provide(Center.layer({ config: options.config })),
    Layer.provide(options.store ?? MemoryStore.layer),
    (api) => Layer.mergeAll(HttpApiBuilder.middlewareOpenApi(), HttpServer.layerContext).pipe(Layer.provideMerge(api))
  )

/**
 * The largest request body accepted (1 MiB); larger ones are read to the end, discarded, and answered 413.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxBodyBytes = 1024 * 1024

const readBody = (req: http.IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    let chunks: Array<Buffer> | undefined = []
    let size = 0
    req.on("data", (c: Buffer) => {
      size += c.length
      // over the limit: keep reading to the end (so the client sees the answer) but keep nothing
      if (size > maxBodyBytes) chunks = undefined
      else chunks?.push(c)
    })
    req.on("end", () => resolve(chunks === undefined ? undefined : Buffer.concat(chunks)))
    req.on("error", reject)
  })

/**
 * A running service.
 *
 * @since 0.1.0
 * @category models
 */
export interface Running {
  readonly url: string
  readonly server: http.Server
  /** Stops accepting connections and releases the centre. */
  readonly close: () => Promise<void>
}

/**
 * Starts the service on a port (0: any free port) of 127.0.0.1 and resolves once it listens.
 *
 * @since 0.1.0
 * @category constructors
 */
export const listen = async (options: ServiceOptions & { readonly port?: number; readonly host?: string }) => {
  const { dispose, handler } = HttpApiBuilder.toWebHandler(layer(options))
  const server = http.createServer(async (req, res) => {
    try {
      const method = req.method ?? "GET"
      const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req)
      if (body === undefined && method !== "GET" && method !== "HEAD") {
        res.writeHead(413, { "content-type": "application/json" })
        res.end(JSON.stringify({ _tag: "PayloadTooLarge", maxBytes: maxBodyBytes }))
        return
      }
      const headers = new Headers()
      for (const [k, v] of Object.entries(req.headers)) {
        if (Array.isArray(v)) { for (const x of v) headers.append(k, x) }
        else if (v !== undefined) headers.set(k, v)
      }
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`)
      const response = await handler(new Request(url, { method, headers, ...(body ? { body } : {}) }))
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" })
      res.end(JSON.stringify({ _tag: "InternalError", message: String(error) }))
    }
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve))
  const { address, port } = server.address() as AddressInfo
  const running: Running = {
    url: `http://${address}:${port}`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await dispose()
    }
  }
  return running
}
