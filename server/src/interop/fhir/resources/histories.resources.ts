import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { AllergyIntolerance, CodeableConcept, Condition, Immunization, MedicationRequest, MedicationStatement, Reference, Resource } from '@medplum/fhirtypes';
import {
  codeSystems,
  medicationInputSchema,
  recordAllergyRequestSchema,
  recordImmunizationRequestSchema,
  recordProblemRequestSchema,
} from '../../../../../contracts/exam-room/histories.js';
import { cvxVaccineName, recordAllergy, recordImmunization, recordMedication, recordProblem } from '../../../exam-room/histories/index.js';
import { parseInput } from '../../../exam-room/histories/validate-input.js';
import { prepareMedication, recordMedicationsBatch } from '../../../exam-room/histories/medications.js';
import { checkImmunization, immunizationAuditEntry, immunizationValues } from '../../../exam-room/histories/immunizations.js';
import { getPatientForHistory } from '../../../exam-room/histories/history-context.js';
import { encountersOfPatient, notThisPatientsEncounter, prepareProblem, problemAuditEntry } from '../../../exam-room/histories/problems.js';
import { recordAudit } from '../../../platform/index.js';
import type { Database } from '../../../platform/db/schema.js';
import { check } from '../core/fhir-values.js';
import type { FhirContext, ResourceDefinition, SearchParameterDefinition, WriteResult } from '../core/resource-definition.js';
import { lastUpdatedKey } from '../search/search-columns.js';
import { conceptListTokens, conceptTokens, encounterResolutionOf, fhirInstant, freshOr, idOf, isoOf, mappedSource, patientResolutionOf, resolveEncounterIds, resolveEncounterReference, resolvePatientIds, resolvePatientReference, rowTokens, staffMemberIds, staffMemberOf, type ColumnSpec } from './clinical-source.js';
import { asFhirRefusal, fhirRefusalOf, historyContextOf } from './clinical-write.js';

// Condition, AllergyIntolerance, MedicationStatement, MedicationRequest and Immunization: the
// chart's histories, written through the histories area's own functions (recordProblem,
// recordAllergy, recordMedication, recordImmunization), with the JSON last sent kept beside.

