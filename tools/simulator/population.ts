// Builds the simulated population in-process, before any server starts (a PGlite folder belongs to
// one process): C clinics, each its own organization with one location, exam rooms, P providers,
// P MAs, front desk, and a patient panel made by the demo generator; schedule templates, rooming
// checklists and message templates as the demo clinic has them.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../server/src/platform/db/schema.js';
import { hashPassword } from '../../server/src/platform/auth/secrets.js';
import { generatePatients } from '../../server/src/demo/population-generator.js';
import { seedSchedule } from '../../server/src/demo/seed-schedule.js';
import { ensureDefaultMessageTemplates } from '../../server/src/front-desk/reminders/index.js';
import { ensureDefaultAfterVisitTemplates } from '../../server/src/exam-room/index.js';
import { ensureDefaultRoomingChecklists } from '../../server/src/exam-room/encounters/index.js';

export const SIM_PASSWORD = 'Simulated-clinic-2026';

export interface StaffRef { id: string; username: string }
export interface PatientRef { id: string; isAdult: boolean }
export interface Clinic {
  index: number;
  organizationId: string;
  locationId: string;
  timeZone: string;
  roomIds: string[];
  providers: StaffRef[];
  medicalAssistants: StaffRef[];
  frontDesk: StaffRef[];
  patients: PatientRef[];
  appointmentTypes: Record<string, string>;
}

export interface PopulationOptions { clinics: number; providers: number; patientsPerClinic: number; seed: number }

/** Creates (once per database) the clinics; returns what the virtual users need to know. */
export async function buildPopulation(db: Kysely<Database>, options: PopulationOptions, log: (line: string) => void): Promise<Clinic[]> {
  const passwordHash = await hashPassword(SIM_PASSWORD);
  const clinics: Clinic[] = [];
  const run = Date.now().toString(36);
  for (let index = 0; index < options.clinics; index++) {
    const prefix = `sim${run}c${index}`;
    const organizationId = await db.transaction().execute(async (trx) => {
      const organization = await trx.insertInto('organizations').values({ name: `Simulated Clinic ${index + 1}` }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('organizationSettings').values({ organizationId: organization.id }).execute();
      const location = await trx
        .insertInto('locations')
        .values({
          organizationId: organization.id, name: `Simulated Clinic ${index + 1}`, addressLine1: `${100 + index} Main Street`, city: 'Springfield', state: 'IL',
          postalCode: '62704', phone: '217-555-0100', timeZone: 'America/Chicago',
          openingHours: JSON.stringify([1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '08:00', closes: '17:00' }))),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('examRooms')
        .values(Array.from({ length: options.providers * 2 }, (_, room) => ({ organizationId: organization.id, locationId: location.id, name: `Exam ${room + 1}`, displayOrder: room + 1 })))
        .execute();
      const staff = [
        ...Array.from({ length: options.providers }, (_, n) => ({ username: `${prefix}.dr${n}`, roles: ['provider' as const], credentials: 'MD' })),
        ...Array.from({ length: options.providers }, (_, n) => ({ username: `${prefix}.ma${n}`, roles: ['medical-assistant' as const], credentials: 'CMA' })),
        ...Array.from({ length: Math.max(2, Math.ceil(options.providers / 2)) }, (_, n) => ({ username: `${prefix}.fd${n}`, roles: ['front-desk' as const], credentials: '' })),
      ];
      await trx
        .insertInto('staffMembers')
        .values(staff.map((member) => ({
          organizationId: organization.id, username: member.username, displayName: member.username, credentials: member.credentials, roles: member.roles,
          passwordHash, npi: null, totpSecret: null, lockedUntil: null, homeLocationId: location.id,
        })))
        .execute();
      return organization.id;
    });
    await generatePatients(db, organizationId, options.patientsPerClinic, { seed: options.seed + index });
    await seedSchedule(db, organizationId);
    await ensureDefaultMessageTemplates(db, organizationId);
    await ensureDefaultRoomingChecklists(db, organizationId);
    await ensureDefaultAfterVisitTemplates(db, organizationId);
    clinics.push(await describeClinic(db, organizationId, index));
    if ((index + 1) % 10 === 0 || index + 1 === options.clinics) log(`  population: ${index + 1}/${options.clinics} clinics`);
  }
  return clinics;
}

async function describeClinic(db: Kysely<Database>, organizationId: string, index: number): Promise<Clinic> {
  const location = await db.selectFrom('locations').select(['id', 'timeZone']).where('organizationId', '=', organizationId).executeTakeFirstOrThrow();
  const rooms = await db.selectFrom('examRooms').select('id').where('organizationId', '=', organizationId).orderBy('displayOrder').execute();
  const staff = await db.selectFrom('staffMembers').select(['id', 'username', 'roles']).where('organizationId', '=', organizationId).orderBy('username').execute();
  const patients = await db
    .selectFrom('patients')
    .select(['id', sql<boolean>`date_of_birth < current_date - interval '18 years'`.as('isAdult')])
    .where('organizationId', '=', organizationId)
    .where('isRestricted', '=', false)
    .where('status', '=', 'active')
    .execute();
  // the demo schedule booked today's and tomorrow's first patients; the simulated day uses the rest
  const booked = new Set((await db.selectFrom('appointments').select('patientId').where('organizationId', '=', organizationId).execute()).map((row) => row.patientId));
  const types = await db.selectFrom('appointmentTypes').select(['id', 'name']).where('organizationId', '=', organizationId).execute();
  const byRole = (role: string) => staff.filter((member) => member.roles.includes(role as never)).map(({ id, username }) => ({ id, username }));
  return {
    index,
    organizationId,
    locationId: location.id,
    timeZone: location.timeZone,
    roomIds: rooms.map((room) => room.id),
    providers: byRole('provider'),
    medicalAssistants: byRole('medical-assistant'),
    frontDesk: byRole('front-desk'),
    patients: patients.filter((patient) => !booked.has(patient.id)).map((patient) => ({ id: patient.id, isAdult: Boolean(patient.isAdult) })),
    appointmentTypes: Object.fromEntries(types.map((type) => [type.name, type.id])),
  };
}
