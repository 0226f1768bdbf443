import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Reference, Resource } from '@medplum/fhirtypes';
import type { Actor } from '../../../platform/auth/actor.js';
import type { Database } from '../../../platform/db/schema.js';
import { FhirError } from '../core/operation-outcome.js';
import { isUuid } from '../core/fhir-values.js';
import type { Candidate } from '../core/resource-definition.js';

// Shared pieces of the clinical types (Encounter, Observation, Condition, AllergyIntolerance,
// MedicationStatement/Request, Immunization) and the stored-as-sent ones (PractitionerRole,
// Communication, DocumentReference, Slot): their SQL source relations and reference checks.

/** A JSON array at `path` of `resource`, or an empty array when it is missing or not an array. */
const arrayAt = (value: RawBuilder<unknown>) => sql`case when jsonb_typeof(${value}) = 'array' then ${value} else '[]'::jsonb end`;

/** Every coding of one CodeableConcept as `code` and `system|code` (token search). */
export function conceptTokens(concept: RawBuilder<unknown>): RawBuilder<string[]> {
  return sql<string[]>`array(select t from jsonb_array_elements(${arrayAt(sql`${concept}->'coding'`)}) as c(v),
    lateral (select c.v->>'code' union all select (c.v->>'system') || '|' || (c.v->>'code')) as x(t) where t is not null)`;
}

/** Every coding of a list of CodeableConcepts (e.g. Observation.category). */
export function conceptListTokens(concepts: RawBuilder<unknown>): RawBuilder<string[]> {
  return sql<string[]>`array(select t from jsonb_array_elements(${arrayAt(concepts)}) as k(v), jsonb_array_elements(${arrayAt(sql`k.v->'coding'`)}) as c(v),
    lateral (select c.v->>'code' union all select (c.v->>'system') || '|' || (c.v->>'code')) as x(t) where t is not null)`;
}

/** Tokens for one code held in a row (with its system when known). */
export function rowTokens(code: RawBuilder<unknown>, system: RawBuilder<unknown>): RawBuilder<string[]> {
  return sql<string[]>`array_remove(array[${code}::text, case when ${system} is not null and ${code} is not null then ${system}::text || '|' || ${code}::text end], null)`;
}

/** A FHIR date or dateTime (text, possibly partial) as the instant it starts at; null when it is not one. */
export function fhirInstant(value: RawBuilder<unknown>): RawBuilder<Date | null> {
  return sql<Date | null>`(case
    when ${value} ~ '^[0-9]{4}$' then (${value} || '-01-01T00:00:00Z')::timestamptz
    when ${value} ~ '^[0-9]{4}-[0-9]{2}$' then (${value} || '-01T00:00:00Z')::timestamptz
    when ${value} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then (${value} || 'T00:00:00Z')::timestamptz
    when ${value} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' then (${value})::timestamptz end)`;
}

/** The id a reference element (`{"reference": "Patient/123"}`) names for `type`, or null. */
export function referencedId(reference: RawBuilder<unknown>, type: string): RawBuilder<string | null> {
  return sql<string | null>`substring(${reference}->>'reference' from ${`^(?:.*/)?${type}/([A-Za-z0-9.-]{1,64})$`})`;
}

/** Every id a list of references (or of objects holding `key`: a reference) names for `type`. */
export function referencedIds(list: RawBuilder<unknown>, type: string, key?: string): RawBuilder<string[]> {
  const element = key ? sql`e.v->${key}` : sql`e.v`;
  return sql<string[]>`array(select x from jsonb_array_elements(${arrayAt(list)}) as e(v), lateral (select ${referencedId(element, type)}) as t(x) where x is not null)`;
}

/** A search column of a clinical type: from the JSON when it is the current version, else from the row (alias `o`). */
export interface ColumnSpec {
  json: (resource: RawBuilder<unknown>) => RawBuilder<unknown>;
  row: RawBuilder<unknown>;
}

