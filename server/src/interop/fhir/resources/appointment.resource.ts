import { sql, type Transaction } from 'kysely';
import type { Appointment, AppointmentParticipant, Resource } from '@medplum/fhirtypes';
import { AppError } from '../../../platform/index.js';
import type { Database } from '../../../platform/db/schema.js';
import { bookAppointment } from '../../../front-desk/scheduling/index.js';
import { isExclusionViolation, recordStatusChange } from '../../../front-desk/scheduling/index.js';
import type { AppointmentStatus } from '../../../front-desk/scheduling/scheduling.table.js';
import { FhirError } from '../core/operation-outcome.js';
import { check, isUuid } from '../core/fhir-values.js';
import type { Candidate, FhirContext, ResourceDefinition } from '../core/resource-definition.js';
import { lastUpdatedKey } from '../search/search-columns.js';

/** Our visit statuses as FHIR Appointment.status (the flow's in-clinic steps are all `arrived`). */
export const fhirAppointmentStatus: Record<AppointmentStatus, NonNullable<Appointment['status']>> = {
  scheduled: 'booked',
  arrived: 'arrived', roomed: 'arrived', 'ready-for-provider': 'arrived', 'with-provider': 'arrived', checkout: 'arrived',
  done: 'fulfilled',
  cancelled: 'cancelled',
  'left-without-being-seen': 'cancelled',
  'no-show': 'noshow',
  'entered-in-error': 'entered-in-error',
};
const FHIR_STATUSES = ['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'checked-in', 'waitlist'] as const;
/** Statuses a new appointment may be created with: all become our `scheduled`. */
const BOOKABLE = ['proposed', 'pending', 'booked'];
const IN_CLINIC: readonly AppointmentStatus[] = ['arrived', 'roomed', 'ready-for-provider', 'with-provider', 'checkout'];

/** The status our row takes for a FHIR status sent in an update (an in-clinic step is kept when FHIR says arrived). */
function rowStatusFor(fhirStatus: string, current: AppointmentStatus): AppointmentStatus {
  switch (fhirStatus) {
    case 'arrived': case 'checked-in': return IN_CLINIC.includes(current) ? current : 'arrived';
    case 'fulfilled': return 'done';
    case 'cancelled': return current === 'left-without-being-seen' ? current : 'cancelled';
    case 'noshow': return 'no-show';
    case 'entered-in-error': return 'entered-in-error';
    default: return 'scheduled';
  }
}

const sortSql = sql<string>`to_char(r.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

function validateAppointment(resource: Resource): void {
  const appointment = resource as Appointment & Record<string, unknown>;
  check.code(appointment.status, 'Appointment.status', [...FHIR_STATUSES]);
  check.dateTime(appointment.start, 'Appointment.start');
  check.dateTime(appointment.end, 'Appointment.end');
  if (!/T/.test(String(appointment.start)) || !/T/.test(String(appointment.end))) {
    throw new FhirError(422, 'required', 'Appointment.start and Appointment.end must be instants (date and time).', { expression: ['Appointment.start'] });
  }
  if (new Date(appointment.end!) <= new Date(appointment.start!)) throw new FhirError(422, 'invalid', 'Appointment.end must be after Appointment.start.', { expression: ['Appointment.end'] });
  if (!Array.isArray(appointment.participant) || appointment.participant.length === 0) {
    throw new FhirError(422, 'required', 'Appointment.participant needs a Patient and a Practitioner.', { expression: ['Appointment.participant'] });
  }
  check.each(appointment.participant, 'Appointment.participant', (participant, at) => check.object(participant, at));
  for (const type of ['Patient', 'Practitioner']) {
    if (!actorIds(appointment, type).length) throw new FhirError(422, 'required', `Appointment.participant needs an actor that references a ${type}.`, { expression: ['Appointment.participant'] });
  }
}

/** The ids of the participants' actors of one type (`Patient/123` → 123). */
function actorIds(appointment: Appointment, type: string): string[] {
  return (appointment.participant ?? [])
    .map((participant: AppointmentParticipant) => participant?.actor?.reference)
    .map((reference) => (typeof reference === 'string' ? new RegExp(`^(?:.*/)?${type}/([A-Za-z0-9.-]{1,64})$`).exec(reference)?.[1] : undefined))
    .filter((id): id is string => !!id);
}

function single(appointment: Appointment, type: string): string | undefined {
  const ids = actorIds(appointment, type);
  if (ids.length > 1) throw new FhirError(422, 'not-supported', `Appointment.participant names ${ids.length} ${type}s; Medassist books one.`, { expression: ['Appointment.participant'] });
  return ids[0];
}

/** The register's patient for a FHIR Patient id (the row id, or the row a stored Patient maps to). */
async function resolvePatient(trx: Transaction<Database>, organizationId: string, id: string): Promise<string> {
  const found = await sql<{ id: string }>`
    select p.id::text as id from patients as p where p.organization_id = ${organizationId} and p.id = ${isUuid(id) ? id : null}::uuid
    union all select f.patient_id::text from fhir_resources as f where f.organization_id = ${organizationId} and f.resource_type = 'Patient' and f.id = ${id} and f.patient_id is not null
    limit 1`.execute(trx);
  if (!found.rows[0]) throw new FhirError(422, 'invalid', `Patient/${id} is not a patient on the clinic register.`, { expression: ['Appointment.participant'] });
  return found.rows[0].id;
}

async function resolveLocation(trx: Transaction<Database>, organizationId: string, id: string | undefined): Promise<string> {
  let query = trx.selectFrom('locations').select('id').where('organizationId', '=', organizationId);
  if (id !== undefined) {
    if (!isUuid(id)) throw new FhirError(422, 'invalid', `Location/${id} is not one of the clinic's locations.`, { expression: ['Appointment.participant'] });
    query = query.where('id', '=', id);
  }
  const location = await query.orderBy('createdAt').orderBy('id').limit(1).executeTakeFirst();
  if (!location) throw new FhirError(422, 'invalid', id ? `Location/${id} is not one of the clinic's locations.` : 'The clinic has no location to book at.', { expression: ['Appointment.participant'] });
  return location.id;
}

