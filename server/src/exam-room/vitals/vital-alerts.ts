import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError, publishLiveEvent, recordAudit } from '../../platform/index.js';
import type { ObservationContext } from './save-observation.js';
import { startRepeatingRounds } from '../../platform/workers/repeating-rounds.js';

const ESCALATION_BATCH = 20;

async function announceFlowBoard(trx: Kysely<Database>, organizationId: string, appointmentId: string | null, payload: Record<string, unknown>, type: string) {
  if (!appointmentId) return;
  const appointment = await trx.selectFrom('appointments').select('locationId').where('id', '=', appointmentId).executeTakeFirst();
  if (!appointment) return;
  await publishLiveEvent(trx, { organizationId, topic: `flow-board:${appointment.locationId}`, type, payload: { appointmentId, ...payload } });
}

/**
 * A provider (or nurse) acknowledges a critical-value alert: the alert is closed, its urgent task
 * completed, and the inbox and flow board are told at once. Acknowledging twice answers the first.
 */
export async function acknowledgeVitalAlert(db: Kysely<Database>, context: ObservationContext, alertId: string) {
  return db.transaction().execute(async (trx) => {
    const alert = await trx
      .selectFrom('vitalAlerts')
      .selectAll()
      .where('id', '=', alertId)
      .where('organizationId', '=', context.organizationId)
      .forUpdate()
      .executeTakeFirst();
    if (!alert) throw new AppError('NOT_FOUND', { field: 'alertId', message: 'No such alert.' });
    if (!alert.acknowledgedAt) {
      const now = new Date();
      await trx.updateTable('vitalAlerts').set({ acknowledgedAt: now, acknowledgedBy: context.staffMemberId }).where('id', '=', alert.id).execute();
      alert.acknowledgedAt = now;
      alert.acknowledgedBy = context.staffMemberId;
      const task = await trx
        .updateTable('tasks')
        .set((eb) => ({ status: 'completed', completedAt: now, completedBy: context.staffMemberId, version: eb('version', '+', 1) }))
        .where('id', '=', alert.taskId)
        .where('status', 'in', ['open', 'claimed'])
        .returning(['id', 'status', 'version', 'ownerStaffId', 'ownerPool', 'priority'])
        .executeTakeFirst();
      await recordAudit(trx, context, {
        action: 'update', recordType: 'VitalAlert', recordId: alert.id, patientId: alert.patientId,
        details: { acknowledged: true, observationId: alert.observationId, taskId: alert.taskId },
      });
      if (task) {
        const { id, ...announced } = task;
        await publishLiveEvent(trx, { organizationId: context.organizationId, topic: 'inbox', type: 'task.completed', payload: { taskId: id, ...announced } });
      }
      await announceFlowBoard(trx, context.organizationId, alert.appointmentId, { alertId: alert.id, hasCriticalAlert: false }, 'vital.acknowledged');
    }
    return {
      id: alert.id,
      observationId: alert.observationId,
      taskId: alert.taskId,
      acknowledgedAt: new Date(alert.acknowledgedAt).toISOString(),
      acknowledgedBy: alert.acknowledgedBy ?? '',
    };
  });
}

/**
 * Escalates every alert not acknowledged within the clinic's minutes: its same urgent task goes to
 * the provider pool (the other providers on site), the alert is marked escalated and the practice
 * manager is alerted. Claims rows with FOR UPDATE SKIP LOCKED, so two server processes never
 * escalate the same alert twice. Returns how many alerts were escalated in this batch.
 */
export async function escalateDueVitalAlerts(db: Kysely<Database>, options: { now?: Date; batchSize?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('vitalAlerts')
      .selectAll()
      .where('acknowledgedAt', 'is', null)
      .where('escalatedAt', 'is', null)
      .where('escalateAfter', '<=', now)
      .orderBy('escalateAfter')
      .limit(options.batchSize ?? ESCALATION_BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const alert of due) {
      const context = { actor: null, organizationId: alert.organizationId, clientAddress: '', requestId: `vital-alert-escalation:${alert.id}` };
      const task = await trx
        .updateTable('tasks')
        .set((eb) => ({ ownerStaffId: null, ownerPool: 'provider', status: 'open', claimedBy: null, claimedAt: null, version: eb('version', '+', 1) }))
        .where('id', '=', alert.taskId)
        .where('status', 'in', ['open', 'claimed'])
        .returning(['id', 'status', 'version', 'ownerStaffId', 'ownerPool', 'priority'])
        .executeTakeFirst();
      await trx.updateTable('vitalAlerts').set({ escalatedAt: now }).where('id', '=', alert.id).execute();
      const patient = await trx.selectFrom('patients').select('mrn').where('id', '=', alert.patientId).executeTakeFirst();
      const minutes = Math.max(0, Math.round((new Date(alert.escalateAfter).getTime() - new Date(alert.createdAt).getTime()) / 60_000));
      await trx
        .insertInto('managerAlerts')
        .values({
          organizationId: alert.organizationId,
          kind: 'critical-vital-escalated',
          message: `A critical vital sign for MRN ${patient?.mrn ?? 'unknown'} was not acknowledged within ${minutes} minutes; its urgent task went to all providers.`,
          patientId: alert.patientId,
          staffMemberId: null,
          acknowledgedAt: null,
          acknowledgedBy: null,
        })
        .execute();
      await recordAudit(trx, context, {
        action: 'update', recordType: 'VitalAlert', recordId: alert.id, patientId: alert.patientId,
        details: { escalated: true, taskId: alert.taskId, ownerPool: 'provider' },
      });
      if (task) {
        const { id, ...announced } = task;
        await publishLiveEvent(trx, { organizationId: alert.organizationId, topic: 'inbox', type: 'task.assigned', payload: { taskId: id, ...announced, escalated: true } });
      }
      await publishLiveEvent(trx, { organizationId: alert.organizationId, topic: 'manager-alerts', type: 'manager-alert.created', payload: { kind: 'critical-vital-escalated' } });
    }
    return due.length;
  });
}

/** Runs the escalation round every `intervalMs` until stopped (like the reminder worker); 0 turns it off. */
export function startVitalAlertEscalation(db: Kysely<Database>, options: { intervalMs: number }, onError: (error: unknown) => void): () => Promise<void> {
  return startRepeatingRounds(() => escalateDueVitalAlerts(db), { intervalMs: options.intervalMs, batchSize: ESCALATION_BATCH }, onError);
}
