import { sql } from 'kysely';
import type { Schedule } from '@medplum/fhirtypes';
import type { ResourceDefinition } from '../core/resource-definition.js';
import { lastUpdatedKey } from '../search/search-columns.js';

/** The Schedule id of a provider at a location: md5 of both ids (two UUIDs do not fit a 64-character FHIR id). */
export const scheduleIdSql = (provider: string, location: string) => sql<string>`md5(${sql.ref(provider)}::text || '/' || ${sql.ref(location)}::text)`;

/**
 * Schedule: a provider's templates at one location (one Schedule per provider and location),
 * generated and read-only (templates are kept in the app's schedule setup).
 */
export const scheduleDefinition: ResourceDefinition = {
  type: 'Schedule',
  interactions: ['read', 'search-type'],
  searchParameters: [
    { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id.' },
    { name: 'actor', type: 'reference', match: 'reference', target: 'Practitioner', column: 'provider_ref', documentation: 'The provider (a staff member) whose templates these are.' },
  ],
  sorts: { _id: sql<string>`r.id`, _lastUpdated: lastUpdatedKey },
  policy: { read: 'schedule.view', search: 'schedule.view' },
  source(organizationId, _actor, id) {
    return sql`(
      select g.id, g.version_id, g.last_updated, null::text as resource_text, false as is_fresh,
        jsonb_build_object('provider_id', g.provider_id, 'provider_name', g.provider_name, 'location_id', g.location_id, 'location_name', g.location_name,
          'starts_on', g.starts_on, 'ends_on', g.ends_on, 'labels', g.labels)::text as row_text,
        null::uuid as patient_id, false as deleted, g.provider_id::text as provider_ref
      from (
        select ${scheduleIdSql('t.provider_id', 't.location_id')} as id, t.provider_id, t.location_id, s.display_name as provider_name, l.name as location_name,
          sum(t.version)::int as version_id, l.created_at as last_updated,
          min(t.effective_from)::text as starts_on, case when bool_and(t.effective_until is not null) then max(t.effective_until)::text end as ends_on,
          array_remove(array_agg(distinct nullif(t.label, '')), null) as labels
        from schedule_templates as t
        join staff_members as s on s.id = t.provider_id
        join locations as l on l.id = t.location_id
        where t.organization_id = ${organizationId}
        group by t.provider_id, t.location_id, s.display_name, l.name, l.created_at
      ) as g${id === undefined ? sql`` : sql` where g.id = ${id}`}
    )`;
  },
  toResource(candidate) {
    const row = candidate.row ?? {};
    const labels = Array.isArray(row.labels) ? (row.labels as string[]) : [];
    const schedule: Schedule = {
      resourceType: 'Schedule',
      active: true,
      actor: [
        { reference: `Practitioner/${String(row.providerId)}`, display: String(row.providerName) },
        { reference: `Location/${String(row.locationId)}`, display: String(row.locationName) },
      ],
      planningHorizon: { start: String(row.startsOn), ...(row.endsOn ? { end: String(row.endsOn) } : {}) },
      ...(labels.length ? { comment: labels.join('; ') } : {}),
    };
    return schedule;
  },
};
