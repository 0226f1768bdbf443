import { Alert, Button, Checkbox, Group, NativeSelect, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import {
  bloodPressureArms,
  bloodPressurePositions,
  cuffSizes,
  temperatureRoutes,
  type ObservationView,
  type RecordVitalsRequest,
  type RecordVitalsResponse,
} from '../../../../contracts/exam-room/vitals.js';
import { isApiError } from '../../platform/api.js';
import { ErrorState } from '../../platform/ui/states.js';
import { useRecordVitals } from './rooming.queries.js';
import { adultBmiCategory, lengthUnit, massUnit, previewBmi, readNumber, temperatureUnit, type UnitSystem } from './vitals-units.js';

/** The measure groups of the form; a re-measure shows only the group of the reading it repeats. */
export type VitalsGroup = 'bloodPressure' | 'pulse' | 'respirations' | 'temperature' | 'spo2' | 'body' | 'headCircumference' | 'pain' | 'orthostatic';

/** LOINC code of a reading → the form group that re-measures it (DOMAIN.md §1.1). */
export const groupOfCode: Record<string, VitalsGroup> = {
  '85354-9': 'bloodPressure', '8480-6': 'bloodPressure', '8462-4': 'bloodPressure',
  '8867-4': 'pulse', '9279-1': 'respirations', '8310-5': 'temperature', '59408-5': 'spo2', '2708-6': 'spo2',
  '29463-7': 'body', '8302-2': 'body', '8306-3': 'body', '39156-5': 'body', '9843-4': 'headCircumference', '72514-3': 'pain',
};

const positionLabels: Record<(typeof bloodPressurePositions)[number], string> = { sitting: 'Sitting', standing: 'Standing', lying: 'Lying' };
const armLabels: Record<(typeof bloodPressureArms)[number], string> = { left: 'Left arm', right: 'Right arm' };
const cuffLabels: Record<(typeof cuffSizes)[number], string> = {
  infant: 'Infant', child: 'Child', 'small-adult': 'Small adult', adult: 'Adult', 'large-adult': 'Large adult', thigh: 'Thigh',
};
const routeLabels: Record<(typeof temperatureRoutes)[number], string> = {
  oral: 'Oral', rectal: 'Rectal', axillary: 'Axillary', tympanic: 'Tympanic (ear)', temporal: 'Temporal (forehead)',
};

interface OrthostaticRow { systolic: string; diastolic: string; pulse: string }
const orthostaticPositions = ['lying', 'sitting', 'standing'] as const;

interface FormValues {
  systolic: string; diastolic: string; position: string; arm: string; cuffSize: string;
  pulse: string; respirations: string;
  temperature: string; temperatureSystem: UnitSystem; route: string;
  spo2: string; oxygen: 'room-air' | 'supplemental'; flow: string;
  height: string; heightSystem: UnitSystem; isLength: boolean;
  weight: string; weightSystem: UnitSystem;
  headCircumference: string; headSystem: UnitSystem;
  pain: string;
  hasOrthostatic: boolean;
  orthostatic: Record<(typeof orthostaticPositions)[number], OrthostaticRow>;
}

/** A cuff that fits the patient's age until the MA picks another (AHA: bladder ~80 % of arm circumference). */
function cuffForAge(ageMonths: number | null): string {
  if (ageMonths === null) return 'adult';
  if (ageMonths < 12) return 'infant';
  if (ageMonths < 144) return 'child';
  return 'adult';
}

function emptyValues(repeatOf: ObservationView | undefined, ageMonths: number | null = null): FormValues {
  const details = repeatOf?.details ?? {};
  const text = (key: string, fallback: string) => (typeof details[key] === 'string' ? (details[key] as string) : fallback);
  const entered = repeatOf?.enteredUnit;
  return {
    systolic: '', diastolic: '', position: text('position', 'sitting'), arm: text('arm', 'left'), cuffSize: text('cuffSize', cuffForAge(ageMonths)),
    pulse: '', respirations: '',
    temperature: '', temperatureSystem: entered === 'Cel' ? 'metric' : 'us', route: text('route', 'oral'),
    spo2: '', oxygen: 'room-air', flow: '',
    height: '', heightSystem: 'us', isLength: false,
    weight: '', weightSystem: 'us',
    headCircumference: '', headSystem: 'us',
    pain: '',
    hasOrthostatic: false,
    orthostatic: { lying: { systolic: '', diastolic: '', pulse: '' }, sitting: { systolic: '', diastolic: '', pulse: '' }, standing: { systolic: '', diastolic: '', pulse: '' } },
  };
}

type Errors = Record<string, string>;

/**
 * Builds the request from what was typed; empty fields are left out. Numbers that do not read are
 * reported here (the server checks ranges and plausibility and answers per field).
 */
function toRequest(values: FormValues, groups: readonly VitalsGroup[], repeatOfId: string | undefined): { request: RecordVitalsRequest; errors: Errors } {
  const errors: Errors = {};
  const request: RecordVitalsRequest = {};
  const num = (text: string, field: string): number | undefined => {
    if (text.trim() === '') return undefined;
    const value = readNumber(text);
    if (value === null) {
      errors[field] = 'Enter a number.';
      return undefined;
    }
    return value;
  };
  const shows = (group: VitalsGroup) => groups.includes(group);
  if (shows('bloodPressure')) {
    const systolic = num(values.systolic, 'bloodPressure.systolic');
    const diastolic = num(values.diastolic, 'bloodPressure.diastolic');
    if (systolic !== undefined && diastolic === undefined && !errors['bloodPressure.diastolic']) errors['bloodPressure.diastolic'] = 'Enter the diastolic (bottom number) too.';
    if (diastolic !== undefined && systolic === undefined && !errors['bloodPressure.systolic']) errors['bloodPressure.systolic'] = 'Enter the systolic (top number) too.';
    if (systolic !== undefined && diastolic !== undefined) {
      request.bloodPressure = {
        systolic, diastolic,
        position: values.position as (typeof bloodPressurePositions)[number],
        arm: values.arm as (typeof bloodPressureArms)[number],
        cuffSize: values.cuffSize as (typeof cuffSizes)[number],
      };
    }
  }
  if (shows('pulse')) {
    const pulse = num(values.pulse, 'pulse');
    if (pulse !== undefined) request.pulse = pulse;
  }
  if (shows('respirations')) {
    const respirations = num(values.respirations, 'respirations');
    if (respirations !== undefined) request.respirations = respirations;
  }
  if (shows('temperature')) {
    const temperature = num(values.temperature, 'temperature.value');
    if (temperature !== undefined) {
      request.temperature = { value: temperature, unit: temperatureUnit[values.temperatureSystem], route: values.route as (typeof temperatureRoutes)[number] };
    }
  }
  if (shows('spo2')) {
    const percent = num(values.spo2, 'spo2.percent');
    if (percent !== undefined) {
      if (values.oxygen === 'room-air') {
        request.spo2 = { percent, oxygen: 'room-air' };
      } else {
        const flow = num(values.flow, 'spo2.oxygen.flowLitresPerMinute');
        if (flow === undefined && !errors['spo2.oxygen.flowLitresPerMinute']) errors['spo2.oxygen.flowLitresPerMinute'] = 'Enter the oxygen flow in L/min.';
        else if (flow !== undefined) request.spo2 = { percent, oxygen: { flowLitresPerMinute: flow } };
      }
    }
  }
  if (shows('body')) {
    const height = num(values.height, 'height.value');
    if (height !== undefined) request.height = { value: height, unit: lengthUnit[values.heightSystem], ...(values.isLength ? { isLength: true } : {}) };
    const weight = num(values.weight, 'weight.value');
    if (weight !== undefined) request.weight = { value: weight, unit: massUnit[values.weightSystem] };
  }
  if (shows('headCircumference')) {
    const head = num(values.headCircumference, 'headCircumference.value');
    if (head !== undefined) request.headCircumference = { value: head, unit: lengthUnit[values.headSystem] };
  }
  if (shows('pain') && values.pain !== '') request.pain = Number(values.pain);
  if (shows('orthostatic') && values.hasOrthostatic) {
    const entries: NonNullable<RecordVitalsRequest['orthostatic']> = [];
    orthostaticPositions.forEach((position, index) => {
      const row = values.orthostatic[position];
      if (!row.systolic.trim() && !row.diastolic.trim() && !row.pulse.trim()) return;
      const systolic = num(row.systolic, `orthostatic.${index}.systolic`);
      const diastolic = num(row.diastolic, `orthostatic.${index}.diastolic`);
      const pulse = num(row.pulse, `orthostatic.${index}.pulse`);
      if (systolic === undefined || diastolic === undefined || pulse === undefined) {
        errors[`orthostatic.${index}`] = `Enter systolic, diastolic and pulse for ${position}.`;
        return;
      }
      entries.push({ position, systolic, diastolic, pulse });
    });
    if (entries.length > 0) request.orthostatic = entries;
  }
  if (repeatOfId) request.repeatOfId = repeatOfId;
  return { request, errors };
}

/** Where a server issue goes: the exact field, or the closest field of its group. */
const fieldAliases: Record<string, string> = {
  bloodPressure: 'bloodPressure.systolic',
  temperature: 'temperature.value',
  spo2: 'spo2.percent',
  'spo2.oxygen': 'spo2.oxygen.flowLitresPerMinute',
  height: 'height.value',
  weight: 'weight.value',
  headCircumference: 'headCircumference.value',
  'temperature.unit': 'temperature.value',
  'height.unit': 'height.value',
  'weight.unit': 'weight.value',
  'headCircumference.unit': 'headCircumference.value',
};

/** The error key each typed value answers to. */
const errorFieldOf: Partial<Record<keyof FormValues, string>> = {
  systolic: 'bloodPressure.systolic', diastolic: 'bloodPressure.diastolic', pulse: 'pulse', respirations: 'respirations',
  temperature: 'temperature.value', temperatureSystem: 'temperature.value', spo2: 'spo2.percent', flow: 'spo2.oxygen.flowLitresPerMinute',
  height: 'height.value', heightSystem: 'height.value', weight: 'weight.value', weightSystem: 'weight.value',
  headCircumference: 'headCircumference.value', headSystem: 'headCircumference.value', pain: 'pain',
};

function placeField(field: string): string {
  const orthostatic = /^orthostatic\.(\d+)/.exec(field);
  if (orthostatic) return `orthostatic.${orthostatic[1]}`;
  return fieldAliases[field] ?? field;
}

const placedFields = new Set([
  'bloodPressure.systolic', 'bloodPressure.diastolic', 'bloodPressure.position', 'bloodPressure.arm', 'bloodPressure.cuffSize',
  'pulse', 'respirations', 'temperature.value', 'temperature.route', 'spo2.percent', 'spo2.oxygen.flowLitresPerMinute',
  'height.value', 'weight.value', 'headCircumference.value', 'pain', 'orthostatic', 'orthostatic.0', 'orthostatic.1', 'orthostatic.2',
]);

function UnitToggle({ label, value, onChange, us, metric }: { label: string; value: UnitSystem; onChange: (value: UnitSystem) => void; us: string; metric: string }) {
  return (
    <SegmentedControl
      size="xs"
      aria-label={label}
      value={value}
      onChange={(next) => onChange(next as UnitSystem)}
      data={[{ value: 'us', label: us }, { value: 'metric', label: metric }]}
    />
  );
}

function Group2({ title, right, children, wide }: { title: string; right?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <Paper withBorder radius="sm" p="sm" role="group" aria-label={`${title} readings`} style={wide ? { gridColumn: '1 / -1' } : undefined}>
      <Group justify="space-between" mb={6} wrap="nowrap">
        <Text fw={600} size="sm">{title}</Text>
        {right}
      </Group>
      {children}
    </Paper>
  );
}

export interface VitalsFormProps {
  encounterId: string;
  /** Months of age: head circumference is offered under 36 months. */
  ageMonths: number | null;
  /** A re-measure or repeat of this reading: only its group is shown, and repeatOfId is sent. */
  repeatOf?: ObservationView;
  onSaved: (response: RecordVitalsResponse) => void;
  onCancel?: () => void;
}

/** One vitals set: every measure optional, US or metric per group, BMI computed (never typed). */
export function VitalsForm({ encounterId, ageMonths, repeatOf, onSaved, onCancel }: VitalsFormProps) {
  const record = useRecordVitals(encounterId);
  const [values, setValues] = useState<FormValues>(() => emptyValues(repeatOf, ageMonths));
  const [errors, setErrors] = useState<Errors>({});
  const [leftover, setLeftover] = useState<unknown>(null);
  const repeatGroup = repeatOf ? groupOfCode[repeatOf.code] : undefined;
  const showsHead = ageMonths !== null && ageMonths < 36;
  const groups: VitalsGroup[] = repeatGroup
    ? [repeatGroup]
    : ['bloodPressure', 'pulse', 'respirations', 'temperature', 'spo2', 'body', ...(showsHead ? ['headCircumference' as const] : []), 'pain', 'orthostatic'];
  const shows = (group: VitalsGroup) => groups.includes(group);
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((current) => ({ ...current, [key]: value }));
    // A corrected field drops its old message; the next save checks it again.
    const field = errorFieldOf[key];
    if (field) setErrors((current) => (current[field] || current.form ? Object.fromEntries(Object.entries(current).filter(([name]) => name !== field && name !== 'form')) : current));
  };
  const setOrtho = (position: (typeof orthostaticPositions)[number], key: keyof OrthostaticRow, value: string) =>
    setValues((current) => ({ ...current, orthostatic: { ...current.orthostatic, [position]: { ...current.orthostatic[position], [key]: value } } }));
  const id = repeatOf ? `remeasure-${repeatOf.id}` : 'vitals';
  const bmi = previewBmi(readNumber(values.weight), values.weightSystem, readNumber(values.height), values.heightSystem);

  const submit = () => {
    setLeftover(null);
    const { request, errors: localErrors } = toRequest(values, groups, repeatOf?.id);
    setErrors(localErrors);
    if (Object.keys(localErrors).length > 0) return;
    const { repeatOfId: _repeat, ...measures } = request;
    if (Object.keys(measures).length === 0) {
      setErrors({ form: 'Enter at least one reading.' });
      return;
    }
    record.mutate(request, {
      onSuccess: (response) => {
        // The next set starts empty but keeps how this MA measures: units, route, position, arm, cuff.
        setValues((current) => ({
          ...emptyValues(repeatOf, ageMonths),
          temperatureSystem: current.temperatureSystem, heightSystem: current.heightSystem, weightSystem: current.weightSystem, headSystem: current.headSystem,
          route: current.route, position: current.position, arm: current.arm, cuffSize: current.cuffSize,
        }));
        setErrors({});
        onSaved(response);
      },
      onError: (error) => {
        if (!isApiError(error)) return setLeftover(error);
        const issues = error.issues.length > 0 ? error.issues : error.field ? [{ field: error.field, message: error.message }] : [];
        const placed: Errors = {};
        let unplaced = issues.length === 0;
        for (const issue of issues) {
          const field = placeField(issue.field);
          if (placedFields.has(field)) placed[field] = placed[field] ? `${placed[field]} ${issue.message}` : issue.message;
          else unplaced = true;
        }
        setErrors(placed);
        if (unplaced) setLeftover(error);
      },
    });
  };

  const numeric = { inputMode: 'decimal' as const, autoComplete: 'off' };

  return (
    <form onSubmit={(event) => { event.preventDefault(); submit(); }} aria-label={repeatOf ? 'Re-measure' : 'Vitals entry'} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, md: repeatOf ? 1 : 2 }} spacing="sm">
          {shows('bloodPressure') ? (
            <Group2 title="Blood pressure" wide>
              <Stack gap={6}>
                <Group grow align="flex-start" gap="xs" wrap="wrap">
                  <TextInput id={`${id}-sys`} label="Systolic" rightSection={<Text size="xs" c="dimmed">mmHg</Text>} rightSectionWidth={50} {...numeric} value={values.systolic} onChange={(event) => set('systolic', event.currentTarget.value)} error={errors['bloodPressure.systolic']} />
                  <TextInput id={`${id}-dia`} label="Diastolic" rightSection={<Text size="xs" c="dimmed">mmHg</Text>} rightSectionWidth={50} {...numeric} value={values.diastolic} onChange={(event) => set('diastolic', event.currentTarget.value)} error={errors['bloodPressure.diastolic']} />
                  <NativeSelect label="Position" data={bloodPressurePositions.map((value) => ({ value, label: positionLabels[value] }))} value={values.position} onChange={(event) => set('position', event.currentTarget.value)} error={errors['bloodPressure.position']} />
                  <NativeSelect label="Arm" data={bloodPressureArms.map((value) => ({ value, label: armLabels[value] }))} value={values.arm} onChange={(event) => set('arm', event.currentTarget.value)} error={errors['bloodPressure.arm']} />
                  <NativeSelect label="Cuff size" data={cuffSizes.map((value) => ({ value, label: cuffLabels[value] }))} value={values.cuffSize} onChange={(event) => set('cuffSize', event.currentTarget.value)} error={errors['bloodPressure.cuffSize']} />
                </Group>
                <Text size="xs" c="dimmed">Seated 5 minutes, back supported, feet flat, arm bare at heart level, no talking.</Text>
              </Stack>
            </Group2>
          ) : null}
          {shows('pulse') || shows('respirations') || shows('spo2') ? (
            <Group2 title={repeatOf ? 'Reading' : 'Pulse, respirations, oxygen'} wide>
              <Stack gap={6}>
                <Group grow align="flex-start" gap="xs" wrap="wrap">
                  {shows('pulse') ? <TextInput label="Pulse" rightSection={<Text size="xs" c="dimmed">/min</Text>} rightSectionWidth={40} {...numeric} value={values.pulse} onChange={(event) => set('pulse', event.currentTarget.value)} error={errors.pulse} /> : null}
                  {shows('respirations') ? <TextInput label="Respirations" rightSection={<Text size="xs" c="dimmed">/min</Text>} rightSectionWidth={40} {...numeric} value={values.respirations} onChange={(event) => set('respirations', event.currentTarget.value)} error={errors.respirations} /> : null}
                  {shows('spo2') ? <TextInput label="SpO2" rightSection={<Text size="xs" c="dimmed">%</Text>} rightSectionWidth={30} {...numeric} value={values.spo2} onChange={(event) => set('spo2', event.currentTarget.value)} error={errors['spo2.percent']} /> : null}
                  {shows('spo2') ? (
                    <>
                    <NativeSelect label="Oxygen" data={[{ value: 'room-air', label: 'Room air' }, { value: 'supplemental', label: 'Supplemental O2' }]} value={values.oxygen} onChange={(event) => set('oxygen', event.currentTarget.value as FormValues['oxygen'])} />
                    {values.oxygen === 'supplemental' ? (
                      <TextInput label="O2 flow" rightSection={<Text size="xs" c="dimmed">L/min</Text>} rightSectionWidth={44} {...numeric} value={values.flow} onChange={(event) => set('flow', event.currentTarget.value)} error={errors['spo2.oxygen.flowLitresPerMinute']} />
                    ) : null}
                    </>
                  ) : null}
                </Group>
              </Stack>
            </Group2>
          ) : null}
          {shows('body') ? (
            <Group2 title="Height and weight" wide>
              <Stack gap={6}>
                <Group grow align="flex-start" gap="xs">
                  <Stack gap={4}>
                    <Group justify="space-between" gap={4}><Text size="sm" fw={500} component="label" htmlFor={`${id}-height`}>Height</Text><UnitToggle label="Height unit" value={values.heightSystem} onChange={(value) => set('heightSystem', value)} us="in" metric="cm" /></Group>
                    <TextInput id={`${id}-height`} aria-label="Height" rightSection={<Text size="xs" c="dimmed">{values.heightSystem === 'us' ? 'in' : 'cm'}</Text>} rightSectionWidth={30} {...numeric} value={values.height} onChange={(event) => set('height', event.currentTarget.value)} error={errors['height.value']} />
                  </Stack>
                  <Stack gap={4}>
                    <Group justify="space-between" gap={4}><Text size="sm" fw={500} component="label" htmlFor={`${id}-weight`}>Weight</Text><UnitToggle label="Weight unit" value={values.weightSystem} onChange={(value) => set('weightSystem', value)} us="lb" metric="kg" /></Group>
                    <TextInput id={`${id}-weight`} aria-label="Weight" rightSection={<Text size="xs" c="dimmed">{values.weightSystem === 'us' ? 'lb' : 'kg'}</Text>} rightSectionWidth={30} {...numeric} value={values.weight} onChange={(event) => set('weight', event.currentTarget.value)} error={errors['weight.value']} />
                  </Stack>
                </Group>
                <Group justify="space-between">
                  {ageMonths !== null && ageMonths < 24 ? <Checkbox size="xs" label="Recumbent length (lying)" checked={values.isLength} onChange={(event) => set('isLength', event.currentTarget.checked)} /> : <span />}
                  <Text size="sm" data-testid="bmi-preview" aria-live="polite">
                    <Text span c="dimmed">BMI (computed) </Text>
                    {bmi === null ? '—' : <Text span fw={700}>{bmi.toFixed(1)} kg/m²{ageMonths !== null && ageMonths >= 240 ? ` · ${adultBmiCategory(bmi)}` : ''}</Text>}
                  </Text>
                </Group>
              </Stack>
            </Group2>
          ) : null}
          {shows('temperature') ? (
            <Group2 title="Temperature" right={<UnitToggle label="Temperature unit" value={values.temperatureSystem} onChange={(value) => set('temperatureSystem', value)} us="°F" metric="°C" />}>
              <Group grow align="flex-start" gap="xs">
                <TextInput label="Temperature" rightSection={<Text size="xs" c="dimmed">{values.temperatureSystem === 'us' ? '°F' : '°C'}</Text>} rightSectionWidth={30} {...numeric} value={values.temperature} onChange={(event) => set('temperature', event.currentTarget.value)} error={errors['temperature.value']} />
                <NativeSelect label="Route" data={temperatureRoutes.map((value) => ({ value, label: routeLabels[value] }))} value={values.route} onChange={(event) => set('route', event.currentTarget.value)} error={errors['temperature.route']} />
              </Group>
            </Group2>
          ) : null}
          {shows('headCircumference') ? (
            <Group2 title="Head circumference" right={<UnitToggle label="Head circumference unit" value={values.headSystem} onChange={(value) => set('headSystem', value)} us="in" metric="cm" />}>
              <TextInput label="Head circumference" rightSection={<Text size="xs" c="dimmed">{values.headSystem === 'us' ? 'in' : 'cm'}</Text>} rightSectionWidth={30} {...numeric} value={values.headCircumference} onChange={(event) => set('headCircumference', event.currentTarget.value)} error={errors['headCircumference.value']} />
            </Group2>
          ) : null}
          {shows('pain') ? (
            <Group2 title="Pain">
              <NativeSelect
                label="Pain (0–10)"
                data={[{ value: '', label: 'Not asked' }, ...Array.from({ length: 11 }, (_, score) => ({ value: String(score), label: score === 0 ? '0 – no pain' : score === 10 ? '10 – worst imaginable' : String(score) }))]}
                value={values.pain}
                onChange={(event) => set('pain', event.currentTarget.value)}
                error={errors.pain}
              />
            </Group2>
          ) : null}
        </SimpleGrid>
        {shows('orthostatic') ? (
          <Paper withBorder radius="sm" p="sm" role="group" aria-label="Orthostatic vitals">
            <Checkbox label="Orthostatic vitals (lying, sitting, standing)" checked={values.hasOrthostatic} onChange={(event) => set('hasOrthostatic', event.currentTarget.checked)} />
            {values.hasOrthostatic ? (
              <Table mt="xs" withRowBorders={false} verticalSpacing={4} aria-label="Orthostatic readings">
                <Table.Thead>
                  <Table.Tr><Table.Th>Position</Table.Th><Table.Th>Systolic</Table.Th><Table.Th>Diastolic</Table.Th><Table.Th>Pulse</Table.Th></Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {orthostaticPositions.map((position, index) => (
                    <Table.Tr key={position}>
                      <Table.Td><Text size="sm" tt="capitalize">{position}</Text>{errors[`orthostatic.${index}`] ? <Text size="xs" c="red.8">{errors[`orthostatic.${index}`]}</Text> : null}</Table.Td>
                      <Table.Td><TextInput size="xs" aria-label={`${positionLabels[position]} systolic`} {...numeric} value={values.orthostatic[position].systolic} onChange={(event) => setOrtho(position, 'systolic', event.currentTarget.value)} /></Table.Td>
                      <Table.Td><TextInput size="xs" aria-label={`${positionLabels[position]} diastolic`} {...numeric} value={values.orthostatic[position].diastolic} onChange={(event) => setOrtho(position, 'diastolic', event.currentTarget.value)} /></Table.Td>
                      <Table.Td><TextInput size="xs" aria-label={`${positionLabels[position]} pulse`} {...numeric} value={values.orthostatic[position].pulse} onChange={(event) => setOrtho(position, 'pulse', event.currentTarget.value)} /></Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : null}
            {errors.orthostatic ? <Text size="xs" c="red.8">{errors.orthostatic}</Text> : null}
          </Paper>
        ) : null}
        {errors.form ? <Alert color="orange" variant="light" role="alert">{errors.form}</Alert> : null}
        {leftover ? <ErrorState error={leftover} title="Vitals not saved" /> : null}
        <Group justify="flex-end">
          {onCancel ? <Button variant="default" onClick={onCancel}>Cancel</Button> : null}
          <Button type="submit" loading={record.isPending}>{repeatOf ? 'Save re-measure' : 'Save vitals'}</Button>
        </Group>
      </Stack>
    </form>
  );
}
