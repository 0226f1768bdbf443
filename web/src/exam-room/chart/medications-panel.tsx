import { Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Medication, MedicationReconciliationChoice, MedicationList } from '../../../../contracts/exam-room/histories.js';
import { applyFieldErrors, isApiError } from '../../platform/api.js';
import { useSession } from '../../platform/session.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { WhoWhen, WriteProblem, byLine } from './chart-parts.js';
import { historyKeys, useAddMedication, useMedications, useReconcileMedications } from './histories.queries.js';

const reconciliationLabels: Record<MedicationReconciliationChoice, string> = { taking: 'Taking', 'not-taking': 'Not taking', changed: 'Changed' };
const reconciliationColors: Record<MedicationReconciliationChoice, string> = { taking: 'teal', 'not-taking': 'gray', changed: 'orange' };

interface Choice {
  reconciliation: MedicationReconciliationChoice | '';
  dose: string;
  frequency: string;
}

interface MedicationFormValues {
  name: string;
  rxnormCode: string;
  dose: string;
  route: string;
  frequency: string;
}

const medicationFormFields = ['medication.name', 'medication.rxnormCode', 'medication.dose', 'medication.route', 'medication.frequency'];

function AddMedicationForm({ patientId, list, onDone, onProblem }: { patientId: string; list: MedicationList; onDone: () => void; onProblem: (error: unknown) => void }) {
  const add = useAddMedication(patientId);
  const form = useForm<{ medication: MedicationFormValues }>({
    initialValues: { medication: { name: '', rxnormCode: '', dose: '', route: '', frequency: '' } },
    validate: { medication: { name: (value) => (value.trim() ? null : 'Enter the medication name.') } },
  });
  const submit = async ({ medication }: { medication: MedicationFormValues }) => {
    onProblem(null);
    try {
      await add.mutateAsync({
        listVersion: list.listVersion,
        medication: {
          name: medication.name.trim(), rxnormCode: medication.rxnormCode.trim() || null, dose: medication.dose.trim(),
          route: medication.route.trim(), frequency: medication.frequency.trim(),
        },
      });
      notifications.show({ color: 'teal', message: `${medication.name.trim()} added to the medication list.` });
      form.reset();
      onDone();
    } catch (error) {
      const placed = isApiError(error, 'VALIDATION_FAILED') && applyFieldErrors(error, (field, message) => form.setFieldError(field, message), (field) => medicationFormFields.includes(field));
      if (!placed) onProblem(error);
    }
  };
  return (
    <form noValidate aria-label="Add medication" onSubmit={form.onSubmit((values) => void submit(values))}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="Medication" placeholder="e.g. Lisinopril 10 mg tablet" required {...form.getInputProps('medication.name')} />
          <TextInput label="RxNorm code" placeholder="optional, e.g. 314076" {...form.getInputProps('medication.rxnormCode')} />
          <TextInput label="Dose" placeholder="e.g. 10 mg" {...form.getInputProps('medication.dose')} />
          <TextInput label="Route" placeholder="e.g. by mouth" {...form.getInputProps('medication.route')} />
          <TextInput label="Frequency" placeholder="e.g. once daily" {...form.getInputProps('medication.frequency')} />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={add.isPending}>Add medication</Button>
          <Button variant="subtle" onClick={onDone}>Cancel</Button>
        </Group>
      </Stack>
    </form>
  );
}

function MedicationRow({ medication, choice, onChoice, mayReconcile }: { medication: Medication; choice: Choice; onChoice: (choice: Choice) => void; mayReconcile: boolean }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Text fw={600} size="sm">{medication.name}</Text>
        <Text size="xs" c="dimmed">{[medication.dose, medication.route, medication.frequency].filter(Boolean).join(' · ') || 'No dose recorded'}{medication.rxnormCode ? ` · RxNorm ${medication.rxnormCode}` : ''}</Text>
        {medication.status !== 'active' ? <Badge size="xs" color="gray">{medication.status}</Badge> : null}
      </Table.Td>
      <Table.Td>
        {medication.reconciliation ? (
          <Stack gap={0}>
            <Badge size="sm" variant="light" color={reconciliationColors[medication.reconciliation]}>{reconciliationLabels[medication.reconciliation]}</Badge>
            {medication.reconciliationNote ? <Text size="xs">{medication.reconciliationNote}</Text> : null}
            <WhoWhen staff={medication.reconciledBy} at={medication.reconciledAt} prefix="" />
          </Stack>
        ) : <Text size="sm" c="dimmed">Not reconciled</Text>}
      </Table.Td>
      {mayReconcile ? (
        <Table.Td>
          <Stack gap={4}>
            <NativeSelect
              size="xs"
              aria-label={`Reconcile ${medication.name}`}
              value={choice.reconciliation}
              data={[{ value: '', label: 'Choose…' }, { value: 'taking', label: 'Taking' }, { value: 'not-taking', label: 'Not taking' }, { value: 'changed', label: 'Changed' }]}
              onChange={(event) => onChoice({ ...choice, reconciliation: event.currentTarget.value as Choice['reconciliation'] })}
            />
            {choice.reconciliation === 'changed' ? (
              <Group gap={4} wrap="nowrap">
                <TextInput size="xs" aria-label={`New dose of ${medication.name}`} placeholder="New dose" value={choice.dose} onChange={(event) => onChoice({ ...choice, dose: event.currentTarget.value })} />
                <TextInput size="xs" aria-label={`New frequency of ${medication.name}`} placeholder="New frequency" value={choice.frequency} onChange={(event) => onChoice({ ...choice, frequency: event.currentTarget.value })} />
              </Group>
            ) : null}
          </Stack>
        </Table.Td>
      ) : null}
    </Table.Tr>
  );
}

