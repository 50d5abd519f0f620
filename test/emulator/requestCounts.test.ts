import { RequestLog, requestKind, type RequestLogEntry } from "../../emulator/requestLog";

const entry = (method: string, path: string): RequestLogEntry => ({
  time: "2026-12-07T00:00:00Z",
  method,
  path,
  requestId: "r",
  requestBody: null,
  contentType: null,
  status: 200,
  injectedFault: false,
  earlyRetry: false,
  latencyMs: 0,
  durationMs: 0,
});

describe("the emulator's request counts", () => {
  it.each([
    ["GET", "/v1.0/subscriptions", "list"],
    ["GET", "/beta/subscriptions?$skiptoken=abc", "list"],
    ["GET", "/v1.0/subscriptions/7f1e", "getById"],
    ["POST", "/v1.0/subscriptions", "write"],
    ["PATCH", "/beta/subscriptions/7f1e", "write"],
    ["DELETE", "/v1.0/subscriptions/7f1e", "write"],
    ["POST", "/v1.0/subscriptions/7f1e/reauthorize", "reauthorize"],
    ["POST", "/tenant-id/oauth2/v2.0/token", "token"],
    ["GET", "/_emulator/subscriptions", "other"],
  ])("counts %s %s as %s", (method, path, kind) => {
    expect(requestKind(method, path)).toBe(kind);
  });

  it("counts every request since the last clear, beyond the 5,000 entries the log keeps", () => {
    const log = new RequestLog();
    for (let i = 0; i < 6_000; i++) log.add(entry("PATCH", `/v1.0/subscriptions/${i}`));
    log.add(entry("GET", "/v1.0/subscriptions"));
    expect(log.list()).toHaveLength(5_000);
    expect(log.counts()).toEqual({ list: 1, getById: 0, write: 6_000, reauthorize: 0, token: 0, other: 0 });
    log.clear();
    expect(log.counts().write).toBe(0);
  });

  it("keeps when the first and the last request of each kind arrived, until the next clear", () => {
    jest.useFakeTimers({ now: Date.parse("2026-12-07T10:00:00Z") });
    try {
      const log = new RequestLog();
      log.add(entry("GET", "/v1.0/subscriptions"));
      jest.advanceTimersByTime(1_500);
      log.add(entry("PATCH", "/v1.0/subscriptions/1"));
      jest.advanceTimersByTime(20_000);
      log.add(entry("PATCH", "/v1.0/subscriptions/2"));
      const start = Date.parse("2026-12-07T10:00:00Z");
      expect(log.timeline()).toEqual({
        list: { firstMs: start, lastMs: start },
        write: { firstMs: start + 1_500, lastMs: start + 21_500 },
      });
      log.clear();
      expect(log.timeline()).toEqual({});
    } finally {
      jest.useRealTimers();
    }
  });
});
