// Open-slot search on PostgreSQL: 50 providers with Mon–Fri templates and ~70 % of their slots booked
// for the next 90 days, then times the call `GET /api/scheduling/open-slots` makes ("next open
// follow-up, this provider or any, after a date"). Prints figures; asserts nothing. Target p95 < 20 ms.
//   npx tsx bench/slot-search.bench.ts [--queries 300]
//   BENCH_SLOTS_DATABASE_URL=postgres://… (default: medassist_bench_slots on the local server, rebuilt each run)
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../server/src/platform/db/database.js';
import type { Database } from '../server/src/platform/db/schema.js';
import { migrateToLatest } from '../server/src/platform/db/migrate.js';
import { seedDemoClinic } from '../server/src/demo/seed-demo-clinic.js';
import { generatePatients, seededRandom } from '../server/src/demo/population-generator.js';
import { searchOpenSlots } from '../server/src/front-desk/scheduling/find-open-slots.js';
import { isMain, latencyFigures, printTable, type Figure } from './report.js';

const BENCHMARK = 'open-slot search';
export const defaultSlotBenchUrl = process.env.BENCH_SLOTS_DATABASE_URL ?? 'postgres://medassist:medassist@127.0.0.1:5432/medassist_bench_slots';
const PROVIDERS = 50;
const DAYS = 90;
const LOAD = 0.7;

