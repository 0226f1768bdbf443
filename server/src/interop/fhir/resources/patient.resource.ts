import { sql, type RawBuilder } from 'kysely';
import type { OperationOutcomeIssue, Patient, Resource } from '@medplum/fhirtypes';
import { findLikelyDuplicates, mrnExists, takeNextMrn } from '../../../front-desk/index.js';
import { FhirError } from '../core/operation-outcome.js';
import { check, checkAddresses, checkHumanNames, checkIdentifiers, checkTelecom, isUuid } from '../core/fhir-values.js';
import { mapPatient, MRN_SYSTEM, patientFromRow, type PatientRowView } from './patient-mapping.js';
import type { ResourceDefinition, SearchNarrowing } from '../core/resource-definition.js';
import { humanNameParts, identifiersOf, lastUpdatedKey } from '../search/search-columns.js';

function validatePatient(resource: Resource): void {
  const patient = resource as Patient & Record<string, unknown>;
  checkIdentifiers(patient.identifier, 'Patient.identifier');
  checkHumanNames(patient.name, 'Patient.name');
  checkTelecom(patient.telecom, 'Patient.telecom');
  checkAddresses(patient.address, 'Patient.address');
  if (patient.active !== undefined) check.boolean(patient.active, 'Patient.active');
  if (patient.gender !== undefined) check.code(patient.gender, 'Patient.gender', ['male', 'female', 'other', 'unknown']);
  if (patient.birthDate !== undefined) {
    check.date(patient.birthDate, 'Patient.birthDate');
    if (patient.birthDate > new Date().toISOString().slice(0, 10)) {
      throw new FhirError(422, 'invalid', 'Patient.birthDate cannot be in the future.', { expression: ['Patient.birthDate'] });
    }
  }
  if (patient.deceasedBoolean !== undefined) check.boolean(patient.deceasedBoolean, 'Patient.deceasedBoolean');
  if (patient.deceasedDateTime !== undefined) check.dateTime(patient.deceasedDateTime, 'Patient.deceasedDateTime');
  check.each(patient.communication, 'Patient.communication', (communication, at) => check.object(communication.language, `${at}.language`));
}

/**
 * Patient: the clinic's patients rows, with the JSON last sent through FHIR kept beside each
 * (fhir_resources.patient_id). Patients the register cannot hold (no full birth date or name) are
 * kept as sent only. Merged records and, for staff, restricted charts are not served.
 */
const NAME_PARAMETERS = new Set(['name', 'family', 'given']);

/**
 * Index-backed pre-filters for a Patient search by name: a patient can match only if a value occurs
 * (case-insensitively, anywhere) in its register row's names (search_name, trigram-indexed) or in the
 * name elements of the JSON last sent (fhir_resources_patient_names_idx). A register row and its JSON
 * are kept or dropped together, so the full join pairs them as before; the search's own predicates
 * then decide exactly. Values the pre-filter cannot express exactly as a superset (spaces, quotes,
 * backslashes, control characters) narrow nothing.
 */
