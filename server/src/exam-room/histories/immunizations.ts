import { readFileSync } from 'node:fs';
import type { Selectable, Transaction } from 'kysely';
import type { z } from 'zod';
import { recordImmunizationRequestSchema, type Immunization } from '../../../../contracts/exam-room/histories.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import type { ImmunizationsTable } from '../exam-room.table.js';
import { getPatientForHistory, iso, staffRefs, type Db, type HistoryContext, type StaffRef, type WriteOptions } from './history-context.js';
import { parseInput } from './validate-input.js';

export type ImmunizationInput = z.input<typeof recordImmunizationRequestSchema>;

let cvxNames: Map<string, string> | undefined;

/** The CVX table shipped in data/cvx.json (see data/PROVENANCE.md). */
export function cvxVaccineName(cvxCode: string): string | undefined {
  cvxNames ??= new Map(Object.entries(JSON.parse(readFileSync(new URL('./data/cvx.json', import.meta.url), 'utf8')) as Record<string, string>));
  return cvxNames.get(cvxCode);
}

/** CVX codes are written with at least two digits ("3" is "03"). */
export const normalizeCvx = (code: string) => code.trim().padStart(2, '0');

/** The immunization as entered, checked with no database access: the contract, a known CVX code, a dose that was given (400 naming the field). */
export function checkImmunization(input: ImmunizationInput) {
  const immunization = parseInput(recordImmunizationRequestSchema, input);
  const cvxCode = normalizeCvx(immunization.cvxCode);
  const vaccineName = cvxVaccineName(cvxCode);
  if (!vaccineName) throw new AppError('VALIDATION_FAILED', { field: 'cvxCode', issues: [{ field: 'cvxCode', message: 'Unknown CVX code: check the code on the record.' }] });
  if (cvxCode === '998') {
    throw new AppError('VALIDATION_FAILED', { field: 'cvxCode', issues: [{ field: 'cvxCode', message: 'CVX 998 means no vaccine was given; record only doses that were given.' }] });
  }
  return { immunization, cvxCode, vaccineName };
}

/** The immunizations row for a checked immunization of this patient (a date before the birth is refused). */
export function immunizationValues(context: HistoryContext, patient: { id: string; dateOfBirth: string }, checked: ReturnType<typeof checkImmunization>, options: WriteOptions) {
  const { immunization, cvxCode, vaccineName } = checked;
  if (immunization.occurred < patient.dateOfBirth.slice(0, immunization.occurred.length)) {
    throw new AppError('VALIDATION_FAILED', { field: 'occurred', issues: [{ field: 'occurred', message: 'The date is before the patient’s date of birth.' }] });
  }
  return {
    organizationId: context.organizationId,
    patientId: patient.id,
    encounterId: immunization.encounterId,
    cvxCode,
    vaccineName,
    occurred: immunization.occurred,
    isPrimarySource: false,
    informationSource: immunization.informationSource,
    lotNumber: immunization.lotNumber,
    manufacturerMvx: immunization.manufacturerMvx,
    recordedBy: context.staffMemberId,
    source: options.source,
  };
}

/** The audit entry of a recorded immunization (one by one and in import batches alike). */
export const immunizationAuditEntry = (id: string, patientId: string, options: WriteOptions) =>
  ({ action: 'create' as const, recordType: 'Immunization', recordId: id, patientId, details: { source: options.source, historical: true } });

/**
 * Records a historical immunization (given elsewhere or before): CVX code checked against the CDC
 * table, a date that may be only a year or a month, optional lot, and where the record came from.
 * Exported for the FHIR mapping and imports.
 */
export async function recordImmunization(trx: Transaction<Database>, context: HistoryContext, patientId: string, input: ImmunizationInput, options: WriteOptions) {
  const checked = checkImmunization(input);
  const patient = await getPatientForHistory(trx, context, patientId);
  const row = await trx
    .insertInto('immunizations')
    .values(immunizationValues(context, patient, checked, options))
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, context, immunizationAuditEntry(row.id, patientId, options));
  return row;
}

export function toImmunization(row: Selectable<ImmunizationsTable>, who: (id: string | null) => StaffRef | null): Immunization {
  return {
    id: row.id, cvxCode: row.cvxCode, vaccineName: row.vaccineName, occurred: row.occurred, status: row.status,
    isPrimarySource: row.isPrimarySource, informationSource: row.informationSource, lotNumber: row.lotNumber,
    manufacturerMvx: row.manufacturerMvx, recordedBy: who(row.recordedBy), recordedAt: iso(row.recordedAt)!, source: row.source, version: row.version,
  };
}

/** The patient's immunizations, newest first (partial dates sort by their text). */
export async function findImmunizations(db: Db, organizationId: string, patientId: string): Promise<Immunization[]> {
  const rows = await db.selectFrom('immunizations').selectAll()
    .where('organizationId', '=', organizationId).where('patientId', '=', patientId).where('status', '!=', 'entered-in-error')
    .orderBy('occurred', 'desc').orderBy('recordedAt', 'desc')
    .execute();
  const who = await staffRefs(db, rows.map((row) => row.recordedBy));
  return rows.map((row) => toImmunization(row, who));
}
