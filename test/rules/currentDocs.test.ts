import { validateSubscription, type ValidationContext } from "../../provider/rules/validate";
import { matchRule, parseResource } from "../../provider/rules/resourcePath";
import { ruleTable, tableCheckedOn, type ResourceRule } from "../../provider/rules/ruleTable";
import { clouds, permissionTypes, type ApiVersion, type Cloud, type PermissionType } from "../../provider/vocabulary";

/**
 * One case per scenario the current Graph docs state (issue 10), grouped by the category of the issue:
 * paths, per-path change types, rules stated on resource pages, API versions, clouds, the path matcher,
 * lifetimes at and one past each maximum, the lifecycle threshold, and permission types.
 */
const now = new Date("2026-01-01T00:00:00Z");
const ctx = (apiVersion: ApiVersion = "v1.0", extra: Partial<ValidationContext> = {}): ValidationContext => ({ apiVersion, cloud: "global", now, ...extra });
const base = { notificationUrl: "https://example.com/hook", lifecycleNotificationUrl: "https://example.com/lifecycle" };
const check = (inputs: Record<string, unknown>, context: ValidationContext = ctx()) => validateSubscription({ ...base, ...inputs }, context);
const rich = { includeResourceData: true, encryptionCertificate: "MIIB", encryptionCertificateId: "c1" };

describe("paths the current docs list", () => {
  it.each([
    ["groups/g1/members", "v1.0", "v1.0/group/groups", "updated"],
    ["groups/g1/owners", "beta", "beta/group/groups", "updated,deleted"],
    ["chats/c1?notifyOnUserSpecificProperties=true", "v1.0", "v1.0/chat/chats/{id}", "updated"],
    ["users/u1/chats?notifyOnUserSpecificProperties=true", "beta", "beta/chat/users/{id}/chats", "created,updated"],
    ["solutions/approval/approvalItems", "beta", "beta/approvalItem/solutions/approval/approvalItems", "created"],
    ["security/alerts/?$filter=status eq 'newAlert'", "v1.0", "v1.0/alert/security/alerts", "created"],
    ["communications/callRecords?$filter=startDateTime ge 2026-01-01", "v1.0", "v1.0/callRecord/communications/callRecords", "created"],
    ["solutions/virtualEvents/events/getEventsFromOrganizers(organizerIds=['id1', 'id2'])", "v1.0", "v1.0/virtualEvent/solutions/virtualEvents/events/getEventsFromOrganizers(organizerIds={organizerIds})", "created"],
    ["communications/onlineMeetings(joinWebUrl='https%3A%2F%2Fteams.microsoft.com%2Fl%2Fmeetup-join%2F19%253ameeting_x')/meetingCallEvents", "beta", "beta/onlineMeeting/communications/onlineMeetings", "updated"],
  ] as const)("accepts %j on %s (row %s)", (resource, version, row, changeType) => {
    const result = check({ resource, changeType }, ctx(version, { permissionType: resource.includes("notifyOn") ? "delegated-work" : undefined }));
    expect(result).toMatchObject({ valid: true, rule: row });
  });

  it("refuses seed 004's misspelt approvals path and points at the documented one", () => {
    expect(check({ resource: "solution/approval/approvalItems", changeType: "created" }, ctx("beta")).failures).toEqual([
      { property: "resource", reason: expect.stringContaining("closest documented paths: solutions/approval/approvalItems") },
    ]);
  });

  it("refuses a virtual-event path the page does not list", () => {
    expect(check({ resource: "solutions/virtualEvents/webinars/w1/getAttendanceReports", changeType: "updated" }).valid).toBe(false);
  });
});

