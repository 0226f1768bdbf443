import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { LIVE_CHANNEL } from './publish-live-event.js';

export interface LiveEvent {
  id: number;
  organizationId: string;
  topic: string;
  type: string;
  payload: Record<string, unknown>;
}

/** One open screen: what it listens to, and how to hand it an event. */
export interface LiveSubscriber {
  organizationId: string;
  topics: ReadonlySet<string>;
  deliver(event: LiveEvent): void;
  /** The hub is shutting down: end the stream (the browser reconnects elsewhere). */
  end(): void;
}

interface Subscription {
  subscriber: LiveSubscriber;
  /** Live events that arrived while the missed ones were being replayed. */
  buffered: LiveEvent[] | null;
  /** Replayed events whose notification the hub has not handled yet: skipped when it comes. */
  replayedPending: Set<number> | null;
}

const REPLAY_LIMIT = 5000;
const RECENT_IDS_KEPT = 20_000;
/** How long a replayed event's late notification is watched for (it arrives within milliseconds). */
const REPLAYED_PENDING_MS = 60_000;
const KEEP_EVENTS_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * One per server process: a single LISTEN (PostgreSQL) or PGlite listener for every open screen.
 * A NOTIFY carries a committed event (or, for one too big for a notification, its id, and the hub
 * reads the row); the hub hands each to the subscribers of the same organization and topic, in the
 * order notified. Events are taken as notified, never as "id > last seen", so a transaction that
 * commits after a later-numbered one is not skipped.
 */
export class LiveHub {
  private readonly subscriptions = new Set<Subscription>();
  /** Notified events not yet dispatched, in order: the event itself, or only its id (read back by drain). */
  private readonly pending: Array<LiveEvent | number> = [];
  private readonly recentIds = new Set<number>();
  private highestSeenId = 0;
  private draining: Promise<void> | null = null;
  private stopListening: (() => Promise<void>) | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly database: Pick<DatabaseHandle, 'db' | 'listen'>,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  /** Starts listening; resolves once a commit from now on is sure to be seen. */
  async start(): Promise<void> {
    this.stopListening = await this.database.listen(
      LIVE_CHANNEL,
      (payload) => this.notified(payload),
      () => void this.catchUp(),
    );
    const latest = await this.db.selectFrom('liveEvents').select((eb) => eb.fn.max('id').as('maxId')).executeTakeFirst();
    this.highestSeenId = Number(latest?.maxId ?? 0);
    this.pruneTimer = setInterval(() => this.pruneSoon(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.pruneSoon();
  }

  /**
   * Adds a subscriber. With `lastEventId` it first receives, in order and once each, the events of
   * its topics committed after that id (a reconnect catching up), then live ones.
   * Returns the unsubscribe function.
   */
  async subscribe(subscriber: LiveSubscriber, lastEventId?: number): Promise<() => void> {
    const subscription: Subscription = { subscriber, buffered: lastEventId === undefined ? null : [], replayedPending: null };
    this.subscriptions.add(subscription);
    const unsubscribe = () => void this.subscriptions.delete(subscription);
    if (lastEventId === undefined) return unsubscribe;
    try {
      const missed = await this.db
        .selectFrom('liveEvents')
        .select(['id', 'organizationId', 'topic', 'type', 'payload'])
        .where('organizationId', '=', subscriber.organizationId)
        .where('topic', 'in', [...subscriber.topics])
        .where('id', '>', lastEventId)
        .orderBy('id')
        .limit(REPLAY_LIMIT)
        .execute();
      const replayed = new Set<number>();
      for (const row of missed) {
        const event = { ...row, id: Number(row.id) };
        replayed.add(event.id);
        subscriber.deliver(event);
      }
      for (const event of subscription.buffered ?? []) {
        if (!replayed.has(event.id) && event.id > lastEventId) subscriber.deliver(event);
      }
      const notYetDispatched = [...replayed].filter((id) => !this.recentIds.has(id));
      if (notYetDispatched.length > 0) {
        subscription.replayedPending = new Set(notYetDispatched);
        setTimeout(() => (subscription.replayedPending = null), REPLAYED_PENDING_MS).unref();
      }
    } finally {
      subscription.buffered = null;
    }
    return unsubscribe;
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** Stops listening and ends every open stream. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.stopListening?.();
    await this.draining?.catch(() => undefined);
    await this.pruning;
    for (const subscription of this.subscriptions) subscription.subscriber.end();
    this.subscriptions.clear();
  }

  private notified(payload: string): void {
    const notified = parseNotification(payload);
    if (notified === null) return;
    const id = typeof notified === 'number' ? notified : notified.id;
    if (this.recentIds.has(id)) return;
    // an event that needs no read goes out at once, unless an earlier one is still being read
    if (typeof notified !== 'number' && this.pending.length === 0 && !this.draining) {
      this.dispatch(notified);
      return;
    }
    this.pending.push(notified);
    this.drainSoon();
  }

  private drainSoon(): void {
    if (this.draining || this.closed) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.pending.length > 0) this.drainSoon();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 && !this.closed) {
      const batch = this.pending.splice(0);
      const ids = batch.filter((item): item is number => typeof item === 'number');
      const read = new Map<number, LiveEvent>();
      try {
        if (ids.length > 0) {
          const rows = await this.db
            .selectFrom('liveEvents')
            .select(['id', 'organizationId', 'topic', 'type', 'payload'])
            .where('id', 'in', ids)
            .execute();
          for (const row of rows) read.set(Number(row.id), { ...row, id: Number(row.id) });
        }
      } catch (error) {
        this.onError(error);
      }
      for (const item of batch) {
        const event = typeof item === 'number' ? read.get(item) : item;
        if (event) this.dispatch(event);
      }
    }
  }

