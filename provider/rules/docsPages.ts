/**
 * The Microsoft Graph documentation pages the rule table was checked against, with the date each
 * page carried when it was read. "Dated" is the page's Sitemap-Last-Modified on learn.microsoft.com or,
 * for an include file of microsoftgraph/microsoft-graph-docs-contrib, its `ms.date`; "n.d." when the
 * version read carries neither. Rows cite these constants, and the generated docs/rule-table.md prints
 * the date next to each source, so a reader can tell how fresh every row is.
 *
 * The docs repository was read file by file (the whole repository is larger than a snapshot can be
 * here). The files read are kept verbatim in test/rules/docsPages, whose README names the commit (or
 * index id) of each version; test/rules/docsSnapshot.json is the extract rules:check made from them.
 */
export interface DocsPage {
  url: string;
  dated: string;
  /** The file in microsoftgraph/microsoft-graph-docs-contrib that holds the text, where known. */
  file?: string;
}

const learn = (path: string) => `https://learn.microsoft.com/en-us/graph/${path}`;

export const docsPages = {
  lifetimes: { url: learn("api/resources/subscription?view=graph-rest-1.0"), dated: "2026-09-17", file: "concepts/includes/change-notifications-subscription-lifetime.md" },
  overview: { url: learn("change-notifications-overview"), dated: "2025-03-05", file: "concepts/includes/change-notifications-supported-resources-expanded.md" },
  rich: { url: learn("change-notifications-with-resource-data"), dated: "2026-04-17", file: "concepts/includes/change-notifications-rich-notifications-supported-resources.md" },
  lifecycle: { url: learn("change-notifications-lifecycle-events"), dated: "2026-03-24" },
  licenses: { url: learn("teams-licenses"), dated: "2025-05-08" },
  v1Update: { url: learn("api/subscription-update?view=graph-rest-1.0"), dated: "2026-05-06", file: "api-reference/v1.0/api/subscription-update.md" },
  v1Delete: { url: learn("api/subscription-delete?view=graph-rest-1.0"), dated: "2026-05-06", file: "api-reference/v1.0/api/subscription-delete.md" },
  v1List: { url: learn("api/subscription-list?view=graph-rest-1.0"), dated: "2026-05-05", file: "api-reference/v1.0/api/subscription-list.md" },
  betaCreate: { url: learn("api/subscription-post-subscriptions?view=graph-rest-beta"), dated: "2026-05-05", file: "api-reference/beta/api/subscription-post-subscriptions.md" },
  aiInsightsNotes: { url: learn("api/subscription-post-subscriptions?view=graph-rest-beta#aiinsights"), dated: "2024-12-11", file: "api-reference/includes/copilot-aiinsights-subscription-notes.md" },
  v1Create: { url: learn("api/subscription-post-subscriptions?view=graph-rest-1.0"), dated: "2026-05-05", file: "api-reference/v1.0/api/subscription-post-subscriptions.md" },
  // The newest permission table of each API version that was read (test/rules/docsPages keeps both).
  v1GetVapidPublicKey: { url: learn("api/subscription-getvapidpublickey?view=graph-rest-1.0"), dated: "2026-09-17" },
  betaGetVapidPublicKey: { url: learn("api/subscription-getvapidpublickey?view=graph-rest-beta"), dated: "2025-07-21", file: "api-reference/beta/api/subscription-getvapidpublickey.md" },
  virtualEvents: { url: learn("changenotifications-for-virtualevent"), dated: "2024-11-07", file: "concepts/changenotifications-for-virtualevent.md" },
  recordings: { url: learn("teams-changenotifications-callrecording-and-calltranscript"), dated: "2025-09-18", file: "concepts/teams-changenotifications-callrecording-and-calltranscript.md" },
  chats: { url: learn("teams-changenotifications-chat"), dated: "n.d.", file: "concepts/teams-changenotifications-chat.md" },
  print: { url: learn("universal-print-webhook-notifications"), dated: "n.d.", file: "concepts/universal-print-webhook-notifications.md" },
  outlook: { url: learn("outlook-change-notifications-overview"), dated: "n.d.", file: "concepts/outlook-change-notifications-overview.md" },
  teamsOverview: { url: learn("teams-change-notification-in-microsoft-teams-overview"), dated: "2026-03-16", file: "concepts/teams-change-notification-in-microsoft-teams-overview.md" },
  teamsAndChannels: { url: learn("teams-changenotifications-team-and-channel"), dated: "n.d.", file: "concepts/teams-changenotifications-team-and-channel.md" },
  teamMembership: { url: learn("teams-changenotifications-teammembership"), dated: "2024-11-07", file: "concepts/teams-changenotifications-teammembership.md" },
  channelMembership: { url: learn("teams-changenotifications-channelmembership"), dated: "2024-11-07", file: "concepts/teams-changenotifications-channelmembership.md" },
  chatMessages: { url: learn("teams-changenotifications-chatmessage"), dated: "n.d.", file: "concepts/teams-changenotifications-chatmessage.md" },
  appInstallations: { url: learn("teams-changenotifications-appinstallation"), dated: "2024-11-07", file: "concepts/teams-changenotifications-appinstallation.md" },
  teamsClouds: { url: learn("teamwork-national-cloud-differences"), dated: "n.d.", file: "concepts/teamwork-national-cloud-differences.md" },
  // API pages whose national-cloud include narrows a resource (scripts/cloudPages.ts reads them).
  alertsApi: { url: learn("api/alert-list?view=graph-rest-1.0"), dated: "2024-04-05", file: "api-reference/beta/api/alert-list.md" },
  healthAlertsApi: { url: learn("api/healthmonitoring-healthmonitoringroot-list-alerts?view=graph-rest-beta"), dated: "2024-11-01", file: "api-reference/beta/api/healthmonitoring-healthmonitoringroot-list-alerts.md" },
  aiInteractionsApi: { url: learn("api/aiinteractionhistory-getallenterpriseinteractions?view=graph-rest-1.0"), dated: "2025-05-04", file: "api-reference/v1.0/api/aiinteractionhistory-getallenterpriseinteractions.md" },
  presenceApi: { url: learn("api/presence-get?view=graph-rest-beta"), dated: "2024-04-05", file: "api-reference/beta/api/presence-get.md" },
  callRecordsApi: { url: learn("api/callrecords-callrecord-get?view=graph-rest-1.0"), dated: "n.d.", file: "api-reference/v1.0/api/callrecords-callrecord-get.md" },
  adhocCallsApi: { url: learn("api/adhoccall-getallrecordings?view=graph-rest-1.0"), dated: "2026-02-27", file: "api-reference/v1.0/api/adhoccall-getallrecordings.md" },
  shiftsApi: { url: learn("api/schedule-list-shifts?view=graph-rest-1.0"), dated: "2024-09-18", file: "api-reference/v1.0/api/schedule-list-shifts.md" },
  printApi: { url: learn("api/printer-list-jobs?view=graph-rest-1.0"), dated: "n.d.", file: "api-reference/v1.0/api/printer-list-jobs.md" },
  emergencyCalls: { url: learn("changenotifications-for-emergencycalls"), dated: "2024-12-03", file: "concepts/changenotifications-for-emergencycalls.md" },
} as const satisfies Record<string, DocsPage>;

export type DocsPageName = keyof typeof docsPages;

/** The date of a cited source: a learn page's date, the seed's ms.date, or "n.d.". */
export function datedSource(source: string): string {
  const page = Object.values(docsPages).find((candidate) => candidate.url === source);
  if (page) return page.dated;
  const seedDates: Record<string, string> = { "001": "2024-08-01", "004": "2024-07-26" };
  const seed = /^seeds\/(\d{3})_/.exec(source)?.[1];
  return (seed && seedDates[seed]) ?? "n.d.";
}
