// Opening a patient's chart summary with ten years of history on PostgreSQL: one patient with 200
// encounters and 2,000 vital-sign observations (plus medications, problems, allergies and
// immunizations), among 300 other patients with their own histories (~60,000 more observations).
// Times `GET /api/patients/:patientId/chart-summary` through the real app in-process (app.inject:
// routing, policy, session, SQL, audit row and response serialisation — the server's time, no
// network). Prints p50/p95/p99; asserts nothing. Target p95 < 50 ms.
//   npx tsx bench/chart-summary.ts [--requests 500]
// BENCH_CHART_DATABASE_URL names the database (default medassist_bench_chart); it is dropped and recreated.
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/platform/db/database.js';
import type { Database } from '../server/src/platform/db/schema.js';
import { migrateToLatest } from '../server/src/platform/db/migrate.js';
import { DEMO_PASSWORD, seedDemoClinic } from '../server/src/demo/seed-demo-clinic.js';
import { seededRandom } from '../server/src/demo/population-generator.js';
import { readChartSummary } from '../server/src/exam-room/encounters/chart-summary.js';
import { recreateDatabase } from './slot-search.bench.js';
import { isMain, latencyFigures, printTable, type Figure } from './report.js';

const BENCHMARK = 'chart summary (10 years)';
const defaultUrl = process.env.BENCH_CHART_DATABASE_URL ?? 'postgres://medassist:medassist@127.0.0.1:5432/medassist_bench_chart';
const YEARS = 10;
const DAY = 86_400_000;

/** One visit's vitals: ten readings, as the vitals area stores them (canonical UCUM units, BP as one panel). */
function visitVitals(random: () => number, index: number) {
  const systolic = 118 + Math.round(random() * 40);
  const diastolic = 70 + Math.round(random() * 20);
  const weight = 82 + Math.round((random() * 6 - 3 + index / 40) * 10) / 10;
  const reading = (code: string, display: string, value: number | null, unit: string | null, components: unknown[] = []) => ({ code, display, value, unit, components });
  return [
    reading('85354-9', 'Blood pressure panel', null, null, [
      { code: '8480-6', display: 'Systolic blood pressure', value: systolic, unit: 'mm[Hg]', interpretation: systolic >= 130 ? 'H' : 'N' },
      { code: '8462-4', display: 'Diastolic blood pressure', value: diastolic, unit: 'mm[Hg]', interpretation: diastolic >= 80 ? 'H' : 'N' },
    ]),
    reading('8867-4', 'Heart rate', 60 + Math.round(random() * 30), '/min'),
    reading('9279-1', 'Respiratory rate', 14 + Math.round(random() * 4), '/min'),
    reading('8310-5', 'Body temperature', 36.6 + Math.round(random() * 8) / 10, 'Cel'),
    reading('59408-5', 'Oxygen saturation', 95 + Math.round(random() * 4), '%'),
    reading('8302-2', 'Body height', 175.3, 'cm'),
    reading('29463-7', 'Body weight', weight, 'kg'),
    reading('39156-5', 'Body mass index', Math.round((weight / 1.753 ** 2) * 10) / 10, 'kg/m2'),
    reading('72514-3', 'Pain severity', Math.round(random() * 4), '{score}'),
    // the repeat after rest that an elevated first reading prompts
    reading('85354-9', 'Blood pressure panel', null, null, [
      { code: '8480-6', display: 'Systolic blood pressure', value: systolic - 6, unit: 'mm[Hg]', interpretation: systolic - 6 >= 130 ? 'H' : 'N' },
      { code: '8462-4', display: 'Diastolic blood pressure', value: diastolic - 3, unit: 'mm[Hg]', interpretation: diastolic - 3 >= 80 ? 'H' : 'N' },
    ]),
  ];
}

