import { randomUUID } from "node:crypto";
import { graphLimits } from "../provider/limits";
import { patchableGraphInputs, requiredGraphInputs } from "../provider/subscription/inputs";
import { matchRules, parseResource, resourceIdentity } from "../provider/rules/resourcePath";
import { queryRuleFailures } from "../provider/rules/queryRules";
import { acceptedPermissions, permissionsFor, type ResourceRule } from "../provider/rules/ruleTable";
import { canonicalChangeType, type ApiVersion, type ChangeType, type Cloud } from "../provider/vocabulary";
import type { Caller } from "./authority";
import { epochMs, graphDateTime, graphDateTimeFromText, type EmulatedClock } from "./clock";
import { badRequest, GraphError, notFound } from "./graphErrors";
import { needsHandshake, validateEndpoint } from "./handshake";
import type { Quotas } from "./quotas";
import {
  optionalString,
  readBody,
  readChangeType,
  readDate,
  readEncryptionCertificate,
  readNotificationUrl,
} from "./subscriptionBody";

/**
 * The subscription store and the rules Graph applies to it: create, get, list, update (PATCH),
 * delete and reauthorize, as documented on the subscription API pages
 * (https://learn.microsoft.com/en-us/graph/api/resources/subscription). Sections cited as "§n" refer to
 * the project's research notes on Graph's rules.
 */

export interface StoredSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  /** Graph's stored form: UTC with seven fractional digits, as sent (see graphDateTimeFromText). */
  expirationDateTime: string;
  includeResourceData: boolean;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  latestSupportedTlsVersion: string;
  notificationQueryOptions: string | null;
  notificationUrlAppId: string | null;
  notificationContentType: string;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  /** The API version it was created through; the matched rule row belongs to it. */
  apiVersion: ApiVersion;
  ruleId: string;
  /** The matched row's resourceType, which the quotas count by. */
  resourceType: string;
  createdDateTime: Date;
  lastReauthorizedDateTime: Date | null;
}

/** Out-of-band changes an admin may make, bypassing every rule. */
export type SubscriptionChanges = Partial<
  Pick<StoredSubscription, "notificationUrl" | "lifecycleNotificationUrl" | "clientState" | "resource" | "changeType">
> & { expirationDateTime?: Date | string };

export interface SubscriptionStoreOptions {
  clock: EmulatedClock;
  /** The emulator CA, for handshakes with local receivers. */
  ca: string;
  validationTimeoutMs: number;
  /** Aborted when the emulator closes, ending any handshake in flight. */
  signal: AbortSignal;
  quotas: Quotas;
  /** Every row Graph serves: the rule table, plus any resource Graph shipped after the table was made. */
  rules: readonly ResourceRule[];
  /** The national cloud this Graph is: a resource whose API does not exist here is not found. */
  cloud: Cloud;
}

const requiredProperties = requiredGraphInputs;
const updatableProperties = patchableGraphInputs;
// Graph's limits are the provider's: one statement of them (provider/limits.ts) for both.
const {
  minimumLifetimeMinutes,
  tlsVersions,
  clientStateMaxLength: clientStateLimit,
  encryptionCertificateIdMaxLength: certificateIdMaxLength,
  lifecycleUrlRequiredAboveMinutes,
  defaultTlsVersion,
} = graphLimits;

export class SubscriptionStore {
  private readonly subscriptions = new Map<string, StoredSubscription>();
  /** resourceIdentity by path (identityOf). */
  private readonly identities = new Map<string, string>();

  constructor(private readonly options: SubscriptionStoreOptions) {}

