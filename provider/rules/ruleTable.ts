import type { ApiVersion, ChangeType, Cloud, PaymentModel, PermissionType } from "../vocabulary";
import { clouds, teamsResourceTypes } from "../vocabulary";
import { datedSource, docsPages } from "./docsPages";

/** null = the docs say "Not supported." for that permission type. */
export interface PermissionSet {
  delegatedWork: readonly string[] | null;
  delegatedPersonal: readonly string[] | null;
  application: readonly string[] | null;
}
export type PermissionColumn = keyof PermissionSet;

/**
 * A deliberate disagreement with one source document, recorded next to the row so that the seed
 * conformance test can tell a decision from a drift: `documented` is what that source prints
 * (RSC permissions with a trailing `*`, null for "Not supported."), and the test fails if the source
 * stops saying exactly that.
 */
export type SourceOverride =
  | { source: string; column: PermissionColumn; documented: readonly string[] | null }
  /** The source names the scenario differently (e.g. a translated path), but means this row. */
  | { source: string; column: "scenario"; documented: string }
  /** The source lists the scenario on this API version too, which the table withdraws (the row stands for it on its own version). */
  | { source: string; column: "version"; documented: ApiVersion };

export interface ResourceRule {
  id: string;
  apiVersion: ApiVersion;
  resourceType: string;
  description: string;
  /** Templates, no leading slash. `{…}` matches one segment; a query in a template is required. */
  paths: readonly string[];
  /**
   * How the permission tables of the docs name this scenario ("label" or "label /path"), in every
   * language of the sources we read. The seed conformance test matches on these.
   */
  documentedAs: readonly string[];
  /** The least-privileged permissions of the API's permission table: what a token needs one of. */
  permissions: PermissionSet;
  /**
   * More permissions the resource's own change-notification page lists for a permission type ("from least to most
   * privileged": ReadWrite forms, a less privileged ReadBasic), which Graph accepts as well. A token holding one of
   * these is enough; messages still name the least-privileged ones.
   */
  alsoAccepted?: Partial<Record<PermissionColumn, readonly string[]>>;
  resourceSpecificConsent: readonly string[];
  maxLifetimeMinutes: number;
  maxLifetimeWithResourceDataMinutes?: number;
  /** undefined = all three. */
  changeTypes?: readonly ChangeType[];
  /**
   * Graph encrypts every rich notification, so "optional" also means encryptionCertificate and its id
   * are required whenever includeResourceData is true (create page, Request body); no row differs.
   */
  resourceData: "unsupported" | "optional" | "required";
  /** A key of paymentModelRules. */
  paymentModels: keyof typeof paymentModelRules.allowed;
  lifecycleUrlRequiredAboveOneHour: boolean;
  clouds: readonly Cloud[];
  /** Set when Microsoft marks the resource deprecated; validation warns. */
  deprecated?: string;
  /** Rules that a resource page states outside the tables (queryRules.ts checks them). */
  query?: QueryRules;
  sources: readonly string[];
  /** Each cited source with the date of the version checked ("n.d." when undated); derived from sources. */
  checkedAgainst: readonly { source: string; dated: string }[];
  /** The day the row was last compared with its sources (tableCheckedOn). */
  checkedOn: string;
  /** Where the seed documents say something else than the current docs that this row follows. */
  seedView?: string;
  resolution?: string;
  overrides?: readonly SourceOverride[];
}

/** Per-resource query rules from the resource pages. Every field is optional; absent means "no rule". */
export interface QueryRules {
  /** Query parameters of the resource path that work only with the listed permission types. */
  onlyWith?: readonly { parameter: string; permissionTypes: readonly PermissionType[]; source: string }[];
  /** `$select` in the resource path: required with includeResourceData, or not supported at all. */
  select?: { rule: "requiredWithResourceData" | "unsupported"; source: string };
  /**
   * Query options Graph refuses in the resource path of a subscription with resource data (Outlook: "Do not include
   * in the URL `$top`, `$skip`, `$orderby`, `$select=Body,UniqueBody`, and `$expand` other than ...").
   */
  refusedWithResourceData?: { parameters: readonly string[]; selectProperties: readonly string[]; expandAllowed: readonly string[]; source: string };
  /** The most ids a `$filter=id in (...)` may list. */
  maxFilterIds?: { limit: number; source: string };
  /**
   * notificationQueryOptions: "required" with the documented value, "optional", or (absent) not
   * supported; the resource page says it is "Supported only for Universal Print Service".
   */
  notificationQueryOptions?: { rule: "required" | "optional"; example: string; source: string };
}

/**
 * The day every row was last compared with the docs: `npm run rules:check -- test/rules/docsPages`
 * (lifetimes, paths, permissions, change types and resource-page rules), plus the learn pages that
 * docsPages.ts dates. Change it when the table is checked again.
 */
export const tableCheckedOn = "2026-11-26";

export function permissionsFor(rule: ResourceRule, type: PermissionType): readonly string[] | null {
  return rule.permissions[permissionColumnOf[type]];
}

/** Every permission of a type that Graph accepts for the row: the least-privileged ones and those its page adds. */
export function acceptedPermissions(rule: ResourceRule, type: PermissionType): readonly string[] | null {
  const least = permissionsFor(rule, type);
  return least === null ? null : [...least, ...(rule.alsoAccepted?.[permissionColumnOf[type]] ?? [])];
}

/**
 * Teams metered APIs (teams-licenses, graph-rules §9): which models a row's paymentModels cell allows,
 * where they are offered, and the day Microsoft stopped metering them (after which model= is accepted
 * and ignored, so validation warns instead of failing).
 */
export const paymentModelRules = {
  allowed: { "A/B": ["A", "B"], B: ["B"], none: [] } as const satisfies Record<string, readonly PaymentModel[]>,
  clouds: ["global"] as const satisfies readonly Cloud[],
  meteringEnded: { on: "2025-08-25", source: "https://learn.microsoft.com/en-us/graph/teams-licenses" },
} as const;

export const permissionColumnOf = {
  application: "application",
  "delegated-work": "delegatedWork",
  "delegated-personal": "delegatedPersonal",
} as const satisfies Record<PermissionType, PermissionColumn>;

// ---------------------------------------------------------------------------------------------
// Sources. Seeds are the doc pages shipped in /work/shared/seeds; the learn URLs are those cited
// in research/graph-rules.md (page dates there).
// ---------------------------------------------------------------------------------------------
const S000 = "seeds/000_3986dd830cb696c2.txt"; // v1.0 reauthorize, rendered (en)
const S001 = "seeds/001_95d2bf047c2e797b.txt"; // v1.0 reauthorize, markdown source (ms.date 08/01/2024)
const S002 = "seeds/002_1e316a29f35556a0.txt"; // v1.0 reauthorize, rendered (es)
const S003 = "seeds/003_a1ef5be908058855.txt"; // v1.0 update, rendered (en)
const S004 = "seeds/004_de71dae5f9c3701b.txt"; // beta create, markdown rendered by GitHub (ms.date 07/26/2024)
const LIFETIMES = docsPages.lifetimes.url;
const RICH = docsPages.rich.url;
const OVERVIEW = docsPages.overview.url;
const LICENSES = docsPages.licenses.url;
const VIRTUAL_EVENTS = docsPages.virtualEvents.url;
const RECORDINGS = docsPages.recordings.url;
const CHATS = docsPages.chats.url;
const PRINT = docsPages.print.url;
const OUTLOOK = docsPages.outlook.url;
const TEAMS_CHANNELS = docsPages.teamsAndChannels.url;
const TEAM_MEMBERS = docsPages.teamMembership.url;
const CHANNEL_MEMBERS = docsPages.channelMembership.url;
const CHAT_MESSAGES = docsPages.chatMessages.url;
const APP_INSTALLATIONS = docsPages.appInstallations.url;
const EMERGENCY_CALLS = docsPages.emergencyCalls.url;
const TEAMS_OVERVIEW = docsPages.teamsOverview.url;
const TEAMS_CLOUDS = docsPages.teamsClouds.url;
const BETA_CREATE = docsPages.betaCreate.url;
const AI_INSIGHTS = docsPages.aiInsightsNotes.url;
const AI_INSIGHTS_LIFETIME =
  "The beta permission tables (Create, Reauthorize, Update, List; 2026-05-05) and the overview (2026-05-05) list aiInsights; no page states its lifetime or offers it rich notifications. 4,320 minutes, Copilot aiInteraction's, by analogy: Graph refuses a longer expiry itself, and a shorter default would renew needlessly.";
