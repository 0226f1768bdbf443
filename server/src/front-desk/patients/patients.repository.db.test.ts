import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Insertable } from 'kysely';
import { openTestDatabase } from '../../../test/test-database.js';
import { makeOrganization } from '../../../test/factories.js';
import type { DatabaseHandle } from '../../platform/db/database.js';
import { generatePatients } from '../../demo/population-generator.js';
import { sql } from 'kysely';
import { findLikelyDuplicates, reserveMrns, searchPatients, takeNextMrn } from './patients.repository.js';
import { classifySearch } from './search-terms.js';
import type { PatientsTable } from './patients.table.js';

let database: DatabaseHandle;
let organizationId: string;
let otherOrganizationId: string;
const ids: Record<string, string> = {};

async function addPatient(organization: string, mrn: string, patient: Partial<Insertable<PatientsTable>>) {
  const row = await database.db
    .insertInto('patients')
    .values({ organizationId: organization, mrn, givenName: 'Test', familyName: 'Patient', dateOfBirth: '1980-01-01', sexAtBirth: 'unknown', privacyNoticeAcknowledgedAt: null, restrictedStaffMemberId: null, mergedIntoPatientId: null, createdBy: null, emergencyContact: null, guarantor: null, ...patient })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const search = async (typed: string) => (await searchPatients(database.db, organizationId, classifySearch(typed), 20)).map((row) => row.id);

beforeAll(async () => {
  database = await openTestDatabase();
  organizationId = (await makeOrganization(database.db, 'Search Clinic')).organizationId;
  otherOrganizationId = (await makeOrganization(database.db, 'Other Clinic')).organizationId;
  await generatePatients(database.db, organizationId, 1500, { seed: 5 });
  ids.john = await addPatient(organizationId, 'S1', { givenName: 'John', familyName: 'Smith', dateOfBirth: '1984-03-07', mobilePhone: '(217) 555-0199' });
  ids.katherine = await addPatient(organizationId, 'S2', { givenName: 'Katherine', familyName: 'Johnson', dateOfBirth: '1990-12-31' });
  ids.siobhan = await addPatient(organizationId, 'S3', { givenName: 'Siobhan', familyName: "O'Neill", dateOfBirth: '1975-06-15' });
  const survivor = await addPatient(organizationId, 'S4', { givenName: 'Zebulon', familyName: 'Quintanilla', dateOfBirth: '1960-02-02' });
  ids.merged = await addPatient(organizationId, 'S5', { givenName: 'Zebulon', familyName: 'Quintanila', dateOfBirth: '1960-02-02', status: 'merged', mergedIntoPatientId: survivor });
  ids.elsewhere = await addPatient(otherOrganizationId, 'S1', { givenName: 'Zebulon', familyName: 'Quintanilla', dateOfBirth: '1960-02-02' });
  ids.survivor = survivor;
});

afterAll(async () => {
  await database.close();
});

describe('searchPatients by name', () => {
  it.each(['John Smith', 'Jonh Smiht', 'Smith, John', 'smith,jonh', 'Smith John', 'JOHN SMITH', 'John Smth', 'Jhon Smitth'])('finds John Smith from %j', async (typed) => {
    expect(await search(typed)).toContain(ids.john);
  });

  it.each(['Katherine Jonson', 'Catherine Johnson', 'Kathrine Johnsen'])('finds Katherine Johnson from the sound-alike %j', async (typed) => {
    expect(await search(typed)).toContain(ids.katherine);
  });

  it('finds a family name typed with its letters swapped or an apostrophe left out', async () => {
    expect(await search('Siobhan Oneill')).toContain(ids.siobhan);
    expect(await search('Quintanlila')).toContain(ids.survivor);
    expect(await search('Zebulon Qiuntanilla')).toContain(ids.survivor);
  });

  it('ranks the exact spelling first', async () => {
    const rows = await searchPatients(database.db, organizationId, classifySearch('Zebulon Quintanilla'), 20);
    expect(rows[0]!.id).toBe(ids.survivor);
    expect(rows[0]!.rank).toBeGreaterThan(rows.at(-1)!.rank - 0.0001);
  });

  it('leaves out merged records and other organizations’ patients', async () => {
    const found = await search('Zebulon Quintanila');
    expect(found).toContain(ids.survivor);
    expect(found).not.toContain(ids.merged);
    expect(found).not.toContain(ids.elsewhere);
  });
});

describe('searchPatients by birth date, phone and MRN', () => {
  it('finds by birth date in several formats', async () => {
    for (const typed of ['03/07/1984', '3/7/84', '1984-03-07', 'Mar 7 1984']) expect(await search(typed)).toContain(ids.john);
  });

  it('finds by any way of writing the phone number', async () => {
    for (const typed of ['217-555-0199', '(217) 555 0199', '+1 217 555 0199']) expect(await search(typed)).toContain(ids.john);
  });

  it('finds by MRN', async () => {
    expect(await search('MRN S1')).toEqual([ids.john]);
    expect(await search('1000001')).toHaveLength(1);
  });
});

describe('findLikelyDuplicates', () => {
  it('finds the same birth date with a misspelled name, and a shared phone', async () => {
    const byName = await findLikelyDuplicates(database.db, organizationId, { givenName: 'Jon', familyName: 'Smyth', dateOfBirth: '1984-03-07', phones: [] });
    expect(byName.map((row) => row.id)).toContain(ids.john);
    const byPhone = await findLikelyDuplicates(database.db, organizationId, { givenName: 'Someone', familyName: 'Else', dateOfBirth: '2001-01-01', phones: ['2175550199'] });
    expect(byPhone.map((row) => row.id)).toEqual([ids.john]);
  });
});

describe('MRN reservations', () => {
  it('never give the same MRN twice, whether reserved on their own (concurrently) or inside a registration', async () => {
    const { organizationId: clinic } = await makeOrganization(database.db, 'MRN Clinic');
    const reserved = await Promise.all(Array.from({ length: 8 }, (_, index) => reserveMrns(database.db, clinic, index + 1)));
    const inside = await database.db.transaction().execute((trx) => takeNextMrn(trx, clinic));
    const all = [...reserved.flat(), inside];
    expect(all).toHaveLength(37);
    expect(new Set(all).size).toBe(37);
    for (const range of reserved) expect(range.map(Number)).toEqual(range.map((_, index) => Number(range[0]) + index));
    expect(Math.min(...all.map(Number))).toBe(1000001);
  });

  it('a reservation of its own leaves the connection committing synchronously for whatever runs next', async () => {
    const { organizationId: clinic } = await makeOrganization(database.db, 'Durable Clinic');
    await reserveMrns(database.db, clinic, 1);
    const setting = await sql<{ synchronousCommit: string }>`show synchronous_commit`.execute(database.db);
    expect(setting.rows[0]!.synchronousCommit).toBe('on');
  });
});
