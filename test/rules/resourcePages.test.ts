import { readFileSync } from "node:fs";
import { ruleTable, type ResourceRule } from "../../provider/rules/ruleTable";
import { comparePages, readResourcePage, type ResourcePage } from "../../scripts/resourcePages";
import { coverageOf, renderCoverage, ruleCoverageFile } from "../../scripts/ruleCoverage";
import { compareClouds, compareExclusions, readCloudStatement, readTeamsCloudPage } from "../../scripts/cloudPages";
import { compare, docsSnapshotFile, type DocsExtract } from "../../scripts/rulesCheck";

/**
 * The per-resource change-notification pages as rules:check reads them (scripts/resourcePages.ts): each form
 * a page states a rule in, read from a page written the way Graph's pages are, and compared with the table.
 */
const page = (...lines: string[]) => readResourcePage("concepts/example.md", lines.join("\n"));
const messages = (read: ResourcePage, rows: readonly ResourceRule[] = ruleTable) => comparePages([read], rows).map((difference) => difference.message);

describe("reading a change-notification page", () => {
  it.each([
    [
      "a subscription request, with its version, change types and resource data",
      ["```http", "POST https://graph.microsoft.com/beta/subscriptions", "", "{", '  "changeType": "created,updated",', '  "resource": "/teams/getAllMessages",', '  "includeResourceData": true', "}", "```"],
      { path: "teams/getAllMessages", from: "request", apiVersion: "beta", changeTypes: ["created", "updated"], includeResourceData: true, line: 6 },
    ],
    [
      "an unterminated resource string, as one docs example writes it",
      ["```http", "POST https://graph.microsoft.com/v1.0/subscriptions", "{", '  "resource": "solutions/virtualEvents/townhalls/{townhall_id},', "}", "```"],
      { path: "solutions/virtualEvents/townhalls/{townhall_id}", from: "request", apiVersion: "v1.0" },
    ],
    [
      "a path table with change types and permission types",
      ["| Event types | Resource URL | Supported change types | Supported permission types |", "|:--|:--|:--|:--|", "| All events | `solutions/virtualEvents/events` | created | Application |"],
      { path: "solutions/virtualEvents/events", from: "table", changeTypes: ["created"], permissionTypes: ["application"], line: 3 },
    ],
    [
      "a path marked beta-only with a trailing asterisk",
      ["| Resource | Supported resource paths | Limitations |", "|---|---|---|", "| Teams [callRecording][] | All: `communications/adhocCalls/getAllRecordings` <br> A user's: `users/{userId}/adhocCalls/getAllRecordings` * | - |"],
      { path: "users/{userId}/adhocCalls/getAllRecordings", from: "table", betaOnly: true },
    ],
    [
      "a table inside a blockquote",
      ["> | Resource | Supported resource paths | Limitations |", "> |---|---|---|", "> | Copilot [aiInsights][] | A meeting's: `/copilot/users/{userId}/onlineMeetings/{onlineMeetingId}/aiInsights` | - |"],
      { path: "copilot/users/{userId}/onlineMeetings/{onlineMeetingId}/aiInsights", from: "table" },
    ],
    [
      "a sentence naming the path to subscribe to",
      ["To get change notifications for any transcript of any ad hoc call, subscribe to `communications/adhocCalls/getAllTranscripts`."],
      { path: "communications/adhocCalls/getAllTranscripts", from: "sentence", line: 1 },
    ],
  ])("finds %s", (_what, lines, expected) => {
    expect(page(...lines).paths).toContainEqual(expect.objectContaining(expected));
  });

  it.each([
    ["a notification's resource ID column", ["| Notification type | Resource ID | Change types |", "|--|--|--|", "| Session | `solutions/virtualEvents/webinars/{webinarId}/sessions/{sessionId}` | created |"]],
    ["a notification payload", ["```json", "{", '  "resource": "communications/callRecords/{Call id}"', "}", "```"]],
    ["a property name in backquotes", ["Set the `notificationQueryOptions` property as the resource requires."]],
  ])("does not take %s for a subscription path", (_what, lines) => {
    expect(page(...lines).paths).toEqual([]);
  });

  it("applies a permission table to the paths of its own section, and a table under the title to the whole page", () => {
    const read = page(
      "# Title",
      "| Permission type | Permissions (from least to most privileged) | Supported versions |",
      "|:--|:--|:--|",
      "| Delegated (work or school account) | VirtualEvent.Read, VirtualEvent.ReadWrite | v1.0, Beta |",
      "| Delegated (personal Microsoft account) | Not supported. | Not supported. |",
      "| Application | VirtualEvent.Read.All | v1.0, Beta |",
      "## Transcripts of a meeting",
      "Subscribe to `communications/onlineMeetings/{onlineMeetingId}/transcripts`.",
      "### Permissions",
      "| Permission type | Least privileged permissions | Higher privileged permissions |",
      "|:--|:--|:--|",
      "| Delegated (work or school account) | Not supported. | Not supported. |",
      "| Application | OnlineMeetingTranscript.Read.Chat | OnlineMeetingTranscript.Read.All |",
    );
    expect(read.permissions).toEqual([
      expect.objectContaining({ section: "", paths: ["communications/onlineMeetings/{onlineMeetingId}/transcripts"], versions: { delegatedWork: ["v1.0", "beta"], application: ["v1.0", "beta"] } }),
      expect.objectContaining({
        section: "Transcripts of a meeting",
        cells: { delegatedWork: null, application: ["OnlineMeetingTranscript.Read.Chat", "OnlineMeetingTranscript.Read.All"] },
      }),
    ]);
  });

  it.each([
    ["Virtual event subscriptions have a maximum period of a day.", { kind: "lifetime", minutes: 1440 }],
    ["A subscription has a max expiry period of three days.", { kind: "lifetime", minutes: 4320 }],
    ["Subscriptions for emergency call events have a max subscription life time of one day.", { kind: "lifetime", minutes: 1440 }],
    ["> If you request an **expirationDateTime** more than 1 hour in the future, you must subscribe to lifecycle notifications by including a **lifecycleNotificationUrl**.", { kind: "lifecycleRequired" }],
    ["Webhooks for this resource are only available in the global endpoint and not in the national clouds.", { kind: "globalOnly" }],
    ["> This resource type is available only on the `/beta` endpoint.", { kind: "betaOnly" }],
    ["A maximum of 650 users can be subscribed to in a single subscription.", { kind: "maxIds", limit: 650 }],
    ["[!INCLUDE [teams-model-B-disclaimer](../includes/teams-model-B-disclaimer.md)]", { kind: "paymentModels", models: ["B"] }],
    [
      "> Do not include in the URL `$top`, `$skip`, `$orderby`, `$select=Body,UniqueBody`, and `$expand` other than **singleValueExtendedProperties** or **multiValueExtendedProperties**.",
      { kind: "queryRefused", parameters: ["$top", "$skip", "$orderby", "$expand"], selectProperties: ["Body", "UniqueBody"], expandAllowed: ["singleValueExtendedProperties", "multiValueExtendedProperties"] },
    ],
  ])("reads the rule sentence %j", (sentence, expected) => {
    expect(page("Subscribe to `users/{id}/messages`.", sentence).statements).toEqual([expect.objectContaining(expected)]);
  });

  it("reads a legend about asterisks as a legend, not as a beta-only statement", () => {
    expect(page("Subscribe to `chats`.", "Subscriptions to resources marked with an asterisk (`*`) are only available on the `/beta` endpoint.").statements).toEqual([]);
  });
});