/** The current v1.0 permission tables (Update, Delete and List pages, 2026-05). */
const V1_CURRENT = [docsPages.v1Update.url, docsPages.v1Delete.url, docsPages.v1List.url] as const;
/** The newest permission table of each version read: v1.0 getVapidPublicKey (2026-09-17), beta (2025-07-21). */
const V1_NEWEST = docsPages.v1GetVapidPublicKey.url;
const BETA_NEWEST = docsPages.betaGetVapidPublicKey.url;
const V1_CREATE = docsPages.v1Create.url;

const V1_REAUTH = [S000, S001, S002] as const;
const V1_ALL = [S000, S001, S002, S003] as const;
const V1_EN = [S000, S001, S003] as const;

const allClouds: readonly Cloud[] = clouds;
/**
 * Where an API page's national-cloud include narrows it (rules:check reads them: scripts/cloudPages.ts). A resource can
 * be subscribed to only where its API exists.
 */
const GLOBAL_ONLY: readonly Cloud[] = ["global"];
const GLOBAL_AND_US_GOV: readonly Cloud[] = ["global", "usgov-l4", "usgov-l5"];

/** "A, B" -> ["A", "B"]; null stays null. Reads like the docs' cells, which keeps rows reviewable. */
function cell(value: string | null): readonly string[] | null {
  return value === null ? null : value.split(",").map((name) => name.trim());
}
function perms(delegatedWork: string | null, delegatedPersonal: string | null, application: string | null): PermissionSet {
  return { delegatedWork: cell(delegatedWork), delegatedPersonal: cell(delegatedPersonal), application: cell(application) };
}

// Families: what graph-rules.md §2b/§3a/§4a say about a group of resources, so rows only state what differs.
/**
 * §2b: Teams 4,320 min; §3a: lifecycleNotificationUrl required above one hour; §4a/§4b: rich, encrypted. Teams'
 * national-cloud page: "Microsoft Teams APIs are not available in the Microsoft Cloud China operated by 21Vianet".
 */
const teamsRich = {
  maxLifetimeMinutes: 4320,
  resourceData: "optional",
  paymentModels: "none",
  lifecycleUrlRequiredAboveOneHour: true,
  clouds: GLOBAL_AND_US_GOV,
  resourceSpecificConsent: [],
} as const;
/** §2b: Outlook 10,080 min basic, 1,440 min with resource data (C1: current values win over 4,230). */
const outlook = {
  maxLifetimeMinutes: 10080,
  maxLifetimeWithResourceDataMinutes: 1440,
  resourceData: "optional",
  query: {
    // Rich-notifications page, Outlook rows: "Requires $select to return only a subset of properties in the rich notification."
    select: { rule: "requiredWithResourceData", source: RICH },
    // Outlook page, "Include resource data in notification payload".
    refusedWithResourceData: {
      parameters: ["$top", "$skip", "$orderby", "$expand"],
      selectProperties: ["Body", "UniqueBody"],
      expandAllowed: ["singleValueExtendedProperties", "multiValueExtendedProperties"],
      source: OUTLOOK,
    },
  },
  pages: [OUTLOOK],
  paymentModels: "none",
  lifecycleUrlRequiredAboveOneHour: false,
  clouds: allClouds,
  resourceSpecificConsent: [],
} as const;
/** Resources §4a does not list: basic notifications only. */
const basic = {
  resourceData: "unsupported",
  paymentModels: "none",
  lifecycleUrlRequiredAboveOneHour: false,
  clouds: allClouds,
  resourceSpecificConsent: [],
} as const;
/** §2b: Shifts 360 min. Not in §3a's list of Teams resources needing a lifecycle URL. */
/** §2b: Shifts 360 min; schedule-list-shifts (v1.0): global-only.md, so every Shifts resource is global only. */
const shifts = { ...basic, maxLifetimeMinutes: 360, clouds: ["global"] as readonly Cloud[], pages: [docsPages.shiftsApi.url] } as const;

type VersionSpecific = Pick<ResourceRule, "sources"> &
  Partial<Pick<ResourceRule, "permissions" | "alsoAccepted" | "resourceSpecificConsent" | "resolution" | "overrides" | "documentedAs" | "paths" | "description" | "seedView">>;
type Scenario = Omit<ResourceRule, "id" | "apiVersion" | "sources" | "resolution" | "overrides" | "checkedAgainst" | "checkedOn" | "seedView"> & {
  /** Pages the row follows on every version it lists (a resource's own page, an API page's national clouds). */
  pages?: readonly string[];
  /** Distinguishes scenarios that share a first path (driveItem personal/business). */
  variant?: string;
  in: Partial<Record<ApiVersion, VersionSpecific>>;
};

const LIFETIME_C1 = "C1: current lifetime table (10,080 / 1,440 min) wins over the older 4,230 min (graph-rules §2b, §12).";
const TEAMS_C2 = "C2: current 4,320 min wins over the superseded 60 min (graph-rules §2b/§2c).";
const METERED_C14 =
  "C14: payment models follow the seeds' Teams notes and teams-licenses (§9); Microsoft says model= is ignored since paymentModelRules.meteringEnded.on, so validation warns when one is given.";
const ME_NOTE = "Any path starting with me can also be used with users/{id} (seed 004, Resources examples).";
/** Rich-notifications page: chatMessage, onlineMeeting and presence rows. */
const NO_SELECT = { select: { rule: "unsupported", source: RICH } } as const;
/** Teams chat page: "notifyOnUserSpecificProperties is only supported for chat subscriptions in user context." */
const USER_CONTEXT_ONLY = {
  onlyWith: [{ parameter: "notifyOnUserSpecificProperties", permissionTypes: ["delegated-work", "delegated-personal"], source: CHATS }],
} as const;
const TASKS_APPLICATION =
  "Application permissions: the newest table read (v1.0 getVapidPublicKey, 2026-09-17) and the v1.0 Create page (2026-05-05) list Tasks.ReadWrite.All, as beta Create (004) did, so both versions allow it: a beta API is not narrower than v1.0, and refusing what Graph accepts would block working programs while Graph reports an unsupported permission itself.";
const CURRENT_V1 =
  "The seeds list it for beta only (004); the current v1.0 permission tables (Update, Delete, List, 2026-05) and the overview list it without the beta asterisk, so the current docs win and it is offered on v1.0 too.";

/** What the Teams membership pages add to the conversationMember rows, by path. */
const memberPages: Record<string, Partial<Pick<ResourceRule, "alsoAccepted" | "resourceSpecificConsent" | "sources">>> = {
  "chats/{id}/members": { resourceSpecificConsent: ["ChatMember.Read.Chat", "Chat.Manage.Chat"] },
  "teams/{id}/members": {
    alsoAccepted: { delegatedWork: ["TeamMember.ReadWrite.All"], application: ["TeamMember.Read.Group", "TeamMember.ReadWrite.All"] },
    resourceSpecificConsent: ["TeamMember.Read.Group"],
    sources: [TEAM_MEMBERS],
  },
  "teams/{id}/channels/getAllMembers": {
    alsoAccepted: { delegatedWork: ["ChannelMember.ReadWrite.All"], application: ["ChannelMember.ReadWrite.All"] },
    sources: [CHANNEL_MEMBERS],
  },
  "teams/getAllChannels/getAllMembers": { alsoAccepted: { application: ["ChannelMember.ReadWrite.All"] }, sources: [CHANNEL_MEMBERS] },
};
const CHANNEL_MEMBERS_DELEGATED =
  "The channel-membership page (private and shared channels of a team) lists delegated ChannelMember.Read.All and ChannelMember.ReadWrite.All and includes the Teams model A and B disclaimer; the API permission tables say delegated is Not supported and name no payment model. The resource's own page wins: it is the more specific and the newer statement, and refusing what Graph documents would block working programs. Overrides recorded.";
function versionNotes(path: string, version: ApiVersion, paymentModels: string): Partial<Pick<ResourceRule, "resolution" | "overrides" | "seedView">> {
  if (path === "teams/{id}/channels/getAllMembers") {
    const seeds = version === "v1.0" ? [S000, S001, S002, S003] : [S004];
    return { resolution: `${CHANNEL_MEMBERS_DELEGATED} ${METERED_C14}`, overrides: seeds.map((source) => ({ source, column: "delegatedWork" as const, documented: null })) };
  }
  if (path === "teams/getAllChannels/getAllMembers") {
    return {
      seedView: "v1.0 and beta (seeds 000-002, 004)",
      overrides: version === "beta" ? [S000, S001, S002].map((source) => ({ source, column: "version" as const, documented: "v1.0" as const })) : [],
      resolution:
        "Beta only: the channel-membership page says \"This subscription is only available in the beta endpoint\", and no current v1.0 permission table (Create, getVapidPublicKey) lists it; the v1.0 Reauthorize seeds (000-002) that did are older.",
    };
  }
  return paymentModels === "none" ? {} : { resolution: METERED_C14 };
}

