import type { Actor } from './actor.js';

export type StaffActor = Extract<Actor, { kind: 'staff' }>;

/** A staff session as authentication last found it in the database. */
export interface KnownStaffSession {
  readonly actor: StaffActor;
  /** When the session was last seen (ms), as this process knows it: another process may know later. */
  readonly lastSeenAt: number;
  readonly inactivityTimeoutMs: number;
}

/** The channel a database trigger notifies when a session ends or a staff member's roles, name or state change. */
export const STAFF_AUTH_CHANNEL = 'staff_auth_changed';

/**
 * Staff sessions this process has looked up recently, by token hash, so the many requests of a busy
 * screen do not each read the session, the staff member and the clinic's settings.
 *
 * Every change that could narrow access (a session ended, roles or active state changed, the
 * clinic's timeout or second-factor rule changed) fires a database trigger that notifies
 * STAFF_AUTH_CHANNEL, and every process empties its cache on that notification and whenever its
 * listener reconnects (it may have missed some). The same process also empties it itself right
 * after a sign-out, so its own next request never sees the ended session. An entry also lapses
 * after `ttlMs` in case a notification is lost. Only sessions that have passed their second
 * factor are kept, so completing the second factor is never hidden by a stale entry.
 */
export class StaffSessionCache {
  private readonly entries = new Map<string, KnownStaffSession & { until: number }>();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 5_000,
  ) {}

  get(tokenHash: string, now: number): KnownStaffSession | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry;
  }

  remember(tokenHash: string, session: KnownStaffSession, now: number): void {
    if (!session.actor.secondFactorPassed) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(tokenHash)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, { ...session, until: now + this.ttlMs });
  }

  forget(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
