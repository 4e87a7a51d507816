/**
 * Parties to a case (当事人): persons and organisations, with the national identifier checks — the resident
 * identity number (公民身份号码, GB 11643) and the unified social credit code (统一社会信用代码, GB 32100).
 *
 * @since 0.1.0
 */
import * as Arbitrary from "effect/Arbitrary"
import * as Schema from "effect/Schema"
import { isValidCivilDate, Key, Locale, Name, Note, optionalField } from "./Primitives.js"

const idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const idCheckChars = "10X98765432"

/**
 * The check character of the first 17 digits of a resident identity number (GB 11643).
 *
 * @since 0.1.0
 * @category utils
 */
export const residentIdCheckChar = (first17: string): string => {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * idWeights[i]!
  return idCheckChars[sum % 11]!
}

/**
 * Why a string is not a valid 18-character resident identity number, or `undefined` if it is: 17 digits and a
 * check character (`0`–`9` or `X`), a birth date that exists, is not before 1900 and not after today (in
 * China), and the GB 11643 check.
 *
 * @since 0.1.0
 * @category utils
 */
export const residentIdProblem = (s: string): string | undefined => {
  if (!/^\d{17}[\dX]$/.test(s)) return "18 characters: 17 digits and a check digit 0-9 or X"
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`
  if (Number(s.slice(6, 10)) < 1900 || !/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(birth)) {
    return "a birth date (digits 7-14) that exists"
  }
  if (!isValidCivilDate(birth)) return "a birth date (digits 7-14) that exists"
  // today in China (UTC+8): nobody holding a number can have been born later
  if (birth > new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)) {
    return "a birth date (digits 7-14) that is not in the future"
  }
  if (residentIdCheckChar(s) !== s[17]) return "a correct GB 11643 check digit"
  return undefined
}

/**
 * A resident identity number (公民身份号码), validated by GB 11643: birth date and check digit. A lowercase
 * `x` is accepted and normalised to `X`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResidentIdNumber = Schema.transform(
  Schema.String,
  Schema.String.pipe(
    Schema.filter((s) => {
      const p = residentIdProblem(s)
      return p === undefined || `a resident identity number (GB 11643): ${p}`
    }),
    Schema.annotations({
      arbitrary: () => (fc) =>
        fc.tuple(
          fc.constantFrom("222403", "220283", "110105", "420106", "620922"),
          fc.integer({ min: -7300, max: 19000 }),
          fc.integer({ min: 0, max: 999 })
        ).map(([area, day, seq]) => {
          const d = new Date(day * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "")
          const first17 = `${area}${d}${String(seq).padStart(3, "0")}`
          return first17 + residentIdCheckChar(first17)
        })
    })
  ),
  { strict: true, decode: (s) => s.trim().toUpperCase(), encode: (s) => s }
).annotations({ identifier: "ResidentIdNumber" })

/**
 * The birth date (`YYYY-MM-DD`) carried in a valid resident identity number.
 *
 * @since 0.1.0
 * @category utils
 */
export const birthDateOf = (idNumber: string): string =>
  `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`

const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
const usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/**
 * The check character of the first 17 characters of a unified social credit code (GB 32100).
 *
 * @since 0.1.0
 * @category utils
 */
export const creditCodeCheckChar = (first17: string): string => {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += usccChars.indexOf(first17[i]!) * usccWeights[i]!
  const c = 31 - (sum % 31)
  return usccChars[c === 31 ? 0 : c]!
}

/**
 * Why a string is not a valid unified social credit code, or `undefined` if it is.
 *
 * @since 0.1.0
 * @category utils
 */
export const creditCodeProblem = (s: string): string | undefined => {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(s)) {
    return "18 characters from 0-9 and A-Z without I, O, S, V, Z"
  }
  if (creditCodeCheckChar(s) !== s[17]) return "a correct GB 32100 check character"
  return undefined
}

/**
 * A unified social credit code (统一社会信用代码) of an organisation, validated by GB 32100.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreditCode = Schema.transform(
  Schema.String,
  Schema.String.pipe(
    Schema.filter((s) => {
      const p = creditCodeProblem(s)
      return p === undefined || `a unified social credit code (GB 32100): ${p}`
    }),
    Schema.annotations({
      arbitrary: () => (fc) =>
        fc.array(fc.constantFrom(...usccChars), { minLength: 15, maxLength: 15 }).map((xs) => {
          const first17 = `91${xs.join("")}`
          return first17 + creditCodeCheckChar(first17)
        })
    })
  ),
  { strict: true, decode: (s) => s.trim().toUpperCase(), encode: (s) => s }
).annotations({ identifier: "CreditCode" })

/**
 * A phone number: a mainland mobile number (`13812345678`, optionally `+86`) or a landline with its area code
 * (`0433-1234567`). Spaces and `-` between digit groups of a mobile number are removed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Phone = Schema.transform(
  Schema.String,
  Schema.String.pipe(
    Schema.pattern(/^(1[3-9]\d{9}|0\d{2,3}-\d{7,8}(-\d{1,6})?)$/, {
      message: () => "a phone number: an 11-digit mobile number (1[3-9]…) or a landline 0AAA-NNNNNNN"
    }),
    Schema.annotations({
      arbitrary: () => (fc) =>
        fc.tuple(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 })).map(([a, b]) =>
          `1${a}${String(b).padStart(9, "0")}`
        )
    })
  ),
  {
    strict: true,
    decode: (s) => {
      const t = s.trim().replace(/^\+?86[\s-]?/, "")
      return /^1[\d\s-]+$/.test(t) ? t.replace(/[\s-]/g, "") : t
    },
    encode: (s) => s
  }
).annotations({ identifier: "Phone" })

/**
 * The role a party plays in the case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PartyRole = Schema.Literal("applicant", "respondent", "thirdParty").annotations({
  identifier: "PartyRole"
})

/**
 * Marks of a vulnerable party (弱势群体), used by risk graders.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Vulnerability = Schema.Literal(
  "minor",
  "elderly",
  "disabled",
  "pregnant",
  "seriouslyIll",
  "lowIncome",
  "mentalHealth"
).annotations({ identifier: "Vulnerability" })

const personFields = {
  role: PartyRole,
  name: Name,
  idNumber: optionalField(ResidentIdNumber),
  phone: optionalField(Phone),
  sex: optionalField(Schema.Literal("male", "female")),
  ethnicity: optionalField(Name),
  preferredLanguage: optionalField(Locale),
  address: optionalField(Note),
  vulnerabilities: optionalField(Schema.Array(Vulnerability).pipe(Schema.maxItems(7)))
}

/**
 * A natural person.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Person = Schema.TaggedStruct("Person", personFields).annotations({ identifier: "Person" })

/**
 * @since 0.1.0
 * @category models
 */
export type Person = typeof Person.Type

const organisationFields = {
  role: PartyRole,
  name: Name,
  creditCode: optionalField(CreditCode),
  phone: optionalField(Phone),
  address: optionalField(Note),
  kind: optionalField(Key)
}

/**
 * An organisation (a company, a village committee, a property-management firm …).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Organisation = Schema.TaggedStruct("Organisation", organisationFields).annotations({
  identifier: "Organisation"
})

/**
 * @since 0.1.0
 * @category models
 */
export type Organisation = typeof Organisation.Type

/**
 * A party: a {@link Person} or an {@link Organisation}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Party = Schema.Union(Person, Organisation).annotations({ identifier: "Party" })

/**
 * @since 0.1.0
 * @category models
 */
export type Party = typeof Party.Type

/**
 * A resident identity number as shown to someone without the permission to read it in full (个人信息脱敏): the
 * first six and the last four characters, eight `*` between (`220283********1234`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MaskedResidentIdNumber = Schema.String.pipe(
  Schema.pattern(/^\d{6}\*{8}\d{3}[\dX]$/, { message: () => "a masked resident identity number (220283********1234)" })
).annotations({ identifier: "MaskedResidentIdNumber" })

/**
 * A phone number as shown to someone without the permission to read it in full: a mobile number keeps its first
 * three and last four digits (`138****5678`), a landline its area code and last four digits (`0433-***4567`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MaskedPhone = Schema.String.pipe(
  Schema.pattern(/^(1[3-9]\d\*{4}\d{4}|0\d{2,3}-\*{3,4}\d{4}(-\d{1,6})?)$/, {
    message: () => "a masked phone number (138****5678 or 0433-***4567)"
  })
).annotations({ identifier: "MaskedPhone" })

/**
 * Party data encrypted at rest (字段级加密): AES-256-GCM of the party's personal fields under the key `keyId`, with
 * keyed hashes (HMAC-SHA-256) of the normalised ID number and phone for look-ups. Written by the centre when it is
 * given a key service; a store only ever sees this form.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Sealed = Schema.Struct({
  keyId: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9._:-]{1,64}$/)),
  iv: Schema.String.pipe(Schema.maxLength(64)),
  data: Schema.String.pipe(Schema.maxLength(1_000_000)),
  tag: Schema.String.pipe(Schema.maxLength(64)),
  lookup: optionalField(Schema.Struct({
    idNumber: optionalField(Schema.String.pipe(Schema.maxLength(128))),
    phone: optionalField(Schema.String.pipe(Schema.maxLength(128)))
  }))
}).annotations({ identifier: "Sealed" })

/**
 * @since 0.1.0
 * @category models
 */
export type Sealed = typeof Sealed.Type

const arbitraryOf = <A>(schema: Schema.Schema<A, any>) => ({
  // records are generated as the parties commands carry: plain, neither masked nor sealed
  arbitrary: () => (fc: any) => (Arbitrary.makeLazy(schema) as any)(fc)
})

/**
 * A person as a case or an event holds it: like {@link Person}, but the ID number and phone may be masked (in
 * what the centre returns to someone without the permission to read them) and the personal fields may be sealed
 * (at rest, when the centre encrypts party data; the name is then `***`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PersonRecord = Schema.TaggedStruct("Person", {
  ...personFields,
  idNumber: optionalField(Schema.Union(ResidentIdNumber, MaskedResidentIdNumber)),
  phone: optionalField(Schema.Union(Phone, MaskedPhone)),
  sealed: optionalField(Sealed)
}).annotations({ identifier: "PersonRecord", ...arbitraryOf(Person) })

/**
 * An organisation as a case or an event holds it (see {@link PersonRecord}).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OrganisationRecord = Schema.TaggedStruct("Organisation", {
  ...organisationFields,
  phone: optionalField(Schema.Union(Phone, MaskedPhone)),
  sealed: optionalField(Sealed)
}).annotations({ identifier: "OrganisationRecord", ...arbitraryOf(Organisation) })

/**
 * A party as a case or an event holds it: a {@link Party}, possibly masked or sealed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PartyRecord = Schema.Union(PersonRecord, OrganisationRecord).annotations({ identifier: "PartyRecord" })

/**
 * @since 0.1.0
 * @category models
 */
export type PartyRecord = typeof PartyRecord.Type