describe("comparing a page with the rule table", () => {
  const table = (...rows: string[]) => ["| Event types | Resource URL | Supported change types | Supported permission types |", "|:--|:--|:--|:--|", ...rows];

  it.each([
    ["a path no row has", table("| New | `solutions/futureThings/{id}` | created | Application |"), "'solutions/futureThings/{id}' (table) is not in the table for any API version"],
    ["other change types", table("| Webinar | `solutions/virtualEvents/webinars/{webinarId}` | created, updated | Application, delegated |"), "v1.0/virtualEventWebinar/solutions/virtualEvents/webinars/{id}: change types created,updated on the page, updated in the table"],
    ["another permission type", table("| All events | `solutions/virtualEvents/events` | created | Application, delegated |"), "v1.0/virtualEvent/solutions/virtualEvents/events: delegated permissions supported on the page, not supported in the table"],
    ["a shorter lifetime", ["Subscribe to `communications/presences/{id}`.", "Presence subscriptions have a maximum lifetime of 30 minutes."], "v1.0/presence/communications/presences/{id}: lifetime 30 min on the page"],
    ["a payment model the row lacks", ["## All chats of a user", "Subscribe to `/chats/getAllMessages`.", "[!INCLUDE [teams-model-B-disclaimer](../includes/teams-model-B-disclaimer.md)]"], "v1.0/chatMessage/chats/getAllMessages: payment models B on the page"],
  ])("reports %s", (_what, lines, expected) => {
    expect(messages(page(...lines)).some((message) => message.startsWith(expected))).toBe(true);
  });

  it("reports a permission the page names and the row does not accept, and takes those the row accepts", () => {
    const permissions = (application: string) => [
      "## Messages of a chat",
      "Subscribe to `/chats/{id}/messages`.",
      "| Permission type | Permissions (from least to most privileged) |",
      "|:--|:--|",
      `| Application | ${application} |`,
    ];
    expect(messages(page(...permissions("ChatMessage.Read.Chat, Chat.Read.All")))).toEqual([]);
    expect(messages(page(...permissions("Chat.Manage.Everything")))).toContain("v1.0/chatMessage/chats/{id}/messages application: Chat.Manage.Everything on the page, not in the table (Chat.Read.All)");
  });

  it("finds no difference between the committed pages and the table that is not recorded", () => {
    const committed: DocsExtract = JSON.parse(readFileSync(docsSnapshotFile, "utf8"));
    expect(compare(committed).filter((difference) => !difference.explainedBy)).toEqual([]);
  });
});

