import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { CodeableConcept, Coding, Observation, ObservationComponent as FhirComponent, Quantity, Resource } from '@medplum/fhirtypes';
import { isVitalSignCode, saveObservation, type ObservationComponentInput, type ObservationInput } from '../../../exam-room/vitals/index.js';
import { observationCategories, type InterpretationCode, type ObservationCategory, type ObservationComponent } from '../../../exam-room/exam-room.table.js';
import { ALERT_WINDOW_MS, checkObservationBasics, checkObservationEncounter, isVitalInput, loadClinicVitalSettings, observationAuditEntry, prepareObservation, type SaveObservationOptions } from '../../../exam-room/vitals/save-observation.js';
import { AppError, recordAudit } from '../../../platform/index.js';
import type { AuditEntry } from '../../../platform/audit/record-audit.js';
import { check, isUuid } from '../core/fhir-values.js';
import type { ResourceDefinition, WriteResult } from '../core/resource-definition.js';
import { lastUpdatedKey } from '../search/search-columns.js';
import { conceptListTokens, conceptTokens, encounterResolutionOf, fhirInstant, freshOr, idOf, isoOf, mappedSource, patientResolutionOf, resolveEncounterIds, resolveEncounterReference, resolvePatientIds, resolvePatientReference, rowTokens } from './clinical-source.js';
import { asFhirRefusal, fhirRefusalOf, historyContextOf } from './clinical-write.js';

export const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const UCUM = 'http://unitsofmeasure.org';
import { isBloodPressurePanel } from '../../../exam-room/vitals/vital-codes.js';
const BP_COMPONENTS = ['8480-6', '8462-4'];
const LOINC = 'http://loinc.org';
const INTERPRETATION_DISPLAY: Record<InterpretationCode, string> = { N: 'Normal', L: 'Low', H: 'High', LL: 'Critical low', HH: 'Critical high', A: 'Abnormal', AA: 'Critical abnormal' };
const STATUSES = ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'] as const;
/** Statuses the clinic's observations table records (others are kept as sent only). */
const ROW_STATUSES = ['preliminary', 'final', 'amended', 'corrected'];

/** The coding the row keeps: LOINC when the concept has one, else the first coding with a code. */
function primaryCoding(concept: CodeableConcept | undefined): Coding | undefined {
  const codings = (concept?.coding ?? []).filter((coding) => typeof coding?.code === 'string' && coding.code !== '');
  return codings.find((coding) => coding.system === LOINC) ?? codings[0];
}

const unitOf = (quantity: Quantity | undefined) => (quantity ? (quantity.code ?? quantity.unit ?? null) : null);

/** The first category the table knows; a known vital-sign code sent without one is a vital sign. */
function categoryOf(observation: Observation, isVitalCode: boolean): ObservationCategory {
  for (const concept of observation.category ?? []) {
    for (const coding of concept.coding ?? []) {
      if ((observationCategories as readonly string[]).includes(coding.code ?? '')) return coding.code as ObservationCategory;
    }
  }
  return isVitalCode ? 'vital-signs' : 'exam';
}

const interpretationOf = (concepts: CodeableConcept[] | undefined): InterpretationCode | undefined => {
  const code = concepts?.flatMap((concept) => concept.coding ?? []).find((coding) => coding.system === INTERPRETATION_SYSTEM)?.code;
  return code && code in INTERPRETATION_DISPLAY ? (code as InterpretationCode) : undefined;
};

const effectiveOf = (observation: Observation): string | undefined => observation.effectiveDateTime ?? observation.effectiveInstant ?? observation.effectivePeriod?.start ?? observation.issued;

