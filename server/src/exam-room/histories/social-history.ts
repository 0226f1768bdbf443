import type { Transaction } from 'kysely';
import type { z } from 'zod';
import { saveSocialHistoryRequestSchema, type SocialHistory } from '../../../../contracts/exam-room/histories.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { assessTobaccoUse } from '../screenings/tobacco.js';
import { getPatientForHistory, iso, numberOrNull, staffRefs, type Db, type HistoryContext } from './history-context.js';
import { parseInput } from './validate-input.js';

export type SocialHistoryInput = Omit<z.input<typeof saveSocialHistoryRequestSchema>, 'version'>;

/** Pack-years from the screening's own rule (packs per day × years), with fields named as this form names them. */
function packYearsOf(tobacco: { status: 'current' | 'former' | 'never'; packsPerDay?: number | undefined; yearsSmoked?: number | undefined }) {
  try {
    return assessTobaccoUse(tobacco).packYears;
  } catch (error) {
    if (error instanceof AppError && error.issues) {
      const issues = error.issues.map((issue) => ({ field: `tobacco.${issue.field}`, message: issue.message }));
      throw new AppError('VALIDATION_FAILED', { field: issues[0]?.field, issues });
    }
    throw error;
  }
}

/**
 * Saves the patient's social history (tobacco with pack-years computed, never typed; alcohol drinks
 * a week; notes) if nobody changed it since it was read: version 0 for the first save, stale → 409.
 */
export async function saveSocialHistory(trx: Transaction<Database>, context: HistoryContext, patientId: string, version: number, input: SocialHistoryInput) {
  const request = parseInput(saveSocialHistoryRequestSchema, { ...input, version });
  const tobacco = request.tobacco;
  if (tobacco && tobacco.quitYear !== undefined && tobacco.status !== 'former') {
    throw new AppError('VALIDATION_FAILED', { field: 'tobacco.quitYear', issues: [{ field: 'tobacco.quitYear', message: 'Only a former smoker has a quit year.' }] });
  }
  if (tobacco?.quitYear !== undefined && tobacco.quitYear > new Date().getUTCFullYear()) {
    throw new AppError('VALIDATION_FAILED', { field: 'tobacco.quitYear', issues: [{ field: 'tobacco.quitYear', message: 'The quit year cannot be in the future.' }] });
  }
  const packYears = tobacco ? packYearsOf(tobacco) : null;
  await getPatientForHistory(trx, context, patientId);
  const current = await trx.selectFrom('socialHistories').select(['version']).where('patientId', '=', patientId).forUpdate().executeTakeFirst();
  const currentVersion = current?.version ?? 0;
  if (currentVersion !== version) throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion } });
  const smoked = tobacco && tobacco.status !== 'never';
  const values = {
    tobaccoStatus: tobacco?.status ?? null,
    packsPerDay: smoked ? tobacco.packsPerDay ?? null : null,
    yearsSmoked: smoked ? tobacco.yearsSmoked ?? null : null,
    packYears,
    quitYear: tobacco?.quitYear ?? null,
    alcoholDrinksPerWeek: request.alcoholDrinksPerWeek,
    notes: request.notes,
    recordedBy: context.staffMemberId,
    recordedAt: new Date(),
  };
  if (current) {
    await trx.updateTable('socialHistories').set({ ...values, version: currentVersion + 1 }).where('patientId', '=', patientId).execute();
  } else {
    await trx.insertInto('socialHistories').values({ ...values, patientId, organizationId: context.organizationId, version: 1 }).execute();
  }
  await recordAudit(trx, context, { action: current ? 'update' : 'create', recordType: 'SocialHistory', recordId: patientId, patientId });
}

/** The patient's social history; version 0 and empty answers when nothing was recorded yet. */
export async function getSocialHistory(db: Db, organizationId: string, patientId: string): Promise<SocialHistory> {
  const row = await db.selectFrom('socialHistories').selectAll().where('organizationId', '=', organizationId).where('patientId', '=', patientId).executeTakeFirst();
  if (!row) {
    return {
      patientId, tobaccoStatus: null, packsPerDay: null, yearsSmoked: null, packYears: null, quitYear: null,
      alcoholDrinksPerWeek: null, notes: '', recordedBy: null, recordedAt: null, version: 0,
    };
  }
  const who = await staffRefs(db, [row.recordedBy]);
  return {
    patientId, tobaccoStatus: row.tobaccoStatus, packsPerDay: numberOrNull(row.packsPerDay), yearsSmoked: numberOrNull(row.yearsSmoked),
    packYears: numberOrNull(row.packYears), quitYear: row.quitYear, alcoholDrinksPerWeek: numberOrNull(row.alcoholDrinksPerWeek),
    notes: row.notes, recordedBy: who(row.recordedBy), recordedAt: iso(row.recordedAt), version: row.version,
  };
}
