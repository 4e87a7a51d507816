/**
 * The service: HttpApi handlers over the `Center` service, served by `@effect/platform-node`'s `NodeHttpServer`.
 *
 * @since 0.1.0
 */
import {
  HttpApiBuilder,
  type HttpApiGroup,
  type HttpApp,
  HttpIncomingMessage,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import {
  type Actor,
  type Case,
  Center,
  type CenterClient,
  type CenterConfig,
  Errors,
  MemoryStore
} from "@fengqiao/core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import {
  ActorAuth,
  ActorHeaders,
  CurrentActor,
  FengqiaoApi,
  JsonBody,
  MethodNotAllowed,
  PayloadTooLarge,
  RouteNotFound,
  UnsupportedMediaType
} from "./Api.js"

/**
 * The actor of a request, from `x-actor-id` and the {@link ActorHeaders}. The centre validates it (ids, roles,
 * jurisdiction) with the rest of the command and answers `InvalidInput` naming `actor.…` when it is malformed.
 *
 * @since 0.1.0
 * @category utils
 */
export const actorOf = (id: string, h: ActorHeaders): Actor.Actor => ({
  id,
  roles: h["x-actor-roles"].split(",").map((r) => r.trim()).filter((r) => r.length > 0),
  jurisdiction: h["x-actor-jurisdiction"],
  ...(h["x-actor-department"] !== undefined ? { department: h["x-actor-department"] } : {})
})

const badRequest = (field: string, expected: string) =>
  new Errors.InvalidInput({ field, expected, issues: [{ field, expected }] })

const decodeActorHeaders = Schema.decodeUnknown(ActorHeaders, { errors: "all" })

/**
 * The {@link ActorAuth} middleware: the actor from `x-actor-id` and the other `x-actor-*` headers; a missing
 * header is an `InvalidInput` naming it.
 *
 * @since 0.1.0
 * @category layers
 */
export const ActorAuthLive: Layer.Layer<ActorAuth> = Layer.succeed(ActorAuth, {
  actor: (token) =>
    Effect.gen(function*() {
      const id = Redacted.value(token).trim()
      if (id === "") {
        return yield* badRequest("x-actor-id", "the actor's id (the header is required, set by the gateway)")
      }
      const request = yield* HttpServerRequest.HttpServerRequest
      const headers = yield* Effect.mapError(
        decodeActorHeaders(request.headers),
        (error) => Errors.invalidInputFromParseError(error)
      )
      return actorOf(id, headers)
    })
})

/**
 * The largest request body accepted (1 MiB); a larger one is answered 413 `PayloadTooLarge` without being read.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxBodyBytes = 1024 * 1024

const isJson = (contentType: string) =>
  contentType === "application/json" || (contentType.startsWith("application/") && contentType.endsWith("+json"))

/**
 * The {@link JsonBody} middleware: 413 for a body over {@link maxBodyBytes} (told by `content-length`, before
 * reading; a chunked body is cut off at the limit), 415 for a content type other than JSON, 400 `InvalidInput`
 * naming `body` for malformed JSON. The body it reads is kept for the endpoint's own decoding.
 *
 * @since 0.1.0
 * @category layers
 */
export const JsonBodyLive: Layer.Layer<JsonBody> = Layer.succeed(
  JsonBody,
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const length = Number(request.headers["content-length"] ?? 0)
    if (length > maxBodyBytes) return yield* new PayloadTooLarge({ maxBytes: maxBodyBytes })
    const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
    if (!isJson(contentType)) {
      return yield* new UnsupportedMediaType({ contentType: contentType || "(none)", expected: "application/json" })
    }
    yield* Effect.catchAll(
      request.json,
      (error): Effect.Effect<never, Errors.InvalidInput | PayloadTooLarge> =>
        error.cause instanceof SyntaxError
          ? Effect.fail(badRequest("body", "a JSON document (the body is not valid JSON)"))
          : error.cause instanceof Error && error.cause.message === "maxBytes exceeded"
          ? Effect.fail(new PayloadTooLarge({ maxBytes: maxBodyBytes }))
          : Effect.die(error)
    )
  })
)

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
        .handle("register", ({ payload }) =>
          CurrentActor.pipe(
            Effect.flatMap((actor) => center.execute({ ...payload, _tag: "Register", actor })),
            Effect.map(respond)
          ))
        .handle("execute", ({ path, payload }) =>
          CurrentActor.pipe(
            Effect.flatMap((actor) => center.execute({ ...payload, actor, caseId: path.caseId })),
            Effect.map(respond)
          ))
        .handle("list", ({ urlParams: p }) =>
          Effect.flatMap(CurrentActor, (actor) =>
            center.list({
              actor,
              filter: {
                ...(p.status !== undefined ? { status: p.status.split(",") as Array<Case.Status> } : {}),
                ...(p.open !== undefined ? { open: p.open === "true" } : {}),
                ...(p.overdue !== undefined ? { overdue: p.overdue === "true" } : {})
              },
              ...(p.limit !== undefined ? { limit: p.limit } : {}),
              ...(p.cursor !== undefined ? { cursor: p.cursor } : {}),
              ...(p.order !== undefined ? { order: p.order } : {})
            })))
        .handle(
          "get",
          ({ path }) => Effect.flatMap(CurrentActor, (actor) => center.get({ actor, caseId: path.caseId }))
        )
        .handle(
          "history",
          ({ path }) => Effect.flatMap(CurrentActor, (actor) => center.history({ actor, caseId: path.caseId }))
        )
        .handle(
          "enabledCommands",
          ({ path }) => Effect.flatMap(CurrentActor, (actor) => center.enabledCommands({ actor, caseId: path.caseId }))
        )
    })).pipe(Layer.provide([ActorAuthLive, JsonBodyLive]))

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
 * The API with its handlers and the OpenAPI document at `/openapi.json`, over a centre: what
 * `HttpApiBuilder.serve` serves.
 *
 * @since 0.1.0
 * @category layers
 */
