/**
 * Every error the SDK can fail with. Each is a `Schema.TaggedError`: it has a stable `_tag`, serialisable
 * fields and a readable `message`; the Promise API throws these same objects.
 *
 * Each error's schema carries its `_tag` as its `identifier` annotation, so that JSON Schema and OpenAPI documents
 * that include it (an `HttpApi` error, for example) name it `InvalidInput`, `Forbidden` … : a valid OpenAPI
 * component name (`^[a-zA-Z0-9._-]+$`), where the class's package-qualified key `@fengqiao/core/InvalidInput` is not.
 *
 * @since 0.1.0
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { maskText } from "./internal/masking.js"

/**
 * One problem found in an input, with the path of the field (`parties.0.idNumber`) and what was expected there.
 *
 * @since 0.1.0
 * @category models
 */
export const InputIssue = Schema.Struct({
  field: Schema.String,
  expected: Schema.String
})

/**
 * @since 0.1.0
 * @category models
 */
export type InputIssue = typeof InputIssue.Type

/**
 * A command, query or value failed validation. `field` is the path of the first offending field and `expected`
 * says what would have been accepted; `issues` lists every problem found. Nothing was written.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>("@fengqiao/core/InvalidInput")("InvalidInput", {
  field: Schema.String,
  expected: Schema.String,
  issues: Schema.Array(InputIssue)
}, { identifier: "InvalidInput" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Invalid input at "${this.field}": expected ${this.expected}` +
      (this.issues.length > 1 ? ` (and ${this.issues.length - 1} more issue(s))` : "")
  }
}

/**
 * What was expected where a Schema refused a value, in the words of {@link InputIssue}'s `expected`.
 */
const expectedOf = (issue: ParseResult.ArrayFormatterIssue): string => {
  if (issue._tag === "Missing") return "a value (the field is required)"
  if (issue._tag === "Unexpected") return "no such field"
  // messages may quote the input: personal numbers in it are masked, and a long quote is cut short (a megabyte of
  // bad input would otherwise come back in the error, and in every log line that shows it)
  const masked = maskText(issue.message)
  const message = masked.length <= maxExpected
    ? masked
    : `${masked.slice(0, maxExpected)}… (${masked.length} characters in all)`
  return message.startsWith("Expected ") ? message.slice("Expected ".length) : message
}

/** The longest `expected` text kept from a Schema message before it is cut short. */
const maxExpected = 300

/**
 * Builds an {@link InvalidInput} from a Schema decoding failure (the `ParseError` of `Schema.decodeUnknown`, or
 * the `ParseIssue` of `ParseResult.decodeUnknownEither`): one {@link InputIssue} for every problem, its `field`
 * the dotted path of the offending value (`parties.0.idNumber`, `(root)` for the value itself) and `expected`
 * what would have been accepted (`a value (the field is required)` for a missing field, `no such field` for an
 * excess property). ID and phone numbers that the messages quote from the input are masked.
 *
 * `prefix` is put before every path, for input that is part of something larger (`options` → `options.limit`).
 *
 * @example
 * ```ts
 * import { Errors } from "@fengqiao/core"
 * import * as Either from "effect/Either"
 * import * as ParseResult from "effect/ParseResult"
 * import * as Schema from "effect/Schema"
 *
 * const Query = Schema.Struct({ limit: Schema.Int })
 * const decode = (input: unknown): Either.Either<typeof Query.Type, Errors.InvalidInput> =>
 *   Either.mapLeft(
 *     ParseResult.decodeUnknownEither(Query, { errors: "all", onExcessProperty: "error" })(input),
 *     (issue) => Errors.invalidInputFromParseError(issue, { prefix: "query" })
 *   )
 * // decode({ limit: "10" }): an InvalidInput with field "query.limit", expected `number, actual "10"`
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const invalidInputFromParseError = (
  error: ParseResult.ParseError | ParseResult.ParseIssue,
  options: { readonly prefix?: string | undefined } = {}
): InvalidInput => {
  const issue = error._tag === "ParseError" ? error.issue : error
  const prefix = options.prefix ?? ""
  const issues: Array<InputIssue> = ParseResult.ArrayFormatter.formatIssueSync(issue).map((i) => ({
    field: [prefix, ...i.path.map(String)].filter((s) => s !== "").join(".") || "(root)",
    expected: expectedOf(i)
  }))
  // the formatter names at least one problem; should it not, the whole report stands for the value
  if (issues.length === 0) {
    issues.push({ field: prefix || "(root)", expected: maskText(ParseResult.TreeFormatter.formatIssueSync(issue)) })
  }
  return new InvalidInput({ field: issues[0]!.field, expected: issues[0]!.expected, issues })
}

/**
 * The configuration given to a centre (or to `createCenter`) is not valid. Like {@link InvalidInput}, names the
 * field and what was expected.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidConfig extends Schema.TaggedError<InvalidConfig>("@fengqiao/core/InvalidConfig")("InvalidConfig", {
  field: Schema.String,
  expected: Schema.String,
  issues: Schema.Array(InputIssue)
}, { identifier: "InvalidConfig" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Invalid configuration at "${this.field}": expected ${this.expected}` +
      (this.issues.length > 1 ? ` (and ${this.issues.length - 1} more issue(s))` : "")
  }
}

/**
 * No case with this id (or code) exists in the centre.
 *
 * @since 0.1.0
 * @category errors
 */