/** The observation as the row records it (null: kept as sent only — no patient on the register, no value to chart, or a status the chart does not hold). */
function toInput(observation: Observation, patientId: string, encounterId: string | null): ObservationInput | null {
  const coding = primaryCoding(observation.code);
  if (!coding || !ROW_STATUSES.includes(observation.status)) return null;
  const components: ObservationComponentInput[] = (observation.component ?? []).flatMap((component) => {
    const componentCoding = primaryCoding(component.code);
    return componentCoding ? [{ code: componentCoding.code!, ...(componentCoding.display ? { display: componentCoding.display } : {}), value: component.valueQuantity?.value ?? null, unit: unitOf(component.valueQuantity) }] : [];
  });
  const hasValue = observation.valueQuantity?.value !== undefined || components.some((component) => component.value !== null);
  if (!hasValue) return null;
  // A blood pressure with one number absent (dataAbsentReason on a component) is kept as sent: the chart records both or none.
  if (coding.system === LOINC && isBloodPressurePanel(coding.code!) && BP_COMPONENTS.some((code) => !components.some((component) => component.code === code && component.value !== null))) return null;
  const effective = effectiveOf(observation);
  const interpretation = interpretationOf(observation.interpretation);
  return {
    patientId,
    encounterId,
    category: categoryOf(observation, coding.system === LOINC && isVitalSignCode(coding.code!)),
    code: coding.code!,
    codeSystem: coding.system ?? 'urn:unknown',
    codeDisplay: (coding.display ?? observation.code.text ?? '').slice(0, 200),
    value: observation.valueQuantity?.value ?? null,
    unit: unitOf(observation.valueQuantity),
    components,
    effectiveAt: effective ? new Date(effective.length <= 10 ? `${effective.padEnd(10, '-01').slice(0, 10)}T00:00:00Z` : effective) : new Date(),
    ...(interpretation ? { interpretation } : {}),
  };
}

/** Element paths for the vitals' field names, so a refused reading names the FHIR element. */
function fieldNames(observation: Observation) {
  const componentPath = (code: string) => {
    const index = (observation.component ?? []).findIndex((component) => component.code?.coding?.some((coding) => coding.code === code));
    return `Observation.component[${Math.max(index, 0)}].valueQuantity`;
  };
  return {
    value: 'Observation.valueQuantity.value', unit: 'Observation.valueQuantity.code', code: 'Observation.code', effectiveAt: 'Observation.effective',
    encounterId: 'Observation.encounter', systolic: componentPath('8480-6'), diastolic: componentPath('8462-4'),
  };
}

const interpretationConcept = (code: InterpretationCode): CodeableConcept => ({ coding: [{ system: INTERPRETATION_SYSTEM, code, display: INTERPRETATION_DISPLAY[code] }], text: INTERPRETATION_DISPLAY[code] });
const quantity = (value: unknown, unit: unknown): Quantity | undefined =>
  value === null || value === undefined ? undefined : { value: Number(value), ...(unit ? { unit: String(unit), system: UCUM, code: String(unit) } : {}) };

function parsedComponents(row: Record<string, unknown>): ObservationComponent[] {
  const value = row.components;
  return (typeof value === 'string' ? JSON.parse(value) : value ?? []) as ObservationComponent[];
}

/** Adds the clinic's interpretation (reading and each component) to a vital sign sent without one. */
function withInterpretation(observation: Observation, row: Record<string, unknown>): Observation {
  const interpretation = row.interpretation as InterpretationCode | null;
  const components = parsedComponents(row);
  let changed = false;
  const result: Observation = { ...observation };
  if (interpretation && !observation.interpretation) {
    result.interpretation = [interpretationConcept(interpretation)];
    changed = true;
  }
  if (observation.component && components.some((component) => component.interpretation)) {
    result.component = observation.component.map((component) => {
      if (component.interpretation) return component;
      const code = primaryCoding(component.code)?.code;
      const ours = components.find((item) => item.code === code)?.interpretation;
      if (!ours) return component;
      changed = true;
      return { ...component, interpretation: [interpretationConcept(ours)] };
    });
  }
  return changed ? result : observation;
}

/** An observation row (an MA's reading, or a FHIR one changed in the app since) as a FHIR Observation, over the JSON last sent. */
function fromRow(row: Record<string, unknown>, stored: Observation | null): Observation {
  const components = parsedComponents(row);
  const interpretation = row.interpretation as InterpretationCode | null;
  const value = quantity(row.value, row.unit);
  const { valueQuantity: _valueQuantity, interpretation: _interpretation, component: _component, dataAbsentReason: _absent, ...rest } = stored ?? ({} as Observation);
  void _valueQuantity; void _interpretation; void _component; void _absent;
  const category = String(row.category);
  return {
    ...rest,
    resourceType: 'Observation',
    status: String(row.status) as Observation['status'],
    category: stored?.category ?? [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: category, display: category === 'vital-signs' ? 'Vital Signs' : category }] }],
    code: stored?.code ?? { coding: [{ system: String(row.codeSystem), code: String(row.code), ...(row.codeDisplay ? { display: String(row.codeDisplay) } : {}) }], ...(row.codeDisplay ? { text: String(row.codeDisplay) } : {}) },
    subject: { reference: `Patient/${String(row.patientRef)}` },
    ...(row.encounterRef ? { encounter: { reference: `Encounter/${String(row.encounterRef)}` } } : {}),
    ...(stored?.effectivePeriod || stored?.effectiveInstant ? {} : { effectiveDateTime: isoOf(row.effectiveAt)! }),
    issued: isoOf(row.recordedAt)!,
    ...(!stored && row.recordedBy ? { performer: [{ reference: `Practitioner/${String(row.recordedBy)}` }] } : {}),
    ...(value ? { valueQuantity: value } : {}),
    ...(interpretation ? { interpretation: [interpretationConcept(interpretation)] } : {}),
    ...(components.length
      ? {
        component: components.map((component): FhirComponent => ({
          code: { coding: [{ system: LOINC, code: component.code, ...(component.display ? { display: component.display } : {}) }], ...(component.display ? { text: component.display } : {}) },
          ...(quantity(component.value, component.unit) ? { valueQuantity: quantity(component.value, component.unit)! } : {}),
          ...(component.interpretation ? { interpretation: [interpretationConcept(component.interpretation)] } : {}),
        })),
      }
      : {}),
  };
}

