import type { ApiVersion } from "./subscription/schema";

/**
 * Graph's documented limits on subscriptions, stated once. The provider validates against them before
 * anything is sent, and the emulator enforces the same numbers, so the two can never drift apart.
 * Per-resource limits (maximum lifetimes, change types, permissions) live in the rule table instead.
 */
export const graphLimits = {
  /** clientState: 128 characters in v1.0 and 255 in beta (subscription resource page of each version; C3). */
  clientStateMaxLength: { "v1.0": 128, beta: 255 } as const satisfies Record<ApiVersion, number>,
  /** encryptionCertificateId "can be up to 128 characters" (rich-notifications page). */
  encryptionCertificateIdMaxLength: 128,
  /** The encryption key must be RSA "between 2,048 bits and 4,096 bits" (rich-notifications page). */
  encryptionKeyBits: { min: 2048, max: 4096 },
  /** Graph raises any shorter expiry to 45 minutes (subscription resource page, expirationDateTime). */
  minimumLifetimeMinutes: 45,
  /** A lifecycleNotificationUrl is required when the expiry is "more than 1 hour from now" on rows that say so. */
  lifecycleUrlRequiredAboveMinutes: 60,
  /** latestSupportedTlsVersion values; Graph "defaults the property to v1_2" (subscription resource page). */
  tlsVersions: ["v1_0", "v1_1", "v1_2", "v1_3"] as const,
  defaultTlsVersion: "v1_2" as const,
  /** A reauthorize must not follow a PATCH within ten minutes (reauthorize page). */
  reauthorizeAfterPatchMinutes: 10,
  /** Graph waits 10 seconds for the validation handshake's answer (webhook delivery page). */
  validationTimeoutMs: 10_000,
  /**
   * expirationDateTime is an internet date-time with a UTC offset. Without one, JavaScript reads the time
   * in the machine's time zone, and a pipeline agent's zone must not decide when a subscription expires.
   */
  dateTimePattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i,
} as const;

export type TlsVersion = (typeof graphLimits.tlsVersions)[number];
