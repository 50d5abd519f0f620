import { subscriptionQuotas, type QuotaScope, type SubscriptionQuota } from "../provider/limits";
import { parseResource } from "../provider/rules/resourcePath";
import { GraphError } from "./graphErrors";

/**
 * Graph's subscription quotas (provider/limits.ts, subscriptionQuotas), always enforced, as Graph does.
 * A quota counts live subscriptions that share its key (the tenant, the app, the mailbox, or the chat,
 * channel or team in the resource path); creating one more than the limit is refused with 403. Tests may
 * lower a limit so they need not create 1,000 subscriptions to meet it.
 */

/** What a quota needs to know about a subscription, live or about to be created. */
export interface QuotaSubject {
  tenantId: string;
  applicationId: string;
  /** The signed-in user for delegated callers, whose mailbox `me/...` names. */
  creatorId: string;
  resource: string;
  resourceType: string;
}

export interface QuotaState extends SubscriptionQuota {
  /** The documented limit, when a test has changed `limit`. */
  documentedLimit: number;
}

const quotaIds = subscriptionQuotas.map((quota) => quota.id);

export class Quotas {
  private limits = new Map<string, number>();
  /** Each stored subscription's quota keys (keyOf). */
  private readonly keys = new WeakMap<QuotaSubject, { from: string; keys: Map<string, string | undefined> }>();

  /** `startup` lowers (or raises) limits by quota id; reset returns to it. */
  constructor(private readonly startup: Readonly<Record<string, number>> = {}) {
    this.reset();
  }

  setLimits(limits: Readonly<Record<string, unknown>>): QuotaState[] {
    for (const [id, limit] of Object.entries(limits)) {
      if (!quotaIds.includes(id)) throw new Error(`no quota '${id}'; the quotas are ${quotaIds.join(", ")}`);
      if (!(Number.isInteger(limit) && (limit as number) >= 0)) throw new Error(`quota ${id} must be a whole number >= 0, got ${String(limit)}`);
    }
    for (const [id, limit] of Object.entries(limits)) this.limits.set(id, limit as number);
    return this.list();
  }

  list(): QuotaState[] {
    return subscriptionQuotas.map((quota) => ({ ...quota, limit: this.limitOf(quota), documentedLimit: quota.limit }));
  }

  reset(): void {
    this.limits.clear();
    this.setLimits(this.startup);
  }

  /** Throws Graph's 403 when `candidate` would be one subscription too many for any quota it counts against. */
  check(candidate: QuotaSubject, live: readonly QuotaSubject[]): void {
    for (const quota of subscriptionQuotas) {
      const key = quotaKey(quota, candidate);
      if (key === undefined) continue;
      const limit = this.limitOf(quota);
      const used = live.filter((subscription) => this.keyOf(quota, subscription) === key).length;
      if (used >= limit) {
        throw new GraphError(
          403,
          "Forbidden",
          `Maximum number of subscriptions has been reached: ${limit.toLocaleString("en-US")} ${quota.description} (quota '${quota.id}').`,
        );
      }
    }
  }

  /**
   * quotaKey of a stored subscription, worked out once: a check compares the candidate with every live subscription,
   * and parsing each one's path every time made a fleet's creates quadratic (5,000 creates, 12.5 million parses).
   */
  private keyOf(quota: SubscriptionQuota, subject: QuotaSubject): string | undefined {
    // The admin API can change a subscription in place: what the keys were worked out from is kept with them.
    const from = [subject.tenantId, subject.applicationId, subject.creatorId, subject.resource, subject.resourceType].join("\n");
    let known = this.keys.get(subject);
    if (known?.from !== from) this.keys.set(subject, (known = { from, keys: new Map() }));
    if (!known.keys.has(quota.id)) known.keys.set(quota.id, quotaKey(quota, subject));
    return known.keys.get(quota.id);
  }

  private limitOf(quota: SubscriptionQuota): number {
    return this.limits.get(quota.id) ?? quota.limit;
  }
}

/** Which allowance the subscription uses up under this quota; undefined when the quota does not count it. */
function quotaKey(quota: SubscriptionQuota, subject: QuotaSubject): string | undefined {
  if (!quota.resourceTypes.includes(subject.resourceType)) return undefined;
  const part = scopePart(quota.scope, subject);
  return part === undefined ? undefined : `${subject.tenantId}\n${part}`;
}

const idAfter: Record<Extract<QuotaScope, `app+${string}`>, string | undefined> = {
  "app+tenant": undefined,
  "app+chat": "chats",
  "app+channel": "channels",
  "app+team": "teams",
};

function scopePart(scope: QuotaScope, subject: QuotaSubject): string | undefined {
  if (scope === "tenant") return "";
  const segments = segmentsOf(subject.resource, subject.creatorId);
  if (scope === "mailbox") return segments[0] === "users" && segments[1] ? `mailbox ${segments[1]}` : undefined;
  const collection = idAfter[scope];
  if (collection === undefined) return `app ${subject.applicationId}`;
  const at = segments.indexOf(collection);
  const id = at === -1 ? undefined : segments[at + 1];
  // teams/getAllMessages, chats/getAllMembers and the like name no one chat, channel or team.
  if (id === undefined || id.startsWith("getall")) return undefined;
  return `app ${subject.applicationId} ${collection} ${id}`;
}

/** Lowercased path segments with key syntax unfolded (`users('x')` -> users, x) and `me` read as the creator. */
function segmentsOf(resource: string, creatorId: string): string[] {
  const parsed = parseResource(resource);
  if (!parsed.ok) return [];
  const segments = parsed.value.path.split("/").flatMap((segment) => {
    const key = /^([^(]+)\((.*)\)$/.exec(segment);
    return key ? [key[1]!, key[2]!.replace(/^(['"])(.*)\1$/, "$2")] : [segment];
  });
  const lower = segments.map((segment) => segment.toLowerCase()).filter((segment) => segment.length > 0);
  return lower[0] === "me" ? ["users", creatorId.toLowerCase(), ...lower.slice(1)] : lower;
}
