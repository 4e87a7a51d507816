import SwaggerParser from "@apidevtools/swagger-parser"
import { Examples } from "@fengqiao/core"
import * as http from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { listen, maxBodyBytes, type Running } from "../src/Server.js"

let service: Running

beforeAll(async () => {
  service = await listen({ config: Examples.countyConfig, port: 0 })
})
afterAll(() => service.close())

const admin = { "x-actor-id": "admin-1", "x-actor-roles": "admin", "x-actor-jurisdiction": "222403" }
const intake = { "x-actor-id": "intake-1", "x-actor-roles": "intake, dispatcher", "x-actor-jurisdiction": "222403100" }

const call = async (
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  contentType = "application/json"
) => {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { "content-type": contentType } : {}) },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {})
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text.length > 0 ? JSON.parse(text) : undefined }
}

const registration = {
  kind: "dispute",
  channel: "walkIn",
  place: "222403100201",
  parties: [Examples.applicant, Examples.respondent],
  description: "邻居装修漏水，协商不成"
}

const register = async (headers = intake) => {
  const r = await call("POST", "/cases", headers, registration)
  expect(r.status).toBe(201)
  return r.body as { caseId: string; code: string }
}

describe("the HTTP service on a real port", () => {
  it("listens on a port of the loopback interface", () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(service.url).not.toMatch(/:0$/)
  })

  it("serves an OpenAPI document with the actor headers, the bodies and the errors", async () => {
    const { body: doc, status } = await call("GET", "/openapi.json", {})
    expect(status).toBe(200)
    expect(doc.openapi).toMatch(/^3\./)
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      "/cases",
      "/cases/{caseId}",
      "/cases/{caseId}/commands",
      "/cases/{caseId}/history",
      "/cases/{caseId}/enabled-commands"
    ]))
    const post = doc.paths["/cases"].post
    // x-actor-id is the `actor` security scheme; the other actor headers are parameters
    expect(post.parameters.filter((p: any) => p.in === "header").map((p: any) => p.name)).toEqual(
      expect.arrayContaining(["x-actor-roles", "x-actor-jurisdiction", "x-actor-department"])
    )
    expect(doc.components.securitySchemes.actor).toMatchObject({ type: "apiKey", in: "header", name: "x-actor-id" })
    for (const path of Object.values<any>(doc.paths)) {
      for (const operation of Object.values<any>(path)) expect(operation.security).toEqual([{ actor: [] }])
    }
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(["201", "400", "403", "404", "409", "413", "415"])
    )
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        "RegisterBody",
        "DispatchBody",
        "CommandResponse",
        "InvalidInput",
        "GuardFailed",
        "UnsupportedMediaType",
        "PayloadTooLarge"
      ])
    )
  })

  it("serves an OpenAPI document that a real validator (swagger-parser) accepts", async () => {
    const { body: doc } = await call("GET", "/openapi.json", {})
    for (const name of Object.keys(doc.components.schemas)) expect(name).toMatch(/^[a-zA-Z0-9._-]+$/)
    // validate() dereferences the document it is given: give it a copy
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined()
    // and the validator does check component names: the names the SDK's errors used to have are refused
    const withOldName = structuredClone(doc)
    withOldName.components.schemas["@fengqiao/core/InvalidInput"] = { type: "object" }
    await expect(SwaggerParser.validate(withOldName)).rejects.toThrow(/\^\[a-zA-Z0-9\._-\]\+\$/)
  })

  it("drives a case through the loop with the actor from the headers", async () => {
    const { caseId, code } = await register()
    expect(code).toMatch(/^222403-\d{4}-\d{6}$/)
    const accept = await call("POST", `/cases/${caseId}/commands`, intake, { _tag: "Accept" })
    expect(accept.status).toBe(200)
    expect(accept.body.case.status).toBe("accepted")
    const assess = await call("POST", `/cases/${caseId}/commands`, intake, {
      _tag: "Assess",
      category: "neighbourhood",
      complexity: "general"
    })
    expect(assess.body.case.status).toBe("assessed")
    const dispatch = await call("POST", `/cases/${caseId}/commands`, intake, {
      _tag: "Dispatch",
      leadUnit: "dsMediation",
      mediationType: "people"
    })
    expect(dispatch.status).toBe(200)
    expect(dispatch.body.events.map((e: any) => e.event._tag)).toEqual(["Dispatched"])
    expect(dispatch.body.version).toBe(4)

    const got = await call("GET", `/cases/${caseId}`, intake)
    expect(got.body).toMatchObject({ id: caseId, code, status: "dispatched", leadUnit: "dsMediation" })
    expect(got.body.firstReceiver).toEqual({
      id: "intake-1",
      roles: ["intake", "dispatcher"],
      jurisdiction: "222403100"
    })
    const history = await call("GET", `/cases/${caseId}/history`, intake)
    expect(history.body.map((e: any) => [e.version, e.event._tag, e.actor.id])).toEqual([
      [1, "Registered", "intake-1"],
      [2, "Accepted", "intake-1"],
      [3, "Assessed", "intake-1"],
      [4, "Dispatched", "intake-1"]
    ])
    // what the actor may do now: an intake officer and dispatcher may re-dispatch but not start handling
    const enabled = await call("GET", `/cases/${caseId}/enabled-commands`, intake)
    expect(enabled.body).toContain("Redispatch")
    expect(enabled.body).not.toContain("StartHandling")
    expect(enabled.body).not.toContain("Accept")
    expect((await call("GET", `/cases/${caseId}/enabled-commands`, admin)).body).toContain("StartHandling")
  })

  it("answers a repeated command id with the first result and writes nothing", async () => {
    const { caseId } = await register()
    const first = await call("POST", `/cases/${caseId}/commands`, intake, { _tag: "Accept", commandId: "cmd-42" })
    const again = await call("POST", `/cases/${caseId}/commands`, intake, { _tag: "Accept", commandId: "cmd-42" })
    expect([first.body.duplicate, again.body.duplicate]).toEqual([false, true])
    expect(again.body.version).toBe(first.body.version)
    expect((await call("GET", `/cases/${caseId}/history`, intake)).body).toHaveLength(2)
  })

  it("lists the cases the actor may read", async () => {
    const { caseId } = await register()
    const page = await call("GET", "/cases?status=registered&limit=1000", admin)
    expect(page.status).toBe(200)
    expect(page.body.items.map((c: any) => c.id)).toContain(caseId)
    expect(page.body.items.every((c: any) => c.status === "registered")).toBe(true)
    const outside = { "x-actor-id": "sl-1", "x-actor-roles": "intake", "x-actor-jurisdiction": "222403001" }
    expect((await call("GET", "/cases?status=registered", outside)).body.items).toEqual([])
  })
})

