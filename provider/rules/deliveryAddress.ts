import { redactUrl } from "../redaction";

/**
 * Where Graph can deliver notifications: a webhook HTTPS URL, or an Event Hubs / Event Grid address
 * (graph-rules §6a). Messages never echo query values, fragments or credentials (see redactUrl):
 * webhook URLs often carry a key in the query (Azure Functions' ?code=), and messages end up in CI logs.
 */
export type DeliveryKind = "https" | "EventHub" | "EventGrid";

/**
 * Graph documents no maximum length for notificationUrl; this is the provider's own bound, far above
 * any real webhook address (keys included), so that a mistaken value (a file's contents, a certificate)
 * is refused with its length instead of being sent, stored in state and echoed into logs.
 */
export const deliveryAddressMaxLength = 2048;

/** graph-rules §6a: webhook HTTPS URL, or the Event Hubs / Event Grid addresses. */
export function deliveryAddressProblem(address: string, allowed: readonly DeliveryKind[]): string | undefined {
  const forms = allowed
    .map((kind) =>
      kind === "https"
        ? "an https:// URL"
        : kind === "EventHub"
          ? "EventHub:https://<namespace or vault>/...?tenantId=<domain>"
          : "EventGrid:?azuresubscriptionid=<id>&resourcegroup=<group>&partnertopic=<topic>&location=<region>",
    )
    .join(", or ");
  if (address.length > deliveryAddressMaxLength) {
    return `is ${address.length} characters long; the provider accepts delivery addresses of at most ${deliveryAddressMaxLength} characters. Use ${forms}`;
  }
  const shown = `'${displayed(address)}'`;
  const character = forbiddenCharacter(address);
  if (character) return `${shown} contains ${character}, which a delivery address cannot hold; remove it, or percent-encode it (a space is %20)`;

  if (/^EventHub:/i.test(address)) {
    if (!allowed.includes("EventHub")) return `${shown} is an Event Hubs address, which this property does not accept; use ${forms}`;
    const target = address.slice("EventHub:".length);
    const problem = webUrlProblem(target);
    if (problem === "not https") return `${shown} must be EventHub: followed by an https:// URL of the Event Hub or Key Vault secret; use ${forms}`;
    if (problem) return `${shown} ${problem}`;
    if (!new URL(target).searchParams.get("tenantId")) return `${shown} lacks ?tenantId=<your tenant's domain, e.g. contoso.com>, which Graph needs to reach the Event Hub`;
    return undefined;
  }
  if (isEventGrid(address)) {
    if (!allowed.includes("EventGrid")) return `${shown} is an Event Grid address, which this property does not accept; use ${forms}`;
    if (address.includes("#")) return `${shown} ${fragmentProblem}`;
    const params = eventGridParams(address);
    const missing = ["azuresubscriptionid", "resourcegroup", "partnertopic", "location"].filter((key) => !params.get(key));
    if (missing.length > 0) return `${shown} lacks ${missing.join(", ")}; write ${forms.split(", or ").find((form) => form.startsWith("EventGrid")) ?? forms}`;
    return undefined;
  }
  const problem = webUrlProblem(address);
  if (problem === "not https") return `${shown} is not an https:// URL; Graph delivers only over HTTPS. Use ${forms}`;
  if (problem) return `${shown} ${problem}`;
  return undefined;
}

const fragmentProblem =
  "has a #fragment, which is never sent to the server, so Graph would deliver to the address without it; remove the # and what follows";

/**
 * What keeps a webhook (or Event Hubs target) URL from being one Graph can deliver to, as the rest of a
 * sentence that starts with the address; "not https" when it is not an https:// URL at all.
 */
function webUrlProblem(value: string): string | undefined {
  // Written out as https:// with forward slashes: WHATWG parsers forgive "https:host" and "https:\\host",
  // but Graph's parser need not, and the address in state should be the one Graph uses.
  if (!/^https:/i.test(value)) return "not https";
  if (!/^https:\/\/[^/\\?#]/i.test(value)) return "is not written as https://<host>/<path>; put two forward slashes after https: and then the host name";
  const url = tryUrl(value);
  if (!url || !url.hostname) return "not https";
  if (value.includes("\\")) return "contains a backslash; write the path with forward slashes";
  const authority = value.slice("https://".length).split(/[/?#]/, 1)[0] ?? "";
  if (url.username || url.password || authority.includes("@")) {
    // Never name the user or the password: this message goes to the console, CI logs and state.
    return (
      "carries a user name or password (user:password@host); credentials in a URL end up in plain text in Pulumi state and in logs. " +
      "Remove them, and authenticate notifications with clientState (a secret Graph sends back in every notification) or with a key in the path"
    );
  }
  if (value.includes("#")) return fragmentProblem;
  return undefined;
}

/**
 * Spaces, control characters (C0, DEL, C1), invisible format characters such as the right-to-left
 * override (which make a logged address read differently from what it is) and lone surrogates (which
 * UTF-8 cannot encode). Named by code point, never shown raw.
 */
function forbiddenCharacter(address: string): string | undefined {
  const match = /[\s\p{Cc}\p{Cf}\p{Cs}]/u.exec(address);
  if (!match) return undefined;
  const codePoint = match[0].codePointAt(0) ?? 0;
  const name = match[0] === " " ? "a space" : `the character U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
  return `${name} at position ${match.index + 1}`;
}

/** The address as a message may quote it: credentials, query values and fragment masked, control characters escaped, length capped. */
function displayed(address: string): string {
  // Masked before it is cut: a cut could fall inside a long password and hide the @ that marks it.
  const masked = redactUrl(address);
  const cut = masked.length > displayLength ? `${masked.slice(0, displayLength)}…` : masked;
  return cut.replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}
const displayLength = 200;

export function isEventGrid(address: string): boolean {
  return /^EventGrid:/i.test(address);
}

/** Keys lowercased: the Event Grid article writes them lowercase, and nothing says case matters. */
export function eventGridParams(address: string): Map<string, string> {
  const query = address.slice("EventGrid:".length).replace(/^\?/, "");
  return new Map([...new URLSearchParams(query)].map(([key, value]) => [key.toLowerCase(), value]));
}

function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
