import { createHash } from "node:crypto";

/**
 * How the provider recognises subscriptions its own interrupted runs left behind.
 *
 * A killed `pulumi up` can leave a subscription that Graph created but Pulumi never recorded. The next
 * run asks for it again and Graph answers 409 (one subscription per resource and changeType). Graph
 * holds nothing the provider may freely write except the expiry, and it keeps expirationDateTime to
 * seven fractional digits as sent (update page example: `2016-11-22T18:23:45.9356913Z`). So every
 * expiry the provider sends carries, in its sub-second digits, a mark derived from the resource's
 * identity in the program (project, stack, resource name): 10^7 values, moving the expiry by under a
 * second. A conflicting subscription whose expiry carries this resource's mark, and whose immutable
 * properties match, is the resource's own and is taken back; anything else still gets the 409 error,
 * unless adoptExisting says to take it.
 *
 * Limits (also in the README): a subscription renewed outside Pulumi loses its mark and counts as
 * foreign; two resources share a mark only if their identities collide in seven digits; renaming the
 * project, stack or resource changes the mark (the next renewal writes the new one).
 */
export const ownerMarkPattern = /^\d{7}$/;

export function ownerMarkFor(project: string, stack: string, name: string): string {
  return markOfText(`${project}\u0000${stack}\u0000${name}`);
}

/** Seven digits from a SHA-256 of the text: the mark's 10^7 values. */
function markOfText(text: string): string {
  return String(createHash("sha256").update(text).digest().readUInt32BE(0) % 10_000_000).padStart(7, "0");
}

/** The instant, to the whole second, with the mark as its fraction. Without a mark, unchanged. */
export function stampExpiry(expiry: string, mark: string | undefined): string {
  if (mark === undefined) return expiry;
  const seconds = Math.floor(Date.parse(expiry) / 1000) * 1000;
  return `${new Date(seconds).toISOString().slice(0, 19)}.${mark}Z`;
}

/** The seven sub-second digits of an expiry as Graph wrote it, if it has seven. */
export function markOf(expiry: string): string | undefined {
  return /\.(\d{7})(Z|[+-]\d{2}:\d{2})$/i.exec(expiry)?.[1];
}

/**
 * The mark of one subscription of a SubscriptionSet: the set's identity and the resource path, so each item a
 * killed run left behind is recognised as that item's. Two items sharing a mark is harmless: Graph's 409 is per
 * resource, and adoption also compares the resource.
 */
export function itemMarkFor(setMark: string, resource: string): string {
  return markOfText(`${setMark}\u0000${resource}`);
}