const CLINICAL_STATUS = {
  Condition: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  AllergyIntolerance: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
} as const;
const VERIFICATION = {
  Condition: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  AllergyIntolerance: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
} as const;
const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
const writable = ['read', 'vread', 'update', 'history-instance', 'create', 'search-type'] as const;
const idParameter: SearchParameterDefinition = { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id.' };
const patientParameter: SearchParameterDefinition = { name: 'patient', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'The patient.' };
const sorts = { _id: sql<string>`r.id`, _lastUpdated: lastUpdatedKey };

const codeOf = (concept: CodeableConcept | undefined) => concept?.coding?.find((coding) => coding.code)?.code;
const textOf = (concept: CodeableConcept | undefined) => concept?.text ?? concept?.coding?.find((coding) => coding.display)?.display ?? concept?.coding?.find((coding) => coding.code)?.code;
const codingIn = (concept: CodeableConcept | undefined, systems: readonly string[]) => concept?.coding?.find((coding) => coding.system && systems.includes(coding.system) && coding.code);
/** A FHIR date/dateTime as the partial date a history keeps (YYYY, YYYY-MM or YYYY-MM-DD), when it is one from 1900 on. */
const partialDate = (value: string | undefined) => {
  const date = value?.slice(0, 10);
  return date && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(date) && date >= '1900' && date <= new Date().toISOString().slice(0, date.length) ? date : null;
};
const fullDate = (value: string | undefined) => (value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null);
const concept = (system: string, code: string, display?: string): CodeableConcept => ({ coding: [{ system, code, ...(display ? { display } : {}) }], ...(display ? { text: display } : {}) });

interface Mapped<Row> {
  /** The row's fields for an update in place (checked against the same contract as a new record). */
  fields: Row;
}

/** Resolves the patient; off the register (or no patient), the resource is kept as sent only. */
async function patientOf(trx: Transaction<Database>, context: FhirContext, reference: Reference | undefined, path: string): Promise<string | null> {
  const patient = await resolvePatientReference(trx, context.organizationId, reference, path);
  return patient.kind === 'register' ? patient.patientId : null;
}

/** Shared write path: a new row through the histories' function, or the mapped columns updated in place; the row's version is the resource's. */
async function writeHistory(
  trx: Transaction<Database>,
  table: 'problems' | 'allergies' | 'medications' | 'immunizations',
  { current, versionId, patientId }: { current: { row: Record<string, unknown> | null } | null; versionId: number; patientId: string | null },
  create: () => Promise<{ id: string }>,
  update: Mapped<Record<string, unknown>> | null,
  after: Record<string, unknown> = {},
): Promise<WriteResult> {
  const previousRowId = current?.row ? String(current.row.id) : null;
  if (!patientId) return { patientId: null, rowId: previousRowId, warnings: [] };
  if (previousRowId && update) {
    await trx.updateTable(table).set({ ...update.fields, ...after, patientId, version: versionId } as never).where('id', '=', previousRowId).execute();
    return { patientId: null, auditPatientId: patientId, rowId: previousRowId, warnings: [] };
  }
  const row = await create();
  // Only what differs from what the histories' function wrote (its defaults) needs a second write.
  const defaults: Record<string, unknown> = { kind: 'statement', status: 'active', prescriberId: null, isPrimarySource: false, abatement: null };
  const extra = Object.fromEntries(Object.entries(after).filter(([key, value]) => value !== undefined && value !== defaults[key]));
  if (Object.keys(extra).length > 0 || versionId !== 1) await trx.updateTable(table).set({ ...after, version: versionId } as never).where('id', '=', row.id).execute();
  return { patientId: null, auditPatientId: patientId, rowId: row.id, warnings: [] };
}

const tokensColumn = (element: string, row: ColumnSpec['row']): ColumnSpec => ({ json: (r) => conceptTokens(sql`${r}->${element}`), row });
const codeColumn = (element: string, row: ColumnSpec['row']): ColumnSpec => ({ json: (r) => sql`${r}->>${element}`, row });

// ---- Condition → problems

const problemStatuses = ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'] as const;

function conditionInput(condition: Condition, encounterId: string | null) {
  const status = codeOf(condition.clinicalStatus);
  const coded = codingIn(condition.code, [codeSystems.icd10cm, codeSystems.snomed]);
  return {
    description: (textOf(condition.code) ?? 'Condition').slice(0, 300),
    clinicalStatus: (problemStatuses as readonly string[]).includes(status ?? '') ? (status as (typeof problemStatuses)[number]) : 'active' as const,
    onset: partialDate(condition.onsetDateTime ?? condition.onsetPeriod?.start),
    encounterId,
    code: coded ? { system: coded.system!, code: coded.code! } : null,
  };
}

const conditionPaths = { description: 'Condition.code', 'code.code': 'Condition.code', clinicalStatus: 'Condition.clinicalStatus', onset: 'Condition.onsetDateTime', encounterId: 'Condition.encounter' };

export const conditionDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'Condition',
  interactions: writable,
  searchParameters: [
    idParameter, patientParameter,
    { name: 'clinical-status', type: 'token', match: 'tokens', column: 'clinical_status', documentation: 'active | recurrence | relapse | inactive | remission | resolved.' },
    { name: 'category', type: 'token', match: 'tokens', column: 'categories', documentation: 'problem-list-item | encounter-diagnosis | health-concern (and any other category sent).' },
    { name: 'code', type: 'token', match: 'tokens', column: 'codes', documentation: 'Code (ICD-10-CM, SNOMED CT), system|code.' },
  ],
  sorts,
  policy: { read: 'history.read', search: 'history.read', write: 'problem.record-reported' },
  source(organizationId, actor, id) {
    return mappedSource({
      type: 'Condition', table: 'problems', rowUpdatedAt: sql`greatest(o.reported_at, o.confirmed_at)`, patientElement: 'subject',
      columns: {
        clinical_status: tokensColumn('clinicalStatus', rowTokens(sql`o.clinical_status`, sql`${CLINICAL_STATUS.Condition}::text`)),
        categories: { json: (r) => conceptListTokens(sql`${r}->'category'`), row: rowTokens(sql`o.category`, sql`${CONDITION_CATEGORY}::text`) },
        codes: tokensColumn('code', rowTokens(sql`o.code`, sql`o.code_system`)),
      },
    }, organizationId, actor, id);
  },
  toResource: (candidate) => freshOr<Condition>(candidate, (row, stored) => ({
    ...(stored ?? {}),
    resourceType: 'Condition',
    clinicalStatus: concept(CLINICAL_STATUS.Condition, String(row.clinicalStatus)),
    verificationStatus: concept(VERIFICATION.Condition, row.verification === 'patient-reported' ? 'unconfirmed' : String(row.verification)),
    category: stored?.category ?? [concept(CONDITION_CATEGORY, String(row.category))],
    code: { ...(row.code ? { coding: [{ system: String(row.codeSystem), code: String(row.code) }] } : {}), text: String(row.description) },
    subject: { reference: `Patient/${String(row.patientRef)}` },
    ...(row.onset ? { onsetDateTime: String(row.onset) } : {}),
    ...(row.abatement ? { abatementDateTime: String(row.abatement) } : {}),
    recordedDate: isoOf(row.reportedAt)!,
    ...(row.reportedBy ? { recorder: { reference: `Practitioner/${String(row.reportedBy)}` } } : {}),
  })),
  validate(resource: Resource) {
    const condition = resource as Condition & Record<string, unknown>;
    check.object(condition.subject, 'Condition.subject');
    if (condition.code !== undefined) check.object(condition.code, 'Condition.code');
    if (condition.clinicalStatus !== undefined) check.object(condition.clinicalStatus, 'Condition.clinicalStatus');
    check.each(condition.category, 'Condition.category', () => undefined);
    if (condition.onsetDateTime !== undefined) check.dateTime(condition.onsetDateTime, 'Condition.onsetDateTime');
    if (condition.recordedDate !== undefined) check.dateTime(condition.recordedDate, 'Condition.recordedDate');
  },
  auditPatientId: (candidate) => candidate.patientId,
  async writeMapped(trx, context, { resource, current, versionId }) {
    const condition = resource as Condition;
    const patientId = await patientOf(trx, context, condition.subject, 'Condition.subject');
    const encounterId = await resolveEncounterReference(trx, context.organizationId, condition.encounter, 'Condition.encounter');
    const input = conditionInput(condition, encounterId);
    const verification = codeOf(condition.verificationStatus);
    const category = condition.category?.flatMap((item) => item.coding ?? []).find((coding) => coding.system === CONDITION_CATEGORY || coding.code === 'health-concern')?.code;
    const after = {
      ...(category && ['problem-list-item', 'encounter-diagnosis', 'health-concern'].includes(category) ? { category } : {}),
      ...(verification === 'refuted' || verification === 'entered-in-error' ? { verification } : {}),
      abatement: partialDate(condition.abatementDateTime ?? condition.abatementPeriod?.start),
    };
    const context_ = historyContextOf(context);
    return asFhirRefusal(() => writeHistory(trx, 'problems', { current, versionId, patientId },
      () => recordProblem(trx, context_, patientId!, input, { source: context.source ?? 'fhir', verification: verification === 'confirmed' ? 'confirmed' : 'patient-reported' }),
      (() => {
        const { code, ...fields } = input;
        const parsed = parseInput(recordProblemRequestSchema, fields);
        return { fields: { ...parsed, codeSystem: code?.system ?? null, code: code?.code ?? null, verification: verification === 'confirmed' ? 'confirmed' : 'patient-reported' } };
      })(),
      after,
    ), conditionPaths, 'Condition');
  },
  async writeMappedBatch(trx, context, writes) {
    const organizationId = context.organizationId;
    const conditions = writes.map((write) => write.resource as Condition);
    const patients = await resolvePatientIds(trx, organizationId, conditions.map((condition) => idOf(condition.subject, 'Patient')).filter((id): id is string => !!id));
    const encounters = await resolveEncounterIds(trx, organizationId, conditions.map((condition) => idOf(condition.encounter, 'Encounter')).filter((id): id is string => !!id));
    const context_ = historyContextOf(context);
    const source = context.source ?? 'fhir';
    const results: Array<WriteResult | { error: unknown }> = [];
    const pending: Array<{ index: number; patientId: string; values: ReturnType<typeof prepareProblem>; after: Record<string, unknown> }> = [];
    for (const [index, condition] of conditions.entries()) {
      try {
        const patient = patientResolutionOf(condition.subject, 'Condition.subject', (id) => patients.get(id));
        const encounterId = encounterResolutionOf(condition.encounter, 'Condition.encounter', (id) => encounters.get(id));
        const input = conditionInput(condition, encounterId);
        const verification = codeOf(condition.verificationStatus);
        const category = condition.category?.flatMap((item) => item.coding ?? []).find((coding) => coding.system === CONDITION_CATEGORY || coding.code === 'health-concern')?.code;
        const after = {
          ...(category && ['problem-list-item', 'encounter-diagnosis', 'health-concern'].includes(category) ? { category } : {}),
          ...(verification === 'refuted' || verification === 'entered-in-error' ? { verification } : {}),
          abatement: partialDate(condition.abatementDateTime ?? condition.abatementPeriod?.start),
        };
        try {
          // As one by one: the fields are checked even for a patient off the register.
          const { code: _code, ...fields } = input;
          void _code;
          parseInput(recordProblemRequestSchema, fields);
          if (patient.kind !== 'register') {
            results.push({ patientId: null, rowId: null, warnings: [] });
            continue;
          }
          pending.push({ index, patientId: patient.patientId, values: prepareProblem(context_, patient.patientId, input, { source, verification: verification === 'confirmed' ? 'confirmed' : 'patient-reported' }), after });
        } catch (error) {
          throw fhirRefusalOf(error, conditionPaths, 'Condition');
        }
        results.push({ patientId: null, auditPatientId: patient.patientId, rowId: null, warnings: [] });
      } catch (error) {
        results.push({ error });
      }
    }
    // Each patient is checked once, with the encounters their problems name.
    const charts = new Map<string, { error?: unknown; encounters: Set<string> }>();
    for (const patientId of [...new Set(pending.map((item) => item.patientId))].sort()) {
      try {
        await getPatientForHistory(trx, context_, patientId);
        const named = [...new Set(pending.filter((item) => item.patientId === patientId).map((item) => item.values.encounterId).filter((id): id is string => !!id))];
        charts.set(patientId, { encounters: await encountersOfPatient(trx, context_, patientId, named) });
      } catch (error) {
        charts.set(patientId, { error, encounters: new Set() });
      }
    }
    const rows: Array<Record<string, unknown> & { id: string; patientId: string; verification: string }> = [];
    const audits: Array<ReturnType<typeof problemAuditEntry>> = [];
    for (const item of pending) {
      const chart = charts.get(item.patientId)!;
      try {
        if (chart.error !== undefined) throw chart.error;
        if (item.values.encounterId && !chart.encounters.has(item.values.encounterId)) throw notThisPatientsEncounter();
        const id = randomUUID();
        rows.push({ ...item.values, ...item.after, id, patientId: item.patientId, verification: String(item.after.verification ?? item.values.verification) });
        results[item.index] = { patientId: null, auditPatientId: item.patientId, rowId: id, warnings: [] };
        audits.push(problemAuditEntry(id, item.patientId, item.values.verification, { source }));
      } catch (error) {
        results[item.index] = { error: fhirRefusalOf(error, conditionPaths, 'Condition') };
      }
    }
    for (let start = 0; start < rows.length; start += 500) {
      await trx.insertInto('problems').values(rows.slice(start, start + 500) as never).execute();
      await recordAudit(trx, context_, audits.slice(start, start + 500));
    }
    return results;
  },
};

