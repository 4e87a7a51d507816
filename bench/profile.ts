/**
 * Summarises a V8 CPU profile (`.cpuprofile`, as written by `node --cpu-prof`): the hottest functions by self
 * time, the functions with the most inclusive time (time on the stack), and self time by area (Effect, Schema,
 * core modules, Node, GC).
 *
 * tsx minifies whitespace, so a profile taken under tsx places every function of a TypeScript module on line 1.
 * For readable positions, profile an esbuild bundle with a source map; positions are then mapped back to the
 * TypeScript sources (see bench/README.md):
 *
 *   pnpm exec tsx bench/bundle.ts
 *   node --cpu-prof --cpu-prof-dir=bench/results/prof bench/results/prof/bench.mjs center --case=Effect
 *   pnpm exec tsx bench/profile.ts bench/results/prof/<file>.cpuprofile [--top=N] [--filter=substring]
 *
 * `--filter` keeps only samples whose stack contains a function or file matching the substring (for instance
 * `execute` to look at the Center alone, leaving out setup and the other cases). `--skip=SECONDS` drops the
 * samples of the first SECONDS of the process: `run.ts` prints when a benchmark was ready to measure
 * (`ready at N s`), so `--skip=N` leaves out the making of the benchmark (its captures, checks and counts).
 */
import { existsSync, readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: ReadonlyArray<number>
}

interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
  readonly startTime: number
  readonly endTime: number
}

interface Position {
  readonly url: string
  readonly line: number
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/** Decodes source-map `mappings` into, per generated line, [column, source, line] triples sorted by column. */
const decodeMappings = (mappings: string): Array<Array<readonly [number, number, number]>> => {
  const lines: Array<Array<readonly [number, number, number]>> = []
  let src = 0
  let line = 0
  for (const text of mappings.split(";")) {
    const segments: Array<readonly [number, number, number]> = []
    let genCol = 0
    for (const seg of text.split(",")) {
      if (seg === "") continue
      const values: Array<number> = []
      let value = 0
      let shift = 0
      for (const ch of seg) {
        const digit = B64.indexOf(ch)
        value += (digit & 31) << shift
        if (digit & 32) {
          shift += 5
        } else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = 0
          shift = 0
        }
      }
      genCol += values[0]!
      if (values.length >= 4) {
        src += values[1]!
        line += values[2]!
        segments.push([genCol, src, line])
      }
    }
    lines.push(segments)
  }
  return lines
}

const mappers = new Map<string, ((line: number, column: number) => Position | undefined) | undefined>()

/** A function mapping generated positions of a script to its sources, when the script has a source map. */
const mapperFor = (url: string) => {
  if (mappers.has(url)) return mappers.get(url)
  let mapper: ((line: number, column: number) => Position | undefined) | undefined
  try {
    const path = url.startsWith("file://") ? fileURLToPath(url) : url
    if (path.endsWith(".js") || path.endsWith(".mjs")) {
      const code = readFileSync(path, "utf8")
      const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code)?.[1]
      const mapPath = ref === undefined || ref.startsWith("data:") ? undefined : resolve(dirname(path), ref)
      if (mapPath !== undefined && existsSync(mapPath)) {
        const map = JSON.parse(readFileSync(mapPath, "utf8")) as {
          readonly sources: ReadonlyArray<string>
          readonly sourceRoot?: string
          readonly mappings: string
        }
        const lines = decodeMappings(map.mappings)
        const base = resolve(dirname(mapPath), map.sourceRoot ?? "")
        mapper = (line, column) => {
          const segs = lines[line]
          if (segs === undefined || segs.length === 0) return undefined
          let best = segs[0]!
          for (const s of segs) {
            if (s[0] > column) break
            best = s
          }
          return { url: resolve(base, map.sources[best[1]]!), line: best[2] }
        }
      }
    }
  } catch {
    mapper = undefined
  }
  mappers.set(url, mapper)
  return mapper
}

/** The call frame with its position mapped to the original source when possible. */
const original = (f: CallFrame): CallFrame => {
  if (f.url === "" || f.url.startsWith("node:")) return f
  const p = mapperFor(f.url)?.(f.lineNumber, f.columnNumber)
  return p === undefined ? f : { ...f, url: p.url, lineNumber: p.line }
}