// ---------------------------------------------------------------------------------------------
// Scenarios, in the docs' order. Each expands to one row per API version it lists.
// ---------------------------------------------------------------------------------------------
const scenarios: readonly Scenario[] = [
  {
    resourceType: "aiInteraction",
    description: "Copilot AI interactions that a particular user is part of",
    paths: ["copilot/users/{id}/interactionHistory/getAllEnterpriseInteractions"],
    documentedAs: ["aiInteraction /copilot/users/{userId}/interactionHistory/getAllEnterpriseInteractions"],
    permissions: perms("AiEnterpriseInteraction.Read", null, "AiEnterpriseInteraction.Read.All, AiEnterpriseInteraction.Read.User"),
    ...teamsRich,
    clouds: GLOBAL_ONLY, // aiinteractionhistory-getallenterpriseinteractions (v1.0, beta): global-only.md
    pages: [docsPages.aiInteractionsApi.url],
    resourceSpecificConsent: ["AiEnterpriseInteraction.Read.User"],
    in: {
      "v1.0": { sources: [...V1_CURRENT, LIFETIMES, RICH, OVERVIEW], seedView: "beta only (seed 004)", resolution: CURRENT_V1 },
      beta: { sources: [S004, LIFETIMES, RICH] },
    },
  },
  {
    resourceType: "aiInteraction",
    description: "Copilot AI interactions in an organization",
    paths: ["copilot/interactionHistory/getAllEnterpriseInteractions"],
    documentedAs: ["aiInteraction /copilot/interactionHistory/getAllEnterpriseInteractions"],
    permissions: perms(null, null, "AiEnterpriseInteraction.Read.All"),
    ...teamsRich,
    clouds: GLOBAL_ONLY, // the Copilot interaction history API: global-only.md
    pages: [docsPages.aiInteractionsApi.url],
    in: {
      "v1.0": { sources: [...V1_CURRENT, LIFETIMES, RICH, OVERVIEW], seedView: "beta only (seed 004)", resolution: CURRENT_V1 },
      beta: { sources: [S004, LIFETIMES, RICH] },
    },
  },
  ...(
    [
      ["copilot/users/{id}/onlineMeetings/getAllAiInsights", "Copilot AI insights from meetings that a particular user is part of", "aiInsights /copilot/users/{userId}/onlineMeetings/getAllAiInsights"],
      ["copilot/users/{id}/onlineMeetings/{id}/aiInsights", "Copilot AI insights for a particular meeting", "aiInsights /copilot/users/{userId}/onlineMeetings/{onlineMeetingId}/aiInsights"],
    ] as const
  ).map(
    ([path, description, documented]): Scenario => ({
      resourceType: "aiInsights",
      description,
      paths: [path],
      documentedAs: [documented],
      permissions: perms("OnlineMeetingAiInsight.Read.All", null, "OnlineMeetingAiInsight.Read.All"),
      ...basic,
      // Neither the lifetime table nor the rich-notifications table lists aiInsights; the Copilot aiInteraction rows' 4,320 minutes
      // (Copilot's only documented lifetime) stands in, and basic notifications, as for every resource the rich table leaves out.
      maxLifetimeMinutes: 4320,
      in: { beta: { sources: [BETA_CREATE, OVERVIEW, AI_INSIGHTS], resolution: AI_INSIGHTS_LIFETIME } },
    }),
  ),
  {
    resourceType: "approvalItem",
    description: "Teams approval items",
    paths: ["solutions/approval/approvalItems"],
    documentedAs: ["approvalItems", "approvals"],
    permissions: perms(null, null, "ApprovalSolution.ReadWrite.All"),
    ...basic,
    maxLifetimeMinutes: 43200,
    in: {
      beta: {
        sources: [S004, LIFETIMES, OVERVIEW],
        seedView: "path solution/approval/approvalItems (seed 004, Resources examples)",
        resolution:
          "Seed 004's example writes solution/approval/approvalItems; the overview and the approvals API write solutions/approval/approvalItems (the navigation property is solutions). The current docs win; the seed's spelling is a typo.",
      },
    },
  },
  {
    resourceType: "callRecord",
    description: "Call records in an organization",
    paths: ["communications/callRecords"],
    documentedAs: ["callRecord", "callRecord /communications/callRecords"],
    permissions: perms(null, null, "CallRecords.Read.All"),
    ...basic,
    clouds: GLOBAL_AND_US_GOV, // callrecords-callrecord-get (v1.0): global-us.md
    pages: [docsPages.callRecordsApi.url],
    maxLifetimeMinutes: 4230,
    changeTypes: ["created", "updated"],
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES, OVERVIEW] }, beta: { sources: [S004, LIFETIMES, OVERVIEW] } },
  },
  ...(["Recording", "Transcript"] as const).flatMap((kind): Scenario[] => {
    const type = `call${kind}`;
    const permission = `OnlineMeeting${kind}.Read.All`;
    const all = `getAll${kind}s`;
    const perMeeting = kind === "Recording" ? "recordings" : "transcripts";
    const v1 = { sources: [...V1_ALL, LIFETIMES, RICH, RECORDINGS] };
    return [
      {
        resourceType: type,
        description: `All ${perMeeting} in an organization`,
        paths: [`communications/onlineMeetings/${all}`],
        documentedAs: [`${type} communications/onlineMeetings/${all}`],
        permissions: perms(null, null, permission),
        ...teamsRich,
        // Teams' national-cloud page: meeting recordings and transcripts "Not supported" in the US Government clouds.
        clouds: GLOBAL_ONLY,
        in: { "v1.0": v1, beta: { sources: [S004, LIFETIMES, RICH, RECORDINGS] } },
      },
      {
        resourceType: type,
        description: `All ${perMeeting} for a specific meeting`,
        paths: [`communications/onlineMeetings/{id}/${perMeeting}`],
        documentedAs: [`${type} communications/onlineMeetings/{onlineMeetingId}/${perMeeting}`],
        permissions: perms(permission, null, permission),
        ...teamsRich,
        // Teams' national-cloud page: meeting recordings and transcripts "Not supported" in the US Government clouds.
        clouds: GLOBAL_ONLY,
        // The recordings and transcripts page: application "OnlineMeeting<Kind>.Read.Chat, OnlineMeeting<Kind>.Read.All".
        alsoAccepted: { application: [`OnlineMeeting${kind}.Read.Chat`] },
        pages: [RECORDINGS],
        resourceSpecificConsent: [`OnlineMeeting${kind}.Read.Chat`],
        in: { "v1.0": v1, beta: { sources: [S004, LIFETIMES, RICH, RECORDINGS] } },
      },
      {
        resourceType: type,
        description: `${kind}s that become available in meetings organized by a specific user`,
        paths: [`users/{id}/onlineMeetings/${all}`],
        documentedAs: [`${type} users/{userId}/onlineMeetings/${all}`],
        permissions: perms(permission, null, permission),
        ...teamsRich,
        // Teams' national-cloud page: meeting recordings and transcripts "Not supported" in the US Government clouds.
        clouds: GLOBAL_ONLY,
        in: { "v1.0": v1, beta: { sources: [S004, LIFETIMES, RICH, RECORDINGS] } },
      },
      {
        resourceType: type,
        description: `${kind}s that become available in meetings where a particular Teams app is installed`,
        paths: [`appCatalogs/teamsApps/{id}/installedToOnlineMeetings/${all}`],
        documentedAs: [`${type} appCatalogs/teamsApps/{id}/installedToOnlineMeetings/${all}`],
        permissions: perms(null, null, `${permission}, OnlineMeeting${kind}.Read.Chat`),
        ...teamsRich,
        // Teams' national-cloud page: meeting recordings and transcripts "Not supported" in the US Government clouds.
        clouds: GLOBAL_ONLY,
        resourceSpecificConsent: [`OnlineMeeting${kind}.Read.Chat`],
        // graph-rules §11: beta only.
        in: { beta: { sources: [S004, LIFETIMES, RICH] } },
      },
      // Ad hoc calls (PSTN, 1:1 and group calls): the recordings and transcripts page, where each scenario's examples are on
      // beta and the tenant-wide ones say "This resource type is available only on the /beta endpoint"; the Teams overview lists them.
      ...(
        [
          [`communications/adhocCalls/${all}`, `All ${perMeeting} of ad hoc calls in an organization`, perms(null, null, `Call${kind}s.Read.All`)],
          [`communications/adhocCalls/{id}/${perMeeting}`, `All ${perMeeting} of a particular ad hoc call`, kind === "Transcript" ? perms(`Call${kind}s.Read.All`, null, null) : perms(`Call${kind}s.Read.All`, null, `Call${kind}s.Read.All`)],
          [`users/{id}/adhocCalls/${all}`, `${kind}s of ad hoc calls where a particular user initiated ${kind === "Transcript" ? "transcription" : "recording"}`, perms(`Call${kind}s.Read.All`, null, `Call${kind}s.Read.All`)],
        ] as const
      ).map(
        ([path, description, permissions]): Scenario => ({
          resourceType: type,
          description,
          paths: [path],
          documentedAs: [`${type} ${path}`],
          permissions,
          ...teamsRich,
          clouds: GLOBAL_ONLY, // adhoccall-getallrecordings, adhoccall-getalltranscripts (v1.0, beta): global-only.md
          pages: [docsPages.adhocCallsApi.url],
          in: { beta: { sources: [RECORDINGS, TEAMS_OVERVIEW, LIFETIMES] } },
        }),
      ),
    ];
  }),
  {
    resourceType: "channel",
    description: "All channels in an organization",
    paths: ["teams/getAllChannels"],
    documentedAs: ["channel /teams/getAllChannels"],
    permissions: perms(null, null, "Channel.ReadBasic.All, ChannelSettings.Read.All"),
    ...teamsRich,
    alsoAccepted: { application: ["ChannelSettings.ReadWrite.All"] },
    pages: [TEAMS_CHANNELS],
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH], resolution: TEAMS_C2 }, beta: { sources: [S004, LIFETIMES, RICH] } },
  },
  {
    resourceType: "channel",
    description: "All channels in a particular team",
    paths: ["teams/{id}/channels"],
    documentedAs: ["channel /teams/{id}/channels"],
    permissions: perms("Channel.ReadBasic.All, ChannelSettings.Read.All", null, "Channel.ReadBasic.All, ChannelSettings.Read.All"),
    ...teamsRich,
    alsoAccepted: { delegatedWork: ["ChannelSettings.ReadWrite.All"], application: ["ChannelSettings.Read.Group", "ChannelSettings.ReadWrite.Group", "ChannelSettings.ReadWrite.All"] },
    pages: [TEAMS_CHANNELS],
    resourceSpecificConsent: ["ChannelSettings.Read.Group", "ChannelSettings.ReadWrite.Group"],
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH] }, beta: { sources: [S004, LIFETIMES, RICH] } },
  },
  {
    resourceType: "chat",
    description: "All chats in an organization",
    paths: ["chats"],
    documentedAs: ["chat /chats"],
    permissions: perms(null, null, "Chat.ReadBasic.All, Chat.Read.All, Chat.ReadWrite.All"),
    ...teamsRich,
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH] }, beta: { sources: [S004, LIFETIMES, RICH] } },
  },
  {
    resourceType: "chat",
    description: "A particular chat",
    paths: ["chats/{id}"],
    documentedAs: ["chat /chats/{id}"],
    permissions: perms(
      "Chat.ReadBasic, Chat.Read, Chat.ReadWrite",
      null,
      "ChatSettings.Read.Chat, ChatSettings.ReadWrite.Chat, Chat.Manage.Chat, Chat.ReadBasic.All, Chat.Read.All, Chat.ReadWrite.All",
    ),
    ...teamsRich,
    resourceSpecificConsent: ["ChatSettings.Read.Chat", "ChatSettings.ReadWrite.Chat", "Chat.Manage.Chat"],
    query: USER_CONTEXT_ONLY,
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH, CHATS] }, beta: { sources: [S004, LIFETIMES, RICH, CHATS] } },
  },
  {
    resourceType: "chat",
    description: "All chats in an organization where a particular Teams app is installed",
    paths: ["appCatalogs/teamsApps/{id}/installedToChats"],
    documentedAs: ["chat /appCatalogs/teamsApps/{id}/installedToChats"],
    permissions: perms(null, null, "Chat.ReadBasic.WhereInstalled, Chat.Read.WhereInstalled, Chat.ReadWrite.WhereInstalled"),
    ...teamsRich,
    paymentModels: "B",
    in: {
      "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
      beta: { sources: [S004, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
    },
  },
  {
    resourceType: "chat",
    description: "All chats that a particular user is part of",
    paths: ["users/{id}/chats"],
    documentedAs: ["chat /users/{id}/chats"],
    permissions: perms("Chat.ReadBasic, Chat.Read, Chat.ReadWrite", null, "Chat.ReadBasic.All, Chat.Read.All, Chat.ReadWrite.All"),
    ...teamsRich,
    query: USER_CONTEXT_ONLY,
    // The chat page's section includes the Teams model B disclaimer.
    paymentModels: "B",
    in: {
      "v1.0": { sources: [...V1_EN, LIFETIMES, RICH, CHATS, LICENSES], resolution: METERED_C14 },
      beta: { sources: [S004, LIFETIMES, RICH, CHATS, LICENSES], resolution: METERED_C14 },
    },
  },
  {
    resourceType: "chatMessage",
    description: "All messages and replies in a particular channel",
    paths: ["teams/{id}/channels/{id}/messages"],
    documentedAs: ["chatMessage /teams/{id}/channels/{id}/messages"],
    permissions: perms("ChannelMessage.Read.All, Group.Read.All, Group.ReadWrite.All", null, "ChannelMessage.Read.Group, ChannelMessage.Read.All"),
    ...teamsRich,
    query: NO_SELECT,
    resourceSpecificConsent: ["ChannelMessage.Read.Group"],
    in: {
      "v1.0": {
        sources: [...V1_ALL, LIFETIMES, RICH],
        resolution:
          "Seed 003 (Update page) lists only ChannelMessage.Read.All for delegated work accounts; seeds 000, 001, 002 (Reauthorize) and 004 (Create, beta) add Group.Read.All and Group.ReadWrite.All. The Reauthorize tables win: three v1.0 sources plus the newer Create table agree, and 003's shorter Teams rows are the older wording of the same include.",
        overrides: [{ source: S003, column: "delegatedWork", documented: ["ChannelMessage.Read.All"] }],
      },
      beta: { sources: [S004, LIFETIMES, RICH] },
    },
  },
  {
    resourceType: "chatMessage",
    description: "All channel messages in an organization",
    paths: ["teams/getAllMessages"],
    documentedAs: ["chatMessage /teams/getAllMessages"],
    permissions: perms(null, null, "ChannelMessage.Read.All"),
    ...teamsRich,
    query: NO_SELECT,
    paymentModels: "A/B",
    in: {
      "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
      beta: { sources: [S004, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
    },
  },
  {
    resourceType: "chatMessage",
    description: "All messages in a chat",
    paths: ["chats/{id}/messages"],
    documentedAs: ["chatMessage /chats/{id}/messages"],
    permissions: perms("Chat.Read, Chat.ReadWrite", null, "Chat.Read.All"),
    ...teamsRich,
    alsoAccepted: { application: ["ChatMessage.Read.Chat"] },
    pages: [CHAT_MESSAGES],
    resourceSpecificConsent: ["ChatMessage.Read.Chat"],
    query: NO_SELECT,
    in: {
      "v1.0": {
        sources: [...V1_ALL, LIFETIMES, RICH],
        resolution:
          "Seed 003 (Update page) says delegated work accounts are Not supported; seeds 000, 001, 002 (Reauthorize, v1.0) and 004 (Create, beta) say Chat.Read, Chat.ReadWrite. Chat.Read/Chat.ReadWrite win: four sources in two API versions agree, the markdown source (001, ms.date 08/01/2024) is dated after 004, and 003 matches the 2021 include that barred delegated chatMessage subscriptions, which the newer include superseded (graph-rules §4b history).",
        overrides: [{ source: S003, column: "delegatedWork", documented: null }],
      },
      beta: { sources: [S004, LIFETIMES, RICH] },
    },
  },
  {
    resourceType: "chatMessage",
    description: "All chat messages in an organization",
    paths: ["chats/getAllMessages"],
    documentedAs: ["chatMessage /chats/getAllMessages"],
    permissions: perms(null, null, "Chat.Read.All"),
    ...teamsRich,
    query: NO_SELECT,
    paymentModels: "A/B",
    in: {
      "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
      beta: { sources: [S004, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
    },
  },
  {
    resourceType: "chatMessage",
    description: "Chat messages for all chats a particular user is part of",
    paths: ["users/{id}/chats/getAllMessages"],
    documentedAs: ["chatMessage /users/{id}/chats/getAllMessages"],
    permissions: perms("Chat.Read, Chat.ReadWrite", null, "Chat.Read.All, Chat.ReadWrite.All"),
    ...teamsRich,
    query: NO_SELECT,
    paymentModels: "B",
    in: {
      "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
      beta: { sources: [S004, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
    },
  },
  {
    resourceType: "chatMessage",
    description: "Chat messages for all chats in an organization where a particular Teams app is installed",
    paths: ["appCatalogs/teamsApps/{id}/installedToChats/getAllMessages"],
    documentedAs: ["chatMessage /appCatalogs/teamsApps/{id}/installedToChats/getAllMessages"],
    permissions: perms(null, null, "Chat.Read.WhereInstalled, Chat.ReadWrite.WhereInstalled"),
    ...teamsRich,
    query: NO_SELECT,
    paymentModels: "B",
    in: {
      "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
      beta: { sources: [S004, LIFETIMES, RICH, LICENSES], resolution: METERED_C14 },
    },
  },
  {
    resourceType: "contact",
    description: "Outlook personal contacts of a user",
    paths: ["users/{id}/contacts", "users/{id}/contactFolders/{id}/contacts", "me/contacts", "me/contactFolders/{id}/contacts"],
    documentedAs: ["contact"],
    permissions: perms("Contacts.Read", "Contacts.Read", "Contacts.Read"),
    ...outlook,
    in: {
      "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH], resolution: `${LIFETIME_C1} ${ME_NOTE}` },
      beta: { sources: [S004, LIFETIMES, RICH], resolution: `${LIFETIME_C1} ${ME_NOTE}` },
    },
  },
  ...(
    [
      ["chats/getAllMembers", "Members of all chats in an organization", perms(null, null, "ChatMember.Read.All, ChatMember.ReadWrite.All, Chat.ReadBasic.All, Chat.Read.All, Chat.ReadWrite.All"), "A/B", V1_ALL],
      ["chats/{id}/members", "Members of a particular chat", perms("ChatMember.Read, ChatMember.ReadWrite, Chat.ReadBasic, Chat.Read, Chat.ReadWrite", null, "ChatMember.Read.Chat, Chat.Manage.Chat, ChatMember.Read.All, ChatMember.ReadWrite.All, Chat.ReadBasic.All, Chat.Read.All, Chat.ReadWrite.All"), "none", V1_ALL],
      ["appCatalogs/teamsApps/{id}/installedToChats/getAllMembers", "Chat members for all chats in an organization where a particular Teams app is installed", perms(null, null, "ChatMember.Read.WhereInstalled, ChatMember.ReadWrite.WhereInstalled, Chat.ReadBasic.WhereInstalled, Chat.Read.WhereInstalled, Chat.ReadWrite.WhereInstalled"), "B", V1_ALL],
      ["teams/getAllMembers", "Members in all teams in an organization", perms(null, null, "TeamMember.Read.All, TeamMember.ReadWrite.All"), "A/B", V1_REAUTH],
      ["teams/{id}/members", "Members in a particular team", perms("TeamMember.Read.All", null, "TeamMember.Read.All"), "none", V1_ALL],
      // The channel-membership page: private and shared channels, delegated too, models A and B.
      ["teams/{id}/channels/getAllMembers", "Members in all private and shared channels of a particular team", perms("ChannelMember.Read.All", null, "ChannelMember.Read.All"), "A/B", V1_ALL],
      // "This subscription is only available in the beta endpoint" (channel-membership page); no current v1.0 table lists it.
      ["teams/getAllChannels/getAllMembers", "Members in all private channels in an organization", perms(null, null, "ChannelMember.Read.All"), "none", null],
    ] as const
  ).map(
    ([path, description, permissions, paymentModels, v1Seeds]): Scenario => ({
      resourceType: "conversationMember",
      description,
      paths: [path],
      documentedAs: [`conversationMember /${path}`],
      permissions,
      ...teamsRich,
      ...memberPages[path],
      paymentModels,
      in: {
        ...(v1Seeds === null
          ? {}
          : {
              "v1.0": {
                sources: [...v1Seeds, LIFETIMES, RICH, ...(paymentModels === "none" ? [] : [LICENSES]), ...(memberPages[path]?.sources ?? [])],
                ...versionNotes(path, "v1.0", paymentModels),
              },
            }),
        beta: { sources: [S004, LIFETIMES, RICH, ...(paymentModels === "none" ? [] : [LICENSES]), ...(memberPages[path]?.sources ?? [])], ...versionNotes(path, "beta", paymentModels) },
      },
    }),
  ),
  {
    resourceType: "sharedWithChannelTeamInfo",
    description: "A particular channel being shared with or unshared from a team",
    paths: ["teams/{id}/channels/{id}/sharedWithTeams"],
    documentedAs: ["sharedWithChannelTeamInfo /teams/{team-id}/channels/{channel-id}/sharedWithTeams"],
    permissions: perms("ChannelMember.Read.All", null, "ChannelMember.Read.All"),
    alsoAccepted: { delegatedWork: ["ChannelMember.ReadWrite.All"], application: ["ChannelMember.ReadWrite.All"] },
    ...teamsRich,
    changeTypes: ["created", "deleted"],
    // Its only example is on beta, and no API permission table lists it.
    in: { beta: { sources: [CHANNEL_MEMBERS, LIFETIMES] } },
  },
  {
    resourceType: "teamsAppInstallation",
    description: "Installations, upgrades and removals of a particular Teams app (all scopes, or $filter by scopeInfo/scope)",
    paths: ["appCatalogs/teamsApps/{id}/installations"],
    documentedAs: ["teamsAppInstallation /appCatalogs/teamsApps/{teams-app-id}/installations"],
    // The page lists, per installation scope (personal, team, chat), ReadFor<Scope>.All as the least privileged and
    // Read.All for all scopes; the scope is a $filter the table does not parse, so any scope's permission is accepted.
    permissions: perms(null, null, "TeamsAppInstallation.ReadForUser.All, TeamsAppInstallation.ReadForTeam.All, TeamsAppInstallation.ReadForChat.All, TeamsAppInstallation.Read.All"),
    alsoAccepted: {
      application: (["User", "Team", "Chat"] as const).flatMap((scope) =>
        ["ReadWriteSelfFor", "ReadWriteFor", "ReadWriteAndConsentSelfFor", "ReadWriteAndConsentFor"].map((kind) => `TeamsAppInstallation.${kind}${scope}.All`),
      ).concat(["TeamsAppInstallation.Read.User", "TeamsAppInstallation.Read.Group", "TeamsAppInstallation.Read.Chat"]),
    },
    ...teamsRich,
    resourceSpecificConsent: ["TeamsAppInstallation.Read.User", "TeamsAppInstallation.Read.Group", "TeamsAppInstallation.Read.Chat"],
    in: { "v1.0": { sources: [APP_INSTALLATIONS, TEAMS_OVERVIEW, LIFETIMES] }, beta: { sources: [APP_INSTALLATIONS, TEAMS_OVERVIEW, LIFETIMES] } },
  },
  {
    resourceType: "emergencyCallEvent",
    description: "Emergency calls made under a particular emergency call policy",
    paths: ["communications/calls/getEmergencyEventsByPolicy(policyName={policyName})"],
    documentedAs: ["emergencyCallEvent /communications/calls/getEmergencyEventsByPolicy(policyName='{policyName}')"],
    permissions: perms(null, null, "CallEvents-Emergency.Read.All"),
    ...basic,
    // "Subscriptions for emergency call events only support rich notifications" and "have a max subscription life time of one day".
    resourceData: "required",
    maxLifetimeMinutes: 1440,
    changeTypes: ["updated"],
    in: { "v1.0": { sources: [EMERGENCY_CALLS] }, beta: { sources: [EMERGENCY_CALLS] } },
  },
  {
    resourceType: "driveItem",
    variant: "personal",
    description: "A folder on a personal OneDrive (the root or any subfolder)",
    paths: ["me/drive/root", "users/{id}/drive/root", "drives/{id}/root", "me/drive/items/{id}", "users/{id}/drive/items/{id}", "drives/{id}/items/{id}"],
    documentedAs: ["driveItem (user's personal OneDrive)", "driveItem (OneDrive personal del usuario)"],
    permissions: perms(null, "Files.ReadWrite", null),
    ...basic,
    maxLifetimeMinutes: 42300,
    changeTypes: ["updated"],
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES] }, beta: { sources: [S004, LIFETIMES] } },
  },
  {
    resourceType: "driveItem",
    variant: "business",
    description: "The root folder of a OneDrive for work or school or a SharePoint document library",
    paths: ["me/drive/root", "users/{id}/drive/root", "drives/{id}/root", "sites/{id}/drive/root", "groups/{id}/drive/root"],
    documentedAs: ["driveItem (OneDrive for Business)", "driveItem (OneDrive for work or school)", "driveItem (OneDrive para la Empresa)"],
    permissions: perms("Files.ReadWrite.All", null, "Files.ReadWrite.All"),
    ...basic,
    maxLifetimeMinutes: 42300,
    changeTypes: ["updated"],
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES] }, beta: { sources: [S004, LIFETIMES] } },
  },
  {
    resourceType: "event",
    description: "Outlook calendar events of a user",
    paths: ["users/{id}/events", "users/{id}/calendar/events", "users/{id}/calendars/{id}/events", "me/events", "me/calendar/events", "me/calendars/{id}/events"],
    documentedAs: ["event", "evento"],
    permissions: perms("Calendars.Read", "Calendars.Read", "Calendars.Read"),
    ...outlook,
    in: {
      "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH], resolution: `${LIFETIME_C1} ${ME_NOTE}` },
      beta: { sources: [S004, LIFETIMES, RICH], resolution: `${LIFETIME_C1} ${ME_NOTE}` },
    },
  },
  {
    resourceType: "group",
    description: "Microsoft 365 and security groups",
    // Overview: also "Changes to owners of a specific group" and "Changes to members of a specific group".
    paths: ["groups", "groups/{id}", "groups/{id}/members", "groups/{id}/owners"],
    documentedAs: ["group", "grupo"],
    permissions: perms("Group.Read.All", null, "Group.Read.All"),
    ...basic,
    maxLifetimeMinutes: 41760,
    changeTypes: ["updated", "deleted"],
    in: {
      "v1.0": { sources: [...V1_ALL, LIFETIMES, OVERVIEW], seedView: "groups and groups/{id} only (the seeds' examples)" },
      beta: { sources: [S004, LIFETIMES, OVERVIEW], seedView: "groups and groups/{id} only (the seeds' examples)" },
    },
  },
  {
    resourceType: "conversation",
    description: "Conversations of a Microsoft 365 group",
    paths: ["groups/{id}/conversations"],
    documentedAs: ["group conversation", "conversación de grupo"],
    permissions: perms("Group.Read.All", null, null),
    ...basic,
    maxLifetimeMinutes: 4230,
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES] }, beta: { sources: [S004, LIFETIMES] } },
  },
  {
    resourceType: "healthMonitoringAlert",
    description: "Microsoft Entra health monitoring alerts",
    paths: ["reports/healthMonitoring/alerts"],
    documentedAs: ["Microsoft Entra Health monitoring alert /reports/healthmonitoring/alerts"],
    permissions: perms("HealthMonitoringAlertConfig.ReadWrite.All", null, "HealthMonitoringAlertConfig.ReadWrite.All"),
    alsoAccepted: { delegatedWork: ["HealthMonitoringAlertConfig.Read.All"], application: ["HealthMonitoringAlertConfig.Read.All"] },
    ...basic,
    clouds: GLOBAL_ONLY, // healthmonitoring-healthmonitoringroot-list-alerts (beta): global-only.md
    pages: [docsPages.healthAlertsApi.url],
    maxLifetimeMinutes: 42300,
    // Overview: "Changes to a specific type of alert: ... with the notificationQueryOptions property in request payload set as $filter=alertType eq '{alertType}'".
    query: { notificationQueryOptions: { rule: "optional", example: "$filter=alertType eq '{alertType}'", source: OVERVIEW } },
    in: { beta: { sources: [S004, LIFETIMES, OVERVIEW] } },
  },
  {
    resourceType: "list",
    description: "A SharePoint list",
    paths: ["sites/{id}/lists/{id}"],
    documentedAs: ["list", "lista"],
    permissions: perms("Sites.ReadWrite.All", null, "Sites.ReadWrite.All"),
    ...basic,
    maxLifetimeMinutes: 42300,
    changeTypes: ["updated"],
    in: {
      "v1.0": {
        sources: [V1_NEWEST, V1_CREATE, ...V1_ALL, LIFETIMES],
        permissions: perms("Sites.Read.All", null, "Sites.Read.All"),
        seedView: "Sites.ReadWrite.All (delegated work and application)",
        resolution:
          "The current v1.0 tables (Create, 2026-05-05; getVapidPublicKey, 2026-09-17) name Sites.Read.All as the least-privileged permission where the v1.0 seeds (000-003) name Sites.ReadWrite.All; the current pages win. The beta tables (004; getVapidPublicKey, 2025-07-21) still say Sites.ReadWrite.All, so beta keeps it.",
        overrides: ([S000, S001, S002, S003] as const).flatMap((source) =>
          (["delegatedWork", "application"] as const).map((column) => ({ source, column, documented: ["Sites.ReadWrite.All"] })),
        ),
      },
      beta: { sources: [S004, BETA_NEWEST, LIFETIMES] },
    },
  },
  {
    resourceType: "message",
    description: "Outlook mail messages of a user or one of their mail folders",
    paths: ["users/{id}/messages", "users/{id}/mailFolders/{id}/messages", "me/messages", "me/mailFolders/{id}/messages"],
    documentedAs: ["message"],
    permissions: perms("Mail.ReadBasic, Mail.Read", "Mail.ReadBasic, Mail.Read", "Mail.Read"),
    ...outlook,
    // The Outlook page's table: application "Mail.ReadBasic, Mail.Read".
    alsoAccepted: { application: ["Mail.ReadBasic"] },
    in: {
      "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH], resolution: `${LIFETIME_C1} ${ME_NOTE}` },
      beta: { sources: [S004, LIFETIMES, RICH], resolution: `${LIFETIME_C1} ${ME_NOTE}` },
    },
  },
  ...(
    [
      ["offerShiftRequest", "offerShiftRequests", "offer shift request", V1_EN],
      ["openShiftChangeRequest", "openShiftChangeRequests", "open shift request", V1_EN],
      ["shift", "shifts", "shift", V1_EN],
      ["swapShiftsChangeRequest", "swapShiftsChangeRequests", "swap shift request", V1_EN],
      ["timeOffRequest", "timeOffRequests", "time off request", V1_EN],
    ] as const
  ).map(
    ([type, segment, noun, v1Seeds]): Scenario => ({
      resourceType: type,
      description: `Changes to any ${noun} in a team`,
      paths: [`teams/{id}/schedule/${segment}`],
      documentedAs: [`${type} /teams/{id}/schedule/${segment}`],
      permissions: perms("Schedule.Read.All, Schedule.ReadWrite.All", null, "Schedule.Read.All, Schedule.ReadWrite.All"),
      ...shifts,
      in: { "v1.0": { sources: [...v1Seeds, LIFETIMES] }, beta: { sources: [S004, LIFETIMES] } },
    }),
  ),
  {
    resourceType: "onlineMeeting",
    description: "A Teams online meeting, selected by its join URL",
    paths: ["communications/onlineMeetings?$filter=JoinWebUrl eq '{JoinWebUrl}'"],
    documentedAs: ["online meeting", "onlineMeeting", "reunión en línea"],
    permissions: perms(null, null, "OnlineMeetings.Read.All, OnlineMeetings.ReadWrite.All"),
    ...teamsRich,
    // A cloud-communications API, not one of the "Microsoft Teams APIs" Teams' national-cloud page withholds from China, and no
    // stored version of its API page states its clouds: offered everywhere, as before.
    clouds: allClouds,
    maxLifetimeMinutes: 4230,
    query: NO_SELECT,
    in: {
      "v1.0": {
        sources: [...V1_REAUTH, LIFETIMES, S004],
        resolution:
          "C6: the lifetime table lists onlineMeeting twice (4,320 and 4,230 min); the smaller wins so a subscription never exceeds either documented maximum. Seed 002 (Spanish) marks OnlineMeetings.ReadWrite.All with * (resource-specific consent); the English sources 000/001/004 do not, and RSC permissions are the .Chat/.Group/.User ones, so the English original wins and the asterisk is a translation artifact. The path is seed 004's example; the doc requires the $filter.",
        overrides: [{ source: S002, column: "application", documented: ["OnlineMeetings.Read.All", "OnlineMeetings.ReadWrite.All*"] }],
      },
      beta: {
        sources: [S004, LIFETIMES, RICH, OVERVIEW],
        // The overview and the rich-notifications page mark the key form with * (beta only).
        paths: ["communications/onlineMeetings?$filter=JoinWebUrl eq '{JoinWebUrl}'", "communications/onlineMeetings(joinWebUrl='{encodedJoinWebUrl}')/meetingCallEvents"],
        seedView: "only the $filter=JoinWebUrl form (seed 004)",
        resolution:
          "C6: the lifetime table lists onlineMeeting twice (4,320 and 4,230 min); the smaller wins. The overview and rich-notifications page document the key form onlineMeetings(joinWebUrl='{encodedJoinWebUrl}')/meetingCallEvents (beta, marked *); seed 004 shows the older $filter form, which is kept.",
      },
    },
  },
  {
    resourceType: "presence",
    description: "Teams presence of one user, or of several users with $filter=id in (...)",
    paths: ["communications/presences/{id}", "communications/presences?$filter=id in ('{id}')"],
    documentedAs: ["presence", "presencia"],
    permissions: perms("Presence.Read.All", null, null),
    ...basic,
    clouds: GLOBAL_ONLY, // presence-get (beta): global-only.md
    pages: [docsPages.presenceApi.url],
    resourceData: "optional",
    maxLifetimeMinutes: 60,
    changeTypes: ["updated"],
    // Rich-notifications page: "The subscription for multiple users' presence is limited to 650 distinct users." and no $select.
    query: { ...NO_SELECT, maxFilterIds: { limit: 650, source: RICH } },
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH] }, beta: { sources: [S004, LIFETIMES, RICH] } },
  },
  {
    resourceType: "printer",
    description: "Print jobs of a Universal Print printer",
    paths: ["print/printers/{id}/jobs"],
    documentedAs: ["printer"],
    permissions: perms(null, null, "Printer.Read.All, Printer.ReadWrite.All"),
    ...basic,
    clouds: GLOBAL_AND_US_GOV, // printer-list-jobs (v1.0, beta): global-us.md
    pages: [docsPages.printApi.url],
    maxLifetimeMinutes: 4230,
    changeTypes: ["updated"],
    // Print page, JobFetchable: "notificationQueryOptions field needs to be set as "$filter = isFetchable eq true"".
    query: { notificationQueryOptions: { rule: "required", example: "$filter = isFetchable eq true", source: PRINT } },
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES, PRINT] }, beta: { sources: [S004, LIFETIMES, PRINT] } },
  },
  {
    resourceType: "printTaskDefinition",
    description: "Tasks of a Universal Print task definition",
    paths: ["print/taskDefinitions/{id}/tasks"],
    documentedAs: ["printTaskDefinition"],
    permissions: perms(null, null, "PrintTaskDefinition.ReadWrite.All"),
    ...basic,
    clouds: GLOBAL_AND_US_GOV, // printtaskdefinition-list-tasks (beta): global-us.md
    pages: [docsPages.printApi.url],
    maxLifetimeMinutes: 4230,
    changeTypes: ["created"],
    // Universal Print, so notificationQueryOptions is allowed (subscription resource page); the print page sets none.
    query: { notificationQueryOptions: { rule: "optional", example: "", source: PRINT } },
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES, PRINT] }, beta: { sources: [S004, LIFETIMES, PRINT] } },
  },
  {
    resourceType: "alert",
    description: "Microsoft Graph security alerts (seed 004's example filters on status eq 'NewAlert')",
    paths: ["security/alerts", "security/alerts/{id}"],
    documentedAs: ["security alert", "alerta de seguridad"],
    permissions: perms("SecurityEvents.ReadWrite.All", null, "SecurityEvents.ReadWrite.All"),
    ...basic,
    clouds: GLOBAL_AND_US_GOV, // alert-list (v1.0, beta): global-us.md
    pages: [docsPages.alertsApi.url],
    maxLifetimeMinutes: 43200,
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES] }, beta: { sources: [S004, LIFETIMES] } },
  },
  {
    resourceType: "team",
    description: "All teams in an organization",
    paths: ["teams"],
    documentedAs: ["team /teams"],
    permissions: perms(null, null, "Team.ReadBasic.All, TeamSettings.Read.All"),
    ...teamsRich,
    alsoAccepted: { application: ["TeamSettings.ReadWrite.All"] },
    pages: [TEAMS_CHANNELS],
    in: {
      "v1.0": {
        sources: [...V1_ALL, LIFETIMES, RICH],
        resolution: "Seed 002 (Spanish) prints the path as /Equipos, a translation of /teams; the English sources win because Graph paths are not localized.",
        overrides: [{ source: S002, column: "scenario", documented: "team /Equipos" }],
      },
      beta: { sources: [S004, LIFETIMES, RICH] },
    },
  },
  {
    resourceType: "team",
    description: "A particular team",
    paths: ["teams/{id}"],
    documentedAs: ["team /teams/{id}"],
    permissions: perms("Team.ReadBasic.All, TeamSettings.Read.All", null, "Team.ReadBasic.All, TeamSettings.Read.All"),
    ...teamsRich,
    alsoAccepted: { delegatedWork: ["TeamSettings.ReadWrite.All"], application: ["TeamSettings.Read.Group", "TeamSettings.ReadWrite.Group", "TeamSettings.ReadWrite.All"] },
    pages: [TEAMS_CHANNELS],
    resourceSpecificConsent: ["TeamSettings.Read.Group", "TeamSettings.ReadWrite.Group"],
    in: { "v1.0": { sources: [...V1_ALL, LIFETIMES, RICH] }, beta: { sources: [S004, LIFETIMES, RICH] } },
  },
  {
    resourceType: "todoTask",
    description: "Microsoft To Do tasks in a task list",
    paths: ["me/todo/lists/{id}/tasks", "users/{id}/todo/lists/{id}/tasks"],
    documentedAs: ["todoTask"],
    permissions: perms("Tasks.ReadWrite", "Tasks.ReadWrite", "Tasks.ReadWrite.All"),
    ...basic,
    maxLifetimeMinutes: 4230,
    // Lifetime table: "Webhooks for this resource are only available in the global endpoint and not in the national clouds."
    clouds: ["global"],
    in: {
      "v1.0": {
        sources: [V1_NEWEST, V1_CREATE, ...V1_ALL, LIFETIMES],
        seedView: "application permissions Not supported (seeds 000-003)",
        resolution: `${TASKS_APPLICATION} The v1.0 seeds (000-003) say Not supported; overrides recorded.`,
        overrides: ([S000, S001, S002, S003] as const).map((source) => ({ source, column: "application" as const, documented: null })),
      },
      beta: {
        sources: [S004, BETA_NEWEST, LIFETIMES],
        resolution: `${TASKS_APPLICATION} The beta getVapidPublicKey page (2025-07-21) and the stored beta Create page say Not supported; rules:check lists them as explained differences.`,
      },
    },
  },
  {
    resourceType: "user",
    description: "Users in the directory",
    paths: ["users", "users/{id}"],
    documentedAs: ["user"],
    permissions: perms("User.Read.All", "User.Read.All", "User.Read.All"),
    ...basic,
    maxLifetimeMinutes: 41760,
    changeTypes: ["updated", "deleted"],
    in: {
      "v1.0": {
        sources: [...V1_ALL, LIFETIMES, OVERVIEW],
        resolution:
          "The overview's quota notes say user subscriptions are not supported for personal Microsoft accounts, while every permission table (000-004) lists User.Read.All for them. The permission tables win for the table (five sources, per scenario); Graph's own error covers the account case.",
      },
      beta: { sources: [S004, LIFETIMES, OVERVIEW] },
    },
  },
  // Virtual events (virtual-event change-notifications page, "Subscribable virtual events"): one row per
  // resource URL, because each has its own change types and permission types. "Virtual event
  // subscriptions have a maximum period of a day"; the lifetime table has no row. The virtual-event APIs
  // are offered in the global service only (their API pages' national-cloud table).
  ...(
    [
      {
        type: "virtualEventWebinar",
        path: "solutions/virtualEvents/webinars/{id}",
        description: "Updates to a specific webinar",
        documentedAs: ["virtualEventWebinar"],
        changeTypes: ["updated"],
        permissions: perms("VirtualEvent.Read", null, "VirtualEvent.Read.All"),
        versions: { "v1.0": [S003, V1_NEWEST], beta: [S004, BETA_NEWEST] },
      },
      {
        type: "virtualEventSession",
        path: "solutions/virtualEvents/webinars/{id}/sessions",
        description: "Sessions created or updated in a webinar",
        documentedAs: ["virtualEventSession /solutions/virtualEvents/webinars/{webinarId}/sessions"],
        changeTypes: ["created", "updated"],
        permissions: perms("VirtualEvent.Read", null, "VirtualEvent.Read.All"),
        versions: { "v1.0": [], beta: [] },
      },
      {
        type: "virtualEventRegistration",
        path: "solutions/virtualEvents/webinars/{id}/registrations",
        description: "Registrations created or updated for a webinar",
        documentedAs: ["virtualEventRegistration /solutions/virtualEvents/webinars/{webinarId}/registrations"],
        changeTypes: ["created", "updated"],
        permissions: perms("VirtualEvent.Read", null, "VirtualEvent.Read.All"),
        versions: { "v1.0": [], beta: [] },
      },
      {
        type: "virtualEvent",
        path: "solutions/virtualEvents/events",
        description: "Virtual events created in a tenant (application permissions only)",
        documentedAs: ["virtualEvent /solutions/virtualEvents/events"],
        changeTypes: ["created"],
        permissions: perms(null, null, "VirtualEvent.Read.All"),
        versions: { "v1.0": [], beta: [] },
      },
      {
        type: "virtualEvent",
        path: "solutions/virtualEvents/events/getEventsFromOrganizers(organizerIds={organizerIds})",
        description: "Virtual events created in a tenant by a set of organizers or co-organizers (application permissions only)",
        documentedAs: ["virtualEvent /solutions/virtualEvents/events/getEventsFromOrganizers"],
        changeTypes: ["created"],
        permissions: perms(null, null, "VirtualEvent.Read.All"),
        versions: { "v1.0": [], beta: [] },
      },
      {
        type: "virtualEventTownhall",
        path: "solutions/virtualEvents/townhalls/{id}",
        description: "Updates to a specific town hall",
        documentedAs: ["virtualEventTownhall"],
        changeTypes: ["updated"],
        permissions: perms("VirtualEvent.Read", null, "VirtualEvent.Read.All"),
        // The current v1.0 tables (Create, 2026-05-05; getVapidPublicKey, 2026-09-17) list it for v1.0 too.
        versions: { "v1.0": [V1_NEWEST, V1_CREATE], beta: [S004] },
      },
      {
        type: "meetingAttendanceReport",
        path: "solutions/virtualEvents/webinars/{id}/getAttendanceReports",
        description: "Attendance reports that become ready for a webinar",
        documentedAs: ["meetingAttendanceReport /solutions/virtualEvents/webinars/{webinarId}/getAttendanceReports"],
        changeTypes: ["created"],
        permissions: perms("VirtualEvent.Read", null, "VirtualEvent.Read.All"),
        versions: { "v1.0": [], beta: [] },
      },
      {
        type: "virtualEventSession",
        path: "solutions/virtualEvents/townhalls/{id}/sessions",
        description: "Sessions created or updated in a town hall",
        documentedAs: ["virtualEventSession /solutions/virtualEvents/townhalls/{townhallId}/sessions"],
        changeTypes: ["created", "updated"],
        permissions: perms("VirtualEvent.Read", null, "VirtualEvent.Read.All"),
        versions: { "v1.0": [], beta: [] },
      },
      {
        type: "meetingAttendanceReport",
        path: "solutions/virtualEvents/townhalls/{id}/getAttendanceReports",
        description: "Attendance reports that become ready for a town hall",
        documentedAs: ["meetingAttendanceReport /solutions/virtualEvents/townhalls/{townhallId}/getAttendanceReports"],
        changeTypes: ["created"],
        permissions: perms("VirtualEvent.Read", null, "VirtualEvent.Read.All"),
        versions: { "v1.0": [], beta: [] },
      },
      {
        type: "virtualEventSession",
        // {eventType} is webinars or townhalls.
        path: "solutions/virtualEvents/{eventType}/{id}/getVideoOnDemandPublication",
        description: "Video-on-demand publications that become ready for a webinar's or town hall's sessions",
        documentedAs: ["virtualEventSession /solutions/virtualEvents/{eventType}/{eventId}/getVideoOnDemandPublication"],
        changeTypes: ["updated"],
        permissions: perms("VirtualEvent.Read", null, "VirtualEvent.Read.All"),
        versions: { "v1.0": [], beta: [] },
      },
    ] as const
  ).map(
    ({ type, path, description, documentedAs, changeTypes, permissions, versions }): Scenario => ({
      resourceType: type,
      description,
      paths: [path],
      documentedAs,
      permissions,
      // The page's permission table: delegated "VirtualEvent.Read, VirtualEvent.ReadWrite".
      ...(permissions.delegatedWork === null ? {} : { alsoAccepted: { delegatedWork: ["VirtualEvent.ReadWrite"] } }),
      ...basic,
      maxLifetimeMinutes: 1440,
      changeTypes,
      clouds: ["global"],
      in: Object.fromEntries(
        Object.entries(versions).map(([version, cited]) => [
          version,
          {
            sources: [...cited, VIRTUAL_EVENTS, LIFETIMES],
            ...(type === "virtualEventTownhall"
              ? {
                  resolution:
                    "Seed 004 (beta) and the current v1.0 tables (Create, 2026-05-05; getVapidPublicKey, 2026-09-17) list virtualEventTownhall permissions; the virtual-event page (2024-11-07) documents townhalls/{townhallId} (updated), its sessions and its attendance reports. A town hall's registrations are not documented and are refused.",
                }
              : {}),
            ...(type === "virtualEventTownhall" && version === "v1.0"
              ? { seedView: "beta only (seed 004)" }
              : path.endsWith("/sessions") || path.endsWith("/registrations") || type === "virtualEvent"
              ? { seedView: "not listed (the seeds list virtualEventWebinar only, with any change type on {id}, sessions, registrations and getAttendanceReports)" }
              : type === "virtualEventWebinar"
                ? { seedView: "any change type; sessions, registrations and getAttendanceReports on the same row; all clouds" }
                : {}),
          },
        ]),
      ),
    }),
  ),
  {
    resourceType: "baseTask",
    description: "Deprecated To Do tasks (use todoTask)",
    paths: ["me/tasks/lists/{id}/tasks", "users/{id}/tasks/lists/{id}/tasks"],
    documentedAs: ["baseTask (deprecated)", "baseTask (en desuso)"],
    permissions: perms("Tasks.ReadWrite", "Tasks.ReadWrite", null),
    ...basic,
    maxLifetimeMinutes: 4230,
    deprecated: "baseTask is deprecated; subscribe to todoTask (me/todo/lists/{id}/tasks) instead",
    in: {
      "v1.0": {
        sources: [...V1_REAUTH, LIFETIMES],
        resolution:
          "graph-rules §11 lists baseTask as beta only, and the v1.0 Update page (003) omits it, but the v1.0 Reauthorize page (000/001/002) lists it. Kept for v1.0 with a deprecation warning: refusing a path the v1.0 docs list would block working programs, and Graph answers for itself if it does not exist.",
      },
      beta: { sources: [S004, LIFETIMES] },
    },
  },
];

