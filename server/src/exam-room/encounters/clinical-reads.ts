import type { Kysely, Transaction } from 'kysely';
import type { VitalReading } from '../../../../contracts/exam-room/encounters.js';
import type { Database } from '../../platform/db/schema.js';
import type { ObservationComponent } from '../exam-room.table.js';
import { staffNames, staffRef } from './encounter-view.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Readings that count: corrected ones replace what they correct; errors never show. */
export const currentObservationStatuses = ['final', 'corrected', 'preliminary'] as const;

export const vitalColumns = [
  'id', 'code', 'codeDisplay', 'value', 'unit', 'enteredValue', 'enteredUnit', 'components', 'interpretation',
  'interpretationMessage', 'isCritical', 'status', 'repeatOfId', 'effectiveAt', 'encounterId',
] as const;

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function parseComponents(value: unknown): ObservationComponent[] {
  const list = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(list) ? (list as ObservationComponent[]) : [];
}

export function toVitalReading(row: {
  id: string; code: string; codeDisplay: string; value: unknown; unit: string | null; enteredValue: unknown; enteredUnit: string | null;
  components: unknown; interpretation: string | null; interpretationMessage: string | null; isCritical: boolean; status: string;
  repeatOfId: string | null; effectiveAt: Date | string; encounterId: string | null;
}): VitalReading {
  return {
    id: row.id,
    code: row.code,
    display: row.codeDisplay,
    value: numberOrNull(row.value),
    unit: row.unit,
    enteredValue: numberOrNull(row.enteredValue),
    enteredUnit: row.enteredUnit,
    components: parseComponents(row.components).map((component) => ({
      code: component.code,
      display: component.display,
      value: numberOrNull(component.value),
      unit: component.unit,
      interpretation: component.interpretation,
      interpretationMessage: component.interpretationMessage ?? null,
    })),
    interpretation: row.interpretation as VitalReading['interpretation'],
    interpretationMessage: row.interpretationMessage,
    isCritical: row.isCritical,
    status: row.status,
    repeatOfId: row.repeatOfId,
    effectiveAt: new Date(row.effectiveAt).toISOString(),
    encounterId: row.encounterId,
  };
}

/** The allergy banner: active allergies, or the statement someone made ("no known drug allergies"), or unknown. */
export async function readAllergyOverview(db: Db, organizationId: string, patientId: string) {
  const [allergies, statement] = await Promise.all([
    db
      .selectFrom('allergies')
      .select(['id', 'substanceText', 'category', 'reaction', 'severity', 'criticality', 'clinicalStatus'])
      .where('organizationId', '=', organizationId)
      .where('patientId', '=', patientId)
      .where('status', '=', 'active')
      .orderBy('recordedAt', 'desc')
      .execute(),
    db
      .selectFrom('allergyStatements')
      .select(['statement', 'statedBy', 'statedAt'])
      .where('organizationId', '=', organizationId)
      .where('patientId', '=', patientId)
      .executeTakeFirst(),
  ]);
  const names = await staffNames(db, [statement?.statedBy]);
  const hasActive = allergies.some((allergy) => allergy.clinicalStatus === 'active');
  return {
    status: hasActive ? ('has-allergies' as const) : (statement?.statement ?? ('unknown' as const)),
    statedBy: statement && !hasActive ? staffRef(names, statement.statedBy) : null,
    statedAt: statement && !hasActive ? new Date(statement.statedAt).toISOString() : null,
    items: allergies.map((allergy) => ({
      id: allergy.id,
      substance: allergy.substanceText,
      category: allergy.category,
      reaction: allergy.reaction,
      severity: allergy.severity,
      criticality: allergy.criticality,
      clinicalStatus: allergy.clinicalStatus,
    })),
  };
}