  async create(caller: Caller, apiVersion: ApiVersion, raw: unknown): Promise<StoredSubscription> {
    const body = readBody(raw, "creation");
    for (const name of requiredProperties) {
      if (body[name] === undefined || body[name] === null || body[name] === "") {
        throw badRequest(`'${name}' is a required property for subscription creation.`, "InvalidRequest");
      }
    }
    const resource = body.resource as string;
    const changeType = readChangeType(body.changeType as string);
    const notificationUrl = readNotificationUrl(body.notificationUrl as string, "notificationUrl");
    const lifecycleNotificationUrl = optionalString(body.lifecycleNotificationUrl);
    if (lifecycleNotificationUrl !== null) readNotificationUrl(lifecycleNotificationUrl, "lifecycleNotificationUrl");
    const clientState = optionalString(body.clientState);
    if (clientState !== null && clientState.length > clientStateLimit[apiVersion]) {
      throw badRequest(`clientState must be at most ${clientStateLimit[apiVersion]} characters.`, "InvalidRequest");
    }
    const tls = optionalString(body.latestSupportedTlsVersion) ?? defaultTlsVersion;
    if (!(tlsVersions as readonly string[]).includes(tls)) {
      throw badRequest(`Invalid latestSupportedTlsVersion '${tls}'; use one of ${tlsVersions.join(", ")}.`, "InvalidRequest");
    }

    const rule = this.authorize(caller, resource, apiVersion);
    if (rule.changeTypes && changeType.some((part) => !rule.changeTypes!.includes(part))) {
      throw badRequest(
        `The changeType '${changeType.join(",")}' is not supported for this resource; supported: ${rule.changeTypes.join(",")}.`,
        "InvalidRequest",
      );
    }
    const includeResourceData = body.includeResourceData === true;
    const encryptionCertificate = optionalString(body.encryptionCertificate);
    const encryptionCertificateId = optionalString(body.encryptionCertificateId);
    if (encryptionCertificate !== null) readEncryptionCertificate(encryptionCertificate);
    if (encryptionCertificateId !== null && encryptionCertificateId.length > certificateIdMaxLength) {
      throw badRequest(`encryptionCertificateId can be up to ${certificateIdMaxLength} characters.`, "InvalidRequest");
    }
    if (!includeResourceData && rule.resourceData === "required") {
      throw badRequest("This resource supports only notifications with resource data: set includeResourceData to true.", "InvalidRequest");
    }
    if (includeResourceData) {
      if (rule.resourceData === "unsupported") {
        throw badRequest("includeResourceData is not supported for this resource.", "InvalidRequest");
      }
      if (encryptionCertificate === null || encryptionCertificateId === null) {
        throw badRequest(
          "A valid encryptionCertificate and encryptionCertificateId are required when includeResourceData is true.",
          "InvalidRequest",
        );
      }
    }
    // Rules the resource pages state outside the tables (Outlook's $select with resource data, query
    // options, presence's user limit): the provider's validator reads the same rows, so both refuse alike.
    const parsed = parseResource(resource);
    const notificationQueryOptions = optionalString(body.notificationQueryOptions) ?? undefined;
    const checks = { includeResourceData, notificationQueryOptions };
    const [queryFailure] = parsed.ok ? queryRuleFailures(rule, parsed.value, checks, caller.permissionType) : [];
    if (queryFailure) throw badRequest(`${queryFailure.property}: ${queryFailure.reason}`, "InvalidRequest");
    const expirationDateTime = this.allowedExpiration(readDate(body.expirationDateTime), rule, includeResourceData, lifecycleNotificationUrl);

    const creatorId = caller.objectId;
    const quotaSubject = { tenantId: caller.tenantId, applicationId: caller.applicationId, creatorId, resource, resourceType: rule.resourceType };
    this.refuseDuplicate(caller, resource, changeType);
    this.options.quotas.check(quotaSubject, this.live());
    await this.handshake(notificationUrl);
    if (lifecycleNotificationUrl !== null) await this.handshake(lifecycleNotificationUrl);
    // Handshakes take time; a twin request may have been created meanwhile, or a quota filled.
    this.refuseDuplicate(caller, resource, changeType);
    this.options.quotas.check(quotaSubject, this.live());

    const now = this.options.clock.now();
    const subscription: StoredSubscription = {
      id: randomUUID(),
      resource,
      changeType: body.changeType as string,
      notificationUrl,
      lifecycleNotificationUrl,
      clientState,
      expirationDateTime,
      includeResourceData,
      encryptionCertificate,
      encryptionCertificateId,
      latestSupportedTlsVersion: tls,
      notificationQueryOptions: optionalString(body.notificationQueryOptions),
      notificationUrlAppId: optionalString(body.notificationUrlAppId),
      notificationContentType: optionalString(body.notificationContentType) ?? "application/json",
      applicationId: caller.applicationId,
      creatorId,
      tenantId: caller.tenantId,
      apiVersion,
      ruleId: rule.id,
      resourceType: rule.resourceType,
      createdDateTime: now,
      lastReauthorizedDateTime: null,
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  list(caller: Caller): StoredSubscription[] {
    return this.live().filter((subscription) => visibleTo(caller, subscription));
  }

  get(caller: Caller, id: string): StoredSubscription {
    const subscription = this.find(caller, id);
    this.authorize(caller, subscription.resource, subscription.apiVersion);
    return subscription;
  }

  /** §10: the body may hold expirationDateTime and/or notificationUrl, nothing else. */
  async update(caller: Caller, id: string, raw: unknown): Promise<StoredSubscription> {
    const body = readBody(raw, "update");
    const other = Object.keys(body).filter(
      (name) => name !== "@odata.type" && !(updatableProperties as readonly string[]).includes(name),
    );
    if (other.length > 0) {
      throw badRequest(
        `Only expirationDateTime and notificationUrl can be updated; the request also sets ${other.join(", ")}.`,
        "InvalidRequest",
      );
    }
    if (body.expirationDateTime === undefined && body.notificationUrl === undefined) {
      throw badRequest("The request body must contain either the expirationDateTime or notificationUrl property.", "InvalidRequest");
    }
    const subscription = this.find(caller, id);
    const rule = this.authorize(caller, subscription.resource, subscription.apiVersion);
    const expirationDateTime = body.expirationDateTime === undefined
      ? undefined
      : this.allowedExpiration(readDate(body.expirationDateTime), rule, subscription.includeResourceData, subscription.lifecycleNotificationUrl);
    const notificationUrl = body.notificationUrl === undefined
      ? undefined
      : readNotificationUrl(String(body.notificationUrl), "notificationUrl");
    if (notificationUrl !== undefined) await this.handshake(notificationUrl);

    const current = this.find(caller, id);
    if (expirationDateTime) current.expirationDateTime = expirationDateTime;
    if (notificationUrl !== undefined) current.notificationUrl = notificationUrl;
    // "Renewing your subscription also reauthorizes your endpoint." (§3c)
    current.lastReauthorizedDateTime = this.options.clock.now();
    return current;
  }

  delete(caller: Caller, id: string): void {
    const subscription = this.find(caller, id);
    this.authorize(caller, subscription.resource, subscription.apiVersion);
    this.subscriptions.delete(id);
  }

  reauthorize(caller: Caller, id: string): void {
    const subscription = this.find(caller, id);
    this.authorize(caller, subscription.resource, subscription.apiVersion);
    subscription.lastReauthorizedDateTime = this.options.clock.now();
  }

  // Admin operations: no caller, no rules.

  all(): StoredSubscription[] {
    return this.live();
  }

  adminGet(id: string): StoredSubscription | undefined {
    return this.live().find((subscription) => subscription.id === id);
  }

  adminUpdate(id: string, changes: SubscriptionChanges): StoredSubscription | undefined {
    const subscription = this.adminGet(id);
    if (!subscription) return undefined;
    const { expirationDateTime, ...rest } = changes;
    Object.assign(subscription, rest);
    if (expirationDateTime !== undefined) {
      subscription.expirationDateTime = adminDateTime(expirationDateTime);
    }
    return subscription;
  }

  adminDelete(id: string): boolean {
    return this.adminGet(id) !== undefined && this.subscriptions.delete(id);
  }

  /** Sets the expiry to now, so the subscription vanishes as Graph's expired ones do. */
  expire(id: string): boolean {
    const subscription = this.adminGet(id);
    if (!subscription) return false;
    subscription.expirationDateTime = graphDateTime(this.options.clock.now());
    this.subscriptions.delete(id);
    return true;
  }

  clear(): void {
    this.subscriptions.clear();
  }

  /** Expired subscriptions are gone: absent from lists and 404 for every operation. */
  private live(): StoredSubscription[] {
    const now = this.options.clock.now().getTime();
    for (const [id, subscription] of this.subscriptions) {
      if (epochMs(subscription.expirationDateTime) <= now) this.subscriptions.delete(id);
    }
    return [...this.subscriptions.values()];
  }

  private find(caller: Caller, id: string): StoredSubscription {
    const subscription = this.live().find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
    if (!subscription || !visibleTo(caller, subscription)) throw notFound();
    return subscription;
  }

  /**
   * The row for the resource and the caller's right to it. "The limitations apply to creating as well as
   * managing (getting, updating, and deleting) subscriptions" (§10), so every operation checks again.
   */
  private authorize(caller: Caller, resource: string, apiVersion: ApiVersion): ResourceRule {
    // Several rows can share a path with different permission types (driveItem on personal OneDrive
    // versus work or school); the caller's permission type picks one.
    const matches = matchRules(resource, apiVersion, this.options.rules);
    const match = matches.find((candidate) => permissionsFor(candidate.rule, caller.permissionType) !== null) ?? matches[0];
    if (!match) {
      const segment = resource.replace(/^\/+/, "").split(/[/?(]/)[0];
      throw badRequest(
        `Resource not found for the segment '${segment}'. '${resource}' is not a resource that supports change notifications in ${apiVersion}.`,
        "InvalidRequest",
      );
    }
    if (!match.rule.clouds.includes(this.options.cloud)) {
      const segment = resource.replace(/^\/+/, "").split(/[/?(]/)[0];
      throw badRequest(
        `Resource not found for the segment '${segment}'. '${resource}' does not support change notifications in this national cloud deployment (${this.options.cloud}).`,
        "InvalidRequest",
      );
    }
    if (match.missingQuery.length > 0) {
      throw badRequest(`The resource must include the query parameter ${match.missingQuery.join(", ")}.`, "InvalidRequest");
    }
    if (match.parsed.usesMe && caller.permissionType === "application") {
      throw badRequest("/me request is only valid with delegated authentication flow.", "BadRequest");
    }
    const accepted = acceptedPermissions(match.rule, caller.permissionType);
    if (accepted === null || accepted.length === 0) {
      throw new GraphError(403, "Forbidden", `Subscriptions to this resource are not supported with ${caller.permissionType} permissions.`);
    }
    if (!accepted.some((permission) => caller.permissions.some((granted) => granted.toLowerCase() === permission.toLowerCase()))) {
      throw new GraphError(403, "Forbidden", `Insufficient privileges to complete the operation. The token needs one of these ${caller.permissionType} permissions: ${accepted.join(", ")}.`);
    }
    return match.rule;
  }

  /**
   * §2a: under 45 minutes is raised to 45; over the row's maximum is refused, as Graph enforces it.
   * `requested` is Graph's seven-digit form, kept as sent when it stands.
   */
  private allowedExpiration(requested: string, rule: ResourceRule, includeResourceData: boolean, lifecycleNotificationUrl: string | null): string {
    const now = this.options.clock.now().getTime();
    const maximum = includeResourceData && rule.maxLifetimeWithResourceDataMinutes !== undefined
      ? rule.maxLifetimeWithResourceDataMinutes
      : rule.maxLifetimeMinutes;
    if (epochMs(requested) > now + maximum * 60_000) {
      throw badRequest(`Subscription expiration can only be ${maximum} minutes in the future.`, "ExtensionError");
    }
    const floor = now + minimumLifetimeMinutes * 60_000;
    const expiration = epochMs(requested) < floor ? graphDateTime(new Date(floor)) : requested;
    // §3a, in the wording of the Teams chat/channel articles.
    if (rule.lifecycleUrlRequiredAboveOneHour && lifecycleNotificationUrl === null && epochMs(expiration) > now + lifecycleUrlRequiredAboveMinutes * 60_000) {
      throw badRequest(
        "lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour",
        "InvalidRequest",
      );
    }
    return expiration;
  }

  /** §7a: same changeType and resource (ignoring model=) for the same application and creator. */
  private refuseDuplicate(caller: Caller, resource: string, changeType: readonly ChangeType[]): void {
    const identity = resourceIdentity(resource);
    const change = canonicalChangeType(changeType);
    const existing = this.live().find(
      (subscription) =>
        subscription.tenantId === caller.tenantId
        && subscription.applicationId === caller.applicationId
        && subscription.creatorId === caller.objectId
        && this.identityOf(subscription.resource) === identity
        && canonicalChangeType(readChangeType(subscription.changeType)) === change,
    );
    if (existing) {
      throw new GraphError(409, "Conflict", `Subscription Id ${existing.id} already exists for the requested combination`);
    }
  }

  /** resourceIdentity, worked out once per path: every create compares its path with every live subscription's. */
  private identityOf(resource: string): string {
    let identity = this.identities.get(resource);
    if (identity === undefined) this.identities.set(resource, (identity = resourceIdentity(resource)));
    return identity;
  }

  private async handshake(url: string): Promise<void> {
    if (!needsHandshake(url)) return;
    await validateEndpoint(url, { ca: this.options.ca, timeoutMs: this.options.validationTimeoutMs, signal: this.options.signal });
  }
}

/** Graph's JSON for a subscription. List omits clientState (§C13: Get returns it). */
export function toGraphJson(
  subscription: StoredSubscription,
  options: { includeClientState: boolean },
): Record<string, unknown> {
  return {
    id: subscription.id,
    resource: subscription.resource,
    applicationId: subscription.applicationId,
    changeType: subscription.changeType,
    clientState: options.includeClientState ? subscription.clientState : null,
    notificationUrl: subscription.notificationUrl,
    notificationQueryOptions: subscription.notificationQueryOptions,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: subscription.expirationDateTime,
    creatorId: subscription.creatorId,
    includeResourceData: subscription.includeResourceData,
    latestSupportedTlsVersion: subscription.latestSupportedTlsVersion,
    encryptionCertificate: subscription.encryptionCertificate,
    encryptionCertificateId: subscription.encryptionCertificateId,
    notificationUrlAppId: subscription.notificationUrlAppId,
    notificationContentType: subscription.notificationContentType,
  };
}

/** Application callers see every subscription their app made in the tenant; users see their own. */
function visibleTo(caller: Caller, subscription: StoredSubscription): boolean {
  return subscription.tenantId === caller.tenantId
    && subscription.applicationId === caller.applicationId
    && (caller.permissionType === "application" || subscription.creatorId === caller.objectId);
}

/** An admin's expiry: a Graph date-time text keeps its digits, a Date or other text is taken at millisecond precision. */
function adminDateTime(value: Date | string): string {
  const when = new Date(value);
  if (Number.isNaN(when.getTime())) throw new Error(`expirationDateTime '${String(value)}' is not a date`);
  return typeof value === "string" && graphLimits.dateTimePattern.test(value) ? graphDateTimeFromText(value) : graphDateTime(when);
}
