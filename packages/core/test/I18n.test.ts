import { describe, expect, it } from "@effect/vitest"
import { roles } from "../src/Actor.js"
import { statuses } from "../src/Case.js"
import { commandNames } from "../src/Command.js"
import * as I18n from "../src/I18n.js"
import { locales } from "../src/Primitives.js"
import * as Taxonomy from "../src/Taxonomy.js"

describe("labels", () => {
  it("every state, command and role has a label in zh-Hans, zh-Hant, en and ko", () => {
    const keys = [
      ...statuses.map((s) => `status.${s}`),
      ...commandNames.map((c) => `command.${c}`),
      ...roles.map((r) => `role.${r}`)
    ]
    for (const key of keys) {
      const labels = I18n.builtInLabels[key]
      expect(labels, key).toBeDefined()
      for (const locale of locales) expect(labels![locale], `${key} ${locale}`).toMatch(/\S/)
    }
  })

  it("every default taxonomy entry is labelled in every language", () => {
    const all = [
      ...Taxonomy.defaultCaseKinds,
      ...Taxonomy.defaultCategories,
      ...Taxonomy.defaultChannels,
      ...Taxonomy.defaultComplexities,
      ...Taxonomy.defaultRiskLevels,
      ...Taxonomy.defaultMediationTypes,
      ...Taxonomy.defaultDispositions,
      ...Taxonomy.defaultDepartmentKinds
    ]
    for (const e of all) for (const locale of locales) expect(e.labels[locale], `${e.id} ${locale}`).toMatch(/\S/)
  })

  it("falls back to zh-Hans, then to the key", () => {
    expect(I18n.pick({ "zh-Hans": "受理" }, "ko")).toBe("受理")
    expect(I18n.label("status.archived", "en")).toBe("Archived")
    expect(I18n.label("no.such.key", "en")).toBe("no.such.key")
  })
})