/** App refusals (SLOT_TAKEN 409, validation 422) pass through as OperationOutcomes; a lost race on the exclusion constraint becomes 409. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isExclusionViolation(error)) throw new FhirError(409, 'conflict', 'The practitioner, patient or room is already booked at that time.', { expression: ['Appointment.start'] });
    if (error instanceof AppError && error.status === 404) throw new FhirError(422, 'invalid', error.message, { expression: ['Appointment.participant'] });
    throw error;
  }
}

function fromRow(candidate: Candidate): Appointment {
  const row = candidate.row ?? {};
  const stored = (candidate.stored ?? null) as Appointment | null;
  const ours = (reference: string | undefined) => /^(?:.*\/)?(Patient|Practitioner|Location)\//.test(reference ?? '');
  const kept = (stored?.participant ?? []).filter((participant) => !ours(participant.actor?.reference));
  const reason = typeof row.reasonForVisit === 'string' && row.reasonForVisit !== '' ? row.reasonForVisit : undefined;
  const { participant: _participant, description: _description, cancelationReason: _cancelationReason, ...rest } = stored ?? ({} as Appointment);
  void _participant; void _description; void _cancelationReason;
  const status = String(row.status) as AppointmentStatus;
  return {
    ...rest,
    resourceType: 'Appointment',
    status: fhirAppointmentStatus[status] ?? 'booked',
    ...(stored?.appointmentType ? {} : row.appointmentTypeName ? { appointmentType: { text: String(row.appointmentTypeName) } } : {}),
    ...(reason ? { description: reason } : {}),
    ...(row.cancellationReason ? { cancelationReason: { text: String(row.cancellationReason) } } : {}),
    start: new Date(String(row.startsAt)).toISOString(),
    end: new Date(String(row.endsAt)).toISOString(),
    participant: [
      { actor: { reference: `Patient/${String(row.patientRef)}` }, status: 'accepted' },
      { actor: { reference: `Practitioner/${String(row.providerId)}` }, status: 'accepted' },
      { actor: { reference: `Location/${String(row.locationId)}` }, status: 'accepted' },
      ...kept,
    ],
  };
}

/**
 * Appointment: the clinic's appointments rows (the FHIR id is the row id), with the JSON last sent
 * through FHIR kept beside. A create books through the app's own booking (overlaps refused with 409;
 * a system client may book outside the templates, marked so); an update moves times, people and status.
 */