function validateObservation(resource: Resource): void {
  const observation = resource as Observation & Record<string, unknown>;
  check.code(observation.status, 'Observation.status', STATUSES);
  check.object(observation.code, 'Observation.code');
  check.each(observation.code.coding, 'Observation.code.coding', (coding, at) => {
    if (coding.code !== undefined) check.string(coding.code, `${at}.code`);
  });
  check.each(observation.category, 'Observation.category', () => undefined);
  if (observation.subject !== undefined) check.object(observation.subject, 'Observation.subject');
  if (observation.effectiveDateTime !== undefined) check.dateTime(observation.effectiveDateTime, 'Observation.effectiveDateTime');
  if (observation.issued !== undefined) check.dateTime(observation.issued, 'Observation.issued');
  if (observation.effectivePeriod?.start !== undefined) check.dateTime(observation.effectivePeriod.start, 'Observation.effectivePeriod.start');
  const quantities: Array<[unknown, string]> = [[observation.valueQuantity, 'Observation.valueQuantity']];
  check.each(observation.component, 'Observation.component', (component, at) => {
    check.object(component.code, `${at}.code`);
    quantities.push([component.valueQuantity, `${at}.valueQuantity`]);
  });
  for (const [value, path] of quantities) {
    if (value === undefined) continue;
    check.object(value, path);
    if (value.value !== undefined && (typeof value.value !== 'number' || !Number.isFinite(value.value))) check.code(undefined, `${path}.value`, ['a number']);
    // A coded unit needs its system (UCUM for the vital signs).
    if (value.code !== undefined && value.system === undefined) check.string(value.system, `${path}.system`);
  }
}

/**
 * Observation: the clinic's observations (vital signs and any other LOINC-coded reading), with the
 * JSON last sent kept beside the row. A FHIR create goes through the vitals' own saveObservation
 * (units, plausibility → 422 naming the element; interpretation; a critical vital taken within 24 h
 * raises exactly one urgent task in the same transaction). Readings without a value
 * (dataAbsentReason), for a patient off the register, or not about a patient are kept as sent only.
 */
