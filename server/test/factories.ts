import type { Kysely } from 'kysely';
import type { RegisterPatientRequest } from '../../contracts/front-desk/patient.contract.js';
import type { Database } from '../src/platform/db/schema.js';
import type { StaffRole } from '../src/platform/db/platform.table.js';
import { hashPassword } from '../src/platform/auth/secrets.js';

export const TEST_PASSWORD = 'correct-horse-battery-staple';
let passwordHash: Promise<string> | undefined;
let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * A time zone where it is now around midday. Tests that place visits minutes before or after "now"
 * and expect them on today's schedule give their location this zone, so they do not fail when the
 * suite happens to run near the clinic's local midnight.
 */
export function zoneAtMidday(now = new Date()): string {
  const zones = ['Pacific/Honolulu', 'America/Chicago', 'America/Sao_Paulo', 'Europe/London', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Tokyo', 'Pacific/Auckland'];
  const hourIn = (zone: string) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(now);
    return Number(parts.find((part) => part.type === 'hour')!.value) + Number(parts.find((part) => part.type === 'minute')!.value) / 60;
  };
  return zones.reduce((best, zone) => (Math.abs(hourIn(zone) - 12) < Math.abs(hourIn(best) - 12) ? zone : best));
}

/** A new organization with its settings row, one location and two exam rooms. */
export async function makeOrganization(db: Kysely<Database>, name = 'Test Clinic'): Promise<{ organizationId: string; locationId: string }> {
  const organization = await db.insertInto('organizations').values({ name }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('organizationSettings').values({ organizationId: organization.id }).execute();
  const location = await db
    .insertInto('locations')
    .values({ organizationId: organization.id, name: `${name} Main`, timeZone: 'America/Chicago', openingHours: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('examRooms').values([1, 2].map((n) => ({ organizationId: organization.id, locationId: location.id, name: `Exam ${n}` }))).execute();
  return { organizationId: organization.id, locationId: location.id };
}

/** A staff member with the given roles and the shared test password; returns the username to sign in with. */
export async function makeStaffMember(db: Kysely<Database>, organizationId: string, roles: StaffRole[], overrides: { username?: string; displayName?: string } = {}) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const username = overrides.username ?? `${roles[0]}-${unique()}`.toLowerCase().slice(0, 60);
  const row = await db
    .insertInto('staffMembers')
    .values({
      organizationId, username, displayName: overrides.displayName ?? `Test ${roles.join('/')}`, roles, passwordHash: await passwordHash,
      totpSecret: null, lockedUntil: null, homeLocationId: null, npi: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, username };
}

/** Registration fields for a patient; pass overrides for what the test is about. */
export function patientFields(overrides: Partial<RegisterPatientRequest> = {}): RegisterPatientRequest {
  return {
    givenName: 'Alice',
    familyName: `Adams${unique().replace(/[^a-z]/g, '')}`,
    dateOfBirth: '1980-04-12',
    sexAtBirth: 'female',
    mobilePhone: `217-555-${String(1000 + (counter++ % 9000)).padStart(4, '0')}`,
    ...overrides,
  };
}