export class CaseNotFound extends Schema.TaggedError<CaseNotFound>("@fengqiao/core/CaseNotFound")("CaseNotFound", {
  caseId: Schema.String
}, { identifier: "CaseNotFound" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    // a caller may have passed an ID or phone number as the case id or code: the message masks it
    return maskText(`Case ${this.caseId} was not found`)
  }
}

/**
 * The lifecycle table does not allow this command in the case's current state. `enabled` lists what is allowed.
 *
 * @since 0.1.0
 * @category errors
 */
export class CommandNotAllowed
  extends Schema.TaggedError<CommandNotAllowed>("@fengqiao/core/CommandNotAllowed")("CommandNotAllowed", {
    caseId: Schema.String,
    state: Schema.String,
    command: Schema.String,
    enabled: Schema.Array(Schema.String)
  }, { identifier: "CommandNotAllowed" })
{
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.command} is not allowed on case ${this.caseId} in state "${this.state}"; allowed: ${
      this.enabled.join(", ") || "nothing"
    }`
  }
}

/**
 * The lifecycle table allows the command in this state, but one of its guards refused it (for example the
 * mediation type does not fit the lead unit, or the judicial-confirmation window has passed).
 *
 * @since 0.1.0
 * @category errors
 */
export class GuardFailed extends Schema.TaggedError<GuardFailed>("@fengqiao/core/GuardFailed")("GuardFailed", {
  caseId: Schema.String,
  state: Schema.String,
  command: Schema.String,
  guard: Schema.String,
  reason: Schema.String
}, { identifier: "GuardFailed" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    // a plugin guard's reason may quote a party's numbers: the message masks them
    return maskText(
      `${this.command} on case ${this.caseId} (state "${this.state}") refused by guard ${this.guard}: ${this.reason}`
    )
  }
}

/**
 * Another writer appended to the case first. The centre retries commands on conflict (see `retry` in the centre
 * options); this error reaches callers only when the retries are used up, or from a store used directly.
 *
 * @since 0.1.0
 * @category errors
 */
export class VersionConflict
  extends Schema.TaggedError<VersionConflict>("@fengqiao/core/VersionConflict")("VersionConflict", {
    caseId: Schema.String,
    expectedVersion: Schema.Number,
    actualVersion: Schema.Number
  }, { identifier: "VersionConflict" })
{
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Case ${this.caseId} is at version ${this.actualVersion}, expected ${this.expectedVersion}`
  }
}

/**
 * The actor may not do this: the case lies outside the actor's jurisdiction subtree, or the actor's roles do not
 * include the permission. Nothing was read or written.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>("@fengqiao/core/Forbidden")("Forbidden", {
  actorId: Schema.String,
  action: Schema.String,
  reason: Schema.String
}, { identifier: "Forbidden" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return maskText(`Actor ${this.actorId} may not ${this.action}: ${this.reason}`)
  }
}

/**
 * A working-day computation reached a year the calendar has no data for. China's holiday calendar is published
 * each November; supply the next year through `Calendar.make`/`Calendar.extend`.
 *
 * @since 0.1.0
 * @category errors
 */
