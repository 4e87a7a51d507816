/**
 * Which Chromium the browser test drives (./browser.ts): the system's when there is one, else npm's, and
 * `FENGQIAO_CHROMIUM` overrides; the fontconfig file it writes adds the npm CJK font to the system's fonts.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chooseChromium, npmCjkFontDirs, writeFontConfig } from "./browser.js"

describe("choosing Chromium", () => {
  it("uses the system's when there is one, else the npm package's", () => {
    expect(chooseChromium(undefined, true)).toEqual({ source: "system" })
    expect(chooseChromium(undefined, false)).toEqual({ source: "npm" })
    expect(chooseChromium("  ", false)).toEqual({ source: "npm" })
  })

  it("FENGQIAO_CHROMIUM forces npm, system, or a path", () => {
    expect(chooseChromium("npm", true)).toEqual({ source: "npm" })
    expect(chooseChromium("system", false)).toEqual({ source: "system" })
    expect(chooseChromium("/opt/chrome/chrome", true)).toEqual({ source: "path", path: "/opt/chrome/chrome" })
  })
})

describe("the fonts", () => {
  it("the npm font package holds Noto Sans SC regular and bold as TrueType files", () => {
    const dirs = npmCjkFontDirs()
    expect(dirs).toHaveLength(2)
    for (const dir of dirs) {
      expect(existsSync(dir), dir).toBe(true)
      expect(readdirSync(dir).filter((f) => /^NotoSansSC_\d00\w+\.ttf$/.test(f)), dir).toHaveLength(1)
    }
  })

  it("the fontconfig file keeps the system's configuration and adds the given directories", () => {
    const dir = mkdtempSync(join(tmpdir(), "fengqiao-fc-"))
    const file = writeFontConfig(dir, ["/fonts/a&b", "/fonts/c"])
    const text = readFileSync(file, "utf8")
    rmSync(dir, { recursive: true, force: true })
    expect(text).toContain(`<include ignore_missing="yes">/etc/fonts/fonts.conf</include>`)
    expect(text).toContain("<dir>/fonts/a&amp;b</dir>")
    expect(text).toContain("<dir>/fonts/c</dir>")
    expect(text.indexOf("<cachedir>")).toBeLessThan(text.indexOf("<include"))
  })
})
