import type { Selectable, Transaction } from 'kysely';
import type { z } from 'zod';
import {
  codeProblem,
  confirmDiagnosisRequestSchema,
  problemDiagnosisSystems,
  recordProblemRequestSchema,
  type Problem,
} from '../../../../contracts/exam-room/histories.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import type { ProblemsTable } from '../exam-room.table.js';
import { getPatientForHistory, iso, staffRefs, type Db, type HistoryContext, type StaffRef, type WriteOptions } from './history-context.js';
import { parseInput } from './validate-input.js';

export type RecordProblemInput = z.input<typeof recordProblemRequestSchema> & {
  /** A code sent by another system (FHIR Condition, import); the app's MA screen sends none. */
  code?: { system: string; code: string } | null;
};
export type ConfirmDiagnosisInput = z.input<typeof confirmDiagnosisRequestSchema>;

function checkCode(code: { system: string; code: string } | null | undefined, field: string) {
  if (!code) return null;
  const problem = (problemDiagnosisSystems as readonly string[]).includes(code.system) ? codeProblem(code.system, code.code) : 'Use ICD-10-CM or SNOMED CT.';
  if (problem) throw new AppError('VALIDATION_FAILED', { field, issues: [{ field, message: problem }] });
  return code;
}

/** The problems row for a reported (or, from FHIR and imports, confirmed) problem, with no database access: the contract and the code checked (400 naming the field). */
export function prepareProblem(context: HistoryContext, patientId: string, input: RecordProblemInput, options: WriteOptions & { verification?: 'patient-reported' | 'confirmed' }) {
  const { code: rawCode, ...fields } = input;
  const problem = parseInput(recordProblemRequestSchema, fields);
  const code = checkCode(rawCode, 'code.code');
  const verification = options.verification ?? 'patient-reported';
  if (verification === 'confirmed' && options.source === 'app') throw new Error('the app confirms diagnoses only through confirmDiagnosis');
  return {
    organizationId: context.organizationId,
    patientId,
    encounterId: problem.encounterId,
    description: problem.description,
    codeSystem: code?.system ?? null,
    code: code?.code ?? null,
    verification,
    clinicalStatus: problem.clinicalStatus,
    onset: problem.onset,
    reportedBy: context.staffMemberId,
    source: options.source,
  };
}

/** The audit entry of a recorded problem (one by one and in import batches alike). */
export const problemAuditEntry = (id: string, patientId: string, verification: string, options: WriteOptions) =>
  ({ action: 'create' as const, recordType: 'Condition', recordId: id, patientId, details: { verification, source: options.source } });

/** The encounters among `encounterIds` that are this patient's (one query). */
export async function encountersOfPatient(trx: Transaction<Database>, context: HistoryContext, patientId: string, encounterIds: string[]): Promise<Set<string>> {
  if (encounterIds.length === 0) return new Set();
  const rows = await trx.selectFrom('encounters').select('id').where('organizationId', '=', context.organizationId).where('patientId', '=', patientId).where('id', 'in', encounterIds).execute();
  return new Set(rows.map((row) => row.id));
}

/** The refusal of an encounter that is not this patient's. */
export const notThisPatientsEncounter = () => new AppError('VALIDATION_FAILED', { field: 'encounterId', issues: [{ field: 'encounterId', message: 'No such encounter for this patient.' }] });

/**
 * Records a problem as the patient reports it (verification "patient-reported"): an MA may do this;
 * it is not a diagnosis. The FHIR mapping and imports may bring a diagnosis another clinician
 * already confirmed (`verification: 'confirmed'`, never from the app's own screens).
 */
export async function recordProblem(
  trx: Transaction<Database>,
  context: HistoryContext,
  patientId: string,
  input: RecordProblemInput,
  options: WriteOptions & { verification?: 'patient-reported' | 'confirmed' },
) {
  const values = prepareProblem(context, patientId, input, options);
  await getPatientForHistory(trx, context, patientId);
  if (values.encounterId) await assertEncounterOfPatient(trx, context, patientId, values.encounterId);
  const row = await trx
    .insertInto('problems')
    .values(values)
    .returningAll()
    .executeTakeFirstOrThrow();
  const verification = values.verification;
  await recordAudit(trx, context, problemAuditEntry(row.id, patientId, verification, options));
  return row;
}

async function assertEncounterOfPatient(trx: Transaction<Database>, context: HistoryContext, patientId: string, encounterId: string) {
  const encounter = await trx.selectFrom('encounters').select('id')
    .where('organizationId', '=', context.organizationId).where('patientId', '=', patientId).where('id', '=', encounterId)
    .executeTakeFirst();
  if (!encounter) throw notThisPatientsEncounter();
}

/** A provider confirms a reported problem as a diagnosis, optionally coding it (ICD-10-CM or SNOMED CT), if nobody changed it since it was read. */
export async function confirmDiagnosis(trx: Transaction<Database>, context: HistoryContext, problemId: string, input: ConfirmDiagnosisInput) {
  const request = parseInput(confirmDiagnosisRequestSchema, input);
  const current = await trx.selectFrom('problems').selectAll()
    .where('organizationId', '=', context.organizationId).where('id', '=', problemId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw new AppError('NOT_FOUND', { message: 'No such problem.' });
  await getPatientForHistory(trx, context, current.patientId);
  if (current.version !== request.version || current.verification !== 'patient-reported') {
    throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: current.version, verification: current.verification } });
  }
  const row = await trx
    .updateTable('problems')
    .set({
      verification: 'confirmed',
      confirmedBy: context.staffMemberId,
      confirmedAt: new Date(),
      ...(request.code ? { codeSystem: request.code.system, code: request.code.code } : {}),
      ...(request.description ? { description: request.description } : {}),
      version: current.version + 1,
    })
    .where('id', '=', problemId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, context, {
    action: 'update', recordType: 'Condition', recordId: problemId, patientId: current.patientId,
    details: { changed: ['verification', ...(request.code ? ['code'] : []), ...(request.description ? ['description'] : [])], verification: 'confirmed' },
  });
  return row;
}

export function toProblem(row: Selectable<ProblemsTable>, who: (id: string | null) => StaffRef | null): Problem {
  return {
    id: row.id, patientId: row.patientId, encounterId: row.encounterId, description: row.description,
    codeSystem: row.codeSystem, code: row.code, category: row.category, verification: row.verification,
    clinicalStatus: row.clinicalStatus, onset: row.onset, reportedBy: who(row.reportedBy), reportedAt: iso(row.reportedAt)!,
    confirmedBy: who(row.confirmedBy), confirmedAt: iso(row.confirmedAt), source: row.source, version: row.version,
  };
}

export async function toProblemView(db: Db, row: Selectable<ProblemsTable>): Promise<Problem> {
  return toProblem(row, await staffRefs(db, [row.reportedBy, row.confirmedBy]));
}

/** The problem list (entered-in-error left out): confirmed diagnoses first, then reported problems, newest first. */
export async function findProblems(db: Db, organizationId: string, patientId: string): Promise<Problem[]> {
  const rows = await db.selectFrom('problems').selectAll()
    .where('organizationId', '=', organizationId).where('patientId', '=', patientId).where('verification', '!=', 'entered-in-error')
    .orderBy('reportedAt', 'desc').orderBy('id')
    .execute();
  const who = await staffRefs(db, rows.flatMap((row) => [row.reportedBy, row.confirmedBy]));
  const rank = (verification: string) => (verification === 'confirmed' ? 0 : verification === 'patient-reported' ? 1 : 2);
  return rows.sort((a, b) => rank(a.verification) - rank(b.verification)).map((row) => toProblem(row, who));
}
