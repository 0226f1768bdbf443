// FHIR: Synthea import rate (PGlite and PostgreSQL), then the FHIR API under 10 connections on
// PostgreSQL with the server running as 2 cluster workers (WORKERS=2, both cores; --workers 1 for
// one process): Patient read by id, Patient search by name, Observation create (Patient create while
// Observation is not served), and a 100-entry transaction Bundle. Prints figures comparable with the
// issue's Medplum numbers.
//   npm run build && npx tsx bench/fhir.bench.ts [--copies 40] [--seconds 10] [--workers 2]
//   BENCH_DATABASE_URL=postgres://… (default: medassist_bench_fhir on the local server, recreated)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../server/src/platform/db/database.js';
import { migrateToLatest } from '../server/src/platform/db/migrate.js';
import { seedDemoClinic, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '../server/src/demo/seed-demo-clinic.js';
import { commandLineImportContext, runImport, sourceFromText, type ImportSource } from '../server/src/interop/index.js';
import { countOf } from '../server/src/interop/fhir/import/import-unit.js';
import { httpClient, type HttpAnswer } from './http-client.js';
import { isMain, percentile, printTable, type Figure } from './report.js';

const BENCHMARK = 'fhir';
const CONNECTIONS = 10;
export const defaultFhirBenchUrl = 'postgres://medassist:medassist@127.0.0.1:5432/medassist_bench_fhir';
const fixtures = path.resolve('server/test/fixtures/fhir/synthea/r4-bundles');

/** `copies` copies of the Synthea bundles, every UUID replaced by a fresh one per copy (new patients, same shape). */
function syntheaCopies(copies: number): ImportSource[] {
  const files = fs.readdirSync(fixtures).filter((name) => name.endsWith('.json')).map((name) => ({ name, text: fs.readFileSync(path.join(fixtures, name), 'utf8') }));
  const sources: ImportSource[] = [];
  for (let copy = 0; copy < copies; copy++) {
    const ids = new Map<string, string>();
    for (const file of files) {
      const text = file.text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (uuid) => {
        let fresh = ids.get(uuid);
        if (!fresh) ids.set(uuid, (fresh = randomUUID()));
        return fresh;
      });
      sources.push(sourceFromText(`${copy}-${file.name}`, text));
    }
  }
  return sources;
}

async function recreateDatabase(databaseUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    await client.query(`drop database if exists ${quoted} with (force)`);
    await client.query(`create database ${quoted}`);
  } finally {
    await client.end();
  }
}