describe("change types per path (virtual-event page, print page, subscription resource page)", () => {
  it.each([
    ["communications/callRecords", "created,updated", true],
    ["communications/callRecords", "deleted", false],
    ["communications/presences/u1", "updated", true],
    ["communications/presences/u1", "created", false],
    ["print/printers/p1/jobs", "updated", true],
    ["print/printers/p1/jobs", "created", false],
    ["print/taskDefinitions/d1/tasks", "created", true],
    ["print/taskDefinitions/d1/tasks", "updated", false],
    ["sites/s1/lists/l1", "updated", true],
    ["sites/s1/lists/l1", "created", false],
    ["users/u1", "updated,deleted", true],
    ["users/u1", "created", false],
    ["groups/g1/members", "updated", true],
    ["groups/g1/members", "created", false],
    ["solutions/virtualEvents/webinars/w1", "updated", true],
    ["solutions/virtualEvents/webinars/w1", "created", false],
    ["solutions/virtualEvents/webinars/w1", "deleted", false],
    ["solutions/virtualEvents/webinars/w1/sessions", "created,updated", true],
    ["solutions/virtualEvents/webinars/w1/sessions", "deleted", false],
    ["solutions/virtualEvents/webinars/w1/registrations", "created,updated", true],
    ["solutions/virtualEvents/webinars/w1/registrations", "deleted", false],
    ["solutions/virtualEvents/events", "created", true],
    ["solutions/virtualEvents/events", "updated", false],
  ] as const)("%s with %s: valid %p", (resource, changeType, valid) => {
    const printOptions = resource.startsWith("print/printers") ? { notificationQueryOptions: "$filter = isFetchable eq true" } : {};
    const result = check({ resource, changeType, lifetimeMinutes: 60, ...printOptions });
    expect(result.valid).toBe(valid);
    if (!valid) expect(result.failures).toEqual([{ property: "changeType", reason: expect.stringContaining("which Graph does not send") }]);
  });
});

describe("rules stated on resource pages", () => {
  const ids = (count: number) => Array.from({ length: count }, (_, i) => `'u${i}'`).join(",");
  it.each([
    [650, true],
    [651, false],
  ])("presence: a $filter of %d users is valid: %p (limit 650)", (count, valid) => {
    const result = check({ resource: `communications/presences?$filter=id in (${ids(count)})`, changeType: "updated", lifetimeMinutes: 60 });
    expect(result.failures).toEqual(valid ? [] : [{ property: "resource", reason: expect.stringContaining("limited to 650") }]);
  });

  it.each([
    ["delegated-work", true],
    ["application", false],
  ] as const)("notifyOnUserSpecificProperties with %s permissions: valid %p", (permissionType, valid) => {
    const result = check({ resource: "chats/c1?notifyOnUserSpecificProperties=true", changeType: "updated" }, ctx("v1.0", { permissionType }));
    expect(result.failures).toEqual(valid ? [] : [{ property: "resource", reason: expect.stringContaining("works only with delegated-work or delegated-personal permissions") }]);
  });

  it.each([
    ["users/u1/messages", rich, false],
    ["users/u1/messages?$select=subject,from", rich, true],
    ["users/u1/events?$select=subject", rich, true],
    ["users/u1/contacts", rich, false],
    ["users/u1/messages", {}, true],
  ])("Outlook %s with %j: valid %p ($select required with resource data)", (resource, extra, valid) => {
    const result = check({ resource, changeType: "created", lifetimeMinutes: 60, ...extra });
    expect(result.failures).toEqual(valid ? [] : [{ property: "resource", reason: expect.stringContaining("require $select") }]);
  });

  it("refuses $select on chatMessage, which sends every property", () => {
    expect(check({ resource: "chats/c1/messages?$select=body", changeType: "created" }).failures).toEqual([
      { property: "resource", reason: expect.stringContaining("does not support $select") },
    ]);
  });

  it.each([
    [undefined, false],
    ["$filter = isFetchable eq true", true],
    ["$filter=isFetchable eq true", true],
    ["$filter = isFetchable eq false", false],
  ])("Universal Print printer jobs with notificationQueryOptions %j: valid %p", (notificationQueryOptions, valid) => {
    const result = check({ resource: "print/printers/p1/jobs", changeType: "updated", ...(notificationQueryOptions ? { notificationQueryOptions } : {}) });
    expect(result.failures).toEqual(valid ? [] : [{ property: "notificationQueryOptions", reason: expect.stringContaining('"$filter = isFetchable eq true"') }]);
  });

  it.each([
    ["reports/healthMonitoring/alerts", "beta", true],
    ["users/u1/messages", "v1.0", false],
  ] as const)("notificationQueryOptions on %s (%s): valid %p", (resource, version, valid) => {
    const result = check({ resource, changeType: "created", notificationQueryOptions: "$filter=alertType eq 'x'" }, ctx(version));
    expect(result.valid).toBe(valid);
  });

});

