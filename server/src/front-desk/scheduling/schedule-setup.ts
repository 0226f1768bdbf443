import type { Kysely, Selectable } from 'kysely';
import type { z } from 'zod';
import type {
  appointmentTypeRequestSchema,
  scheduleExceptionRequestSchema,
  scheduleTemplateRequestSchema,
  updateScheduleTemplateRequestSchema,
} from '../../../../contracts/front-desk/scheduling.contract.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import type { SchedulingContext } from './appointment-view.js';
import { getLocation } from './scheduling.repository.js';
import type { ScheduleExceptionsTable, ScheduleTemplatesTable } from './scheduling.table.js';

type TypeInput = z.output<typeof appointmentTypeRequestSchema>;

const hhmm = (value: string) => value.slice(0, 5);

export function toTemplateView(row: Selectable<ScheduleTemplatesTable>) {
  return { ...row, startsAtLocal: hhmm(row.startsAtLocal), endsAtLocal: hhmm(row.endsAtLocal) };
}
export function toExceptionView(row: Selectable<ScheduleExceptionsTable>) {
  return {
    id: row.id, locationId: row.locationId, providerId: row.providerId, kind: row.kind, reason: row.reason,
    startsAt: new Date(row.startsAt).toISOString(), endsAt: new Date(row.endsAt).toISOString(),
  };
}

/** Adds a kind of visit the clinic offers (name, length, who may book it). */
export async function createAppointmentType(db: Kysely<Database>, context: SchedulingContext, input: TypeInput) {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('appointmentTypes').values({ ...input, organizationId: context.organizationId }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, context, { action: 'create', recordType: 'AppointmentType', recordId: row.id });
    return row;
  });
}

/** Changes a kind of visit if nobody changed it since it was opened (409 otherwise). */
export async function updateAppointmentType(db: Kysely<Database>, context: SchedulingContext, typeId: string, input: TypeInput & { version: number }) {
  return db.transaction().execute(async (trx) => {
    const { version, ...fields } = input;
    const current = await trx.selectFrom('appointmentTypes').select('version').where('id', '=', typeId).where('organizationId', '=', context.organizationId).forUpdate().executeTakeFirst();
    if (!current) throw new AppError('APPOINTMENT_TYPE_NOT_FOUND');
    if (current.version !== version) throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: current.version } });
    const row = await trx.updateTable('appointmentTypes').set({ ...fields, version: version + 1 }).where('id', '=', typeId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, context, { action: 'update', recordType: 'AppointmentType', recordId: row.id });
    return row;
  });
}

async function assertTemplateReferences(db: Kysely<Database>, context: SchedulingContext, input: { providerId?: string; appointmentTypeIds: string[] }) {
  if (input.providerId) {
    const provider = await db.selectFrom('staffMembers').select(['roles', 'isActive']).where('id', '=', input.providerId).where('organizationId', '=', context.organizationId).executeTakeFirst();
    if (!provider) throw new AppError('STAFF_NOT_FOUND', { field: 'providerId' });
    if (!provider.isActive || !provider.roles.includes('provider')) throw new AppError('PROVIDER_INACTIVE', { field: 'providerId' });
  }
  const types = await db.selectFrom('appointmentTypes').select('id').where('id', 'in', input.appointmentTypeIds).where('organizationId', '=', context.organizationId).execute();
  if (types.length !== new Set(input.appointmentTypeIds).size) throw new AppError('APPOINTMENT_TYPE_NOT_FOUND', { field: 'appointmentTypeIds' });
}

/** Adds a weekly block to a provider's schedule at a location, in the location's local time. */
export async function createScheduleTemplate(db: Kysely<Database>, context: SchedulingContext, input: z.output<typeof scheduleTemplateRequestSchema>) {
  return db.transaction().execute(async (trx) => {
    if (!(await getLocation(trx, context.organizationId, input.locationId))) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
    await assertTemplateReferences(trx, context, input);
    const row = await trx.insertInto('scheduleTemplates').values({ ...input, organizationId: context.organizationId }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, context, { action: 'create', recordType: 'ScheduleTemplate', recordId: row.id });
    return row;
  });
}

/** Changes a weekly block (hours, slot length, types, last day) if nobody changed it since it was opened. */
export async function updateScheduleTemplate(db: Kysely<Database>, context: SchedulingContext, templateId: string, input: z.output<typeof updateScheduleTemplateRequestSchema>) {
  return db.transaction().execute(async (trx) => {
    const { version, ...fields } = input;
    const current = await trx.selectFrom('scheduleTemplates').select(['version', 'effectiveFrom']).where('id', '=', templateId).where('organizationId', '=', context.organizationId).forUpdate().executeTakeFirst();
    if (!current) throw new AppError('SCHEDULE_TEMPLATE_NOT_FOUND');
    if (current.version !== version) throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: current.version } });
    if (fields.effectiveUntil !== null && fields.effectiveUntil < current.effectiveFrom) throw new AppError('VALIDATION_FAILED', { field: 'effectiveUntil', message: 'Must be on or after the first day.' });
    await assertTemplateReferences(trx, context, fields);
    const row = await trx.updateTable('scheduleTemplates').set({ ...fields, version: version + 1 }).where('id', '=', templateId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, context, { action: 'update', recordType: 'ScheduleTemplate', recordId: row.id });
    return row;
  });
}

/** Removes a weekly block; booked appointments stay (they become outside the template). */
export async function deleteScheduleTemplate(db: Kysely<Database>, context: SchedulingContext, templateId: string) {
  await db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('scheduleTemplates').where('id', '=', templateId).where('organizationId', '=', context.organizationId).returning('id').executeTakeFirst();
    if (!row) throw new AppError('SCHEDULE_TEMPLATE_NOT_FOUND');
    await recordAudit(trx, context, { action: 'update', recordType: 'ScheduleTemplate', recordId: templateId, details: { deleted: true } });
  });
}

/** Takes time out of the schedule: a provider's vacation or meeting, or a clinic closure. */
export async function createScheduleException(db: Kysely<Database>, context: SchedulingContext, input: z.output<typeof scheduleExceptionRequestSchema>) {
  return db.transaction().execute(async (trx) => {
    if (input.locationId && !(await getLocation(trx, context.organizationId, input.locationId))) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
    if (input.providerId) {
      const provider = await trx.selectFrom('staffMembers').select('id').where('id', '=', input.providerId).where('organizationId', '=', context.organizationId).executeTakeFirst();
      if (!provider) throw new AppError('STAFF_NOT_FOUND', { field: 'providerId' });
    }
    const row = await trx.insertInto('scheduleExceptions').values({ ...input, organizationId: context.organizationId, createdBy: context.staffMemberId }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, context, { action: 'create', recordType: 'ScheduleException', recordId: row.id });
    return row;
  });
}

export async function deleteScheduleException(db: Kysely<Database>, context: SchedulingContext, exceptionId: string) {
  await db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('scheduleExceptions').where('id', '=', exceptionId).where('organizationId', '=', context.organizationId).returning('id').executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { message: 'No such schedule exception.' });
    await recordAudit(trx, context, { action: 'update', recordType: 'ScheduleException', recordId: exceptionId, details: { deleted: true } });
  });
}
