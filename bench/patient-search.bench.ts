// Patient search on a large panel, PostgreSQL: builds (or reuses) the population, then times the
// same repository call the search API makes, per kind of search, and how often the patient the
// query was made from is among the results. Prints figures; asserts nothing.
//   npx tsx bench/patient-search.bench.ts [--patients 1000000] [--queries 300]
//   BENCH_DATABASE_URL=postgres://… (default: medassist_bench on the local server)
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase } from '../server/src/platform/db/database.js';
import { migrateToLatest } from '../server/src/platform/db/migrate.js';
import { seedDemoClinic } from '../server/src/demo/seed-demo-clinic.js';
import { generatePatients, misspell, seededRandom } from '../server/src/demo/population-generator.js';
import { findLikelyDuplicates, searchPatients } from '../server/src/front-desk/patients/patients.repository.js';
import { classifySearch, phoneDigits } from '../server/src/front-desk/patients/search-terms.js';
import { isMain, latencyFigures, printTable, type Figure } from './report.js';

const BENCHMARK = 'patient search';
export const defaultBenchUrl = 'postgres://medassist:medassist@127.0.0.1:5432/medassist_bench';

export interface PatientSearchOptions {
  databaseUrl?: string;
  patients?: number;
  queriesPerKind?: number;
  log?: (line: string) => void;
}

