import { sql } from 'kysely';
import type { Task } from '@medplum/fhirtypes';
import type { TaskStatus } from '../../../platform/tasks/tasks.table.js';
import { isUuid } from '../core/fhir-values.js';
import type { ResourceDefinition } from '../core/resource-definition.js';
import { lastUpdatedKey } from '../search/search-columns.js';

export const TASK_KIND_SYSTEM = 'http://medassist.example/fhir/CodeSystem/task-kind';
/** A role pool as a Task owner: a logical reference (identifier), since pools are not FHIR resources here. */
export const TASK_POOL_SYSTEM = 'http://medassist.example/fhir/CodeSystem/task-pool';

export const fhirTaskStatus: Record<TaskStatus, NonNullable<Task['status']>> = {
  open: 'requested', claimed: 'in-progress', completed: 'completed', cancelled: 'cancelled',
};

/**
 * Task: the inbox's tasks, read-only (they are worked in the app). `for` is the patient, `owner` the
 * staff member (Practitioner) or the role pool (a logical reference with system TASK_POOL_SYSTEM),
 * `focus` the record the task is about when it names one.
 */
export const taskDefinition: ResourceDefinition = {
  type: 'Task',
  interactions: ['read', 'search-type'],
  searchParameters: [
    { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id.' },
    { name: 'patient', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'The patient the task is for.' },
    { name: 'owner', type: 'reference', match: 'reference', target: 'Practitioner', column: 'owner_ref', documentation: 'Practitioner/<staff id>, or a role pool by name (e.g. owner=front-desk).' },
    { name: 'status', type: 'token', match: 'code', column: 'status', documentation: 'requested | in-progress | completed | cancelled.' },
    { name: 'priority', type: 'token', match: 'code', column: 'priority', documentation: 'routine | urgent | stat.' },
  ],
  sorts: { _id: sql<string>`r.id`, priority: sql<string>`r.priority_rank`, _lastUpdated: lastUpdatedKey },
  policy: { read: 'task.read', search: 'task.read' },
  source(organizationId, actor, id) {
    const servesRestricted = actor.kind === 'client';
    const withId = id === undefined ? sql`` : sql` and t.id = ${isUuid(id) ? id : null}::uuid`;
    return sql`(
      select t.id::text as id, t.version as version_id,
        greatest(t.created_at, t.claimed_at, t.completed_at, t.cancelled_at) as last_updated,
        null::text as resource_text, false as is_fresh,
        (to_jsonb(t) || jsonb_build_object('patient_ref', coalesce(fp.id, t.patient_id::text),
          -- the focus's FHIR id when it was sent through FHIR beside a clinical row (an Observation's critical-value task)
          'focus_ref', coalesce((select x.id from fhir_resources as x where x.organization_id = t.organization_id and x.resource_type = t.focus_type and x.row_id::text = t.focus_id::text), t.focus_id::text)))::text as row_text,
        t.patient_id, false as deleted,
        coalesce(fp.id, t.patient_id::text) as patient_ref,
        coalesce(t.owner_staff_id::text, t.owner_pool) as owner_ref,
        case t.status when 'open' then 'requested' when 'claimed' then 'in-progress' else t.status end as status,
        t.priority, case t.priority when 'stat' then '1' when 'urgent' then '2' else '3' end as priority_rank
      from tasks as t
      left join patients as p on p.id = t.patient_id
      left join lateral (select x.id from fhir_resources as x where x.organization_id = t.organization_id and x.resource_type = 'Patient' and x.patient_id = t.patient_id order by x.id limit 1) as fp on true
      where t.organization_id = ${organizationId}${withId} and (${servesRestricted} or p.id is null or not p.is_restricted)
    )`;
  },
  toResource(candidate) {
    const row = candidate.row ?? {};
    const iso = (value: unknown) => (value ? new Date(String(value)).toISOString() : undefined);
    const status = String(row.status) as TaskStatus;
    const task: Task = {
      resourceType: 'Task',
      status: fhirTaskStatus[status] ?? 'requested',
      intent: 'order',
      priority: row.priority as Task['priority'],
      code: { coding: [{ system: TASK_KIND_SYSTEM, code: String(row.kind) }], text: String(row.title) },
      ...(row.description ? { description: String(row.description) } : {}),
      ...(row.patientRef ? { for: { reference: `Patient/${String(row.patientRef)}` } } : {}),
      ...(row.focusType && row.focusId ? { focus: { reference: `${String(row.focusType)}/${String(row.focusRef ?? row.focusId)}` } } : {}),
      authoredOn: iso(row.createdAt)!,
      lastModified: candidate.lastUpdated.toISOString(),
      ...(row.createdBy ? { requester: { reference: `Practitioner/${String(row.createdBy)}` } } : {}),
      owner: row.ownerStaffId
        ? { reference: `Practitioner/${String(row.ownerStaffId)}` }
        : { identifier: { system: TASK_POOL_SYSTEM, value: String(row.ownerPool) }, display: `${String(row.ownerPool)} pool` },
      ...(row.dueAt ? { restriction: { period: { end: iso(row.dueAt)! } } } : {}),
      ...(status === 'cancelled' && row.cancelReason ? { statusReason: { text: String(row.cancelReason) } } : {}),
    };
    return task;
  },
  auditPatientId: (candidate) => candidate.patientId,
};