export class CalendarYearNotCovered
  extends Schema.TaggedError<CalendarYearNotCovered>("@fengqiao/core/CalendarYearNotCovered")(
    "CalendarYearNotCovered",
    {
      calendar: Schema.String,
      year: Schema.Number,
      covered: Schema.Array(Schema.Number)
    },
    { identifier: "CalendarYearNotCovered" }
  )
{
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Calendar "${this.calendar}" has no data for ${this.year} (covered: ${this.covered.join(", ")}); ` +
      `add the year's holidays and make-up workdays with Calendar.extend`
  }
}

/**
 * A storage operation failed for a reason that is not a conflict (connection lost, disk full …).
 *
 * @since 0.1.0
 * @category errors
 */
export class StoreError extends Schema.TaggedError<StoreError>("@fengqiao/core/StoreError")("StoreError", {
  operation: Schema.String,
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect)
}, { identifier: "StoreError" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Store operation ${this.operation} failed: ${this.reason}`
  }
}

/**
 * A stored event or snapshot could not be read: its type is unknown to this version of the SDK (written by a
 * newer one), or its content is corrupt. The `reason` may quote the stored value: the stores mask the personal
 * numbers in it, and the message masks them again (see `Privacy.maskText`).
 *
 * @since 0.1.0
 * @category errors
 */
export class CorruptRecord extends Schema.TaggedError<CorruptRecord>("@fengqiao/core/CorruptRecord")("CorruptRecord", {
  caseId: Schema.String,
  version: Schema.Number,
  reason: Schema.String
}, { identifier: "CorruptRecord" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return maskText(`Record of case ${this.caseId} at version ${this.version} cannot be read: ${this.reason}`)
  }
}

/**
 * The operation was cancelled through its `AbortSignal`.
 *
 * @since 0.1.0
 * @category errors
 */
export class Aborted extends Schema.TaggedError<Aborted>("@fengqiao/core/Aborted")("Aborted", {
  operation: Schema.String
}, { identifier: "Aborted" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.operation} was aborted`
  }
}

/**
 * A plugin's hook failed, threw or timed out inside a command (a guard's store access, `onEvents`, a
 * projection, a risk grader): the command was rolled back, nothing was written.
 *
 * @since 0.1.0
 * @category errors
 */
export class PluginFailed extends Schema.TaggedError<PluginFailed>("@fengqiao/core/PluginFailed")("PluginFailed", {
  plugin: Schema.String,
  hook: Schema.String,
  reason: Schema.String
}, { identifier: "PluginFailed" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Plugin ${this.plugin} failed in ${this.hook}: ${this.reason}`
  }
}

/**
 * A bulk import was refused before anything was written: one command of one case is invalid, forbidden or not
 * allowed. Names the case and command by their positions and carries the underlying error's tag and message.
 *
 * @since 0.1.0
 * @category errors
 */
export class ImportRefused extends Schema.TaggedError<ImportRefused>("@fengqiao/core/ImportRefused")("ImportRefused", {
  caseIndex: Schema.Number,
  commandIndex: Schema.Number,
  error: Schema.String,
  detail: Schema.String
}, { identifier: "ImportRefused" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Import refused at case ${this.caseIndex}, command ${this.commandIndex}: ${this.error}: ${this.detail}`
  }
}

/**
 * A command or an import would take a case (or an import) beyond one of the centre's limits (see `limits` in the
 * centre's options): `eventsPerCase` (the events a case may hold) or `commandsPerImport` (the commands one
 * `importCases` may carry). Refused before anything is decided or written; `limit` names the limit, `max` is its
 * value and `actual` what the command or import would have reached.
 *
 * @since 0.4.0
 * @category errors
 */
export class CaseLimitExceeded
  extends Schema.TaggedError<CaseLimitExceeded>("@fengqiao/core/CaseLimitExceeded")("CaseLimitExceeded", {
    limit: Schema.Literal("eventsPerCase", "commandsPerImport"),
    max: Schema.Number,
    actual: Schema.Number,
    caseId: Schema.optional(Schema.String)
  }, { identifier: "CaseLimitExceeded" })
{
  /**
   * @since 0.4.0
   */
  override get message(): string {
    return `Limit ${this.limit} (${this.max}) exceeded${
      this.caseId === undefined ? "" : ` by case ${this.caseId}`
    }: it would reach ${this.actual}`
  }
}

/**
 * Refusals of a command by the lifecycle: not allowed in this state, or refused by a guard.
 *
 * @since 0.1.0
 * @category models
 */
export type CommandRefused = CommandNotAllowed | GuardFailed