// ---- AllergyIntolerance → allergies (NKA/NKDA codes become the chart's statement)

const allergyCategories = ['medication', 'food', 'environment', 'biologic'] as const;
const NO_KNOWN: Record<string, 'no-known-allergies' | 'no-known-drug-allergies'> = { '716186003': 'no-known-allergies', '409137002': 'no-known-drug-allergies' };

function allergyInput(allergy: AllergyIntolerance) {
  const coded = codingIn(allergy.code, [codeSystems.rxnorm, codeSystems.snomed, codeSystems.unii]);
  const status = codeOf(allergy.clinicalStatus);
  const category = allergy.category?.find((item) => (allergyCategories as readonly string[]).includes(item));
  const reaction = (allergy.reaction ?? []).flatMap((item) => (item.manifestation ?? []).map(textOf)).filter((text): text is string => !!text).join(', ').slice(0, 500);
  const severity = allergy.reaction?.find((item) => item.severity)?.severity ?? null;
  return {
    substance: { text: (textOf(allergy.code) ?? 'Unspecified substance').slice(0, 200), ...(coded ? { system: coded.system as (typeof codeSystems)['rxnorm'], code: coded.code! } : {}) },
    category: (category ?? null) as (typeof allergyCategories)[number] | null,
    reaction,
    severity,
    criticality: allergy.criticality ?? null,
    clinicalStatus: (status === 'inactive' || status === 'resolved' ? status : 'active') as 'active' | 'inactive' | 'resolved',
    onset: partialDate(allergy.onsetDateTime ?? allergy.onsetPeriod?.start),
  };
}

