import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Encounter, Resource } from '@medplum/fhirtypes';
import type { EncounterStatus } from '../../../exam-room/exam-room.table.js';
import { check, isUuid } from '../core/fhir-values.js';
import { FhirError } from '../core/operation-outcome.js';
import type { ResourceDefinition, WriteResult } from '../core/resource-definition.js';
import { lastUpdatedKey } from '../search/search-columns.js';
import { fhirInstant, freshOr, idOf, isoOf, mappedSource, patientResolutionOf, resolvePatientIds, resolvePatientReference, staffMemberIds, staffMemberOf } from './clinical-source.js';

const STATUSES = ['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled', 'entered-in-error', 'unknown'] as const;
/** FHIR Encounter.status → our encounter status (the flow's arrived/triaged/on-leave are all in progress). */
const rowStatus: Record<(typeof STATUSES)[number], EncounterStatus> = {
  planned: 'planned', arrived: 'in-progress', triaged: 'in-progress', 'in-progress': 'in-progress', onleave: 'in-progress',
  finished: 'finished', unknown: 'finished', cancelled: 'cancelled', 'entered-in-error': 'entered-in-error',
};
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const VISIT_TYPE_SYSTEM = 'http://medassist.example/fhir/CodeSystem/visit-type';

function validateEncounter(resource: Resource): void {
  const encounter = resource as Encounter & Record<string, unknown>;
  check.code(encounter.status, 'Encounter.status', STATUSES);
  check.object(encounter.class, 'Encounter.class');
  if (encounter.period !== undefined) {
    check.object(encounter.period, 'Encounter.period');
    if (encounter.period.start !== undefined) check.dateTime(encounter.period.start, 'Encounter.period.start');
    if (encounter.period.end !== undefined) check.dateTime(encounter.period.end, 'Encounter.period.end');
    if (encounter.period.start && encounter.period.end && fhirStart(String(encounter.period.end)) < fhirStart(String(encounter.period.start))) {
      throw new FhirError(422, 'invalid', 'Encounter.period.end must not be before its start.', { expression: ['Encounter.period.end'] });
    }
  }
  if (encounter.subject !== undefined) check.object(encounter.subject, 'Encounter.subject');
  check.each(encounter.participant, 'Encounter.participant', () => undefined);
  check.each(encounter.reasonCode, 'Encounter.reasonCode', () => undefined);
  check.each(encounter.location, 'Encounter.location', (location, at) => check.object(location.location, `${at}.location`));
}

/** A FHIR date/dateTime as the instant it starts at. */
function fhirStart(value: string): Date {
  return new Date(value.length <= 10 ? `${value.padEnd(10, '-01').slice(0, 10)}T00:00:00Z` : value);
}

const reasonOf = (encounter: Encounter) => (encounter.reasonCode ?? []).map((concept) => concept.text ?? concept.coding?.[0]?.display ?? '').filter((text) => text !== '').join('; ').slice(0, 1000);

function fromRow(row: Record<string, unknown>, stored: Encounter | null): Encounter {
  const status = String(row.status) as EncounterStatus;
  const { participant: _participant, period: _period, location: _location, ...rest } = stored ?? ({} as Encounter);
  void _participant; void _period; void _location;
  const ours = (reference: string | undefined) => /^(?:.*\/)?(Practitioner|Location)\//.test(reference ?? '');
  return {
    ...rest,
    resourceType: 'Encounter',
    status: stored && rowStatus[stored.status] === status ? stored.status : status,
    class: stored?.class ?? { system: ACT_CODE, code: 'AMB', display: 'ambulatory' },
    ...(stored?.type ? {} : { type: [{ coding: [{ system: VISIT_TYPE_SYSTEM, code: String(row.visitType) }], text: String(row.visitType) }] }),
    subject: { reference: `Patient/${String(row.patientRef)}` },
    participant: [
      ...(row.providerId ? [{ individual: { reference: `Practitioner/${String(row.providerId)}` } }] : []),
      ...(stored?.participant ?? []).filter((participant) => !ours(participant.individual?.reference)),
    ],
    period: { start: isoOf(row.startedAt)!, ...(row.endedAt ? { end: isoOf(row.endedAt)! } : {}) },
    ...(stored?.reasonCode ? {} : row.reasonForVisit || row.chiefComplaint ? { reasonCode: [{ text: String(row.reasonForVisit || row.chiefComplaint) }] } : {}),
    ...(row.appointmentId && !stored?.appointment ? { appointment: [{ reference: `Appointment/${String(row.appointmentId)}` }] } : {}),
    location: [
      ...(row.locationId ? [{ location: { reference: `Location/${String(row.locationId)}` } }] : []),
      ...(stored?.location ?? []).filter((location) => !ours(location.location?.reference)),
    ],
  };
}

/** The encounters row's fields for an Encounter of a register patient (one by one and in batches alike). */
function encounterFields(encounter: Encounter, patientId: string, providerId: string | null, locationId: string | null, versionId: number, now: Date) {
  const startedAt = encounter.period?.start ? fhirStart(encounter.period.start) : encounter.period?.end ? fhirStart(encounter.period.end) : now;
  const endedAt = encounter.period?.end ? fhirStart(encounter.period.end) : null;
  return {
    patientId, providerId, locationId, status: rowStatus[encounter.status],
    startedAt, endedAt: endedAt && endedAt >= startedAt ? endedAt : null, reasonForVisit: reasonOf(encounter), version: versionId, updatedAt: now,
  };
}

