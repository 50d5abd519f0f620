import type * as pulumi from "@pulumi/pulumi";
import { createHash, randomUUID } from "node:crypto";
import { GraphApiError } from "../errors";
import { redact } from "../redaction";
import { UNKNOWN as unknown } from "../rules/validate";
import { check } from "../subscription/check";
import { ConfiguredContext, ProviderContext } from "../subscription/context";
import { create } from "../subscription/create";
import { remove } from "../subscription/delete";
import { diff } from "../subscription/diff";
import { read, refreshedState } from "../subscription/read";
import { update } from "../subscription/update";
import { parseState } from "../subscription/state";
import type { GraphSubscription } from "../vocabulary";
import { itemInputs, itemProps, itemsOf, setState, sharedInputs, storedItem, type ItemState } from "./items";

/**
 * The SubscriptionSet resource: many subscriptions that share every input but `resource`, as one Pulumi resource.
 * Each subscription goes through the Subscription's own operations (items.ts says how it is seen as one), so the
 * rules, renewal, adoption and errors are the same; what changes is the engine's share of the work. The engine
 * writes the whole state after every step of every resource, so N Subscription resources cost it in the order of
 * N² state bytes per `pulumi up`; one set costs it a few writes, and the set's subscriptions go to Graph at the
 * pace Graph allows (the client's throttle gate), `concurrency` at a time.
 *
 * A set changes all or nothing: when any subscription of a create or update fails, those it created are deleted
 * again and the error names each failure, so the state never lacks a subscription Graph has. A run killed before
 * it ends leaves them marked (ownership.ts, one mark per resource path) and the next `pulumi up` takes them back.
 */
export class SubscriptionSetProvider implements pulumi.dynamic.ResourceProvider {
  constructor(private readonly configured: ConfiguredContext = new ConfiguredContext()) {}

  static withSettings(settings: Parameters<typeof ProviderContext.fromSettings>[0]): SubscriptionSetProvider {
    return new SubscriptionSetProvider(new ConfiguredContext(ProviderContext.fromSettings(settings)));
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.configured.configureWith((key) => req.config.get(key));
  }

  private get context(): ProviderContext {
    return this.configured.context;
  }

