import { graphLimits } from "../limits";
import type { SubscriptionInputName } from "../schema";

/**
 * Each input's behaviour, one row per input. Everything that treats inputs one by one (diff, the POST
 * body, adoption, the state, refresh, secrets, the emulator's request checks) is derived from here, and
 * `satisfies Record<SubscriptionInputName, ...>` makes an input without a row a compile error.
 *
 * update, how a change reaches Graph:
 * - patch: PATCH /subscriptions/{id}. Graph's Update page allows only expirationDateTime and
 *   notificationUrl (https://learn.microsoft.com/en-us/graph/api/subscription-update).
 * - replace: a new subscription. lifecycleNotificationUrl "can't be added by updating" (lifecycle
 *   page); a payment model change "must create a new change notification subscription" (Teams
 *   licensing page); nothing documents in-place changes of the rest. The rich-notifications page's
 *   advice to PATCH encryptionCertificate for key rotation contradicts the Update page; the Update
 *   page wins, so a certificate rotation replaces (a fresh subscription, never a half-applied one).
 * - reauthorize: POST /subscriptions/{id}/reauthorize.
 * - state: the provider's own bookkeeping; recorded without calling Graph.
 *
 * graph, how Graph holds it: "required" and "optional" properties go in the POST body as they are
 * ("type" is Graph's JSON type); "provider" inputs are the provider's own and never sent (paymentModel
 * is written into `resource` instead).
 *
 * compare, when a desired value differs from the state: "value" (JSON equality, absent equal to absent
 * and to Graph's default), "instant" (the same moment in any offset), "resource" (Graph's identity of the
 * path, payment model included), "connection" (the app, tenant, cloud and endpoint the connection reaches,
 * defaults applied, an absent connection being the stack's msgraph:* one; see signInOnly), "none" (folded
 * into another input's comparison, or bookkeeping that never by itself warrants a change).
 *
 * signInOnly: fields of an object input that change how the provider reaches Graph but not which Graph
 * object it manages. `compare` leaves them out; a change confined to them takes this update action instead.
 *
 * secret: true for the whole value, or the fields of an object input that are secret. Secrets are never
 * printed or logged, and the Subscription class makes them Pulumi secrets, so state holds them encrypted.
 *
 * checkedOnAdoption: Graph returns it and cannot change it in place, so an existing subscription that
 * differs cannot be adopted. clientState is special-cased: List hides it and Get may (C13).
 *
 * readBack: refresh reports the program input that would produce the live state (so drift names the
 * property); a fixed expirationDateTime is handled on its own.
 */
export interface InputBehaviour {
  update: "patch" | "replace" | "reauthorize" | "state";
  graph: { sent: "required" | "optional"; type: "string" | "boolean" } | "provider";
  compare: "value" | "instant" | "resource" | "connection" | "none";
  /** What Graph applies when the input is left out: "not given" and "given as the default" are the same subscription. */
  graphDefault?: string | boolean;
  signInOnly?: { fields: readonly string[]; update: "state" };
  secret: boolean | readonly string[];
  checkedOnAdoption: boolean;
  readBack: boolean;
}

const string = (sent: "required" | "optional") => ({ sent, type: "string" }) as const;

