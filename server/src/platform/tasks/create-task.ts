import type { Transaction } from 'kysely';
import type { AuditContext } from '../audit/record-audit.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Database } from '../db/schema.js';
import type { StaffRole } from '../db/platform.table.js';
import { publishLiveEvent } from '../events/publish-live-event.js';
import { AppError } from '../http/app-error.js';
import { taskPools, type TaskPriority } from './tasks.table.js';

export interface CreateTaskInput {
  title: string;
  /** e.g. 'waitlist-offer', 'critical-vital', 'result-review', 'refill-request', 'call-back', 'general'. */
  kind: string;
  patientId?: string | null;
  ownerStaffId?: string | null;
  ownerPool?: StaffRole | null;
  priority: TaskPriority;
  dueAt?: Date | null;
  focusType?: string | null;
  focusId?: string | null;
  description?: string;
}

/**
 * Puts a task in a person's or a role pool's inbox, inside the caller's transaction: audited when a
 * patient is linked, and announced on the `inbox` live topic (ids only) once the caller commits.
 *
 * @example
 * await createTask(trx, context, { title: 'Offer the 10:20 slot', kind: 'waitlist-offer', ownerPool: 'front-desk', priority: 'routine', patientId, focusType: 'WaitlistEntry', focusId: entryId });
 */
export async function createTask(
  trx: Transaction<Database>,
  context: AuditContext & { organizationId: string },
  input: CreateTaskInput,
): Promise<{ id: string }> {
  const ownerStaffId = input.ownerStaffId ?? null;
  const ownerPool = input.ownerPool ?? null;
  if (!ownerStaffId && !ownerPool) throw new AppError('TASK_OWNER_REQUIRED', { field: 'ownerStaffId' });
  if (ownerPool && !(taskPools as readonly string[]).includes(ownerPool)) throw new AppError('TASK_OWNER_REQUIRED', { field: 'ownerPool' });
  if (ownerStaffId) {
    const owner = await trx
      .selectFrom('staffMembers')
      .select('id')
      .where('id', '=', ownerStaffId)
      .where('organizationId', '=', context.organizationId)
      .executeTakeFirst();
    if (!owner) throw new AppError('STAFF_NOT_FOUND', { field: 'ownerStaffId' });
  }
  if (input.patientId) {
    const patient = await trx
      .selectFrom('patients')
      .select('id')
      .where('id', '=', input.patientId)
      .where('organizationId', '=', context.organizationId)
      .executeTakeFirst();
    if (!patient) throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' });
  }
  const createdBy = context.actor?.kind === 'staff' ? context.actor.id : null;
  const task = await trx
    .insertInto('tasks')
    .values({
      organizationId: context.organizationId,
      title: input.title,
      kind: input.kind,
      patientId: input.patientId ?? null,
      ownerStaffId,
      ownerPool: ownerPool as Exclude<StaffRole, 'admin'> | null,
      priority: input.priority,
      dueAt: input.dueAt ?? null,
      focusType: input.focusType ?? null,
      focusId: input.focusId ?? null,
      description: input.description ?? '',
      createdBy,
    })
    .returning(['id', 'status', 'version'])
    .executeTakeFirstOrThrow();
  if (input.patientId) {
    await recordAudit(trx, context, {
      action: 'create', recordType: 'Task', recordId: task.id, patientId: input.patientId,
      details: { kind: input.kind, ownerStaffId, ownerPool, priority: input.priority },
    });
  }
  await publishLiveEvent(trx, {
    organizationId: context.organizationId,
    topic: 'inbox',
    type: 'task.created',
    payload: { taskId: task.id, status: task.status, version: task.version, ownerStaffId, ownerPool, priority: input.priority },
  });
  return { id: task.id };
}