export const appointmentDefinition: ResourceDefinition = {
  type: 'Appointment',
  interactions: ['read', 'vread', 'update', 'history-instance', 'create', 'search-type'],
  searchParameters: [
    { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id.' },
    { name: 'patient', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'The patient booked.' },
    { name: 'practitioner', type: 'reference', match: 'reference', target: 'Practitioner', column: 'practitioner_ref', documentation: 'The provider (a staff member) booked.' },
    { name: 'date', type: 'date', match: 'instant', column: 'starts_at', documentation: 'Start time, with eq, ne, gt, lt, ge, le, sa, eb prefixes.' },
    { name: 'status', type: 'token', match: 'code', column: 'status', documentation: 'booked | arrived | fulfilled | cancelled | noshow | entered-in-error.' },
  ],
  sorts: { _id: sql<string>`r.id`, date: sortSql, _lastUpdated: lastUpdatedKey },
  policy: { read: 'schedule.view', search: 'schedule.view', write: 'appointment.book' },
  source(organizationId, actor, id) {
    const servesRestricted = actor.kind === 'client';
    const withId = id === undefined ? sql`` : sql` and a.id = ${isUuid(id) ? id : null}::uuid`;
    return sql`(
      select a.id::text as id, a.version as version_id,
        case when f.id is not null and f.version_id = a.version then f.last_updated else a.updated_at end as last_updated,
        f.resource::text as resource_text, (f.id is not null and f.version_id = a.version) as is_fresh,
        jsonb_build_object('status', a.status, 'starts_at', a.starts_at, 'ends_at', a.ends_at, 'patient_ref', coalesce(fp.id, a.patient_id::text),
          'provider_id', a.provider_id, 'location_id', a.location_id, 'reason_for_visit', a.reason_for_visit,
          'cancellation_reason', a.cancellation_reason, 'appointment_type_name', t.name)::text as row_text,
        a.patient_id, coalesce(f.deleted, false) as deleted,
        coalesce(fp.id, a.patient_id::text) as patient_ref, a.provider_id::text as practitioner_ref, a.starts_at,
        case a.status when 'scheduled' then 'booked' when 'done' then 'fulfilled' when 'cancelled' then 'cancelled' when 'left-without-being-seen' then 'cancelled'
          when 'no-show' then 'noshow' when 'entered-in-error' then 'entered-in-error' else 'arrived' end as status
      from appointments as a
      join patients as p on p.id = a.patient_id and (${servesRestricted} or not p.is_restricted)
      left join appointment_types as t on t.id = a.appointment_type_id
      left join fhir_resources as f on f.organization_id = a.organization_id and f.resource_type = 'Appointment' and f.id = a.id::text
      left join lateral (select x.id from fhir_resources as x where x.organization_id = a.organization_id and x.resource_type = 'Patient' and x.patient_id = a.patient_id order by x.id limit 1) as fp on true
      where a.organization_id = ${organizationId}${withId}
    )`;
  },
  toResource(candidate) {
    if (candidate.isFresh && candidate.stored) return candidate.stored;
    return fromRow(candidate);
  },
  validate: validateAppointment,
  auditPatientId: (candidate) => candidate.patientId,
  async writeMapped(trx, context: FhirContext, { id, resource, current, versionId, now }) {
    const appointment = resource as Appointment;
    const patientId = await resolvePatient(trx, context.organizationId, single(appointment, 'Patient')!);
    const providerId = single(appointment, 'Practitioner')!;
    if (!isUuid(providerId)) throw new FhirError(422, 'invalid', `Practitioner/${providerId} is not a provider on the clinic's staff.`, { expression: ['Appointment.participant'] });
    const locationId = await resolveLocation(trx, context.organizationId, single(appointment, 'Location'));
    const startsAt = new Date(appointment.start!);
    const endsAt = new Date(appointment.end!);
    const staffMemberId = context.actor.kind === 'staff' ? context.actor.id : null;
    const schedulingContext = { ...context.audit, organizationId: context.organizationId, staffMemberId };
    if (!current) {
      if (!isUuid(id)) throw new FhirError(422, 'invalid', 'A new Appointment takes a server-assigned id (POST), or a UUID in a PUT.', { expression: ['Appointment.id'] });
      if (!BOOKABLE.includes(appointment.status)) {
        throw new FhirError(422, 'business-rule', `A new appointment is booked (status booked, pending or proposed), not ${appointment.status}.`, { expression: ['Appointment.status'] });
      }
      await guard(() => bookAppointment(trx, schedulingContext, {
        id, patientId, providerId, locationId, startsAt, endsAt, source: 'fhir', allowOutsideTemplate: true,
        reasonForVisit: appointment.description ?? '',
      }));
      return { patientId: null, auditPatientId: patientId, warnings: [] };
    }
    const row = await trx.selectFrom('appointments').select(['status', 'version']).where('id', '=', current.id).where('organizationId', '=', context.organizationId).executeTakeFirstOrThrow();
    const status = rowStatusFor(appointment.status, row.status);
    const updated = await guard(() => trx
      .updateTable('appointments')
      .set({
        patientId, providerId, locationId, startsAt, endsAt, status, version: versionId, updatedAt: now,
        reasonForVisit: appointment.description ?? '',
        ...(status !== row.status ? { statusChangedAt: now } : {}),
        ...(status === 'cancelled' && row.status !== 'cancelled' ? { cancellationReason: appointment.cancelationReason?.text ?? 'other' } : {}),
      })
      .where('id', '=', current.id)
      .where('version', '=', current.versionId)
      .executeTakeFirst());
    if (Number(updated.numUpdatedRows) !== 1) throw new FhirError(409, 'conflict', 'The appointment was changed at the same time; read it again and retry.');
    if (status !== row.status) {
      await recordStatusChange(trx, {
        organizationId: context.organizationId, appointmentId: current.id, fromStatus: row.status, toStatus: status,
        changedBy: staffMemberId, changedByClient: context.actor.kind === 'client' ? context.actor.id : null, note: 'via FHIR',
      });
    }
    return { patientId: null, auditPatientId: patientId, warnings: [] };
  },
};