/** A patient's history: `encounters` visits spread over ten years, each with its vitals; lists for the longest chart. */
async function addHistory(db: Kysely<Database>, organizationId: string, patientId: string, encounters: number, random: () => number, withLists: boolean): Promise<number> {
  const now = Date.now();
  const encounterRows = Array.from({ length: encounters }, (_, index) => {
    const startedAt = new Date(now - YEARS * 365 * DAY + Math.round(((index + 0.5) / encounters) * YEARS * 365) * DAY);
    return {
      organizationId, patientId, locationId: null, appointmentId: null, providerId: null,
      visitType: index % 4 === 0 ? 'annual-physical' : 'diabetic-follow-up', status: 'finished' as const,
      chiefComplaint: 'follow-up', reasonForVisit: 'Diabetes check', startedAt, endedAt: new Date(startedAt.getTime() + 1_800_000),
      roomedBy: null, roomedAt: startedAt, readyForProviderBy: null, readyForProviderAt: null, summarySignedOffBy: null, summarySignedOffAt: null, updatedAt: startedAt,
    };
  });
  const inserted = await db.insertInto('encounters').values(encounterRows).returning(['id', 'startedAt']).execute();
  const observations = inserted.flatMap((encounter, index) =>
    visitVitals(random, index).map((reading, _position, visit) => ({
      organizationId, patientId, encounterId: encounter.id, vitalsSetId: null, orthostaticSetId: null,
      code: reading.code, codeDisplay: reading.display, value: reading.value, unit: reading.unit,
      enteredValue: null, enteredUnit: null, components: JSON.stringify(reading.components), interpretation: 'N' as const, interpretationMessage: null,
      details: '{}', repeatOfId: null, effectiveAt: new Date(new Date(encounter.startedAt).getTime() + (reading === visit.at(-1) ? 300_000 : 0)), recordedBy: null, recordedByClient: null, replacedById: null,
      correctionOfId: null, correctionReason: null, interpretationSetBy: null, interpretationReason: null,
    })));
  for (let index = 0; index < observations.length; index += 2000) await db.insertInto('observations').values(observations.slice(index, index + 2000)).execute();
  if (withLists) {
    await db.insertInto('medications').values(Array.from({ length: 40 }, (_, index) => ({
      organizationId, patientId, name: `Medication ${index + 1}`, rxnormCode: String(860975 + index), dose: `${5 * (index + 1)} mg`, status: index < 12 ? ('active' as const) : ('stopped' as const),
      reconciliation: null, reconciliationNote: null, reconciledBy: null, reconciledAt: null, startedOn: null, prescriberId: null, recordedBy: null,
    }))).execute();
    await db.insertInto('problems').values(Array.from({ length: 25 }, (_, index) => ({
      organizationId, patientId, encounterId: null, description: `Problem ${index + 1}`, codeSystem: 'http://hl7.org/fhir/sid/icd-10-cm', code: `E11.${index}`,
      verification: index % 3 === 0 ? ('patient-reported' as const) : ('confirmed' as const), clinicalStatus: index < 10 ? ('active' as const) : ('resolved' as const),
      onset: null, abatement: null, reportedBy: null, confirmedBy: null, confirmedAt: new Date(),
    }))).execute();
    await db.insertInto('allergies').values(['Penicillin', 'Sulfa', 'Peanut', 'Latex', 'Codeine'].map((substance) => ({
      organizationId, patientId, substanceText: substance, substanceSystem: null, substanceCode: null, category: 'medication' as const, reaction: 'Hives',
      severity: 'moderate' as const, criticality: null, onset: null, recordedBy: null,
    }))).execute();
    await db.insertInto('immunizations').values(Array.from({ length: 30 }, (_, index) => ({
      organizationId, patientId, encounterId: null, cvxCode: index % 2 ? '140' : '115', vaccineName: index % 2 ? 'Influenza' : 'Tdap', occurred: `${2016 + (index % 10)}-10-01`,
      informationSource: null, lotNumber: null, manufacturerMvx: null, expirationDate: null, site: null, route: null, doseQuantity: null, administeredBy: null, recordedBy: null,
    }))).execute();
  }
  return observations.length;
}

