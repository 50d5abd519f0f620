import { matchRule, matchRules, parseResource, resourceIdentity } from "../../provider/rules/resourcePath";

describe("parseResource", () => {
  it.each([
    ["/me/mailFolders('Inbox')/messages", "me/mailFolders('Inbox')/messages", true],
    ["users/abc/messages/", "users/abc/messages", false],
    ["  chats/getAllMessages?model=A ", "chats/getAllMessages", false],
  ])("normalizes %j to the path %j without leading or trailing slash or query", (resource, path, usesMe) => {
    expect(parseResource(resource)).toEqual({ ok: true, value: expect.objectContaining({ path, usesMe }) });
  });

  it("splits the query into decoded parameters and reads model= as the payment model", () => {
    const parsed = parseResource("communications/presences?$filter=id%20in%20('a','b')&model=b");
    expect(parsed).toEqual({ ok: true, value: { path: "communications/presences", query: { $filter: "id in ('a','b')", model: "b" }, model: "B", usesMe: false } });
  });

  it.each([
    ["https://graph.microsoft.com/v1.0/users", "'https://graph.microsoft.com/v1.0/users' includes the host and API version; Graph wants the path relative to the version root. Drop them: write 'users' and set apiVersion: \"v1.0\" if you need that version"],
    ["v1.0/me/messages", "'v1.0/me/messages' includes the API version; Graph wants the path relative to the version root. Drop them: write 'me/messages' and set apiVersion: \"v1.0\" if you need that version"],
    ["/beta/chats?model=B", "'/beta/chats?model=B' includes the API version; Graph wants the path relative to the version root. Drop them: write 'chats?model=B' and set apiVersion: \"beta\" if you need that version"],
  ])("refuses %j and names what to write instead", (resource, reason) => {
    expect(parseResource(resource)).toEqual({ ok: false, reason });
  });

  it("refuses a payment model other than A or B", () => {
    expect(parseResource("chats/getAllMessages?model=C")).toEqual({
      ok: false,
      reason: "'chats/getAllMessages?model=C' asks for payment model 'C'; Teams payment models are model=A or model=B (or leave model out for evaluation mode)",
    });
  });

  it("refuses an empty path", () => {
    expect(parseResource("/")).toEqual({ ok: false, reason: expect.stringContaining("has no path") });
  });
});

describe("matchRule", () => {
  it.each([
    ["me/mailFolders('Inbox')/messages", "v1.0", "v1.0/message/users/{id}/messages", "me/mailFolders/{id}/messages"],
    ["me/mailfolders('inbox')/messages", "beta", "beta/message/users/{id}/messages", "me/mailFolders/{id}/messages"],
    ["users/4f1e/messages", "v1.0", "v1.0/message/users/{id}/messages", "users/{id}/messages"],
    ["/me/messages", "v1.0", "v1.0/message/users/{id}/messages", "me/messages"],
    ["me/chats/getAllMessages?model=B", "beta", "beta/chatMessage/users/{id}/chats/getAllMessages", "users/{id}/chats/getAllMessages"],
    ["users('alice@contoso.com')/events", "v1.0", "v1.0/event/users/{id}/events", "users/{id}/events"],
    ["groups('0f7d')/conversations", "v1.0", "v1.0/conversation/groups/{id}/conversations", "groups/{id}/conversations"],
    ["GROUPS", "v1.0", "v1.0/group/groups", "groups"],
    ["teams/getAllMessages", "v1.0", "v1.0/chatMessage/teams/getAllMessages", "teams/getAllMessages"],
    ["teams/19:abc/channels/19:def/messages", "v1.0", "v1.0/chatMessage/teams/{id}/channels/{id}/messages", "teams/{id}/channels/{id}/messages"],
    ["teams/t1", "v1.0", "v1.0/team/teams/{id}", "teams/{id}"],
    ["chats/getAllMembers?model=A", "v1.0", "v1.0/conversationMember/chats/getAllMembers", "chats/getAllMembers"],
    ["me/chats/getAllMessages", "v1.0", "v1.0/chatMessage/users/{id}/chats/getAllMessages", "users/{id}/chats/getAllMessages"],
    ["users/u1/todo/lists/l1/tasks", "v1.0", "v1.0/todoTask/me/todo/lists/{id}/tasks", "users/{id}/todo/lists/{id}/tasks"],
    ["communications/presences?$filter=id in ('a','b')", "v1.0", "v1.0/presence/communications/presences/{id}", "communications/presences?$filter=id in ('{id}')"],
    ["security/alerts?$filter=status eq 'NewAlert'", "v1.0", "v1.0/alert/security/alerts", "security/alerts"],
    ["/communications/onlineMeetings/?$filter=JoinWebUrl eq 'https://teams.microsoft.com/l/meetup-join/x?context=y'", "beta", "beta/onlineMeeting/communications/onlineMeetings", "communications/onlineMeetings?$filter=JoinWebUrl eq '{JoinWebUrl}'"],
    ["copilot/interactionHistory/getAllEnterpriseInteractions", "beta", "beta/aiInteraction/copilot/interactionHistory/getAllEnterpriseInteractions", "copilot/interactionHistory/getAllEnterpriseInteractions"],
  ] as const)("matches %j on %s to %s via %s", (resource, version, id, template) => {
    expect(matchRule(resource, version)).toMatchObject({ rule: { id }, template });
  });

  it("prefers literal segments over {id}: teams/getAllChannels/getAllMembers is not a team's members", () => {
    expect(matchRule("teams/getAllChannels/getAllMembers", "beta")?.rule.id).toBe("beta/conversationMember/teams/getAllChannels/getAllMembers");
    expect(matchRule("teams/getAllChannels/getAllMembers", "v1.0")).toBeUndefined();
  });

  it("reports a query the template requires but the resource lacks", () => {
    expect(matchRule("communications/onlineMeetings", "v1.0")).toMatchObject({ missingQuery: ["$filter"] });
    expect(matchRule("communications/presences", "v1.0")).toMatchObject({ missingQuery: ["$filter"] });
  });

  it("returns both driveItem rows for a drive root, so the caller can choose by permission type", () => {
    expect(matchRules("me/drive/root", "v1.0").map((match) => match.rule.id)).toEqual(["v1.0/driveItem/personal", "v1.0/driveItem/business"]);
  });

  it.each([
    ["users/x/unknownThing", "v1.0"],
    ["communications/onlineMeetings(joinWebUrl='https%3A%2F%2Fteams.microsoft.com%2Fl%2Fx')/meetingCallEvents", "v1.0"],
    ["https://graph.microsoft.com/v1.0/users", "v1.0"],
  ] as const)("finds no row for %j on %s", (resource, version) => {
    expect(matchRule(resource, version)).toBeUndefined();
  });
});

describe("resourceIdentity", () => {
  it.each([
    ["/Me/Messages/", "me/messages"],
    ["chats/getAllMessages?model=A", "chats/getallmessages"],
    ["chats/getAllMessages?$select=id&model=B", "chats/getallmessages?$select=id"],
  ])("identifies %j as %j, ignoring case, slashes and model=", (resource, identity) => {
    expect(resourceIdentity(resource)).toBe(identity);
  });

  it("treats a change of payment model as the same target", () => {
    expect(resourceIdentity("teams/getAllMessages?model=A")).toBe(resourceIdentity("teams/getAllMessages?model=B"));
  });
});