export const observationDefinition: ResourceDefinition = {
  type: 'Observation',
  interactions: ['read', 'vread', 'update', 'history-instance', 'create', 'search-type'],
  searchParameters: [
    { name: '_id', type: 'token', match: 'id', column: 'id', documentation: 'Logical id.' },
    { name: 'patient', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'The patient (subject).' },
    { name: 'subject', type: 'reference', match: 'reference', target: 'Patient', column: 'patient_ref', documentation: 'The patient the observation is about.' },
    { name: 'category', type: 'token', match: 'tokens', column: 'categories', documentation: `Category, e.g. ${OBSERVATION_CATEGORY_SYSTEM}|vital-signs.` },
    { name: 'code', type: 'token', match: 'tokens', column: 'codes', documentation: 'Code, e.g. http://loinc.org|8867-4.' },
    { name: 'date', type: 'date', match: 'instant', column: 'effective', documentation: 'When taken, with eq, ne, gt, lt, ge, le, sa, eb prefixes (repeat to combine, e.g. date=ge2024-01-01&date=lt2025-01-01).' },
    { name: 'status', type: 'token', match: 'code', column: 'status', documentation: 'registered | preliminary | final | amended | corrected | cancelled | entered-in-error | unknown.' },
  ],
  sorts: { _id: sql<string>`r.id`, date: sql<string>`to_char(r.effective at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`, _lastUpdated: lastUpdatedKey },
  policy: { read: 'vitals.read', search: 'vitals.read', write: 'vitals.record' },
  source(organizationId, actor, id) {
    return mappedSource({
      type: 'Observation',
      table: 'observations',
      rowFilter: sql<boolean>`o.replaced_by_id is null`,
      rowUpdatedAt: sql`o.recorded_at`,
      patientElement: 'subject',
      rowExtras: sql`jsonb_build_object('encounter_ref', coalesce((select x.id from fhir_resources as x where x.organization_id = o.organization_id and x.resource_type = 'Encounter' and x.row_id = o.encounter_id), o.encounter_id::text))`,
      columns: {
        categories: { json: (r) => conceptListTokens(sql`${r}->'category'`), row: rowTokens(sql`o.category`, sql`${OBSERVATION_CATEGORY_SYSTEM}::text`) },
        codes: { json: (r) => conceptTokens(sql`${r}->'code'`), row: rowTokens(sql`o.code`, sql`o.code_system`) },
        effective: {
          json: (r) => sql`coalesce(${fhirInstant(sql`${r}->>'effectiveDateTime'`)}, ${fhirInstant(sql`${r}->>'effectiveInstant'`)}, ${fhirInstant(sql`${r}->'effectivePeriod'->>'start'`)}, ${fhirInstant(sql`${r}->>'issued'`)})`,
          row: sql`o.effective_at`,
        },
        status: { json: (r) => sql`${r}->>'status'`, row: sql`o.status` },
      },
    }, organizationId, actor, id);
  },
  toResource(candidate) {
    const resource = freshOr<Observation>(candidate, fromRow) as Observation;
    return candidate.isFresh && candidate.row ? withInterpretation(resource, candidate.row) : resource;
  },
  validate: validateObservation,
  auditPatientId: (candidate) => candidate.patientId,
  async writeMapped(trx, context, { resource, current, versionId }) {
    const observation = resource as Observation;
    const subjectIsPatient = /(^|\/)Patient\//.test(observation.subject?.reference ?? '');
    const patient = subjectIsPatient ? await resolvePatientReference(trx, context.organizationId, observation.subject, 'Observation.subject') : null;
    const encounterId = await resolveEncounterReference(trx, context.organizationId, observation.encounter, 'Observation.encounter');
    const input = patient?.kind === 'register' ? toInput(observation, patient.patientId, encounterId) : null;
    const previousRowId = current?.row ? String(current.row.id) : null;
    if (!input) {
      if (previousRowId) await trx.updateTable('observations').set({ status: 'entered-in-error', version: versionId }).where('id', '=', previousRowId).execute();
      return { patientId: null, auditPatientId: patient?.kind === 'register' ? patient.patientId : null, rowId: null, warnings: [] };
    }
    const observationContext = historyContextOf(context);
    const auditEntries: AuditEntry[] = [];
    const saved = await asFhirRefusal(() => saveObservation(trx, observationContext, input, {
      source: context.source ?? 'fhir', fieldNames: fieldNames(observation), auditEntries,
      ...(patient?.kind === 'register' && patient.facts ? { lookups: { patient: { id: patient.patientId, ...patient.facts } } } : {}),
      ...(previousRowId ? { correctionOf: { id: previousRowId, reason: 'Updated through FHIR' } } : {}),
    }), fieldNames(observation));
    const rowId = saved.observation.id;
    // A new row starts at version 1; a correction row takes the resource's version.
    if (versionId !== 1) await trx.updateTable('observations').set({ version: versionId }).where('id', '=', rowId).execute();
    if (previousRowId) await trx.updateTable('observations').set({ status: 'amended', replacedById: rowId }).where('id', '=', previousRowId).execute();
    return { patientId: null, auditPatientId: input.patientId, rowId, warnings: [], auditEntries };
  },
  async writeMappedBatch(trx, context, writes) {
    const organizationId = context.organizationId;
    const observations = writes.map((write) => write.resource as Observation);
    const isAboutPatient = (observation: Observation) => /(^|\/)Patient\//.test(observation.subject?.reference ?? '');
    // References, patients, encounters and settings: one query each for the whole batch.
    const patientIds = await resolvePatientIds(trx, organizationId, observations.filter(isAboutPatient).map((observation) => idOf(observation.subject, 'Patient')).filter((id): id is string => !!id));
    const encounterIds = await resolveEncounterIds(trx, organizationId, observations.map((observation) => idOf(observation.encounter, 'Encounter')).filter((id): id is string => !!id));
    const registerIds = [...new Set([...patientIds.values()].map((row) => row.patientId).filter((id): id is string => !!id))];
    const patients = registerIds.length
      ? new Map((await trx.selectFrom('patients').select(['id', 'dateOfBirth', 'sexAtBirth']).where('organizationId', '=', organizationId).where('id', 'in', registerIds).execute()).map((row) => [row.id, row]))
      : new Map<string, { id: string; dateOfBirth: string; sexAtBirth: string }>();
    const encounterRowIds = [...new Set([...encounterIds.values()].map((row) => row.rowId).filter((id): id is string => !!id && isUuid(id)))];
    const encounters = encounterRowIds.length
      ? new Map((await trx.selectFrom('encounters').select(['id', 'patientId']).where('organizationId', '=', organizationId).where('id', 'in', encounterRowIds).execute()).map((row) => [row.id, row]))
      : new Map<string, { id: string; patientId: string }>();
    let settings: Awaited<ReturnType<typeof loadClinicVitalSettings>> | undefined;
    const observationContext = historyContextOf(context);
    const results: Array<WriteResult | { error: unknown }> = [];
    const rows: Array<{ index: number; id: string; values: ReturnType<typeof prepareObservation>['values']; audit: ReturnType<typeof observationAuditEntry> }> = [];
    // Live readings that may raise a critical-value alert: stored by saveObservation itself, after the others, in order.
    const alerting: Array<{ index: number; input: ObservationInput; options: SaveObservationOptions; names: ReturnType<typeof fieldNames> }> = [];
    for (const [index, observation] of observations.entries()) {
      const names = fieldNames(observation);
      try {
        const patient = isAboutPatient(observation) ? patientResolutionOf(observation.subject, 'Observation.subject', (id) => patientIds.get(id)) : null;
        const encounterId = encounterResolutionOf(observation.encounter, 'Observation.encounter', (id) => encounterIds.get(id));
        const input = patient?.kind === 'register' ? toInput(observation, patient.patientId, encounterId) : null;
        if (!input) {
          results.push({ patientId: null, auditPatientId: patient?.kind === 'register' ? patient.patientId : null, rowId: null, warnings: [] });
          continue;
        }
        const options: SaveObservationOptions = { source: context.source ?? 'fhir', fieldNames: names };
        try {
          // The same checks, in the same order, as saveObservation.
          const { effectiveAt, now } = checkObservationBasics(input, options);
          const row = patients.get(input.patientId);
          if (!row) throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' });
          checkObservationEncounter(input, row.id, input.encounterId ? encounters.get(input.encounterId) : undefined, options);
          if (isVitalInput(input)) settings ??= await loadClinicVitalSettings(trx, organizationId);
          const prepared = prepareObservation(observationContext, input, options, { patient: row, encounterId: input.encounterId ?? null, effectiveAt, settings });
          if (prepared.isCritical && options.source !== 'import' && now.getTime() - effectiveAt.getTime() <= ALERT_WINDOW_MS) {
            alerting.push({ index, input, options, names });
            results.push({ patientId: null, auditPatientId: input.patientId, rowId: null, warnings: [] });
            continue;
          }
          const id = randomUUID();
          rows.push({ index, id, values: prepared.values, audit: observationAuditEntry(id, row.id, input, options) });
          results.push({ patientId: null, auditPatientId: input.patientId, rowId: id, warnings: [] });
        } catch (error) {
          throw fhirRefusalOf(error, names);
        }
      } catch (error) {
        results.push({ error });
      }
    }
    // Readings that raise no alert: the rows and their audit entries are all there is.
    for (let start = 0; start < rows.length; start += 500) {
      const chunk = rows.slice(start, start + 500);
      await trx.insertInto('observations').values(chunk.map((row) => ({ ...row.values, id: row.id }))).execute();
      await recordAudit(trx, observationContext, chunk.map((row) => row.audit));
    }
    // A critical reading taken within the alert window (live writes only): exactly as one by one,
    // so it raises its one urgent task, or joins the open alert of an earlier reading of the same sign.
    for (const { index, input, options, names } of alerting) {
      try {
        const saved = await asFhirRefusal(() => saveObservation(trx, observationContext, input, options), names);
        results[index] = { patientId: null, auditPatientId: input.patientId, rowId: saved.observation.id, warnings: [] };
      } catch (error) {
        results[index] = { error };
      }
    }
    return results;
  },
};
