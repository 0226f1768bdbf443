import { sql, type RawBuilder } from 'kysely';
import type { Location, Organization, Practitioner, Resource } from '@medplum/fhirtypes';
import { check, checkAddresses, checkHumanNames, checkIdentifiers, checkTelecom, isUuid } from '../core/fhir-values.js';
import type { ResourceDefinition, SearchParameterDefinition } from '../core/resource-definition.js';
import { humanNameParts, identifiersOf, lastUpdatedKey, nameAndAliases } from '../search/search-columns.js';

export const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';

/** Imported resources of a type: stored as sent, never mapped onto Medassist rows. */
function storedOnly(type: string, organizationId: string, names: (resource: RawBuilder<unknown>) => RawBuilder<string[]>, id: string | undefined): RawBuilder<unknown> {
  return sql`
    select f.id, f.version_id, f.last_updated, f.resource::text as resource_text, true as is_fresh, null::text as row_text,
      null::uuid as patient_id, f.deleted, ${names(sql`f.resource`)} as names, ${identifiersOf(sql`f.resource`)} as identifiers
    from fhir_resources as f where f.organization_id = ${organizationId} and f.resource_type = ${type}${id === undefined ? sql`` : sql` and f.id = ${id}`}`;
}

const directoryParameters: SearchParameterDefinition[] = [
  { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id.' },
  { name: 'name', type: 'string', match: 'strings', column: 'names', documentation: 'Any part of the name; starts-with, :exact, :contains.' },
  { name: 'identifier', type: 'token', match: 'identifier', column: 'identifiers', documentation: 'system|value.' },
];
const directorySorts = { _id: sql<string>`r.id`, name: sql<string>`lower(r.names[1])`, _lastUpdated: lastUpdatedKey };
const directoryInteractions = ['read', 'vread', 'update', 'history-instance', 'create', 'search-type'] as const;
const directoryPolicy = { read: 'directory.read', search: 'directory.read', write: 'directory.import-outside-party' } as const;

/** With an id: only the Medassist row with that uuid (ids that are not uuids name imported resources only). */
const rowWithId = (column: string, id: string | undefined) => (id === undefined ? sql`` : sql` and ${sql.ref(column)} = ${isUuid(id) ? id : null}::uuid`);

/** Our own records are served as generated resources; imported ones as sent. */
const fromRow = <T extends Resource>(candidate: { stored: Resource | null; isFresh: boolean; row: Record<string, unknown> | null }, build: (row: Record<string, unknown>) => T): Resource =>
  candidate.stored && candidate.isFresh ? candidate.stored : build(candidate.row ?? {});

/**
 * Practitioner: every staff member (read-only here; accounts are kept in the staff directory),
 * plus outside clinicians imported through FHIR, which are stored as sent and never become staff.
 */
export const practitionerDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'Practitioner',
  interactions: directoryInteractions,
  searchParameters: directoryParameters,
  sorts: directorySorts,
  policy: directoryPolicy,
  source(organizationId, _actor, id) {
    return sql`(
      select s.id::text as id, s.version as version_id, s.created_at as last_updated, null::text as resource_text, false as is_fresh,
        jsonb_build_object('id', s.id, 'display_name', s.display_name, 'credentials', s.credentials, 'npi', s.npi, 'is_active', s.is_active)::text as row_text,
        null::uuid as patient_id, false as deleted, array[s.display_name] || regexp_split_to_array(s.display_name, '[[:space:]]+') as names,
        case when s.npi is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object('system', ${NPI_SYSTEM}::text, 'value', s.npi)) end as identifiers
      from staff_members as s where s.organization_id = ${organizationId}${rowWithId('s.id', id)}
      union all ${storedOnly('Practitioner', organizationId, (resource) => humanNameParts(resource, 'all'), id)}
    )`;
  },
  toResource: (candidate) =>
    fromRow<Practitioner>(candidate, (row) => {
      const words = String(row.displayName).trim().split(/\s+/);
      return {
        resourceType: 'Practitioner',
        ...(row.npi ? { identifier: [{ system: NPI_SYSTEM, value: String(row.npi) }] } : {}),
        active: row.isActive === true,
        name: [{ text: String(row.displayName), ...(words.length > 1 ? { family: words.at(-1)!, given: words.slice(0, -1) } : {}), ...(row.credentials ? { suffix: [String(row.credentials)] } : {}) }],
      };
    }),
  validate(resource) {
    const practitioner = resource as Practitioner & Record<string, unknown>;
    checkIdentifiers(practitioner.identifier, 'Practitioner.identifier');
    checkHumanNames(practitioner.name, 'Practitioner.name');
    checkTelecom(practitioner.telecom, 'Practitioner.telecom');
    checkAddresses(practitioner.address, 'Practitioner.address');
    if (practitioner.birthDate !== undefined) check.date(practitioner.birthDate, 'Practitioner.birthDate');
  },
};

