import type { InterpretationCode } from '../../../../contracts/exam-room/vitals.js';

/** UCUM codes as a clinician reads them next to a number. */
const unitLabels: Record<string, string> = {
  'mm[Hg]': 'mmHg',
  '/min': '/min',
  Cel: '°C',
  '[degF]': '°F',
  '%': '%',
  kg: 'kg',
  g: 'g',
  '[lb_av]': 'lb',
  '[oz_av]': 'oz',
  cm: 'cm',
  '[in_i]': 'in',
  'kg/m2': 'kg/m²',
  '{score}': '',
};

export function unitLabel(unit: string | null | undefined): string {
  if (!unit) return '';
  return unitLabels[unit] ?? unit;
}

/** "120 mmHg", "37.2 °C", "6" (a pain score has no unit). */
export function formatMeasure(value: number | null, unit: string | null | undefined, digits = 1): string {
  if (value === null) return '—';
  const label = unitLabel(unit);
  const text = Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return label ? `${text} ${label}` : text;
}

/** The US unit beside a metric reading, since US clinics enter lb, °F and inches (exact factors: 1 lb = 0.45359237 kg, 1 in = 2.54 cm). */
export function usEquivalent(value: number | null, unit: string | null | undefined): string {
  if (value === null) return '';
  if (unit === 'kg') return `${(value / 0.45359237).toFixed(1)} lb`;
  if (unit === 'Cel') return `${(value * 9 / 5 + 32).toFixed(1)} °F`;
  if (unit === 'cm') return `${(value / 2.54).toFixed(1)} in`;
  return '';
}

export const interpretationLabels: Record<InterpretationCode, string> = {
  N: 'Normal',
  L: 'Low',
  H: 'High',
  LL: 'Critically low',
  HH: 'Critically high',
  A: 'Abnormal',
  AA: 'Critically abnormal',
};

export function isAbnormal(interpretation: InterpretationCode | null | undefined): boolean {
  return interpretation !== null && interpretation !== undefined && interpretation !== 'N';
}

export function isCriticalCode(interpretation: InterpretationCode | null | undefined): boolean {
  return interpretation === 'LL' || interpretation === 'HH' || interpretation === 'AA';
}

/** Badge colour for an interpretation: red for critical, orange for abnormal, grey for normal. */
export function interpretationColor(interpretation: InterpretationCode | null | undefined, isCritical = false): string {
  if (isCritical || isCriticalCode(interpretation)) return 'red';
  if (isAbnormal(interpretation)) return 'orange';
  return 'gray';
}

/** LOINC codes of the vital signs (DOMAIN.md §1.1), in the order the chart shows them. */
export const vitalCodes = {
  bloodPressurePanel: '85354-9',
  systolic: '8480-6',
  diastolic: '8462-4',
  weight: '29463-7',
  bmi: '39156-5',
  pulse: '8867-4',
  temperature: '8310-5',
  spo2: '59408-5',
  spo2Arterial: '2708-6',
  respirations: '9279-1',
  height: '8302-2',
  length: '8306-3',
  headCircumference: '9843-4',
  pain: '72514-3',
} as const;

/** The older LOINC blood pressure panel (systolic/diastolic components) that Synthea and other imported records use. */
const bloodPressurePanelImported = '55284-4';

/** Whether a series is a blood pressure panel (ours, 85354-9, or an imported 55284-4): two lines, systolic/diastolic. */
export function isBloodPressurePanel(code: string): boolean {
  return code === vitalCodes.bloodPressurePanel || code === bloodPressurePanelImported;
}

const trendOrder: string[] = [
  vitalCodes.bloodPressurePanel, bloodPressurePanelImported, vitalCodes.weight, vitalCodes.bmi, vitalCodes.pulse, vitalCodes.temperature,
  vitalCodes.spo2, vitalCodes.spo2Arterial, vitalCodes.respirations, vitalCodes.height, vitalCodes.length,
  vitalCodes.headCircumference, vitalCodes.pain,
];

/** Sorts series the way a clinician scans vitals: BP, weight, BMI, pulse, temperature, SpO2, then the rest. */
export function trendRank(code: string): number {
  const index = trendOrder.indexOf(code);
  return index === -1 ? trendOrder.length : index;
}

const vitalNames: Record<string, string> = {
  [vitalCodes.bloodPressurePanel]: 'Blood pressure',
  [bloodPressurePanelImported]: 'Blood pressure',
  [vitalCodes.weight]: 'Weight',
  [vitalCodes.bmi]: 'BMI',
  [vitalCodes.pulse]: 'Pulse',
  [vitalCodes.temperature]: 'Temperature',
  [vitalCodes.spo2]: 'SpO2',
  [vitalCodes.spo2Arterial]: 'SpO2',
  [vitalCodes.respirations]: 'Respirations',
  [vitalCodes.height]: 'Height',
  [vitalCodes.length]: 'Length',
  [vitalCodes.headCircumference]: 'Head circumference',
  [vitalCodes.pain]: 'Pain (0-10)',
};

/** A short clinic name for a vital's series ("Blood pressure"), falling back to the server's display. */
export function vitalName(code: string, display: string): string {
  return vitalNames[code] ?? display;
}

/** "MM/DD/YYYY" in the browser's zone, for chart axes and tables. */
export function shortDate(isoDateTime: string): string {
  const date = new Date(isoDateTime);
  if (Number.isNaN(date.getTime())) return isoDateTime;
  return date.toLocaleDateString('en-US', { month: '2-digit', day: '2-digit', year: 'numeric' });
}
