import { Alert, Badge, Button, Group, Modal, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import {
  allergyCategories, allergySeverities, codeSystems, type Allergy, type AllergyList, type RecordAllergyRequest,
} from '../../../../contracts/exam-room/histories.js';
import { applyFieldErrors, isApiError } from '../../platform/api.js';
import { useSession } from '../../platform/session.js';
import { ErrorState, LoadingState } from '../../platform/ui/states.js';
import { WhoWhen, WriteProblem, byLine, formatPartialDate } from './chart-parts.js';
import { useAllergies, useMarkAllergyEnteredInError, useRecordAllergy, useStateNoAllergies } from './histories.queries.js';

const systemOptions = [
  { value: '', label: 'Not coded (free text)' },
  { value: codeSystems.rxnorm, label: 'RxNorm (medication)' },
  { value: codeSystems.snomed, label: 'SNOMED CT' },
  { value: codeSystems.unii, label: 'UNII (substance)' },
];
const systemNames: Record<string, string> = { [codeSystems.rxnorm]: 'RxNorm', [codeSystems.snomed]: 'SNOMED CT', [codeSystems.unii]: 'UNII' };

interface AllergyFormValues {
  substance: { text: string; system: string; code: string };
  category: string;
  reaction: string;
  severity: string;
}

const allergyFormFields = ['substance.text', 'substance.system', 'substance.code', 'category', 'reaction', 'severity'];
const emptyForm: AllergyFormValues = { substance: { text: '', system: '', code: '' }, category: 'medication', reaction: '', severity: '' };

function toRequest(values: AllergyFormValues): RecordAllergyRequest {
  const system = values.substance.system as (typeof systemOptions)[number]['value'];
  return {
    substance: {
      text: values.substance.text.trim(),
      ...(system ? { system: system as typeof codeSystems.rxnorm, code: values.substance.code.trim() } : {}),
    },
    category: (values.category || null) as RecordAllergyRequest['category'],
    reaction: values.reaction.trim(),
    severity: (values.severity || null) as RecordAllergyRequest['severity'],
  };
}

function AddAllergyForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const record = useRecordAllergy(patientId);
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm<AllergyFormValues>({
    initialValues: emptyForm,
    validate: {
      substance: {
        text: (value) => (value.trim() ? null : 'Enter the substance.'),
        code: (value, values) => (values.substance.system && !value.trim() ? 'Enter the code, or choose "Not coded".' : null),
      },
    },
  });
  const submit = async (values: AllergyFormValues) => {
    setProblem(null);
    try {
      await record.mutateAsync(toRequest(values));
      notifications.show({ color: 'teal', message: `Allergy to ${values.substance.text.trim()} recorded.` });
      form.reset();
      onDone();
    } catch (error) {
      const placed = isApiError(error, 'VALIDATION_FAILED') && applyFieldErrors(error, (field, message) => form.setFieldError(field, message), (field) => allergyFormFields.includes(field));
      if (!placed) setProblem(error);
    }
  };
  return (
    <form noValidate aria-label="Add allergy" onSubmit={form.onSubmit((values) => void submit(values))}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="Substance" placeholder="e.g. Penicillin" required {...form.getInputProps('substance.text')} />
          <NativeSelect label="Code system" data={systemOptions} {...form.getInputProps('substance.system')} />
          <TextInput label="Substance code" placeholder="e.g. 7980" disabled={!form.values.substance.system} {...form.getInputProps('substance.code')} />
          <NativeSelect label="Category" data={[{ value: '', label: '—' }, ...allergyCategories.map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1) }))]} {...form.getInputProps('category')} />
          <TextInput label="Reaction" placeholder="e.g. Hives" {...form.getInputProps('reaction')} />
          <NativeSelect label="Severity" data={[{ value: '', label: '—' }, ...allergySeverities.map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1) }))]} {...form.getInputProps('severity')} />
        </SimpleGrid>
        <WriteProblem error={problem} onReload={() => setProblem(null)} />
        <Group>
          <Button type="submit" loading={record.isPending}>Record allergy</Button>
          <Button variant="subtle" onClick={onDone}>Cancel</Button>
        </Group>
      </Stack>
    </form>
  );
}

