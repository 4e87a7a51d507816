import { packageConfig } from "../../tsup.shared.js"

// the reader threads resolve better-sqlite3 from `import.meta.url`, in the CommonJS build too
export default packageConfig({ shims: true })
