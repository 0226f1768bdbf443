import { sql, type Transaction } from 'kysely';
import type { Communication, DocumentReference, PractitionerRole, Reference, Slot } from '@medplum/fhirtypes';
import { check, checkIdentifiers, isUuid } from '../core/fhir-values.js';
import { FhirError } from '../core/operation-outcome.js';
import type { FhirContext, ResourceDefinition, SearchParameterDefinition, WriteResult } from '../core/resource-definition.js';
import { identifiersOf, lastUpdatedKey } from '../search/search-columns.js';
import { conceptListTokens, conceptTokens, fhirInstant, idOf, referencedId, resolvePatientReference, storedSource } from './clinical-source.js';
import { scheduleIdSql } from './schedule.resource.js';
import type { Database } from '../../../platform/db/schema.js';

export const STAFF_ROLE_SYSTEM = 'http://medassist.example/fhir/CodeSystem/staff-role';
const writable = ['read', 'vread', 'update', 'history-instance', 'create', 'search-type'] as const;
const idParameter: SearchParameterDefinition = { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id.' };
const patientParameter = (element: string): SearchParameterDefinition => ({ name: 'patient', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: `The patient (${element}).` });

/** Every reference to a Patient the resource makes at these elements must name a known Patient (422 otherwise). */
async function checkPatientReferences(trx: Transaction<Database>, context: FhirContext, references: Array<[Reference | undefined, string]>): Promise<WriteResult> {
  for (const [reference, path] of references) {
    if (idOf(reference, 'Patient')) await resolvePatientReference(trx, context.organizationId, reference, path);
  }
  return { patientId: null, warnings: [] };
}

/**
 * PractitionerRole: each staff member's roles at the clinic (generated, read-only), plus outside
 * clinicians' roles imported through FHIR, stored as sent.
 */
export const practitionerRoleDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'PractitionerRole',
  interactions: writable,
  searchParameters: [
    idParameter,
    { name: 'practitioner', type: 'reference', match: 'reference', target: 'Practitioner', column: 'practitioner_ref', documentation: 'The practitioner who has the role.' },
    { name: 'role', type: 'token', match: 'tokens', column: 'roles', documentation: `The role (staff roles have system ${STAFF_ROLE_SYSTEM}).` },
    { name: 'specialty', type: 'token', match: 'tokens', column: 'specialties', documentation: 'Specialty, system|code.' },
    { name: 'identifier', type: 'token', match: 'identifier', column: 'identifiers', documentation: 'system|value.' },
  ],
  sorts: { _id: sql<string>`r.id`, _lastUpdated: lastUpdatedKey },
  policy: { read: 'directory.read', search: 'directory.read', write: 'directory.import-outside-party' },
  source(organizationId, _actor, id) {
    return sql`(
      select s.id::text as id, s.version as version_id, s.created_at as last_updated, null::text as resource_text, false as is_fresh,
        jsonb_build_object('staff_id', s.id, 'organization_id', s.organization_id, 'roles', to_jsonb(s.roles), 'is_active', s.is_active, 'display_name', s.display_name)::text as row_text,
        null::uuid as patient_id, false as deleted, null::text as patient_ref, s.id::text as practitioner_ref,
        array(select r from unnest(s.roles) as r union all select ${STAFF_ROLE_SYSTEM}::text || '|' || r from unnest(s.roles) as r) as roles,
        array[]::text[] as specialties, '[]'::jsonb as identifiers
      from staff_members as s where s.organization_id = ${organizationId}${id === undefined ? sql`` : sql` and s.id = ${isUuid(id) ? id : null}::uuid`}
      union all
      select * from ${storedSource('PractitionerRole', organizationId, id, {
        practitioner_ref: (r) => referencedId(sql`${r}->'practitioner'`, 'Practitioner'),
        roles: (r) => conceptListTokens(sql`${r}->'code'`),
        specialties: (r) => conceptListTokens(sql`${r}->'specialty'`),
        identifiers: (r) => identifiersOf(r),
      })} as stored
    )`;
  },
  toResource(candidate) {
    if (candidate.stored && candidate.isFresh) return candidate.stored;
    const row = candidate.row ?? {};
    const roles = Array.isArray(row.roles) ? (row.roles as string[]) : [];
    const role: PractitionerRole = {
      resourceType: 'PractitionerRole',
      active: row.isActive === true,
      practitioner: { reference: `Practitioner/${String(row.staffId)}`, display: String(row.displayName) },
      organization: { reference: `Organization/${String(row.organizationId)}` },
      code: roles.map((code) => ({ coding: [{ system: STAFF_ROLE_SYSTEM, code }], text: code })),
    };
    return role;
  },
  validate(resource) {
    const role = resource as PractitionerRole & Record<string, unknown>;
    checkIdentifiers(role.identifier, 'PractitionerRole.identifier');
    if (role.active !== undefined) check.boolean(role.active, 'PractitionerRole.active');
    if (role.practitioner !== undefined) check.object(role.practitioner, 'PractitionerRole.practitioner');
    check.each(role.code, 'PractitionerRole.code', () => undefined);
    check.each(role.specialty, 'PractitionerRole.specialty', () => undefined);
  },
};

