/**
 * Text that leaves the provider (error messages, check failures, logs) must not carry secrets: they end
 * up in Pulumi's output, CI logs and support tickets. Graph's error messages and bodies can echo what was
 * sent (clientState, a notificationUrl with Azure Functions' ?code= key), and a transport error can
 * include an Authorization header.
 */

/** What a secret is replaced by. */
export const hiddenMarker = "(hidden)";

/** What a URL query value, a URL fragment or URL credentials are replaced by. */
export const maskedValue = "***";

/**
 * `text` with every known secret, token and URL query value hidden:
 *
 * - each non-empty value in `secrets` (clientState, client secret, access token), also in its
 *   percent-encoded, form-encoded and JSON-escaped forms, becomes `(hidden)`;
 * - JWTs (`eyJ…` with three or more base64url parts) and `Bearer …` credentials (16 characters or more)
 *   become `(hidden)`;
 * - in https://, http://, EventHub:https:// and EventGrid:? addresses, query values, the fragment and
 *   any user:password@ become `***` (`?a=1&b=2` → `?a=***&b=***`).
 *
 * If a secret could still be read in the result (a secret such as `*` that the masks themselves
 * contain, or one that the replacements joined back together), the whole text is replaced by
 * `(hidden)`: an unreadable message is better than a leaked secret.
 */
export function redact(text: string, secrets: Iterable<string | null | undefined> = []): string {
  const known = secretForms(secrets);
  let result = text;
  for (const secret of known) result = result.split(secret).join(hiddenMarker);
  result = result
    .replace(jwt, hiddenMarker)
    .replace(bearer, (_match, scheme: string) => `${scheme} ${hiddenMarker}`)
    .replace(address, maskAddress);
  return known.some((secret) => result.includes(secret)) ? hiddenMarker : result;
}

/**
 * One address with its query values, fragment and credentials masked, for messages that quote it:
 * `https://user:pw@host/n?code=abc#x` → `https://***@host/n?code=***#***`. Works on the text as written,
 * so it also masks addresses that do not parse as URLs.
 */
export function redactUrl(value: string): string {
  return maskFragment(maskQueryValues(maskCredentials(value)));
}

/** `?a=1&b=2` → `?a=***&b=***`; a bare item (`?token`) is masked whole. Text before the first `?` is kept. */
export function maskQueryValues(value: string): string {
  const start = value.indexOf("?");
  if (start === -1) return value;
  const fragmentAt = value.indexOf("#", start);
  const end = fragmentAt === -1 ? value.length : fragmentAt;
  const pairs = value
    .slice(start + 1, end)
    .split("&")
    .map((pair) => {
      if (pair.length === 0) return pair;
      const at = pair.indexOf("=");
      return at === -1 ? maskedValue : `${pair.slice(0, at)}=${maskedValue}`;
    });
  return `${value.slice(0, start + 1)}${pairs.join("&")}${value.slice(end)}`;
}

/**
 * Hides `user:password@` in the authority. Conservative: any `@` before the query or fragment ends the
 * masked part, because a password may itself hold a `/` that a URL parser would read as the path.
 */
function maskCredentials(value: string): string {
  const schemeEnd = /^(?:EventHub:)?[a-z][a-z0-9+.-]*:(?:[/\\]{2})?/i.exec(value)?.[0].length ?? 0;
  const end = value.slice(schemeEnd).search(/[?#]/);
  const head = end === -1 ? value.slice(schemeEnd) : value.slice(schemeEnd, schemeEnd + end);
  const at = head.lastIndexOf("@");
  if (at === -1) return value;
  return `${value.slice(0, schemeEnd)}${maskedValue}${value.slice(schemeEnd + at)}`;
}

function maskFragment(value: string): string {
  const at = value.indexOf("#");
  return at === -1 || at === value.length - 1 ? value : `${value.slice(0, at + 1)}${maskedValue}`;
}

function maskAddress(match: string): string {
  return redactUrl(match);
}

/**
 * The forms a secret takes in the text Graph or the network returns: as written, percent-encoded (a URL),
 * form-encoded (a token request) and JSON-escaped (a response body). Longest first, so that a secret
 * containing another is replaced whole.
 */
function secretForms(secrets: Iterable<string | null | undefined>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length === 0) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
    try {
      forms.add(encodeURIComponent(secret));
    } catch {
      // A lone surrogate cannot be percent-encoded, so it cannot appear percent-encoded either.
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

// The look-behind lets a match start only where a base64url run starts, which keeps the scan linear
// even for adversarial text such as "eyJeyJeyJ…".
const jwt = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}/g;
// RFC 6750's b64token characters. Sixteen at least, so that prose ("the bearer of") is left alone; access
// tokens are far longer. The scheme name is case-insensitive (RFC 7235), so "authorization: bearer" counts.
const bearer = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]{16,}=*/gi;
// Up to the first character that cannot be part of an address in running text or a JSON string.
const address = /(?:\b(?:EventHub:)?https?:\/\/|\bEventGrid:\?)[^\s"'<>`]*/gi;