export const inputProperties = {
  resource: { update: "replace", graph: string("required"), compare: "resource", secret: false, checkedOnAdoption: false, readBack: true },
  changeType: { update: "replace", graph: string("required"), compare: "value", secret: false, checkedOnAdoption: false, readBack: true },
  notificationUrl: { update: "patch", graph: string("required"), compare: "value", secret: false, checkedOnAdoption: false, readBack: true },
  lifecycleNotificationUrl: { update: "replace", graph: string("optional"), compare: "value", secret: false, checkedOnAdoption: true, readBack: true },
  expirationDateTime: { update: "patch", graph: string("required"), compare: "instant", secret: false, checkedOnAdoption: false, readBack: false },
  clientState: { update: "replace", graph: string("optional"), compare: "value", secret: true, checkedOnAdoption: false, readBack: true },
  includeResourceData: {
    update: "replace",
    graph: { sent: "optional", type: "boolean" },
    compare: "value",
    // Rich notifications are opt-in (change-notifications-with-resource-data page).
    graphDefault: false,
    secret: false,
    checkedOnAdoption: true,
    readBack: true,
  },
  encryptionCertificate: { update: "replace", graph: string("optional"), compare: "value", secret: false, checkedOnAdoption: false, readBack: true },
  encryptionCertificateId: { update: "replace", graph: string("optional"), compare: "value", secret: false, checkedOnAdoption: true, readBack: true },
  latestSupportedTlsVersion: {
    update: "replace",
    graph: string("optional"),
    compare: "value",
    graphDefault: graphLimits.defaultTlsVersion,
    secret: false,
    checkedOnAdoption: true,
    readBack: true,
  },
  notificationQueryOptions: { update: "replace", graph: string("optional"), compare: "value", secret: false, checkedOnAdoption: true, readBack: true },
  notificationUrlAppId: { update: "replace", graph: string("optional"), compare: "value", secret: false, checkedOnAdoption: true, readBack: true },
  paymentModel: { update: "replace", graph: "provider", compare: "none", secret: false, checkedOnAdoption: false, readBack: true },
  lifetimeMinutes: { update: "patch", graph: "provider", compare: "value", secret: false, checkedOnAdoption: false, readBack: true },
  renewBeforeMinutes: { update: "state", graph: "provider", compare: "value", secret: false, checkedOnAdoption: false, readBack: true },
  apiVersion: { update: "state", graph: "provider", compare: "value", secret: false, checkedOnAdoption: false, readBack: true },
  adoptExisting: { update: "state", graph: "provider", compare: "value", secret: false, checkedOnAdoption: false, readBack: true },
  // Decides only what preview lets through; the Graph object is the same either way.
  allowUndocumentedResource: { update: "state", graph: "provider", compare: "value", secret: false, checkedOnAdoption: false, readBack: true },
  reauthorizeTrigger: { update: "reauthorize", graph: "provider", compare: "value", secret: false, checkedOnAdoption: false, readBack: true },
  // Bookkeeping only: a new mark (a renamed stack) is written with the next renewal, never on its own.
  ownerMark: { update: "state", graph: "provider", compare: "none", secret: false, checkedOnAdoption: false, readBack: true },
  // Which app, in which tenant, on which Graph, owns the subscription. Graph keeps subscriptions per app and tenant
  // (another app cannot even see them), so another tenantId, clientId, cloud or endpoint is another Graph object:
  // replace, creating through the new connection and deleting through the one in state. How that app signs in is not:
  // rotating the secret, or moving the same app to a certificate or workload identity (or another authority host),
  // must neither replace nor PATCH the subscription. It is still recorded ("state", no Graph call), because refresh and
  // destroy see only the state and must sign in with the current credential, not a revoked one.
  connection: {
    update: "replace",
    graph: "provider",
    compare: "connection",
    signInOnly: { fields: ["clientSecret", "certificatePath", "workloadIdentity", "authorityHost"], update: "state" },
    secret: ["clientSecret"],
    checkedOnAdoption: false,
    readBack: true,
  },
} as const satisfies Record<SubscriptionInputName, InputBehaviour>;

type Row = (typeof inputProperties)[SubscriptionInputName];
const rows = Object.entries(inputProperties) as Array<[SubscriptionInputName, Row]>;
const namesWhere = (predicate: (row: InputBehaviour) => boolean) => rows.filter(([, row]) => predicate(row)).map(([name]) => name);

export type UpdateAction = InputBehaviour["update"];
/** What a change to each input does to the Graph subscription. */
export const updatePolicy = Object.fromEntries(rows.map(([name, row]) => [name, row.update])) as { [K in SubscriptionInputName]: (typeof inputProperties)[K]["update"] };

/** Inputs sent in the POST body when the program gives them, beside the required ones. */
export const optionalGraphInputs = namesWhere((row) => row.graph !== "provider" && row.graph.sent === "optional");
/** Inputs Graph returns as strings or booleans: the properties the emulator accepts in a request body. */
export const graphStringInputs = namesWhere((row) => row.graph !== "provider" && row.graph.type === "string");
export const graphBooleanInputs = namesWhere((row) => row.graph !== "provider" && row.graph.type === "boolean");
export const requiredGraphInputs = namesWhere((row) => row.graph !== "provider" && row.graph.sent === "required");
/** Graph's properties that PATCH may change (https://learn.microsoft.com/en-us/graph/api/subscription-update). */
export const patchableGraphInputs = namesWhere((row) => row.graph !== "provider" && row.update === "patch");
/** Properties Graph cannot change in place, compared before adopting an existing subscription. */
export const adoptionCheckedInputs = namesWhere((row) => row.checkedOnAdoption);
/** Inputs whose values are never printed, logged or stored in plaintext. */
export const secretInputNames = namesWhere((row) => row.secret === true);
/** Object inputs with secret fields, and those fields. */
export const secretInputFields = Object.fromEntries(
  rows.flatMap(([name, row]) => (Array.isArray(row.secret) ? [[name, row.secret as readonly string[]]] : [])),
) as Partial<Record<SubscriptionInputName, readonly string[]>>;
/** Object inputs whose sign-in fields may change on their own without touching Graph, and what such a change does. */
export function signInOnlyOf(name: SubscriptionInputName): InputBehaviour["signInOnly"] {
  return (inputProperties[name] as InputBehaviour).signInOnly;
}

/** Graph's value for an input the program left out, if Graph applies one. */
export function graphDefaultOf(name: SubscriptionInputName): string | boolean | undefined {
  return (inputProperties[name] as InputBehaviour).graphDefault;
}
