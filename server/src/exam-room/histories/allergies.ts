import type { z } from 'zod';
import {
  recordAllergyRequestSchema,
  type AllergyList,
  type AllergyStatus,
  type Allergy,
} from '../../../../contracts/exam-room/histories.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { AllergiesTable } from '../exam-room.table.js';
import { getPatientForHistory, iso, staffRefs, type Db, type HistoryContext, type StaffRef, type WriteOptions } from './history-context.js';
import { parseInput } from './validate-input.js';

/** The app's request, with the substance's code system as any string (checked here, so FHIR codings can be passed as they come). */
export type RecordAllergyInput = Omit<z.input<typeof recordAllergyRequestSchema>, 'substance'> & {
  substance: { text: string; system?: string | null; code?: string | null };
};

/** Does a new allergy make the statement on file untrue? NKA: any active allergy; NKDA: a drug allergy (or one of unknown kind). */
function contradicts(statement: 'no-known-drug-allergies' | 'no-known-allergies', allergy: { category: string | null; clinicalStatus: string }): boolean {
  if (allergy.clinicalStatus !== 'active') return false;
  if (statement === 'no-known-allergies') return true;
  return allergy.category === 'medication' || allergy.category === null;
}

function toAllergy(row: Selectable<AllergiesTable>, who: (id: string | null) => StaffRef | null): Allergy {
  return {
    id: row.id,
    substance: { text: row.substanceText, system: row.substanceSystem, code: row.substanceCode },
    category: row.category, reaction: row.reaction, severity: row.severity, criticality: row.criticality,
    clinicalStatus: row.clinicalStatus, status: row.status, onset: row.onset,
    recordedBy: who(row.recordedBy), recordedAt: iso(row.recordedAt)!, source: row.source, version: row.version,
  };
}

/**
 * Records an allergy (coded or free text). In the same transaction it removes a "no known
 * (drug) allergies" statement the allergy contradicts, so the banner never shows both.
 * Exported for the FHIR mapping and imports (`source`); input is checked against the contract.
 */
