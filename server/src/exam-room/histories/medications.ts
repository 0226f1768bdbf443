import type { Selectable, Transaction } from 'kysely';
import type { z } from 'zod';
import {
  medicationInputSchema,
  reconcileMedicationsRequestSchema,
  type Medication,
  type MedicationList,
} from '../../../../contracts/exam-room/histories.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import type { MedicationsTable } from '../exam-room.table.js';
import { getPatientForHistory, iso, staffRefs, type Db, type HistoryContext, type StaffRef, type WriteOptions } from './history-context.js';
import { parseInput } from './validate-input.js';

export type MedicationInput = z.input<typeof medicationInputSchema>;
export type ReconciliationItem = z.input<typeof reconcileMedicationsRequestSchema>['items'][number];

/**
 * Locks the patient's medication list (creating it at version 0 when the patient has none) and,
 * when the caller says which version it saw, refuses a stale one: two people editing the same
 * list → the second gets 409.
 */
async function lockMedicationList(trx: Transaction<Database>, context: HistoryContext, patientId: string, expectedVersion: number | undefined) {
  await trx
    .insertInto('medicationLists')
    .values({ patientId, organizationId: context.organizationId, version: 0 })
    .onConflict((conflict) => conflict.column('patientId').doNothing())
    .execute();
  const list = await trx.selectFrom('medicationLists').selectAll().where('patientId', '=', patientId).forUpdate().executeTakeFirstOrThrow();
  if (expectedVersion !== undefined && list.version !== expectedVersion) {
    throw new AppError('VERSION_CONFLICT', { field: 'listVersion', details: { currentVersion: list.version } });
  }
  return list;
}

/** The medications row for a new medication, with no database access: the input checked against the contract (400 naming the field). */
export function prepareMedication(context: HistoryContext, patientId: string, input: MedicationInput, options: WriteOptions) {
  const medication = parseInput(medicationInputSchema, input, options.source === 'app' ? 'medication.' : '');
  return {
    organizationId: context.organizationId,
    patientId,
    name: medication.name,
    rxnormCode: medication.rxnormCode,
    dose: medication.dose,
    route: medication.route,
    frequency: medication.frequency,
    startedOn: medication.startedOn,
    recordedBy: context.staffMemberId,
    source: options.source,
  };
}

/**
 * Many new medications (prepared with prepareMedication, possibly with more columns set) in a few
 * statements, as recordMedication would add them one by one (imports): each patient is checked
 * once, each list moves on by the number added. A patient who may not be opened refuses that
 * patient's medications alone: their results carry the error.
 */
export async function recordMedicationsBatch(
  trx: Transaction<Database>,
  context: HistoryContext,
  items: Array<{ id: string; values: ReturnType<typeof prepareMedication> & Record<string, unknown> }>,
  options: WriteOptions,
): Promise<Array<{ error?: unknown }>> {
  const refused = new Map<string, unknown>();
  const patients = [...new Set(items.map((item) => item.values.patientId))].sort();
  for (const patientId of patients) {
    try {
      await getPatientForHistory(trx, context, patientId);
    } catch (error) {
      refused.set(patientId, error);
    }
  }
  const accepted = items.filter((item) => !refused.has(item.values.patientId));
  for (const patientId of patients.filter((id) => !refused.has(id))) {
    const list = await lockMedicationList(trx, context, patientId, undefined);
    const added = accepted.filter((item) => item.values.patientId === patientId).length;
    await trx.updateTable('medicationLists').set({ version: list.version + added }).where('patientId', '=', patientId).execute();
  }
  for (let start = 0; start < accepted.length; start += 500) {
    const chunk = accepted.slice(start, start + 500);
    await trx.insertInto('medications').values(chunk.map((item) => ({ ...item.values, id: item.id }) as never)).execute();
    await recordAudit(trx, context, chunk.map((item) => ({ action: 'create' as const, recordType: 'MedicationStatement', recordId: item.id, patientId: item.values.patientId, details: { source: options.source } })));
  }
  return items.map((item) => (refused.has(item.values.patientId) ? { error: refused.get(item.values.patientId) } : {}));
}

/**
 * Adds a medication the patient takes (name, RxNorm code where known, dose, route, frequency) and
 * moves the list to its next version. `listVersion` is checked when given (the app always sends
 * it); the FHIR mapping and imports may leave it out. Input is checked against the contract.
 */
export async function recordMedication(
  trx: Transaction<Database>,
  context: HistoryContext,
  patientId: string,
  input: MedicationInput,
  options: WriteOptions & { listVersion?: number },
) {
  const values = prepareMedication(context, patientId, input, options);
  await getPatientForHistory(trx, context, patientId);
  const list = await lockMedicationList(trx, context, patientId, options.listVersion);
  const row = await trx
    .insertInto('medications')
    .values(values)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx.updateTable('medicationLists').set({ version: list.version + 1 }).where('patientId', '=', patientId).execute();
  await recordAudit(trx, context, { action: 'create', recordType: 'MedicationStatement', recordId: row.id, patientId, details: { source: options.source } });
  return row;
}

