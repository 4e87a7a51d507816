import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "packaging",
    include: ["packaging/**/*.test.ts"],
    globalSetup: ["packaging/setup.ts"],
    testTimeout: 150_000,
    hookTimeout: 150_000
  }
})
