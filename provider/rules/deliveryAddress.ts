/**
 * Where Graph can deliver notifications: a webhook HTTPS URL, or an Event Hubs / Event Grid address
 * (graph-rules §6a). Messages never echo query values: webhook URLs often carry a key in the query
 * (Azure Functions' ?code=), and messages end up in CI logs.
 */
export type DeliveryKind = "https" | "EventHub" | "EventGrid";

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
  if (/^EventHub:/i.test(address)) {
    if (!allowed.includes("EventHub")) return `'${withoutQueryValues(address)}' is an Event Hubs address, which this property does not accept; use ${forms}`;
    const target = address.slice("EventHub:".length);
    const url = tryUrl(target);
    if (!url || url.protocol !== "https:" || !url.hostname) return `'${withoutQueryValues(address)}' must be EventHub: followed by an https:// URL of the Event Hub or Key Vault secret; use ${forms}`;
    if (!url.searchParams.get("tenantId")) return `'${withoutQueryValues(address)}' lacks ?tenantId=<your tenant's domain, e.g. contoso.com>, which Graph needs to reach the Event Hub`;
    return undefined;
  }
  if (isEventGrid(address)) {
    if (!allowed.includes("EventGrid")) return `'${withoutQueryValues(address)}' is an Event Grid address, which this property does not accept; use ${forms}`;
    const params = eventGridParams(address);
    const missing = ["azuresubscriptionid", "resourcegroup", "partnertopic", "location"].filter((key) => !params.get(key));
    if (missing.length > 0) return `'${withoutQueryValues(address)}' lacks ${missing.join(", ")}; write ${forms.split(", or ").find((form) => form.startsWith("EventGrid")) ?? forms}`;
    return undefined;
  }
  const url = tryUrl(address);
  if (!url || url.protocol !== "https:" || !url.hostname) {
    return `'${withoutQueryValues(address)}' is not an https:// URL; Graph delivers only over HTTPS. Use ${forms}`;
  }
  return undefined;
}

/** Webhook URLs often carry a key in the query (Azure Functions' ?code=); messages end up in CI logs. */
function withoutQueryValues(address: string): string {
  const [base, query] = address.split("?", 2);
  if (query === undefined) return address;
  return `${base}?${query.split("&").map((pair) => `${pair.split("=")[0]}=…`).join("&")}`;
}

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

