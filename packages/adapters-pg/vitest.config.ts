import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "adapters-pg",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000
  }
})