const allergyPaths = { 'substance.text': 'AllergyIntolerance.code', 'substance.code': 'AllergyIntolerance.code', 'substance.system': 'AllergyIntolerance.code', onset: 'AllergyIntolerance.onsetDateTime', severity: 'AllergyIntolerance.reaction', criticality: 'AllergyIntolerance.criticality' };

export const allergyIntoleranceDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'AllergyIntolerance',
  interactions: writable,
  searchParameters: [
    idParameter, patientParameter,
    { name: 'clinical-status', type: 'token', match: 'tokens', column: 'clinical_status', documentation: 'active | inactive | resolved.' },
  ],
  sorts,
  policy: { read: 'history.read', search: 'history.read', write: 'allergy.record' },
  source(organizationId, actor, id) {
    return mappedSource({
      type: 'AllergyIntolerance', table: 'allergies', rowUpdatedAt: sql`o.recorded_at`, patientElement: 'patient',
      columns: { clinical_status: tokensColumn('clinicalStatus', rowTokens(sql`o.clinical_status`, sql`${CLINICAL_STATUS.AllergyIntolerance}::text`)) },
    }, organizationId, actor, id);
  },
  toResource: (candidate) => freshOr<AllergyIntolerance>(candidate, (row, stored) => ({
    ...(stored ?? {}),
    resourceType: 'AllergyIntolerance',
    clinicalStatus: concept(CLINICAL_STATUS.AllergyIntolerance, String(row.clinicalStatus)),
    verificationStatus: concept(VERIFICATION.AllergyIntolerance, row.status === 'entered-in-error' ? 'entered-in-error' : 'unconfirmed'),
    ...(row.category ? { category: [row.category as (typeof allergyCategories)[number]] } : {}),
    ...(row.criticality ? { criticality: row.criticality as AllergyIntolerance['criticality'] } : {}),
    code: { ...(row.substanceCode ? { coding: [{ system: String(row.substanceSystem), code: String(row.substanceCode) }] } : {}), text: String(row.substanceText) },
    patient: { reference: `Patient/${String(row.patientRef)}` },
    ...(row.onset ? { onsetDateTime: String(row.onset) } : {}),
    recordedDate: isoOf(row.recordedAt)!,
    ...(row.reaction ? { reaction: [{ manifestation: [{ text: String(row.reaction) }], ...(row.severity ? { severity: row.severity as 'mild' } : {}) }] } : {}),
  })),
  validate(resource) {
    const allergy = resource as AllergyIntolerance & Record<string, unknown>;
    check.object(allergy.patient, 'AllergyIntolerance.patient');
    if (allergy.code !== undefined) check.object(allergy.code, 'AllergyIntolerance.code');
    if (allergy.criticality !== undefined) check.code(allergy.criticality, 'AllergyIntolerance.criticality', ['low', 'high', 'unable-to-assess']);
    if (allergy.category !== undefined) {
      check.array(allergy.category, 'AllergyIntolerance.category');
      allergy.category.forEach((item, index) => check.code(item, `AllergyIntolerance.category[${index}]`, allergyCategories));
    }
    check.each(allergy.reaction, 'AllergyIntolerance.reaction', (reaction, at) => {
      if (reaction.severity !== undefined) check.code(reaction.severity, `${at}.severity`, ['mild', 'moderate', 'severe']);
    });
    if (allergy.onsetDateTime !== undefined) check.dateTime(allergy.onsetDateTime, 'AllergyIntolerance.onsetDateTime');
  },
  auditPatientId: (candidate) => candidate.patientId,
  async writeMapped(trx, context, { resource, current, versionId }) {
    const allergy = resource as AllergyIntolerance;
    let patientId = await patientOf(trx, context, allergy.patient, 'AllergyIntolerance.patient');
    const noKnown = allergy.code?.coding?.map((coding) => (coding.system === codeSystems.snomed ? NO_KNOWN[coding.code ?? ''] : undefined)).find(Boolean);
    if (noKnown) patientId = null; // a statement, not an allergy: kept as sent (the chart's NKA/NKDA statement is made by staff)
    const input = allergyInput(allergy);
    const verification = codeOf(allergy.verificationStatus);
    const after = verification === 'entered-in-error' || verification === 'refuted' ? { status: 'entered-in-error' } : {};
    const context_ = historyContextOf(context);
    return asFhirRefusal(() => writeHistory(trx, 'allergies', { current, versionId, patientId },
      () => recordAllergy(trx, context_, patientId!, input, { source: context.source ?? 'fhir' }),
      patientId ? (() => {
        const parsed = parseInput(recordAllergyRequestSchema, input);
        const { substance, ...fields } = parsed;
        return { fields: { ...fields, substanceText: substance.text, substanceSystem: substance.system ?? null, substanceCode: substance.code ?? null } };
      })() : null,
      after,
    ), allergyPaths, 'AllergyIntolerance');
  },
};

