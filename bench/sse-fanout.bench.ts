// Live fan-out: 500 open flow-board screens (server-sent events) on one server process on
// PostgreSQL, and N status changes published one after another. For every delivery: time from
// the publishing transaction's commit to the screen reading the event. Prints; asserts nothing.
//   npx tsx bench/sse-fanout.bench.ts [--subscribers 500] [--events 100]
// BENCH_SSE_DATABASE_URL names the database (default medassist_bench_sse); it is dropped and recreated,
// so it is not BENCH_DATABASE_URL (the patient-search population lives there).
// The screens are read in the same Node process as the server, so the figures include their parsing.
import http from 'node:http';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/platform/db/database.js';
import { migrateToLatest } from '../server/src/platform/db/migrate.js';
import { publishLiveEvent } from '../server/src/platform/index.js';
import { DEMO_PASSWORD, seedDemoClinic } from '../server/src/demo/seed-demo-clinic.js';
import { isMain, latencyFigures, printTable, type Figure } from './report.js';

const USERNAMES = ['fd.jones', 'fd.rivera', 'ma.lopez', 'ma.kim', 'dr.patel'];
const OPEN_CONCURRENCY = 50;

async function recreateDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  await client.query(`drop database if exists "${name}" with (force)`);
  await client.query(`create database "${name}"`);
  await client.end();
}

function signIn(port: number, username: string): Promise<string> {
  const body = JSON.stringify({ username, password: DEMO_PASSWORD });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/session', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => {
          const cookie = (response.headers['set-cookie'] ?? []).map((value) => value.split(';')[0]).join('; ');
          if (response.statusCode !== 200 || !cookie) reject(new Error(`sign-in as ${username}: ${response.statusCode}`));
          else resolve(cookie);
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** One open screen: resolves once the stream is open; calls `onEvent(id, at)` for every event. */
function openScreen(port: number, agent: http.Agent, topic: string, cookie: string, onEvent: (id: number, at: number) => void): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port, agent, path: `/api/live?topics=${encodeURIComponent(topic)}`, headers: { cookie, accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) return reject(new Error(`GET /api/live: ${response.statusCode}`));
        response.setEncoding('utf8');
        let buffer = '';
        let isOpen = false;
        response.on('data', (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          let boundary: number;
          while ((boundary = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            if (!isOpen) {
              isOpen = true;
              resolve(request);
            }
            const idLine = /^id: (\d+)$/m.exec(frame);
            if (idLine) onEvent(Number(idLine[1]), at);
          }
        });
      },
    );
    request.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
  });
}

/** Runs the benchmark and returns its figures. */
export async function benchSseFanout(options: { subscribers?: number; events?: number; gapMs?: number } = {}): Promise<Figure[]> {
  const subscribers = options.subscribers ?? 500;
  const events = options.events ?? 100;
  const gapMs = options.gapMs ?? 25;
  const benchmark = `SSE fan-out (postgres, ${subscribers} screens, ${events} events)`;
  const url = process.env.BENCH_SSE_DATABASE_URL ?? 'postgres://medassist:medassist@127.0.0.1:5432/medassist_bench_sse';
  await recreateDatabase(url);
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  await migrateToLatest(database.db);
  await seedDemoClinic(database.db, { patients: 10 });
  const { organizationId } = await database.db.selectFrom('staffMembers').select('organizationId').executeTakeFirstOrThrow();
  const location = await database.db.selectFrom('locations').select('id').executeTakeFirstOrThrow();
  const topic = `flow-board:${location.id}`;
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database });
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const requests: http.ClientRequest[] = [];
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const port = address.port;
    const cookies = await Promise.all(USERNAMES.map((username) => signIn(port, username)));

    const committedAt = new Map<number, number>();
    const receivedAt = new Map<number, number[]>();
    const onEvent = (id: number, at: number) => {
      const list = receivedAt.get(id);
      if (list) list.push(at);
      else receivedAt.set(id, [at]);
    };
    let next = 0;
    const openStartedAt = performance.now();
    await Promise.all(
      Array.from({ length: OPEN_CONCURRENCY }, async () => {
        while (next < subscribers) {
          const index = next++;
          requests.push(await openScreen(port, agent, topic, cookies[index % cookies.length]!, onEvent));
        }
      }),
    );
    const openMs = performance.now() - openStartedAt;

    for (let index = 0; index < events; index++) {
      const { id } = await database.db.transaction().execute((trx) =>
        publishLiveEvent(trx, { organizationId, topic, type: 'appointment.status-changed', payload: { appointmentId: crypto.randomUUID(), status: 'arrived' } }),
      );
      committedAt.set(id, performance.now());
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    const deadline = Date.now() + 5000;
    const expected = subscribers * events;
    const deliveredCount = () => [...receivedAt.values()].reduce((sum, list) => sum + list.length, 0);
    while (deliveredCount() < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    const perDelivery: number[] = [];
    const toEveryScreen: number[] = [];
    for (const [id, committed] of committedAt) {
      const arrivals = receivedAt.get(id) ?? [];
      for (const at of arrivals) perDelivery.push(at - committed);
      if (arrivals.length === subscribers) toEveryScreen.push(Math.max(...arrivals) - committed);
    }
    return [
      { benchmark, metric: 'open 500 streams (50 at a time)', value: `${openMs.toFixed(0)} ms` },
      ...latencyFigures(benchmark, 'commit → one screen', perDelivery, [0.5, 0.99]),
      ...latencyFigures(benchmark, 'commit → every screen', toEveryScreen, [0.5, 0.99]),
      { benchmark, metric: 'commit → one screen max', value: `${Math.max(...perDelivery).toFixed(2)} ms` },
      { benchmark, metric: 'delivered', value: `${deliveredCount()} of ${expected}` },
    ];
  } finally {
    for (const request of requests) request.destroy();
    agent.destroy();
    await app.close();
    await database.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { subscribers: { type: 'string' }, events: { type: 'string' }, gap: { type: 'string' } } });
  printTable(
    await benchSseFanout({
      subscribers: values.subscribers ? Number(values.subscribers) : undefined,
      events: values.events ? Number(values.events) : undefined,
      gapMs: values.gap ? Number(values.gap) : undefined,
    }),
  );
}