async function importRate(engine: 'pglite' | 'postgres', databaseUrl: string, copies: number, log: (line: string) => void): Promise<Figure[]> {
  const dataDir = engine === 'pglite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-fhir-bench-')) : undefined;
  if (engine === 'postgres') await recreateDatabase(databaseUrl);
  const database = await openDatabase(engine === 'postgres' ? { databaseUrl, poolSize: 12 } : { dataDir: dataDir! });
  try {
    await migrateToLatest(database.db);
    await seedDemoClinic(database.db, { patients: 0 });
    const { id } = await database.db.selectFrom('organizations').select('id').orderBy('createdAt').limit(1).executeTakeFirstOrThrow();
    const sources = syntheaCopies(copies);
    const started = performance.now();
    const result = await runImport(database.db, commandLineImportContext(id), sources, { concurrency: engine === 'postgres' ? 8 : 1 });
    const seconds = (performance.now() - started) / 1000;
    const loaded = countOf(result.loaded);
    const skipped = Object.values(result.skipped).reduce((sum, byType) => sum + countOf(byType), 0);
    const handled = loaded + countOf(result.alreadyPresent) + skipped + result.failed.length;
    log(`${engine}: ${result.patients} patients, ${handled} resources in ${seconds.toFixed(1)} s (loaded ${loaded}, skipped ${skipped}, failed ${result.failed.length}).`);
    return [
      { benchmark: BENCHMARK, metric: `Synthea import ${engine}: resources read/s (loaded + skipped types)`, value: `${Math.round(handled / seconds).toLocaleString('en-US')}/s` },
      { benchmark: BENCHMARK, metric: `Synthea import ${engine}: resources loaded/s`, value: `${Math.round(loaded / seconds).toLocaleString('en-US')}/s` },
      { benchmark: BENCHMARK, metric: `Synthea import ${engine}: patients/s`, value: `${(result.patients / seconds).toFixed(1)}/s` },
    ];
  } finally {
    await database.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function startServer(databaseUrl: string, port: number, workers: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/server/main.js'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), WORKERS: String(workers), LOG_LEVEL: 'warn', DEMO_PATIENTS: '0', REMINDER_INTERVAL_MS: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Medassist listening at')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${output.slice(-500)}`)));
  });
}

/** `CONNECTIONS` loops sending requests for `seconds`; req/s and p50/p99. */
async function load(name: string, seconds: number, workers: number, send: (loop: number, round: number) => Promise<HttpAnswer>, perRequest = 1): Promise<Figure[]> {
  const durations: number[] = [];
  let failures = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async (_, loop) => {
    for (let round = 0; performance.now() < until; round++) {
      const begin = performance.now();
      const response = await send(loop, round);
      durations.push(performance.now() - begin);
      if (response.status >= 300) failures++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const sorted = durations.sort((a, b) => a - b);
  const rate = durations.length / elapsed;
  return [
    { benchmark: BENCHMARK, metric: `${name}: req/s (${CONNECTIONS} connections, ${workers} worker${workers === 1 ? '' : 's'})`, value: `${Math.round(rate).toLocaleString('en-US')}/s${perRequest > 1 ? ` = ${Math.round(rate * perRequest).toLocaleString('en-US')} resources/s` : ''}` },
    { benchmark: BENCHMARK, metric: `${name}: p50 / p99`, value: `${percentile(sorted, 0.5).toFixed(1)} / ${percentile(sorted, 0.99).toFixed(1)} ms` },
    ...(failures ? [{ benchmark: BENCHMARK, metric: `${name}: non-2xx answers`, value: String(failures) }] : []),
  ];
}

async function apiFigures(databaseUrl: string, seconds: number, workers: number, log: (line: string) => void): Promise<Figure[]> {
  const port = 39000 + Math.floor(Math.random() * 1000);
  const server = await startServer(databaseUrl, port, workers);
  const base = `http://127.0.0.1:${port}`;
  const client = httpClient(base, CONNECTIONS);
  try {
    const tokenResponse = await fetch(`${base}/oauth2/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET, scope: 'system/*.cruds' }),
    });
    const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
    const page = await client.json<{ entry?: Array<{ resource: { id: string; name?: Array<{ family?: string }> } }> }>('/fhir/R4/Patient?_count=500', headers);
    const patients = (page.entry ?? []).map((entry) => entry.resource);
    if (patients.length === 0) throw new Error('no patients to read; the import step loads them');
    const families = [...new Set(patients.map((patient) => patient.name?.[0]?.family).filter((family): family is string => !!family))];
    const metadata = await client.json<{ rest: Array<{ resource: Array<{ type: string; interaction: Array<{ code: string }> }> }> }>('/fhir/R4/metadata', headers);
    const canCreateObservation = metadata.rest[0]!.resource.some((resource) => resource.type === 'Observation' && resource.interaction.some((interaction) => interaction.code === 'create'));
    log(`API: ${patients.length} patients to read, ${families.length} family names; Observation create ${canCreateObservation ? 'served' : 'not served yet (Patient create instead)'}.`);
    const figures: Figure[] = [];
    figures.push(...await load('Patient read by id', seconds, workers, (loop, round) => client.get(`/fhir/R4/Patient/${patients[(loop * 7919 + round) % patients.length]!.id}`, headers)));
    figures.push(...await load('Patient search by name', seconds, workers, (loop, round) => client.get(`/fhir/R4/Patient?name=${encodeURIComponent(families[(loop * 31 + round) % families.length]!)}`, headers)));
    const observation = (patientId: string) => ({
      resourceType: 'Observation', status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
      subject: { reference: `Patient/${patientId}` }, effectiveDateTime: '2020-03-01T10:00:00Z',
      valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    });
    // New patients look like a clinic's: varied names and birth dates. (All on one birth date with
    // near-identical names, every registration's duplicate check would match all earlier ones.)
    const givenNames = ['Maria', 'James', 'Aisha', 'Wei', 'Olivia', 'Mateo', 'Grace', 'Noah', 'Fatima', 'Liam', 'Sofia', 'Ethan'];
    const familyNames = ['Okafor', 'Lindqvist', 'Haddad', 'Nakamura', 'Petrov', 'Alvarez', 'Osei', 'Brennan', 'Kowalski', 'Tanaka', 'Moreau', 'Singh'];
    const newPatient = (loop: number, round: number) => {
      const serial = loop * 100_003 + round;
      const born = new Date(Date.UTC(1940, 0, 1) + ((serial * 7_919) % 29_200) * 86_400_000).toISOString().slice(0, 10);
      return {
        resourceType: 'Patient', gender: serial % 2 ? 'female' : 'male', birthDate: born,
        name: [{ family: `${familyNames[serial % familyNames.length]}${String.fromCharCode(97 + (round % 26))}${loop}`, given: [givenNames[(serial * 5) % givenNames.length]!] }],
      };
    };
    figures.push(...await load('Patient create', seconds, workers, (loop, round) => client.post('/fhir/R4/Patient', headers, JSON.stringify(newPatient(loop, round)))));
    if (canCreateObservation) {
      figures.push(...await load('Observation create', seconds, workers, (loop, round) => client.post('/fhir/R4/Observation', headers, JSON.stringify(observation(patients[(loop + round) % patients.length]!.id)))));
    }
    figures.push(...await load(`Transaction Bundle, 100 entries (Patient + 99 ${canCreateObservation ? 'Observations' : 'Organizations'})`, seconds, workers, (loop, round) => {
      const patientUrn = `urn:uuid:${randomUUID()}`;
      const entries = [{ fullUrl: patientUrn, resource: newPatient(loop, round), request: { method: 'POST', url: 'Patient' } }];
      for (let index = 0; index < 99; index++) {
        entries.push(canCreateObservation
          ? { fullUrl: `urn:uuid:${randomUUID()}`, resource: { ...observation('x'), subject: { reference: patientUrn } } as never, request: { method: 'POST', url: 'Observation' } }
          : { fullUrl: `urn:uuid:${randomUUID()}`, resource: { resourceType: 'Organization', name: `Bench org ${loop}-${round}-${index}` } as never, request: { method: 'POST', url: 'Organization' } });
      }
      return client.post('/fhir/R4', headers, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: entries }));
    }, 100));
    return figures;
  } finally {
    client.close();
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

export async function benchFhir(options: { databaseUrl?: string; copies?: number; seconds?: number; workers?: number; log?: (line: string) => void } = {}): Promise<Figure[]> {
  const databaseUrl = options.databaseUrl ?? process.env.BENCH_DATABASE_URL?.replace(/medassist_bench$/, 'medassist_bench_fhir') ?? defaultFhirBenchUrl;
  const log = options.log ?? ((line: string) => console.log(line));
  const copies = options.copies ?? 40;
  const figures: Figure[] = [];
  figures.push(...await importRate('pglite', databaseUrl, Math.max(1, Math.round(copies / 4)), log));
  figures.push(...await importRate('postgres', databaseUrl, copies, log));
  if (!fs.existsSync('dist/server/main.js')) throw new Error('Run npm run build first: the API figures use the built server (dist/server/main.js).');
  figures.push(...await apiFigures(databaseUrl, options.seconds ?? 10, options.workers ?? 2, log));
  figures.push({ benchmark: BENCHMARK, metric: 'Medplum 5.0.10, same kind of machine (issue 5)', value: 'create 230/s, read 1,000/s, search 700/s, Obs create 235/s, tx 230 res/s' });
  return figures;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { copies: { type: 'string' }, seconds: { type: 'string' }, workers: { type: 'string' } } });
  printTable(await benchFhir({ copies: values.copies ? Number(values.copies) : undefined, seconds: values.seconds ? Number(values.seconds) : undefined, workers: values.workers ? Number(values.workers) : undefined }));
}
