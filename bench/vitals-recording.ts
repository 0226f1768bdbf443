// Recording a full vitals set (one request: BP, pulse, respirations, °F temperature, SpO2, height in
// inches, weight in pounds, pain; BMI derived) through the real app over HTTP on PostgreSQL, with
// N clients at a time, each on its own patient's encounter. Prints p50/p99 and the sustained rate;
// asserts nothing.
//   npx tsx bench/vitals-recording.ts [--requests 1000] [--concurrency 10]
// BENCH_VITALS_DATABASE_URL names the database (default medassist_bench_vitals); it is dropped and recreated.
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/platform/db/database.js';
import { migrateToLatest } from '../server/src/platform/db/migrate.js';
import { DEMO_PASSWORD, seedDemoClinic } from '../server/src/demo/seed-demo-clinic.js';
import { recreateDatabase } from './slot-search.bench.js';
import { isMain, latencyFigures, printTable, type Figure } from './report.js';

const BENCHMARK = 'vitals recording';
const defaultUrl = process.env.BENCH_VITALS_DATABASE_URL ?? 'postgres://medassist:medassist@127.0.0.1:5432/medassist_bench_vitals';

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function send(agent: http.Agent, port: number, method: string, path: string, headers: Record<string, string>, payload?: unknown): Promise<Answer> {
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1', port, method, path, agent,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A full adult set as an MA types it in US units; slightly varied so rows differ. */
const vitalsSet = (index: number) => ({
  bloodPressure: { systolic: 112 + (index % 15), diastolic: 70 + (index % 8), position: 'sitting', arm: 'left', cuffSize: 'adult' },
  pulse: 64 + (index % 20),
  respirations: 14 + (index % 4),
  temperature: { value: 98.2 + (index % 5) / 10, unit: '[degF]', route: 'oral' },
  spo2: { percent: 96 + (index % 4), oxygen: 'room-air' },
  height: { value: 64 + (index % 8), unit: '[in_i]' },
  weight: { value: 140 + (index % 60), unit: '[lb_av]' },
  pain: index % 6,
});

export async function benchVitalsRecording(options: { databaseUrl?: string; requests?: number; concurrency?: number; log?: (line: string) => void } = {}): Promise<Figure[]> {
  const databaseUrl = options.databaseUrl ?? defaultUrl;
  const log = options.log ?? ((line: string) => console.error(line));
  const requests = options.requests ?? 1000;
  const concurrency = options.concurrency ?? 10;
  await recreateDatabase(databaseUrl);
  const database = await openDatabase({ databaseUrl, poolSize: concurrency + 2 });
  await migrateToLatest(database.db);
  await seedDemoClinic(database.db, { patients: Math.max(concurrency, 20) });
  log(`${BENCHMARK}: demo clinic seeded`);
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', REMINDER_INTERVAL_MS: '0' }), database });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const signIn = await send(agent, port, 'POST', '/api/session', {}, { username: 'ma.lopez', password: DEMO_PASSWORD });
    if (signIn.status !== 200) throw new Error(`sign-in: ${signIn.status}`);
    const cookie = ([] as string[]).concat(signIn.headers['set-cookie'] ?? []).map((value) => value.split(';')[0]).join('; ');
    const headers = { cookie, 'x-csrf-token': (JSON.parse(signIn.body) as { csrfToken: string }).csrfToken };

    // One open encounter per client, each on its own patient (as in a clinic: one MA per room).
    const organization = await database.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    const location = await database.db.selectFrom('locations').select('id').where('organizationId', '=', organization.id).executeTakeFirstOrThrow();
    const provider = await database.db.selectFrom('staffMembers').select('id').where('username', '=', 'dr.patel').executeTakeFirstOrThrow();
    const patients = await database.db.selectFrom('patients').select('id').where('organizationId', '=', organization.id).limit(concurrency).execute();
    const encounterIds: string[] = [];
    for (const patient of patients) {
      const encounter = await database.db
        .insertInto('encounters')
        .values({ organizationId: organization.id, locationId: location.id, patientId: patient.id, providerId: provider.id, startedAt: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      encounterIds.push(encounter.id);
    }

    const record = (client: number, index: number) => send(agent, port, 'POST', `/api/encounters/${encounterIds[client % encounterIds.length]}/vitals`, headers, vitalsSet(index));
    // warm-up: connections, JIT, the first prepared plans
    for (let index = 0; index < 30; index++) {
      const answer = await record(index, index);
      if (answer.status !== 201) throw new Error(`warm-up: ${answer.status} ${answer.body.slice(0, 300)}`);
    }

    const durations: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async (_, client) => {
      while (next < requests) {
        const index = next++;
        const begun = performance.now();
        const answer = await record(client, index);
        durations.push(performance.now() - begun);
        if (answer.status !== 201) failures++;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const stored = await database.db.selectFrom('observations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return [
      { benchmark: BENCHMARK, metric: `full vitals sets (${concurrency} clients, HTTP, PostgreSQL)`, value: `${requests - failures} of ${requests}` },
      ...latencyFigures(BENCHMARK, 'one full set', durations, [0.5, 0.99]),
      { benchmark: BENCHMARK, metric: 'sustained rate', value: `${((requests - failures) / seconds).toFixed(1)} requests/s` },
      { benchmark: BENCHMARK, metric: 'observations stored (9 per set incl. BMI)', value: String(Number(stored.n)) },
      { benchmark: BENCHMARK, metric: 'machine load average (1 min)', value: os.loadavg()[0]!.toFixed(1) },
    ];
  } finally {
    agent.destroy();
    await app.close();
    await database.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { requests: { type: 'string' }, concurrency: { type: 'string' } } });
  printTable(await benchVitalsRecording({ requests: values.requests ? Number(values.requests) : undefined, concurrency: values.concurrency ? Number(values.concurrency) : undefined }));
}
