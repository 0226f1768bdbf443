import type { FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Actor } from './actor.js';
import { hashToken } from './secrets.js';
import { recordAudit } from '../audit/record-audit.js';
import type { KnownStaffSession, StaffActor, StaffSessionCache } from './staff-session-cache.js';

export const SESSION_COOKIE = 'medassist_session';
// Touching the session on every request would write on every read; a 15-second grain is
// far below the shortest inactivity timeout.
const TOUCH_AFTER_MS = 15_000;

// A system client sends the same bearer token thousands of times; looking it up once per
// BEARER_CACHE_MS (and never past its expiry) saves a query per request. Tokens cannot be revoked
// through the app; a client switched off in the database loses access within this window.
const BEARER_CACHE_MS = 15_000;
const BEARER_CACHE_SIZE = 5_000;
const bearerCache = new Map<string, { actor: Actor | null; until: number }>();

async function bearerActor(db: Kysely<Database>, token: string): Promise<Actor | null> {
  const tokenHash = hashToken(token);
  const now = Date.now();
  const cached = bearerCache.get(tokenHash);
  if (cached && cached.until > now) return cached.actor;
  const row = await db
    .selectFrom('accessTokens as t')
    .innerJoin('oauthClients as c', 'c.id', 't.oauthClientId')
    .select(['c.id', 'c.organizationId', 'c.name', 'c.roles', 't.scopes', 't.expiresAt', 'c.isActive'])
    .where('t.tokenHash', '=', tokenHash)
    .executeTakeFirst();
  const expiresAt = row?.expiresAt.getTime() ?? 0;
  if (!row || !row.isActive || expiresAt <= now) {
    bearerCache.delete(tokenHash);
    return null;
  }
  const actor: Actor = { kind: 'client', id: row.id, organizationId: row.organizationId, name: row.name, roles: row.roles, scopes: row.scopes };
  if (bearerCache.size >= BEARER_CACHE_SIZE) bearerCache.delete(bearerCache.keys().next().value!);
  bearerCache.set(tokenHash, { actor, until: Math.min(expiresAt, now + BEARER_CACHE_MS) });
  return actor;
}

/** Resolves the caller from the session cookie or a bearer token; ends a session idle past the clinic's limit. */
export async function authenticate(db: Kysely<Database>, sessions: StaffSessionCache, request: FastifyRequest): Promise<void> {
  request.actor = null;
  request.authProblem = null;
  const authorization = request.headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer ')) {
    request.actor = await bearerActor(db, authorization.slice(7).trim());
    return;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return;
  const tokenHash = hashToken(token);
  const now = Date.now();
  // A kept session is used only while this process's own view of it is not idle: whether it has
  // really expired (another process may have seen it since) is always decided from the database.
  const known = sessions.get(tokenHash, now);
  const session = known && now - known.lastSeenAt <= known.inactivityTimeoutMs ? known : await lookUpStaffSession(db, tokenHash);
  if (!session) {
    sessions.forget(tokenHash);
    return;
  }
  const idleMs = now - session.lastSeenAt;
  if (idleMs > session.inactivityTimeoutMs) {
    sessions.forget(tokenHash);
    await endIdleSession(db, session.actor, request);
    request.authProblem = 'SESSION_EXPIRED';
    return;
  }
  const touch = idleMs > TOUCH_AFTER_MS;
  if (touch) await db.updateTable('staffSessions').set({ lastSeenAt: sql`now()` }).where('id', '=', session.actor.sessionId).execute();
  if (touch || session !== known) sessions.remember(tokenHash, touch ? { ...session, lastSeenAt: now } : session, now);
  request.actor = session.actor;
}

async function lookUpStaffSession(db: Kysely<Database>, tokenHash: string): Promise<KnownStaffSession | null> {
  const row = await db
    .selectFrom('staffSessions as s')
    .innerJoin('staffMembers as m', 'm.id', 's.staffMemberId')
    .innerJoin('organizationSettings as o', 'o.organizationId', 's.organizationId')
    .select([
      's.id as sessionId',
      's.csrfToken',
      's.secondFactorPassed',
      's.lastSeenAt',
      's.endedAt',
      'm.id',
      'm.organizationId',
      'm.displayName',
      'm.roles',
      'm.isActive',
      'o.inactivityTimeoutMinutes',
    ])
    .where('s.tokenHash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || row.endedAt || !row.isActive) return null;
  return {
    actor: {
      kind: 'staff',
      id: row.id,
      organizationId: row.organizationId,
      name: row.displayName,
      roles: row.roles,
      sessionId: row.sessionId,
      csrfToken: row.csrfToken,
      secondFactorPassed: row.secondFactorPassed,
    },
    lastSeenAt: row.lastSeenAt.getTime(),
    inactivityTimeoutMs: row.inactivityTimeoutMinutes * 60_000,
  };
}

async function endIdleSession(db: Kysely<Database>, actor: StaffActor, request: FastifyRequest): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ended = await trx
      .updateTable('staffSessions')
      .set({ endedAt: sql`now()`, endReason: 'inactivity' })
      .where('id', '=', actor.sessionId)
      .where('endedAt', 'is', null)
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) > 0) {
      await recordAudit(trx, { actor, organizationId: actor.organizationId, clientAddress: request.ip, requestId: String(request.id) }, {
        action: 'session-expired',
        recordType: 'Session',
        recordId: actor.sessionId,
      });
    }
  });
}
