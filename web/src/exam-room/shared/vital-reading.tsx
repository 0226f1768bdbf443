import { Group, Stack, Text } from '@mantine/core';
import { FlagBadge } from './flag-badge.js';

/** The fields of a reading both the vitals answer and the rooming summary carry. */
export interface ReadingLike {
  id: string;
  code: string;
  display: string;
  value: number | null;
  unit: string | null;
  enteredValue: number | null;
  enteredUnit: string | null;
  components: { code: string; display: string; value: number | null; unit: string | null; interpretation: string | null; interpretationMessage?: string | null | undefined }[];
  interpretation: string | null;
  interpretationMessage: string | null;
  isCritical: boolean;
  details?: Record<string, unknown>;
}

const unitText: Record<string, string> = {
  '[lb_av]': 'lb', kg: 'kg', g: 'g', '[oz_av]': 'oz', '[in_i]': 'in', cm: 'cm', '[degF]': '°F', Cel: '°C',
  'mm[Hg]': 'mmHg', '/min': '/min', '%': '%', 'kg/m2': 'kg/m²', 'L/min': 'L/min', '{score}': '/10',
};

export const systolicCode = '8480-6';
export const diastolicCode = '8462-4';
export const bloodPressureCode = '85354-9';

/** Short names for the vitals' LOINC codes (DOMAIN.md §1.1); the server's display is used otherwise. */
export const vitalNames: Record<string, string> = {
  [bloodPressureCode]: 'Blood pressure', '8867-4': 'Pulse', '9279-1': 'Respirations', '8310-5': 'Temperature',
  '59408-5': 'SpO2', '2708-6': 'SpO2', '8302-2': 'Height', '8306-3': 'Length', '29463-7': 'Weight', '39156-5': 'BMI',
  '9843-4': 'Head circumference', '72514-3': 'Pain',
};

function round(value: number, digits = 1): string {
  const factor = 10 ** digits;
  return String(Math.round(value * factor) / factor);
}

function unitLabel(unit: string | null): string {
  return unit ? unitText[unit] ?? unit : '';
}

function withUnit(value: number, unit: string | null): string {
  const label = unitLabel(unit);
  if (!label) return round(value);
  if (label === '%' || label === '°F' || label === '°C' || label === '/10') return `${round(value)}${label}`;
  return `${round(value)} ${label}`;
}

/** "186/124 mmHg", "101.2 °F (38.4 °C)", "7/10": what the MA typed, with the stored SI value when different. */
export function readingText(reading: ReadingLike): string {
  const systolic = reading.components.find((component) => component.code === systolicCode);
  const diastolic = reading.components.find((component) => component.code === diastolicCode);
  if (systolic || diastolic) return `${systolic?.value ?? '—'}/${diastolic?.value ?? '—'} mmHg`;
  if (reading.value === null) {
    const parts = reading.components.filter((component) => component.value !== null).map((component) => `${component.display} ${withUnit(component.value!, component.unit)}`);
    return parts.length > 0 ? parts.join(', ') : '—';
  }
  if (reading.enteredValue !== null && reading.enteredUnit && reading.enteredUnit !== reading.unit) {
    return `${withUnit(reading.enteredValue, reading.enteredUnit)} (${withUnit(reading.value, reading.unit)})`;
  }
  return withUnit(reading.value, reading.unit);
}

/** Position, arm, cuff, route, oxygen: how the reading was taken, when the server sent it. */
export function methodText(reading: ReadingLike): string {
  const details = reading.details ?? {};
  const parts: string[] = [];
  const orthostatic = details.orthostaticPosition;
  if (typeof orthostatic === 'string' && orthostatic) parts.push(`orthostatic, ${orthostatic}`);
  for (const key of ['position', 'arm', 'cuffSize', 'route'] as const) {
    const value = details[key];
    if (key === 'position' && value === orthostatic) continue;
    if (typeof value === 'string' && value) parts.push(key === 'arm' ? `${value} arm` : key === 'cuffSize' ? `${value} cuff` : value);
  }
  const oxygen = details.oxygen;
  if (oxygen === 'room-air') parts.push('room air');
  else if (oxygen && typeof oxygen === 'object' && 'flowLitresPerMinute' in oxygen) parts.push(`O2 ${String((oxygen as { flowLitresPerMinute: unknown }).flowLitresPerMinute)} L/min`);
  if (details.isLength === true) parts.push('recumbent length');
  const text = parts.join(' · ');
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}` : '';
}

/** One reading's flags: the overall flag, and for a blood pressure each component's own flag. */
export function ReadingFlags({ reading }: { reading: ReadingLike }) {
  const components = reading.components.filter((component) => component.interpretation !== null && (component.code === systolicCode || component.code === diastolicCode));
  return (
    <Group gap={4} wrap="wrap">
      <FlagBadge interpretation={reading.interpretation} />
      {components.map((component) => (
        <FlagBadge key={component.code} size="sm" interpretation={component.interpretation} label={component.code === systolicCode ? 'Systolic' : 'Diastolic'} />
      ))}
    </Group>
  );
}

/** Name, value and flags of one reading, with the server's interpretation message beneath. */
export function ReadingCell({ reading }: { reading: ReadingLike }) {
  const method = methodText(reading);
  return (
    <Stack gap={0}>
      <Text fw={700} size="sm" c={reading.isCritical ? 'red.9' : undefined} style={{ whiteSpace: 'nowrap' }}>{readingText(reading)}</Text>
      {method ? <Text size="xs" c="dimmed">{method}</Text> : null}
    </Stack>
  );
}
