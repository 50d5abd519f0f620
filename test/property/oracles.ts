import fc from "fast-check";
import { graphLimits } from "../../provider/limits";
import type { ValidationContext, ValidationResult } from "../../provider/rules/validate";
import { apiVersions, clouds, permissionTypes } from "../../provider/vocabulary";
import { isDateTimeWithOffset, isDefinitelyGiven, type GeneratedInputs } from "./arbitraries";

/** What the property tests assert beyond "never throws": shared by the validate, check and CLI properties. */

export const validationContext: fc.Arbitrary<ValidationContext> = fc.record(
  {
    apiVersion: fc.constantFrom(...apiVersions),
    cloud: fc.constantFrom(...clouds),
    permissionType: fc.constantFrom(...permissionTypes),
    now: fc.constant(new Date("2026-03-21T00:00:00Z")),
  },
  { requiredKeys: ["apiVersion", "cloud", "now"] },
);

/**
 * Why the inputs can never be valid, by the oracles: tagged by construction (URLs, dates), or over a
 * documented length limit. Empty when the oracle does not know.
 */
export function mustBeInvalid({ inputs, invalidBecause }: GeneratedInputs, ctx: ValidationContext): string[] {
  return [...invalidBecause, ...knownProblems(inputs, ctx)];
}

/**
 * Why inputs can never be valid, judged by value alone (for inputs that went through JSON, which changes
 * types): delivery addresses that are not https://, EventHub:https:// or EventGrid:, or that hold
 * credentials, a fragment, whitespace or control characters, or exceed 2,048 characters; dates that are
 * not RFC 3339 date-times with an offset; clientState and encryptionCertificateId over Graph's limits.
 */
export function knownProblems(inputs: Record<string, unknown>, ctx: Pick<ValidationContext, "apiVersion">): string[] {
  const reasons: string[] = [];
  for (const key of ["notificationUrl", "lifecycleNotificationUrl"]) {
    const value = inputs[key];
    if (!isDefinitelyGiven(value)) continue;
    if (typeof value !== "string") reasons.push(`${key} is not a string`);
    else if (value.length > 2048) reasons.push(`${key} is ${value.length} characters`);
    else if (/[\s\p{Cc}\p{Cf}\p{Cs}#]/u.test(value)) reasons.push(`${key} holds whitespace, a control character or a fragment`);
    else if (!/^(https:\/\/|EventHub:https:\/\/|EventGrid:)/i.test(value)) reasons.push(`${key} is not an https:// (or EventHub:/EventGrid:) address`);
    else if (/^(EventHub:)?https:\/\/[^/?#\\]*@/i.test(value)) reasons.push(`${key} carries credentials`);
  }
  const expiration = inputs.expirationDateTime;
  if (isDefinitelyGiven(expiration) && (typeof expiration !== "string" || !isDateTimeWithOffset(expiration))) {
    reasons.push("expirationDateTime is not an RFC 3339 date-time with an offset");
  }
  const given = inputs.apiVersion;
  const apiVersion = given === undefined ? ctx.apiVersion : apiVersions.find((version) => version === given);
  const { clientState, encryptionCertificateId } = inputs;
  if (apiVersion && typeof clientState === "string" && isDefinitelyGiven(clientState) && clientState.length > graphLimits.clientStateMaxLength[apiVersion]) {
    reasons.push(`clientState is ${clientState.length} characters, over ${graphLimits.clientStateMaxLength[apiVersion]}`);
  }
  if (typeof encryptionCertificateId === "string" && isDefinitelyGiven(encryptionCertificateId) && encryptionCertificateId.length > graphLimits.encryptionCertificateIdMaxLength) {
    reasons.push(`encryptionCertificateId is ${encryptionCertificateId.length} characters`);
  }
  return reasons;
}

/** Every message a result carries, as one text, for the no-secrets oracle. */
export function messagesOf(result: Pick<ValidationResult, "failures" | "warnings">): string {
  return [...result.failures.map((failure) => `${failure.property}: ${failure.reason}`), ...result.warnings].join("\n");
}

export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => text.includes(secret));
}