/** Communication: messages exchanged about a patient, stored as sent (searchable by patient, category, sent). */
export const communicationDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'Communication',
  interactions: writable,
  searchParameters: [
    idParameter,
    patientParameter('subject'),
    { name: 'subject', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'The patient the communication is about.' },
    { name: 'category', type: 'token', match: 'tokens', column: 'categories', documentation: 'Category, system|code.' },
    { name: 'sent', type: 'date', match: 'instant', column: 'sent', documentation: 'When sent, with eq, ne, gt, lt, ge, le, sa, eb prefixes.' },
    { name: 'status', type: 'token', match: 'code', column: 'status', documentation: 'Communication status.' },
  ],
  sorts: { _id: sql<string>`r.id`, sent: sql<string>`to_char(r.sent at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`, _lastUpdated: lastUpdatedKey },
  policy: { read: 'history.read', search: 'history.read', write: 'history.record' },
  source(organizationId, _actor, id) {
    return storedSource('Communication', organizationId, id, {
      categories: (r) => conceptListTokens(sql`${r}->'category'`),
      sent: (r) => fhirInstant(sql`${r}->>'sent'`),
      status: (r) => sql`${r}->>'status'`,
    }, 'subject');
  },
  toResource: (candidate) => candidate.stored!,
  validate(resource) {
    const communication = resource as Communication & Record<string, unknown>;
    check.code(communication.status, 'Communication.status', ['preparation', 'in-progress', 'not-done', 'on-hold', 'stopped', 'completed', 'entered-in-error', 'unknown']);
    checkIdentifiers(communication.identifier, 'Communication.identifier');
    if (communication.sent !== undefined) check.dateTime(communication.sent, 'Communication.sent');
    if (communication.received !== undefined) check.dateTime(communication.received, 'Communication.received');
    if (communication.subject !== undefined) check.object(communication.subject, 'Communication.subject');
    check.each(communication.category, 'Communication.category', () => undefined);
    check.each(communication.payload, 'Communication.payload', () => undefined);
  },
  writeMapped: (trx, context, { resource }) => checkPatientReferences(trx, context, [[(resource as Communication).subject, 'Communication.subject']]),
};

/** DocumentReference: documents about a patient (advance directives, outside summaries), stored as sent. */
export const documentReferenceDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'DocumentReference',
  interactions: writable,
  searchParameters: [
    idParameter,
    patientParameter('subject'),
    { name: 'subject', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'The patient the document is about.' },
    { name: 'category', type: 'token', match: 'tokens', column: 'categories', documentation: 'Category, system|code.' },
    { name: 'type', type: 'token', match: 'tokens', column: 'types', documentation: 'Document type (LOINC), system|code.' },
    { name: 'date', type: 'date', match: 'instant', column: 'date', documentation: 'When the reference was created, with eq, ne, gt, lt, ge, le, sa, eb prefixes.' },
    { name: 'period', type: 'date', match: 'instant', column: 'period_start', documentation: 'Start of the time the document covers, with prefixes.' },
    { name: 'status', type: 'token', match: 'code', column: 'status', documentation: 'current | superseded | entered-in-error.' },
  ],
  sorts: { _id: sql<string>`r.id`, date: sql<string>`to_char(r.date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`, _lastUpdated: lastUpdatedKey },
  policy: { read: 'history.read', search: 'history.read', write: 'history.record' },
  source(organizationId, _actor, id) {
    return storedSource('DocumentReference', organizationId, id, {
      categories: (r) => conceptListTokens(sql`${r}->'category'`),
      types: (r) => conceptTokens(sql`${r}->'type'`),
      date: (r) => fhirInstant(sql`${r}->>'date'`),
      period_start: (r) => fhirInstant(sql`${r}->'context'->'period'->>'start'`),
      status: (r) => sql`${r}->>'status'`,
    }, 'subject');
  },
  toResource: (candidate) => candidate.stored!,
  validate(resource) {
    const document = resource as DocumentReference & Record<string, unknown>;
    check.code(document.status, 'DocumentReference.status', ['current', 'superseded', 'entered-in-error']);
    checkIdentifiers(document.identifier, 'DocumentReference.identifier');
    if (document.date !== undefined) check.dateTime(document.date, 'DocumentReference.date');
    if (!Array.isArray(document.content) || document.content.length === 0) {
      throw new FhirError(422, 'required', 'DocumentReference.content needs at least one attachment.', { expression: ['DocumentReference.content'] });
    }
    check.each(document.content, 'DocumentReference.content', (content, at) => check.object(content.attachment, `${at}.attachment`));
    check.each(document.category, 'DocumentReference.category', () => undefined);
    if (document.subject !== undefined) check.object(document.subject, 'DocumentReference.subject');
  },
  writeMapped: (trx, context, { resource }) => checkPatientReferences(trx, context, [[(resource as DocumentReference).subject, 'DocumentReference.subject']]),
};