  /** Each resource path checked as a Subscription's; a failure names the path's place in `resources`. Never throws. */
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const resources = news.resources;
    // Not known yet (preview, from another resource's output): nothing to check per path.
    if (resources === unknown) return { inputs: news };
    const listFailures = resourcesFailures(resources);
    if (!Array.isArray(resources)) return { inputs: news, failures: listFailures };
    const paths = (resources as unknown[]).map((path) => (typeof path === "string" ? path.trim() : path)) as string[];
    const failures = new Map<string, pulumi.dynamic.CheckFailure>(listFailures.map((failure) => [`${failure.property}\u0000${failure.reason}`, failure]));
    const listed = new Set(listFailures.map((failure) => failure.property));
    let shared: Record<string, unknown> | undefined;
    await inPool(paths.length, concurrency, async (index) => {
      const path = paths[index]!;
      if (path === unknown || listed.has(`resources[${index}]`)) return;
      const result = await check(this.context, itemInputs(news, path));
      for (const failure of result.failures ?? []) {
        // A failure of the path is the path's; the same failure of a shared input is reported once.
        const property = failure.property === "resource" ? `resources[${index}]` : failure.property;
        const reason = failure.property === "resource" && !failure.reason.includes(path) ? `'${path}': ${failure.reason}` : failure.reason;
        if (!failures.has(`${property}\u0000${reason}`)) failures.set(`${property}\u0000${reason}`, { property, reason });
      }
      if (!result.failures?.length && !shared) {
        // The path and its mark are the item's; what is left is the same for every path.
        const { resource: _resource, ownerMark: _mark, ...rest } = sharedInputs(result.inputs);
        shared = rest;
      }
    });
    if (failures.size > 0) return { inputs: news, failures: [...failures.values()].slice(0, maxReported) };
    const { __provider } = news;
    // The shared inputs as the Subscription's check made them canonical, and the set's own mark.
    return { inputs: { ...shared, ownerMark: news.ownerMark, resources: paths, ...(__provider !== undefined ? { __provider } : {}) } };
  }

  /** A path added or removed, any subscription to renew or change; a replace of the set only for another tenant or app. */
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const items = itemsOf(olds);
    if (!Array.isArray(news.resources)) return { changes: true };
    const wanted = new Set(news.resources as string[]);
    let changes = [...wanted].some((path) => !items.has(path)) || [...items.keys()].some((path) => !wanted.has(path));
    const replaces = new Set<string>();
    const explained: string[] = [];
    const entries = [...items];
    await inPool(entries.length, concurrency, async (index) => {
      const [path, item] = entries[index]!;
      if (!wanted.has(path)) return;
      const result = await diff(this.context, item.id, itemProps(olds, item), itemInputs(news, path), (line) => explained.push(line));
      if (!result.changes) return;
      changes = true;
      // Only the subscriptions' owner changing replaces the set: the rest is done subscription by subscription.
      if (result.replaces?.includes("connection")) replaces.add("connection");
    });
    if (explained.length > 0) console.log(summary(explained, items.size));
    if (!changes) return { changes: false };
    return replaces.size > 0 ? { changes: true, replaces: [...replaces], deleteBeforeReplace: true } : { changes: true };
  }

  async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    const items = await this.apply(inputs, new Map(), inputs);
    return { id: `set-${randomUUID()}`, outs: setState(inputs, items) };
  }

  /** Each subscription's refresh; many of them are read with one list of the app's subscriptions instead of one GET each. */
  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    const items = itemsOf(props);
    const refreshed = new Map<string, ItemState>();
    const live = items.size >= listFrom ? await this.listed(id, props, items) : new Map<string, GraphSubscription>();
    const entries = [...items];
    await inPool(entries.length, concurrency, async (index) => {
      const [path, item] = entries[index]!;
      const found = live.get(item.id);
      if (found) {
        const state = parseState(itemProps(props, item), this.context.settings().apiVersion);
        refreshed.set(path, storedItem(item.id, refreshedState(state, found)));
        return;
      }
      // Not listed (or too few to list): a GET, which also tells a subscription created since the list from one that is gone.
      const result = await read(this.context, item.id, itemProps(props, item));
      if (result.id) refreshed.set(path, storedItem(item.id, result.props!));
    });
    // Gone from Graph: dropped here, so the next `up` creates them again. The order stays the program's.
    const kept = new Map([...items.keys()].filter((path) => refreshed.has(path)).map((path) => [path, refreshed.get(path)!]));
    return { id, props: { ...props, ...setState(props, kept) } };
  }

  async update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    const items = await this.apply(news, itemsOf(olds), olds);
    return { outs: setState(news, items) };
  }

  /** Every subscription, the failures named together; one already gone is what delete wants. */
  async delete(_id: string, props: Record<string, unknown>): Promise<void> {
    const items = [...itemsOf(props).values()];
    const failures: Failure[] = [];
    await inPool(items.length, concurrency, async (index) => {
      const item = items[index]!;
      await remove(this.context, item.id, itemProps(props, item)).catch((error: unknown) => failures.push({ path: item.resource, error }));
    });
    if (failures.length > 0) throw setError("delete", failures, items.length, props);
  }

  /**
   * Brings Graph to `inputs` from `items` (the state's): creates what is new, updates or replaces what changed,
   * deletes what was dropped. On any failure, deletes what it created and throws; Graph is then as the state says,
   * but for in-place changes (renewals, URLs) already made, which the next refresh reads.
   */
  private async apply(inputs: Record<string, unknown>, items: Map<string, ItemState>, olds: Record<string, unknown>): Promise<Map<string, ItemState>> {
    const paths = inputs.resources as string[];
    const wanted = new Set(paths);
    const next = new Map<string, ItemState>();
    const created: ItemState[] = [];
    const failures: Failure[] = [];
    const make = async (path: string) => {
      const result = await create(this.context, itemInputs(inputs, path));
      const item = storedItem(result.id, result.outs);
      created.push(item);
      return item;
    };
    const work = async (index: number) => {
      const path = paths[index]!;
      const old = items.get(path);
      try {
        if (!old) return void next.set(path, await make(path));
        const oldProps = itemProps(olds, old);
        const desired = itemInputs(inputs, path);
        const change = await diff(this.context, old.id, oldProps, desired, () => undefined);
        if (!change.changes) return void next.set(path, storedItem(old.id, oldProps));
        if (!change.replaces?.length) {
          try {
            const result = await update(this.context, old.id, oldProps, desired);
            return void next.set(path, storedItem(old.id, result.outs));
          } catch (error) {
            if (!(GraphApiError.is(error) && error.statusCode === 404)) throw error;
            // Gone since the state was read (the update's refresh may be its preview's listing): Graph's update page
            // says to create a new subscription instead.
            return void next.set(path, await make(path));
          }
        }
        // Graph cannot change it in place. Graph refuses a second subscription on the same resource and change types, so the old one goes first.
        await remove(this.context, old.id, oldProps);
        next.set(path, await make(path));
      } catch (error) {
        failures.push({ path, error });
      }
    };
    // The first alone: its answer teaches the process Graph's clock, so the rest are not sent with expiries on a
    // clock Graph does not keep (which Graph refuses, or which each would then correct with a PATCH).
    const firstNew = paths.findIndex((path) => !items.has(path));
    if (firstNew >= 0) await work(firstNew);
    const rest = paths.map((_, index) => index).filter((index) => index !== firstNew);
    await inPool(rest.length, concurrency, (index) => work(rest[index]!));
    const dropped = [...items.values()].filter((item) => !wanted.has(item.resource));
    if (failures.length === 0) {
      await inPool(dropped.length, concurrency, async (index) => {
        const item = dropped[index]!;
        await remove(this.context, item.id, itemProps(olds, item)).catch((error: unknown) => failures.push({ path: item.resource, error }));
      });
    }
    if (failures.length > 0) {
      const undone = await this.undo(created, inputs);
      throw setError(items.size === 0 ? "create" : "update", failures, paths.length, inputs, undone);
    }
    return new Map(paths.map((path) => [path, next.get(path)!]));
  }

  /** Deletes what a failed create or update made; what cannot be deleted now keeps its mark for the next run. */
  private async undo(created: ItemState[], inputs: Record<string, unknown>): Promise<string> {
    let left = 0;
    await inPool(created.length, concurrency, async (index) => {
      const item = created[index]!;
      await remove(this.context, item.id, itemProps(inputs, item)).catch(() => left++);
    });
    if (created.length === 0) return "";
    return left === 0
      ? ` The ${created.length} subscription(s) this run had created were deleted again, so Graph is as the state says.`
      : ` ${created.length - left} of the ${created.length} subscription(s) this run had created were deleted again; the other ${left} carry this set's mark, and the next pulumi up takes them back.`;
  }

  /**
   * The app's subscriptions through the set's connection, by id: one paged request for what would be N GETs.
   * Graph allows 25 lists per 20 s, so the 50 pages of 5,000 subscriptions take 20 s, and `pulumi up --refresh`
   * reads twice (its preview, then its update): the update takes the listing its preview made instead, when it
   * is minutes old at most (commandShare.ts), and only once, so any later read in the command lists again. The
   * listing is named by the set and the ids it was read for, so a set changed since by another command lists again.
   */
  private async listed(id: string, props: Record<string, unknown>, items: Map<string, ItemState>): Promise<Map<string, GraphSubscription>> {
    const first = [...items.values()][0]!;
    const state = parseState(itemProps(props, first), this.context.settings().apiVersion);
    const client = await this.context.graph(state.connection);
    const wanted = new Set([...items.values()].map((item) => item.id));
    const ids = createHash("sha256").update([...wanted].sort().join("\n")).digest("hex");
    const shared = `${id}\u0000${state.graphApiVersion}\u0000${ids}`;
    const kept = client.share?.read<SharedListing>("listing", shared);
    if (kept) {
      client.share!.remove("listing", shared);
      // Renewal is judged on Graph's clock, which this process would have learnt from the listing's answers.
      if (kept.value.graphOffsetMs !== undefined) client.clock.observe(new Date(Date.now() + kept.value.graphOffsetMs).toUTCString());
      return new Map(kept.value.subscriptions.map((subscription) => [subscription.id, subscription]));
    }
    // Its age counts from the first page: Graph may have changed since then.
    const startedAt = client.share?.now();
    // Until every subscription of the set has been seen: the app's other subscriptions may fill many more pages.
    let found = 0;
    let checked = 0;
    const listed = await client.list(state.graphApiVersion, (soFar) => {
      for (; checked < soFar.length; checked++) if (wanted.has(soFar[checked]!.id)) found++;
      return found === wanted.size;
    });
    const ours = listed.filter((subscription) => wanted.has(subscription.id));
    const listing: SharedListing = { subscriptions: ours, graphOffsetMs: client.clock.observed() ? client.clock.now().getTime() - Date.now() : undefined };
    client.share?.write("listing", shared, listing, startedAt);
    return new Map(ours.map((subscription) => [subscription.id, subscription]));
  }
}

