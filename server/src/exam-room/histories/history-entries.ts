import type { Selectable, Transaction } from 'kysely';
import type { z } from 'zod';
import { recordHistoryEntryRequestSchema, type HistoryEntry, type HistoryKindName } from '../../../../contracts/exam-room/histories.js';
import { recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import type { HistoryEntriesTable } from '../exam-room.table.js';
import { getPatientForHistory, iso, staffRefs, type Db, type HistoryContext, type StaffRef } from './history-context.js';
import { parseInput } from './validate-input.js';

export type HistoryEntryInput = z.input<typeof recordHistoryEntryRequestSchema>;

/** Records one past medical, past surgical, family (with the relative) or social history entry. */
export async function recordHistoryEntry(trx: Transaction<Database>, context: HistoryContext, patientId: string, input: HistoryEntryInput) {
  const entry = parseInput(recordHistoryEntryRequestSchema, input);
  await getPatientForHistory(trx, context, patientId);
  const row = await trx
    .insertInto('historyEntries')
    .values({
      organizationId: context.organizationId,
      patientId,
      kind: entry.kind,
      description: entry.description,
      codeSystem: entry.code?.system ?? null,
      code: entry.code?.code ?? null,
      relation: entry.relation,
      occurred: entry.occurred,
      details: JSON.stringify(entry.details),
      recordedBy: context.staffMemberId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, context, { action: 'create', recordType: 'HistoryEntry', recordId: row.id, patientId, details: { kind: entry.kind } });
  return row;
}

export function toHistoryEntry(row: Selectable<HistoryEntriesTable>, who: (id: string | null) => StaffRef | null): HistoryEntry {
  return {
    id: row.id, kind: row.kind, description: row.description, codeSystem: row.codeSystem, code: row.code,
    relation: row.relation, occurred: row.occurred, details: row.details, recordedBy: who(row.recordedBy),
    recordedAt: iso(row.recordedAt)!, version: row.version,
  };
}

/** The patient's history entries (optionally one kind), grouped by kind, newest first. */
export async function findHistoryEntries(db: Db, organizationId: string, patientId: string, kind?: HistoryKindName): Promise<HistoryEntry[]> {
  let query = db.selectFrom('historyEntries').selectAll()
    .where('organizationId', '=', organizationId).where('patientId', '=', patientId).where('status', '=', 'active');
  if (kind) query = query.where('kind', '=', kind);
  const rows = await query.orderBy('kind').orderBy('recordedAt', 'desc').orderBy('id').execute();
  const who = await staffRefs(db, rows.map((row) => row.recordedBy));
  return rows.map((row) => toHistoryEntry(row, who));
}
