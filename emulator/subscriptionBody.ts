import { X509Certificate } from "node:crypto";
import { graphLimits } from "../provider/limits";
import { graphBooleanInputs, graphStringInputs } from "../provider/subscription/inputs";
import { changeTypes, type ChangeType } from "../provider/vocabulary";
import { graphDateTimeFromText } from "./clock";
import { badRequest } from "./graphErrors";
import { needsHandshake } from "./handshake";

/**
 * Reading a subscription request body the way Graph does: only the subscription type's properties, each
 * of its JSON type, and values in the forms the docs require. Every failure is a 400 that names what is
 * wrong; the store (subscriptions.ts) applies the rules that need the caller, the rule table or the clock.
 */

export type Body = Record<string, unknown>;

export const payloadMessage =
  "Could not process subscription creation payload. Are all property names spelled and camelCased properly? Also are the dateTimeOffest properties in a valid internet date-time format?";

// The subscription type's properties (subscription resource page; graph-rules §1): the provider's input
// table names Graph's writable ones; the rest are Graph's own (read-only, but accepted in a body as Graph
// accepts them). Anything else is not a property of microsoft.graph.subscription and is refused by name.
const stringProperties = [...graphStringInputs, "notificationContentType", "id", "applicationId", "creatorId", "@odata.type"];
const booleanProperties: readonly string[] = graphBooleanInputs;
const { dateTimePattern: internetDateTime, encryptionKeyBits: rsaKeyBits } = graphLimits;

export function readBody(raw: unknown, operation: "creation" | "update"): Body {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw badRequest(payloadMessage.replace("creation", operation), "InvalidRequest");
  }
  const body = raw as Body;
  for (const [name, value] of Object.entries(body)) {
    const isString = stringProperties.includes(name);
    const isBoolean = booleanProperties.includes(name);
    if (!isString && !isBoolean) {
      throw badRequest(
        `The property '${name}' does not exist on type 'microsoft.graph.subscription'. Make sure to only use property names that are defined by the type.`,
        "BadRequest",
      );
    }
    if (value !== null && typeof value !== (isString ? "string" : "boolean")) {
      throw badRequest(payloadMessage.replace("creation", operation), "InvalidRequest");
    }
  }
  return body;
}

export function readChangeType(value: string): ChangeType[] {
  const parts = value.split(",").map((part) => part.trim().toLowerCase());
  if (parts.some((part) => !(changeTypes as readonly string[]).includes(part))) {
    throw badRequest(`'${value}' is not a valid changeType; use a comma-separated list of created, updated, deleted.`, "InvalidRequest");
  }
  return parts as ChangeType[];
}

export function readNotificationUrl(value: string, property: string): string {
  if (!needsHandshake(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`Invalid ${property} '${value}'.`, "InvalidRequest");
  }
  if (url.protocol !== "https:") throw badRequest(`The ${property} must use HTTPS.`, "ValidationError");
  return value;
}

/**
 * Graph's DateTimeOffset needs an internet date-time (RFC 3339) with a UTC offset: "Z" or ±hh:mm. A time
 * without one (e.g. 2030-01-01T00:00:00) is refused, where JavaScript would read it as local time. The
 * result is Graph's stored form: UTC with the seven fractional digits as sent (see graphDateTimeFromText).
 */
export function readDate(value: unknown): string {
  if (typeof value !== "string" || !internetDateTime.test(value) || Number.isNaN(Date.parse(value))) {
    throw badRequest(payloadMessage, "InvalidRequest");
  }
  return graphDateTimeFromText(value);
}

/** encryptionCertificate: a Base64-encoded DER X.509 certificate whose public key is RSA of 2048 to 4096 bits. */
export function readEncryptionCertificate(value: string): void {
  const invalid = () => badRequest("encryptionCertificate must be a Base64-encoded X.509 certificate (DER).", "InvalidRequest");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) throw invalid();
  const der = Buffer.from(value, "base64");
  // 0x30: an ASN.1 SEQUENCE, as a DER certificate starts; X509Certificate would also take PEM text.
  if (der[0] !== 0x30) throw invalid();
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    throw invalid();
  }
  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== "rsa") {
    throw badRequest("Invalid encryptionCertificate: The key must be of type RSA.", "InvalidRequest");
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < rsaKeyBits.min || bits > rsaKeyBits.max) {
    throw badRequest(
      `Invalid encryptionCertificate: The key size must be between 2,048 bits and 4,096 bits; this key has ${bits} bits.`,
      "InvalidRequest",
    );
  }
}

export function optionalString(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}