/**
 * Reconciles the list with the patient: each medication marked taking, not taking (stopped) or
 * changed (with the new dose or frequency; the old one is kept in the note), with who and when.
 * The whole list moves to its next version in one transaction.
 */
export async function reconcileMedications(
  trx: Transaction<Database>,
  context: HistoryContext,
  patientId: string,
  listVersion: number,
  items: ReconciliationItem[],
) {
  const parsed = parseInput(reconcileMedicationsRequestSchema, { listVersion, items });
  await getPatientForHistory(trx, context, patientId);
  const list = await lockMedicationList(trx, context, patientId, listVersion);
  const seen = new Set<string>();
  const rows = await trx
    .selectFrom('medications')
    .selectAll()
    .where('organizationId', '=', context.organizationId)
    .where('patientId', '=', patientId)
    .where('status', '!=', 'entered-in-error')
    .where('id', 'in', parsed.items.map((item) => item.medicationId))
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const issues: { field: string; message: string }[] = [];
  parsed.items.forEach((item, index) => {
    if (!byId.has(item.medicationId)) issues.push({ field: `items.${index}.medicationId`, message: 'This medication is not on the patient’s list.' });
    else if (seen.has(item.medicationId)) issues.push({ field: `items.${index}.medicationId`, message: 'This medication is listed twice.' });
    seen.add(item.medicationId);
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', { field: issues[0]!.field, issues });
  const now = new Date();
  for (const item of parsed.items) {
    const current = byId.get(item.medicationId)!;
    const was = item.reconciliation === 'changed' ? `Was: ${[current.dose, current.frequency].filter(Boolean).join(', ') || 'not recorded'}.` : null;
    const note = [was, item.note].filter(Boolean).join(' ') || null;
    await trx
      .updateTable('medications')
      .set({
        reconciliation: item.reconciliation,
        reconciliationNote: note,
        reconciledBy: context.staffMemberId,
        reconciledAt: now,
        status: item.reconciliation === 'not-taking' ? 'stopped' : 'active',
        ...(item.reconciliation === 'changed' && item.dose ? { dose: item.dose } : {}),
        ...(item.reconciliation === 'changed' && item.frequency ? { frequency: item.frequency } : {}),
        version: current.version + 1,
      })
      .where('id', '=', item.medicationId)
      .execute();
  }
  await trx
    .updateTable('medicationLists')
    .set({ version: list.version + 1, lastReconciledAt: now, lastReconciledBy: context.staffMemberId })
    .where('patientId', '=', patientId)
    .execute();
  await recordAudit(trx, context, parsed.items.map((item) => ({
    action: 'update' as const, recordType: 'MedicationStatement', recordId: item.medicationId, patientId,
    details: { reconciliation: item.reconciliation },
  })));
}

function toMedication(row: Selectable<MedicationsTable>, who: (id: string | null) => StaffRef | null): Medication {
  return {
    id: row.id, name: row.name, rxnormCode: row.rxnormCode, dose: row.dose, route: row.route, frequency: row.frequency,
    status: row.status, reconciliation: row.reconciliation, reconciliationNote: row.reconciliationNote,
    reconciledBy: who(row.reconciledBy), reconciledAt: iso(row.reconciledAt), startedOn: row.startedOn,
    recordedBy: who(row.recordedBy), recordedAt: iso(row.recordedAt)!, source: row.source, version: row.version,
  };
}

/** The patient's medication list with its version (0 when there is none yet): active first, then stopped. */
export async function getMedicationList(db: Db, organizationId: string, patientId: string): Promise<MedicationList> {
  const [list, rows] = await Promise.all([
    db.selectFrom('medicationLists').selectAll().where('organizationId', '=', organizationId).where('patientId', '=', patientId).executeTakeFirst(),
    db.selectFrom('medications').selectAll()
      .where('organizationId', '=', organizationId).where('patientId', '=', patientId).where('status', '!=', 'entered-in-error')
      .orderBy('recordedAt').orderBy('id')
      .execute(),
  ]);
  const who = await staffRefs(db, [list?.lastReconciledBy, ...rows.flatMap((row) => [row.recordedBy, row.reconciledBy])]);
  const rank = (status: string) => (status === 'active' ? 0 : 1);
  return {
    patientId,
    listVersion: list?.version ?? 0,
    lastReconciledAt: iso(list?.lastReconciledAt),
    lastReconciledBy: who(list?.lastReconciledBy),
    medications: rows.sort((a, b) => rank(a.status) - rank(b.status)).map((row) => toMedication(row, who)),
  };
}
