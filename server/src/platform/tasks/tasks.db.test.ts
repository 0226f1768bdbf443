import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, patientFields, TEST_PASSWORD } from '../../../test/factories.js';
import type { TaskCounts, TaskView } from '../../../../contracts/platform/task.contract.js';

let t: TestApp;
let organizationId: string;
let ma: SignedInClient;
let otherMa: SignedInClient;
let frontDesk: SignedInClient;
let manager: SignedInClient;
let patientId: string;

async function person(roles: Parameters<typeof makeStaffMember>[2], displayName: string) {
  const member = await makeStaffMember(t.db, organizationId, roles, { displayName });
  return signInAs(t.app, member.username, TEST_PASSWORD);
}

async function newTask(by: SignedInClient, body: Record<string, unknown>): Promise<TaskView> {
  const response = await by.request({ method: 'POST', url: '/api/tasks', payload: { title: 'Call Mrs A back', ...body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as TaskView;
}

const act = (by: SignedInClient, task: { id: string; version: number }, verb: string, extra: Record<string, unknown> = {}) =>
  by.request({ method: 'POST', url: `/api/tasks/${task.id}/${verb}`, payload: { version: task.version, ...extra } });

const inbox = async (by: SignedInClient, url = '/api/tasks/mine') => {
  const response = await by.request({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { tasks: TaskView[] }).tasks;
};

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId } = await makeOrganization(t.db));
  ma = await person(['medical-assistant'], 'Maria Lopez');
  otherMa = await person(['medical-assistant'], 'Sam Ortiz');
  frontDesk = await person(['front-desk'], 'Fran Desk');
  manager = await person(['manager'], 'Pat Manager');
  const registered = await frontDesk.request({ method: 'POST', url: '/api/patients', payload: patientFields({ givenName: 'Ada', familyName: 'Adams' }) });
  expect(registered.statusCode, registered.body).toBe(201);
  patientId = (registered.json() as { patient: { id: string } }).patient.id;
});
afterAll(() => t.close());

