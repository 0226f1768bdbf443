import type { Kysely } from 'kysely';
import type { RegisterPatientRequest } from '../../contracts/front-desk/patient.contract.js';
import type { Database } from '../src/platform/db/schema.js';
import type { StaffRole } from '../src/platform/db/platform.table.js';
import { hashPassword } from '../src/platform/auth/secrets.js';

export const TEST_PASSWORD = 'correct-horse-battery-staple';
let passwordHash: Promise<string> | undefined;
let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

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
