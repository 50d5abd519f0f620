import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ruleConflicts } from "../../provider/rules/ruleConflicts";
import { ruleTable, type ResourceRule } from "../../provider/rules/ruleTable";
import { compare, docsPagesDir, docsSnapshotFile, extractDocs, formatDifferences, knownDifferences, type DocsExtract } from "../../scripts/rulesCheck";

const committed: DocsExtract = JSON.parse(readFileSync(docsSnapshotFile, "utf8"));

describe("rules:check against the committed snapshot (test/rules/docsPages)", () => {
  it("holds every kind of table and rule the check reads", () => {
    expect(committed.lifetimes.length).toBeGreaterThanOrEqual(30);
    expect(committed.paths.length).toBeGreaterThanOrEqual(60);
    expect(committed.rich.length).toBeGreaterThanOrEqual(25);
    expect(committed.changeTypes).toHaveLength(10);
    // Create, Update, Reauthorize, Delete, Get, List and getVapidPublicKey of each version, and the learn render of v1.0 getVapidPublicKey.
    expect(new Set(committed.permissions.map((entry) => entry.file)).size).toBe(15);
    expect(committed.examples.length).toBeGreaterThanOrEqual(40);
    expect(committed.queryRules.length).toBeGreaterThanOrEqual(6);
    expect(committed.requiredSettings).toHaveLength(2);
    // The newest Teams notes include (2026) no longer names payment models; the Teams pages' licensing disclaimers do.
    expect(committed.paymentModels.length).toBeGreaterThanOrEqual(0);
    const statements = committed.resourcePages.flatMap((page) => page.statements);
    expect(statements.filter((statement) => statement.kind === "paymentModels").length).toBeGreaterThanOrEqual(8);
    expect(statements.filter((statement) => statement.kind === "lifecycleRequired").length).toBeGreaterThanOrEqual(6);
    expect(committed.meteredClouds).toHaveLength(1);
    // Every per-resource page: Teams, communications, Copilot, Outlook, virtual events, print, and the includes.
    expect(committed.resourcePages.length).toBeGreaterThanOrEqual(25);
    expect(committed.resourcePages.flatMap((page) => page.paths).length).toBeGreaterThanOrEqual(250);
    expect(committed.resourcePages.flatMap((page) => page.permissions).length).toBeGreaterThanOrEqual(40);
  });

  it("is the extract of the pages kept in test/rules/docsPages (rerun rules:check -- test/rules/docsPages --write after changing them)", () => {
    const fresh = extractDocs(docsPagesDir, committed.snapshot.commit);
    expect({ ...fresh, snapshot: { ...fresh.snapshot, read: committed.snapshot.read } }).toEqual(committed);
  });

  it("finds no unexplained difference", () => {
    const differences = compare(committed);
    expect(differences.filter((difference) => !difference.explainedBy)).toEqual([]);
    expect(formatDifferences(differences)).toMatch(/, 0 unexplained$/);
  });

  it.each(knownDifferences.map(({ pattern, why }) => [pattern.source.slice(0, 60), why] as const))(
    "explains %s with a conflict that docs/rule-table.md lists",
    (_pattern, why) => {
      for (const number of [...why.matchAll(/conflicts? ([\d, and]+)/g)].flatMap((match) => match[1]!.match(/\d+/g) ?? [])) {
        expect(Number(number)).toBeLessThanOrEqual(ruleConflicts.length);
      }
    },
  );
});

