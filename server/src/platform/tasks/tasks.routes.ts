import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  assignTaskRequestSchema,
  bulkTaskRequestSchema,
  bulkTaskResponseSchema,
  cancelTaskRequestSchema,
  createTaskRequestSchema,
  poolParamsSchema,
  taskCountsSchema,
  taskListQuerySchema,
  taskListSchema,
  taskParamsSchema,
  taskPools,
  taskSchema,
  versionRequestSchema,
} from '../../../../contracts/platform/task.contract.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../http/app-error.js';
import { decide } from '../policy/policy-table.js';
import { createTask } from './create-task.js';
import type { TaskContext } from './task-actions.js';
import { toTaskView } from './task-view.js';
import { countByPool, countPersonal, findPersonalTasks, findPoolTasks, findTaskRowsByIds, type TaskRow } from './tasks.repository.js';
import type { TaskPool } from './tasks.table.js';
import { workTask, workTasks } from './work-tasks.js';

function taskContext(request: FastifyRequest): TaskContext {
  const actor = request.actor!;
  return { ...request.auditContext(), organizationId: actor.organizationId, staffMemberId: actor.id, roles: actor.roles };
}

const myPools = (context: TaskContext): TaskPool[] => taskPools.filter((pool) => context.roles.includes(pool));

/** Listing an inbox shows patients' names: the audit trail records whose. */
async function auditInboxRead(app: FastifyInstance, context: TaskContext, rows: TaskRow[], inbox: string): Promise<void> {
  const patientIds = [...new Set(rows.flatMap((row) => (row.patientId ? [row.patientId] : [])))];
  if (patientIds.length === 0) return;
  await recordAudit(app.db, context, { action: 'search', recordType: 'Task', details: { inbox, patientIds } });
}

/** The work inbox: a person's and a pool's tasks, claim, release, assign, complete, cancel, bulk actions, counts. */
export async function taskRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.get('/api/tasks/mine', {
    config: { policy: 'task.work' },
    schema: { querystring: taskListQuerySchema, response: { 200: taskListSchema } },
  }, async (request) => {
    const context = taskContext(request);
    const rows = await findPersonalTasks(app.db, context.organizationId, context.staffMemberId, myPools(context), request.query.view, request.query.limit);
    await auditInboxRead(app, context, rows, 'mine');
    return { tasks: rows.map((row) => toTaskView(row)) };
  });

  app.get('/api/tasks/pools/:pool', {
    config: { policy: 'task.work' },
    schema: { params: poolParamsSchema, querystring: taskListQuerySchema, response: { 200: taskListSchema } },
  }, async (request) => {
    const context = taskContext(request);
    const { pool } = request.params;
    if (!context.roles.includes(pool) && !context.roles.includes('manager')) throw new AppError('TASK_POOL_NOT_YOURS', { field: 'pool' });
    const rows = await findPoolTasks(app.db, context.organizationId, pool, request.query.view, request.query.limit);
    await auditInboxRead(app, context, rows, pool);
    return { tasks: rows.map((row) => toTaskView(row)) };
  });

  app.get('/api/tasks/counts', {
    config: { policy: 'task.view-metrics' },
    schema: { response: { 200: taskCountsSchema } },
  }, async (request) => {
    const context = taskContext(request);
    const [pools, mine] = await Promise.all([countByPool(app.db, context.organizationId), countPersonal(app.db, context.organizationId, context.staffMemberId)]);
    const byPool = new Map(pools.map((row) => [row.ownerPool, row]));
    return {
      pools: taskPools.map((pool) => ({ pool, open: Number(byPool.get(pool)?.open ?? 0), overdue: Number(byPool.get(pool)?.overdue ?? 0) })),
      mine: { open: Number(mine.open), overdue: Number(mine.overdue) },
    };
  });

  app.post('/api/tasks', {
    config: { policy: 'task.work' },
    schema: { body: createTaskRequestSchema, response: { 201: taskSchema } },
  }, async (request, reply) => {
    const context = taskContext(request);
    const body = request.body;
    const { id } = await app.db.transaction().execute((trx) =>
      createTask(trx, context, {
        title: body.title, kind: body.kind, patientId: body.patientId ?? null, ownerStaffId: body.ownerStaffId ?? null,
        ownerPool: body.ownerPool ?? null, priority: body.priority, dueAt: body.dueAt ? new Date(body.dueAt) : null, description: body.description,
      }),
    );
    const [row] = await findTaskRowsByIds(app.db, context.organizationId, [id]);
    return reply.status(201).send(toTaskView(row!));
  });

  const taskRoute = { params: taskParamsSchema, response: { 200: taskSchema } };

  app.post('/api/tasks/:taskId/claim', { config: { policy: 'task.work' }, schema: { ...taskRoute, body: versionRequestSchema } }, async (request) =>
    workTask(app.db, taskContext(request), request.params.taskId, request.body.version, { kind: 'claim' }),
  );

  app.post('/api/tasks/:taskId/release', { config: { policy: 'task.work' }, schema: { ...taskRoute, body: versionRequestSchema } }, async (request) =>
    workTask(app.db, taskContext(request), request.params.taskId, request.body.version, { kind: 'release' }),
  );

  app.post('/api/tasks/:taskId/complete', { config: { policy: 'task.work' }, schema: { ...taskRoute, body: versionRequestSchema } }, async (request) =>
    workTask(app.db, taskContext(request), request.params.taskId, request.body.version, { kind: 'complete' }),
  );

  app.post('/api/tasks/:taskId/cancel', { config: { policy: 'task.work' }, schema: { ...taskRoute, body: cancelTaskRequestSchema } }, async (request) =>
    workTask(app.db, taskContext(request), request.params.taskId, request.body.version, { kind: 'cancel', reason: request.body.reason }),
  );

  app.post('/api/tasks/:taskId/assign', { config: { policy: 'task.assign' }, schema: { ...taskRoute, body: assignTaskRequestSchema } }, async (request) =>
    workTask(app.db, taskContext(request), request.params.taskId, request.body.version, {
      kind: 'assign', ownerStaffId: request.body.ownerStaffId ?? null, ownerPool: request.body.ownerPool ?? null,
    }),
  );

  app.post('/api/tasks/bulk', {
    config: { policy: 'task.work' },
    schema: { body: bulkTaskRequestSchema, response: { 200: bulkTaskResponseSchema } },
  }, async (request) => {
    const context = taskContext(request);
    const body = request.body;
    if (body.action === 'assign') {
      const decision = decide('task.assign', context.roles);
      if (!decision.allowed) throw new AppError('FORBIDDEN_BY_POLICY', { message: decision.reason });
    }
    const action =
      body.action === 'assign'
        ? ({ kind: 'assign', ownerStaffId: body.ownerStaffId ?? null, ownerPool: body.ownerPool ?? null } as const)
        : ({ kind: body.action } as const);
    return { tasks: await workTasks(app.db, context, body.tasks, action) };
  });
}

