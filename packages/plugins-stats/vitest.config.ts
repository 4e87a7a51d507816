import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "plugins-stats",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000
  }
})
