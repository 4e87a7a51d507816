import { defineConfig } from "tsup"

export default defineConfig({
  // the bundle; dist/index.js and index.cjs, which load it, and the declarations come from scripts/build-package.ts
  entry: { main: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: false,
  sourcemap: true,
  clean: true,
  target: "node20",
  treeshake: true
})
