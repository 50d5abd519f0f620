import { secretInputFields, secretInputNames } from "../subscription/inputs";

/**
 * Property values as the engine sends them to a native provider that accepts secrets, and back. A secret is
 * an object `{ [sigKey]: secretSig, value }` (Pulumi's rpc.ts names these constants; they are part of the
 * provider protocol). The operations work on plain values, exactly as the dynamic front hands them over, so
 * each request is revealed on the way in and concealed on the way out:
 * - the input table's secrets (clientState, connection.clientSecret) are always concealed, whatever the
 *   program sent, so state holds them encrypted in every language;
 * - any other top-level property that arrived secret goes back secret (a secret notificationUrl stays one).
 */
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const outputValueSig = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** The engine's unknown value (preview), which the validator already understands (rules/validate.ts, UNKNOWN). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Properties = Record<string, unknown>;

export interface Revealed {
  plain: Properties;
  /** Top-level properties that arrived secret: as a whole, or (but for the table's object inputs, whose secret fields are known) anywhere inside. */
  secretNames: ReadonlySet<string>;
}

function isSigned(value: unknown, sig: string): value is { value?: unknown; secret?: boolean } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[sigKey] === sig;
}

/** The value with every secret and output wrapper removed; `found` is set when a secret was inside. */
function unwrap(value: unknown, found: { secret: boolean }): unknown {
  if (isSigned(value, secretSig)) {
    found.secret = true;
    return unwrap(value.value, found);
  }
  if (isSigned(value, outputValueSig)) {
    if (value.secret) found.secret = true;
    return "value" in value ? unwrap(value.value, found) : unknownValue;
  }
  if (Array.isArray(value)) return value.map((item) => unwrap(item, found));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrap(item, found)]));
  }
  return value;
}

export function reveal(properties: Properties | undefined): Revealed {
  const plain: Properties = {};
  const secretNames = new Set<string>();
  for (const [name, value] of Object.entries(properties ?? {})) {
    const found = { secret: false };
    plain[name] = unwrap(value, found);
    const whole = isSigned(value, secretSig) || (isSigned(value, outputValueSig) && value.secret === true);
    if (whole || (found.secret && !(name in secretInputFields))) secretNames.add(name);
  }
  return { plain, secretNames };
}

export function secret(value: unknown): unknown {
  return { [sigKey]: secretSig, value };
}

const tableSecrets: ReadonlySet<string> = new Set(secretInputNames);

/** Plain properties as the engine is to store them: the table's secrets, and what arrived secret, concealed. */
export function conceal(properties: Properties, arrivedSecret: ReadonlySet<string> = new Set()): Properties {
  const concealed: Properties = {};
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    const fields = (secretInputFields as Record<string, readonly string[] | undefined>)[name];
    if (tableSecrets.has(name) || arrivedSecret.has(name)) {
      concealed[name] = secret(value);
    } else if (fields && typeof value === "object" && value !== null && !Array.isArray(value)) {
      // An object input keeps its other fields readable; only its secret fields are concealed.
      concealed[name] = Object.fromEntries(
        Object.entries(value).map(([field, item]) => [field, fields.includes(field) && item !== undefined ? secret(item) : item]),
      );
    } else {
      concealed[name] = value;
    }
  }
  return concealed;
}
