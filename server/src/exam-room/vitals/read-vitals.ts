import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { encounterVitalsResponseSchema, growthChartsResponseSchema, vitalTrendResponseSchema } from '../../../../contracts/exam-room/vitals.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError, recordAudit } from '../../platform/index.js';
import { assertMayOpen } from '../../front-desk/index.js';
import {
  bmiForAge,
  headCircumferenceForAge,
  infantChartsUntilMonths,
  lengthOrStatureForAge,
  weightForAge,
  type GrowthPercentile,
  type GrowthSex,
} from '../growth/growth-percentiles.js';
import { loadLmsTable, type LmsTableName } from '../growth/lms-table.js';
import { toObservationView } from './observation-view.js';
import type { ObservationContext } from './save-observation.js';
import { LOINC } from './vital-codes.js';

type EncounterVitals = z.infer<typeof encounterVitalsResponseSchema>;
type VitalTrend = z.infer<typeof vitalTrendResponseSchema>;
type GrowthCharts = z.infer<typeof growthChartsResponseSchema>;

const CURRENT = ['final', 'corrected'] as const;

async function openPatientRow(trx: Kysely<Database> | Transaction<Database>, context: ObservationContext, patientId: string) {
  const patient = await trx
    .selectFrom('patients')
    .selectAll()
    .where('id', '=', patientId)
    .where('organizationId', '=', context.organizationId)
    .executeTakeFirst();
  if (!patient) throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' });
  await assertMayOpen(trx, context, patient);
  return patient;
}

/** Every reading of an encounter (corrected ones too, with their status) and the alerts they raised. */
export async function readEncounterVitals(db: Kysely<Database>, context: ObservationContext, encounterId: string): Promise<EncounterVitals> {
  // A read: no transaction of its own (its statements only read; the audit entry joins the group commit).
  const encounter = await db
    .selectFrom('encounters')
    .select(['id', 'patientId'])
    .where('id', '=', encounterId)
    .where('organizationId', '=', context.organizationId)
    .executeTakeFirst();
  if (!encounter) throw new AppError('NOT_FOUND', { field: 'encounterId', message: 'No such encounter.' });
  await openPatientRow(db, context, encounter.patientId);
  const rows = await db
    .selectFrom('observations')
    .selectAll()
    .where('encounterId', '=', encounter.id)
    .where('organizationId', '=', context.organizationId)
    .orderBy('effectiveAt')
    .orderBy('recordedAt')
    .execute();
  const alerts = await db
    .selectFrom('vitalAlerts')
    .select(['id', 'observationId', 'taskId', 'acknowledgedAt', 'escalatedAt', 'remeasureObservationId'])
    .where('encounterId', '=', encounter.id)
    .orderBy('createdAt')
    .execute();
  await recordAudit(db, context, { action: 'read', recordType: 'Observation', patientId: encounter.patientId, details: { encounterId: encounter.id, count: rows.length } });
  return {
    encounterId: encounter.id,
    observations: rows.map(toObservationView),
    alerts: alerts.map((alert) => ({
      ...alert,
      acknowledgedAt: alert.acknowledgedAt ? new Date(alert.acknowledgedAt).toISOString() : null,
      escalatedAt: alert.escalatedAt ? new Date(alert.escalatedAt).toISOString() : null,
    })),
  };
}

/** A patient's readings over time, one series per code (current values only: a corrected reading shows its correction). */
export async function readVitalTrend(
  db: Kysely<Database>,
  context: ObservationContext,
  patientId: string,
  query: { code?: string | undefined; from?: string | undefined; to?: string | undefined },
): Promise<VitalTrend> {
  return db.transaction().execute(async (trx) => {
    const patient = await openPatientRow(trx, context, patientId);
    let select = trx
      .selectFrom('observations')
      .selectAll()
      .where('organizationId', '=', context.organizationId)
      .where('patientId', '=', patient.id)
      .where('status', 'in', CURRENT);
    select = query.code ? select.where('code', '=', query.code) : select.where('category', '=', 'vital-signs');
    if (query.from) select = select.where('effectiveAt', '>=', new Date(query.from));
    if (query.to) select = select.where('effectiveAt', '<=', new Date(query.to));
    const rows = await select.orderBy('effectiveAt').limit(10_000).execute();
    const series = new Map<string, VitalTrend['series'][number]>();
    for (const row of rows) {
      const view = toObservationView(row);
      let entry = series.get(row.code);
      if (!entry) {
        entry = { code: row.code, display: view.display, unit: view.unit ?? (view.components[0]?.unit ?? null), points: [] };
        series.set(row.code, entry);
      }
      entry.points.push({
        observationId: view.id, effectiveAt: view.effectiveAt, value: view.value, components: view.components,
        interpretation: view.interpretation, isCritical: view.isCritical,
      });
    }
    await recordAudit(trx, context, { action: 'read', recordType: 'Observation', patientId: patient.id, details: { purpose: 'trend', code: query.code ?? null, count: rows.length } });
    return { patientId: patient.id, series: [...series.values()] };
  });
}