  /** After the LISTEN connection came back: whatever committed meanwhile was not notified to us. */
  private async catchUp(): Promise<void> {
    try {
      const rows = await this.db
        .selectFrom('liveEvents')
        .select(['id', 'organizationId', 'topic', 'type', 'payload'])
        .where('id', '>', this.highestSeenId)
        .orderBy('id')
        .limit(REPLAY_LIMIT)
        .execute();
      for (const row of rows) this.dispatch({ ...row, id: Number(row.id) });
    } catch (error) {
      this.onError(error);
    }
  }

  private dispatch(event: LiveEvent): void {
    if (this.recentIds.has(event.id)) return;
    this.recentIds.add(event.id);
    if (this.recentIds.size > RECENT_IDS_KEPT) {
      const oldest = this.recentIds.values().next().value;
      if (oldest !== undefined) this.recentIds.delete(oldest);
    }
    if (event.id > this.highestSeenId) this.highestSeenId = event.id;
    for (const subscription of this.subscriptions) {
      const { subscriber } = subscription;
      if (subscriber.organizationId !== event.organizationId || !subscriber.topics.has(event.topic)) continue;
      if (subscription.buffered) subscription.buffered.push(event);
      else if (subscription.replayedPending?.delete(event.id)) continue;
      else subscriber.deliver(event);
    }
  }

  private pruneSoon(): void {
    if (this.pruning || this.closed) return;
    this.pruning = this.prune().finally(() => {
      this.pruning = null;
    });
  }

  private async prune(): Promise<void> {
    try {
      await pruneLiveEvents(this.db);
    } catch (error) {
      if (!this.closed) this.onError(error);
    }
  }
}

/** Live events are for screens catching up, not a record: a day is plenty. Answers how many went. */
/** A notification's event (JSON), or the id of one to read back; null for anything else. */
function parseNotification(payload: string): LiveEvent | number | null {
  if (!payload.startsWith('{')) {
    const id = Number(payload);
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  }
  try {
    const event = JSON.parse(payload) as LiveEvent;
    return Number.isSafeInteger(event.id) && typeof event.organizationId === 'string' && typeof event.topic === 'string' ? event : null;
  } catch {
    return null;
  }
}

export async function pruneLiveEvents(db: Kysely<Database>, now = new Date()): Promise<number> {
  const result = await sql`delete from live_events where created_at < ${new Date(now.getTime() - KEEP_EVENTS_MS)}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
