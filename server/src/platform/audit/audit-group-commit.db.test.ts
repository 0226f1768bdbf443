import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization } from '../../../test/factories.js';
import { recordAudit, type AuditContext } from './record-audit.js';

// Entries written outside a transaction (reads, refusals) share group inserts; each caller's
// promise settles only once its own entries are committed.

let t: TestApp;
let organizationId: string;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId } = await makeOrganization(t.db));
});
afterAll(() => t.close());

const contextFor = (organization: string, requestId: string): AuditContext => ({ actor: null, organizationId: organization, clientAddress: '10.0.0.7', requestId });

async function rowsOf(requestIds: string[]) {
  return t.db.selectFrom('auditEvents').select(['requestId', 'recordId', 'action']).where('requestId', 'in', requestIds).execute();
}

describe('audit entries written outside a transaction', () => {
  it('every one of many concurrent reads has its entry once its promise resolves', async () => {
    const requestIds = Array.from({ length: 120 }, () => `read-${randomUUID()}`);
    await Promise.all(requestIds.map((requestId, index) =>
      recordAudit(t.db, contextFor(organizationId, requestId), { action: 'read', recordType: 'Patient', recordId: `p-${index}` }),
    ));
    const rows = await rowsOf(requestIds);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((row) => row.requestId))).toEqual(new Set(requestIds));
    expect(rows.find((row) => row.requestId === requestIds[7])?.recordId).toBe('p-7');
  });

  it('keeps several entries of one caller together', async () => {
    const requestId = `many-${randomUUID()}`;
    await recordAudit(t.db, contextFor(organizationId, requestId), [
      { action: 'read', recordType: 'Observation', recordId: 'o-1' },
      { action: 'read', recordType: 'Observation', recordId: 'o-2' },
    ]);
    expect((await rowsOf([requestId])).map((row) => row.recordId).sort()).toEqual(['o-1', 'o-2']);
  });

  it('an entry the database refuses fails only its own caller; the others in the same group are saved', async () => {
    const good = Array.from({ length: 30 }, () => `good-${randomUUID()}`);
    const bad = `bad-${randomUUID()}`;
    const settled = await Promise.allSettled([
      ...good.slice(0, 15).map((requestId) => recordAudit(t.db, contextFor(organizationId, requestId), { action: 'read' })),
      // An organization that does not exist breaks the foreign key.
      recordAudit(t.db, contextFor(randomUUID(), bad), { action: 'read' }),
      ...good.slice(15).map((requestId) => recordAudit(t.db, contextFor(organizationId, requestId), { action: 'read' })),
    ]);
    expect(settled.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
    expect(settled[15]!.status).toBe('rejected');
    expect(await rowsOf(good)).toHaveLength(30);
    expect(await rowsOf([bad])).toHaveLength(0);
  });

  it('inside a transaction the entry is part of it: rolled back with the change', async () => {
    const requestId = `rolled-back-${randomUUID()}`;
    await expect(t.db.transaction().execute(async (trx) => {
      await recordAudit(trx, contextFor(organizationId, requestId), { action: 'update', recordType: 'Patient', recordId: 'x' });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect(await rowsOf([requestId])).toHaveLength(0);
  });
});
