import { checkExpectedClientState, clientStateMatches, expectedClientStateFor } from "../../provider/notifications/clientState";

describe("clientStateMatches", () => {
  test.each([
    ["the same text", "s3cret-value", "s3cret-value", true],
    ["the same non-ASCII text", "clé-✓", "clé-✓", true],
    ["a different value of the same length", "s3cret-value", "s3cret-valuE", false],
    ["a longer value that starts with it", "s3cret-value", "s3cret-value-and-more", false],
    ["a shorter prefix", "s3cret-value", "s3cret", false],
    ["an empty string", "s3cret-value", "", false],
    ["a missing clientState", "s3cret-value", undefined, false],
    ["null (a subscription made without clientState)", "s3cret-value", null, false],
    ["a number", "42", 42, false],
    ["anything, when nothing is expected", undefined, "", false],
    ["an empty string, when an empty string is expected", "", "", false],
  ])("%s: %s", (_title, expected, received, matches) => {
    expect(clientStateMatches(expected as string | undefined, received)).toBe(matches);
  });
});

describe("expectedClientStateFor", () => {
  test.each([
    ["one secret for every subscription", "one", "any-id", "one"],
    ["a map, by subscription id", { "id-1": "first" }, "id-1", "first"],
    ["a map, for an id it lacks", { "id-1": "first" }, "id-2", undefined],
    ["a map, never Object.prototype's keys", { "id-1": "first" }, "constructor", undefined],
    ["a Map", new Map([["id-1", "first"]]), "id-1", "first"],
    ["a function", (id: string) => `for-${id}`, "id-3", "for-id-3"],
    ["an async function", async (id: string) => `later-${id}`, "id-4", "later-id-4"],
  ])("reads %s", async (_title, expected, id, value) => {
    await expect(expectedClientStateFor(expected as Parameters<typeof expectedClientStateFor>[0], id)).resolves.toBe(value);
  });
});

describe("checkExpectedClientState", () => {
  test.each([["undefined", undefined], ["an empty string", ""], ["a number", 7], ["an array", ["a"]], ["null", null]])(
    "refuses %s when the handler is made, naming the option and why",
    (_title, value) => {
      expect(() => checkExpectedClientState(value)).toThrow(/options\.clientState must be .*notifications cannot be verified without it/);
    },
  );
});
