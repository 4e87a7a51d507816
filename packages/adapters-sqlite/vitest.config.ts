import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "adapters-sqlite",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000
  }
})