describe("national clouds", () => {
  const globalUs = ["| Global service | US Government L4 | US Government L5 (DOD) | China operated by 21Vianet |", "|---|---|---|---|", "| :white_check_mark: | :white_check_mark: | :white_check_mark: | :x: |"].join("\n");
  const apiPage = (request: string) =>
    ["# List alerts", "[!INCLUDE [national-cloud-support](../../includes/global-us.md)]", "## HTTP request", "```http", request, "```", "## Response"].join("\n");

  it("reads an API page's national-cloud include and its request paths", () => {
    expect(readCloudStatement("api-reference/v1.0/api/alert-list.md", "v1.0", apiPage("GET /security/alerts"), () => globalUs)).toEqual({
      file: "api-reference/v1.0/api/alert-list.md",
      line: 2,
      apiVersion: "v1.0",
      requestPaths: ["security/alerts"],
      include: "global-us.md",
      clouds: ["global", "usgov-l4", "usgov-l5"],
    });
  });

  it("reports a row offered in a cloud its API does not exist in, for the rows under the request path", () => {
    const statement = readCloudStatement("api-reference/v1.0/api/callrecords-callrecord-get.md", "v1.0", apiPage("GET /communications/callRecords/{id}"), () => globalUs)!;
    const allClouds = ruleTable.map((rule) => (rule.resourceType === "callRecord" ? { ...rule, clouds: ["global", "usgov-l4", "usgov-l5", "china"] as const } : rule));
    expect(compareClouds([statement], allClouds).map((difference) => difference.message)).toEqual([
      "v1.0/callRecord/communications/callRecords: the API exists in global, usgov-l4, usgov-l5 (global-us.md), the table offers it in china too",
    ]);
    expect(compareClouds([statement], ruleTable)).toEqual([]);
  });

  it("reads Teams' national-cloud page: no Teams API in China, no recordings or transcripts in the US Government clouds", () => {
    const text = [
      "> Microsoft Teams APIs are not available in the Microsoft Cloud China operated by 21Vianet national cloud.",
      "## Implementation differences in Microsoft Graph for US Government cloud",
      "|API | Details |",
      "|:--|:--|",
      "| **Meeting recordings** | |",
      "|[List recordings](/graph/api/onlinemeeting-list-recordings) | Not supported. |",
      "| **Messages** | |",
      "|[Soft delete a message](/graph/api/chatmessage-softdelete) | Not supported in the GCC High and DOD Environments. |",
    ].join("\n");
    const exclusions = readTeamsCloudPage("concepts/teamwork-national-cloud-differences.md", text);
    expect(exclusions.map(({ resourceTypes, notIn }) => [resourceTypes.length > 2 ? "Teams" : resourceTypes.join(), notIn])).toEqual([
      ["Teams", ["china"]],
      ["callRecording", ["usgov-l4", "usgov-l5"]],
    ]);
    expect(compareExclusions(exclusions, ruleTable)).toEqual([]);
    const chatEverywhere = ruleTable.map((rule) => (rule.resourceType === "chat" ? { ...rule, clouds: ["global", "china"] as const } : rule));
    expect(compareExclusions(exclusions, chatEverywhere).length).toBeGreaterThan(0);
  });
});

describe("docs/rule-coverage.md", () => {
  const committed: DocsExtract = JSON.parse(readFileSync(docsSnapshotFile, "utf8"));
  const coverage = coverageOf(committed, compare(committed));

  it("is generated from the committed pages and current (regenerate: npm run rules:check -- test/rules/docsPages --write)", () => {
    expect(readFileSync(ruleCoverageFile, "utf8")).toBe(renderCoverage(coverage, committed.snapshot));
  });

  it("accounts for every documented path of every page: a row, or a recorded difference with its reason", () => {
    expect(coverage.flatMap((entry) => entry.unexplained.map((path) => `${entry.file}: ${path}`))).toEqual([]);
    for (const entry of coverage) expect(entry.rows + entry.recorded.length).toBe(entry.documented);
    expect(coverage.reduce((total, entry) => total + entry.documented, 0)).toBeGreaterThanOrEqual(1000);
  });

  it("counts a documented path without a row as unaccounted until a recorded decision explains it", () => {
    const extract: DocsExtract = { ...committed, resourcePages: [page("Subscribe to `solutions/futureThings/{id}`.")] };
    const differences = compare(extract).filter((difference) => difference.file === "concepts/example.md");
    expect(coverageOf(extract, differences).find((entry) => entry.file === "concepts/example.md")).toEqual({
      file: "concepts/example.md",
      documented: 1,
      rows: 0,
      recorded: [],
      unexplained: ["solutions/futureThings/{id}"],
    });
  });
});