export async function recreateDatabase(databaseUrl: string): Promise<void> {
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

export interface SlotBenchClinic {
  organizationId: string;
  locationId: string;
  timeZone: string;
  providerIds: string[];
  followUpId: string;
  patientIds: string[];
  frontDeskId: string;
  appointments: number;
}

/** The demo clinic plus 47 providers (50 in all) on the demo templates, booked to ~70 % for 90 days. */
export async function buildSlotBenchClinic(db: Kysely<Database>, log: (line: string) => void): Promise<SlotBenchClinic> {
  await migrateToLatest(db);
  await seedDemoClinic(db, { patients: 0 });
  const { id: organizationId } = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
  const location = await db.selectFrom('locations').select(['id', 'timeZone']).executeTakeFirstOrThrow();
  const template = await db.selectFrom('staffMembers').select(['passwordHash']).where('username', '=', 'dr.patel').executeTakeFirstOrThrow();
  await db.insertInto('staffMembers').values(Array.from({ length: PROVIDERS - 3 }, (_, index) => ({
    organizationId, username: `bench.provider${index + 1}`, displayName: `Bench Provider ${index + 1}`, credentials: 'MD', roles: ['provider' as const],
    passwordHash: template.passwordHash, totpSecret: null, lockedUntil: null, homeLocationId: location.id, npi: null,
  }))).execute();
  const providers = await db.selectFrom('staffMembers').select('id').where(sql<boolean>`'provider' = any(roles)`).orderBy('username').execute();
  const patelTemplates = await db.selectFrom('scheduleTemplates as t').innerJoin('staffMembers as s', 's.id', 't.providerId').selectAll('t').where('s.username', '=', 'dr.patel').execute();
  await db.deleteFrom('scheduleTemplates').execute();
  await db.insertInto('scheduleTemplates').values(providers.flatMap((provider) => patelTemplates.map(({ id: _id, version: _version, ...row }) => ({ ...row, providerId: provider.id })))).execute();
  const followUp = await db.selectFrom('appointmentTypes').select(['id', 'durationMinutes']).where('name', '=', 'Follow-up').executeTakeFirstOrThrow();
  const frontDesk = await db.selectFrom('staffMembers').select('id').where('username', '=', 'fd.jones').executeTakeFirstOrThrow();

  const patientCount = 6000;
  log(`Generating ${patientCount} patients…`);
  await generatePatients(db, organizationId, patientCount, { concurrency: 4 });
  const patientIds = (await db.selectFrom('patients').select('id').orderBy('id').execute()).map((row) => row.id);

  log(`Booking ~${Math.round(LOAD * 100)} % of ${PROVIDERS} providers' follow-up slots for ${DAYS} days…`);
  const random = seededRandom(7);
  const today = DateTime.now().setZone(location.timeZone).startOf('day');
  const rows = [];
  let next = 0;
  for (let day = 0; day < DAYS; day++) {
    const date = today.plus({ days: day });
    if (date.weekday > 5) continue;
    for (const provider of providers) {
      for (const block of [{ from: 8 * 60, to: 12 * 60 }, { from: 14 * 60, to: 17 * 60 }]) {
        for (let minute = block.from; minute + 20 <= block.to; minute += 20) {
          if (random() > LOAD) continue;
          const startsAt = date.plus({ minutes: minute });
          rows.push({
            organizationId, locationId: location.id, patientId: patientIds[next++ % patientIds.length]!, providerId: provider.id, appointmentTypeId: followUp.id,
            startsAt: startsAt.toJSDate(), endsAt: startsAt.plus({ minutes: 20 }).toJSDate(),
            roomId: null, overbookReason: null, telehealthJoinUrl: null, seriesId: null, rescheduledFromId: null, cancellationReason: null,
            cancellationNote: null, currentRoomId: null, medicalAssistantId: null, followUpOfId: null, bookedBy: null, bookedByClient: null,
          });
        }
      }
    }
  }
  for (let index = 0; index < rows.length; index += 2000) await db.insertInto('appointments').values(rows.slice(index, index + 2000)).execute();
  await sql`analyze`.execute(db);
  return {
    organizationId, locationId: location.id, timeZone: location.timeZone, providerIds: providers.map((provider) => provider.id),
    followUpId: followUp.id, patientIds, frontDeskId: frontDesk.id, appointments: rows.length,
  };
}

export async function benchSlotSearch(options: { databaseUrl?: string; queries?: number; log?: (line: string) => void } = {}): Promise<Figure[]> {
  const databaseUrl = options.databaseUrl ?? defaultSlotBenchUrl;
  const log = options.log ?? ((line: string) => console.error(line));
  const queries = options.queries ?? 300;
  await recreateDatabase(databaseUrl);
  const database = await openDatabase({ databaseUrl, poolSize: 4 });
  try {
    const clinic = await buildSlotBenchClinic(database.db, log);
    const random = seededRandom(11);
    const run = async (withProvider: boolean) => {
      const after = DateTime.now().plus({ days: Math.floor(random() * DAYS) }).toISO()!;
      const providerId = withProvider ? clinic.providerIds[Math.floor(random() * clinic.providerIds.length)] : undefined;
      const started = performance.now();
      const slots = await searchOpenSlots(database.db, clinic.organizationId, { locationId: clinic.locationId, appointmentTypeId: clinic.followUpId, providerId, after, limit: 20 });
      const elapsed = performance.now() - started;
      if (slots.length === 0) log('  (a search found no slot)');
      return elapsed;
    };
    for (let warm = 0; warm < 20; warm++) await run(warm % 2 === 0);
    const oneProvider: number[] = [];
    const anyProvider: number[] = [];
    for (let index = 0; index < queries; index++) {
      oneProvider.push(await run(true));
      anyProvider.push(await run(false));
    }
    return [
      { benchmark: BENCHMARK, metric: 'providers × days', value: `${PROVIDERS} × ${DAYS}` },
      { benchmark: BENCHMARK, metric: 'booked appointments', value: clinic.appointments.toLocaleString('en-US') },
      ...latencyFigures(BENCHMARK, 'this provider, next 20', oneProvider),
      ...latencyFigures(BENCHMARK, 'any provider, next 20', anyProvider),
      { benchmark: BENCHMARK, metric: 'machine load average (1 min)', value: os.loadavg()[0]!.toFixed(1) },
    ];
  } finally {
    await database.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { queries: { type: 'string' } } });
  printTable(await benchSlotSearch({ queries: values.queries ? Number(values.queries) : undefined }));
}
