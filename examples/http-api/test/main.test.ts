import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"

it("starts with one command, serves the OpenAPI document and stops on SIGTERM", async () => {
  const cwd = fileURLToPath(new URL("..", import.meta.url))
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd,
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = ""
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString()
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
        if (m) resolve(m[1]!)
      })
      child.on("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)))
    })
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { info: { title: string } }
    expect(doc.info.title).toContain("枫桥")
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve))
    child.kill("SIGTERM")
    expect(await exited).toBe(0)
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL")
  }
})
