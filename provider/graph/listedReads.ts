import type { GraphSubscription } from "../vocabulary";
import type { Pace } from "./pace";

/** One page of GET /subscriptions: its subscriptions, and the link to the next page when there is one. */
export interface ListPage {
  readonly items: readonly GraphSubscription[];
  readonly next?: string;
}

/**
 * A refresh reads each Subscription resource by id, and Graph allows an app 500 GETs by id per 20 s: at N = 1,000
 * the second 500 waited 20.5 s for the first to age out of the window, twice the rest of the refresh
 * (BENCHMARKS.md, overhead at N = 1,000). A list page is one of 25 lists per 20 s and holds up to 100 subscriptions.
 * So once a read would wait for the GET allowance, it reads the app's listing instead: a page at a time, only as
 * far as the reads ask, and only while the next page comes no later than a GET would. A stack under 500 resources
 * never lists, and one of thousands lists what it holds at list pace instead of GET pace.
 *
 * An id that the listing does not hold is still read by id: only a GET says a subscription is gone (a listing
 * made by another identity, or a page that failed, holds less, and must not make the engine drop a resource).
 * One per client and API version, so per app, tenant and provider process, which is what Graph's allowance counts.
 */
export class ListedReads {
  private listing?: Listing;

  constructor(
    private readonly page: (link: string | undefined) => Promise<ListPage>,
    private readonly pace: Pace,
    private readonly now: () => number = Date.now,
  ) {}

  /** The subscription `id`, from the listing when a GET would wait and a page would not wait longer; `byId` otherwise. */
  async get(id: string, byId: () => Promise<GraphSubscription | undefined>): Promise<GraphSubscription | undefined> {
    for (;;) {
      const listing = this.current();
      const listed = listing?.found.get(id);
      if (listed) return listed;
      if (!this.pageIsSooner(listing)) return byId();
      await this.nextPage(listing ?? this.start());
    }
  }

  /**
   * A write of `id` by this process: what the listing holds for it is Graph as it was before, and so is what a page
   * asked for before the write and answered after it would hold. Its reads go by id from now on.
   */
  forget(id: string): void {
    this.listing?.found.delete(id);
    this.listing?.written.add(id);
  }

  /** The listing while it is fresh: a refresh reads Graph as it is, not as it was minutes ago. */
  private current(): Listing | undefined {
    if (this.listing && this.now() - this.listing.startedAt > listingFreshMs) this.listing = undefined;
    return this.listing;
  }

  private pageIsSooner(listing: Listing | undefined): boolean {
    if (listing && (listing.done || listing.failed)) return false;
    const getWaits = this.pace.waitMs("getById");
    return getWaits > 0 && this.pace.waitMs("list") <= getWaits;
  }

  private start(): Listing {
    this.listing = { startedAt: this.now(), found: new Map(), written: new Set(), done: false, failed: false };
    return this.listing;
  }

  /** One page at a time: every read waiting for the listing waits on the same page. */
  private nextPage(listing: Listing): Promise<void> {
    listing.inFlight ??= this.page(listing.next)
      .then(
        (page) => {
          for (const item of page.items) if (!listing.written.has(item.id)) listing.found.set(item.id, item);
          listing.next = page.next;
          listing.done = page.next === undefined;
        },
        // The reads go on by id: a failed page costs the listing, not the refresh.
        () => {
          listing.failed = true;
        },
      )
      .finally(() => {
        listing.inFlight = undefined;
      });
    return listing.inFlight;
  }
}

interface Listing {
  readonly startedAt: number;
  readonly found: Map<string, GraphSubscription>;
  /** Ids this process wrote since the listing started: no page of it answers for them. */
  readonly written: Set<string>;
  next?: string;
  done: boolean;
  failed: boolean;
  inFlight?: Promise<void>;
}

/**
 * How long a listing answers reads. Listing 5,000 subscriptions takes two of Graph's list windows (50 pages at 25
 * per 20 s), so a listing must outlive one window; past a minute a refresh would report Graph as it no longer is.
 */
const listingFreshMs = 60_000;