describe("availability by API version, from the current docs", () => {
  it.each([
    ["copilot/interactionHistory/getAllEnterpriseInteractions", "v1.0", true],
    ["copilot/users/u1/interactionHistory/getAllEnterpriseInteractions", "v1.0", true],
    ["copilot/interactionHistory/getAllEnterpriseInteractions", "beta", true],
    ["solutions/approval/approvalItems", "v1.0", false],
    ["reports/healthMonitoring/alerts", "v1.0", false],
    ["appCatalogs/teamsApps/a1/installedToOnlineMeetings/getAllRecordings", "v1.0", false],
    ["communications/onlineMeetings(joinWebUrl='x')/meetingCallEvents", "v1.0", false],
    ["solutions/virtualEvents/webinars/w1", "v1.0", true],
    ["solutions/virtualEvents/townhalls/t1", "v1.0", true],
    ["solutions/virtualEvents/townhalls/t1", "beta", true],
  ] as const)("%s on %s: documented %p", (resource, version, documented) => {
    expect(matchRule(resource, version) !== undefined).toBe(documented);
  });

  it("records the seeds' view where it differs", () => {
    expect(ruleTable.find((row) => row.id === "v1.0/aiInteraction/copilot/interactionHistory/getAllEnterpriseInteractions")?.seedView).toBe("beta only (seed 004)");
  });

  it.each(ruleTable.map((rule) => [rule.id, rule] as const))("%s records each source with the date it was checked against, and the day it was checked", (_id, rule: ResourceRule) => {
    expect(rule.checkedAgainst.map((entry) => entry.source)).toEqual(rule.sources);
    for (const entry of rule.checkedAgainst) expect(entry.dated).toMatch(/^(\d{4}-\d{2}-\d{2}|n\.d\.)$/);
    expect(rule.checkedOn).toBe(tableCheckedOn);
  });
});

describe("availability by national cloud", () => {
  const cases: [string, string, readonly Cloud[]][] = [
    ["virtual event", "solutions/virtualEvents/webinars/w1", ["global"]],
    ["virtual-event sessions", "solutions/virtualEvents/webinars/w1/sessions", ["global"]],
    ["virtual events of a tenant", "solutions/virtualEvents/events", ["global"]],
    ["metered Teams path without a model", "chats/getAllMessages", ["global"]],
    ["metered Teams path with model=B", "users/u1/chats/getAllMessages?model=B", ["global"]],
    ["metered Teams members path", "teams/getAllMembers", ["global"]],
    ["todoTask", "me/todo/lists/l1/tasks", ["global"]],
    ["Outlook message", "me/messages", clouds],
    ["chat", "chats/c1", clouds],
  ];
  it.each(cases.flatMap(([name, resource, offered]) => clouds.map((cloud) => [name, cloud, resource, offered.includes(cloud)] as const)))(
    "%s in %s: offered %p",
    (_name, cloud, resource, offered) => {
      const result = check({ resource, changeType: resource.includes("webinars") ? "updated" : "created", lifetimeMinutes: 60 }, ctx("v1.0", { cloud }));
      expect(result.failures.filter((failure) => /available only in the global cloud/.test(failure.reason)).length > 0).toBe(!offered);
    },
  );
});

