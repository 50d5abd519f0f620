import fc from "fast-check";
import { UNKNOWN } from "../../provider/rules/validate";
import { templatesOf } from "../../provider/rules/resourcePath";
import { graphLimits } from "../../provider/limits";

/**
 * Generators shared by the property tests: hostile inputs for Subscription properties, each tagged with
 * what an oracle needs (the secrets it holds, whether it is invalid by construction).
 *
 * Every run uses one fixed seed, so a run is reproducible and CI sees the same cases each time. To replay
 * a failure, pass the seed (and the counterexample path) that fast-check prints with it:
 *
 *   FC_SEED=<seed> FC_PATH=<path> npx jest --selectProjects unit --testPathPatterns test/property/
 *
 * Set FC_SEED alone to explore other cases.
 */
export const seed = process.env.FC_SEED === undefined ? 20260321 : Number(process.env.FC_SEED);

export function runs(numRuns: number): { seed: number; numRuns: number; path?: string } {
  return { seed, numRuns, ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) };
}

// Built once: generating a megabyte per case would dominate the run time.
const megabyte = 1024 * 1024;
export const hugeStrings = [
  "a".repeat(megabyte),
  "../".repeat(megabyte / 3),
  "\u0000\u202e🔥".repeat(megabyte / 4),
  `users/${"x".repeat(megabyte)}/messages`,
] as const;

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const controlCharacter = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((code) => String.fromCharCode(code));
const traversal = fc.constantFrom("../", "..\\", "%2e%2e/", "%2E%2E%2F", "..%2f", "..%5c", "/..;/", "....//", "%252e%252e/", "..", "\\\\server\\share");
const exotic = fc.constantFrom(
  "\u202e", // right-to-left override
  "\u200f",
  "مرحبا",
  "שלום",
  "🔥",
  "👩‍👩‍👧‍👦",
  "\ufeff",
  "\u2028",
  "\u00a0",
  "'",
  '"',
  "`",
  "${x}",
  "%s",
  "%00",
  "?",
  "#",
  "@",
  "&",
  "=",
  "__proto__",
  "constructor",
  UNKNOWN,
);

/** Short strings mixing printable text, control characters, lone surrogates, RTL, emoji and traversal pieces. */
export const hostileString: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: "binary", maxLength: 4 }), controlCharacter, loneSurrogate, traversal, exotic), { maxLength: 6 })
  .map((parts) => parts.join(""));

export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 40, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(...hugeStrings) },
  { weight: 4, arbitrary: fc.string({ minLength: 200, maxLength: 3000 }) },
);

/** Objects or arrays nested up to 60 deep, around any value. */
export const deeplyNested: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 1, max: 60 }), fc.boolean(), fc.jsonValue({ maxDepth: 1 }))
  .map(([depth, asArray, leaf]) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
    return value;
  });

/** Values of the wrong type for a string property: null, undefined, numbers, objects, dates, maps, null prototypes, deep nesting. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -1, NaN, Infinity, -Infinity, 1e308, -0, [], {}, [UNKNOWN], [null]),
  fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withBoxedValues: true, withSparseArray: true }).filter((value) => typeof value !== "string"),
  deeplyNested.filter((value) => typeof value !== "string"),
);

/** A secret: distinctive enough never to occur in a message by chance, with hostile characters inside. */
export const secret: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom("s3cr3t", "pässwörd", "🔑key", "Zq9"), fc.string({ minLength: 6, maxLength: 24, unit: fc.oneof(fc.char(), fc.constantFrom("é", "🔥", "\u202e", "\u0001", "/", "%", ":", "\\")) }))
  .map(([prefix, rest]) => `${prefix}${rest}`);

/** A URL password: characters that may stand in a URL's user-info as written (RFC 3986), percent-escapes included. */
export const urlPassword: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom("pw", "Pa55", "k3y"), fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:%]{6,24}$/))
  .map(([prefix, rest]) => `${prefix}${rest}`);

export interface TaggedUrl {
  value: unknown;
  /** Invalid by construction: a valid result for it is a bug. */
  invalid: boolean;
  /** Text that must never appear in a message. */
  secrets: string[];
}

