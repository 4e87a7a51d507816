/**
 * The REST API (接口) of the example service, declared once with `@effect/platform`'s HttpApi: the server, the
 * OpenAPI document and typed clients all come from this declaration.
 *
 * The actor (操作人, who is calling) comes from request headers that the vendor's gateway sets after it has
 * authenticated the person. `x-actor-id` is the API's security scheme (`actor`, an API key in a header, in the
 * OpenAPI document's `securitySchemes`); with it come `x-actor-roles` (comma-separated), `x-actor-jurisdiction`
 * and, for staff of a department, `x-actor-department`. The `ActorAuth` middleware reads them and provides the
 * `CurrentActor` to every handler. The SDK owns the domain; identity stays with the vendor.
 *
 * @since 0.1.0
 */
import {
  HttpApi,
  HttpApiEndpoint,
  HttpApiGroup,
  HttpApiMiddleware,
  HttpApiSchema,
  HttpApiSecurity,
  OpenApi
} from "@effect/platform"
import { type Actor, Case, Command, Errors, Event, Lifecycle } from "@fengqiao/core"
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"

/**
 * The security scheme of the API: the actor's id in the `x-actor-id` header, set by the vendor's gateway. It is
 * `actor` in the OpenAPI document's `securitySchemes`.
 *
 * @since 0.1.0
 * @category security
 */
export const actorSecurity: HttpApiSecurity.ApiKey = HttpApiSecurity.apiKey({ key: "x-actor-id", in: "header" })
  .pipe(
    HttpApiSecurity.annotate(
      OpenApi.Description,
      "The person's id in the vendor's identity system, set by the vendor's gateway after it has authenticated " +
        "the person, with x-actor-roles, x-actor-jurisdiction and x-actor-department. Never expose the service " +
        "directly: whoever can set these headers acts as anyone."
    )
  )

/**
 * The headers that carry the actor's roles and node, beside the `x-actor-id` of {@link actorSecurity}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ActorHeaders = Schema.Struct({
  "x-actor-roles": Schema.String.annotations({
    description: "Comma-separated roles, e.g. intake,dispatcher (see Policy.defaultPermissions)"
  }),
  "x-actor-jurisdiction": Schema.String.annotations({
    description: "The division code of the node the person works at (行政区划代码)"
  }),
  "x-actor-department": Schema.optional(Schema.String.annotations({
    description: "The department key, for staff of a stationed department (入驻部门)"
  }))
})

/**
 * @since 0.1.0
 * @category models
 */
export type ActorHeaders = typeof ActorHeaders.Type

/**
 * The actor of the current request, provided to the handlers by {@link ActorAuth}.
 *
 * @since 0.1.0
 * @category security
 */
export class CurrentActor extends Context.Tag("@fengqiao/example-http-api/CurrentActor")<CurrentActor, Actor.Actor>() {}

/**
 * The `InvalidInput` of the HTTP layer (answered 400): a missing actor header, a body that is not JSON.
 *
 * @since 0.1.0
 * @category errors
 */
export const BadRequest = Errors.InvalidInput.annotations(HttpApiSchema.annotations({ status: 400 }))

/**
 * Reads the actor of a request: `x-actor-id` (the {@link actorSecurity} scheme) and the {@link ActorHeaders}.
 * A missing or malformed header is an `InvalidInput` (400) naming the header.
 *
 * @since 0.1.0
 * @category security
 */
export class ActorAuth extends HttpApiMiddleware.Tag<ActorAuth>()("ActorAuth", {
  failure: BadRequest,
  provides: CurrentActor,
  security: { actor: actorSecurity }
}) {}

/**
 * A body of a content type other than JSON (415).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedMediaType extends Schema.TaggedError<UnsupportedMediaType>()("UnsupportedMediaType", {
  contentType: Schema.String,
  expected: Schema.String
}, HttpApiSchema.annotations({ status: 415 })) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Content type "${this.contentType}" is not supported: expected ${this.expected}`
  }
}

/**
 * A body larger than the service accepts (413).
 *
 * @since 0.1.0
 * @category errors
 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", {
  maxBytes: Schema.Number
}, HttpApiSchema.annotations({ status: 413 })) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `The body is larger than ${this.maxBytes} bytes`
  }
}

/**
 * The path exists, but not with this method (405); `allowed` lists the methods it has (also in `Allow`).
 *
 * @since 0.1.0
 * @category errors
 */
