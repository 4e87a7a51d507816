/**
 * The tsup options every package builds with: the bundle only — `dist/main.js` and `dist/main.cjs`; the entry points
 * that load it and the declarations come from scripts/build-package.ts.
 */
import { defineConfig, type Options } from "tsup"

export const packageConfig = (extra: Options = {}) =>
  defineConfig({
    entry: { main: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: false,
    sourcemap: true,
    clean: true,
    target: "node20",
    treeshake: true,
    ...extra
  })