const host = fc.constantFrom("hooks.example.com", "example.com:8443", "xn--bcher-kva.example", "127.0.0.1", "[::1]", "a.b.c.d.example");
const path = fc.oneof(fc.constantFrom("/n", "/api/notify", "/", ""), traversal.map((piece) => `/${piece}n`), fc.webPath());
const goodUrl = fc.oneof(
  fc.tuple(host, path).map(([h, p]) => `https://${h}${p}`),
  fc.webUrl({ validSchemes: ["https"], withQueryParameters: true }),
  fc.constantFrom(
    "EventHub:https://myns.servicebus.windows.net/eventhubname/hub?tenantId=contoso.com",
    "EventGrid:?azuresubscriptionid=8a-1&resourcegroup=rg&partnertopic=topic&location=westcentralus",
  ),
);

/** notificationUrl / lifecycleNotificationUrl values, valid and invalid, tagged. */
export const taggedUrl: fc.Arbitrary<TaggedUrl> = fc.oneof(
  { weight: 6, arbitrary: goodUrl.map((value) => ({ value, invalid: value.includes("#"), secrets: [] })) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom("user", "hook-user", ""), urlPassword, host, path, fc.constantFrom("https://", "EventHub:https://", "http://", "HTTPS://")).map(
      ([user, password, h, p, scheme]) => ({
        value: `${scheme}${user}:${password}@${h}${p}${scheme.startsWith("EventHub") ? "?tenantId=contoso.com" : ""}`,
        invalid: true,
        secrets: [password],
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(goodUrl, secret).map(([url, key]) => ({ value: `${url}#${key}`, invalid: true, secrets: [] as string[] })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("http://", "javascript:", "file://", "ftp://", "data:text/html,", "//", "", "https:", "https:\\\\", "https:///", "wss://"), host, path)
      .map(([scheme, h, p]) => ({ value: `${scheme}${h}${p}`, invalid: true, secrets: [] })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(goodUrl, fc.oneof(controlCharacter, loneSurrogate, fc.constantFrom(" ", "\t", "\u202e", "\u00a0", "\ufeff")), fc.nat())
      .map(([url, bad, at]) => {
        const index = at % (url.length + 1);
        return { value: `${url.slice(0, index)}${bad}${url.slice(index)}`, invalid: true, secrets: [] };
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom(...hugeStrings).map((huge) => ({ value: `https://hooks.example.com/${huge}`, invalid: true, secrets: [] })) },
  { weight: 2, arbitrary: anyString.map((value) => ({ value, invalid: !/^(https:\/\/|EventHub:https:\/\/|EventGrid:)/i.test(value) && isDefinitelyGiven(value), secrets: [] })) },
  { weight: 1, arbitrary: wrongType.map((value) => ({ value, invalid: isDefinitelyGiven(value), secrets: [] })) },
);

/**
 * A value the provider must validate: not left out, and not Pulumi's unknown sentinel (nor an array
 * holding it, which the provider also treats as unknown during preview).
 */
export function isDefinitelyGiven(value: unknown): boolean {
  const holdsUnknown = (inner: unknown): boolean => inner === UNKNOWN || (Array.isArray(inner) && inner.some(holdsUnknown));
  return value !== undefined && !holdsUnknown(value);
}

/** A query value carrying a secret (Azure Functions' ?code=), on an otherwise good URL: valid, but never to be echoed. */
export const urlWithKey: fc.Arbitrary<TaggedUrl> = fc
  .tuple(fc.constantFrom("https://", "http://", "EventGrid:?partnertopic=t&location=l&resourcegroup=g&azuresubscriptionid="), host, path, fc.stringMatching(/^[A-Za-z0-9\-_]{12,40}$/))
  .map(([scheme, h, p, key]) =>
    scheme.startsWith("EventGrid")
      ? { value: `${scheme}k3y${key}`, invalid: false, secrets: [] }
      : { value: `${scheme}${h}${p}?code=k3y${key}`, invalid: scheme === "http://", secrets: [`k3y${key}`] },
  );

/** expirationDateTime values, tagged invalid when they are not a real date-time with a UTC offset. */
export const taggedDate: fc.Arbitrary<{ value: unknown; invalid: boolean }> = fc.oneof(
  fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).chain((date) =>
    fc.constantFrom(
      { value: date.toISOString(), invalid: false },
      { value: date.toISOString().replace("Z", "+02:00"), invalid: false },
      { value: date.toISOString().replace(".000Z", "Z"), invalid: false },
      { value: date.toISOString().replace("Z", ""), invalid: true },
      { value: date.toISOString().slice(0, 10), invalid: true },
      { value: date.toISOString().replace("T", " "), invalid: true },
      { value: date.toString(), invalid: true },
      { value: date, invalid: true },
      { value: date.getTime(), invalid: true },
    ),
  ),
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 35 }), fc.integer({ min: 0, max: 26 }), fc.integer({ min: 0, max: 62 }), fc.integer({ min: 0, max: 62 }), fc.constantFrom("Z", "z", "+00:00", "-05:30", "+24:00", "+23:99", "", "+0000", "UTC"))
    .map(([year, month, day, hour, minute, second, offset]) => {
      const two = (n: number) => String(n).padStart(2, "0");
      const value = `${String(year).padStart(4, "0")}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${offset}`;
      return { value, invalid: !isDateTimeWithOffset(value) };
    }),
  anyString.map((value) => ({ value, invalid: !isDateTimeWithOffset(value) && isDefinitelyGiven(value) })),
  wrongType.map((value) => ({ value, invalid: isDefinitelyGiven(value) })),
);

/**
 * The oracle for dates, written from RFC 3339 (section 5.6) rather than from the provider's pattern: a
 * full date that exists, hours 00-23, minutes 00-59, seconds 00-59 (60 for a leap second), and an offset
 * Z or ±hh:mm. One relaxation matches the provider's documented choice: the seconds may be left out.
 */
export function isDateTimeWithOffset(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const leap = (year! % 4 === 0 && year! % 100 !== 0) || year! % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month! - 1];
  return days !== undefined && day! >= 1 && day! <= days && hour! <= 23 && minute! <= 59 && second <= 60 && offsetHours <= 23 && offsetMinutes <= 59;
}