export const apiLayer = (options: ServiceOptions) =>
  HttpApiBuilder.middlewareOpenApi().pipe(
    Layer.provideMerge(HttpApiBuilder.api(FengqiaoApi)),
    Layer.provide(CasesLive),
    Layer.provide(Center.layer({ config: options.config })),
    Layer.provide(options.store ?? MemoryStore.layer)
  )

/** Every route of the API as a path pattern and its method, for 404 and 405 answers. */
const routes: ReadonlyArray<{ readonly method: string; readonly pattern: RegExp }> = [
  { method: "GET", path: "/openapi.json" },
  ...Object.values(FengqiaoApi.groups).flatMap((group) =>
    Object.values(group.endpoints).map((endpoint) => ({ method: endpoint.method, path: endpoint.path }))
  )
].map(({ method, path }) => ({
  method,
  pattern: new RegExp(
    `^${path.split("/").map((s) => s.startsWith(":") ? "[^/]+" : s.replace(/\./g, "\\.")).join("/")}$`
  )
}))

const errorResponse = <A, I>(
  schema: Schema.Schema<A, I>,
  error: A,
  status: number,
  headers: Record<string, string> = {}
) => HttpServerResponse.unsafeJson(Schema.encodeSync(schema)(error), { status, headers })

/**
 * The API-level HTTP middleware (`HttpApiBuilder.middleware`): the body-size limit, and JSON bodies in the same
 * shape as every other error for the answers the router would give empty: 404 `RouteNotFound`, 405
 * `MethodNotAllowed` (with `Allow`) for a path that exists with other methods, and 500 `InternalError` for a
 * defect (logged; its details are not sent). Typed errors go on to the API's own encoding.
 *
 * @since 0.1.0
 * @category middleware
 */
export const httpMiddleware = (app: HttpApp.Default): HttpApp.Default =>
  app.pipe(
    HttpIncomingMessage.withMaxBodySize(Option.some(maxBodyBytes)),
    Effect.catchAllCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
      const error = Cause.squash(cause)
      if (error instanceof HttpServerError.RouteNotFound) {
        const method = error.request.method
        const path = new URL(error.request.url, "http://localhost").pathname
        const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))]
        return Effect.succeed(
          allowed.length === 0
            ? errorResponse(RouteNotFound, new RouteNotFound({ method, path }), 404)
            : errorResponse(MethodNotAllowed, new MethodNotAllowed({ method, path, allowed }), 405, {
              allow: allowed.join(", ")
            })
        )
      }
      if (Option.isSome(Cause.failureOption(cause))) return Effect.failCause(cause)
      return Effect.as(
        Effect.logError("request failed", cause),
        HttpServerResponse.unsafeJson({ _tag: "InternalError" }, { status: 500 })
      )
    })
  )

/**
 * The service served on a port (0: any free port) of a host (127.0.0.1 by default) with `NodeHttpServer`; it
 * also provides the `HttpServer` (its `address`). `server` is the `node:http` server to use, a new one by default.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: ServiceOptions & {
    readonly port?: number | undefined
    readonly host?: string | undefined
    readonly server?: http.Server | undefined
  }
) =>
  HttpApiBuilder.serve().pipe(
    Layer.provide(HttpApiBuilder.middleware(httpMiddleware)),
    Layer.provide(apiLayer(options)),
    Layer.provideMerge(
      NodeHttpServer.layer(() => options.server ?? http.createServer(), {
        port: options.port ?? 0,
        host: options.host ?? "127.0.0.1"
      })
    )
  )

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
 * Starts the service (see {@link layer}) and resolves once it listens: for callers outside Effect, and the tests.
 *
 * @since 0.1.0
 * @category constructors
 */
export const listen = async (
  options: ServiceOptions & { readonly port?: number | undefined; readonly host?: string | undefined }
): Promise<Running> => {
  const server = http.createServer()
  const runtime = ManagedRuntime.make(layer({ ...options, server }))
  await runtime.runtime()
  const { address, port } = server.address() as AddressInfo
  return { url: `http://${address}:${port}`, server, close: () => runtime.dispose() }
}
