import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "example-county-center",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000
  }
})
