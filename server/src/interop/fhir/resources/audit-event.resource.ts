import { sql } from 'kysely';
import type { AuditEvent } from '@medplum/fhirtypes';
import type { ResourceDefinition } from '../core/resource-definition.js';
import { lastUpdatedKey } from '../search/search-columns.js';

const ACTION_SYSTEM = 'http://medassist.example/fhir/CodeSystem/audit-action';
const crudeAction: Record<string, AuditEvent['action']> = { read: 'R', search: 'E', create: 'C', update: 'U', merge: 'U', export: 'R', print: 'R', disclose: 'R' };
const outcomeCode: Record<string, AuditEvent['outcome']> = { success: '0', refused: '4', failure: '8' };

/** AuditEvent: the clinic's audit trail, read-only (entries are written by the app, never through FHIR). */
export const auditEventDefinition: ResourceDefinition = {
  type: 'AuditEvent',
  interactions: ['read', 'search-type'],
  searchParameters: [
    { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id (the audit entry number).' },
    { name: 'patient', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'Entries about this patient.' },
    { name: 'date', type: 'date', match: 'instant', column: 'last_updated', documentation: 'When the event was recorded, with eq, ne, gt, lt, ge, le, sa, eb prefixes.' },
  ],
  sorts: { _id: sql<string>`lpad(r.id, 20, '0')`, date: lastUpdatedKey, _lastUpdated: lastUpdatedKey },
  policy: { read: 'audit-event.read', search: 'audit-event.read' },
  source(organizationId, _actor, id) {
    // The id's text order follows its number only when padded, so ids are compared as text by the pager and
    // sorted numerically through the sort key.
    return sql`(
      select a.id::text as id, 1 as version_id, a.occurred_at as last_updated, null::text as resource_text, false as is_fresh,
        jsonb_build_object('occurred_at', a.occurred_at, 'actor_kind', a.actor_kind, 'actor_id', a.actor_id, 'actor_name', a.actor_name,
          'action', a.action, 'outcome', a.outcome, 'record_type', a.record_type, 'record_id', a.record_id,
          'patient_ref', coalesce(p.id, a.patient_id::text), 'client_address', a.client_address, 'request_id', a.request_id)::text as row_text,
        a.patient_id, false as deleted, coalesce(p.id, a.patient_id::text) as patient_ref
      from audit_events as a
      left join fhir_resources as p on p.organization_id = a.organization_id and p.resource_type = 'Patient' and p.patient_id = a.patient_id
      where a.organization_id = ${organizationId}${id === undefined ? sql`` : sql` and a.id = ${/^\d{1,18}$/.test(id) ? id : null}::bigint`}
    )`;
  },
  toResource(candidate) {
    const row = candidate.row ?? {};
    const action = String(row.action);
    const who = row.actorKind === 'staff' && row.actorId
      ? { reference: `Practitioner/${String(row.actorId)}`, display: String(row.actorName) }
      : { display: String(row.actorName || row.actorKind), ...(row.actorId ? { identifier: { system: 'http://medassist.example/fhir/oauth-client', value: String(row.actorId) } } : {}) };
    const event: AuditEvent = {
      resourceType: 'AuditEvent',
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
      subtype: [{ system: ACTION_SYSTEM, code: action }],
      ...(crudeAction[action] ? { action: crudeAction[action] } : {}),
      recorded: new Date(String(row.occurredAt)).toISOString(),
      outcome: outcomeCode[String(row.outcome)] ?? '0',
      agent: [{ who, requestor: true, ...(row.clientAddress ? { network: { address: String(row.clientAddress), type: '2' as const } } : {}) }],
      source: { observer: { display: 'Medassist' } },
      entity: [
        ...(row.patientRef ? [{ what: { reference: `Patient/${String(row.patientRef)}` }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1' } }] : []),
        ...(row.recordType && row.recordId && row.recordType !== 'Patient'
          ? [{ what: { identifier: { system: `http://medassist.example/fhir/record/${String(row.recordType)}`, value: String(row.recordId) } } }]
          : []),
      ],
    };
    return event;
  },
  auditPatientId: (candidate) => candidate.patientId,
};