/**
 * Encounter: the clinic's encounters (a visit's clinical record, opened at rooming), with the JSON
 * last sent kept beside. An encounter sent through FHIR (an outside or historical visit) becomes an
 * encounters row with source fhir: status, period, the clinic's provider and location when the
 * references name them, the reason. Encounters of a Patient off the register are kept as sent.
 */
export const encounterDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'Encounter',
  interactions: ['read', 'vread', 'update', 'history-instance', 'create', 'search-type'],
  searchParameters: [
    { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id.' },
    { name: 'patient', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'The patient (subject).' },
    { name: 'subject', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'The patient the encounter is with.' },
    { name: 'date', type: 'date', match: 'instant', column: 'started', documentation: 'Start of the encounter, with eq, ne, gt, lt, ge, le, sa, eb prefixes.' },
    { name: 'status', type: 'token', match: 'code', column: 'status', documentation: 'planned | arrived | triaged | in-progress | onleave | finished | cancelled | entered-in-error | unknown.' },
  ],
  sorts: { _id: sql<string>`r.id`, date: sql<string>`to_char(r.started at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`, _lastUpdated: lastUpdatedKey },
  policy: { read: 'history.read', search: 'history.read', write: 'history.record' },
  source(organizationId, actor, id) {
    return mappedSource({
      type: 'Encounter',
      table: 'encounters',
      rowUpdatedAt: sql`o.updated_at`,
      patientElement: 'subject',
      columns: {
        started: { json: (r) => fhirInstant(sql`${r}->'period'->>'start'`), row: sql`o.started_at` },
        status: { json: (r) => sql`${r}->>'status'`, row: sql`o.status` },
      },
    }, organizationId, actor, id);
  },
  toResource: (candidate) => freshOr<Encounter>(candidate, fromRow),
  validate: validateEncounter,
  auditPatientId: (candidate) => candidate.patientId,
  async writeMapped(trx, context, { resource, current, versionId, now }) {
    const encounter = resource as Encounter;
    const patient = await resolvePatientReference(trx, context.organizationId, encounter.subject, 'Encounter.subject');
    const previousRowId = current?.row ? String(current.row.id) : null;
    if (patient.kind !== 'register') return { patientId: null, rowId: previousRowId, warnings: [] };
    let providerId: string | null = null;
    for (const participant of encounter.participant ?? []) providerId ??= await staffMemberOf(trx, context.organizationId, participant.individual);
    const locationRef = (encounter.location ?? []).map((location) => idOf(location.location, 'Location')).find((value) => value && isUuid(value));
    const location = locationRef
      ? await trx.selectFrom('locations').select('id').where('organizationId', '=', context.organizationId).where('id', '=', locationRef).executeTakeFirst()
      : undefined;
    const fields = encounterFields(encounter, patient.patientId, providerId, location?.id ?? null, versionId, now);
    if (previousRowId) {
      await trx.updateTable('encounters').set(fields).where('id', '=', previousRowId).where('organizationId', '=', context.organizationId).execute();
      return { patientId: null, auditPatientId: patient.patientId, rowId: previousRowId, warnings: [] };
    }
    const row = await trx
      .insertInto('encounters')
      .values({ organizationId: context.organizationId, ...fields, source: context.source ?? 'fhir' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { patientId: null, auditPatientId: patient.patientId, rowId: row.id, warnings: [] };
  },
  async writeMappedBatch(trx, context, writes) {
    const organizationId = context.organizationId;
    const encounters = writes.map((write) => write.resource as Encounter);
    const patients = await resolvePatientIds(trx, organizationId, encounters.map((encounter) => idOf(encounter.subject, 'Patient')).filter((id): id is string => !!id));
    const staff = await staffMemberIds(trx, organizationId, encounters.flatMap((encounter) => (encounter.participant ?? []).map((participant) => idOf(participant.individual, 'Practitioner')).filter((id): id is string => !!id)));
    const locationRefOf = (encounter: Encounter) => (encounter.location ?? []).map((location) => idOf(location.location, 'Location')).find((value) => value && isUuid(value));
    const locationIds = [...new Set(encounters.map(locationRefOf).filter((id): id is string => !!id))];
    const locations = new Set(locationIds.length ? (await trx.selectFrom('locations').select('id').where('organizationId', '=', organizationId).where('id', 'in', locationIds).execute()).map((row) => row.id) : []);
    const results: Array<WriteResult | { error: unknown }> = [];
    const rows: Array<ReturnType<typeof encounterFields> & { id: string }> = [];
    for (const [index, encounter] of encounters.entries()) {
      try {
        const patient = patientResolutionOf(encounter.subject, 'Encounter.subject', (id) => patients.get(id));
        if (patient.kind !== 'register') {
          results.push({ patientId: null, rowId: null, warnings: [] });
          continue;
        }
        const providerId = (encounter.participant ?? []).map((participant) => idOf(participant.individual, 'Practitioner')).find((id) => id && staff.has(id)) ?? null;
        const locationRef = locationRefOf(encounter);
        const fields = encounterFields(encounter, patient.patientId, providerId, locationRef && locations.has(locationRef) ? locationRef : null, 1, writes[index]!.now);
        const id = randomUUID();
        rows.push({ ...fields, id });
        results.push({ patientId: null, auditPatientId: patient.patientId, rowId: id, warnings: [] });
      } catch (error) {
        results.push({ error });
      }
    }
    for (let start = 0; start < rows.length; start += 500) {
      await trx.insertInto('encounters').values(rows.slice(start, start + 500).map((row) => ({ organizationId, ...row, source: context.source ?? 'fhir' }))).execute();
    }
    return results;
  },
};
