/**
 * Where the sources disagree and how the rule table decides, in the order the decisions were made.
 * docs/rule-table.md prints this list (scripts/ruleTableDoc.ts), so the reasons live next to the data.
 * Cells are markdown.
 */
export interface RuleConflict {
  conflict: string;
  resolution: string;
}

export const ruleConflicts: readonly RuleConflict[] = [
  { conflict: "**chatMessage `/chats/{id}/messages`, delegated (work)**: 003 (Update) says *Not supported*; 000, 001, 002 and 004 say `Chat.Read, Chat.ReadWrite`.", resolution: "`Chat.Read, Chat.ReadWrite` wins: four sources in both API versions agree, and 003 matches the 2021 include that barred delegated chatMessage subscriptions, which a newer version superseded (graph-rules §4b). Override of 003 recorded (`v1.0/chatMessage/chats/{id}/messages`)." },
  { conflict: "**chatMessage `/teams/{id}/channels/{id}/messages`, delegated (work)**: 003 lists only `ChannelMessage.Read.All`; 000/001/002/004 add `Group.Read.All, Group.ReadWrite.All`.", resolution: "The longer list wins (majority, and the newer Create page). Override of 003 recorded." },
  {
    conflict:
      "**todoTask, application**: v1.0 seeds 000-003, the stored beta Create page and beta getVapidPublicKey (2025-07-21) say *Not supported*; beta 004 (2024-07-26), v1.0 Create (2026-05-05) and v1.0 getVapidPublicKey (2026-09-17, the newest table read) say `Tasks.ReadWrite.All`.",
    resolution:
      "`Tasks.ReadWrite.All` on both versions: the newest tables list it, a beta API is not narrower than v1.0, and refusing what Graph accepts would block working programs while Graph reports an unsupported permission itself. Overrides of 000-003 recorded; `rules:check` lists the two beta pages as explained differences. (Until 2026-11 the table refused it on v1.0.)",
  },
  { conflict: "**online meeting, application (Spanish 002)**: 002 marks `OnlineMeetings.ReadWrite.All*` as resource-specific consent; the English 000/001/004 do not.", resolution: "The English original wins. The asterisk is a translation artifact: RSC permissions are the `.Chat`/`.Group`/`.User` ones. Override of 002 recorded (`v1.0/onlineMeeting/...`)." },
  { conflict: "**team `/teams` (Spanish 002)**: the path is printed as `/Equipos`, a translation.", resolution: "Graph paths are not localized, so `/teams` stands. A `scenario` override of 002 is recorded. `/Chats` (capitalised) needs none, because paths match case-insensitively." },
  { conflict: "**Spanish 002, cosmetic**: resource names are translated (*evento, grupo, lista, presencia, alerta de seguridad, conversación de grupo, reunión en línea, baseTask (en desuso)*, OneDrive labels). \"Not supported\" appears as *No admitida / No se admite / No compatible*. One cell ends in `Chat.ReadWrite.All.`", resolution: "The translated names are listed in each row's `documentedAs`. The parser reads every spelling of \"Not supported\" and drops the stray trailing period. Permissions do not change." },
  { conflict: "**Pages list different scenario sets**: 002 lacks the Shifts rows and `chat /users/{id}/chats`; 003 lacks baseTask, `conversationMember /teams/getAllMembers` and `/teams/getAllChannels/getAllMembers`, and online meeting; 003 alone lists `virtualEventWebinar` for v1.0.", resolution: "The table is the union of the pages of the version. Each row cites exactly the seeds that list it, and the test checks this." },
  { conflict: "**baseTask on v1.0**: graph-rules §11 says beta only and 003 omits it; 000/001/002 (v1.0 Reauthorize) list it.", resolution: "Kept for v1.0 with a deprecation warning, so a path the v1.0 docs list is not refused." },
  { conflict: "**user, personal accounts**: the overview's quota notes say user subscriptions are not supported for personal Microsoft accounts; every permission table lists `User.Read.All` for them.", resolution: "The permission tables win for the table (five sources, per scenario). Graph reports the account case itself." },
  { conflict: "**C1 Outlook lifetime**: 4,230 vs 10,080 min basic / 1,440 rich.", resolution: "The current values win: 10,080 / 1,440." },
  { conflict: "**C2 Teams lifetime**: 60 vs 4,320 min.", resolution: "The current 4,320 wins. A lifecycle URL is required above 60 minutes." },
  { conflict: "**C6 onlineMeeting lifetime**: 4,320 and 4,230 in the same table.", resolution: "The smaller (4,230) wins, so a subscription never exceeds either documented maximum." },
  { conflict: "**C3 clientState**: 128 (v1.0) vs 255 (beta).", resolution: "Enforced per API version in `validate.ts`." },
  { conflict: "**C5 encryptionCertificateId**: optional (v1.0 table) vs required with resource data (beta, rich-notifications page).", resolution: "Required with `includeResourceData` on both versions. Graph's own setup page lists it as required." },
  { conflict: "**C14 payment models**: the seeds' A/B rules vs \"no longer metered since 2025-08-25; model ignored\" (teams-licenses).", resolution: "Rows keep the documented A/B and B-only split. Validation refuses A on B-only paths, refuses models outside the global cloud, and warns that Graph now ignores `model=`." },
  { conflict: "**Undocumented or unconfirmed values**: virtual events have no lifetime-table row; the virtual-event page says \"maximum period of a day\".", resolution: "1,440 min, citing the virtual-event page. Change types stay open (all three) where graph-rules §5 marks them unconfirmed (security alert, callRecording/callTranscript, health monitoring)." },
  {
    conflict:
      "**Approvals path**: seed 004's Resources examples write `solution/approval/approvalItems`; the overview (2025-03-05) and the approvals API write `solutions/approval/approvalItems`.",
    resolution: "`solutions/approval/approvalItems` wins; the seed's spelling is a typo and is refused (`beta/approvalItem/...`).",
  },
  {
    conflict:
      "**printTaskDefinition path**: the overview prints `/print/printtaskdefinition/{id}/tasks`; the Create page example and the Universal Print page write `print/taskDefinitions/{id}/tasks`.",
    resolution: "`print/taskDefinitions/{id}/tasks` wins: two sources, and it is the navigation property's name. The overview spelling is listed by `rules:check` as an explained difference.",
  },
  {
    conflict:
      "**aiInteraction on v1.0**: seed 004 lists the Copilot AI interaction rows for beta only; the current v1.0 Update, Delete and List permission tables (2026-05) and the overview (no `*`) list them for v1.0.",
    resolution: "The current docs win: both aiInteraction rows exist for v1.0 and beta. Each v1.0 row records the seeds' view.",
  },
  {
    conflict:
      "**Virtual events**: the seeds have one `virtualEventWebinar` scenario; the virtual-event page lists five resource URLs with their own change types (`webinars/{id}` updated only; `sessions`, `registrations` created and updated; `events` and `getEventsFromOrganizers(...)` created, application only) and no `getAttendanceReports`.",
    resolution:
      "One row per documented resource URL with its change types and permission types; `getAttendanceReports` is refused. `virtualEventTownhall` (seed 004 for beta; the current v1.0 tables, Create 2026-05-05 and getVapidPublicKey 2026-09-17, for v1.0) keeps the webinar's `{id}` form, updated only, by analogy. Virtual events are global only.",
  },
  {
    conflict:
      "**Health-monitoring alert type filter**: the overview writes the filtered form as `/reports/healthmonitoring/alert` (singular) with `notificationQueryOptions`; the path everywhere else is `reports/healthMonitoring/alerts`.",
    resolution: "The singular is read as a typo: filtering is `reports/healthMonitoring/alerts` plus `notificationQueryOptions` `$filter=alertType eq '{alertType}'`.",
  },
  {
    conflict:
      "**notificationQueryOptions**: the subscription resource page says \"Supported only for Universal Print Service\"; the overview also uses it for health-monitoring alerts.",
    resolution: "Allowed on the printer (required: `$filter = isFetchable eq true`, print page), printTaskDefinition and health-monitoring rows; refused elsewhere.",
  },
  {
    conflict:
      "**Metered Teams paths in national clouds**: teams-licenses says metering ended on 2025-08-25 and `model=` is ignored, but also that the metered APIs are offered only in the global service.",
    resolution: "Rows with payment models (A/B or B) are global only, with or without `model=`; a `model=` in the global cloud only warns.",
  },
  {
    conflict:
      "**Online meeting key form**: the overview and rich-notifications page document `communications/onlineMeetings(joinWebUrl='{encodedJoinWebUrl}')/meetingCallEvents`, marked `*` (beta only); seed 004 shows the older `$filter=JoinWebUrl eq '...'` form, and the v1.0 seeds 000-002 list online meeting for v1.0.",
    resolution: "Beta accepts both forms; v1.0 keeps the seeds' `$filter` form only.",
  },
  {
    conflict:
      "**Rows the current v1.0 tables omit**: the Update and Delete pages (2026-05) no longer list online meeting, baseTask, `conversationMember /teams/getAllMembers` or `/teams/getAllChannels/getAllMembers`, which the v1.0 seeds list.",
    resolution:
      "Kept: a row leaves the table only when a page says the scenario is gone, not when a table stops printing it. `rules:check` reports them as explained differences.",
  },
  {
    conflict:
      "**Outlook rich notifications and `$select`**: the rich-notifications page says Outlook rows require `$select` (\"Requires `$select` to return only a subset of properties in the rich notification\"); the emulator used to accept rich message subscriptions without it.",
    resolution: "Both the provider and the emulator refuse a rich Outlook subscription without `$select` (400 Bad Request in the emulator), from the same row (`query.select`) through `queryRules.ts`.",
  },
  {
    conflict:
      "**Approvals, health-monitoring alerts and Copilot aiInsights on v1.0**: the overview's path table marks none with `*` (beta only), but their APIs (`solutions/approval`, `reports/healthMonitoring`) exist only in beta and no v1.0 permission table lists them.",
    resolution: "Beta only. `rules:check` reports the overview's unmarked rows as explained differences.",
  },
  {
    conflict:
      "**`getAllTrancripts`**: the overview and rich-notifications page spell the app-installed transcript path `installedToOnlineMeetings/getAllTrancripts`; the function is `getAllTranscripts` everywhere else (and in seed 004).",
    resolution: "`getAllTranscripts` wins; the docs' spelling is a typo. `rules:check` lists it as explained.",
  },
  {
    conflict:
      "**list, v1.0**: the v1.0 seeds 000-003 name `Sites.ReadWrite.All` (delegated work and application); v1.0 Create (2026-05-05) and v1.0 getVapidPublicKey (2026-09-17) name `Sites.Read.All`; the beta tables (004, getVapidPublicKey 2025-07-21) keep `Sites.ReadWrite.All`.",
    resolution: "v1.0 follows its current pages (`Sites.Read.All`, overrides of 000-003 recorded); beta keeps `Sites.ReadWrite.All`. Names only: validation checks permission types, not names.",
  },
  {
    conflict:
      "**driveItem, v1.0**: v1.0 Create (2026-05-05) names `Files.Read` (personal) and `Files.Read.All` (work or school); v1.0 getVapidPublicKey (2026-09-17), the seeds and the beta tables name `Files.ReadWrite` and `Files.ReadWrite.All`.",
    resolution: "`Files.ReadWrite` / `Files.ReadWrite.All` stay: the newest page agrees with every other table. Names only.",
  },
  {
    conflict:
      "**Stored page versions older than the learn pages**: the docs index holds only older versions of the Create pages (v1.0 at commit 028e5429, beta at 9ccac1d4; see test/rules/docsPages/README.md). The v1.0 one says delegated work *Not supported* for `chatMessage /chats/{id}/messages`, lists only `ChannelMessage.Read.All` for delegated channel messages, and `Mail.ReadBasic, Mail.Read` for application message subscriptions.",
    resolution:
      "The current v1.0 tables win (getVapidPublicKey 2026-09-17: `Chat.Read, Chat.ReadWrite`; `ChannelMessage.Read.All, Group.Read.All, Group.ReadWrite.All`; `Mail.Read`), as conflicts 1 and 2 already decided from the seeds; `Mail.ReadBasic` is no application permission. `rules:check` lists the stored page's cells as explained differences.",
  },
  {
    conflict:
      "**conversationMember `/teams/{id}/channels/getAllMembers`**: every API permission table says delegated is *Not supported* and names no payment model; the channel-membership page (2024-11-07) lists delegated `ChannelMember.Read.All, ChannelMember.ReadWrite.All` for a team's private and shared channels and includes the Teams model A and B disclaimer.",
    resolution:
      "The resource's own page wins: delegated is allowed, with models A and B. Overrides of seeds 000-004 recorded. Refusing what the page documents would block working programs; Graph answers for itself otherwise.",
  },
  {
    conflict:
      "**conversationMember `/teams/getAllChannels/getAllMembers` on v1.0**: the v1.0 Reauthorize page lists it; the channel-membership page says \"This subscription is only available in the beta endpoint\", and the newest v1.0 tables (Create, getVapidPublicKey, 2026) do not list it.",
    resolution: "Beta only. A v1.0 program gets the `apiVersion: \"beta\"` hint.",
  },
  {
    conflict:
      "**Health-monitoring alerts, beta permissions**: Create, Update, Delete and Reauthorize name `HealthMonitoringAlertConfig.ReadWrite.All`; Get and List name `HealthMonitoringAlertConfig.Read.All`.",
    resolution: "The row names ReadWrite.All (four pages, the newest among them) and also accepts Read.All (`alsoAccepted`), so a token with either passes the permission check.",
  },
  {
    conflict: "**callRecord on beta**: the call-records page's permission table gives \"Supported versions: v1.0\"; every beta permission table (Create 2026-05-05, Update, Reauthorize, List) lists callRecord.",
    resolution: "Both versions: the beta tables are the API's own, and a beta API is not narrower than v1.0.",
  },
  {
    conflict: "**`solution/approval/approvalItems`**: the beta Create page's Resources examples spell the path `solution/...`; the approvals API and the overview write `solutions/approval/approvalItems`.",
    resolution: "`solutions/...` wins; the example's spelling is a typo.",
  },
  {
    conflict: "**driveItem on the beta List page**: both driveItem rows are labelled `driveItem`, the OneDrive kind only in a description.",
    resolution: "The other beta pages label the rows (personal, work or school) and are compared; the List page's unlabelled rows are reported as explained.",
  },
  {
    conflict:
      "**todoTask in the US Government clouds**: the To Do API page (`todotasklist-list-tasks`) says the API exists in the global service and US Government L4 and L5; the lifetime table says \"Webhooks for this resource are only available in the global endpoint and not in the national clouds\".",
    resolution: "Global only: the statement about subscriptions is the narrower and the more specific one.",
  },
];