const templates = [...templatesOf("v1.0"), ...templatesOf("beta")];
/** Documented resource paths (with their {id} filled in), and the same with traversal and hostile text spliced in. */
export const resource: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...templates).map((template) => template.replace(/\{id\}/g, "abc")) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...templates), fc.oneof(traversal, hostileString), fc.constantFrom("prefix", "infix", "suffix", "id"))
      .map(([template, piece, where]) =>
        where === "prefix" ? `${piece}${template}` : where === "suffix" ? `${template}${piece}` : where === "id" ? template.replace("{id}", piece) : template.replace("/", `/${piece}/`),
      ),
  },
  { weight: 1, arbitrary: fc.constantFrom("https://graph.microsoft.com/v1.0/me/events", "/v1.0/users", "users\\abc\\messages", "me/messages?model=C", "?$filter=x", "") },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: wrongType },
);

const changeType = fc.oneof(
  fc.constantFrom("created", "updated", "deleted", "created,updated", "Created, UPDATED", ["updated"], ["created", "deleted"], [], "", ",", [UNKNOWN]),
  fc.array(fc.oneof(fc.constantFrom("created", "updated", "deleted"), hostileString), { maxLength: 4 }),
  anyString,
  wrongType,
);

const minutes = fc.oneof(fc.integer({ min: -10, max: 50_000 }), fc.double(), fc.constantFrom(UNKNOWN, "60", null), wrongType);

const taggedKeys = new Set(["notificationUrl", "lifecycleNotificationUrl", "expirationDateTime", "clientState"]);

export interface GeneratedInputs {
  inputs: Record<string, unknown>;
  /** Why the inputs can never be valid, when they cannot: the oracle's verdict, for the failure report. */
  invalidBecause: string[];
  secrets: string[];
}

/**
 * Valid inputs to start from, so that most cases pass the schema and reach the rules: a case that fails
 * on its first wrong type says nothing about URLs or lengths.
 */
const validBases: readonly Record<string, unknown>[] = [
  { resource: "users/abc/messages", changeType: "created,updated", notificationUrl: "https://hooks.example.com/n" },
  { resource: "me/mailFolders('Inbox')/messages", changeType: ["created"], notificationUrl: "https://hooks.example.com/n", clientState: "s3cr3t-base" },
  { resource: "chats/getAllMessages", changeType: "created", notificationUrl: "https://hooks.example.com/n", lifecycleNotificationUrl: "https://hooks.example.com/l" },
  { resource: "users", changeType: "updated,deleted", notificationUrl: "EventGrid:?azuresubscriptionid=1&resourcegroup=rg&partnertopic=t&location=l", lifetimeMinutes: 60 },
  { resource: "groups/abc/conversations", changeType: "created", notificationUrl: "https://hooks.example.com/n", includeResourceData: false, renewBeforeMinutes: 30 },
];