export interface MappedSourceSpec {
  type: string;
  /** The clinical table (alias `o`; it has id, organization_id, patient_id, version). */
  table: string;
  /** Extra condition on the table's rows (e.g. `o.kind = 'request'`). */
  rowFilter?: RawBuilder<boolean>;
  /** When the row last changed (alias `o`), for rows changed in the app. */
  rowUpdatedAt: RawBuilder<unknown>;
  /** The element of the JSON that names the patient (`subject` or `patient`). */
  patientElement: 'subject' | 'patient';
  /** Extra fields added to the row JSON the resource is generated from (alias `o`). */
  rowExtras?: RawBuilder<unknown>;
  columns: Record<string, ColumnSpec>;
}

/**
 * The source relation of a mapped clinical type: the clinical rows ∪ the JSON last sent through FHIR
 * (kept beside the row by fhir_resources.row_id; JSON without a row is a resource stored as sent).
 * `patient_ref` is the FHIR id of the patient (the stored Patient's id when the patient came in through FHIR).
 */
export function mappedSource(spec: MappedSourceSpec, organizationId: string, actor: Actor, id?: string): RawBuilder<unknown> {
  const servesRestricted = actor.kind === 'client';
  const asUuid = id !== undefined && isUuid(id) ? id : null;
  const rowsWithId = id === undefined ? sql`` : sql` and (o.id = ${asUuid}::uuid or o.id = (select x.row_id from fhir_resources as x where x.organization_id = ${organizationId} and x.resource_type = ${spec.type} and x.id = ${id}))`;
  const storedWithId = id === undefined ? sql`` : sql` and (f.id = ${id} or f.row_id = ${asUuid}::uuid)`;
  const fresh = sql<boolean>`(f.id is not null and (o.id is null or f.version_id = o.version))`;
  const stored = sql`coalesce(f.resource, '{}'::jsonb)`;
  const patientRef = sql`coalesce(fp.id, o.patient_id::text)`;
  const columns = Object.entries(spec.columns).map(([name, column]) => sql`case when ${fresh} then ${column.json(stored)} else ${column.row} end as ${sql.ref(name)}`);
  return sql`(
    select coalesce(f.id, o.id::text) as id, coalesce(o.version, f.version_id) as version_id,
      case when ${fresh} then f.last_updated else ${spec.rowUpdatedAt} end as last_updated,
      f.resource::text as resource_text, ${fresh} as is_fresh,
      case when o.id is null then null else (to_jsonb(o) || jsonb_build_object('patient_ref', ${patientRef}) ${spec.rowExtras ? sql`|| ${spec.rowExtras}` : sql``})::text end as row_text,
      o.patient_id, coalesce(f.deleted, false) as deleted,
      case when o.id is not null then ${patientRef} else ${referencedId(sql`f.resource->${spec.patientElement}`, 'Patient')} end as patient_ref
      ${columns.length ? sql`, ${sql.join(columns)}` : sql``}
    from (select * from ${sql.table(spec.table)} as o where o.organization_id = ${organizationId}${spec.rowFilter ? sql` and ${spec.rowFilter}` : sql``}${rowsWithId}) as o
    full join (select * from fhir_resources as f where f.organization_id = ${organizationId} and f.resource_type = ${spec.type}${storedWithId}) as f on f.row_id = o.id
    left join patients as p on p.id = o.patient_id
    left join lateral (select x.id from fhir_resources as x where x.organization_id = ${organizationId} and x.resource_type = 'Patient' and x.patient_id = o.patient_id order by x.id limit 1) as fp on o.id is not null
    where (${servesRestricted} or p.id is null or not p.is_restricted) and not (o.id is null and f.row_id is not null)
  )`;
}

/**
 * The source relation of a type stored as sent (no Medassist table): `columns` are computed from
 * the JSON; `patient_ref` from `patientElement` when given.
 */
export function storedSource(type: string, organizationId: string, id: string | undefined, columns: Record<string, (resource: RawBuilder<unknown>) => RawBuilder<unknown>>, patientElement?: string): RawBuilder<unknown> {
  const computed = Object.entries(columns).map(([name, column]) => sql`${column(sql`f.resource`)} as ${sql.ref(name)}`);
  return sql`(
    select f.id, f.version_id, f.last_updated, f.resource::text as resource_text, true as is_fresh, null::text as row_text,
      null::uuid as patient_id, f.deleted,
      ${patientElement ? referencedId(sql`f.resource->${patientElement}`, 'Patient') : sql`null::text`} as patient_ref
      ${computed.length ? sql`, ${sql.join(computed)}` : sql``}
    from fhir_resources as f where f.organization_id = ${organizationId} and f.resource_type = ${type}${id === undefined ? sql`` : sql` and f.id = ${id}`}
  )`;
}