const PERCENTILES = ['P3', 'P5', 'P10', 'P25', 'P50', 'P75', 'P90', 'P95', 'P97'] as const;

interface ChartDefinition {
  kind: GrowthCharts['charts'][number]['kind'];
  codes: string[];
  unit: string;
  measure: (measurement: { sex: GrowthSex; ageMonths: number; value: number }) => GrowthPercentile;
  tables: (isInfant: boolean) => LmsTableName[];
}

const CHARTS: ChartDefinition[] = [
  { kind: 'weight-for-age', codes: [LOINC.bodyWeight], unit: 'kg', measure: weightForAge, tables: (infant) => [infant ? 'wtageinf' : 'wtage'] },
  { kind: 'length-or-stature-for-age', codes: [LOINC.bodyHeight, LOINC.bodyLength], unit: 'cm', measure: lengthOrStatureForAge, tables: (infant) => [infant ? 'lenageinf' : 'statage'] },
  { kind: 'bmi-for-age', codes: [LOINC.bmi], unit: 'kg/m2', measure: bmiForAge, tables: () => ['bmiagerev'] },
  { kind: 'head-circumference-for-age', codes: [LOINC.headCircumference], unit: 'cm', measure: headCircumferenceForAge, tables: () => ['hcageinf'] },
];

const DAYS_PER_MONTH = 30.4375;
const ageInMonths = (dateOfBirth: string, at: Date) => (at.getTime() - Date.parse(`${dateOfBirth}T00:00:00Z`)) / 86_400_000 / DAYS_PER_MONTH;

/**
 * The child's growth charts: each measurement with its CDC 2000 percentile and z-score, and the
 * published reference curves (P3…P97) of the table for the child's age (infant charts under 36 months).
 */
export async function readGrowthCharts(db: Kysely<Database>, context: ObservationContext, patientId: string, now = new Date()): Promise<GrowthCharts> {
  return db.transaction().execute(async (trx) => {
    const patient = await openPatientRow(trx, context, patientId);
    const sex: GrowthSex | null = patient.sexAtBirth === 'male' || patient.sexAtBirth === 'female' ? patient.sexAtBirth : null;
    const rows = await trx
      .selectFrom('observations')
      .select(['id', 'code', 'value', 'effectiveAt'])
      .where('organizationId', '=', context.organizationId)
      .where('patientId', '=', patient.id)
      .where('status', 'in', CURRENT)
      .where('code', 'in', CHARTS.flatMap((chart) => chart.codes))
      .orderBy('effectiveAt')
      .execute();
    const isInfant = ageInMonths(patient.dateOfBirth, now) < infantChartsUntilMonths;
    const charts = CHARTS.map((chart) => {
      const points = rows.filter((row) => chart.codes.includes(row.code) && row.value !== null).map((row) => {
        const effectiveAt = new Date(row.effectiveAt);
        const ageMonths = ageInMonths(patient.dateOfBirth, effectiveAt);
        const value = Number(row.value);
        let result: GrowthPercentile | null = null;
        if (sex) {
          try {
            result = chart.measure({ sex, ageMonths, value });
          } catch {
            result = null; // outside the chart's ages (e.g. an adult's weight)
          }
        }
        return {
          observationId: row.id, effectiveAt: effectiveAt.toISOString(), ageMonths: Math.round(ageMonths * 100) / 100, value, unit: chart.unit,
          percentile: result ? Math.round(result.percentile * 10) / 10 : null, z: result ? Math.round(result.z * 100) / 100 : null, table: result?.table ?? null,
        };
      });
      const curves = sex
        ? PERCENTILES.map((label) => ({
            percentile: label,
            points: chart.tables(isInfant).flatMap((name) => loadLmsTable(name).rows[sex].map((row) => ({ ageMonths: row.ageMonths, value: row.percentiles[label]! }))),
          }))
        : [];
      return { kind: chart.kind, unit: chart.unit, points, curves };
    });
    await recordAudit(trx, context, { action: 'read', recordType: 'Observation', patientId: patient.id, details: { purpose: 'growth-charts', count: rows.length } });
    return { patientId: patient.id, sex, charts };
  });
}
