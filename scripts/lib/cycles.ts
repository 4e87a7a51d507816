/**
 * Import cycles between the source modules of each package (`packages/<name>/src`). Shared by
 * `scripts/check-cycles.ts` (run by `pnpm lint`) and the scripts project's test.
 *
 * Every relative module reference counts: `import`, `import type`, `export … from`, `import("…")` and
 * `typeof import("…")`. A type-only import is erased from the JavaScript, but it still ties the two modules'
 * meaning together: a reader (and the declaration bundler) has to load both to understand either, so a type-only
 * cycle is a cycle here too.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"
import { root } from "./packages.js"

/**
 * The relative module specifiers one source file refers to, in order of appearance.
 *
 * @since 0.1.0
 */
export const relativeSpecifiers = (fileName: string, text: string): ReadonlyArray<string> => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const found: Array<string> = []
  const add = (node: ts.Node | undefined) => {
    if (node !== undefined && ts.isStringLiteralLike(node) && node.text.startsWith(".")) found.push(node.text)
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier)
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal)
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0])
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.(m|c)?tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : []
  })

const resolve = (from: string, specifier: string): string | undefined => {
  const base = path.resolve(path.dirname(from), specifier)
  const stem = base.replace(/\.(m|c)?js$/, "")
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, path.join(base, "index.ts")]
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile())
}

/**
 * The module graph of one source folder: each file (relative to `dir`) and the files it refers to.
 *
 * @since 0.1.0
 */
export const moduleGraph = (dir: string): ReadonlyMap<string, ReadonlyArray<string>> => {
  const graph = new Map<string, ReadonlyArray<string>>()
  for (const file of sourceFiles(dir)) {
    const targets = relativeSpecifiers(file, fs.readFileSync(file, "utf8"))
      .map((s) => resolve(file, s))
      .filter((t): t is string => t !== undefined && t.startsWith(dir + path.sep))
      .map((t) => path.relative(dir, t))
    graph.set(path.relative(dir, file), [...new Set(targets)])
  }
  return graph
}

/**
 * The cycles of a module graph: one per strongly connected component with more than one module (or a module that
 * imports itself), given as a path that starts and ends at the same module.
 *
 * @since 0.1.0
 */
export const findCycles = (graph: ReadonlyMap<string, ReadonlyArray<string>>): ReadonlyArray<ReadonlyArray<string>> => {
  // Tarjan's strongly connected components.
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: Array<string> = []
  const onStack = new Set<string>()
  const components: Array<ReadonlyArray<string>> = []
  const connect = (v: string): void => {
    index.set(v, counter)
    low.set(v, counter)
    counter++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const component: Array<string> = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component)
    }
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v)
  // One concrete cycle per component: the shortest way back to its first module (breadth-first inside it).
  return components.map((component) => {
    const members = new Set(component)
    const start = [...component].sort()[0]!
    const previous = new Map<string, string>()
    const queue = [start]
    while (queue.length > 0) {
      const v = queue.shift()!
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w)) continue
        if (w === start) {
          const back = [v]
          while (back[0] !== start) back.unshift(previous.get(back[0]!)!)
          return [...back, start]
        }
        if (!previous.has(w)) {
          previous.set(w, v)
          queue.push(w)
        }
      }
    }
    return [start, start]
  })
}

/**
 * Every cycle in every package's `src`, as `packages/<name>/src/A.ts → … → packages/<name>/src/A.ts`.
 *
 * @since 0.1.0
 */
export const workspaceCycles = (): ReadonlyArray<string> =>
  fs.readdirSync(path.join(root, "packages"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, "packages", d.name, "src")))
    .map((d) => d.name)
    .sort()
    .flatMap((name) => {
      const dir = path.join(root, "packages", name, "src")
      return findCycles(moduleGraph(dir)).map((cycle) =>
        cycle.map((file) => path.posix.join("packages", name, "src", file.split(path.sep).join("/"))).join(" → ")
      )
    })
