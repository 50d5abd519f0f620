import { apiVersions, changeTypes, clouds } from "../../provider/vocabulary";
import { permissionsFor, ruleTable, type ResourceRule } from "../../provider/rules/ruleTable";
import { matchRule } from "../../provider/rules/resourcePath";

const rows = ruleTable.map((rule) => [rule.id, rule] as const);
const row = (id: string): ResourceRule => {
  const found = ruleTable.find((rule) => rule.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
};

describe("ruleTable", () => {
  it("has unique, version-prefixed ids", () => {
    expect(new Set(ruleTable.map((rule) => rule.id)).size).toBe(ruleTable.length);
    for (const rule of ruleTable) expect(rule.id.startsWith(`${rule.apiVersion}/${rule.resourceType}/`)).toBe(true);
  });

  it("has rows for both API versions", () => {
    for (const version of apiVersions) expect(ruleTable.filter((rule) => rule.apiVersion === version).length).toBeGreaterThan(40);
  });

  it.each(rows)("%s cites a seed or a learn.microsoft.com page", (_id, rule) => {
    expect(rule.sources.length).toBeGreaterThan(0);
    for (const source of rule.sources) expect(source).toMatch(/^(seeds\/\d{3}_[0-9a-f]+\.txt|https:\/\/learn\.microsoft\.com\/)/);
  });

  it.each(rows)("%s has templates without a leading slash, each of which matches its own row", (_id, rule) => {
    for (const template of rule.paths) {
      expect(template.startsWith("/")).toBe(false);
      const concrete = template.replace(/\{[^}]*\}/g, "x1");
      expect(matchRule(concrete, rule.apiVersion)?.rule.resourceType).toBe(rule.resourceType);
    }
  });

  it.each(rows)("%s keeps its data consistent", (_id, rule) => {
    for (const permission of rule.resourceSpecificConsent) {
      const accepted = [rule.permissions.delegatedWork, rule.permissions.application, rule.alsoAccepted?.delegatedWork, rule.alsoAccepted?.application];
      expect(accepted.some((cell) => cell?.includes(permission))).toBe(true);
    }
    // alsoAccepted adds to a permission type the row supports, and never repeats its least-privileged names.
    for (const [column, extra] of Object.entries(rule.alsoAccepted ?? {}) as [keyof typeof rule.permissions, readonly string[]][]) {
      expect(rule.permissions[column]).not.toBeNull();
      for (const name of extra) expect(rule.permissions[column]).not.toContain(name);
    }
    for (const changeType of rule.changeTypes ?? []) expect(changeTypes).toContain(changeType);
    for (const cloud of rule.clouds) expect(clouds).toContain(cloud);
    if (rule.maxLifetimeWithResourceDataMinutes !== undefined) {
      expect(rule.resourceData).toBe("optional");
      expect(rule.maxLifetimeWithResourceDataMinutes).toBeLessThanOrEqual(rule.maxLifetimeMinutes);
    }
    if (rule.overrides?.length) expect(rule.resolution).toBeTruthy();
    expect(Object.values(rule.permissions).some((cell) => cell !== null)).toBe(true);
  });

  it.each([
    ["v1.0/message/users/{id}/messages", 10080, 1440],
    ["v1.0/presence/communications/presences/{id}", 60, undefined],
    ["v1.0/chatMessage/chats/{id}/messages", 4320, undefined],
    ["v1.0/user/users", 41760, undefined],
    ["v1.0/driveItem/business", 42300, undefined],
    ["v1.0/list/sites/{id}/lists/{id}", 42300, undefined],
    ["v1.0/shift/teams/{id}/schedule/shifts", 360, undefined],
    ["v1.0/callRecord/communications/callRecords", 4230, undefined],
    ["v1.0/alert/security/alerts", 43200, undefined],
    ["beta/aiInteraction/copilot/interactionHistory/getAllEnterpriseInteractions", 4320, undefined],
    ["beta/healthMonitoringAlert/reports/healthMonitoring/alerts", 42300, undefined],
  ])("gives %s the current maximum lifetimes (%d basic, %p rich)", (id, basic, rich) => {
    const rule = row(id);
    expect([rule.maxLifetimeMinutes, rule.maxLifetimeWithResourceDataMinutes]).toEqual([basic, rich]);
  });

  it.each(ruleTable.filter((rule) => ["chat", "chatMessage", "channel", "team", "conversationMember", "callRecording", "callTranscript", "onlineMeeting", "aiInteraction"].includes(rule.resourceType)).map((rule) => [rule.id]))(
    "requires a lifecycle URL above one hour for the Teams row %s",
    (id) => {
      expect(row(id).lifecycleUrlRequiredAboveOneHour).toBe(true);
    },
  );

  // Each resource only where its API exists (the API pages' national-cloud includes), narrower where a statement about
  // subscriptions says so (todoTask), and the metered Teams paths in the global cloud only.
  const globalOnly = ["global"];
  const globalAndUsGov = ["global", "usgov-l4", "usgov-l5"];
  it.each([
    ["todoTask", globalOnly],
    ["aiInteraction", globalOnly],
    ["healthMonitoringAlert", globalOnly],
    ["presence", globalOnly],
    ["shift", globalOnly],
    ["virtualEventWebinar", globalOnly],
    ["meetingAttendanceReport", globalOnly],
    ["alert", globalAndUsGov],
    ["chat", globalAndUsGov],
    ["chatMessage", globalAndUsGov],
    ["teamsAppInstallation", globalAndUsGov],
    ["callRecording", globalOnly],
    ["callTranscript", globalOnly],
    ["callRecord", globalAndUsGov],
    ["printer", globalAndUsGov],
    ["printTaskDefinition", globalAndUsGov],
    ["message", clouds],
    ["user", clouds],
    ["driveItem", clouds],
  ] as const)("offers %s (unmetered paths) in %j", (type, expected) => {
    // The metered paths are global only whatever their resource (the test below).
    const typed = ruleTable.filter((rule) => rule.resourceType === type && rule.paymentModels === "none");
    expect(typed.length).toBeGreaterThan(0);
    for (const rule of typed) expect(rule.clouds).toEqual(expected);
  });

  it("offers the metered Teams paths and ad hoc call recordings and transcripts in the global cloud only", () => {
    for (const rule of ruleTable.filter((candidate) => candidate.paymentModels !== "none" || candidate.paths[0]!.includes("adhocCalls"))) expect(rule.clouds).toEqual(["global"]);
  });

  it.each([
    ["v1.0/chatMessage/teams/getAllMessages", "A/B"],
    ["v1.0/chatMessage/chats/getAllMessages", "A/B"],
    ["v1.0/chatMessage/users/{id}/chats/getAllMessages", "B"],
    ["v1.0/chat/appCatalogs/teamsApps/{id}/installedToChats", "B"],
    ["v1.0/conversationMember/teams/getAllMembers", "A/B"],
    ["v1.0/conversationMember/appCatalogs/teamsApps/{id}/installedToChats/getAllMembers", "B"],
    ["v1.0/chatMessage/chats/{id}/messages", "none"],
  ])("documents the payment models of %s as %s", (id, models) => {
    expect(row(id).paymentModels).toBe(models);
  });

  it("allows todoTask with application permissions on both versions, as the newest tables do, overriding the v1.0 seeds on record", () => {
    for (const version of ["v1.0", "beta"]) {
      expect(permissionsFor(row(`${version}/todoTask/me/todo/lists/{id}/tasks`), "application")).toEqual(["Tasks.ReadWrite.All"]);
    }
    expect(row("v1.0/todoTask/me/todo/lists/{id}/tasks").overrides?.map((override) => [override.source.slice(6, 9), override.column, override.documented])).toEqual([
      ["000", "application", null],
      ["001", "application", null],
      ["002", "application", null],
      ["003", "application", null],
    ]);
  });

  it("keeps delegated chatMessage on chats/{id}/messages, overriding seed 003 on record", () => {
    const rule = row("v1.0/chatMessage/chats/{id}/messages");
    expect(permissionsFor(rule, "delegated-work")).toEqual(["Chat.Read", "Chat.ReadWrite"]);
    expect(rule.overrides).toEqual([{ source: "seeds/003_a1ef5be908058855.txt", column: "delegatedWork", documented: null }]);
    expect(rule.resolution).toMatch(/Chat\.Read\/Chat\.ReadWrite win/);
  });

  it("puts resource-specific consent permissions in resourceSpecificConsent", () => {
    expect(row("v1.0/chat/chats/{id}").resourceSpecificConsent).toEqual(["ChatSettings.Read.Chat", "ChatSettings.ReadWrite.Chat", "Chat.Manage.Chat"]);
    expect(row("beta/aiInteraction/copilot/users/{id}/interactionHistory/getAllEnterpriseInteractions").resourceSpecificConsent).toEqual(["AiEnterpriseInteraction.Read.User"]);
  });
});
