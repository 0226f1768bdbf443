import type { Selectable, Transaction, Updateable } from 'kysely';
import type { AuditContext } from '../audit/record-audit.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Role } from '../db/platform.table.js';
import type { Database } from '../db/schema.js';
import { publishLiveEvent } from '../events/publish-live-event.js';
import { AppError } from '../http/app-error.js';
import { findStaffMember } from './tasks.repository.js';
import type { TaskPool, TasksTable } from './tasks.table.js';

/** Who is working the inbox. */
export interface TaskContext extends AuditContext {
  organizationId: string;
  staffMemberId: string;
  roles: readonly Role[];
}

export type TaskAction =
  | { kind: 'claim' }
  | { kind: 'release' }
  | { kind: 'complete' }
  | { kind: 'cancel'; reason: string }
  | { kind: 'assign'; ownerStaffId: string | null; ownerPool: TaskPool | null };

type TaskRecord = Selectable<TasksTable>;

const isManager = (context: TaskContext) => context.roles.includes('manager');
const isMine = (task: TaskRecord, context: TaskContext) => task.ownerStaffId === context.staffMemberId || task.claimedBy === context.staffMemberId;
const isInMyPool = (task: TaskRecord, context: TaskContext) =>
  task.ownerStaffId === null && task.ownerPool !== null && context.roles.includes(task.ownerPool);

/**
 * Applies one inbox action to a task the caller has locked, checking who may do it and the
 * version the person saw; audits (when a patient is linked) and announces the change on `inbox`.
 * Throws with the task id in the details, so a bulk action can say which task stopped it.
 */
export async function applyTaskAction(
  trx: Transaction<Database>,
  context: TaskContext,
  task: TaskRecord | undefined,
  taskId: string,
  version: number,
  action: TaskAction,
): Promise<void> {
  if (!task) throw new AppError('TASK_NOT_FOUND', { details: { taskId } });
  if (task.status === 'completed' || task.status === 'cancelled') {
    throw new AppError('TASK_CLOSED', { details: { taskId, status: task.status } });
  }
  if (action.kind === 'claim' && task.status === 'claimed' && task.claimedBy !== context.staffMemberId) {
    const claimer = task.claimedBy ? await findStaffMember(trx, context.organizationId, task.claimedBy) : undefined;
    const name = claimer?.displayName ?? 'someone else';
    throw new AppError('TASK_ALREADY_CLAIMED', {
      message: `${name} has already claimed this task.`,
      details: { taskId, claimedBy: { id: task.claimedBy, name } },
    });
  }
  if (task.version !== version) {
    throw new AppError('VERSION_CONFLICT', { field: 'version', details: { taskId, currentVersion: task.version } });
  }

  const now = new Date();
  let change: Updateable<TasksTable>;
  switch (action.kind) {
    case 'claim':
      if (!isMine(task, context) && !isInMyPool(task, context) && !isManager(context)) {
        throw new AppError('TASK_NOT_YOURS', { message: 'This task waits in a pool you are not part of.', details: { taskId } });
      }
      change = { status: 'claimed', claimedBy: context.staffMemberId, claimedAt: now };
      break;
    case 'release':
      if (task.status !== 'claimed' || (task.claimedBy !== context.staffMemberId && !isManager(context))) {
        throw new AppError('TASK_NOT_YOURS', { message: 'Only the person who claimed this task can put it back.', details: { taskId } });
      }
      change = { status: 'open', claimedBy: null, claimedAt: null };
      break;
    case 'complete':
      if (!isMine(task, context)) throw new AppError('TASK_NOT_YOURS', { message: 'Claim the task before completing it.', details: { taskId } });
      change = { status: 'completed', completedAt: now, completedBy: context.staffMemberId };
      break;
    case 'cancel':
      if (!isMine(task, context) && task.createdBy !== context.staffMemberId && !isManager(context)) {
        throw new AppError('TASK_NOT_YOURS', { message: 'Only the owner, the person who created it, or a manager can cancel this task.', details: { taskId } });
      }
      change = { status: 'cancelled', cancelledAt: now, cancelledBy: context.staffMemberId, cancelReason: action.reason };
      break;
    case 'assign': {
      if (!isMine(task, context) && !isInMyPool(task, context) && !isManager(context)) {
        throw new AppError('TASK_NOT_YOURS', { message: 'Only the owner or a manager can reassign this task.', details: { taskId } });
      }
      if (action.ownerStaffId) {
        const owner = await findStaffMember(trx, context.organizationId, action.ownerStaffId);
        if (!owner) throw new AppError('STAFF_NOT_FOUND', { field: 'ownerStaffId', details: { taskId } });
      }
      change = { ownerStaffId: action.ownerStaffId, ownerPool: action.ownerPool, status: 'open', claimedBy: null, claimedAt: null };
      break;
    }
    default: {
      const unknown: never = action;
      throw new Error(`unknown task action ${String(unknown)}`);
    }
  }

  const updated = await trx
    .updateTable('tasks')
    .set({ ...change, version: task.version + 1 })
    .where('id', '=', task.id)
    .returning(['id', 'status', 'version', 'ownerStaffId', 'ownerPool', 'claimedBy', 'priority'])
    .executeTakeFirstOrThrow();
  if (task.patientId) {
    await recordAudit(trx, context, {
      action: 'update', recordType: 'Task', recordId: task.id, patientId: task.patientId,
      ...(action.kind === 'cancel' ? { reason: action.reason } : {}),
      details: { taskAction: action.kind, status: updated.status, ownerStaffId: updated.ownerStaffId, ownerPool: updated.ownerPool },
    });
  }
  const { id: updatedId, ...announced } = updated;
  await publishLiveEvent(trx, {
    organizationId: context.organizationId,
    topic: 'inbox',
    type: `task.${action.kind === 'assign' ? 'assigned' : action.kind === 'release' ? 'released' : updated.status}`,
    payload: { taskId: updatedId, ...announced },
  });
}
