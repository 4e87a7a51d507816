/**
 * The Chromium the browser tests drive, and the fonts it draws Chinese with.
 *
 * - Chromium: the system's (`/usr/bin/chromium`, Debian's package) when there is one, otherwise the one the npm
 *   package `@sparticuz/chromium` ships (a headless shell, unpacked into the temp directory on first use), so
 *   `pnpm install && pnpm test` works on a fresh machine with only Node and pnpm. `FENGQIAO_CHROMIUM` chooses:
 *   `system`, `npm`, or a path to a Chromium binary. The package is pinned to 147.0.0 (Chromium 147), the last
 *   release whose `engines` allow Node 20 (147.0.2 and later ask for Node ≥ 22.17); its headless shell needs
 *   nothing from the system but glibc and libexpat.
 * - Fonts: a fontconfig file (`FONTCONFIG_FILE`) that keeps the system's configuration when there is one and adds
 *   Noto Sans SC from the npm package `@expo-google-fonts/noto-sans-sc` (plain TrueType files), so Chinese text is
 *   drawn with real glyphs even on a machine without a CJK font (no `fonts-noto-cjk`).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

/** Where a Chromium came from. */
export type ChromiumSource = "system" | "npm" | "path"

/** A Chromium to launch: its binary, its command-line flags, its environment, and where it came from. */
export interface Browser {
  readonly source: ChromiumSource
  readonly executablePath: string
  readonly args: ReadonlyArray<string>
  readonly env: Record<string, string>
}

/** Debian's Chromium. */
export const systemChromium = "/usr/bin/chromium"

const require = createRequire(import.meta.url)

/**
 * Which Chromium to use, from `FENGQIAO_CHROMIUM` and whether the system has one: an explicit `system` or `npm`
 * wins, any other value is a path; unset, the system's when it exists, else npm's.
 */
export const chooseChromium = (
  setting: string | undefined,
  systemExists: boolean
): { readonly source: ChromiumSource; readonly path?: string } => {
  const s = setting?.trim()
  if (s === undefined || s === "") return { source: systemExists ? "system" : "npm" }
  if (s === "system" || s === "npm") return { source: s }
  return { source: "path", path: s }
}

/** The directories of Noto Sans SC (regular and bold) inside the npm font package. */
export const npmCjkFontDirs = (): ReadonlyArray<string> => {
  const root = dirname(require.resolve("@expo-google-fonts/noto-sans-sc/package.json"))
  return ["400Regular", "700Bold"].map((w) => join(root, w))
}

/**
 * Writes a fontconfig file into `dir`: the system's configuration when there is one, then the given font
 * directories. Returns its path.
 */
export const writeFontConfig = (dir: string, fontDirs: ReadonlyArray<string>): string => {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, "fonts.conf")
  const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  writeFileSync(
    file,
    [
      `<?xml version="1.0"?>`,
      `<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">`,
      `<fontconfig>`,
      // our cache first: the first writable cache directory is the one fontconfig writes to
      `  <cachedir>${xml(join(dir, "cache"))}</cachedir>`,
      `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>`,
      ...fontDirs.map((d) => `  <dir>${xml(d)}</dir>`),
      `</fontconfig>`,
      ``
    ].join("\n")
  )
  return file
}

/**
 * Finds (and for npm's, unpacks) the Chromium to drive, with a fontconfig file in `workDir` that adds the npm
 * CJK font. Fails with a message saying what to do when the chosen Chromium is not there.
 */
export const resolveBrowser = async (workDir: string): Promise<Browser> => {
  const choice = chooseChromium(process.env.FENGQIAO_CHROMIUM, existsSync(systemChromium))
  const fontDirs = [...npmCjkFontDirs()]
  let executablePath: string
  let args: Array<string>
  if (choice.source === "npm") {
    const { default: Chromium } = await import("@sparticuz/chromium")
    executablePath = await Chromium.executablePath()
    // the headless shell's own fonts (Latin), unpacked beside it
    fontDirs.unshift(join(dirname(executablePath), "fonts"))
    args = ["--no-sandbox", "--no-zygote", "--disable-gpu", "--font-render-hinting=none"]
  } else {
    executablePath = choice.source === "system" ? systemChromium : choice.path!
    args = ["--no-sandbox"]
  }
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not at ${executablePath} (FENGQIAO_CHROMIUM=${process.env.FENGQIAO_CHROMIUM ?? "unset"}): ` +
        "unset FENGQIAO_CHROMIUM to use the system's or the npm package @sparticuz/chromium, or set it to " +
        "`npm`, `system` or a Chromium binary. This test checks the report in a real browser and is not skipped."
    )
  }
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
  env.FONTCONFIG_FILE = writeFontConfig(join(workDir, "fontconfig"), fontDirs)
  return { source: choice.source, executablePath, args, env }
}
