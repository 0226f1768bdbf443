// Sign-in and first page load against the real app in-process (listening on 127.0.0.1), with
// 10 clients at a time. Prints figures; asserts nothing.
//   npx tsx bench/sign-in.bench.ts [--engine pglite|postgres] [--rounds 200]
// Sign-in is rate-limited per client address (30 a minute), so each sign-in comes from its own
// loopback address (127.1.x.y), as sign-ins at a clinic come from many workstations.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/platform/db/database.js';
import { migrateToLatest } from '../server/src/platform/db/migrate.js';
import { DEMO_PASSWORD, seedDemoClinic } from '../server/src/demo/seed-demo-clinic.js';
import { isMain, latencyFigures, printTable, type Figure } from './report.js';

const CONCURRENCY = 10;
const USERNAMES = ['fd.jones', 'fd.rivera', 'ma.lopez', 'ma.kim', 'ma.brown', 'dr.patel', 'dr.nguyen', 'np.garcia', 'billing.chen', 'manager.wilson'];

interface Reply {
  status: number;
  body: string;
  setCookie: string[];
}

function send(port: number, localAddress: string, method: string, url: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, localAddress, method, path: url, headers: body ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie: response.headers['set-cookie'] ?? [] }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function inParallel(count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await task(next++);
  }));
}

async function openBenchDatabase(engine: 'pglite' | 'postgres') {
  if (engine === 'postgres') {
    const url = process.env.BENCH_SIGN_IN_DATABASE_URL ?? 'postgres://medassist:medassist@127.0.0.1:5432/medassist_bench_sign_in';
    const admin = new URL(url);
    const name = decodeURIComponent(admin.pathname.slice(1));
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.href });
    await client.connect();
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
    await client.end();
    return { database: await openDatabase({ databaseUrl: url }), cleanup: () => {} };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-bench-'));
  return { database: await openDatabase({ dataDir }), cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

/** Runs the benchmark and returns its figures. */
export async function benchSignIn(options: { engine?: 'pglite' | 'postgres'; rounds?: number } = {}): Promise<Figure[]> {
  const engine = options.engine ?? 'pglite';
  const rounds = options.rounds ?? 200;
  const benchmark = `sign-in (${engine}, ${CONCURRENCY} at a time)`;
  const { database, cleanup } = await openBenchDatabase(engine);
  await migrateToLatest(database.db);
  await seedDemoClinic(database.db, { patients: 500 });
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const port = address.port;
    const signIns: number[] = [];
    const pageLoads: number[] = [];
    const failures = { signIn: 0, pageLoad: 0, reasons: new Map<string, number>() };
    const addressOf = (index: number) => `127.1.${Math.floor(index / 250)}.${(index % 250) + 1}`;
    const warmUp = 10;
    await inParallel(rounds + warmUp, async (index) => {
      const from = addressOf(index);
      const username = USERNAMES[index % USERNAMES.length]!;
      let started = performance.now();
      const signedIn = await send(port, from, 'POST', '/api/session', {}, JSON.stringify({ username, password: DEMO_PASSWORD }));
      const signInMs = performance.now() - started;
      const cookie = signedIn.setCookie.map((value) => value.split(';')[0]).join('; ');
      if (signedIn.status !== 200) {
        failures.signIn++;
        const text = `POST /api/session ${signedIn.status} ${username}`;
        failures.reasons.set(text, (failures.reasons.get(text) ?? 0) + 1);
        return;
      }
      started = performance.now();
      const pages = await Promise.all([
        send(port, from, 'GET', '/', { accept: 'text/html' }),
        send(port, from, 'GET', '/api/session', { cookie }),
        send(port, from, 'GET', '/api/organization', { cookie }),
      ]);
      const pageMs = performance.now() - started;
      const failed = pages.map((page, at) => (page.status === 200 ? '' : `${['/', '/api/session', '/api/organization'][at]} ${page.status} ${username}`)).filter(Boolean);
      if (failed.length > 0) {
        failures.pageLoad++;
        for (const text of failed) failures.reasons.set(text, (failures.reasons.get(text) ?? 0) + 1);
      }
      if (index < warmUp) return;
      signIns.push(signInMs);
      pageLoads.push(pageMs);
    });
    return [
      ...latencyFigures(benchmark, 'POST /api/session', signIns, [0.5, 0.95]),
      ...latencyFigures(benchmark, 'first page load (/, /api/session, /api/organization)', pageLoads, [0.5, 0.95]),
      { benchmark, metric: 'failed sign-ins / page loads', value: `${failures.signIn} / ${failures.pageLoad} of ${rounds + warmUp}` },
      ...[...failures.reasons].map(([reason, count]) => ({ benchmark, metric: `failed: ${reason}`, value: `${count}` })),
    ];
  } finally {
    await app.close();
    await database.close();
    cleanup();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { engine: { type: 'string' }, rounds: { type: 'string' } } });
  const engine = values.engine === 'postgres' ? 'postgres' : 'pglite';
  printTable(await benchSignIn({ engine, rounds: values.rounds ? Number(values.rounds) : undefined }));
}