// ---- MedicationStatement / MedicationRequest → medications (kind statement / request)

type MedicationResource = MedicationStatement | MedicationRequest;
const medicationStatuses: Record<string, 'active' | 'stopped' | 'completed' | 'entered-in-error'> = {
  active: 'active', intended: 'active', 'on-hold': 'active', unknown: 'active', draft: 'active',
  completed: 'completed', stopped: 'stopped', 'not-taken': 'stopped', cancelled: 'stopped', 'entered-in-error': 'entered-in-error',
};

function medicationInput(resource: MedicationResource) {
  const concept = resource.medicationCodeableConcept;
  const referenced = resource.medicationReference;
  const contained = referenced?.reference?.startsWith('#')
    ? (resource.contained ?? []).find((item) => item.id === referenced.reference!.slice(1) && item.resourceType === 'Medication') as { code?: CodeableConcept } | undefined
    : undefined;
  const code = concept ?? contained?.code;
  const rxnorm = codingIn(code, [codeSystems.rxnorm]);
  const dosage = resource.resourceType === 'MedicationStatement' ? resource.dosage?.[0] : resource.dosageInstruction?.[0];
  const dose = dosage?.doseAndRate?.[0]?.doseQuantity;
  const started = resource.resourceType === 'MedicationStatement' ? (resource.effectiveDateTime ?? resource.effectivePeriod?.start) : resource.authoredOn;
  return {
    name: (textOf(code) ?? referenced?.display ?? 'Medication').slice(0, 300),
    rxnormCode: rxnorm && /^[1-9]\d{0,9}$/.test(rxnorm.code!) ? rxnorm.code! : null,
    dose: dose?.value !== undefined ? `${dose.value}${dose.unit ? ` ${dose.unit}` : ''}`.slice(0, 200) : '',
    route: (textOf(dosage?.route) ?? '').slice(0, 100),
    frequency: (dosage?.text ?? '').slice(0, 200),
    startedOn: fullDate(started),
  };
}