/** Organization: our own (the tenant) read-only; imported ones describe outside parties and never create tenants. */
export const organizationDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'Organization',
  interactions: directoryInteractions,
  searchParameters: directoryParameters,
  sorts: directorySorts,
  policy: directoryPolicy,
  source(organizationId, _actor, id) {
    return sql`(
      select o.id::text as id, 1 as version_id, o.created_at as last_updated, null::text as resource_text, false as is_fresh,
        jsonb_build_object('id', o.id, 'name', o.name)::text as row_text, null::uuid as patient_id, false as deleted,
        array[o.name] as names, '[]'::jsonb as identifiers
      from organizations as o where o.id = ${organizationId}${rowWithId('o.id', id)}
      union all ${storedOnly('Organization', organizationId, nameAndAliases, id)}
    )`;
  },
  toResource: (candidate) => fromRow<Organization>(candidate, (row) => ({ resourceType: 'Organization', active: true, name: String(row.name) })),
  validate(resource) {
    const organization = resource as Organization & Record<string, unknown>;
    checkIdentifiers(organization.identifier, 'Organization.identifier');
    if (organization.name !== undefined) check.string(organization.name, 'Organization.name');
    checkTelecom(organization.telecom, 'Organization.telecom');
    checkAddresses(organization.address, 'Organization.address');
  },
};

/** Location: the clinic's own locations read-only; imported ones describe outside places and never become clinic locations. */
export const locationDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'Location',
  interactions: directoryInteractions,
  searchParameters: directoryParameters,
  sorts: directorySorts,
  policy: directoryPolicy,
  source(organizationId, _actor, id) {
    return sql`(
      select l.id::text as id, l.version as version_id, l.created_at as last_updated, null::text as resource_text, false as is_fresh,
        jsonb_build_object('id', l.id, 'organization_id', l.organization_id, 'name', l.name, 'address_line1', l.address_line1, 'address_line2', l.address_line2,
          'city', l.city, 'state', l.state, 'postal_code', l.postal_code, 'phone', l.phone, 'is_active', l.is_active)::text as row_text,
        null::uuid as patient_id, false as deleted, array[l.name] as names, '[]'::jsonb as identifiers
      from locations as l where l.organization_id = ${organizationId}${rowWithId('l.id', id)}
      union all ${storedOnly('Location', organizationId, nameAndAliases, id)}
    )`;
  },
  toResource: (candidate) =>
    fromRow<Location>(candidate, (row) => {
      const line = [row.addressLine1, row.addressLine2].filter((value): value is string => typeof value === 'string' && value !== '');
      const address = Object.fromEntries(
        Object.entries({ line, city: row.city, state: row.state, postalCode: row.postalCode }).filter(([, value]) => value !== '' && !(Array.isArray(value) && value.length === 0)),
      );
      return {
        resourceType: 'Location',
        status: row.isActive === true ? 'active' : 'inactive',
        name: String(row.name),
        mode: 'instance',
        ...(row.phone ? { telecom: [{ system: 'phone', value: String(row.phone) }] } : {}),
        ...(Object.keys(address).length ? { address } : {}),
        managingOrganization: { reference: `Organization/${String(row.organizationId)}` },
      };
    }),
  validate(resource) {
    const location = resource as Location & Record<string, unknown>;
    checkIdentifiers(location.identifier, 'Location.identifier');
    if (location.name !== undefined) check.string(location.name, 'Location.name');
    if (location.status !== undefined) check.code(location.status, 'Location.status', ['active', 'suspended', 'inactive']);
    checkTelecom(location.telecom, 'Location.telecom');
    if (location.address !== undefined) check.object(location.address, 'Location.address');
  },
};
