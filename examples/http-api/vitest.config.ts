import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "example-http-api",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000
  }
})