describe("rules:check on a docs checkout", () => {
  let root: string;
  const write = (file: string, lines: readonly string[]) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), lines.join("\n"));
  };
  const messages = (rows?: readonly ResourceRule[]) => compare(extractDocs(root), rows).map((difference) => `${difference.file}:${difference.line}: ${difference.message}`);
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "docs-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("reports a lifetime Graph changed, with file and line (directory objects going back to 4,230 minutes)", () => {
    write("concepts/includes/change-notifications-subscription-lifetime.md", [
      "---",
      "ms.date: 01/02/2027",
      "---",
      "| Resource | Maximum expiration time |",
      "|:--|:--|",
      "| [user][], [group][], other directory resources | 4,230 minutes (under three days) |",
      "| Outlook [message][], [event][], [contact][] | 10,080 minutes (under seven days) <br/><br/>For subscriptions with resource data (rich notification subscriptions), subscription lifetime is 1440 minutes (under one day). |",
    ]);
    const extract = extractDocs(root, "abc123");
    expect(extract.snapshot.files).toEqual({ "concepts/includes/change-notifications-subscription-lifetime.md": { msDate: "01/02/2027", blob: expect.stringMatching(/^[0-9a-f]{40}$/) } });
    expect(extract.lifetimes).toEqual([
      { file: "concepts/includes/change-notifications-subscription-lifetime.md", line: 6, names: ["user", "group"], minutes: 4230 },
      { file: "concepts/includes/change-notifications-subscription-lifetime.md", line: 7, names: ["message", "event", "contact"], minutes: 10080, richMinutes: 1440 },
    ]);
    expect(messages()).toContain("concepts/includes/change-notifications-subscription-lifetime.md:6: v1.0/user/users: lifetime 4230 min in the docs, 41760 in the table");
    expect(messages().filter((message) => message.includes("message"))).toEqual([]);
  });

  it("names each file by its git blob id, so the version read can be found in the docs history", () => {
    write("concepts/includes/metered-api-known-limitations.md", ["hello"]);
    // `printf hello | git hash-object --stdin`
    expect(extractDocs(root).snapshot.files["concepts/includes/metered-api-known-limitations.md"]?.blob).toBe("b6fc4c620b67d95f953a5c1c1230aaab5db5a1b0");
  });

  it("reads paths, beta markers and change types, and skips commented-out rows", () => {
    write("concepts/includes/change-notifications-supported-resources-expanded.md", [
      "| Resource | Supported resource paths | Limitations |",
      "|---|---|---|",
      "| [group][] | `/groups/{id}/members` <!-- `/groups/{id}/hidden` --> | - |",
      "| Teams [onlineMeeting][] <sup>*<sup> | `/communications/onlineMeetings(joinWebUrl='{encodedJoinWebUrl}')/meetingCallEvents` | - |",
      "| [team][] | `/teams/{id}/newThing` | - |",
    ]);
    write("concepts/changenotifications-for-virtualevent.md", [
      "Virtual event subscriptions have a maximum period of a day.",
      "| Type | Resource URL | Supported change types | Supported permission types |",
      "|:--|:--|:--|:--|",
      "| x | `solutions/virtualEvents/webinars/{webinarId}` | created, updated | Application, delegated |",
    ]);
    const extract = extractDocs(root);
    expect(extract.paths.map((entry) => [entry.path, entry.betaOnly])).toEqual([
      ["/groups/{id}/members", false],
      ["/communications/onlineMeetings(joinWebUrl='{encodedJoinWebUrl}')/meetingCallEvents", true],
      ["/teams/{id}/newThing", false],
    ]);
    expect(extract.changeTypes).toEqual([expect.objectContaining({ line: 4, changeTypes: ["created", "updated"], permissionTypes: ["application", "delegated"], maxLifetimeMinutes: 1440 })]);
    expect(compare(extract).map((difference) => difference.message)).toEqual([
      "'/teams/{id}/newThing' (team) is not in the v1.0 table",
      "'/teams/{id}/newThing' (team) is not in the beta table",
      "v1.0/virtualEventWebinar/solutions/virtualEvents/webinars/{id}: change types created,updated in the docs, updated in the table",
      "beta/virtualEventWebinar/solutions/virtualEvents/webinars/{id}: change types created,updated in the docs, updated in the table",
    ]);
  });

  it("reads every subscription page's permission table with its lines, and the Create page's resource examples", () => {
    write("api-reference/v1.0/api/subscription-post-subscriptions.md", [
      "| Supported resource | Delegated (work or school account) | Delegated (personal Microsoft account) | Application |",
      "|:-----|:-----|:-----|:-----|",
      "|[contact](../resources/contact.md) | Contacts.Read | Contacts.Read | Contacts.Read |",
      "|[presence](../resources/presence.md) | Presence.Read.All | Not supported. | Presence.Read.All |",
      "",
      "| Resource type | Examples |",
      "|:------ |:----- |",
      "|[Mail](../resources/message.md)|`me/mailfolders('inbox')/messages`, `me/messages`|",
      "|[Things](../resources/thing.md)|`me/things`|",
    ]);
    write("api-reference/beta/api/subscription-delete.md", [
      "| Supported resource | Delegated (work or school account) | Delegated (personal Microsoft account) | Application |",
      "|:-----|:-----|:-----|:-----|",
      "|[chat](../resources/chat.md) <br />`/chats/{id}` <br /> A particular chat.| Chat.ReadBasic, Chat.Read, Chat.ReadWrite | Not supported. | ChatSettings.Read.Chat, ChatSettings.ReadWrite.Chat, Chat.Manage.Chat, Chat.ReadBasic.All, Chat.Read.All, Chat.ReadWrite.All |",
      "",
      "> The following permissions use [resource-specific consent](/x):",
      "> - ChatSettings.Read.Chat",
      "> - ChatSettings.ReadWrite.Chat",
      "> - Chat.Manage.Chat",
    ]);
    const extract = extractDocs(root);
    expect(extract.permissions.map((entry) => [entry.file, entry.line, entry.apiVersion, entry.heading])).toEqual([
      ["api-reference/v1.0/api/subscription-post-subscriptions.md", 3, "v1.0", "contact"],
      ["api-reference/v1.0/api/subscription-post-subscriptions.md", 4, "v1.0", "presence"],
      ["api-reference/beta/api/subscription-delete.md", 3, "beta", "chat /chats/{id}"],
    ]);
    expect(messages()).toEqual([
      'api-reference/v1.0/api/subscription-post-subscriptions.md:4: v1.0/presence/communications/presences/{id} application: ["Presence.Read.All"] in the docs, null in the table',
      "api-reference/v1.0/api/subscription-post-subscriptions.md:9: 'me/things' (Resources examples) is not in the v1.0 table",
    ]);
  });

  it("reads a page as learn.microsoft.com renders it, taking its API version from its URL", () => {
    write("learn/en-us/graph/api/subscription-get.graph-rest-1.0.md", [
      "<!-- Source: https://learn.microsoft.com/en-us/graph/api/subscription-get?view=graph-rest-1.0 -->",
      "| Supported resource | Delegated \\(work or school account\\) | Delegated \\(personal Microsoft account\\) | Application |",
      "| :--- | :--- | :--- | :--- |",
      "| [driveItem](https://learn.microsoft.com/en-us/graph/api/resources/driveitem?view=graph-rest-1.0) \\(OneDrive for work or school\\) | Files.Read.All | Not supported. | Files.Read.All |",
    ]);
    expect(messages()).toEqual([
      'learn/en-us/graph/api/subscription-get.graph-rest-1.0.md:4: v1.0/driveItem/business delegatedWork: ["Files.Read.All"] in the docs, ["Files.ReadWrite.All"] in the table',
      'learn/en-us/graph/api/subscription-get.graph-rest-1.0.md:4: v1.0/driveItem/business application: ["Files.Read.All"] in the docs, ["Files.ReadWrite.All"] in the table',
    ]);
  });

  // One case per rule a page states outside the permission and lifetime tables: the docs change it, rules:check says so.
  it.each([
    [
      "Outlook $select (rich-notifications page)",
      "concepts/includes/change-notifications-rich-notifications-supported-resources.md",
      [
        "| Resource | Supported resource paths | Limitations |",
        "|--|--|--|",
        "| Outlook [event][] | Changes to all events: `/users/{id}/events` | Doesn't support using `$select` to return only selected properties. |",
      ],
      [
        "concepts/includes/change-notifications-rich-notifications-supported-resources.md:3: v1.0/event/users/{id}/events: $select is not supported in the docs, requiredWithResourceData in the table",
        "concepts/includes/change-notifications-rich-notifications-supported-resources.md:3: beta/event/users/{id}/events: $select is not supported in the docs, requiredWithResourceData in the table",
      ],
    ],
    [
      "presence's users per subscription (overview)",
      "concepts/includes/change-notifications-supported-resources-expanded.md",
      [
        "| Resource | Supported resource paths | Limitations |",
        "|---|---|---|",
        "| Teams [presence][] | Multiple users: `/communications/presences?$filter=id in ({id},{id}...)` | The subscription for multiple users' presence is limited to 500 distinct users. |",
      ],
      [
        "concepts/includes/change-notifications-supported-resources-expanded.md:3: v1.0/presence/communications/presences/{id}: at most 500 users per subscription in the docs, 650 in the table",
        "concepts/includes/change-notifications-supported-resources-expanded.md:3: beta/presence/communications/presences/{id}: at most 500 users per subscription in the docs, 650 in the table",
      ],
    ],
    [
      "Universal Print's notificationQueryOptions (print page)",
      "concepts/universal-print-webhook-notifications.md",
      [
        "## Create subscription: JobFetchable event",
        "* The `resource` field needs to be set as 'print/printers/{printer id}/jobs'.",
        "* The `changeType` field needs to be set as `updated`.",
        "* The `notificationQueryOptions` field needs to be set as `$filter = isFetchable eq false`.",
      ],
      [
        "concepts/universal-print-webhook-notifications.md:2: v1.0/printer/print/printers/{id}/jobs: notificationQueryOptions must be '$filter = isFetchable eq false' in the docs, required '$filter = isFetchable eq true' in the table",
        "concepts/universal-print-webhook-notifications.md:2: beta/printer/print/printers/{id}/jobs: notificationQueryOptions must be '$filter = isFetchable eq false' in the docs, required '$filter = isFetchable eq true' in the table",
      ],
    ],
    [
      "payment models (Teams notes)",
      "api-reference/includes/teams-subscription-notes.md",
      ["> `/chats/getAllMessages` supports only `model=B`. `/teams/getAllMessages` supports both `model=A` and `model=B`."],
      [
        "api-reference/includes/teams-subscription-notes.md:1: v1.0/chatMessage/chats/getAllMessages: payment models B in the docs, A/B in the table",
        "api-reference/includes/teams-subscription-notes.md:1: beta/chatMessage/chats/getAllMessages: payment models B in the docs, A/B in the table",
      ],
    ],
  ] as const)("reports a changed %s", (_rule, file, lines, expected) => {
    write(file, lines);
    expect(messages()).toEqual(expected);
  });

  // Clouds: the docs' "global only" statements hold for the table; a row offered elsewhere is reported.
  const offeredEverywhere = (id: string) => ruleTable.map((rule) => (rule.id === id ? { ...rule, clouds: ["global", "usgov-l4", "usgov-l5", "china"] as const } : rule));
  it.each([
    [
      "metered Teams APIs (metered-API limitations)",
      "concepts/includes/metered-api-known-limitations.md",
      ["- Metered APIs and services in Microsoft Graph are currently available only in the Microsoft global environment and not in national cloud deployments."],
      "v1.0/chatMessage/chats/getAllMessages",
      "concepts/includes/metered-api-known-limitations.md:1: v1.0/chatMessage/chats/getAllMessages: metered APIs are global only in the docs, the table offers it in global, usgov-l4, usgov-l5, china",
    ],
    [
      "todoTask (lifetime table)",
      "concepts/includes/change-notifications-subscription-lifetime.md",
      ["| Resource | Maximum expiration time |", "|:--|:--|", "| [todoTask][] | 4,230 minutes <br/><br/>Webhooks for this resource are only available in the global endpoint and not in the national clouds. |"],
      "beta/todoTask/me/todo/lists/{id}/tasks",
      "concepts/includes/change-notifications-subscription-lifetime.md:3: beta/todoTask/me/todo/lists/{id}/tasks: the docs offer it in the global endpoint only, the table in global, usgov-l4, usgov-l5, china",
    ],
  ] as const)("holds the global-only rule for %s, and reports a row offered in national clouds", (_case, file, lines, id, expected) => {
    write(file, lines);
    expect(messages()).toEqual([]);
    expect(messages(offeredEverywhere(id))).toEqual([expected]);
  });
});
