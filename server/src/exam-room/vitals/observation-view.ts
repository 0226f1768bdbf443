import type { ObservationView } from '../../../../contracts/exam-room/vitals.js';
import type { ObservationComponent } from '../exam-room.table.js';
import type { ObservationRow } from './save-observation.js';

const toNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const toIso = (value: Date | string): string => new Date(value).toISOString();
const parsed = <T>(value: unknown, fallback: T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : ((value as T) ?? fallback));

/** An observation row as the screens see it (numeric columns as numbers, times as ISO strings). */
export function toObservationView(row: ObservationRow): ObservationView {
  const components = parsed<ObservationComponent[]>(row.components, []);
  return {
    id: row.id,
    patientId: row.patientId,
    encounterId: row.encounterId,
    vitalsSetId: row.vitalsSetId,
    orthostaticSetId: row.orthostaticSetId,
    category: row.category,
    code: row.code,
    display: row.codeDisplay,
    value: toNumber(row.value),
    unit: row.unit,
    enteredValue: toNumber(row.enteredValue),
    enteredUnit: row.enteredUnit,
    components: components.map((component) => ({
      code: component.code,
      display: component.display,
      value: toNumber(component.value),
      unit: component.unit,
      interpretation: component.interpretation,
      interpretationMessage: component.interpretationMessage ?? null,
    })),
    interpretation: row.interpretation,
    interpretationMessage: row.interpretationMessage,
    isCritical: row.isCritical,
    details: parsed<Record<string, unknown>>(row.details, {}),
    effectiveAt: toIso(row.effectiveAt),
    recordedAt: toIso(row.recordedAt),
    recordedBy: row.recordedBy,
    source: row.source,
    status: row.status,
    repeatOfId: row.repeatOfId,
    replacedById: row.replacedById,
    correctionOfId: row.correctionOfId,
    correctionReason: row.correctionReason,
    interpretationSetBy: row.interpretationSetBy,
    interpretationReason: row.interpretationReason,
    version: row.version,
  };
}