const shortUrl = (url: string): string => {
  if (url === "") return ""
  const clean = url.replace(/^file:\/\//, "")
  const nm = clean.lastIndexOf("node_modules/")
  if (nm >= 0) return clean.slice(nm + "node_modules/".length).replace(/^\.pnpm\/[^/]+\/node_modules\//, "")
  const pk = clean.indexOf("/packages/")
  if (pk >= 0) return clean.slice(pk + 1)
  const b = clean.indexOf("/bench/")
  if (b >= 0) return clean.slice(b + 1)
  return clean
}

const keyOf = (f: CallFrame): string =>
  `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}${f.url === "" ? "" : `:${f.lineNumber + 1}`}`

const effectArea = (f: CallFrame): string => {
  const u = f.url
  const file = /\/effect\/(?:src|dist\/(?:esm|cjs))\/(.+)\.(?:ts|js)$/.exec(u)?.[1] ?? u
  if (/^(Schema|ParseResult|SchemaAST)$/.test(file) || file.startsWith("internal/schema/")) {
    return "effect: Schema decode"
  }
  if (/Span|span|Tracer|tracer/.test(f.functionName) || file === "internal/tracer") return "effect: tracing (withSpan)"
  if (/schedule|Schedule/.test(file)) return "effect: Schedule (retry)"
  if (file === "internal/effect/circular") return "effect: Semaphore"
  if (
    /fiberRuntime|internal\/core$|core-effect|internal\/runtime|Scheduler|fiberRefs|fiberRef|runtimeFlags/.test(file)
  ) {
    return "effect: fiber runtime"
  }
  return "effect: data types & other"
}

const areaOf = (f: CallFrame): string => {
  const u = f.url
  if (u === "") return f.functionName.startsWith("(") ? f.functionName : "(native/builtin)"
  if (u.includes("/effect/dist/") || u.includes("/effect/src/") || u.includes("/node_modules/effect/")) {
    return effectArea(f)
  }
  const core = /packages\/core\/src\/(.+)\.ts/.exec(u)
  if (core !== null) return `core: ${core[1]}`
  if (u.includes("/bench/")) return "bench"
  if (u.startsWith("node:")) return "node internals"
  return shortUrl(u)
}

const main = () => {
  const args = process.argv.slice(2).filter((a) => a !== "--")
  const file = args.find((a) => !a.startsWith("--"))
  if (file === undefined) {
    console.error("usage: tsx bench/profile.ts <file.cpuprofile> [--top=N] [--filter=substring] [--skip=SECONDS]")
    process.exitCode = 1
    return
  }
  const top = Number(args.find((a) => a.startsWith("--top="))?.slice(6) ?? 30)
  const filter = args.find((a) => a.startsWith("--filter="))?.slice(9)
  const skipUs = Number(args.find((a) => a.startsWith("--skip="))?.slice(7) ?? 0) * 1e6
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile
  const byId = new Map<number, ProfileNode>()
  const parent = new Map<number, number>()
  for (const n of p.nodes) {
    byId.set(n.id, { ...n, callFrame: original(n.callFrame) })
    for (const c of n.children ?? []) parent.set(c, n.id)
  }
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const areas = new Map<string, number>()
  let total = 0
  let kept = 0
  let at = 0
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v)
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0
    at += p.timeDeltas[i] ?? 0
    if (at < skipUs) continue
    total += dt
    const leaf = byId.get(p.samples[i]!)!
    const stack: Array<CallFrame> = []
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      stack.push(byId.get(id)!.callFrame)
    }
    if (filter !== undefined && !stack.some((f) => f.functionName.includes(filter) || f.url.includes(filter))) continue
    kept += dt
    add(self, keyOf(leaf.callFrame), dt)
    add(areas, areaOf(leaf.callFrame), dt)
    for (const k of new Set(stack.map(keyOf))) add(inclusive, k, dt)
  }
  const pct = (v: number) => `${((v / kept) * 100).toFixed(1).padStart(5)}%`
  const list = (title: string, m: Map<string, number>, n: number) => {
    console.log(`\n${title}`)
    for (const [k, v] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      console.log(`${pct(v)}  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`)
    }
  }
  console.log(
    `${file}: ${(total / 1000).toFixed(0)} ms sampled` +
      (skipUs > 0 ? ` after the first ${skipUs / 1e6} s` : "") +
      (filter === undefined ? "" : `, ${(kept / 1000).toFixed(0)} ms with "${filter}" on the stack (= 100% below)`)
  )
  list("self time by area", areas, 20)
  list(`self time, top ${top} functions`, self, top)
  list(`inclusive time, top ${top} functions`, inclusive, top)
}

main()
