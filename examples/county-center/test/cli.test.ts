/**
 * The demo's command line: flags parsed with `node:util` `parseArgs`, clear messages for bad input, the `--help`
 * text, and a progress bar only on a terminal. The last test runs the real `main.ts` in a child process.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { parseCli, progressBar, usage } from "../src/cli.js"

const run = (argv: ReadonlyArray<string>) => parseCli(argv)

describe("the demo's flags", () => {
  it("defaults", () => {
    expect(run([])).toEqual({
      _tag: "Run",
      cli: {
        cases: 300,
        seed: 2025,
        lang: "zh-Hans",
        db: undefined,
        memory: false,
        report: ".data/county-center-report.html"
      }
    })
  })

  it("reads every flag, as `--flag value` or `--flag=value`, and ignores the `--` that pnpm passes on", () => {
    expect(run(["--", "--cases", "500", "--seed=7", "--lang", "en", "--memory", "--report", "out/r.html"])).toEqual({
      _tag: "Run",
      cli: { cases: 500, seed: 7, lang: "en", db: undefined, memory: true, report: "out/r.html" }
    })
    expect(run(["--db", "x.db"])).toMatchObject({ _tag: "Run", cli: { db: "x.db", memory: false } })
  })

  it("--help and -h ask for the help text, which names every flag", () => {
    expect(run(["--help"])).toEqual({ _tag: "Help" })
    expect(run(["--cases", "5", "-h"])).toEqual({ _tag: "Help" })
    for (const flag of ["--cases", "--seed", "--lang", "--db", "--memory", "--report", "--help", "DATABASE_URL"]) {
      expect(usage).toContain(flag)
    }
  })

  it("an unknown flag is refused by name, with the flags there are", () => {
    const parsed = run(["--cases", "5", "--casse", "7"])
    expect(parsed._tag).toBe("Invalid")
    const message = (parsed as { message: string }).message
    expect(message).toMatch(/^unknown option --casse \(the options are --cases, --seed, --lang, /)
    expect(run(["-x"])).toEqual({ _tag: "Invalid", message: expect.stringMatching(/^unknown option -x /) })
  })

  it("a missing value, a value for a switch, or a stray argument is refused by name", () => {
    expect(run(["--cases"])).toEqual({ _tag: "Invalid", message: "--cases needs a value" })
    expect(run(["--memory=yes"])).toEqual({ _tag: "Invalid", message: "--memory takes no value" })
    expect(run(["500"])).toEqual({
      _tag: "Invalid",
      message: "unexpected argument \"500\": every setting is a flag such as --cases 500"
    })
  })

  it("a bad value is refused naming the flag and what it takes", () => {
    expect(run(["--cases", "0"])).toEqual({
      _tag: "Invalid",
      message: "--cases: an integer from 1 to 100000, got \"0\""
    })
    expect(run(["--cases", "1.5"])).toMatchObject({ _tag: "Invalid", message: expect.stringMatching(/^--cases:/) })
    expect(run(["--cases="])).toMatchObject({ _tag: "Invalid", message: expect.stringMatching(/^--cases:/) })
    expect(run(["--seed", "x"])).toEqual({ _tag: "Invalid", message: "--seed: an integer, got \"x\"" })
    expect(run(["--lang", "fr"])).toEqual({
      _tag: "Invalid",
      message: "--lang: one of zh-Hans, zh-Hant, en, ko, got \"fr\""
    })
    expect(run(["--report", "r.txt"])).toEqual({
      _tag: "Invalid",
      message: "--report: a file name ending in .html, got \"r.txt\""
    })
    expect(run(["--db", "x.db", "--memory"])).toEqual({ _tag: "Invalid", message: "--db and --memory: choose one" })
  })
})

describe("the progress bar", () => {
  const terminal = (isTTY: boolean) => {
    const written: Array<string> = []
    return { written, isTTY, write: (s: string) => written.push(s) }
  }

  it("redraws one line on a terminal and ends it when the year is done", () => {
    const t = terminal(true)
    const bar = progressBar(40, t)
    bar({ share: 0, commands: 0 })
    bar({ share: 0.5, commands: 120 })
    bar({ share: 1, commands: 260 })
    bar({ share: 1, commands: 260 }) // the end is drawn once
    expect(t.written).toHaveLength(3)
    expect(t.written.every((s) => s.startsWith("\r"))).toBe(true)
    expect(t.written[1]).toContain(`[${"█".repeat(15)}${" ".repeat(15)}]  50%  120 commands`)
    expect(t.written[2]).toMatch(/\[█{30}\] 100% {2}260 commands\n$/)
    expect(t.written.slice(0, 2).join("")).not.toContain("\n")
  })

  it("draws nothing when stderr is not a terminal", () => {
    const t = terminal(false)
    const bar = progressBar(40, t)
    bar({ share: 0.3, commands: 10 })
    bar({ share: 1, commands: 20 })
    expect(t.written).toEqual([])
  })
})

describe("the demo's command line, run for real", () => {
  const main = join(import.meta.dirname, "..", "src", "main.ts")
  const tsx = join(import.meta.dirname, "..", "..", "..", "node_modules", ".bin", "tsx")

  it("--help prints the help and exits 0; an unknown flag exits 2 with the message and the help on stderr", () => {
    expect(execFileSync(tsx, [main, "--help"], { encoding: "utf8" })).toBe(`${usage}\n`)
    const bad = spawnSync(tsx, [main, "--", "--nope"], { encoding: "utf8" })
    expect(bad.status).toBe(2)
    expect(bad.stdout).toBe("")
    expect(bad.stderr).toBe(
      `unknown option --nope (the options are --cases, --seed, --lang, --db, --memory, --report, --help)\n\n${usage}\n`
    )
  })

  it("with stderr not a terminal, nothing but the report is printed", () => {
    const out = spawnSync(tsx, [
      main,
      "--cases",
      "20",
      "--memory",
      "--report",
      join(import.meta.dirname, "..", ".tmp", "cli-report.html")
    ], {
      encoding: "utf8"
    })
    expect(out.status, out.stderr).toBe(0)
    expect(out.stderr).toBe("")
    expect(out.stdout).toContain("统计报表 HTML report:")
  })
})