function EnteredInErrorDialog({ patientId, allergy, onClose }: { patientId: string; allergy: Allergy; onClose: () => void }) {
  const mark = useMarkAllergyEnteredInError(patientId);
  const [reason, setReason] = useState('');
  const confirm = async () => {
    try {
      await mark.mutateAsync({ allergyId: allergy.id, version: allergy.version, reason: reason.trim() });
      notifications.show({ color: 'teal', message: `${allergy.substance.text} marked as entered in error.` });
      onClose();
    } catch {
      // shown below
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Mark ${allergy.substance.text} as entered in error?`}>
      <Stack>
        <Text size="sm">The allergy leaves the list and the banner; the record is kept with who marked it and why.</Text>
        <TextInput label="Why is it an error?" value={reason} onChange={(event) => setReason(event.currentTarget.value)} data-autofocus />
        <WriteProblem error={mark.error} what="allergy" onReload={onClose} />
        <Group justify="flex-end">
          <Button variant="subtle" onClick={onClose}>Keep it</Button>
          <Button color="red" loading={mark.isPending} onClick={() => void confirm()}>Mark entered in error</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function StatusLine({ list }: { list: AllergyList }) {
  if (list.status === 'has-allergies') {
    return (
      <Stack gap={0}>
        <Text fw={700} c="red.8">Allergies: {list.allergies.map((allergy) => allergy.substance.text).join(', ')}</Text>
        {list.statement === 'no-known-drug-allergies' ? (
          <Text size="sm" c="green.8" data-testid="allergy-statement">No known drug allergies, stated by {byLine(list.statedBy, list.statedAt)}</Text>
        ) : null}
      </Stack>
    );
  }
  if (list.status === 'no-known-drug-allergies' || list.status === 'no-known-allergies') {
    return (
      <Stack gap={0}>
        <Text fw={600} c="green.8" data-testid="allergy-statement">{list.status === 'no-known-drug-allergies' ? 'No known drug allergies (NKDA)' : 'No known allergies (NKA)'}</Text>
        <Text size="sm" c="dimmed">Stated {byLine(list.statedBy, list.statedAt) ? `by ${byLine(list.statedBy, list.statedAt)}` : ''}</Text>
      </Stack>
    );
  }
  return <Text fw={600} c="orange.8">Allergies not recorded: ask the patient.</Text>;
}

/** Allergies: coded or free text, an explicit "no known drug allergies" with who and when, entered-in-error. */
export function AllergiesPanel({ patientId }: { patientId: string }) {
  const { can } = useSession();
  const allergies = useAllergies(patientId);
  const statement = useStateNoAllergies(patientId);
  const [adding, setAdding] = useState(false);
  const [markingError, setMarkingError] = useState<Allergy | null>(null);
  if (allergies.isPending) return <LoadingState label="Loading allergies…" />;
  if (allergies.isError) return <ErrorState error={allergies.error} onRetry={() => void allergies.refetch()} />;
  const list = allergies.data;
  const mayRecord = can('allergy.record');
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Allergies">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">Allergies</Title>
        {mayRecord && !adding ? (
          <Group gap="xs">
            {list.statement === null && !list.allergies.some((allergy) => allergy.category === 'medication' || allergy.category === null) ? (
              <Button variant="light" size="xs" color="green" loading={statement.isPending}
                onClick={() => statement.mutate({ statement: 'no-known-drug-allergies' }, { onSuccess: () => notifications.show({ color: 'teal', message: 'No known drug allergies recorded.' }) })}>
                No known drug allergies
              </Button>
            ) : null}
            <Button variant="light" size="xs" onClick={() => setAdding(true)}>Add allergy</Button>
          </Group>
        ) : null}
      </Group>
      <Stack gap="sm">
        <StatusLine list={list} />
        {statement.error ? <WriteProblem error={statement.error} onReload={() => { statement.reset(); void allergies.refetch(); }} /> : null}
        {adding ? <AddAllergyForm patientId={patientId} onDone={() => setAdding(false)} /> : null}
        {list.allergies.length > 0 ? (
          <Table striped fz="sm" aria-label="Allergy list">
            <Table.Thead>
              <Table.Tr><Table.Th>Substance</Table.Th><Table.Th>Reaction</Table.Th><Table.Th>Severity</Table.Th><Table.Th>Recorded</Table.Th>{mayRecord ? <Table.Th /> : null}</Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.allergies.map((allergy) => (
                <Table.Tr key={allergy.id}>
                  <Table.Td>
                    <Text fw={600} size="sm">{allergy.substance.text}</Text>
                    <Text size="xs" c="dimmed">
                      {allergy.substance.system && allergy.substance.code ? `${systemNames[allergy.substance.system] ?? allergy.substance.system} ${allergy.substance.code}` : 'Not coded'}
                      {allergy.category ? ` · ${allergy.category}` : ''}{allergy.onset ? ` · since ${formatPartialDate(allergy.onset)}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>{allergy.reaction || '—'}</Table.Td>
                  <Table.Td>{allergy.severity ? <Badge size="sm" variant="light" color={allergy.severity === 'severe' ? 'red' : allergy.severity === 'moderate' ? 'orange' : 'gray'}>{allergy.severity}</Badge> : '—'}</Table.Td>
                  <Table.Td><WhoWhen staff={allergy.recordedBy} at={allergy.recordedAt} prefix="" /></Table.Td>
                  {mayRecord ? (
                    <Table.Td><Button size="compact-xs" variant="subtle" color="red" onClick={() => setMarkingError(allergy)} aria-label={`Mark ${allergy.substance.text} entered in error`}>Entered in error</Button></Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        {!mayRecord ? <Alert color="gray" variant="light">Allergies are recorded by clinical staff.</Alert> : null}
      </Stack>
      {markingError ? <EnteredInErrorDialog patientId={patientId} allergy={markingError} onClose={() => setMarkingError(null)} /> : null}
    </Paper>
  );
}