function expand(scenario: Scenario): ResourceRule[] {
  const { in: versions, variant, pages = [], ...shared } = scenario;
  // The Teams resources take their clouds from Teams' national-cloud page.
  const cited = [...pages, ...((teamsResourceTypes as readonly string[]).includes(shared.resourceType) ? [TEAMS_CLOUDS] : [])];
  return (Object.entries(versions) as [ApiVersion, VersionSpecific][]).map(([apiVersion, specific]) => {
    const paths = specific.paths ?? shared.paths;
    return {
      ...shared,
      ...specific,
      // The metered Teams APIs "are currently available only in the Microsoft global environment and not in
      // national cloud deployments" (teams-licenses), whether or not a model= is given.
      clouds: shared.paymentModels === "none" ? shared.clouds : paymentModelRules.clouds,
      id: `${apiVersion}/${shared.resourceType}/${variant ?? (paths[0] ?? "").split("?")[0]}`,
      apiVersion,
      sources: [...new Set([...specific.sources, ...cited])],
      checkedAgainst: [...new Set([...specific.sources, ...cited])].map((source) => ({ source, dated: datedSource(source) })),
      checkedOn: tableCheckedOn,
    };
  });
}

/** THE rule table: one row per documented scenario per API version. */
export const ruleTable: readonly ResourceRule[] = scenarios.flatMap(expand);

/**
 * The shortest and the longest lifetime any row allows (rich notifications included): the bounds of a path the
 * table does not list (allowUndocumentedResource). Asking for the shortest cannot exceed what Graph allows the
 * resource; nothing Graph documents takes more than the longest.
 */
export const documentedLifetimes = (() => {
  const lifetimes = ruleTable.flatMap((rule) =>
    [rule.maxLifetimeMinutes, rule.maxLifetimeWithResourceDataMinutes].filter((minutes): minutes is number => minutes !== undefined).map((minutes) => ({ minutes, rule: rule.id })),
  );
  const by = (pick: (a: number, b: number) => boolean) => lifetimes.reduce((best, next) => (pick(next.minutes, best.minutes) ? next : best));
  return { shortest: by((a, b) => a < b), longest: by((a, b) => a > b) };
})();