/**
 * Subscription inputs: a valid base with up to four properties replaced by generated ones (valid or
 * hostile, sometimes Pulumi's unknown sentinel), and sometimes unknown keys. The secrets (clientState,
 * URL passwords and keys) are recorded, and so is every reason the oracle knows for which the inputs
 * cannot be valid.
 */
export const subscriptionInputs: fc.Arbitrary<GeneratedInputs> = fc
  .record(
    {
      resource,
      changeType,
      notificationUrl: fc.oneof({ weight: 5, arbitrary: taggedUrl }, { weight: 1, arbitrary: urlWithKey }, { weight: 1, arbitrary: fc.constant({ value: UNKNOWN, invalid: false, secrets: [] }) }),
      lifecycleNotificationUrl: fc.oneof(taggedUrl, urlWithKey),
      expirationDateTime: taggedDate,
      clientState: fc.oneof(
        { weight: 9, arbitrary: secret.map((value) => ({ value, secrets: [value] })) },
        { weight: 6, arbitrary: fc.tuple(secret, fc.integer({ min: 1, max: 400 })).map(([value, extra]) => ({ value: value + "x".repeat(extra), secrets: [value] })) },
        { weight: 1, arbitrary: fc.constantFrom(...hugeStrings).map((value) => ({ value: `s3cr3t${value}`, secrets: [] as string[] })) },
        { weight: 3, arbitrary: wrongType.map((value) => ({ value, invalid: isDefinitelyGiven(value), secrets: [] as string[] })) },
      ),
      lifetimeMinutes: minutes,
      renewBeforeMinutes: minutes,
      includeResourceData: fc.oneof(fc.boolean(), wrongType),
      encryptionCertificate: fc.oneof(fc.constant("MIIB"), anyString, wrongType),
      encryptionCertificateId: fc.oneof(fc.string({ maxLength: 200 }), wrongType),
      latestSupportedTlsVersion: fc.oneof(fc.constantFrom(...graphLimits.tlsVersions), hostileString, wrongType),
      paymentModel: fc.oneof(fc.constantFrom("A", "B", "C", "a"), wrongType),
      apiVersion: fc.oneof(fc.constantFrom("v1.0", "beta", "v2", UNKNOWN), wrongType),
      adoptExisting: fc.oneof(fc.boolean(), wrongType),
      reauthorizeTrigger: fc.oneof(fc.string(), fc.integer(), wrongType),
      __provider: fc.constant("serialized provider"),
    },
  )
  .chain((fields) =>
    fc.record({
      // The tagged properties (URLs, date, clientState) are the ones the oracles judge, so they are replaced more often.
      fields: fc
        .tuple(
          fc.shuffledSubarray(Object.entries(fields).filter(([key]) => taggedKeys.has(key)), { minLength: 1, maxLength: 2 }),
          fc.shuffledSubarray(Object.entries(fields).filter(([key]) => !taggedKeys.has(key)), { maxLength: 2 }),
        )
        .map(([tagged, others]) => [...tagged, ...others]),
      base: fc.constantFrom(...validBases),
      extra: fc.oneof(
        { weight: 9, arbitrary: fc.constant({}) },
        {
          weight: 1,
          arbitrary: fc.dictionary(fc.oneof(hostileString, fc.constantFrom("__proto__", "constructor", "notificationURL", "toString")), fc.oneof(fc.jsonValue({ maxDepth: 2 }), deeplyNested), {
            minKeys: 1,
            maxKeys: 2,
          }),
        },
      ),
    }),
  )
  .map(({ fields, base, extra }) => {
    const inputs: Record<string, unknown> = { ...base };
    const invalidBecause: string[] = [];
    const secrets: string[] = typeof base.clientState === "string" ? [base.clientState] : [];
    for (const [key, field] of fields) {
      if (!taggedKeys.has(key)) {
        inputs[key] = field;
        continue;
      }
      const tagged = field as { value: unknown; invalid?: boolean; secrets?: string[] };
      inputs[key] = tagged.value;
      if (tagged.invalid) invalidBecause.push(`${key} is invalid by construction`);
      secrets.push(...(tagged.secrets ?? []));
    }
    // Own properties, as JSON.parse would make them; Object.assign would call the __proto__ setter.
    for (const [key, value] of Object.entries(extra)) Object.defineProperty(inputs, key, { value, enumerable: true, writable: true, configurable: true });
    return { inputs, invalidBecause, secrets };
  });
