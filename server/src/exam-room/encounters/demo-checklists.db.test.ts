import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.js';
import { seedDemoClinic } from '../../demo/seed-demo-clinic.js';
import { defaultChecklistRows } from './visit-types.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('the demo clinic', () => {
  it('starts with the default rooming checklist of every visit type, extras switched off', async () => {
    expect((await seedDemoClinic(t.db, { patients: 0 })).created).toBe(true);
    const { id: organizationId } = await t.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    const rows = await t.db.selectFrom('roomingChecklistItems').select(['visitType', 'itemKey', 'isActive', 'isSpecialtyExtra']).where('organizationId', '=', organizationId).execute();
    const expected = defaultChecklistRows(organizationId);
    expect(rows).toHaveLength(expected.length);
    expect(rows.find((row) => row.visitType === 'prenatal' && row.itemKey === 'fundal-height')).toMatchObject({ isActive: false, isSpecialtyExtra: true });
    expect(rows.find((row) => row.visitType === 'annual-physical' && row.itemKey === 'phq-2')).toMatchObject({ isActive: true, isSpecialtyExtra: false });
  });
});
