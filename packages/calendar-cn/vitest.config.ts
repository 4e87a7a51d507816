import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "calendar-cn",
    include: ["test/**/*.test.ts"]
  }
})
