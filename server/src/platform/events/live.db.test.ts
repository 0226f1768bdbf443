import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { signInAs } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { SseClient } from '../../../test/sse-client.js';
import { openTestDatabase, testEngine } from '../../../test/test-database.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { createTask, publishLiveEvent, publishLiveEvents } from '../index.js';
import { pruneLiveEvents } from './live-hub.js';
import { LIVE_CHANNEL } from './publish-live-event.js';
import { isSessionOpen } from './live-session.js';
import { sql } from 'kysely';

let database: DatabaseHandle & { url?: string };
let app: FastifyInstance;
let baseUrl: string;
let organizationId: string;
let otherOrganizationId: string;
let cookie: string;
const openStreams: SseClient[] = [];

const config = loadConfig({ LOG_LEVEL: 'silent' }, {});

async function listen(instance: FastifyInstance): Promise<string> {
  await instance.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(instance.server.address() as AddressInfo).port}`;
}

async function subscribe(topics: string, headers: Record<string, string> = {}, url = baseUrl, query = ''): Promise<SseClient> {
  const stream = await SseClient.open(`${url}/api/live?topics=${encodeURIComponent(topics)}${query}`, { cookie, ...headers });
  openStreams.push(stream);
  return stream;
}

const publish = (topic: string, payload: Record<string, unknown>, organization = organizationId) =>
  database.db.transaction().execute((trx) => publishLiveEvent(trx, { organizationId: organization, topic, type: 'test.happened', payload }));

const payloads = (stream: SseClient) => stream.events.map((event) => (JSON.parse(event.data) as { payload: Record<string, unknown> }).payload);
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

beforeAll(async () => {
  database = await openTestDatabase();
  app = await buildApp({ config, database });
  baseUrl = await listen(app);
  ({ organizationId } = await makeOrganization(database.db, 'Live Clinic'));
  ({ organizationId: otherOrganizationId } = await makeOrganization(database.db, 'Other Clinic'));
  const ma = await makeStaffMember(database.db, organizationId, ['medical-assistant']);
  cookie = (await signInAs(app, ma.username, TEST_PASSWORD)).cookie;
});

afterAll(async () => {
  for (const stream of openStreams) stream.close();
  await app.close();
  await database.close();
});

describe('GET /api/live (server-sent events)', () => {
  it('needs topics and a signed-in person', async () => {
    const noTopics = await fetch(`${baseUrl}/api/live`, { headers: { cookie } });
    expect(noTopics.status).toBe(400);
    expect(((await noTopics.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    const anonymous = await fetch(`${baseUrl}/api/live?topics=inbox`);
    expect(anonymous.status).toBe(401);
  });

  it('delivers an event published by a use case within a second, as id/event/data', async () => {
    const stream = await subscribe('inbox');
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain('text/event-stream');
    const startedAt = performance.now();
    const { id: taskId } = await database.db.transaction().execute((trx) =>
      createTask(trx, { actor: null, organizationId, clientAddress: '127.0.0.1', requestId: 'test' }, { title: 'Call back', kind: 'call-back', ownerPool: 'medical-assistant', priority: 'routine' }),
    );
    const [event] = await stream.waitFor(1, 1000);
    expect(event).toBeDefined();
    expect(event!.receivedAt - startedAt).toBeLessThan(1000);
    expect(event!.event).toBe('task.created');
    expect(Number(event!.id)).toBeGreaterThan(0);
    expect(JSON.parse(event!.data)).toMatchObject({ topic: 'inbox', type: 'task.created', payload: { taskId, status: 'open' } });
  });

  it('never delivers a rolled-back event', async () => {
    const stream = await subscribe('test:rollback');
    await expect(
      database.db.transaction().execute(async (trx) => {
        await publishLiveEvent(trx, { organizationId, topic: 'test:rollback', type: 'test.happened', payload: { n: 'rolled-back' } });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await publish('test:rollback', { n: 'committed' });
    await stream.waitFor(1);
    await settle();
    expect(payloads(stream)).toEqual([{ n: 'committed' }]);
  });

  it('delivers the events one change publishes together, each once and in the order given', async () => {
    const stream = await subscribe('test:together-a,test:together-b');
    const published = await database.db.transaction().execute((trx) => publishLiveEvents(trx, [
      { organizationId, topic: 'test:together-a', type: 'test.first', payload: { n: 1 } },
      { organizationId, topic: 'test:together-b', type: 'test.second', payload: { n: 2 } },
      { organizationId, topic: 'test:together-a', type: 'test.third', payload: { n: 3 } },
    ]));
    expect(published.map((event) => event.id)).toEqual([...published.map((event) => event.id)].sort((a, b) => a - b));
    await stream.waitFor(3);
    await settle();
    expect(stream.events.map((event) => [Number(event.id), event.event])).toEqual([
      [published[0]!.id, 'test.first'], [published[1]!.id, 'test.second'], [published[2]!.id, 'test.third'],
    ]);
    expect(payloads(stream)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('delivers an event too big for a notification (read back by id) in its place among small ones', async () => {
    const stream = await subscribe('test:sizes');
    const big = 'x'.repeat(9_000);
    await database.db.transaction().execute((trx) => publishLiveEvents(trx, [
      { organizationId, topic: 'test:sizes', type: 'test.small', payload: { n: 1 } },
      { organizationId, topic: 'test:sizes', type: 'test.big', payload: { n: 2, big } },
      { organizationId, topic: 'test:sizes', type: 'test.small', payload: { n: 3 } },
    ]));
    await publish('test:sizes', { n: 4 });
    await stream.waitFor(4);
    await settle();
    expect(payloads(stream)).toEqual([{ n: 1 }, { n: 2, big }, { n: 3 }, { n: 4 }]);
    expect(stream.events.map((event) => event.event)).toEqual(['test.small', 'test.big', 'test.small', 'test.happened']);
  });

  it("never delivers another organization's events, nor other topics", async () => {
    const stream = await subscribe('test:shared,test:mine');
    await publish('test:shared', { n: 'other-clinic' }, otherOrganizationId);
    await publish('test:not-mine', { n: 'other-topic' });
    await publish('test:mine', { n: 'mine' });
    await stream.waitFor(1);
    await settle();
    expect(payloads(stream)).toEqual([{ n: 'mine' }]);
  });

  it('replays missed events exactly once and in order on reconnect with Last-Event-ID, then continues live', async () => {
    const first = await subscribe('test:replay');
    await publish('test:replay', { n: 1 });
    const [seen] = await first.waitFor(1);
    first.close();
    await publish('test:replay', { n: 2 });
    await publish('test:elsewhere', { n: 'x' });
    await publish('test:replay', { n: 3 }, otherOrganizationId);
    await publish('test:replay', { n: 4 });
    await publish('test:replay', { n: 5 });

    const again = await subscribe('test:replay', { 'last-event-id': seen!.id! });
    await again.waitFor(3);
    await publish('test:replay', { n: 6 });
    await again.waitFor(4);
    await settle();
    expect(payloads(again)).toEqual([{ n: 2 }, { n: 4 }, { n: 5 }, { n: 6 }]);
    const ids = again.events.map((event) => Number(event.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('delivers each event exactly once when a reconnect happens while events keep coming', async () => {
    const first = await subscribe('test:race');
    const { id: lastSeen } = await publish('test:race', { n: 0 });
    await first.waitFor(1);
    first.close();
    const published: number[] = [];
    const publishing = (async () => {
      for (let n = 1; n <= 30; n++) published.push((await publish('test:race', { n })).id);
    })();
    const again = await subscribe('test:race', { 'last-event-id': String(lastSeen) });
    await publishing;
    await again.waitFor(30, 5000);
    await settle();
    const received = again.events.map((event) => Number(event.id));
    expect(received).toHaveLength(30);
    expect([...received].sort((a, b) => a - b)).toEqual(published);
  });

  it('answers a catch-up poll (lastEventId and once=1) and ends the stream', async () => {
    const before = await publish('test:poll', { n: 1 });
    await publish('test:poll', { n: 2 });
    const poll = await subscribe('test:poll', {}, baseUrl, `&lastEventId=${before.id}&once=1`);
    await poll.finished();
    expect(poll.isEnded).toBe(true);
    expect(payloads(poll)).toEqual([{ n: 2 }]);
  });

  it.runIf(testEngine === 'postgres')('fans out to a second server process on the same PostgreSQL database', async () => {
    const secondDatabase = await openDatabase({ databaseUrl: database.url!, poolSize: 2 });
    const secondApp = await buildApp({ config, database: secondDatabase });
    try {
      const secondUrl = await listen(secondApp);
      const onFirst = await subscribe('test:cross');
      const onSecond = await subscribe('test:cross', {}, secondUrl);
      const startedAt = performance.now();
      await publish('test:cross', { n: 'across' });
      const [received] = await onSecond.waitFor(1, 1000);
      expect(received).toBeDefined();
      expect(received!.receivedAt - startedAt).toBeLessThan(1000);
      await onFirst.waitFor(1, 1000);
      expect(payloads(onSecond)).toEqual([{ n: 'across' }]);
      expect(payloads(onFirst)).toEqual([{ n: 'across' }]);
      onSecond.close();
    } finally {
      await secondApp.close();
      await secondDatabase.close();
    }
  });

  it.runIf(testEngine === 'postgres')('keeps delivering after the LISTEN connection drops, and catches up on what committed meanwhile', async () => {
    const stream = await subscribe('test:reconnect');
    const killed = await sql<{ pid: number }>`select pid, pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = ${`listen ${LIVE_CHANNEL}`}`.execute(database.db);
    expect(killed.rows).toHaveLength(1);
    await publish('test:reconnect', { n: 'while-down' });
    await stream.waitFor(1, 5000);
    await publish('test:reconnect', { n: 'after' });
    await stream.waitFor(2, 5000);
    await settle();
    expect(payloads(stream)).toEqual([{ n: 'while-down' }, { n: 'after' }]);
  });

  it('prunes live events older than a day', async () => {
    const old = await publish('test:prune', { n: 'old' });
    const recent = await publish('test:prune', { n: 'recent' });
    await sql`update live_events set created_at = now() - interval '25 hours' where id = ${old.id}`.execute(database.db);
    expect(await pruneLiveEvents(database.db)).toBeGreaterThanOrEqual(1);
    const left = await database.db.selectFrom('liveEvents').select('id').where('topic', '=', 'test:prune').execute();
    expect(left.map((row) => Number(row.id))).toEqual([recent.id]);
  });

  it('stops counting a session as open for streams once it is signed out', async () => {
    const member = await makeStaffMember(database.db, organizationId, ['front-desk']);
    const client = await signInAs(app, member.username, TEST_PASSWORD);
    const session = await database.db.selectFrom('staffSessions').select('id').where('staffMemberId', '=', member.id).executeTakeFirstOrThrow();
    expect(await isSessionOpen(database.db, session.id)).toBe(true);
    const signedOut = await client.request({ method: 'DELETE', url: '/api/session' });
    expect(signedOut.statusCode).toBeLessThan(300);
    expect(await isSessionOpen(database.db, session.id)).toBe(false);
  });

  it('ends open streams when the server shuts down', async () => {
    const otherDatabase = testEngine === 'postgres' ? await openDatabase({ databaseUrl: database.url!, poolSize: 2 }) : undefined;
    if (!otherDatabase) return;
    const otherApp = await buildApp({ config, database: otherDatabase });
    const url = await listen(otherApp);
    const stream = await subscribe('test:shutdown', {}, url);
    await otherApp.close();
    await stream.finished();
    expect(stream.isEnded).toBe(true);
    await otherDatabase.close();
  });
});
