import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Whether the session behind an open stream may still receive events: not signed out or ended,
 * the staff member still active, and not idle past the clinic's limit (an open screen alone is not
 * activity; its refetches are). Checked at every heartbeat.
 */
export async function isSessionOpen(db: Kysely<Database>, sessionId: string): Promise<boolean> {
  const row = await db
    .selectFrom('staffSessions as s')
    .innerJoin('staffMembers as m', 'm.id', 's.staffMemberId')
    .innerJoin('organizationSettings as o', 'o.organizationId', 's.organizationId')
    .select(sql<boolean>`s.ended_at is null and m.is_active and s.last_seen_at > now() - make_interval(mins => o.inactivity_timeout_minutes)`.as('isOpen'))
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  return row?.isOpen === true;
}
