import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { StaffRole } from '../platform/db/platform.table.js';
import { hashPassword } from '../platform/auth/secrets.js';
import { generatePatients } from './population-generator.js';
import { takeNextMrn } from '../front-desk/patients/patients.repository.js';
import { seedSchedule } from './seed-schedule.js';
import { ensureDefaultMessageTemplates } from '../front-desk/reminders/index.js';
import { ensureDefaultAfterVisitTemplates } from '../exam-room/index.js';
import { ensureDefaultRoomingChecklists } from '../exam-room/encounters/index.js';

export const DEMO_PASSWORD = 'Medassist-demo-2026';
export const DEMO_CLIENT_ID = 'medassist-demo-integration';
export const DEMO_CLIENT_SECRET = 'demo-secret-7f3a9c51e2b84d06';

export const demoStaff: ReadonlyArray<{ username: string; displayName: string; credentials: string; roles: StaffRole[]; npi?: string }> = [
  { username: 'dr.patel', displayName: 'Anita Patel', credentials: 'MD', roles: ['provider'], npi: '1234567893' },
  { username: 'dr.nguyen', displayName: 'Thomas Nguyen', credentials: 'DO', roles: ['provider'], npi: '1245319599' },
  { username: 'np.garcia', displayName: 'Lucia Garcia', credentials: 'FNP-C', roles: ['provider'], npi: '1679576722' },
  { username: 'ma.lopez', displayName: 'Maria Lopez', credentials: 'CMA', roles: ['medical-assistant'] },
  { username: 'ma.kim', displayName: 'Daniel Kim', credentials: 'RMA', roles: ['medical-assistant'] },
  { username: 'ma.brown', displayName: 'Keisha Brown', credentials: 'CCMA', roles: ['medical-assistant'] },
  { username: 'fd.jones', displayName: 'Emily Jones', credentials: '', roles: ['front-desk'] },
  { username: 'fd.rivera', displayName: 'Carlos Rivera', credentials: '', roles: ['front-desk'] },
  { username: 'billing.chen', displayName: 'Grace Chen', credentials: 'CPC', roles: ['biller'] },
  { username: 'manager.wilson', displayName: 'Robert Wilson', credentials: '', roles: ['manager'] },
  { username: 'admin', displayName: 'Clinic Administrator', credentials: '', roles: ['admin'] },
];

/** Creates the demo clinic (once): one organization, one location with six exam rooms, staff, an integration client and a patient panel. */
export async function seedDemoClinic(db: Kysely<Database>, options: { patients: number; onProgress?: (done: number) => void }): Promise<{ created: boolean }> {
  const existing = await db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
  if (existing) return { created: false };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const clientSecretHash = await hashPassword(DEMO_CLIENT_SECRET);
  const organizationId = await db.transaction().execute(async (trx) => {
    const organization = await trx.insertInto('organizations').values({ name: 'Maple Street Family Medicine' }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('organizationSettings').values({ organizationId: organization.id }).execute();
    const location = await trx
      .insertInto('locations')
      .values({
        organizationId: organization.id,
        name: 'Maple Street Clinic',
        addressLine1: '1200 Maple Street',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62704',
        phone: '217-555-0140',
        timeZone: 'America/Chicago',
        openingHours: JSON.stringify([1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '08:00', closes: '17:00' }))),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('examRooms')
      .values(Array.from({ length: 6 }, (_, index) => ({ organizationId: organization.id, locationId: location.id, name: `Exam ${index + 1}`, displayOrder: index + 1 })))
      .execute();
    await trx
      .insertInto('staffMembers')
      .values(demoStaff.map((member) => ({
        organizationId: organization.id, username: member.username, displayName: member.displayName, credentials: member.credentials,
        roles: member.roles, passwordHash, npi: member.npi ?? null, totpSecret: null, lockedUntil: null, homeLocationId: location.id,
      })))
      .execute();
    await trx
      .insertInto('oauthClients')
      .values({
        organizationId: organization.id, clientId: DEMO_CLIENT_ID, secretHash: clientSecretHash, name: 'Demo integration client',
        roles: ['integration'], allowedScopes: ['system/*.read', 'system/*.write', 'system/*.cruds'],
      })
      .execute();
    return organization.id;
  });
  if (options.patients > 0) await generatePatients(db, organizationId, options.patients, { onProgress: options.onProgress });
  await addStaffMembersOwnChart(db, organizationId);
  await seedSchedule(db, organizationId);
  await ensureDefaultMessageTemplates(db, organizationId);
  await ensureDefaultRoomingChecklists(db, organizationId);
  await ensureDefaultAfterVisitTemplates(db, organizationId);
  return { created: true };
}

/** One MA is also a patient here: her chart is restricted, so opening it needs break-the-glass. */
async function addStaffMembersOwnChart(db: Kysely<Database>, organizationId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const staffMember = await trx.selectFrom('staffMembers').select('id').where('username', '=', 'ma.brown').executeTakeFirstOrThrow();
    await trx
      .insertInto('patients')
      .values({
        organizationId, mrn: await takeNextMrn(trx, organizationId), givenName: 'Keisha', familyName: 'Brown', dateOfBirth: '1988-07-19',
        sexAtBirth: 'female', mobilePhone: '217-555-0163', city: 'Springfield', state: 'IL', isRestricted: true,
        restrictedStaffMemberId: staffMember.id, mergedIntoPatientId: null, createdBy: null, emergencyContact: null, guarantor: null,
        privacyNoticeAcknowledgedAt: new Date(),
      })
      .execute();
  });
}
