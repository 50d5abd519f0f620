import { ListedReads, type ListPage } from "../../provider/graph/listedReads";
import { Pace } from "../../provider/graph/pace";
import type { GraphSubscription } from "../../provider/vocabulary";

/** Graph as the reads see it: `count` subscriptions in pages of `pageSize`, and a pace on a clock that moves only when it waits. */
function graphOf(count: number, { pageSize = 2, allowances = { write: 3, reauthorize: 3, getById: 3, list: 3 } } = {}) {
  const clock = { time: 0 };
  const pace = new Pace(
    () => clock.time,
    async (ms) => {
      clock.time += ms;
    },
    allowances,
  );
  const live = new Map<string, GraphSubscription>(
    Array.from({ length: count }, (_, i) => [`s${i}`, { id: `s${i}`, expirationDateTime: "2026-12-07T20:00:00Z" } as GraphSubscription]),
  );
  const sent = { getById: 0, list: 0 };
  const failPages = new Set<number>();
  const page = async (link: string | undefined): Promise<ListPage> => {
    await pace.turn("list");
    const offset = Number(link ?? 0);
    sent.list++;
    if (failPages.has(offset)) throw new Error("503 after every retry");
    const all = [...live.values()];
    return { items: all.slice(offset, offset + pageSize), next: offset + pageSize < all.length ? String(offset + pageSize) : undefined };
  };
  const reads = new ListedReads(page, pace, () => clock.time);
  const read = (id: string) =>
    reads.get(id, async () => {
      await pace.turn("getById");
      sent.getById++;
      return live.get(id);
    });
  return { clock, live, sent, failPages, reads, read };
}

describe("a refresh's reads, by id or from the app's listing", () => {
  it("reads by id while Graph's GET allowance lasts, and lists nothing", async () => {
    const graph = graphOf(10);
    await Promise.all(["s0", "s1", "s2"].map(graph.read));
    expect(graph.sent).toEqual({ getById: 3, list: 0 });
  });

  it("reads from the listing once a GET would wait, and waits for nothing", async () => {
    const graph = graphOf(10, { pageSize: 4 });
    const found = await Promise.all(Array.from({ length: 10 }, (_, i) => graph.read(`s${i}`)));
    expect(found.map((s) => s?.id)).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`));
    // 3 by id, then the 7 others from 3 pages (the list allowance), all inside the first window.
    expect(graph.sent).toEqual({ getById: 3, list: 3 });
    expect(graph.clock.time).toBe(0);
  });

  it("reads an id the listing does not hold by id: only a GET says a subscription is gone", async () => {
    const graph = graphOf(4);
    await Promise.all(["s0", "s1", "s2"].map(graph.read));
    expect(await graph.read("s-gone")).toBeUndefined();
    expect(graph.sent).toEqual({ getById: 4, list: 2 });
  });

  it("takes no page that would wait longer than a GET", async () => {
    const graph = graphOf(20, { pageSize: 4, allowances: { write: 3, reauthorize: 3, getById: 3, list: 1 } });
    await Promise.all(["s0", "s1", "s2"].map(graph.read));
    graph.clock.time += 1_000;
    expect((await graph.read("s3"))?.id).toBe("s3");
    // The next page would wait until the first is a window old, a second after the GETs' window ends.
    await graph.read("s9");
    expect(graph.sent).toEqual({ getById: 4, list: 1 });
    expect(graph.clock.time).toBe(20_500);
  });

  it("shares one page among the reads that wait for it", async () => {
    const graph = graphOf(10, { pageSize: 10 });
    await Promise.all(["s0", "s1", "s2"].map(graph.read));
    await Promise.all(["s3", "s4", "s5", "s6"].map(graph.read));
    expect(graph.sent).toEqual({ getById: 3, list: 1 });
  });

  it("reads by id after this process wrote the subscription: the listing holds it as it was", async () => {
    const graph = graphOf(10, { pageSize: 10 });
    await Promise.all(["s0", "s1", "s2", "s3"].map(graph.read));
    graph.reads.forget("s4");
    await graph.read("s4");
    expect(graph.sent).toEqual({ getById: 4, list: 1 });
  });

  it("does not answer for an id this process wrote from a page asked for before the write", async () => {
    const graph = graphOf(10, { pageSize: 10 });
    await Promise.all(["s0", "s1", "s2"].map(graph.read));
    const reading = graph.read("s3");
    graph.reads.forget("s4");
    await reading;
    await graph.read("s4");
    expect(graph.sent).toEqual({ getById: 4, list: 1 });
  });

  it("goes on by id when a page fails: a failed listing costs the listing, not the refresh", async () => {
    const graph = graphOf(10);
    graph.failPages.add(0);
    await Promise.all(["s0", "s1", "s2"].map(graph.read));
    expect((await graph.read("s3"))?.id).toBe("s3");
    expect(graph.sent).toEqual({ getById: 4, list: 1 });
  });

  it("lists again when its listing is over a minute old: a refresh reads Graph as it is", async () => {
    const graph = graphOf(10, { pageSize: 10 });
    await Promise.all(["s0", "s1", "s2", "s3"].map(graph.read));
    graph.live.set("s5", { ...graph.live.get("s5")!, expirationDateTime: "2026-12-08T20:00:00Z" });
    graph.clock.time += 61_000;
    await Promise.all(["s6", "s7", "s8"].map(graph.read));
    expect(graph.sent).toEqual({ getById: 6, list: 1 });
    expect((await graph.read("s5"))?.expirationDateTime).toBe("2026-12-08T20:00:00Z");
    expect(graph.sent).toEqual({ getById: 6, list: 2 });
  });
});