const SLOT_DAYS = 28;
const slotKey = sql<string>`to_char(r.start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

/**
 * Slot: the next four weeks of the providers' template slots (generated, read-only; `busy` when a
 * booked appointment of the provider overlaps), plus outside slots stored as sent.
 */
export const slotDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'Slot',
  interactions: writable,
  searchParameters: [
    idParameter,
    { name: 'schedule', type: 'reference', match: 'reference', target: 'Schedule', column: 'schedule_ref', documentation: 'The Schedule (provider at a location) the slot belongs to.' },
    { name: 'start', type: 'date', match: 'instant', column: 'start', documentation: 'Slot start, with eq, ne, gt, lt, ge, le, sa, eb prefixes.' },
    { name: 'status', type: 'token', match: 'code', column: 'status', documentation: 'free | busy | busy-unavailable | busy-tentative | entered-in-error.' },
  ],
  sorts: { _id: sql<string>`r.id`, start: slotKey, _lastUpdated: lastUpdatedKey },
  policy: { read: 'schedule.view', search: 'schedule.view', write: 'appointment.book' },
  source(organizationId, _actor, id) {
    const generatedWithId = id === undefined ? sql`` : sql` where g.id = ${id}`;
    return sql`(
      select g.id, g.version_id, g.last_updated, null::text as resource_text, false as is_fresh,
        jsonb_build_object('schedule_ref', g.schedule_ref, 'start', g.start, 'end', g.start + g.length, 'status', g.status, 'label', g.label,
          'appointment_type_ids', to_jsonb(g.appointment_type_ids), 'is_same_day_hold', g.is_same_day_hold)::text as row_text,
        null::uuid as patient_id, false as deleted, null::text as patient_ref, g.schedule_ref, g.start, g.status
      from (
        select md5(t.id::text || '/' || s.start::text) as id, t.version as version_id, l.created_at as last_updated,
          ${scheduleIdSql('t.provider_id', 't.location_id')} as schedule_ref, s.start, make_interval(mins => t.slot_minutes) as length,
          t.label, t.appointment_type_ids, t.is_same_day_hold,
          case when exists (select 1 from appointments as a where a.organization_id = t.organization_id and a.provider_id = t.provider_id
            and a.status not in ('cancelled', 'no-show', 'entered-in-error', 'left-without-being-seen')
            and a.starts_at < s.start + make_interval(mins => t.slot_minutes) and a.ends_at > s.start) then 'busy' else 'free' end as status
        from schedule_templates as t
        join locations as l on l.id = t.location_id
        cross join lateral generate_series((now() at time zone l.time_zone)::date::timestamp, ((now() at time zone l.time_zone)::date + ${SLOT_DAYS - 1}::int)::timestamp, interval '1 day') as d(day)
        cross join lateral generate_series(((d.day::date + t.starts_at_local) at time zone l.time_zone),
          ((d.day::date + t.ends_at_local) at time zone l.time_zone) - make_interval(mins => t.slot_minutes), make_interval(mins => t.slot_minutes)) as s(start)
        where t.organization_id = ${organizationId} and extract(dow from d.day) = t.weekday
          and d.day::date >= t.effective_from and (t.effective_until is null or d.day::date <= t.effective_until)
      ) as g${generatedWithId}
      union all
      select * from ${storedSource('Slot', organizationId, id, {
        schedule_ref: (r) => referencedId(sql`${r}->'schedule'`, 'Schedule'),
        start: (r) => fhirInstant(sql`${r}->>'start'`),
        status: (r) => sql`${r}->>'status'`,
      })} as stored
    )`;
  },
  toResource(candidate) {
    if (candidate.stored && candidate.isFresh) return candidate.stored;
    const row = candidate.row ?? {};
    const types = Array.isArray(row.appointmentTypeIds) ? (row.appointmentTypeIds as string[]) : [];
    const slot: Slot = {
      resourceType: 'Slot',
      schedule: { reference: `Schedule/${String(row.scheduleRef)}` },
      status: row.status === 'busy' ? 'busy' : 'free',
      start: new Date(String(row.start)).toISOString(),
      end: new Date(String(row.end)).toISOString(),
      ...(types.length ? { appointmentType: { coding: types.map((code) => ({ system: 'http://medassist.example/fhir/CodeSystem/appointment-type', code })) } } : {}),
      ...(row.label ? { comment: String(row.label) } : {}),
      ...(row.isSameDayHold === true ? { serviceCategory: [{ text: 'same-day hold' }] } : {}),
    };
    return slot;
  },
  validate(resource) {
    const slot = resource as Slot & Record<string, unknown>;
    check.code(slot.status, 'Slot.status', ['busy', 'free', 'busy-unavailable', 'busy-tentative', 'entered-in-error']);
    check.object(slot.schedule, 'Slot.schedule');
    check.dateTime(slot.start, 'Slot.start');
    check.dateTime(slot.end, 'Slot.end');
    if (new Date(slot.end) < new Date(slot.start)) throw new FhirError(422, 'invalid', 'Slot.end must not be before Slot.start.', { expression: ['Slot.end'] });
    checkIdentifiers(slot.identifier, 'Slot.identifier');
  },
};