/** How many subscriptions a set sends to Graph at once: enough to hide latency; the throttle gate sets the pace. */
const concurrency = 64;
/** From this many subscriptions on, a refresh lists the app's subscriptions (Graph allows 25 lists per 20 s, 500 GETs). */
const listFrom = 50;
/** A set of thousands with one shared mistake reports it once; distinct failures beyond this are counted. */
const maxReported = 20;

/** A set's listing as the preview's process leaves it for the update's. */
interface SharedListing {
  subscriptions: GraphSubscription[];
  /** Graph's clock less this machine's, as the listing's answers told it. */
  graphOffsetMs?: number;
}

interface Failure {
  path: string;
  error: unknown;
}

/** What is wrong with the list itself: not a list, empty, an entry that is not a path, a path listed twice. */
function resourcesFailures(resources: unknown): pulumi.dynamic.CheckFailure[] {
  if (!Array.isArray(resources) || resources.length === 0) {
    return [{ property: "resources", reason: `${redact(JSON.stringify(resources) ?? "undefined")} is not a list of Graph resource paths: give at least one, for example ["users/{id}/messages"]` }];
  }
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const seen = new Map<string, number>();
  for (const [index, path] of resources.entries()) {
    if (path === unknown) continue;
    if (typeof path !== "string" || path.trim() === "") {
      failures.push({ property: `resources[${index}]`, reason: `${redact(JSON.stringify(path))} is not a Graph resource path: give one such as users/{id}/messages` });
      continue;
    }
    const earlier = seen.get(path.trim());
    if (earlier !== undefined) {
      failures.push({
        property: `resources[${index}]`,
        reason: `'${path}' is listed twice (also resources[${earlier}]); Graph allows one subscription per resource and change types, so list it once`,
      });
      continue;
    }
    seen.set(path.trim(), index);
  }
  return failures;
}