export class MethodNotAllowed extends Schema.TaggedError<MethodNotAllowed>()("MethodNotAllowed", {
  method: Schema.String,
  path: Schema.String,
  allowed: Schema.Array(Schema.String)
}, HttpApiSchema.annotations({ status: 405 })) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.method} is not allowed on ${this.path}; allowed: ${this.allowed.join(", ")}`
  }
}

/**
 * No such path (404).
 *
 * @since 0.1.0
 * @category errors
 */
export class RouteNotFound extends Schema.TaggedError<RouteNotFound>()("RouteNotFound", {
  method: Schema.String,
  path: Schema.String
}, HttpApiSchema.annotations({ status: 404 })) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `No route for ${this.method} ${this.path}`
  }
}

/**
 * Checks the body of a request before it is decoded: JSON (`application/json`, else 415), at most
 * the service's limit (else 413) and well-formed (else `InvalidInput` naming `body`, 400).
 *
 * @since 0.1.0
 * @category middleware
 */
export class JsonBody extends HttpApiMiddleware.Tag<JsonBody>()("JsonBody", {
  failure: Schema.Union(BadRequest, UnsupportedMediaType, PayloadTooLarge)
}) {}

const CaseIdPath = Schema.Struct({ caseId: Schema.String })

/**
 * The body of `POST /cases`: the `Register` command without its `_tag` and actor.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RegisterBody = Schema.Struct(Command.Register.fields).omit("_tag", "actor").annotations({
  identifier: "RegisterBody"
})

/** Each command's schema, from its command module (every command, named export in `Command` or not). */
const commandSchema = (name: Command.CommandName) =>
  Lifecycle.definitionOf(name).command as unknown as Schema.Struct<Schema.Struct.Fields>

/**
 * The body of `POST /cases/{caseId}/commands`: any command other than `Register`, with its `_tag`, without the
 * actor and the case id (they come from the headers and the path).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CommandBody: Schema.Schema<CommandBody, CommandBody> = Schema.Union(
  ...Command.commandNames.filter((name) => name !== "Register").map((name) =>
    commandSchema(name).omit("actor", "caseId").annotations({ identifier: `${name}Body` })
  )
).annotations({ identifier: "CommandBody" }) as unknown as Schema.Schema<CommandBody, CommandBody>

/**
 * A command body: the command's own fields and its `_tag`; the centre decodes the whole command again and names
 * the field of any problem.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommandBody {
  readonly _tag: Exclude<Command.CommandName, "Register">
  readonly [field: string]: unknown
}

/**
 * What a command answers: the case as it now stands and the events the command recorded.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CommandResponse = Schema.Struct({
  caseId: Schema.String,
  code: Schema.String,
  version: Schema.Int,
  /** True when the command id was seen before: the first result is given again and nothing is written. */
  duplicate: Schema.Boolean,
  case: Case.Case,
  events: Schema.Array(Event.Envelope)
}).annotations({ identifier: "CommandResponse" })

/**
 * A page of cases.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PageResponse = Schema.Struct({
  items: Schema.Array(Case.Case),
  nextCursor: Schema.optional(Schema.String)
}).annotations({ identifier: "Page" })

const BooleanParam = Schema.Literal("true", "false")

/**
 * The query string of `GET /cases`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListParams = Schema.Struct({
  status: Schema.optional(Schema.String.annotations({ description: "Comma-separated states, e.g. handling,closed" })),
  open: Schema.optional(BooleanParam),
  overdue: Schema.optional(BooleanParam),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 1000))),
  cursor: Schema.optional(Schema.String),
  order: Schema.optional(Schema.Literal("asc", "desc"))
})

/**
 * The cases group: commands and queries.
 *
 * @since 0.1.0
 * @category api
 */
export class CasesGroup extends HttpApiGroup.make("cases")
  .add(
    HttpApiEndpoint.post("register", "/cases")
      .setHeaders(ActorHeaders)
      .setPayload(RegisterBody)
      .middleware(JsonBody)
      .addSuccess(CommandResponse, { status: 201 })
      .annotate(OpenApi.Summary, "登记 Register a case")
  )
  .add(
    HttpApiEndpoint.post("execute", "/cases/:caseId/commands")
      .setHeaders(ActorHeaders)
      .setPath(CaseIdPath)
      .setPayload(CommandBody)
      .middleware(JsonBody)
      .addSuccess(CommandResponse)
      .annotate(OpenApi.Summary, "Run a command on a case (受理, 研判, 分流交办, 办结 …)")
  )
  .add(
    HttpApiEndpoint.get("list", "/cases")
      .setHeaders(ActorHeaders)
      .setUrlParams(ListParams)
      .addSuccess(PageResponse)
      .annotate(OpenApi.Summary, "List the cases the actor may read, by registration time")
  )
  .add(
    HttpApiEndpoint.get("get", "/cases/:caseId")
      .setHeaders(ActorHeaders)
      .setPath(CaseIdPath)
      .addSuccess(Case.Case)
      .annotate(OpenApi.Summary, "One case as it stands")
  )
  .add(
    HttpApiEndpoint.get("history", "/cases/:caseId/history")
      .setHeaders(ActorHeaders)
      .setPath(CaseIdPath)
      .addSuccess(Schema.Array(Event.Envelope))
      .annotate(OpenApi.Summary, "The events of a case: its full trace (全程留痕)")
  )
  .add(
    HttpApiEndpoint.get("enabledCommands", "/cases/:caseId/enabled-commands")
      .setHeaders(ActorHeaders)
      .setPath(CaseIdPath)
      .addSuccess(Schema.Array(Schema.String))
      .annotate(OpenApi.Summary, "What can be done now")
  )
  .addError(BadRequest)
  .addError(Errors.Forbidden, { status: 403 })
  .addError(Errors.CaseNotFound, { status: 404 })
  .addError(Errors.CommandNotAllowed, { status: 409 })
  .addError(Errors.GuardFailed, { status: 409 })
  .addError(Errors.VersionConflict, { status: 409 })
  .addError(Errors.CaseLimitExceeded, { status: 409 })
  .addError(Errors.CalendarYearNotCovered, { status: 422 })
  .addError(Errors.PluginFailed, { status: 500 })
  .addError(Errors.CorruptRecord, { status: 500 })
  .addError(Errors.StoreError, { status: 503 })
  .middleware(ActorAuth)
{}

/**
 * The whole API.
 *
 * @since 0.1.0
 * @category api
 */
export class FengqiaoApi extends HttpApi.make("fengqiao")
  .add(CasesGroup)
  .annotate(OpenApi.Title, "Fengqiao (枫桥) example service")
  .annotate(
    OpenApi.Description,
    "A comprehensive governance centre (综治中心) over HTTP. The actor comes from the x-actor-* headers set by " +
      "the vendor's gateway (x-actor-id is the `actor` security scheme). Every error answers a JSON object whose " +
      "_tag names the error, with its fields."
  )
{}