function medicationDefinition(type: 'MedicationStatement' | 'MedicationRequest'): ResourceDefinition {
  const kind = type === 'MedicationStatement' ? 'statement' : 'request';
  const paths = { name: `${type}.medicationCodeableConcept`, rxnormCode: `${type}.medicationCodeableConcept`, startedOn: type === 'MedicationStatement' ? 'MedicationStatement.effectiveDateTime' : 'MedicationRequest.authoredOn' };
  const statuses = type === 'MedicationStatement'
    ? ['active', 'completed', 'entered-in-error', 'intended', 'stopped', 'on-hold', 'unknown', 'not-taken']
    : ['active', 'on-hold', 'cancelled', 'completed', 'entered-in-error', 'stopped', 'draft', 'unknown'];
  return {
    servesStoredWhenFresh: true,
    type,
    interactions: writable,
    searchParameters: [
      idParameter, patientParameter,
      { name: 'status', type: 'token', match: 'code', column: 'status', documentation: statuses.join(' | ') + '.' },
      ...(type === 'MedicationRequest' ? [{ name: 'intent', type: 'token', match: 'code', column: 'intent', documentation: 'proposal | plan | order | original-order | reflex-order | filler-order | instance-order | option.' } as const] : []),
    ],
    sorts,
    policy: { read: 'history.read', search: 'history.read', write: 'medication.reconcile' },
    source(organizationId, actor, id) {
      return mappedSource({
        type, table: 'medications', rowFilter: sql<boolean>`o.kind = ${kind}`, rowUpdatedAt: sql`greatest(o.recorded_at, o.reconciled_at)`, patientElement: 'subject',
        columns: {
          status: codeColumn('status', sql`o.status`),
          ...(type === 'MedicationRequest' ? { intent: codeColumn('intent', sql`'order'::text`) } : {}),
        },
      }, organizationId, actor, id);
    },
    toResource: (candidate) => freshOr<MedicationResource>(candidate, (row, stored) => {
      const code = { ...(row.rxnormCode ? { coding: [{ system: codeSystems.rxnorm, code: String(row.rxnormCode) }] } : {}), text: String(row.name) };
      const dosage = {
        ...(row.frequency ? { text: String(row.frequency) } : {}),
        ...(row.route ? { route: { text: String(row.route) } } : {}),
        ...(row.dose ? { doseAndRate: [{ type: { text: String(row.dose) } }] } : {}),
      };
      const status = String(row.status);
      const { medicationReference: _reference, ...rest } = (stored ?? {}) as MedicationStatement;
      void _reference;
      if (type === 'MedicationStatement') {
        return {
          ...rest, resourceType: 'MedicationStatement', status: status as MedicationStatement['status'], medicationCodeableConcept: code,
          subject: { reference: `Patient/${String(row.patientRef)}` },
          ...(row.startedOn ? { effectiveDateTime: String(row.startedOn).slice(0, 10) } : {}),
          dateAsserted: isoOf(row.recordedAt)!,
          ...(Object.keys(dosage).length ? { dosage: [dosage] } : {}),
        } as MedicationStatement;
      }
      return {
        ...(rest as unknown as MedicationRequest), resourceType: 'MedicationRequest', status: status === 'stopped' ? 'stopped' : status as MedicationRequest['status'],
        intent: (stored as MedicationRequest | null)?.intent ?? 'order', medicationCodeableConcept: code,
        subject: { reference: `Patient/${String(row.patientRef)}` },
        authoredOn: row.startedOn ? String(row.startedOn).slice(0, 10) : isoOf(row.recordedAt)!,
        ...(row.prescriberId ? { requester: { reference: `Practitioner/${String(row.prescriberId)}` } } : {}),
        ...(Object.keys(dosage).length ? { dosageInstruction: [dosage] } : {}),
      } as MedicationRequest;
    }),
    validate(resource) {
      const medication = resource as MedicationResource & Record<string, unknown>;
      check.code(medication.status, `${type}.status`, statuses);
      if (type === 'MedicationRequest') check.code(medication.intent, 'MedicationRequest.intent', ['proposal', 'plan', 'order', 'original-order', 'reflex-order', 'filler-order', 'instance-order', 'option']);
      check.object(medication.subject, `${type}.subject`);
      if (medication.medicationCodeableConcept === undefined && medication.medicationReference === undefined) {
        check.object(undefined, `${type}.medication[x]`);
      }
      if (medication.medicationCodeableConcept !== undefined) check.object(medication.medicationCodeableConcept, `${type}.medicationCodeableConcept`);
      if (medication.medicationReference !== undefined) check.object(medication.medicationReference, `${type}.medicationReference`);
      if (type === 'MedicationRequest' && medication.authoredOn !== undefined) check.dateTime(medication.authoredOn, 'MedicationRequest.authoredOn');
      if (type === 'MedicationStatement' && medication.effectiveDateTime !== undefined) check.dateTime(medication.effectiveDateTime, 'MedicationStatement.effectiveDateTime');
    },
    auditPatientId: (candidate) => candidate.patientId,
    async writeMapped(trx, context, { resource, current, versionId }) {
      const medication = resource as MedicationResource;
      const patientId = await patientOf(trx, context, medication.subject, `${type}.subject`);
      const input = medicationInput(medication);
      const prescriberId = medication.resourceType === 'MedicationRequest' ? await staffMemberOf(trx, context.organizationId, medication.requester) : null;
      const after = { kind, status: medicationStatuses[medication.status] ?? 'active', ...(kind === 'request' ? { prescriberId } : {}) };
      const context_ = historyContextOf(context);
      return asFhirRefusal(() => writeHistory(trx, 'medications', { current, versionId, patientId },
        () => recordMedication(trx, context_, patientId!, input, { source: context.source ?? 'fhir' }),
        patientId ? { fields: parseInput(medicationInputSchema, input) } : null,
        after,
      ), paths, type);
    },
    async writeMappedBatch(trx, context, writes) {
      const organizationId = context.organizationId;
      const medications = writes.map((write) => write.resource as MedicationResource);
      const patients = await resolvePatientIds(trx, organizationId, medications.map((medication) => idOf(medication.subject, 'Patient')).filter((id): id is string => !!id));
      const staff = await staffMemberIds(trx, organizationId, medications.map((medication) => (medication.resourceType === 'MedicationRequest' ? idOf(medication.requester, 'Practitioner') : undefined)).filter((id): id is string => !!id));
      const context_ = historyContextOf(context);
      const source = context.source ?? 'fhir';
      const results: Array<WriteResult | { error: unknown }> = [];
      const rows: Array<{ index: number; id: string; values: ReturnType<typeof prepareMedication> & Record<string, unknown> }> = [];
      for (const [index, medication] of medications.entries()) {
        try {
          const patient = patientResolutionOf(medication.subject, `${type}.subject`, (id) => patients.get(id));
          if (patient.kind !== 'register') {
            results.push({ patientId: null, rowId: null, warnings: [] });
            continue;
          }
          const requester = medication.resourceType === 'MedicationRequest' ? idOf(medication.requester, 'Practitioner') : undefined;
          const prescriberId = requester && staff.has(requester) ? requester : null;
          // The row as recordMedication writes it, with the columns writeHistory sets after it.
          const after = { kind, status: medicationStatuses[medication.status] ?? 'active', ...(kind === 'request' ? { prescriberId } : {}) };
          let values: ReturnType<typeof prepareMedication>;
          try {
            values = prepareMedication(context_, patient.patientId, medicationInput(medication), { source });
          } catch (error) {
            throw fhirRefusalOf(error, paths, type);
          }
          const id = randomUUID();
          rows.push({ index, id, values: { ...values, ...after } });
          results.push({ patientId: null, auditPatientId: patient.patientId, rowId: id, warnings: [] });
        } catch (error) {
          results.push({ error });
        }
      }
      const written = await recordMedicationsBatch(trx, context_, rows.map(({ id, values }) => ({ id, values })), { source });
      written.forEach((outcome, position) => {
        if (outcome.error !== undefined) results[rows[position]!.index] = { error: fhirRefusalOf(outcome.error, paths, type) };
      });
      return results;
    },
  };
}