function setError(operation: string, failures: Failure[], total: number, inputs: Record<string, unknown>, undone = ""): Error {
  const secrets = [inputs.clientState, (inputs.connection as { clientSecret?: unknown } | undefined)?.clientSecret].filter((s): s is string => typeof s === "string");
  const lines = failures.slice(0, maxReported).map(({ path, error }) => `  ${path}: ${redact((error as Error).message ?? String(error), secrets)}`);
  const more = failures.length > maxReported ? `\n  ... and ${failures.length - maxReported} more` : "";
  return new Error(`${operation} of the subscription set failed for ${failures.length} of ${total} subscription(s):\n${lines.join("\n")}${more}\n${undone.trim()}`.trimEnd());
}

/** Renewals of a set of thousands, told in a few lines rather than one per subscription. */
function summary(explained: string[], total: number): string {
  const shown = explained.slice(0, 3).join("\n");
  return explained.length <= 3 ? shown : `${shown}\n... ${explained.length} of ${total} subscriptions in all`;
}

/** Runs work(0..n-1), `width` at a time. */
async function inPool(n: number, width: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) await work(next++);
  }));
}

/** A fresh set provider for one process: what the serialized provider asks for on its first call. */
export function createSubscriptionSetProvider(): SubscriptionSetProvider {
  return new SubscriptionSetProvider();
}
