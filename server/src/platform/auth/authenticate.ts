import type { FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Actor } from './actor.js';
import { hashToken } from './secrets.js';
import { recordAudit } from '../audit/record-audit.js';

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
export async function authenticate(db: Kysely<Database>, request: FastifyRequest): Promise<void> {
  request.actor = null;
  request.authProblem = null;
  const authorization = request.headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer ')) {
    request.actor = await bearerActor(db, authorization.slice(7).trim());
    return;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return;
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
    .where('s.tokenHash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.endedAt || !row.isActive) return;
  const idleMs = Date.now() - row.lastSeenAt.getTime();
  const actor: Actor = {
    kind: 'staff',
    id: row.id,
    organizationId: row.organizationId,
    name: row.displayName,
    roles: row.roles,
    sessionId: row.sessionId,
    csrfToken: row.csrfToken,
    secondFactorPassed: row.secondFactorPassed,
  };
  if (idleMs > row.inactivityTimeoutMinutes * 60_000) {
    await db.transaction().execute(async (trx) => {
      const ended = await trx
        .updateTable('staffSessions')
        .set({ endedAt: sql`now()`, endReason: 'inactivity' })
        .where('id', '=', row.sessionId)
        .where('endedAt', 'is', null)
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) > 0) {
        await recordAudit(trx, { actor, organizationId: row.organizationId, clientAddress: request.ip, requestId: String(request.id) }, {
          action: 'session-expired',
          recordType: 'Session',
          recordId: row.sessionId,
        });
      }
    });
    request.authProblem = 'SESSION_EXPIRED';
    return;
  }
  if (idleMs > TOUCH_AFTER_MS) {
    await db.updateTable('staffSessions').set({ lastSeenAt: sql`now()` }).where('id', '=', row.sessionId).execute();
  }
  request.actor = actor;
}