/** The medication list with reconciliation (taking / not taking / changed, who and when); a stale list answers 409. */
export function MedicationsPanel({ patientId }: { patientId: string }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const medications = useMedications(patientId);
  const reconcile = useReconcileMedications(patientId);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [adding, setAdding] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  if (medications.isPending) return <LoadingState label="Loading medications…" />;
  if (medications.isError) return <ErrorState error={medications.error} onRetry={() => void medications.refetch()} />;
  const list = medications.data;
  const mayReconcile = can('medication.reconcile');
  const chosen = Object.entries(choices).filter(([, choice]) => choice.reconciliation !== '');

  const reload = () => {
    setProblem(null);
    setChoices({});
    reconcile.reset();
    void queryClient.invalidateQueries({ queryKey: historyKeys.medications(patientId) });
  };

  const save = async () => {
    setProblem(null);
    try {
      await reconcile.mutateAsync({
        listVersion: list.listVersion,
        items: chosen.map(([medicationId, choice]) => ({
          medicationId,
          reconciliation: choice.reconciliation as MedicationReconciliationChoice,
          ...(choice.reconciliation === 'changed' ? { ...(choice.dose.trim() ? { dose: choice.dose.trim() } : {}), ...(choice.frequency.trim() ? { frequency: choice.frequency.trim() } : {}) } : {}),
        })),
      });
      notifications.show({ color: 'teal', message: 'Medication list reconciled.' });
      setChoices({});
    } catch (error) {
      setProblem(error);
    }
  };

  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Medications">
      <Group justify="space-between" mb="sm">
        <Stack gap={0}>
          <Title order={3} size="h4">Medications</Title>
          <Text size="xs" c="dimmed">{list.lastReconciledAt ? `Last reconciled by ${byLine(list.lastReconciledBy, list.lastReconciledAt)}` : 'Not reconciled yet'}</Text>
        </Stack>
        {mayReconcile && !adding ? <Button variant="light" size="xs" onClick={() => setAdding(true)}>Add medication</Button> : null}
      </Group>
      <Stack gap="sm">
        {adding ? <AddMedicationForm patientId={patientId} list={list} onDone={() => setAdding(false)} onProblem={setProblem} /> : null}
        {list.medications.length === 0 ? (
          <EmptyState title="No medications on the list">Ask the patient what they take, including over-the-counter medicines and supplements.</EmptyState>
        ) : (
          <Table striped fz="sm" aria-label="Medication list">
            <Table.Thead>
              <Table.Tr><Table.Th>Medication</Table.Th><Table.Th>Reconciliation</Table.Th>{mayReconcile ? <Table.Th>Today</Table.Th> : null}</Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.medications.map((medication) => (
                <MedicationRow
                  key={medication.id}
                  medication={medication}
                  mayReconcile={mayReconcile}
                  choice={choices[medication.id] ?? { reconciliation: '', dose: '', frequency: '' }}
                  onChoice={(choice) => setChoices((current) => ({ ...current, [medication.id]: choice }))}
                />
              ))}
            </Table.Tbody>
          </Table>
        )}
        <WriteProblem error={problem} what="medication list" onReload={reload} />
        {mayReconcile && list.medications.length > 0 ? (
          <Group>
            <Button onClick={() => void save()} loading={reconcile.isPending} disabled={chosen.length === 0}>Save reconciliation</Button>
            {chosen.length > 0 ? <Text size="sm" c="dimmed">{chosen.length} of {list.medications.length} marked</Text> : null}
          </Group>
        ) : null}
      </Stack>
    </Paper>
  );
}