describe('work inbox', () => {
  it("shows a person their own tasks and their roles' pool tasks, not other pools", async () => {
    const pooled = await newTask(frontDesk, { ownerPool: 'medical-assistant', priority: 'urgent', patientId });
    const personal = await newTask(frontDesk, { ownerStaffId: ma.staffMemberId });
    const elsewhere = await newTask(ma, { ownerPool: 'biller' });
    const ids = (await inbox(ma)).map((task) => task.id);
    expect(ids).toEqual(expect.arrayContaining([pooled.id, personal.id]));
    expect(ids).not.toContain(elsewhere.id);
    expect(ids.indexOf(pooled.id)).toBeLessThan(ids.indexOf(personal.id));
    expect((await inbox(otherMa)).map((task) => task.id)).not.toContain(personal.id);
    const pool = await inbox(otherMa, '/api/tasks/pools/medical-assistant');
    expect(pool.find((task) => task.id === pooled.id)?.patient).toEqual({ id: patientId, name: 'Adams, Ada', mrn: expect.any(String) });
    const notMine = await frontDesk.request({ method: 'GET', url: '/api/tasks/pools/biller' });
    expect(notMine.statusCode).toBe(403);
    expect(notMine.json().error.code).toBe('TASK_POOL_NOT_YOURS');
    expect((await manager.request({ method: 'GET', url: '/api/tasks/pools/biller' })).statusCode).toBe(200);
  });

  it('audits a task that names a patient when it is created and when it is worked', async () => {
    const task = await newTask(frontDesk, { ownerPool: 'medical-assistant', patientId, kind: 'call-back' });
    expect((await act(ma, task, 'claim')).statusCode).toBe(200);
    const audit = await t.db.selectFrom('auditEvents').select(['action', 'details']).where('recordType', '=', 'Task').where('recordId', '=', task.id).orderBy('id').execute();
    expect(audit.map((entry) => entry.action)).toEqual(['create', 'update']);
    expect(audit[1]!.details).toMatchObject({ taskAction: 'claim', status: 'claimed' });
  });

  it('lets one person claim a pool task; the next gets 409 naming who; a stale version gets 409', async () => {
    const task = await newTask(frontDesk, { ownerPool: 'medical-assistant' });
    const claimed = await act(ma, task, 'claim');
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json()).toMatchObject({ status: 'claimed', claimedBy: { id: ma.staffMemberId, name: 'Maria Lopez' }, version: 2 });
    const second = await act(otherMa, task, 'claim');
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({ code: 'TASK_ALREADY_CLAIMED', message: 'Maria Lopez has already claimed this task.', claimedBy: { name: 'Maria Lopez' } });
    const stale = await act(ma, task, 'complete');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const row = await t.db.selectFrom('tasks').select(['status', 'version']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'claimed', version: 2 });
  });

  it('lets exactly one of several simultaneous claims win', async () => {
    const task = await newTask(frontDesk, { ownerPool: 'medical-assistant' });
    const claimants = [ma, otherMa, ma, otherMa, manager];
    const responses = await Promise.all(claimants.map((by) => act(by, task, 'claim')));
    const statuses = responses.map((response) => response.statusCode);
    const winners = new Set(responses.filter((response) => response.statusCode === 200).map((response) => (response.json() as TaskView).claimedBy?.id));
    expect(winners.size).toBe(1);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    const row = await t.db.selectFrom('tasks').select(['version', 'claimedBy']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row.version).toBe(2);
    expect(winners.has(row.claimedBy!)).toBe(true);
  });

  it('puts a claimed task back in its pool for the next person', async () => {
    const task = await newTask(frontDesk, { ownerPool: 'medical-assistant' });
    const claimed = (await act(ma, task, 'claim')).json() as TaskView;
    expect((await act(otherMa, claimed, 'release')).statusCode).toBe(403);
    const released = await act(ma, claimed, 'release');
    expect(released.json()).toMatchObject({ status: 'open', claimedBy: null, version: 3 });
    expect((await act(otherMa, released.json() as TaskView, 'claim')).json()).toMatchObject({ claimedBy: { id: otherMa.staffMemberId } });
    const types = await t.db.selectFrom('liveEvents').select('type').where('topic', '=', 'inbox').where(sql<boolean>`payload->>'taskId' = ${task.id}`).orderBy('id').execute();
    expect(types.map((row) => row.type)).toEqual(['task.created', 'task.claimed', 'task.released', 'task.claimed']);
  });

  it('refuses a claim on a pool the person is not part of', async () => {
    const task = await newTask(ma, { ownerPool: 'biller' });
    const response = await act(frontDesk, task, 'claim');
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('TASK_NOT_YOURS');
  });

  it('lets only the owner or claimer complete a task, once', async () => {
    const task = await newTask(frontDesk, { ownerPool: 'medical-assistant' });
    const unclaimed = await act(ma, task, 'complete');
    expect(unclaimed.statusCode).toBe(403);
    expect(unclaimed.json().error.code).toBe('TASK_NOT_YOURS');
    const claimed = (await act(ma, task, 'claim')).json() as TaskView;
    expect((await act(otherMa, claimed, 'complete')).json().error.code).toBe('TASK_NOT_YOURS');
    expect((await act(manager, claimed, 'complete')).statusCode).toBe(403);
    const done = await act(ma, claimed, 'complete');
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed', version: 3 });
    const again = await act(ma, done.json() as TaskView, 'complete');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('TASK_CLOSED');
    expect((await inbox(ma)).map((item) => item.id)).not.toContain(task.id);
    expect((await inbox(ma, '/api/tasks/mine?view=closed')).map((item) => item.id)).toContain(task.id);
  });

  it("reassigns: the owner hands a task to a pool, a manager reassigns anyone's, others may not", async () => {
    const task = await newTask(frontDesk, { ownerStaffId: ma.staffMemberId });
    const byStranger = await act(frontDesk, task, 'assign', { ownerPool: 'nurse' });
    expect(byStranger.statusCode).toBe(403);
    const toPool = await act(ma, task, 'assign', { ownerPool: 'front-desk' });
    expect(toPool.statusCode, toPool.body).toBe(200);
    expect(toPool.json()).toMatchObject({ ownerPool: 'front-desk', ownerStaff: null, status: 'open' });
    const claimed = (await act(frontDesk, toPool.json() as TaskView, 'claim')).json() as TaskView;
    const byManager = await act(manager, claimed, 'assign', { ownerStaffId: otherMa.staffMemberId });
    expect(byManager.statusCode).toBe(200);
    expect(byManager.json()).toMatchObject({ ownerStaff: { id: otherMa.staffMemberId, name: 'Sam Ortiz' }, claimedBy: null, status: 'open' });
    const both = await act(manager, byManager.json() as TaskView, 'assign', { ownerStaffId: ma.staffMemberId, ownerPool: 'nurse' });
    expect(both.statusCode).toBe(400);
    const unknown = await act(manager, byManager.json() as TaskView, 'assign', { ownerStaffId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.json().error.code).toBe('STAFF_NOT_FOUND');
  });

  it('cancels with a reason, by the owner or a manager', async () => {
    const task = await newTask(ma, { ownerPool: 'front-desk' });
    expect((await act(otherMa, task, 'cancel', { reason: 'not needed' })).statusCode).toBe(403);
    expect((await act(manager, task, 'cancel', {})).statusCode).toBe(400);
    const cancelled = await act(manager, task, 'cancel', { reason: 'Patient called in already' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
  });

  it('applies a bulk action to all tasks or, when one version is stale, to none', async () => {
    const tasks = [
      await newTask(frontDesk, { ownerPool: 'medical-assistant' }),
      await newTask(frontDesk, { ownerPool: 'medical-assistant' }),
      await newTask(frontDesk, { ownerPool: 'medical-assistant' }),
    ];
    const refused = await ma.request({
      method: 'POST', url: '/api/tasks/bulk',
      payload: { action: 'claim', tasks: tasks.map((task, index) => ({ taskId: task.id, version: index === 2 ? 7 : task.version })) },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'VERSION_CONFLICT', taskId: tasks[2]!.id });
    const untouched = await t.db.selectFrom('tasks').select('status').where('id', 'in', tasks.map((task) => task.id)).execute();
    expect(untouched.map((row) => row.status)).toEqual(['open', 'open', 'open']);

    const claimed = await ma.request({ method: 'POST', url: '/api/tasks/bulk', payload: { action: 'claim', tasks: tasks.map((task) => ({ taskId: task.id, version: task.version })) } });
    expect(claimed.statusCode, claimed.body).toBe(200);
    const views = (claimed.json() as { tasks: TaskView[] }).tasks;
    expect(views.map((view) => [view.id, view.status, view.version])).toEqual(tasks.map((task) => [task.id, 'claimed', 2]));
    const completed = await ma.request({ method: 'POST', url: '/api/tasks/bulk', payload: { action: 'complete', tasks: views.map((view) => ({ taskId: view.id, version: view.version })) } });
    expect((completed.json() as { tasks: TaskView[] }).tasks.every((view) => view.status === 'completed')).toBe(true);
  });

  it('bulk-assigns for a manager and refuses a duplicated task id', async () => {
    const tasks = [await newTask(ma, { ownerPool: 'nurse' }), await newTask(ma, { ownerPool: 'nurse' })];
    const items = tasks.map((task) => ({ taskId: task.id, version: task.version }));
    const duplicated = await manager.request({ method: 'POST', url: '/api/tasks/bulk', payload: { action: 'assign', ownerPool: 'provider', tasks: [...items, items[0]] } });
    expect(duplicated.statusCode).toBe(400);
    const assigned = await manager.request({ method: 'POST', url: '/api/tasks/bulk', payload: { action: 'assign', ownerPool: 'provider', tasks: items } });
    expect((assigned.json() as { tasks: TaskView[] }).tasks.map((view) => view.ownerPool)).toEqual(['provider', 'provider']);
  });

  it('counts open and overdue tasks per role pool and for me, and announces changes on the inbox topic', async () => {
    const { organizationId: freshOrganization } = await makeOrganization(t.db, 'Counting Clinic');
    const nurseMember = await makeStaffMember(t.db, freshOrganization, ['nurse']);
    const nurse = await signInAs(t.app, nurseMember.username, TEST_PASSWORD);
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await newTask(nurse, { ownerPool: 'nurse', dueAt: past });
    await newTask(nurse, { ownerPool: 'nurse', dueAt: future });
    const mine = await newTask(nurse, { ownerStaffId: nurse.staffMemberId, dueAt: past });
    await newTask(nurse, { ownerPool: 'front-desk' });
    const response = await nurse.request({ method: 'GET', url: '/api/tasks/counts' });
    expect(response.statusCode).toBe(200);
    const counts = response.json() as TaskCounts;
    expect(counts.pools.find((row) => row.pool === 'nurse')).toEqual({ pool: 'nurse', open: 2, overdue: 1 });
    expect(counts.pools.find((row) => row.pool === 'front-desk')).toEqual({ pool: 'front-desk', open: 1, overdue: 0 });
    expect(counts.pools.find((row) => row.pool === 'biller')).toEqual({ pool: 'biller', open: 0, overdue: 0 });
    expect(counts.mine).toEqual({ open: 1, overdue: 1 });
    expect((await inbox(nurse)).find((task) => task.id === mine.id)?.isOverdue).toBe(true);
    const events = await t.db.selectFrom('liveEvents').select(['type', 'payload']).where('organizationId', '=', freshOrganization).where('topic', '=', 'inbox').execute();
    expect(events).toHaveLength(4);
    expect(Object.keys(events[0]!.payload).sort()).toEqual(['ownerPool', 'ownerStaffId', 'priority', 'status', 'taskId', 'version']);
  });
});
