import { Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { immunizationInformationSources, type RecordImmunizationRequest } from '../../../../contracts/exam-room/histories.js';
import { applyFieldErrors, isApiError } from '../../platform/api.js';
import { useSession } from '../../platform/session.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { WhoWhen, WriteProblem, formatPartialDate } from './chart-parts.js';
import { useImmunizations, useRecordImmunization } from './histories.queries.js';

/** Common CVX codes (CDC; DOMAIN.md §4.2) to pick from; any other code can be typed. */
const commonVaccines = [
  ['03', 'MMR'], ['21', 'Varicella'], ['08', 'Hep B, pediatric/adolescent'], ['43', 'Hep B, adult'], ['83', 'Hep A, pediatric/adolescent'],
  ['52', 'Hep A, adult'], ['20', 'DTaP'], ['10', 'IPV (polio)'], ['48', 'Hib (PRP-T)'], ['115', 'Tdap'], ['113', 'Td, adult'],
  ['133', 'Pneumococcal conjugate PCV13'], ['216', 'Pneumococcal conjugate PCV20'], ['33', 'Pneumococcal polysaccharide PPSV23'],
  ['165', 'HPV9'], ['136', 'MenACWY-CRM'], ['116', 'Rotavirus, pentavalent'], ['187', 'Zoster recombinant (Shingrix)'],
] as const;

const sourceLabels: Record<(typeof immunizationInformationSources)[number], string> = {
  unspecified: 'Unspecified', 'other-provider': 'Another provider', 'parent-written-record': 'Parent’s written record', 'parent-recall': 'Parent’s recall',
  'other-registry': 'Another registry', 'birth-certificate': 'Birth certificate', 'school-record': 'School record', 'public-agency': 'Public agency',
};

interface ImmunizationFormValues {
  vaccine: string;
  cvxCode: string;
  occurred: string;
  informationSource: string;
  lotNumber: string;
}

function RecordImmunizationForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const record = useRecordImmunization(patientId);
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm<ImmunizationFormValues>({
    initialValues: { vaccine: '', cvxCode: '', occurred: '', informationSource: 'other-provider', lotNumber: '' },
    validate: {
      cvxCode: (value, values) => (values.vaccine || value.trim() ? null : 'Choose the vaccine or type its CVX code.'),
      occurred: (value) => (value.trim() ? null : 'Enter when it was given (YYYY, YYYY-MM or YYYY-MM-DD).'),
    },
  });
  const submit = async (values: ImmunizationFormValues) => {
    setProblem(null);
    const request: RecordImmunizationRequest = {
      cvxCode: values.vaccine || values.cvxCode.trim(),
      occurred: values.occurred.trim(),
      informationSource: values.informationSource as RecordImmunizationRequest['informationSource'],
      lotNumber: values.lotNumber.trim() || null,
    };
    try {
      await record.mutateAsync(request);
      notifications.show({ color: 'teal', message: 'Historical immunization recorded.' });
      form.reset();
      onDone();
    } catch (error) {
      const placed = isApiError(error, 'VALIDATION_FAILED') && applyFieldErrors(error, (field, message) => form.setFieldError(field, message), (field) => ['cvxCode', 'occurred', 'informationSource', 'lotNumber'].includes(field));
      if (!placed) setProblem(error);
    }
  };
  return (
    <form noValidate aria-label="Record historical immunization" onSubmit={form.onSubmit((values) => void submit(values))}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NativeSelect label="Vaccine" data={[{ value: '', label: 'Other (type the CVX code)' }, ...commonVaccines.map(([code, name]) => ({ value: code, label: `${name} (CVX ${code})` }))]} {...form.getInputProps('vaccine')} />
          <TextInput label="CVX code" placeholder="e.g. 141" disabled={form.values.vaccine !== ''} {...form.getInputProps('cvxCode')} />
          <TextInput label="Given on (YYYY, YYYY-MM or YYYY-MM-DD)" required {...form.getInputProps('occurred')} />
          <NativeSelect label="Record from" data={immunizationInformationSources.map((value) => ({ value, label: sourceLabels[value] }))} {...form.getInputProps('informationSource')} />
          <TextInput label="Lot number" placeholder="if known" {...form.getInputProps('lotNumber')} />
        </SimpleGrid>
        <WriteProblem error={problem} onReload={() => setProblem(null)} />
        <Group>
          <Button type="submit" loading={record.isPending}>Record immunization</Button>
          <Button variant="subtle" onClick={onDone}>Cancel</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Historical immunizations (doses given elsewhere), coded with CVX. */
export function ImmunizationsPanel({ patientId }: { patientId: string }) {
  const { can } = useSession();
  const immunizations = useImmunizations(patientId);
  const [adding, setAdding] = useState(false);
  if (immunizations.isPending) return <LoadingState label="Loading immunizations…" />;
  if (immunizations.isError) return <ErrorState error={immunizations.error} onRetry={() => void immunizations.refetch()} />;
  const mayRecord = can('history.record');
  const list = immunizations.data.immunizations.filter((dose) => dose.status !== 'entered-in-error');
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Immunizations">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">Immunizations</Title>
        {mayRecord && !adding ? <Button variant="light" size="xs" onClick={() => setAdding(true)}>Add historical immunization</Button> : null}
      </Group>
      <Stack gap="sm">
        {adding ? <RecordImmunizationForm patientId={patientId} onDone={() => setAdding(false)} /> : null}
        {list.length === 0 ? <EmptyState title="No immunizations recorded" /> : (
          <Table striped fz="sm" aria-label="Immunization history">
            <Table.Thead>
              <Table.Tr><Table.Th>Vaccine</Table.Th><Table.Th>Given</Table.Th><Table.Th>Record from</Table.Th><Table.Th>Recorded</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((dose) => (
                <Table.Tr key={dose.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>{dose.vaccineName}</Text>
                    <Text size="xs" c="dimmed">CVX {dose.cvxCode}{dose.lotNumber ? ` · lot ${dose.lotNumber}` : ''}</Text>
                  </Table.Td>
                  <Table.Td>{formatPartialDate(dose.occurred)}</Table.Td>
                  <Table.Td>{dose.isPrimarySource ? 'Given here' : sourceLabels[dose.informationSource as keyof typeof sourceLabels] ?? dose.informationSource ?? 'Unspecified'}</Table.Td>
                  <Table.Td><WhoWhen staff={dose.recordedBy} at={dose.recordedAt} prefix="" /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
