import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { compare, docsSnapshotFile, extractDocs, formatDifferences, type DocsExtract } from "../../scripts/rulesCheck";

const committed: DocsExtract = JSON.parse(readFileSync(docsSnapshotFile, "utf8"));

describe("rules:check against the committed docs extract", () => {
  it("holds the lifetime, path, rich-notification and change-type tables", () => {
    expect(committed.lifetimes.length).toBeGreaterThanOrEqual(30);
    expect(committed.paths.length).toBeGreaterThanOrEqual(60);
    expect(committed.rich.length).toBeGreaterThanOrEqual(25);
    expect(committed.changeTypes).toHaveLength(5);
  });

  it("finds no unexplained difference", () => {
    const differences = compare(committed);
    expect(differences.filter((difference) => !difference.explainedBy)).toEqual([]);
    expect(formatDifferences(differences)).toMatch(/, 0 unexplained$/);
  });
});

describe("rules:check on a docs checkout", () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "docs-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("reports a lifetime Graph changed, with file and line (directory objects going back to 4,230 minutes)", () => {
    write(
      "concepts/includes/change-notifications-subscription-lifetime.md",
      [
        "---",
        "ms.date: 01/02/2027",
        "---",
        "| Resource | Maximum expiration time |",
        "|:--|:--|",
        "| [user][], [group][], other directory resources | 4,230 minutes (under three days) |",
        "| Outlook [message][], [event][], [contact][] | 10,080 minutes (under seven days) <br/><br/>For subscriptions with resource data (rich notification subscriptions), subscription lifetime is 1440 minutes (under one day). |",
      ].join("\n"),
    );
    const extract = extractDocs(root, "abc123");
    expect(extract.snapshot.files).toEqual({ "concepts/includes/change-notifications-subscription-lifetime.md": { msDate: "01/02/2027" } });
    expect(extract.lifetimes).toEqual([
      { file: "concepts/includes/change-notifications-subscription-lifetime.md", line: 6, names: ["user", "group"], minutes: 4230 },
      { file: "concepts/includes/change-notifications-subscription-lifetime.md", line: 7, names: ["message", "event", "contact"], minutes: 10080, richMinutes: 1440 },
    ]);
    const messages = compare(extract).map((difference) => `${difference.file}:${difference.line}: ${difference.message}`);
    expect(messages).toContain("concepts/includes/change-notifications-subscription-lifetime.md:6: v1.0/user/users: lifetime 4230 min in the docs, 41760 in the table");
    expect(messages.filter((message) => message.includes("message"))).toEqual([]);
  });

  it("reads paths, beta markers and change types, and skips commented-out rows", () => {
    write(
      "concepts/includes/change-notifications-supported-resources-expanded.md",
      [
        "| Resource | Supported resource paths | Limitations |",
        "|---|---|---|",
        "| [group][] | `/groups/{id}/members` <!-- `/groups/{id}/hidden` --> | - |",
        "| Teams [onlineMeeting][] <sup>*<sup> | `/communications/onlineMeetings(joinWebUrl='{encodedJoinWebUrl}')/meetingCallEvents` | - |",
        "| [team][] | `/teams/{id}/newThing` | - |",
      ].join("\n"),
    );
    write(
      "concepts/changenotifications-for-virtualevent.md",
      ["| Type | Resource URL | Supported change types | Supported permission types |", "|:--|:--|:--|:--|", "| x | `solutions/virtualEvents/webinars/{webinarId}` | created, updated | Application, delegated |"].join("\n"),
    );
    const extract = extractDocs(root);
    expect(extract.paths.map((entry) => [entry.path, entry.betaOnly])).toEqual([
      ["/groups/{id}/members", false],
      ["/communications/onlineMeetings(joinWebUrl='{encodedJoinWebUrl}')/meetingCallEvents", true],
      ["/teams/{id}/newThing", false],
    ]);
    const messages = compare(extract).map((difference) => difference.message);
    expect(messages).toEqual([
      "'/teams/{id}/newThing' (team) is not in the v1.0 table",
      "'/teams/{id}/newThing' (team) is not in the beta table",
      "v1.0/virtualEventWebinar/solutions/virtualEvents/webinars/{id}: change types created,updated in the docs, updated in the table",
      "beta/virtualEventWebinar/solutions/virtualEvents/webinars/{id}: change types created,updated in the docs, updated in the table",
    ]);
  });

  it("reads a Create page's permission table and reports a changed cell", () => {
    write(
      "api-reference/v1.0/api/subscription-post-subscriptions.md",
      [
        "| Supported resource | Delegated (work or school account) | Delegated (personal Microsoft account) | Application |",
        "|:-----|:-----|:-----|:-----|",
        "|[contact](../resources/contact.md) | Contacts.Read | Contacts.Read | Contacts.Read |",
        "|[presence](../resources/presence.md) | Presence.Read.All | Not supported. | Presence.Read.All |",
        "",
      ].join("\n"),
    );
    const messages = compare(extractDocs(root)).map((difference) => difference.message);
    expect(messages).toEqual(['v1.0/presence/communications/presences/{id} application: ["Presence.Read.All"] in the docs, null in the table']);
  });
});