describe("the path matcher", () => {
  it.each([
    ["users//messages", "has an empty path segment"],
    ["/users//events/", "has an empty path segment"],
    ["me", "names only the signed-in user"],
    ["/me/", "names only the signed-in user"],
  ])("refuses %j", (resource, reason) => {
    const parsed = parseResource(resource);
    expect(parsed).toEqual({ ok: false, reason: expect.stringContaining(reason) });
    expect(matchRule(resource, "v1.0")).toBeUndefined();
  });

  it("matches a named key only against a template with the same name", () => {
    expect(matchRule("communications/onlineMeetings(joinWebUrl='a%2Fb')/meetingCallEvents", "beta")?.template).toBe(
      "communications/onlineMeetings(joinWebUrl='{encodedJoinWebUrl}')/meetingCallEvents",
    );
    expect(matchRule("communications/onlineMeetings(id='m1')/meetingCallEvents", "beta")).toBeUndefined();
  });
});

describe("lifetimes at and one past each maximum", () => {
  /** One representative resource per distinct maximum; with resource data where the row has a rich maximum. */
  const representatives: [string, string, number, number | undefined][] = [
    ["users/u1/messages?$select=subject", "created", 10080, 1440],
    ["users", "updated", 41760, undefined],
    ["sites/s1/lists/l1", "updated", 42300, undefined],
    ["security/alerts", "created", 43200, undefined],
    ["chats/c1/messages", "created", 4320, 4320],
    ["communications/callRecords", "created", 4230, undefined],
    ["teams/t1/schedule/shifts", "created", 360, undefined],
    ["communications/presences/u1", "updated", 60, 60],
    ["solutions/virtualEvents/webinars/w1", "updated", 1440, undefined],
  ];
  it.each(
    representatives.flatMap(([resource, changeType, basic, richMax]) => [
      [resource, changeType, false, basic, true],
      [resource, changeType, false, basic + 1, false],
      ...(richMax === undefined
        ? []
        : ([
            [resource, changeType, true, richMax, true],
            [resource, changeType, true, richMax + 1, false],
          ] as const)),
    ]),
  )("%s (%s), resource data %p: %d minutes valid %p", (resource, changeType, withData, lifetimeMinutes, valid) => {
    const result = check({ resource, changeType, lifetimeMinutes, ...(withData ? rich : {}) });
    expect(result.failures.filter((failure) => failure.property === "lifetimeMinutes").length === 0).toBe(valid);
  });
});

describe("the one-hour lifecycle threshold", () => {
  it.each([
    [60, true],
    [61, false],
  ])("a Teams subscription of %d minutes without lifecycleNotificationUrl: valid %p", (lifetimeMinutes, valid) => {
    const result = validateSubscription({ resource: "teams/t1/channels", changeType: "created", notificationUrl: base.notificationUrl, lifetimeMinutes }, ctx());
    expect(result.valid).toBe(valid);
  });

  it("does not apply to a non-Teams resource", () => {
    expect(validateSubscription({ resource: "users/u1/messages", changeType: "created", notificationUrl: base.notificationUrl, lifetimeMinutes: 600 }, ctx()).valid).toBe(true);
  });
});

describe("permission types", () => {
  const cases: [string, string, Record<PermissionType, boolean>][] = [
    ["solutions/virtualEvents/events", "created", { application: true, "delegated-work": false, "delegated-personal": false }],
    ["solutions/virtualEvents/webinars/w1/sessions", "created", { application: true, "delegated-work": true, "delegated-personal": false }],
    ["users/u1/messages", "created", { application: true, "delegated-work": true, "delegated-personal": true }],
    ["copilot/interactionHistory/getAllEnterpriseInteractions", "created", { application: true, "delegated-work": false, "delegated-personal": false }],
  ];
  it.each(cases.flatMap(([resource, changeType, allowed]) => permissionTypes.map((type) => [resource, type, changeType, allowed[type]] as const)))(
    "%s with %s permissions: allowed %p",
    (resource, permissionType, changeType, allowed) => {
      const result = check({ resource, changeType, lifetimeMinutes: 60 }, ctx("v1.0", { permissionType }));
      expect(result.failures.some((failure) => /does not support .* permissions/.test(failure.reason))).toBe(!allowed);
    },
  );
});
