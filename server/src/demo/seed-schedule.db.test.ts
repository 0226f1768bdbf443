import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/test-database.js';
import { searchOpenSlots } from '../front-desk/scheduling/find-open-slots.js';
import { seedDemoClinic } from './seed-demo-clinic.js';
import { seedSchedule } from './seed-schedule.js';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const count = async (table: 'appointmentTypes' | 'scheduleTemplates' | 'appointments') =>
  Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('the demo schedule', () => {
  it('gives the demo clinic types, Mon–Fri templates for each provider and today’s and tomorrow’s appointments, once', async () => {
    await seedDemoClinic(database.db, { patients: 40 });
    expect(await count('appointmentTypes')).toBe(6);
    expect(await count('scheduleTemplates')).toBe(3 * 5 * 3);
    expect(await count('appointments')).toBe(36);
    const { id: organizationId } = await database.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    await seedSchedule(database.db, organizationId);
    await seedDemoClinic(database.db, { patients: 40 });
    expect(await count('appointments')).toBe(36);
    const location = await database.db.selectFrom('locations').select('id').executeTakeFirstOrThrow();
    const followUp = await database.db.selectFrom('appointmentTypes').select('id').where('name', '=', 'Follow-up').executeTakeFirstOrThrow();
    const slots = await searchOpenSlots(database.db, organizationId, { locationId: location.id, appointmentTypeId: followUp.id, limit: 5 });
    expect(slots).toHaveLength(5);
    expect(slots[0]!.providerName).toMatch(/, (MD|DO|FNP-C)$/);
  });
});