describe("errors keep their _tag and name what is wrong", () => {
  it("400 when an actor header is missing", async () => {
    const { "x-actor-id": _, ...noId } = intake
    const r = await call("POST", "/cases", noId, registration)
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toContain("x-actor-id")
    expect(r.body).toMatchObject({ _tag: "InvalidInput", field: "x-actor-id" })
    const { "x-actor-roles": __, ...noRoles } = intake
    const get = await call("GET", "/cases", noRoles)
    expect(get.status).toBe(400)
    expect(get.body).toMatchObject({ _tag: "InvalidInput", field: "x-actor-roles" })
  })

  it("400 InvalidInput naming the field for a kind the centre does not know", async () => {
    const r = await call("POST", "/cases", intake, { ...registration, kind: "burglary" })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ _tag: "InvalidInput", field: "kind" })
    expect(r.body.expected).toContain("dispute")
  })

  it("400 for a body that is not JSON, and for an unknown command", async () => {
    const malformed = await call("POST", "/cases", intake, "{not json")
    expect(malformed.status).toBe(400)
    expect(malformed.body).toMatchObject({ _tag: "InvalidInput", field: "body" })
    expect(malformed.body.expected).toContain("JSON")
    const { caseId } = await register()
    const unknown = await call("POST", `/cases/${caseId}/commands`, intake, { _tag: "Explode" })
    expect(unknown.status).toBe(400)
    expect(unknown.body._tag).toBe("HttpApiDecodeError")
    expect(JSON.stringify(unknown.body)).toContain("Explode")
  })

  it("415 UnsupportedMediaType for a body that is not declared JSON", async () => {
    const text = await call("POST", "/cases", intake, JSON.stringify(registration), "text/plain")
    expect(text.status).toBe(415)
    expect(text.body).toEqual({ _tag: "UnsupportedMediaType", contentType: "text/plain", expected: "application/json" })
    // no content type at all
    const res = await fetch(`${service.url}/cases`, {
      method: "POST",
      headers: intake,
      body: new TextEncoder().encode(JSON.stringify(registration))
    })
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ _tag: "UnsupportedMediaType", contentType: "(none)" })
    // a JSON media type with parameters is JSON
    expect((await call("POST", "/cases", intake, registration, "application/json; charset=utf-8")).status).toBe(201)
  })

  it("405 MethodNotAllowed with Allow for a path that exists with another method, 404 for no such path", async () => {
    const del = await call("DELETE", "/cases", admin)
    expect(del.status).toBe(405)
    expect(del.headers.get("allow")).toBe("POST, GET")
    expect(del.body).toEqual({ _tag: "MethodNotAllowed", method: "DELETE", path: "/cases", allowed: ["POST", "GET"] })
    const put = await call("PUT", "/cases/some-case/commands", admin, { _tag: "Accept" })
    expect(put.status).toBe(405)
    expect(put.body).toMatchObject({ _tag: "MethodNotAllowed", method: "PUT", allowed: ["POST"] })
    const postDoc = await call("POST", "/openapi.json", {}, {})
    expect(postDoc.status).toBe(405)
    expect(postDoc.body).toMatchObject({ _tag: "MethodNotAllowed", allowed: ["GET"] })
    const none = await call("GET", "/no/such/path", admin)
    expect(none.status).toBe(404)
    expect(none.body).toEqual({ _tag: "RouteNotFound", method: "GET", path: "/no/such/path" })
  })

  it("403 Forbidden for a role that may not register", async () => {
    const viewer = { "x-actor-id": "v-1", "x-actor-roles": "viewer", "x-actor-jurisdiction": "222403" }
    const r = await call("POST", "/cases", viewer, registration)
    expect(r.status).toBe(403)
    expect(r.body._tag).toBe("Forbidden")
  })

  it("404 CaseNotFound for an unknown case", async () => {
    const r = await call("GET", "/cases/no-such-case", admin)
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({ _tag: "CaseNotFound", caseId: "no-such-case" })
  })

  it("409 CommandNotAllowed naming the state and what is enabled", async () => {
    const { caseId } = await register()
    const r = await call("POST", `/cases/${caseId}/commands`, admin, { _tag: "Archive" })
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ _tag: "CommandNotAllowed", state: "registered", command: "Archive" })
    expect(r.body.enabled).toContain("Accept")
  })

  it("409 GuardFailed naming the guard", async () => {
    const { caseId } = await register()
    for (const body of [{ _tag: "Accept" }, { _tag: "Assess", category: "neighbourhood", complexity: "general" }]) {
      await call("POST", `/cases/${caseId}/commands`, intake, body)
    }
    const r = await call("POST", `/cases/${caseId}/commands`, intake, {
      _tag: "Dispatch",
      leadUnit: "court",
      mediationType: "people"
    })
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ _tag: "GuardFailed", guard: "leadUnitMayMediate" })
  })

  it("413 for a body over the limit, and the service keeps serving", async () => {
    const r = await call("POST", "/cases", intake, { ...registration, description: "x".repeat(maxBodyBytes) })
    expect(r.status).toBe(413)
    expect(r.body).toEqual({ _tag: "PayloadTooLarge", maxBytes: maxBodyBytes })
    expect((await call("GET", "/openapi.json", {})).status).toBe(200)
  })

  it("cuts off a chunked body (no content-length) at the limit, and the service keeps serving", async () => {
    const url = new URL(service.url)
    const send = (body: string) =>
      new Promise<string>((resolve) => {
        const req = http.request({
          host: url.hostname,
          port: url.port,
          path: "/cases",
          method: "POST",
          headers: { ...intake, "content-type": "application/json" }
        }, (res) => {
          res.resume()
          res.on("end", () => resolve(String(res.statusCode)))
        })
        req.on("error", (error) => resolve(`error: ${error.message}`))
        // several writes without a length: node sends them chunked
        for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024))
        req.end()
      })
    expect(await send(JSON.stringify(registration))).toBe("201")
    // over the limit: the read stops there and the connection is closed without an answer
    expect(await send(JSON.stringify({ ...registration, description: "x".repeat(maxBodyBytes) }))).toMatch(/^error/)
    expect((await call("GET", "/openapi.json", {})).status).toBe(200)
  })
})

describe("list filters", () => {
  it("400 InvalidInput naming the filter for a state that does not exist", async () => {
    const r = await call("GET", "/cases?status=flying", admin)
    expect(r.status).toBe(400)
    expect(r.body._tag).toBe("InvalidInput")
    expect(r.body.field).toMatch(/^filter\.status/)
  })
})