function nameNarrowing(organizationId: string, narrowing: SearchNarrowing | undefined): { patients: RawBuilder<boolean>; stored: RawBuilder<boolean> } {
  const all = { patients: sql<boolean>`true`, stored: sql<boolean>`true` };
  const usable = (value: string) => value.length > 0 && !/[\s"\\\u0000-\u001f]/.test(value);
  const occurrence = narrowing?.find((item) => NAME_PARAMETERS.has(item.parameter) && item.values.every(usable));
  if (!occurrence) return all;
  const patterns = occurrence.values.map((value) => `%${value.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`);
  const rowMatch = sql<boolean>`(${sql.join(patterns.map((pattern) => sql`search_name like ${pattern}`), sql` or `)})`;
  const suffixMatch = sql<boolean>`(${sql.join(patterns.map((pattern) => sql`lower(name_suffix) like ${pattern}`), sql` or `)})`;
  const jsonMatch = sql<boolean>`(${sql.join(patterns.map((pattern) => sql`lower((resource->'name')::text) like ${pattern}`), sql` or `)})`;
  // Each branch is one indexed lookup; an OR across them inside one filter would read every row.
  const rowIds = sql`select id from patients where organization_id = ${organizationId} and ${rowMatch}
    union all select id from patients where organization_id = ${organizationId} and name_suffix is not null and name_suffix <> '' and ${suffixMatch}`;
  const storedWithNames = sql`select id, patient_id from fhir_resources where organization_id = ${organizationId} and resource_type = 'Patient' and ${jsonMatch}`;
  return {
    patients: sql<boolean>`id in (${rowIds} union all select patient_id from (${storedWithNames}) as named where patient_id is not null)`,
    stored: sql<boolean>`id in (select id from (${storedWithNames}) as named union all select id from fhir_resources where organization_id = ${organizationId} and resource_type = 'Patient' and patient_id in (${rowIds}))`,
  };
}

export const patientDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'Patient',
  interactions: ['read', 'vread', 'update', 'history-instance', 'create', 'search-type'],
  searchParameters: [
    { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id.' },
    { name: 'identifier', type: 'token', match: 'identifier', column: 'identifiers', documentation: `system|value; the clinic MRN has system ${MRN_SYSTEM}.` },
    { name: 'name', type: 'string', match: 'strings', column: 'names', documentation: 'Any part of any name (family, given, text, prefix, suffix); starts-with, :exact, :contains.' },
    { name: 'family', type: 'string', match: 'strings', column: 'families', documentation: 'Family name; starts-with, :exact, :contains.' },
    { name: 'given', type: 'string', match: 'strings', column: 'givens', documentation: 'Given name; starts-with, :exact, :contains.' },
    { name: 'birthdate', type: 'date', match: 'date-range', column: 'birth_date', documentation: 'Birth date with eq, ne, gt, lt, ge, le, sa, eb prefixes.' },
    { name: 'gender', type: 'token', match: 'code', column: 'gender', documentation: 'male | female | other | unknown.' },
  ],
  sorts: {
    _id: sql<string>`r.id`,
    family: sql<string>`lower(r.families[1])`,
    given: sql<string>`lower(r.givens[1])`,
    birthdate: sql<string>`r.birth_date`,
    _lastUpdated: lastUpdatedKey,
  },
  policy: { read: 'patient.read', search: 'patient.search', write: 'patient.register' },
  source(organizationId, actor, id, narrowing) {
    const servesRestricted = actor.kind === 'client';
    const byName = nameNarrowing(organizationId, narrowing);
    const asUuid = id !== undefined && isUuid(id) ? id : null;
    const patientsWithId = id === undefined ? sql`true` : sql`id in (
      select ${asUuid}::uuid where ${asUuid}::uuid is not null
      union all select patient_id from fhir_resources where organization_id = ${organizationId} and resource_type = 'Patient' and id = ${id} and patient_id is not null)`;
    const storedWithId = id === undefined ? sql`true` : sql`(id = ${id} or patient_id = ${asUuid}::uuid)`;
    const fresh = sql.ref('q.is_fresh');
    const stored = sql.ref('q.stored');
    return sql`(
      select q.id, q.version_id, q.last_updated, q.resource_text, q.is_fresh, q.row_text, q.patient_id, q.deleted,
        case when ${fresh} then ${humanNameParts(stored, 'all')} else array_remove(array[q.family_name, q.given_name, nullif(q.middle_name, ''), nullif(q.preferred_name, ''), nullif(q.name_suffix, '')], null) end as names,
        case when ${fresh} then ${humanNameParts(stored, 'family')} else array[q.family_name] end as families,
        case when ${fresh} then ${humanNameParts(stored, 'given')} else array_remove(array[q.given_name, nullif(q.middle_name, ''), nullif(q.preferred_name, '')], null) end as givens,
        case when ${fresh} then ${identifiersOf(stored)}
          else coalesce((select jsonb_agg(i.v) from jsonb_array_elements(${identifiersOf(stored)}) as i(v) where i.v->>'system' is distinct from ${MRN_SYSTEM}), '[]'::jsonb)
            || jsonb_build_array(jsonb_build_object('system', ${MRN_SYSTEM}::text, 'value', q.mrn)) end as identifiers,
        case when ${fresh} then q.stored->>'birthDate' else q.date_of_birth::text end as birth_date,
        case when ${fresh} then q.stored->>'gender' else q.sex_at_birth end as gender
      from (
        select coalesce(f.id, p.id::text) as id,
          coalesce(p.version, f.version_id) as version_id,
          case when f.id is not null and (p.id is null or p.version = f.version_id) then f.last_updated else p.updated_at end as last_updated,
          f.resource::text as resource_text,
          coalesce(f.resource, '{}'::jsonb) as stored,
          (f.id is not null and (p.id is null or p.version = f.version_id)) as is_fresh,
          -- The register row is only needed when the stored resource is stale (edited in the app since).
          case when p.id is null or (f.id is not null and p.version = f.version_id) then null else to_jsonb(p)::text end as row_text,
          p.id as patient_id,
          coalesce(f.deleted, false) as deleted,
          p.mrn, p.family_name, p.given_name, p.middle_name, p.preferred_name, p.name_suffix, p.date_of_birth, p.sex_at_birth,
          f.patient_id as stored_patient_id
        from (select * from patients where organization_id = ${organizationId} and status <> 'merged' and (${servesRestricted} or not is_restricted) and ${patientsWithId} and ${byName.patients}) as p
        full join (select * from fhir_resources where organization_id = ${organizationId} and resource_type = 'Patient' and ${storedWithId} and ${byName.stored}) as f on f.patient_id = p.id
      ) as q
      where not (q.patient_id is null and q.stored_patient_id is not null)
    )`;
  },
  toResource(candidate) {
    if (candidate.isFresh && candidate.stored) return candidate.stored;
    return patientFromRow(candidate.row as unknown as PatientRowView, candidate.stored as Patient | null);
  },
  validate: validatePatient,
  auditPatientId: (candidate) => candidate.patientId,
  async writeMapped(trx, context, { id, resource, current, versionId, now }) {
    const mapping = mapPatient(resource as Patient);
    const warnings: OperationOutcomeIssue[] = [];
    if (!mapping.onRegister) {
      warnings.push({
        severity: 'warning', code: 'incomplete', expression: mapping.missing,
        diagnostics: 'Kept as sent, but not on the clinic register: the register needs a family name, a given name and a full birth date.',
      });
      if (current?.patientId) {
        // Already on the register: the row keeps its values; the version moves with the resource.
        await trx.updateTable('patients').set({ version: versionId, updatedAt: now }).where('id', '=', current.patientId).execute();
      }
      return { patientId: current?.patientId ?? null, warnings };
    }
    const { fields, mrn, active } = mapping;
    if (mrn) {
      const holder = await mrnExists(trx, context.organizationId, mrn);
      if (holder && holder.id !== current?.patientId) throw new FhirError(409, 'duplicate', 'That MRN is already assigned to another patient.', { expression: ['Patient.identifier'] });
    }
    if (current?.patientId) {
      const updated = await trx
        .updateTable('patients')
        .set({ ...fields, ...(mrn ? { mrn } : {}), status: active ? 'active' : 'inactive', version: versionId, updatedAt: now })
        .where('id', '=', current.patientId)
        .where('version', '=', current.versionId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new FhirError(409, 'conflict', 'The patient was changed at the same time; read it again and retry.');
      return { patientId: current.patientId, warnings };
    }
    const duplicates = await findLikelyDuplicates(trx, context.organizationId, {
      givenName: fields.givenName, familyName: fields.familyName, dateOfBirth: fields.dateOfBirth,
      phones: [fields.mobilePhone, fields.homePhone, fields.workPhone].map((phone) => phone.replace(/\D/g, '').slice(-10)).filter((digits) => digits.length === 10),
    });
    if (duplicates.length > 0) {
      warnings.push({
        severity: 'warning', code: 'duplicate',
        diagnostics: `Possible duplicate of ${duplicates.length} patient record(s) already on the register; registered anyway. Review: ${duplicates.map((duplicate) => `Patient/${duplicate.id}`).join(', ')}.`,
      });
    }
    const row = await trx
      .insertInto('patients')
      .values({
        ...(isUuid(id) ? { id } : {}),
        ...fields,
        organizationId: context.organizationId,
        mrn: mrn ?? context.reservedMrns?.shift() ?? (await takeNextMrn(trx, context.organizationId)),
        status: active ? 'active' : 'inactive',
        emergencyContact: null, guarantor: null, privacyNoticeAcknowledgedAt: null, restrictedStaffMemberId: null, mergedIntoPatientId: null,
        createdBy: context.actor.kind === 'staff' ? context.actor.id : null,
        version: versionId,
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { patientId: row.id, warnings };
  },
};
