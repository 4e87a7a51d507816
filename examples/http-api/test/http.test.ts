import { Examples } from "@fengqiao/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { listen, maxBodyBytes, type Running } from "../src/Server.js"

let service: Running

beforeAll(async () => {
  service = await listen({ config: Examples.countyConfig, port: 0 })
})
afterAll(() => service.close())

const admin = { "x-actor-id": "admin-1", "x-actor-roles": "admin", "x-actor-jurisdiction": "222403" }
const intake = { "x-actor-id": "intake-1", "x-actor-roles": "intake, dispatcher", "x-actor-jurisdiction": "222403100" }

const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {})
  })
  const text = await res.text()
  return { status: res.status, body: text.length > 0 ? JSON.parse(text) : undefined }
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
    expect(post.parameters.filter((p: any) => p.in === "header").map((p: any) => p.name)).toEqual(
      expect.arrayContaining(["x-actor-id", "x-actor-roles", "x-actor-jurisdiction", "x-actor-department"])
    )
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["201", "400", "403", "404", "409"]))
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        "RegisterBody",
        "DispatchBody",
        "CommandResponse",
        "@fengqiao/core/InvalidInput",
        "@fengqiao/core/GuardFailed"
      ])
    )
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
  })

  it("400 InvalidInput naming the field for a kind the centre does not know", async () => {
    const r = await call("POST", "/cases", intake, { ...registration, kind: "burglary" })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ _tag: "InvalidInput", field: "kind" })
    expect(r.body.expected).toContain("dispute")
  })

  it("400 for a body that is not JSON, and for an unknown command", async () => {
    expect((await call("POST", "/cases", intake, "{not json")).status).toBe(400)
    const { caseId } = await register()
    expect((await call("POST", `/cases/${caseId}/commands`, intake, { _tag: "Explode" })).status).toBe(400)
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