async function ensureDatabase(databaseUrl: string, recreate: boolean): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    if (recreate) await client.query(`drop database if exists ${quoted} with (force)`);
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database ${quoted}`);
  } finally {
    await client.end();
  }
}

interface Sample {
  id: string;
  mrn: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  mobilePhone: string;
  homePhone: string;
}

/** Builds the population when the database does not already hold exactly `patients`. */
async function preparePopulation(databaseUrl: string, patients: number, log: (line: string) => void): Promise<Figure[]> {
  await ensureDatabase(databaseUrl, false);
  let database = await openDatabase({ databaseUrl, poolSize: 6 });
  await migrateToLatest(database.db);
  const organization = await database.db.selectFrom('organizations').select('id').orderBy('createdAt').limit(1).executeTakeFirst();
  const existing = organization
    ? Number((await database.db.selectFrom('patients').select((eb) => eb.fn.countAll().as('count')).where('organizationId', '=', organization.id).executeTakeFirstOrThrow()).count)
    : 0;
  if (organization && existing === patients) {
    log(`Reusing ${patients.toLocaleString('en-US')} patients in ${new URL(databaseUrl).pathname.slice(1)}.`);
    await database.close();
    return [];
  }
  await database.close();
  await ensureDatabase(databaseUrl, true);
  database = await openDatabase({ databaseUrl, poolSize: 6 });
  try {
    await migrateToLatest(database.db);
    await seedDemoClinic(database.db, { patients: 0 });
    const { id } = await database.db.selectFrom('organizations').select('id').limit(1).executeTakeFirstOrThrow();
    const started = performance.now();
    let printed = 0;
    await generatePatients(database.db, id, patients, {
      concurrency: 4,
      onProgress: (done) => {
        if (performance.now() - printed < 5000 && done < patients) return;
        printed = performance.now();
        log(`  generated ${done.toLocaleString('en-US')} of ${patients.toLocaleString('en-US')} (${Math.round(done / ((performance.now() - started) / 1000))}/s)`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    return [
      { benchmark: 'population generator', metric: 'patients', value: patients.toLocaleString('en-US') },
      { benchmark: 'population generator', metric: 'rate (incl. analyze)', value: `${Math.round(patients / seconds).toLocaleString('en-US')} patients/s` },
      { benchmark: 'population generator', metric: 'total time', value: `${seconds.toFixed(1)} s` },
    ];
  } finally {
    await database.close();
  }
}

/** Runs the benchmark and returns its figures. */
export async function benchPatientSearch(options: PatientSearchOptions = {}): Promise<Figure[]> {
  const databaseUrl = options.databaseUrl ?? process.env.BENCH_DATABASE_URL ?? defaultBenchUrl;
  const patients = options.patients ?? 1_000_000;
  const queries = options.queriesPerKind ?? 300;
  const log = options.log ?? ((line: string) => console.error(line));
  const figures = await preparePopulation(databaseUrl, patients, log);

  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  try {
    const { db } = database;
    const { id: organizationId } = await db.selectFrom('organizations').select('id').orderBy('createdAt').limit(1).executeTakeFirstOrThrow();
    const samples: Sample[] = (
      await sql<Sample>`select id, mrn, given_name, family_name, date_of_birth, mobile_phone, home_phone from patients
        where organization_id = ${organizationId} and status = 'active' order by md5(id::text) limit ${queries}`.execute(db)
    ).rows;
    const random = seededRandom(7);
    const typo = (name: string) => misspell(random, name);
    const kinds: Array<{ label: string; query: (sample: Sample) => string | null }> = [
      { label: 'name, typo ("Given Famly")', query: (s) => `${s.givenName} ${typo(s.familyName)}` },
      { label: 'name, typos in both', query: (s) => `${typo(s.givenName)} ${typo(s.familyName)}` },
      { label: 'name, "Family, Given"', query: (s) => `${s.familyName}, ${s.givenName}` },
      { label: 'family name only, typo', query: (s) => typo(s.familyName) },
      { label: 'birth date (MM/DD/YYYY)', query: (s) => { const [y, m, d] = s.dateOfBirth.split('-'); return `${m}/${d}/${y}`; } },
      { label: 'phone', query: (s) => s.mobilePhone || s.homePhone || null },
      { label: 'MRN', query: (s) => s.mrn },
    ];
    for (let index = 0; index < 20; index++) {
      const sample = samples[index % samples.length]!;
      await searchPatients(db, organizationId, classifySearch(`${sample.givenName} ${sample.familyName}`), 20);
    }
    for (const kind of kinds) {
      const durations: number[] = [];
      let found = 0;
      let asked = 0;
      for (const sample of samples) {
        const text = kind.query(sample);
        if (!text) continue;
        asked++;
        const started = performance.now();
        const rows = await searchPatients(db, organizationId, classifySearch(text), 20);
        durations.push(performance.now() - started);
        if (rows.some((row) => row.id === sample.id)) found++;
      }
      figures.push(...latencyFigures(BENCHMARK, kind.label, durations));
      figures.push({ benchmark: BENCHMARK, metric: `${kind.label} found in top 20`, value: `${((100 * found) / Math.max(asked, 1)).toFixed(1)} %` });
    }
    const durations: number[] = [];
    let found = 0;
    for (const sample of samples) {
      const started = performance.now();
      const rows = await findLikelyDuplicates(db, organizationId, {
        givenName: sample.givenName,
        familyName: typo(sample.familyName),
        dateOfBirth: sample.dateOfBirth,
        phones: [],
      });
      durations.push(performance.now() - started);
      if (rows.some((row) => row.id === sample.id)) found++;
    }
    figures.push(...latencyFigures('duplicate check', 'same birth date, family typo', durations));
    figures.push({ benchmark: 'duplicate check', metric: 'same birth date, family typo: found', value: `${((100 * found) / samples.length).toFixed(1)} %` });
    const phoneDurations: number[] = [];
    for (const sample of samples) {
      const phone = phoneDigits(sample.mobilePhone || sample.homePhone);
      const started = performance.now();
      await findLikelyDuplicates(db, organizationId, { givenName: 'Alex', familyName: 'Newperson', dateOfBirth: '1990-01-01', phones: phone.length === 10 ? [phone] : [] });
      phoneDurations.push(performance.now() - started);
    }
    figures.push(...latencyFigures('duplicate check', 'new person, shared phone', phoneDurations));
    return figures;
  } finally {
    await database.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { patients: { type: 'string' }, queries: { type: 'string' } } });
  const figures = await benchPatientSearch({
    patients: values.patients ? Number(values.patients) : undefined,
    queriesPerKind: values.queries ? Number(values.queries) : undefined,
  });
  printTable(figures);
}