export const medicationStatementDefinition = medicationDefinition('MedicationStatement');
export const medicationRequestDefinition = medicationDefinition('MedicationRequest');

// ---- Immunization → immunizations (historical records; lot optional)

const CVX = codeSystems.cvx;
const MVX = 'http://hl7.org/fhir/sid/mvx';
const NIP001: Record<string, string> = { '01': 'unspecified', '02': 'other-provider', '03': 'parent-written-record', '04': 'parent-recall', '05': 'other-registry', '06': 'birth-certificate', '07': 'school-record', '08': 'public-agency' };
const immunizationPaths = { cvxCode: 'Immunization.vaccineCode', occurred: 'Immunization.occurrenceDateTime', lotNumber: 'Immunization.lotNumber', manufacturerMvx: 'Immunization.manufacturer', encounterId: 'Immunization.encounter' };

function immunizationInput(immunization: Immunization, encounterId: string | null) {
  const cvx = codingIn(immunization.vaccineCode, [CVX]);
  const mvx = immunization.manufacturer?.identifier?.system === MVX ? immunization.manufacturer.identifier.value : undefined;
  const origin = immunization.reportOrigin?.coding?.find((coding) => coding.code && NIP001[coding.code])?.code;
  return {
    cvxCode: cvx?.code ?? '',
    occurred: (immunization.occurrenceDateTime ?? '').slice(0, 10),
    lotNumber: immunization.lotNumber ? immunization.lotNumber.slice(0, 40) : null,
    manufacturerMvx: mvx && /^[A-Z]{2,3}$/.test(mvx) ? mvx : null,
    informationSource: (origin ? NIP001[origin]! : 'unspecified') as 'unspecified',
    encounterId,
  };
}