export async function benchChartSummary(options: { databaseUrl?: string; requests?: number; log?: (line: string) => void } = {}): Promise<Figure[]> {
  const databaseUrl = options.databaseUrl ?? defaultUrl;
  const log = options.log ?? ((line: string) => console.error(line));
  const requests = options.requests ?? 500;
  await recreateDatabase(databaseUrl);
  const database = await openDatabase({ databaseUrl });
  await migrateToLatest(database.db);
  log('Seeding the demo clinic with 300 patients and their histories…');
  await seedDemoClinic(database.db, { patients: 300 });
  const db = database.db;
  const { id: organizationId } = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
  const patients = await db.selectFrom('patients').select('id').where('isRestricted', '=', false).orderBy('id').execute();
  const random = seededRandom(3);
  const subject = patients[0]!.id;
  const subjectObservations = await addHistory(db, organizationId, subject, 200, random, true);
  let others = 0;
  for (const patient of patients.slice(1)) others += await addHistory(db, organizationId, patient.id, 20, random, false);
  await sql`analyze`.execute(db);
  log(`History: 200 encounters and ${subjectObservations} observations for the patient; ${others} observations for ${patients.length - 1} others.`);

  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database });
  try {
    const signIn = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'ma.lopez', password: DEMO_PASSWORD } });
    const cookie = signIn.cookies.find((entry) => entry.name === 'medassist_session');
    if (signIn.statusCode !== 200 || !cookie) throw new Error(`sign-in failed: ${signIn.statusCode}`);
    const open = () => app.inject({ method: 'GET', url: `/api/patients/${subject}/chart-summary`, headers: { cookie: `medassist_session=${cookie.value}` } });
    const first = await open();
    if (first.statusCode !== 200) throw new Error(`chart summary answered ${first.statusCode}`);
    const body = first.json() as { latestVitals: unknown[]; recentEncounters: unknown[]; encounterCount: number; medications: unknown[]; problems: unknown[] };
    log(`Chart summary: ${body.latestVitals.length} latest vitals, ${body.problems.length} problems, ${body.medications.length} medications, ${body.recentEncounters.length} of ${body.encounterCount} encounters.`);
    for (let index = 0; index < 30; index++) await open();
    const durations: number[] = [];
    for (let index = 0; index < requests; index++) {
      const started = performance.now();
      const response = await open();
      durations.push(performance.now() - started);
      if (response.statusCode !== 200) throw new Error(`chart summary answered ${response.statusCode}`);
    }
    // for scale: the same session check and routing with no chart behind it, and the use case alone (its SQL and audit row)
    const baseline: number[] = [];
    for (let index = 0; index < requests; index++) {
      const started = performance.now();
      await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: `medassist_session=${cookie.value}` } });
      baseline.push(performance.now() - started);
    }
    const staff = await db.selectFrom('staffMembers').select(['id', 'displayName', 'roles']).where('username', '=', 'ma.lopez').executeTakeFirstOrThrow();
    const context = {
      actor: { kind: 'staff' as const, id: staff.id, name: staff.displayName, organizationId, roles: staff.roles },
      organizationId, staffMemberId: staff.id, clientAddress: '127.0.0.1', requestId: 'bench',
    };
    const useCase: number[] = [];
    for (let index = 0; index < requests; index++) {
      const started = performance.now();
      await readChartSummary(db, context as never, subject);
      useCase.push(performance.now() - started);
    }
    return [
      { benchmark: BENCHMARK, metric: 'history', value: `200 encounters, ${subjectObservations} observations` },
      { benchmark: BENCHMARK, metric: 'requests (sequential, in-process)', value: String(requests) },
      ...latencyFigures(BENCHMARK, 'GET chart-summary', durations),
      ...latencyFigures(BENCHMARK, 'readChartSummary (SQL + audit only)', useCase, [0.5, 0.95]),
      ...latencyFigures(BENCHMARK, 'GET /api/session (auth baseline)', baseline, [0.5, 0.95]),
    ];
  } finally {
    await app.close();
    await database.close().catch(() => {});
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { requests: { type: 'string' } } });
  printTable(await benchChartSummary({ requests: values.requests ? Number(values.requests) : undefined }));
}
