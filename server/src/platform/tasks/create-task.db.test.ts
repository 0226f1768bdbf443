import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember } from '../../../test/factories.js';
import { createTask, publishLiveEvent } from '../index.js';

let t: TestApp;
let organizationId: string;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId } = await makeOrganization(t.db));
});
afterAll(() => t.close());

const systemContext = () => ({ actor: null, organizationId, clientAddress: '127.0.0.1', requestId: 'test' });

describe('createTask and publishLiveEvent (the platform API other areas call)', () => {
  it('puts a pool task in the inbox and announces it on the inbox topic with ids only', async () => {
    const { id } = await t.db.transaction().execute((trx) =>
      createTask(trx, systemContext(), { title: 'Call back about the 10:20 slot', kind: 'call-back', ownerPool: 'front-desk', priority: 'urgent' }),
    );
    const task = await t.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'open', ownerPool: 'front-desk', ownerStaffId: null, priority: 'urgent', version: 1 });
    const event = await t.db.selectFrom('liveEvents').selectAll().where('topic', '=', 'inbox').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event.type).toBe('task.created');
    expect(event.payload).toMatchObject({ taskId: id, status: 'open', ownerPool: 'front-desk' });
    expect(Object.keys(event.payload)).not.toContain('title');
  });

  it('refuses a task without an owner', async () => {
    await expect(
      t.db.transaction().execute((trx) => createTask(trx, systemContext(), { title: 'Orphan', kind: 'general', priority: 'routine' })),
    ).rejects.toMatchObject({ code: 'TASK_OWNER_REQUIRED' });
  });

  it('assigns a task to a person of the organization', async () => {
    const ma = await makeStaffMember(t.db, organizationId, ['medical-assistant']);
    const { id } = await t.db.transaction().execute((trx) =>
      createTask(trx, systemContext(), { title: 'Restock room 3', kind: 'general', ownerStaffId: ma.id, priority: 'routine' }),
    );
    const task = await t.db.selectFrom('tasks').select(['ownerStaffId']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(task.ownerStaffId).toBe(ma.id);
  });

  it('returns increasing live event ids', async () => {
    const first = await t.db.transaction().execute((trx) => publishLiveEvent(trx, { organizationId, topic: 'flow-board:x', type: 'test', payload: { n: 1 } }));
    const second = await t.db.transaction().execute((trx) => publishLiveEvent(trx, { organizationId, topic: 'flow-board:x', type: 'test' }));
    expect(second.id).toBeGreaterThan(first.id);
    expect(typeof first.id).toBe('number');
  });
});
