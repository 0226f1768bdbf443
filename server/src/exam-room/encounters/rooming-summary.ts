import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { RoomingSummary, VitalReading, vitalChangeSchema } from '../../../../contracts/exam-room/encounters.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { currentObservationStatuses, readAllergyOverview, toVitalReading, vitalColumns } from './clinical-reads.js';
import { staffNames, staffRef, toEncounterView } from './encounter-view.js';
import type { EncounterContext } from './open-encounter.js';

const round = (value: number) => Math.round(value * 100) / 100;
const difference = (current: number | null, previous: number | null) => (current === null || previous === null ? null : round(current - previous));

/** The newest reading of each code (a repeated blood pressure counts as the one that stands). */
function latestPerCode(readings: readonly VitalReading[]): Map<string, VitalReading> {
  const latest = new Map<string, VitalReading>();
  for (const reading of readings) {
    const seen = latest.get(reading.code);
    if (!seen || seen.effectiveAt <= reading.effectiveAt) latest.set(reading.code, reading);
  }
  return latest;
}

/** How each vital measured now moved since the patient's previous visit with vitals (weight, blood pressure per component …). */
export function vitalChanges(current: readonly VitalReading[], previous: readonly VitalReading[]): z.infer<typeof vitalChangeSchema>[] {
  const before = latestPerCode(previous);
  return [...latestPerCode(current).values()].map((now) => {
    const then = before.get(now.code);
    return {
      code: now.code,
      display: now.display,
      unit: now.unit,
      previous: then?.value ?? null,
      current: now.value,
      change: difference(now.value, then?.value ?? null),
      components: now.components.map((component) => {
        const old = then?.components.find((candidate) => candidate.code === component.code);
        return { code: component.code, display: component.display, previous: old?.value ?? null, current: component.value, change: difference(component.value, old?.value ?? null) };
      }),
    };
  });
}

/**
 * The provider's one screen after the hand-off: chief complaint and reason, this visit's vitals
 * with their flags, what changed since the last visit, allergies, medication changes made while
 * rooming, screenings, and how far the checklist got.
 */
export async function readRoomingSummary(db: Kysely<Database>, context: EncounterContext, encounterId: string): Promise<RoomingSummary> {
  // A read: no transaction of its own (its statements only read; the audit entry joins the group commit).
  const row = await db.selectFrom('encounters').selectAll().where('organizationId', '=', context.organizationId).where('id', '=', encounterId).executeTakeFirst();
  if (!row) throw new AppError('ENCOUNTER_NOT_FOUND');
  const startedAt = new Date(row.startedAt);
  // reconciled "during this visit": from its start to its end (or now, while it is open)
  const endedAt = row.endedAt ? new Date(row.endedAt) : new Date();

  const vitalsOf = (id: string) => db
    .selectFrom('observations')
    .select(vitalColumns)
    .where('encounterId', '=', id)
    .where('organizationId', '=', context.organizationId)
    .where('category', '=', 'vital-signs')
    .where('status', 'in', currentObservationStatuses)
    .orderBy('effectiveAt')
    .orderBy('recordedAt')
    .execute();

  const [encounter, vitalRows, previous, allergies, medications, screenings] = await Promise.all([
    toEncounterView(db, row),
    vitalsOf(row.id),
    db
      .selectFrom('encounters as e')
      .select(['e.id', 'e.startedAt'])
      .where('e.organizationId', '=', context.organizationId)
      .where('e.patientId', '=', row.patientId)
      .where('e.id', '<>', row.id)
      .where('e.startedAt', '<', startedAt)
      .where('e.status', '<>', 'entered-in-error')
      .where(({ exists, selectFrom }) => exists(selectFrom('observations as o')
        .select('o.id')
        .whereRef('o.encounterId', '=', 'e.id')
        .where('o.category', '=', 'vital-signs')
        .where('o.status', 'in', currentObservationStatuses)))
      .orderBy('e.startedAt', 'desc')
      .limit(1)
      .executeTakeFirst(),
    readAllergyOverview(db, context.organizationId, row.patientId),
    db
      .selectFrom('medications')
      .select(['id', 'name', 'dose', 'route', 'frequency', 'reconciliation', 'reconciliationNote', 'reconciledBy', 'reconciledAt', 'recordedAt', 'recordedBy'])
      .where('organizationId', '=', context.organizationId)
      .where('patientId', '=', row.patientId)
      .where('status', '<>', 'entered-in-error')
      .where((eb) => eb.or([
        eb.and([eb('recordedAt', '>=', startedAt), eb('recordedAt', '<=', endedAt)]),
        eb.and([eb('reconciledAt', '>=', startedAt), eb('reconciledAt', '<=', endedAt), eb('reconciliation', 'in', ['changed', 'not-taking'])]),
      ]))
      .orderBy('name')
      .execute(),
    db
      .selectFrom('screenings')
      .select(['id', 'instrument', 'total', 'band', 'isPositive', 'needsUrgentFollowUp', 'recordedAt'])
      .where('organizationId', '=', context.organizationId)
      .where('encounterId', '=', row.id)
      .orderBy('recordedAt')
      .execute(),
  ]);
  const vitals = vitalRows.map(toVitalReading);
  const previousVitals = previous ? (await vitalsOf(previous.id)).map(toVitalReading) : [];
  const names = await staffNames(db, medications.flatMap((medication) => [medication.reconciledBy, medication.recordedBy]));

  await recordAudit(db, context, { action: 'read', recordType: 'Encounter', recordId: row.id, patientId: row.patientId, details: { view: 'rooming-summary' } });
  return {
    encounter,
    vitals,
    changesSinceLastVisit: previous
      ? { previousEncounterId: previous.id, previousVisitAt: new Date(previous.startedAt).toISOString(), changes: vitalChanges(vitals, previousVitals) }
      : null,
    allergies,
    medicationChanges: medications.map((medication) => {
      const isNew = new Date(medication.recordedAt) >= startedAt;
      return {
        id: medication.id,
        name: medication.name,
        dose: medication.dose,
        route: medication.route,
        frequency: medication.frequency,
        change: isNew ? ('new' as const) : (medication.reconciliation as 'changed' | 'not-taking'),
        note: medication.reconciliationNote,
        reconciledBy: staffRef(names, isNew && !medication.reconciledBy ? medication.recordedBy : medication.reconciledBy),
        reconciledAt: medication.reconciledAt ? new Date(medication.reconciledAt).toISOString() : isNew ? new Date(medication.recordedAt).toISOString() : null,
      };
    }),
    screenings: screenings.map((screening) => ({
      id: screening.id,
      instrument: screening.instrument,
      total: screening.total === null ? null : Number(screening.total),
      band: screening.band,
      isPositive: screening.isPositive,
      needsUrgentFollowUp: screening.needsUrgentFollowUp,
      recordedAt: new Date(screening.recordedAt).toISOString(),
    })),
    checklistProgress: { done: encounter.checklist.filter((item) => item.isDone).length, total: encounter.checklist.length },
  };
}