/** The id a reference names for `type` (`Patient/123`, a full URL ending so), or undefined. */
export function idOf(reference: Reference | undefined, type: string): string | undefined {
  const value = reference?.reference;
  if (typeof value !== 'string') return undefined;
  return new RegExp(`^(?:.*/)?${type}/([A-Za-z0-9.-]{1,64})$`).exec(value)?.[1];
}

/** What a patient reference names: a register row (mapped), a Patient kept as sent only (not on the register), or nothing. */
export type PatientResolution = { kind: 'register'; patientId: string; facts?: RegisterPatientFacts } | { kind: 'stored-only' };

/** What a reading's interpretation needs of the patient (age and sex), when the lookup found the register row directly. */
export interface RegisterPatientFacts { dateOfBirth: string; sexAtBirth: string }

/** The patient a reference names, from what `lookup` found for its id (the same refusals as one by one). */
export function patientResolutionOf(
  reference: Reference | undefined,
  path: string,
  lookup: (id: string) => { patientId: string | null; dateOfBirth?: string | null; sexAtBirth?: string | null } | undefined,
): PatientResolution {
  const id = idOf(reference, 'Patient');
  if (!id) throw new FhirError(422, 'required', `${path} must reference a Patient (Patient/<id>).`, { expression: [path] });
  const row = lookup(id);
  if (!row) throw new FhirError(422, 'not-found', `${path} references Patient/${id}, which is not known here.`, { expression: [path] });
  if (!row.patientId) return { kind: 'stored-only' };
  return row.dateOfBirth && row.sexAtBirth
    ? { kind: 'register', patientId: row.patientId, facts: { dateOfBirth: row.dateOfBirth, sexAtBirth: row.sexAtBirth } }
    : { kind: 'register', patientId: row.patientId };
}

/**
 * Resolves the patient a clinical resource names: the register row (Patient/<uuid>) or a Patient
 * stored through FHIR that maps to a register row. A reference to no Patient at all → 422.
 */
export async function resolvePatientReference(trx: Transaction<Database>, organizationId: string, reference: Reference | undefined, path: string): Promise<PatientResolution> {
  const id = idOf(reference, 'Patient');
  const found = id
    ? await sql<{ patientId: string | null; dateOfBirth: string | null; sexAtBirth: string | null }>`
    select p.id::text as patient_id, p.date_of_birth, p.sex_at_birth from patients as p
      where p.organization_id = ${organizationId} and p.id = ${isUuid(id) ? id : null}::uuid and p.status <> 'merged'
    union all
    select f.patient_id::text, null, null from fhir_resources as f where f.organization_id = ${organizationId} and f.resource_type = 'Patient' and f.id = ${id} and not f.deleted
    limit 1`.execute(trx)
    : { rows: [] };
  return patientResolutionOf(reference, path, () => found.rows[0]);
}

/**
 * The Patient ids many resources name, resolved in one query (imports): a register row by its id
 * first, else a Patient stored through FHIR (with the register row it maps to, or none).
 */
export async function resolvePatientIds(trx: Transaction<Database>, organizationId: string, ids: Iterable<string>): Promise<Map<string, { patientId: string | null }>> {
  const list = [...new Set(ids)];
  const resolved = new Map<string, { patientId: string | null }>();
  if (list.length === 0) return resolved;
  const uuids = list.filter(isUuid);
  const found = await sql<{ id: string; patientId: string | null; register: boolean }>`
    select p.id::text as id, p.id::text as patient_id, true as register from patients as p
      where p.organization_id = ${organizationId} and p.id = any(${uuids}::uuid[]) and p.status <> 'merged'
    union all
    select f.id, f.patient_id::text, false from fhir_resources as f
      where f.organization_id = ${organizationId} and f.resource_type = 'Patient' and f.id = any(${list}::text[]) and not f.deleted`.execute(trx);
  for (const row of found.rows) if (row.register || !resolved.has(row.id)) resolved.set(row.id, { patientId: row.patientId });
  return resolved;
}

