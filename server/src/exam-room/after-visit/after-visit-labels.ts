import type { AfterVisitLanguage } from '../../../../contracts/exam-room/after-visit.js';

/** Every label the after-visit summary prints, in each language it offers. */
export const summaryLabels = {
  en: {
    title: 'After-Visit Summary',
    patient: 'Patient', dateOfBirth: 'Date of birth', visitDate: 'Visit date', provider: 'Provider', clinic: 'Clinic',
    vitals: 'Your vital signs today', noVitals: 'No vital signs were recorded at this visit.',
    medications: 'Your medication list', noMedications: 'No medications on your list.',
    allergies: 'Allergies', noKnownDrugAllergies: 'No known drug allergies', noKnownAllergies: 'No known allergies', allergiesUnknown: 'Not recorded',
    instructions: 'Instructions', nextAppointment: 'Your next appointment', noNextAppointment: 'No appointment is scheduled. Call us to make one.',
    with: 'with', at: 'at', footer: 'Questions? Call the clinic. In an emergency call 911.',
    flags: { N: 'Normal', L: 'Low', H: 'High', LL: 'Critically low', HH: 'Critically high', A: 'Abnormal', AA: 'Critically abnormal' },
    vitalNames: {
      '85354-9': 'Blood pressure', '55284-4': 'Blood pressure', '8867-4': 'Pulse', '9279-1': 'Breathing rate', '8310-5': 'Temperature', '59408-5': 'Oxygen level (SpO2)',
      '2708-6': 'Oxygen level', '8302-2': 'Height', '8306-3': 'Length', '29463-7': 'Weight', '39156-5': 'Body mass index (BMI)',
      '9843-4': 'Head size', '72514-3': 'Pain (0 to 10)',
    } as Record<string, string>,
  },
  es: {
    title: 'Resumen de su visita',
    patient: 'Paciente', dateOfBirth: 'Fecha de nacimiento', visitDate: 'Fecha de la visita', provider: 'Proveedor médico', clinic: 'Clínica',
    vitals: 'Sus signos vitales de hoy', noVitals: 'No se tomaron signos vitales en esta visita.',
    medications: 'Su lista de medicinas', noMedications: 'No hay medicinas en su lista.',
    allergies: 'Alergias', noKnownDrugAllergies: 'Sin alergias conocidas a medicamentos', noKnownAllergies: 'Sin alergias conocidas', allergiesUnknown: 'No registradas',
    instructions: 'Indicaciones', nextAppointment: 'Su próxima cita', noNextAppointment: 'No tiene cita programada. Llámenos para hacer una.',
    with: 'con', at: 'a las', footer: '¿Preguntas? Llame a la clínica. En una emergencia llame al 911.',
    flags: { N: 'Normal', L: 'Bajo', H: 'Alto', LL: 'Muy bajo (crítico)', HH: 'Muy alto (crítico)', A: 'Anormal', AA: 'Anormal (crítico)' },
    vitalNames: {
      '85354-9': 'Presión arterial', '55284-4': 'Presión arterial', '8867-4': 'Pulso', '9279-1': 'Respiraciones por minuto', '8310-5': 'Temperatura', '59408-5': 'Nivel de oxígeno (SpO2)',
      '2708-6': 'Nivel de oxígeno', '8302-2': 'Estatura', '8306-3': 'Longitud', '29463-7': 'Peso', '39156-5': 'Índice de masa corporal (IMC)',
      '9843-4': 'Circunferencia de la cabeza', '72514-3': 'Dolor (0 a 10)',
    } as Record<string, string>,
  },
} as const satisfies Record<AfterVisitLanguage, unknown>;

export type SummaryLabels = (typeof summaryLabels)[AfterVisitLanguage];

const unitNames: Record<string, string> = {
  '[lb_av]': 'lb', '[oz_av]': 'oz', '[in_i]': 'in', '[degF]': '°F', Cel: '°C', 'mm[Hg]': 'mmHg', '/min': '/min', '%': '%',
  kg: 'kg', g: 'g', cm: 'cm', m: 'm', 'kg/m2': 'kg/m²', '{score}': '',
};

/** A UCUM unit as a patient reads it (lb, °F, mmHg). */
export function patientUnit(unit: string | null): string {
  if (!unit) return '';
  return unitNames[unit] ?? unit;
}

function formatNumber(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export interface VitalRow {
  code: string;
  codeDisplay: string;
  value: number | null;
  unit: string | null;
  enteredValue: number | null;
  enteredUnit: string | null;
  components: { code: string; value: number | null; unit: string | null }[];
  interpretation: string | null;
}

/** One vital as printed: the name in the patient's language, the value as the MA entered it (165 lb, 101.2 °F), and its flag. */
export function describeVital(row: VitalRow, labels: SummaryLabels): { name: string; value: string; flag: string } {
  const name = labels.vitalNames[row.code] ?? row.codeDisplay;
  let value: string;
  const systolic = row.components.find((component) => component.code === '8480-6');
  const diastolic = row.components.find((component) => component.code === '8462-4');
  if (systolic?.value != null && diastolic?.value != null) {
    value = `${formatNumber(systolic.value)}/${formatNumber(diastolic.value)} mmHg`;
  } else {
    const shown = row.enteredValue != null ? { value: Number(row.enteredValue), unit: row.enteredUnit ?? row.unit } : { value: row.value == null ? null : Number(row.value), unit: row.unit };
    value = shown.value == null ? '' : `${formatNumber(shown.value)} ${patientUnit(shown.unit)}`.trim();
  }
  const flag = row.interpretation && row.interpretation !== 'N' ? (labels.flags as Record<string, string>)[row.interpretation] ?? row.interpretation : '';
  return { name, value, flag };
}