export const immunizationDefinition: ResourceDefinition = {
  servesStoredWhenFresh: true,
  type: 'Immunization',
  interactions: writable,
  searchParameters: [
    idParameter, patientParameter,
    { name: 'date', type: 'date', match: 'instant', column: 'occurred', documentation: 'When given (a partial date is the start of its range), with eq, ne, gt, lt, ge, le, sa, eb prefixes.' },
    { name: 'status', type: 'token', match: 'code', column: 'status', documentation: 'completed | not-done | entered-in-error.' },
    { name: 'vaccine-code', type: 'token', match: 'tokens', column: 'vaccine_codes', documentation: `Vaccine, e.g. ${CVX}|08.` },
  ],
  sorts: { ...sorts, date: sql<string>`to_char(r.occurred at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')` },
  policy: { read: 'history.read', search: 'history.read', write: 'history.record' },
  source(organizationId, actor, id) {
    return mappedSource({
      type: 'Immunization', table: 'immunizations', rowUpdatedAt: sql`o.recorded_at`, patientElement: 'patient',
      columns: {
        occurred: { json: (r) => fhirInstant(sql`${r}->>'occurrenceDateTime'`), row: fhirInstant(sql`o.occurred`) },
        status: codeColumn('status', sql`o.status`),
        vaccine_codes: tokensColumn('vaccineCode', rowTokens(sql`o.cvx_code`, sql`${CVX}::text`)),
      },
    }, organizationId, actor, id);
  },
  toResource: (candidate) => freshOr<Immunization>(candidate, (row, stored) => ({
    ...(stored ?? {}),
    resourceType: 'Immunization',
    status: String(row.status) as Immunization['status'],
    vaccineCode: { coding: [{ system: CVX, code: String(row.cvxCode), ...(row.vaccineName ? { display: String(row.vaccineName) } : {}) }], ...(row.vaccineName ? { text: String(row.vaccineName) } : {}) },
    patient: { reference: `Patient/${String(row.patientRef)}` },
    occurrenceDateTime: String(row.occurred),
    recorded: isoOf(row.recordedAt)!,
    primarySource: row.isPrimarySource === true,
    ...(row.lotNumber ? { lotNumber: String(row.lotNumber) } : {}),
    ...(row.manufacturerMvx ? { manufacturer: { identifier: { system: MVX, value: String(row.manufacturerMvx) } } } : {}),
  })),
  validate(resource) {
    const immunization = resource as Immunization & Record<string, unknown>;
    check.code(immunization.status, 'Immunization.status', ['completed', 'not-done', 'entered-in-error']);
    check.object(immunization.vaccineCode, 'Immunization.vaccineCode');
    check.object(immunization.patient, 'Immunization.patient');
    if (immunization.occurrenceDateTime === undefined && immunization.occurrenceString === undefined) check.dateTime(undefined, 'Immunization.occurrence[x]');
    if (immunization.occurrenceDateTime !== undefined) check.dateTime(immunization.occurrenceDateTime, 'Immunization.occurrenceDateTime');
    if (immunization.expirationDate !== undefined) check.date(immunization.expirationDate, 'Immunization.expirationDate');
    if (immunization.lotNumber !== undefined) check.string(immunization.lotNumber, 'Immunization.lotNumber');
  },
  auditPatientId: (candidate) => candidate.patientId,
  async writeMapped(trx, context, { resource, current, versionId }) {
    const immunization = resource as Immunization;
    let patientId = await patientOf(trx, context, immunization.patient, 'Immunization.patient');
    const encounterId = await resolveEncounterReference(trx, context.organizationId, immunization.encounter, 'Immunization.encounter');
    const input = immunizationInput(immunization, encounterId);
    // Only doses given (with a CVX code and a date) are on the chart; the rest is kept as sent.
    if (immunization.status === 'not-done' || !input.cvxCode || !input.occurred) patientId = null;
    const after = { ...(immunization.status === 'entered-in-error' ? { status: 'entered-in-error' } : {}), isPrimarySource: immunization.primarySource === true };
    const context_ = historyContextOf(context);
    return asFhirRefusal(() => writeHistory(trx, 'immunizations', { current, versionId, patientId },
      () => recordImmunization(trx, context_, patientId!, input, { source: context.source ?? 'fhir' }),
      patientId ? (() => {
        const parsed = parseInput(recordImmunizationRequestSchema, input);
        const cvxCode = parsed.cvxCode.padStart(2, '0');
        return { fields: { ...parsed, cvxCode, vaccineName: cvxVaccineName(cvxCode) ?? '' } };
      })() : null,
      after,
    ), immunizationPaths, 'Immunization');
  },
  async writeMappedBatch(trx, context, writes) {
    const organizationId = context.organizationId;
    const immunizations = writes.map((write) => write.resource as Immunization);
    const patients = await resolvePatientIds(trx, organizationId, immunizations.map((immunization) => idOf(immunization.patient, 'Patient')).filter((id): id is string => !!id));
    const encounters = await resolveEncounterIds(trx, organizationId, immunizations.map((immunization) => idOf(immunization.encounter, 'Encounter')).filter((id): id is string => !!id));
    const context_ = historyContextOf(context);
    const source = context.source ?? 'fhir';
    const results: Array<WriteResult | { error: unknown }> = [];
    const pending: Array<{ index: number; patientId: string; checked: ReturnType<typeof checkImmunization>; after: Record<string, unknown> }> = [];
    for (const [index, immunization] of immunizations.entries()) {
      try {
        const patient = patientResolutionOf(immunization.patient, 'Immunization.patient', (id) => patients.get(id));
        const encounterId = encounterResolutionOf(immunization.encounter, 'Immunization.encounter', (id) => encounters.get(id));
        const input = immunizationInput(immunization, encounterId);
        // Only doses given (with a CVX code and a date) are on the chart; the rest is kept as sent.
        if (patient.kind !== 'register' || immunization.status === 'not-done' || !input.cvxCode || !input.occurred) {
          results.push({ patientId: null, rowId: null, warnings: [] });
          continue;
        }
        const after = { ...(immunization.status === 'entered-in-error' ? { status: 'entered-in-error' } : {}), isPrimarySource: immunization.primarySource === true };
        try {
          pending.push({ index, patientId: patient.patientId, checked: checkImmunization(input), after });
        } catch (error) {
          throw fhirRefusalOf(error, immunizationPaths, 'Immunization');
        }
        results.push({ patientId: null, auditPatientId: patient.patientId, rowId: null, warnings: [] });
      } catch (error) {
        results.push({ error });
      }
    }
    // Each patient is checked once (a chart that may not be opened refuses its immunizations alone).
    const charts = new Map<string, { id: string; dateOfBirth: string } | { error: unknown }>();
    for (const patientId of [...new Set(pending.map((item) => item.patientId))].sort()) {
      try {
        charts.set(patientId, await getPatientForHistory(trx, context_, patientId));
      } catch (error) {
        charts.set(patientId, { error: fhirRefusalOf(error, immunizationPaths, 'Immunization') });
      }
    }
    const rows: Array<Record<string, unknown> & { id: string; patientId: string }> = [];
    for (const item of pending) {
      const chart = charts.get(item.patientId)!;
      try {
        if ('error' in chart) throw chart.error;
        const id = randomUUID();
        rows.push({ ...immunizationValues(context_, chart, item.checked, { source }), ...item.after, id });
        results[item.index] = { patientId: null, auditPatientId: item.patientId, rowId: id, warnings: [] };
      } catch (error) {
        results[item.index] = { error: fhirRefusalOf(error, immunizationPaths, 'Immunization') };
      }
    }
    for (let start = 0; start < rows.length; start += 500) {
      const chunk = rows.slice(start, start + 500);
      await trx.insertInto('immunizations').values(chunk as never).execute();
      await recordAudit(trx, context_, chunk.map((row) => immunizationAuditEntry(row.id, row.patientId, { source })));
    }
    return results;
  },
};
