import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  treeshake: true,
  // the reader threads resolve better-sqlite3 from `import.meta.url`, in the CommonJS build too
  shims: true
})
