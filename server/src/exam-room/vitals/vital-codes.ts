import type { VitalUnit } from './units.js';
import type { VitalsField } from './plausibility.js';

/** LOINC codes of the vital signs (DOMAIN.md §1.1; US Core vital-signs profiles). */
export const LOINC = {
  vitalSignsPanel: '85353-1',
  bloodPressurePanel: '85354-9',
  /** The older BP panel code ("Blood pressure systolic and diastolic"), still sent by Synthea and many systems. */
  bloodPressurePanelOlder: '55284-4',
  systolic: '8480-6',
  diastolic: '8462-4',
  heartRate: '8867-4',
  respiratoryRate: '9279-1',
  bodyTemperature: '8310-5',
  oxygenSaturation: '59408-5',
  oxygenSaturationArterial: '2708-6',
  inhaledOxygenFlow: '3151-8',
  bodyHeight: '8302-2',
  bodyLength: '8306-3',
  bodyWeight: '29463-7',
  bmi: '39156-5',
  headCircumference: '9843-4',
  painSeverity: '72514-3',
} as const;

export const LOINC_SYSTEM = 'http://loinc.org';

export interface VitalCodeDefinition {
  readonly display: string;
  /** The UCUM unit the value is stored in. */
  readonly canonicalUnit: string;
  /** Units a reading may arrive in (converted exactly to the canonical one); empty for a panel with components. */
  readonly entryUnits: readonly string[];
  /** The plausibility field that checks it (see plausibility.ts). */
  readonly plausibility?: VitalsField;
}

export const VITAL_CODES: Readonly<Record<string, VitalCodeDefinition>> = {
  [LOINC.bloodPressurePanel]: { display: 'Blood pressure panel', canonicalUnit: 'mm[Hg]', entryUnits: [] },
  [LOINC.bloodPressurePanelOlder]: { display: 'Blood pressure systolic and diastolic', canonicalUnit: 'mm[Hg]', entryUnits: [] },
  [LOINC.heartRate]: { display: 'Heart rate', canonicalUnit: '/min', entryUnits: ['/min'], plausibility: 'heartRate' },
  [LOINC.respiratoryRate]: { display: 'Respiratory rate', canonicalUnit: '/min', entryUnits: ['/min'], plausibility: 'respiratoryRate' },
  [LOINC.bodyTemperature]: { display: 'Body temperature', canonicalUnit: 'Cel', entryUnits: ['Cel', '[degF]'], plausibility: 'temperature' },
  [LOINC.oxygenSaturation]: { display: 'Oxygen saturation by pulse oximetry', canonicalUnit: '%', entryUnits: ['%'], plausibility: 'oxygenSaturation' },
  [LOINC.oxygenSaturationArterial]: { display: 'Oxygen saturation in arterial blood', canonicalUnit: '%', entryUnits: ['%'], plausibility: 'oxygenSaturation' },
  [LOINC.bodyHeight]: { display: 'Body height', canonicalUnit: 'cm', entryUnits: ['cm', 'm', '[in_i]'], plausibility: 'height' },
  [LOINC.bodyLength]: { display: 'Body height (lying, length)', canonicalUnit: 'cm', entryUnits: ['cm', 'm', '[in_i]'], plausibility: 'height' },
  [LOINC.bodyWeight]: { display: 'Body weight', canonicalUnit: 'kg', entryUnits: ['kg', 'g', '[lb_av]', '[oz_av]'], plausibility: 'weight' },
  [LOINC.bmi]: { display: 'Body mass index (BMI)', canonicalUnit: 'kg/m2', entryUnits: ['kg/m2'] },
  [LOINC.headCircumference]: { display: 'Head occipital-frontal circumference', canonicalUnit: 'cm', entryUnits: ['cm', '[in_i]'], plausibility: 'headCircumference' },
  [LOINC.painSeverity]: { display: 'Pain severity 0-10 (reported)', canonicalUnit: '{score}', entryUnits: ['{score}'], plausibility: 'painScore' },
};

export const COMPONENT_DISPLAY: Readonly<Record<string, string>> = {
  [LOINC.systolic]: 'Systolic blood pressure',
  [LOINC.diastolic]: 'Diastolic blood pressure',
  [LOINC.inhaledOxygenFlow]: 'Inhaled oxygen flow rate',
};

export function isVitalSignCode(code: string): boolean {
  return Object.hasOwn(VITAL_CODES, code);
}

/** The units convert exactly (units.ts) except the unitless {score}. */
export function isConvertible(unit: string): unit is VitalUnit {
  return unit !== '{score}';
}

/** A blood pressure panel (systolic and diastolic components), under either LOINC panel code. */
export function isBloodPressurePanel(code: string): boolean {
  return code === LOINC.bloodPressurePanel || code === LOINC.bloodPressurePanelOlder;
}
