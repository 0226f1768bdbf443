import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { openTestDatabase, testEngine } from '../../../test/test-database.js';
import { signInAs, type SignedInClient } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import { STAFF_AUTH_CHANNEL } from './staff-session-cache.js';

// Two server processes on one database, as in production with WORKERS=2: each keeps the staff
// sessions it has looked up, and a change made through one (or directly in the database) must
// reach the other.
let database: DatabaseHandle;
let first: FastifyInstance;
let second: FastifyInstance;
let organizationId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { reminderIntervalMs: 0, vitalAlertEscalationIntervalMs: 0 });
  first = await buildApp({ config, database });
  second = await buildApp({ config, database });
  ({ organizationId } = await makeOrganization(database.db, 'Session Cache Clinic'));
});
afterAll(async () => {
  await first.close();
  await second.close();
  await database.close();
});

/** The same signed-in browser sending its cookie to the other process. */
function onOtherProcess(client: SignedInClient) {
  return (url: string) => second.inject({ method: 'GET', url, headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken } });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe('staff sessions kept by each server process', () => {
  it('a sign-out is refused at once by the same process and, within moments, by the other', async () => {
    const { username } = await makeStaffMember(database.db, organizationId, ['front-desk']);
    const client = await signInAs(first, username, TEST_PASSWORD);
    const other = onOtherProcess(client);
    expect((await client.request({ method: 'GET', url: '/api/session' })).statusCode).toBe(200);
    expect((await other('/api/session')).statusCode).toBe(200);
    expect(second.staffSessions.size).toBeGreaterThan(0);

    expect((await client.request({ method: 'DELETE', url: '/api/session' })).statusCode).toBe(204);
    const again = await client.request({ method: 'GET', url: '/api/session' });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('NOT_SIGNED_IN');
    expect(await eventually(async () => (await other('/api/session')).statusCode === 401)).toBe(true);
  });

  it('a role taken away in the database stops working on both processes without a new sign-in', async () => {
    const member = await makeStaffMember(database.db, organizationId, ['provider']);
    const client = await signInAs(first, member.username, TEST_PASSWORD);
    const other = onOtherProcess(client);
    const inbox = '/api/tasks/mine';
    expect((await client.request({ method: 'GET', url: inbox })).statusCode).toBe(200);
    expect((await other(inbox)).statusCode).toBe(200);

    await database.db.updateTable('staffMembers').set({ isActive: false }).where('id', '=', member.id).execute();
    expect(await eventually(async () => (await client.request({ method: 'GET', url: inbox })).statusCode === 401)).toBe(true);
    expect(await eventually(async () => (await other(inbox)).statusCode === 401)).toBe(true);
  });

  it('touching a session (last seen) does not make the processes forget what they keep', async () => {
    const { username } = await makeStaffMember(database.db, organizationId, ['front-desk']);
    const client = await signInAs(first, username, TEST_PASSWORD);
    expect((await client.request({ method: 'GET', url: '/api/session' })).statusCode).toBe(200);
    const kept = first.staffSessions.size;
    expect(kept).toBeGreaterThan(0);
    await database.db.updateTable('staffSessions').set({ lastSeenAt: new Date() }).where('staffMemberId', '=', client.staffMemberId).execute();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(first.staffSessions.size).toBe(kept);
  });

  it.runIf(testEngine === 'postgres')('after its listener drops, a process forgets what it kept (it may have missed an ended session)', async () => {
    const { username } = await makeStaffMember(database.db, organizationId, ['front-desk']);
    const client = await signInAs(first, username, TEST_PASSWORD);
    expect((await client.request({ method: 'GET', url: '/api/session' })).statusCode).toBe(200);
    const killed = await sql<{ pid: number }>`select pid, pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = ${`listen ${STAFF_AUTH_CHANNEL}`}`.execute(database.db);
    expect(killed.rows).toHaveLength(2); // one per process
    await database.db.updateTable('staffSessions').set({ endedAt: new Date(), endReason: 'ended while unheard' }).where('staffMemberId', '=', client.staffMemberId).execute();
    expect(await eventually(async () => (await client.request({ method: 'GET', url: '/api/session' })).statusCode === 401, 5000)).toBe(true);
  });

  it('a clinic that shortens its inactivity limit has it applied to sessions already kept', async () => {
    const { username } = await makeStaffMember(database.db, organizationId, ['front-desk']);
    const client = await signInAs(first, username, TEST_PASSWORD);
    expect((await client.request({ method: 'GET', url: '/api/session' })).statusCode).toBe(200);
    // seen 5 minutes ago (a quiet spell), still inside the default 15-minute limit
    await database.db.updateTable('staffSessions').set({ lastSeenAt: new Date(Date.now() - 5 * 60_000) }).where('staffMemberId', '=', client.staffMemberId).execute();
    first.staffSessions.clear();
    expect((await client.request({ method: 'GET', url: '/api/session' })).statusCode).toBe(200);
    await database.db.updateTable('staffSessions').set({ lastSeenAt: new Date(Date.now() - 5 * 60_000) }).where('staffMemberId', '=', client.staffMemberId).execute();
    await database.db.updateTable('organizationSettings').set({ inactivityTimeoutMinutes: 2 }).where('organizationId', '=', organizationId).execute();
    expect(await eventually(async () => (await client.request({ method: 'GET', url: '/api/session' })).json().error?.code === 'SESSION_EXPIRED')).toBe(true);
    await database.db.updateTable('organizationSettings').set({ inactivityTimeoutMinutes: 15 }).where('organizationId', '=', organizationId).execute();
  });
});
