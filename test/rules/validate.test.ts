import { documentedLifetimes } from "../../provider/rules/ruleTable";
import { UNKNOWN, effectiveLifetimeMinutes, validateSubscription, type ValidationContext } from "../../provider/rules/validate";

const now = new Date("2026-01-01T00:00:00Z");
const v1: ValidationContext = { apiVersion: "v1.0", cloud: "global", now };
const beta: ValidationContext = { ...v1, apiVersion: "beta" };
const minutesFromNow = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

function inputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { resource: "users/{id}/messages", changeType: "created,updated", notificationUrl: "https://example.com/hook", ...overrides };
}
const teams = (overrides: Record<string, unknown> = {}) =>
  inputs({ resource: "chats/getAllMessages", lifecycleNotificationUrl: "https://example.com/lifecycle", ...overrides });

describe("validateSubscription", () => {
  it("accepts a plain message subscription, returns canonical inputs, the row and its maximum lifetime", () => {
    const result = validateSubscription(inputs({ changeType: ["Updated", "created"], __provider: "serialized" }), v1);
    expect(result).toEqual({
      valid: true,
      failures: [],
      warnings: [],
      rule: "v1.0/message/users/{id}/messages",
      inputs: expect.objectContaining({ changeType: "created,updated" }),
      maxLifetimeMinutes: 10080,
    });
    expect(result.inputs).not.toHaveProperty("__provider");
  });

  it("maps schema issues to the top-level property", () => {
    expect(validateSubscription(inputs({ latestSupportedTlsVersion: "v2", lifetimeMinutes: 1.5 }), v1).failures).toEqual([
      { property: "latestSupportedTlsVersion", reason: expect.stringContaining("v1_2") },
      { property: "lifetimeMinutes", reason: "must be a whole number of minutes" },
    ]);
  });

  it("names an unknown input and suggests the one meant", () => {
    expect(validateSubscription(inputs({ notificationURL: "https://x" }), v1).failures).toEqual([
      { property: "notificationURL", reason: "'notificationURL' is not a Subscription input; did you mean 'notificationUrl'?" },
    ]);
  });

  describe("during preview", () => {
    it("skips every rule that depends on an unknown input", () => {
      const result = validateSubscription(
        { resource: UNKNOWN, changeType: UNKNOWN, notificationUrl: UNKNOWN, lifetimeMinutes: 999999, includeResourceData: true, encryptionCertificate: UNKNOWN, encryptionCertificateId: "cert" },
        v1,
      );
      expect(result).toMatchObject({ valid: true, failures: [], rule: null });
      expect(result.inputs).toMatchObject({ resource: UNKNOWN, notificationUrl: UNKNOWN });
    });

    it("treats an array holding an unknown as unknown", () => {
      expect(validateSubscription(inputs({ resource: "users", changeType: ["updated", UNKNOWN] }), v1).valid).toBe(true);
    });

    it("uses the smaller maximum while includeResourceData is unknown", () => {
      expect(validateSubscription(inputs({ includeResourceData: UNKNOWN }), v1).maxLifetimeMinutes).toBe(1440);
    });
  });

  describe("resource", () => {
    it.each([
      [
        "solutions/approval/approvalItems",
        "'solutions/approval/approvalItems' (approvalItem) supports change notifications only on the beta endpoint, not v1.0 (rule beta/approvalItem/solutions/approval/approvalItems); set apiVersion: \"beta\" on this Subscription",
      ],
      [
        "users/{id}/mesages",
        "'users/{id}/mesages' is not in the rule table (Graph v1.0, global cloud; docs/rule-table.md) of the resources Microsoft Graph documents for change notifications; " +
          "closest documented paths: users/{id}/messages, users/{id}/chats, chats/{id}/messages. " +
          "If Graph documents it now, set allowUndocumentedResource: true on this Subscription (or the provider setting allowUndocumentedResources: true for the whole stack) to send it with a warning and let Graph decide",
      ],
      [
        "https://graph.microsoft.com/v1.0/me/events",
        "'https://graph.microsoft.com/v1.0/me/events' includes the host and API version; Graph wants the path relative to the version root. Drop them: write 'me/events' and set apiVersion: \"v1.0\" if you need that version",
      ],
    ])("refuses %j and says what to do", (resource, reason) => {
      expect(validateSubscription(inputs({ resource }), v1).failures).toEqual([{ property: "resource", reason }]);
    });

    it("honours apiVersion given as an input", () => {
      const result = validateSubscription(
        inputs({ resource: "solutions/approval/approvalItems", apiVersion: "beta" }),
        v1,
      );
      expect(result).toMatchObject({ valid: true, rule: "beta/approvalItem/solutions/approval/approvalItems" });
    });

    it("refuses a resource the target cloud does not offer", () => {
      expect(validateSubscription(inputs({ resource: "me/todo/lists/l1/tasks" }), { ...v1, cloud: "china" }).failures).toEqual([
        {
          property: "resource",
          reason: expect.stringMatching(/^todoTask change notifications .* are available only in the global cloud, but the provider targets 'china'/),
        },
      ]);
    });

    it("requires the $filter the docs require", () => {
      expect(validateSubscription(inputs({ resource: "communications/presences", changeType: "updated" }), { ...v1, permissionType: "delegated-work" }).failures).toEqual([
        {
          property: "resource",
          reason: "'communications/presences' lacks $filter, which Graph requires for presence (rule v1.0/presence/communications/presences/{id}); write it like 'communications/presences?$filter=id in ('{id}')'",
        },
      ]);
    });

    describe("that the table does not list, with allowUndocumentedResource", () => {
      const undocumented = inputs({ resource: "solutions/futureThings/{id}/events", changeType: "created" });
      const warning = (resource: string) =>
        `resource '${resource}' is not in the rule table (Graph v1.0, global cloud; docs/rule-table.md); allowUndocumentedResource lets it through, ` +
        "so Graph decides whether it takes change notifications and with which permissions, change types and lifetime";

      it.each([
        ["the resource's own opt-in", { allowUndocumentedResource: true }, v1],
        ["the stack-wide setting", {}, { ...v1, allowUndocumentedResources: true }],
      ])("passes with a warning naming the path, through %s", (_how, optIn, context) => {
        const result = validateSubscription({ ...undocumented, ...optIn, lifetimeMinutes: 600 }, context);
        expect(result).toMatchObject({ valid: true, failures: [], rule: null, warnings: [warning("solutions/futureThings/{id}/events")] });
      });

      it("lets the resource's false win over the stack-wide true", () => {
        const result = validateSubscription({ ...undocumented, allowUndocumentedResource: false }, { ...v1, allowUndocumentedResources: true });
        expect(result.failures).toEqual([{ property: "resource", reason: expect.stringContaining("set allowUndocumentedResource: true") }]);
      });

      it("asks for the shortest documented lifetime when none is given, and says so", () => {
        const result = validateSubscription({ ...undocumented, allowUndocumentedResource: true }, v1);
        expect(result).toMatchObject({ valid: true, maxLifetimeMinutes: documentedLifetimes.longest.minutes, defaultLifetimeMinutes: documentedLifetimes.shortest.minutes });
        expect(result.warnings[1]).toContain(`asks for ${documentedLifetimes.shortest.minutes} minutes`);
      });

      it("still refuses a lifetime no documented resource allows", () => {
        const result = validateSubscription({ ...undocumented, allowUndocumentedResource: true, lifetimeMinutes: documentedLifetimes.longest.minutes + 1 }, v1);
        expect(result.failures).toEqual([{ property: "lifetimeMinutes", reason: expect.stringContaining(`over the ${documentedLifetimes.longest.minutes}-minute maximum`) }]);
      });

      it.each([
        ["a lifetime over a known row's maximum", { resource: "users/{id}/messages", lifetimeMinutes: 20000 }, "lifetimeMinutes"],
        ["a change type a known row refuses", { resource: "communications/callRecords", changeType: "deleted" }, "changeType"],
        ["a path the table knows only on beta", { resource: "solutions/approval/approvalItems" }, "resource"],
        ["rules that need no row", { clientState: "x".repeat(129), lifetimeMinutes: 600 }, "clientState"],
      ])("never waives %s", (_what, overrides, property) => {
        const result = validateSubscription({ ...undocumented, ...overrides, allowUndocumentedResource: true }, { ...v1, allowUndocumentedResources: true });
        expect(result.failures.map((failure) => failure.property)).toEqual([property]);
      });

      it("waits while the opt-in is unknown at preview", () => {
        const result = validateSubscription({ ...undocumented, allowUndocumentedResource: UNKNOWN }, v1);
        expect(result).toMatchObject({ valid: true, warnings: [] });
      });
    });

    it("warns about deprecated resources", () => {
      expect(validateSubscription(inputs({ resource: "me/tasks/lists/a/tasks" }), beta).warnings).toEqual([
        "resource 'me/tasks/lists/a/tasks': baseTask is deprecated; subscribe to todoTask (me/todo/lists/{id}/tasks) instead",
      ]);
    });
  });

  describe("permission type", () => {
    it.each([
      ["presence", "communications/presences/u1", "application", "updated", /does not support application permissions; it supports delegated-work \(Presence\.Read\.All\)/],
      ["group conversations", "groups/g1/conversations", "application", "created", /does not support application permissions; it supports delegated-work \(Group\.Read\.All\)/],
      ["chats/getAllMessages", "chats/getAllMessages", "delegated-work", "created", /does not support delegated-work permissions; it supports application \(Chat\.Read\.All\)/],
    ] as const)("refuses %s with a permission type it does not support, naming the supported ones", (_name, resource, permissionType, changeType, reason) => {
      const result = validateSubscription(inputs({ resource, changeType, lifecycleNotificationUrl: "https://example.com/l" }), { ...v1, permissionType });
      expect(result.failures).toEqual([{ property: "resource", reason: expect.stringMatching(reason) }]);
    });

    it.each([
      ["v1.0", v1],
      ["beta", beta],
    ])("allows todoTask with application permissions on %s, where the newest tables document Tasks.ReadWrite.All", (_version, context) => {
      expect(validateSubscription(inputs({ resource: "users/u1/todo/lists/l1/tasks" }), { ...context, permissionType: "application" }).valid).toBe(true);
    });

    it("refuses me/ paths with application permissions and names the users/{id} form", () => {
      expect(validateSubscription(inputs({ resource: "me/mailFolders('Inbox')/messages" }), { ...v1, permissionType: "application" }).failures).toEqual([
        {
          property: "resource",
          reason:
            "'me/mailFolders('Inbox')/messages' starts with me/, which needs a signed-in user, but the provider uses application permissions; write 'users/{id}/mailFolders('Inbox')/messages' with the user's id or userPrincipalName instead",
        },
      ]);
    });

    it("picks the driveItem row that supports the permission type", () => {
      expect(validateSubscription(inputs({ resource: "me/drive/root", changeType: "updated" }), { ...v1, permissionType: "delegated-personal" }).rule).toBe("v1.0/driveItem/personal");
      expect(validateSubscription(inputs({ resource: "me/drive/root", changeType: "updated" }), { ...v1, permissionType: "delegated-work" }).rule).toBe("v1.0/driveItem/business");
    });
  });

  it.each([
    ["users", "created,updated", "'created,updated' includes 'created', which Graph does not send for user (rule v1.0/user/users); use only updated, deleted"],
    ["me/drive/root", "created,deleted", "'created,deleted' includes 'created', 'deleted', which Graph does not send for driveItem (rule v1.0/driveItem/personal); use only updated"],
    ["sites/s1/lists/l1", "deleted", "'deleted' includes 'deleted', which Graph does not send for list (rule v1.0/list/sites/{id}/lists/{id}); use only updated"],
  ])("refuses change types %s never sends (%s)", (resource, changeType, reason) => {
    expect(validateSubscription(inputs({ resource, changeType }), v1).failures).toEqual([{ property: "changeType", reason }]);
  });

  describe("lifetime", () => {
    it.each([
      [{ lifetimeMinutes: 10081 }, "lifetimeMinutes", "10081 minutes is over the 10080-minute maximum Graph allows for message subscriptions (rule v1.0/message/users/{id}/messages); use at most 10080, or leave both expirationDateTime and lifetimeMinutes out so the provider uses the maximum and renews before expiry"],
      [{ resource: "users/{id}/messages?$select=subject", lifetimeMinutes: 1441, includeResourceData: true, encryptionCertificate: "MIIB", encryptionCertificateId: "c1" }, "lifetimeMinutes", expect.stringContaining("1441 minutes is over the 1440-minute maximum Graph allows for message subscriptions with resource data")],
      [{ expirationDateTime: minutesFromNow(20000) }, "expirationDateTime", `'${minutesFromNow(20000)}' is 20000 minutes from now, over the 10080-minute maximum Graph allows for message subscriptions (rule v1.0/message/users/{id}/messages); set it at most 10080 minutes ahead or use lifetimeMinutes (at most 10080)`],
      [{ expirationDateTime: minutesFromNow(-5) }, "expirationDateTime", expect.stringContaining("is in the past")],
      [{ expirationDateTime: minutesFromNow(100), lifetimeMinutes: 100 }, "expirationDateTime", expect.stringContaining("both set")],
      [{ lifetimeMinutes: 100, renewBeforeMinutes: 100 }, "renewBeforeMinutes", "100 minutes is not shorter than the subscription's 100-minute lifetime, so it would renew on every update; use fewer minutes than the lifetime, for example 50"],
    ])("refuses %j on %s", (extra, property, reason) => {
      expect(validateSubscription(inputs(extra), v1).failures).toEqual([{ property, reason }]);
    });

    it("warns, but does not fail, below Graph's 45-minute floor", () => {
      expect(validateSubscription(inputs({ lifetimeMinutes: 30 }), v1)).toMatchObject({
        valid: true,
        warnings: ["the requested lifetime is 30 minutes; Graph raises any lifetime under 45 minutes to 45"],
      });
    });

    it.each([60, 59])(
      "compares renewBeforeMinutes %p with the lifetime the provider asks for: the row's maximum less a safety minute",
      (renewBeforeMinutes) => {
        expect(validateSubscription(inputs({ resource: "communications/presences/u1", changeType: "updated", renewBeforeMinutes }), v1).failures).toEqual([
          { property: "renewBeforeMinutes", reason: expect.stringContaining("not shorter than the subscription's 59-minute lifetime") },
        ]);
      },
    );
  });

  describe("lifecycleNotificationUrl", () => {
    it("is required for Teams resources that live longer than an hour, including by default", () => {
      expect(validateSubscription(inputs({ resource: "chats/c1/messages" }), v1).failures).toEqual([
        {
          property: "lifecycleNotificationUrl",
          reason:
            "Graph requires a lifecycleNotificationUrl for chatMessage subscriptions that last more than 60 minutes (rule v1.0/chatMessage/chats/{id}/messages; this one lasts 4320); set lifecycleNotificationUrl (it may equal notificationUrl) or set lifetimeMinutes to 60 or less",
        },
      ]);
    });

    it.each([[{ lifetimeMinutes: 60 }], [{ lifecycleNotificationUrl: "https://example.com/l" }], [{ lifecycleNotificationUrl: UNKNOWN }]])(
      "is not required with %j",
      (extra) => {
        expect(validateSubscription(inputs({ resource: "chats/c1/messages", ...extra }), v1).valid).toBe(true);
      },
    );

    it("is not required for Outlook resources", () => {
      expect(validateSubscription(inputs(), v1).valid).toBe(true);
    });
  });

  describe("scenarios of the per-resource change-notification pages", () => {
    const rich = { includeResourceData: true, encryptionCertificate: "MIIB", encryptionCertificateId: "cert-1" };
    const lifecycle = { lifecycleNotificationUrl: "https://example.com/lifecycle" };
    it.each([
      ["ad hoc call transcripts of a tenant (beta)", { resource: "communications/adhocCalls/getAllTranscripts", ...lifecycle, ...rich }, beta, "application", "beta/callTranscript/communications/adhocCalls/getAllTranscripts"],
      ["a particular ad hoc call's recordings (beta)", { resource: "communications/adhocCalls/c1/recordings", ...lifecycle }, beta, "delegated-work", "beta/callRecording/communications/adhocCalls/{id}/recordings"],
      ["emergency call events, rich only", { resource: "communications/calls/getEmergencyEventsByPolicy(policyName='Emergency')", changeType: "updated", lifetimeMinutes: 1000, ...rich }, v1, "application", "v1.0/emergencyCallEvent/communications/calls/getEmergencyEventsByPolicy(policyName={policyName})"],
      ["a channel shared with or unshared from a team (beta)", { resource: "teams/t1/channels/c1/sharedWithTeams", changeType: "created,deleted", ...lifecycle }, beta, "delegated-work", "beta/sharedWithChannelTeamInfo/teams/{id}/channels/{id}/sharedWithTeams"],
      ["shared channels' members with indirect membership, delegated", { resource: "teams/t1/channels/getAllMembers?notifyOnIndirectMembershipUpdate=true&suppressNotificationWhenSharedUnsharedWithTeam=true", ...lifecycle }, v1, "delegated-work", "v1.0/conversationMember/teams/{id}/channels/getAllMembers"],
      ["a Teams app's installations in team scope", { resource: "appCatalogs/teamsApps/a1/installations?$filter=(scopeInfo/scope eq 'team')", ...lifecycle }, v1, "application", "v1.0/teamsAppInstallation/appCatalogs/teamsApps/{id}/installations"],
      ["a town hall's sessions", { resource: "solutions/virtualEvents/townhalls/t1/sessions", changeType: "created,updated", lifetimeMinutes: 1000 }, v1, "delegated-work", "v1.0/virtualEventSession/solutions/virtualEvents/townhalls/{id}/sessions"],
      ["a webinar's attendance reports", { resource: "solutions/virtualEvents/webinars/w1/getAttendanceReports", changeType: "created", lifetimeMinutes: 1000 }, v1, "application", "v1.0/meetingAttendanceReport/solutions/virtualEvents/webinars/{id}/getAttendanceReports"],
      ["a session's video on demand", { resource: "solutions/virtualEvents/townhalls/t1/getVideoOnDemandPublication", changeType: "updated", lifetimeMinutes: 1000 }, beta, "application", "beta/virtualEventSession/solutions/virtualEvents/{eventType}/{id}/getVideoOnDemandPublication"],
      ["Copilot AI insights of a meeting (beta)", { resource: "copilot/users/u1/onlineMeetings/m1/aiInsights" }, beta, "delegated-work", "beta/aiInsights/copilot/users/{id}/onlineMeetings/{id}/aiInsights"],
    ] as const)("accepts %s", (_what, given, context, permissionType, rule) => {
      const result = validateSubscription(inputs({ changeType: "created", ...given }), { ...context, permissionType });
      expect(result.failures).toEqual([]);
      expect(result.rule).toBe(rule);
    });

    it.each([
      ["ad hoc call recordings on v1.0", { resource: "communications/adhocCalls/getAllRecordings", ...lifecycle, ...rich }, v1, "resource", /only on the beta endpoint, not v1\.0/],
      ["all private channels' members on v1.0", { resource: "teams/getAllChannels/getAllMembers", ...lifecycle }, v1, "resource", /only on the beta endpoint, not v1\.0/],
      ["emergency call events without resource data", { resource: "communications/calls/getEmergencyEventsByPolicy(policyName='Emergency')", changeType: "updated", lifetimeMinutes: 1000 }, v1, "includeResourceData", /must be true/],
      ["emergency call events beyond a day", { resource: "communications/calls/getEmergencyEventsByPolicy(policyName='Emergency')", changeType: "updated", lifetimeMinutes: 1441, ...rich }, v1, "lifetimeMinutes", /1440-minute maximum/],
      ["an attendance report's update", { resource: "solutions/virtualEvents/townhalls/t1/getAttendanceReports", changeType: "updated", lifetimeMinutes: 1000 }, v1, "changeType", /use only created/],
      [
        "Outlook rich notifications ordered with $orderby",
        { resource: "users/u1/messages?$select=subject&$orderby=receivedDateTime", lifetimeMinutes: 1000, ...rich },
        v1,
        "resource",
        /\$orderby is not allowed in the resource of message notifications with resource data/,
      ],
      ["Outlook rich notifications selecting the body", { resource: "me/messages?$select=subject,Body", lifetimeMinutes: 1000, ...rich }, { ...v1, permissionType: "delegated-work" as const }, "resource", /\$select=Body is not allowed/],
      ["Outlook rich notifications expanding attachments", { resource: "users/u1/messages?$select=subject&$expand=attachments", lifetimeMinutes: 1000, ...rich }, v1, "resource", /\$expand is not allowed.*\$expand may name only singleValueExtendedProperties or multiValueExtendedProperties/],
    ] as const)("refuses %s, naming the rule", (_what, given, context, property, reason) => {
      const failures = validateSubscription(inputs({ changeType: "created", ...given }), context).failures;
      expect(failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    });

    it("lets Outlook rich notifications expand extended properties, and basic ones use any query option", () => {
      const expand = "users/u1/messages?$select=subject&$expand=singleValueExtendedProperties($filter=id eq 'x')";
      expect(validateSubscription(inputs({ resource: expand, lifetimeMinutes: 1000, ...rich }), v1).failures).toEqual([]);
      expect(validateSubscription(inputs({ resource: "users/u1/messages?$orderby=receivedDateTime&$top=5" }), v1).failures).toEqual([]);
    });
  });

  describe("includeResourceData", () => {
    it("is refused where Graph sends only basic notifications", () => {
      expect(validateSubscription(inputs({ resource: "users", changeType: "updated", includeResourceData: true, encryptionCertificate: "MIIB", encryptionCertificateId: "c" }), v1).failures).toEqual([
        {
          property: "includeResourceData",
          reason: "true is not supported for user (rule v1.0/user/users): Graph sends only basic notifications for it; set includeResourceData to false and fetch the resource when notified",
        },
      ]);
    });

    it("needs both the certificate and its id, each named as its own property", () => {
      expect(validateSubscription(teams({ includeResourceData: true }), v1).failures.map((failure) => failure.property)).toEqual([
        "encryptionCertificate",
        "encryptionCertificateId",
      ]);
    });

    it("refuses a certificate id over 128 characters", () => {
      expect(validateSubscription(teams({ includeResourceData: true, encryptionCertificate: "MIIB", encryptionCertificateId: "x".repeat(129) }), v1).failures).toEqual([
        { property: "encryptionCertificateId", reason: expect.stringMatching(/^is 129 characters; Graph accepts at most 128/) },
      ]);
    });
  });

  describe("payment model", () => {
    it.each([
      [teams({ resource: "users/u1/chats/getAllMessages", paymentModel: "A" }), "paymentModel", /payment model A is not available for 'users\/u1\/chats\/getAllMessages' .* supports only model B/],
      [teams({ resource: "users/u1/chats/getAllMessages?model=A" }), "resource", /payment model A is not available/],
      [inputs({ resource: "me/messages?model=B" }), "resource", /payment model B does not apply to message/],
      [teams({ resource: "chats/getAllMessages?model=A", paymentModel: "B" }), "paymentModel", /'B' conflicts with model=A in resource/],
    ])("refuses %j", (raw, property, reason) => {
      expect(validateSubscription(raw, v1).failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    });

    it("is global-cloud only, and so are the metered paths themselves, with or without a model", () => {
      expect(validateSubscription(teams({ paymentModel: "A" }), { ...v1, cloud: "usgov-l4" }).failures).toEqual([
        { property: "resource", reason: expect.stringContaining("available only in the global cloud") },
        { property: "paymentModel", reason: expect.stringContaining("available only in the global cloud") },
      ]);
      expect(validateSubscription(teams(), { ...v1, cloud: "usgov-l4" }).failures).toEqual([
        { property: "resource", reason: expect.stringContaining("available only in the global cloud") },
      ]);
    });

    it("is accepted where documented, with a warning that Graph now ignores it", () => {
      expect(validateSubscription(teams({ paymentModel: "A" }), v1)).toMatchObject({ valid: true, warnings: [expect.stringContaining("ignores model=")] });
    });
  });

  describe("notificationUrl", () => {
    it.each([
      "https://example.com/hook?x=1",
      "EventHub:https://myns.servicebus.windows.net/eventhubname/hub?tenantId=contoso.com",
      "EventHub:https://vault.vault.azure.net/secrets/s?tenantId=contoso.com",
      "EventGrid:?azuresubscriptionid=8a-1&resourcegroup=rg&partnertopic=topic&location=westcentralus",
    ])("accepts %s", (notificationUrl) => {
      expect(validateSubscription(inputs({ notificationUrl }), v1).valid).toBe(true);
    });

    it.each([
      ["http://example.com/hook", "'http://example.com/hook' is not an https:// URL; Graph delivers only over HTTPS."],
      ["javascript:alert(1)", "'javascript:alert(1)' is not an https:// URL; Graph delivers only over HTTPS."],
      ["file:///etc/passwd", "'file:///etc/passwd' is not an https:// URL; Graph delivers only over HTTPS."],
      ["https:example.com/hook", "'https:example.com/hook' is not written as https://<host>/<path>; put two forward slashes after https: and then the host name"],
      ["https:\\\\example.com\\hook", "is not written as https://<host>/<path>"],
      ["https:///example.com/hook", "is not written as https://<host>/<path>"],
      ["https://example.com:99999/hook", "'https://example.com:99999/hook' is not an https:// URL"],
      ["https://example.com\\hook", "'https://example.com\\hook' contains a backslash; write the path with forward slashes"],
      ["https://example.com/hook#part", "'https://example.com/hook#***' has a #fragment, which is never sent to the server"],
      ["https://example.com/hook#", "has a #fragment"],
      ["https://example.com/a hook", "'https://example.com/a hook' contains a space at position 22, which a delivery address cannot hold; remove it, or percent-encode it (a space is %20)"],
      ["https://example.com/hook\n", "'https://example.com/hook\\u000a' contains the character U+000A at position 25"],
      ["https://example.com/hook\u0000", "contains the character U+0000 at position 25"],
      ["https://example.com/\u202ekooh", "'https://example.com/\\u202ekooh' contains the character U+202E at position 21"],
      ["https://example.com/\ud800", "contains the character U+D800 at position 21"],
      [`https://example.com/${"a".repeat(1_000_000)}`, "is 1000020 characters long; the provider accepts delivery addresses of at most 2048 characters."],
      ["EventHub:https://vault.vault.azure.net/secrets/s", "lacks ?tenantId="],
      ["EventHub:https://vault.vault.azure.net/secrets/s?tenantId=contoso.com#x", "has a #fragment"],
      ["EventGrid:?azuresubscriptionid=1&resourcegroup=rg", "lacks partnertopic, location"],
      ["EventGrid:?azuresubscriptionid=1&resourcegroup=rg&partnertopic=t&location=l#x", "has a #fragment"],
    ])("refuses %j", (notificationUrl, reason) => {
      expect(validateSubscription(inputs({ notificationUrl }), v1).failures).toEqual([{ property: "notificationUrl", reason: expect.stringContaining(reason) }]);
    });

    it.each([
      ["notificationUrl", "https://hookuser:pa55w0rd@hooks.example.com/n"],
      ["notificationUrl", "https://hookuser@hooks.example.com/n"],
      ["notificationUrl", "https://:pa55w0rd@hooks.example.com/n"],
      ["notificationUrl", "https://@hooks.example.com/n"],
      ["notificationUrl", "HTTPS://hookuser:pa55w0rd@hooks.example.com/n?code=k3y"],
      ["notificationUrl", "EventHub:https://hookuser:pa55w0rd@ns.servicebus.windows.net/h?tenantId=contoso.com"],
      ["lifecycleNotificationUrl", "https://hookuser:pa55w0rd@hooks.example.com/l"],
    ])("refuses credentials in %s %j without echoing them", (property, url) => {
      const result = validateSubscription(inputs({ [property]: url }), v1);
      expect(result.failures).toEqual([
        {
          property,
          reason: expect.stringMatching(
            /^'(EventHub:)?https:\/\/\*\*\*@[^']*' carries a user name or password \(user:password@host\); credentials in a URL end up in plain text in Pulumi state and in logs\. Remove them, and authenticate notifications with clientState .* or with a key in the path$/i,
          ),
        },
      ]);
      expect(JSON.stringify([result.failures, result.warnings])).not.toMatch(/pa55w0rd|hookuser|k3y/);
    });

    it("never echoes a password, a query value or a fragment, even when refusing for another reason", () => {
      const result = validateSubscription(inputs({ notificationUrl: "http://hookuser:pa55w0rd@example.com/n?code=k3y#t0ken" }), v1);
      expect(result.failures).toEqual([
        { property: "notificationUrl", reason: expect.stringMatching(/^'http:\/\/\*\*\*@example\.com\/n\?code=\*\*\*#\*\*\*' is not an https:\/\/ URL/) },
      ]);
      expect(JSON.stringify([result.failures, result.warnings])).not.toMatch(/pa55w0rd|hookuser|k3y|t0ken/);
    });

    it("quotes at most 200 characters of a refused address", () => {
      const [failure] = validateSubscription(inputs({ notificationUrl: `http://example.com/${"a".repeat(2000)}` }), v1).failures;
      expect(failure?.reason).toMatch(/^'http:\/\/example\.com\/a{181}…' is not an https:\/\/ URL/);
    });

    it("refuses an Event Hubs lifecycleNotificationUrl but takes the Event Grid form", () => {
      expect(validateSubscription(inputs({ lifecycleNotificationUrl: "EventHub:https://v.vault.azure.net/secrets/s?tenantId=c" }), v1).failures).toEqual([
        { property: "lifecycleNotificationUrl", reason: expect.stringContaining("Event Hubs address, which this property does not accept") },
      ]);
      expect(validateSubscription(inputs({ lifecycleNotificationUrl: "EventGrid:?azuresubscriptionid=1&resourcegroup=rg&partnertopic=t&location=l" }), v1).valid).toBe(true);
    });
  });

  describe("clientState", () => {
    it.each([
      ["v1.0", v1, 129, 128],
      ["beta", beta, 256, 255],
    ] as const)("is limited on %s and never echoed", (_version, ctx, length, max) => {
      const secret = "s".repeat(length);
      const result = validateSubscription(inputs({ clientState: secret }), ctx);
      expect(result.failures).toEqual([
        { property: "clientState", reason: `(value hidden) is ${length} characters; Graph ${ctx.apiVersion} accepts at most ${max}. Use a shorter secret` },
      ]);
      expect(JSON.stringify(result.failures)).not.toContain(secret);
    });

    it("accepts 255 characters on beta", () => {
      expect(validateSubscription(inputs({ clientState: "s".repeat(255) }), beta).valid).toBe(true);
    });
  });
});

describe("effectiveLifetimeMinutes", () => {
  it.each([
    [{}, 4320, 4320],
    [{ lifetimeMinutes: 100 }, 4320, 100],
    [{ lifetimeMinutes: 10 }, 4320, 45],
    [{ expirationDateTime: minutesFromNow(90) }, 4320, 90],
  ])("is %j with maximum %d -> %d", (given, max, expected) => {
    expect(effectiveLifetimeMinutes(given, max, now)).toBe(expected);
  });
});