/** The encounters row an Encounter reference names, from what `lookup` found (a reference to no Encounter → 422; a stored-only one → null). */
export function encounterResolutionOf(reference: Reference | undefined, path: string, lookup: (id: string) => { rowId: string | null } | undefined): string | null {
  if (!reference) return null;
  const id = idOf(reference, 'Encounter');
  if (!id) return null;
  const row = lookup(id);
  if (!row) throw new FhirError(422, 'not-found', `${path} references Encounter/${id}, which is not known here.`, { expression: [path] });
  return row.rowId;
}

/** The encounters row an Encounter reference names (its row or the row its stored JSON sits beside); a reference to no Encounter → 422. */
export async function resolveEncounterReference(trx: Transaction<Database>, organizationId: string, reference: Reference | undefined, path: string): Promise<string | null> {
  const id = reference ? idOf(reference, 'Encounter') : undefined;
  if (!id) return null;
  const found = await sql<{ rowId: string | null }>`
    select e.id::text as row_id from encounters as e where e.organization_id = ${organizationId} and e.id = ${isUuid(id) ? id : null}::uuid
    union all
    select f.row_id::text from fhir_resources as f where f.organization_id = ${organizationId} and f.resource_type = 'Encounter' and f.id = ${id} and not f.deleted
    limit 1`.execute(trx);
  return encounterResolutionOf(reference, path, () => found.rows[0]);
}

/** The Encounter ids many resources name, resolved in one query (imports): an encounters row by its id first, else the row a stored Encounter sits beside. */
export async function resolveEncounterIds(trx: Transaction<Database>, organizationId: string, ids: Iterable<string>): Promise<Map<string, { rowId: string | null }>> {
  const list = [...new Set(ids)];
  const resolved = new Map<string, { rowId: string | null }>();
  if (list.length === 0) return resolved;
  const found = await sql<{ id: string; rowId: string | null; own: boolean }>`
    select e.id::text as id, e.id::text as row_id, true as own from encounters as e
      where e.organization_id = ${organizationId} and e.id = any(${list.filter(isUuid)}::uuid[])
    union all
    select f.id, f.row_id::text, false from fhir_resources as f
      where f.organization_id = ${organizationId} and f.resource_type = 'Encounter' and f.id = any(${list}::text[]) and not f.deleted`.execute(trx);
  for (const row of found.rows) if (row.own || !resolved.has(row.id)) resolved.set(row.id, { rowId: row.rowId });
  return resolved;
}

/** The staff members among many Practitioner ids, in one query (imports). */
export async function staffMemberIds(trx: Transaction<Database>, organizationId: string, ids: Iterable<string>): Promise<Set<string>> {
  const list = [...new Set(ids)].filter(isUuid);
  if (list.length === 0) return new Set();
  const found = await trx.selectFrom('staffMembers').select('id').where('organizationId', '=', organizationId).where('id', 'in', list).execute();
  return new Set(found.map((row) => row.id));
}

/** A staff member's id when the reference names one (outside clinicians stay as sent). */
export async function staffMemberOf(trx: Transaction<Database>, organizationId: string, reference: Reference | undefined): Promise<string | null> {
  const id = idOf(reference, 'Practitioner');
  if (!id || !isUuid(id)) return null;
  const found = await trx.selectFrom('staffMembers').select('id').where('organizationId', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return found?.id ?? null;
}

/** The stored JSON when it is the current version; otherwise the row's mapping over the JSON last sent. */
export function freshOr<T extends Resource>(candidate: Candidate, build: (row: Record<string, unknown>, stored: T | null) => T): Resource {
  if (candidate.isFresh && candidate.stored) return candidate.stored;
  return build(candidate.row ?? {}, candidate.stored as T | null);
}

/** A FHIR date or dateTime text from a timestamptz or date-ish row value. */
export const isoOf = (value: unknown): string | undefined => (value === null || value === undefined || value === '' ? undefined : new Date(String(value)).toISOString());