export async function recordAllergy(trx: Transaction<Database>, context: HistoryContext, patientId: string, input: RecordAllergyInput, options: WriteOptions) {
  const { system, code, text } = input.substance;
  const allergy = parseInput(recordAllergyRequestSchema, { ...input, substance: { text, ...(system ? { system } : {}), ...(code ? { code } : {}) } });
  await getPatientForHistory(trx, context, patientId, { lock: true });
  const row = await trx
    .insertInto('allergies')
    .values({
      organizationId: context.organizationId,
      patientId,
      substanceText: allergy.substance.text,
      substanceSystem: allergy.substance.system ?? null,
      substanceCode: allergy.substance.code ?? null,
      category: allergy.category,
      reaction: allergy.reaction,
      severity: allergy.severity,
      criticality: allergy.criticality,
      clinicalStatus: allergy.clinicalStatus,
      onset: allergy.onset,
      recordedBy: context.staffMemberId,
      source: options.source,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, context, { action: 'create', recordType: 'AllergyIntolerance', recordId: row.id, patientId, details: { source: options.source } });
  const statement = await trx.selectFrom('allergyStatements').select(['statement']).where('patientId', '=', patientId).forUpdate().executeTakeFirst();
  if (statement && contradicts(statement.statement, allergy)) {
    await trx.deleteFrom('allergyStatements').where('patientId', '=', patientId).execute();
    await recordAudit(trx, context, {
      action: 'update', recordType: 'AllergyStatement', recordId: patientId, patientId,
      details: { removed: statement.statement, becauseOf: row.id },
    });
  }
  return row;
}

/** Records "no known drug allergies" (or "no known allergies") as a statement with who and when; refused while an allergy it denies is on file. */
export async function stateNoKnownAllergies(
  trx: Transaction<Database>,
  context: HistoryContext,
  patientId: string,
  statement: 'no-known-drug-allergies' | 'no-known-allergies',
) {
  await getPatientForHistory(trx, context, patientId, { lock: true });
  const active = await trx
    .selectFrom('allergies')
    .select(['category', 'clinicalStatus'])
    .where('organizationId', '=', context.organizationId)
    .where('patientId', '=', patientId)
    .where('status', '=', 'active')
    .execute();
  const contradicting = active.filter((allergy) => contradicts(statement, allergy));
  if (contradicting.length > 0) {
    throw new AppError('ALLERGIES_ON_RECORD', { field: 'statement', details: { activeAllergies: contradicting.length } });
  }
  const now = new Date();
  await trx
    .insertInto('allergyStatements')
    .values({ patientId, organizationId: context.organizationId, statement, statedBy: context.staffMemberId, statedAt: now })
    .onConflict((conflict) => conflict.column('patientId').doUpdateSet((eb) => ({
      statement, statedBy: context.staffMemberId, statedAt: now, version: eb('allergyStatements.version', '+', 1),
    })))
    .execute();
  await recordAudit(trx, context, { action: 'create', recordType: 'AllergyStatement', recordId: patientId, patientId, details: { statement } });
}

/** Marks an allergy recorded by mistake as entered-in-error (kept, never deleted), if nobody changed it since it was read. */
export async function markAllergyEnteredInError(trx: Transaction<Database>, context: HistoryContext, allergyId: string, version: number, reason?: string) {
  const current = await trx
    .selectFrom('allergies')
    .selectAll()
    .where('organizationId', '=', context.organizationId)
    .where('id', '=', allergyId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw new AppError('NOT_FOUND', { message: 'No such allergy.' });
  await getPatientForHistory(trx, context, current.patientId);
  if (current.version !== version || current.status === 'entered-in-error') {
    throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: current.version } });
  }
  await trx.updateTable('allergies').set({ status: 'entered-in-error', version: version + 1 }).where('id', '=', allergyId).execute();
  await recordAudit(trx, context, {
    action: 'update', recordType: 'AllergyIntolerance', recordId: allergyId, patientId: current.patientId, reason,
    details: { changed: ['status'], status: 'entered-in-error' },
  });
  return current.patientId;
}

/** The patient's allergies (not entered-in-error, newest first) and the status the banner shows. */
export async function findAllergyList(db: Db, organizationId: string, patientId: string): Promise<AllergyList> {
  const [rows, statement] = await Promise.all([
    db.selectFrom('allergies').selectAll()
      .where('organizationId', '=', organizationId).where('patientId', '=', patientId).where('status', '=', 'active')
      .orderBy('recordedAt', 'desc').orderBy('id')
      .execute(),
    db.selectFrom('allergyStatements').selectAll().where('organizationId', '=', organizationId).where('patientId', '=', patientId).executeTakeFirst(),
  ]);
  const who = await staffRefs(db, [...rows.map((row) => row.recordedBy), statement?.statedBy]);
  const hasActive = rows.some((row) => row.clinicalStatus === 'active');
  const status: AllergyStatus = hasActive ? 'has-allergies' : (statement?.statement ?? 'unknown');
  return {
    status,
    statement: statement?.statement ?? null,
    statedBy: statement ? who(statement.statedBy) : null,
    statedAt: statement ? iso(statement.statedAt) : null,
    allergies: rows.map((row) => toAllergy(row, who)),
  };
}

/** What the patient banner shows about allergies: active substances, the status, and a statement's who/when. */
export async function loadAllergyBanner(db: Db, organizationId: string, patientId: string) {
  const list = await findAllergyList(db, organizationId, patientId);
  return {
    allergies: list.allergies
      .filter((allergy) => allergy.clinicalStatus === 'active')
      .map((allergy) => ({ substance: allergy.substance.text, reaction: allergy.reaction, severity: allergy.severity ?? '' })),
    allergyStatus: list.status,
    allergyStatement: list.statement ? { statement: list.statement, statedBy: list.statedBy, statedAt: list.statedAt! } : null,
  };
}
export type AllergyBanner = Awaited<ReturnType<typeof loadAllergyBanner>>;
