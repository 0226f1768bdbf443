import { Badge, Button, Group, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  familyRelations, historyKinds, tobaccoStatuses, type HistoryEntry, type HistoryKindName, type SocialHistory,
} from '../../../../contracts/exam-room/histories.js';
import { applyFieldErrors, isApiError } from '../../platform/api.js';
import { useSession } from '../../platform/session.js';
import { ErrorState, LoadingState } from '../../platform/ui/states.js';
import { WhoWhen, WriteProblem, formatPartialDate } from './chart-parts.js';
import { historyKeys, useHistoryEntries, useRecordHistoryEntry, useSaveSocialHistory, useSocialHistory } from './histories.queries.js';

const kindLabels: Record<HistoryKindName, string> = {
  'past-medical': 'Past medical history', 'past-surgical': 'Past surgical history', family: 'Family history', social: 'Social history notes',
};
const relationLabel = (relation: string) => relation.replace(/-/g, ' ').replace(/^./, (first) => first.toUpperCase());

interface EntryFormValues {
  kind: HistoryKindName;
  description: string;
  relation: string;
  occurred: string;
}

function RecordEntryForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const record = useRecordHistoryEntry(patientId);
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm<EntryFormValues>({
    initialValues: { kind: 'past-medical', description: '', relation: '', occurred: '' },
    validate: {
      description: (value) => (value.trim() ? null : 'Describe the history.'),
      relation: (value, values) => (values.kind === 'family' && !value ? 'Family history needs the relative.' : null),
    },
  });
  const submit = async (values: EntryFormValues) => {
    setProblem(null);
    try {
      await record.mutateAsync({
        kind: values.kind,
        description: values.description.trim(),
        relation: values.kind === 'family' ? (values.relation as (typeof familyRelations)[number]) : null,
        occurred: values.occurred.trim() || null,
      });
      notifications.show({ color: 'teal', message: `${kindLabels[values.kind]} recorded.` });
      form.reset();
      onDone();
    } catch (error) {
      const placed = isApiError(error, 'VALIDATION_FAILED') && applyFieldErrors(error, (field, message) => form.setFieldError(field, message), (field) => ['kind', 'description', 'relation', 'occurred'].includes(field));
      if (!placed) setProblem(error);
    }
  };
  return (
    <form noValidate aria-label="Add history" onSubmit={form.onSubmit((values) => void submit(values))}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 4 }}>
          <NativeSelect label="History" data={historyKinds.map((kind) => ({ value: kind, label: kindLabels[kind] }))} {...form.getInputProps('kind')} />
          <TextInput label="Description" placeholder="e.g. Appendectomy" required {...form.getInputProps('description')} />
          {form.values.kind === 'family' ? (
            <NativeSelect label="Relative" data={[{ value: '', label: 'Choose…' }, ...familyRelations.map((relation) => ({ value: relation, label: relationLabel(relation) }))]} {...form.getInputProps('relation')} />
          ) : null}
          <TextInput label="When (YYYY, YYYY-MM or YYYY-MM-DD)" placeholder="e.g. 2015" {...form.getInputProps('occurred')} />
        </SimpleGrid>
        <WriteProblem error={problem} onReload={() => setProblem(null)} />
        <Group>
          <Button type="submit" loading={record.isPending}>Add to history</Button>
          <Button variant="subtle" onClick={onDone}>Cancel</Button>
        </Group>
      </Stack>
    </form>
  );
}

function EntryGroup({ kind, entries }: { kind: HistoryKindName; entries: HistoryEntry[] }) {
  return (
    <Stack gap={4} role="group" aria-label={kindLabels[kind]}>
      <Text fw={600} size="sm">{kindLabels[kind]}</Text>
      {entries.length === 0 ? <Text size="sm" c="dimmed">None recorded.</Text> : (
        <Table fz="sm" withRowBorders={false}>
          <Table.Tbody>
            {entries.map((entry) => (
              <Table.Tr key={entry.id}>
                <Table.Td>
                  {entry.relation ? <Text span inherit fw={600}>{relationLabel(entry.relation)}: </Text> : null}
                  {entry.description}
                  {entry.code ? <Text span c="dimmed" fz="xs"> ({entry.code})</Text> : null}
                </Table.Td>
                <Table.Td w={110}>{formatPartialDate(entry.occurred)}</Table.Td>
                <Table.Td><WhoWhen staff={entry.recordedBy} at={entry.recordedAt} prefix="" /></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

interface SocialFormValues {
  tobaccoStatus: string;
  packsPerDay: number | string;
  yearsSmoked: number | string;
  quitYear: number | string;
  alcoholDrinksPerWeek: number | string;
  notes: string;
}

const asNumber = (value: number | string): number | undefined => (value === '' || value === null ? undefined : Number(value));

function toSocialForm(social: SocialHistory): SocialFormValues {
  return {
    tobaccoStatus: social.tobaccoStatus ?? '',
    packsPerDay: social.packsPerDay ?? '',
    yearsSmoked: social.yearsSmoked ?? '',
    quitYear: social.quitYear ?? '',
    alcoholDrinksPerWeek: social.alcoholDrinksPerWeek ?? '',
    notes: social.notes,
  };
}

function SocialHistoryCard({ patientId, mayRecord }: { patientId: string; mayRecord: boolean }) {
  const social = useSocialHistory(patientId);
  const save = useSaveSocialHistory(patientId);
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm<SocialFormValues>({ initialValues: { tobaccoStatus: '', packsPerDay: '', yearsSmoked: '', quitYear: '', alcoholDrinksPerWeek: '', notes: '' } });
  if (social.isPending) return <LoadingState label="Loading social history…" />;
  if (social.isError) return <ErrorState error={social.error} onRetry={() => void social.refetch()} />;
  const data = social.data;

  const startEditing = () => {
    form.setValues(toSocialForm(data));
    setProblem(null);
    setEditing(true);
  };
  const submit = async (values: SocialFormValues) => {
    setProblem(null);
    const status = values.tobaccoStatus as (typeof tobaccoStatuses)[number] | '';
    const packsPerDay = asNumber(values.packsPerDay);
    const yearsSmoked = asNumber(values.yearsSmoked);
    const quitYear = asNumber(values.quitYear);
    try {
      await save.mutateAsync({
        version: data.version,
        tobacco: status ? {
          status,
          ...(status !== 'never' && packsPerDay !== undefined ? { packsPerDay } : {}),
          ...(status !== 'never' && yearsSmoked !== undefined ? { yearsSmoked } : {}),
          ...(status === 'former' && quitYear !== undefined ? { quitYear } : {}),
        } : null,
        alcoholDrinksPerWeek: asNumber(values.alcoholDrinksPerWeek) ?? null,
        notes: values.notes.trim(),
      });
      notifications.show({ color: 'teal', message: 'Social history saved.' });
      setEditing(false);
    } catch (error) {
      const placed = isApiError(error, 'VALIDATION_FAILED') && applyFieldErrors(
        error,
        (field, message) => form.setFieldError(field === 'tobacco.status' ? 'tobaccoStatus' : field.replace(/^tobacco\./, ''), message),
        (field) => ['tobacco.status', 'tobacco.packsPerDay', 'tobacco.yearsSmoked', 'tobacco.quitYear', 'alcoholDrinksPerWeek', 'notes'].includes(field),
      );
      if (!placed) setProblem(error);
    }
  };

  const tobacco = data.tobaccoStatus
    ? `${data.tobaccoStatus[0]!.toUpperCase()}${data.tobaccoStatus.slice(1)} smoker${data.tobaccoStatus === 'never' ? '' : data.packYears !== null ? ` · ${data.packYears} pack-years` : ''}${data.quitYear ? ` · quit ${data.quitYear}` : ''}`
    : 'Not recorded';
  return (
    <Stack gap="xs" role="group" aria-label="Tobacco and alcohol">
      <Group justify="space-between">
        <Text fw={600} size="sm">Tobacco and alcohol</Text>
        {mayRecord && !editing ? <Button size="compact-xs" variant="light" onClick={startEditing}>Edit tobacco and alcohol</Button> : null}
      </Group>
      {editing ? (
        <form noValidate aria-label="Social history" onSubmit={form.onSubmit((values) => void submit(values))}>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <NativeSelect label="Tobacco" data={[{ value: '', label: 'Not asked' }, { value: 'never', label: 'Never smoker' }, { value: 'former', label: 'Former smoker' }, { value: 'current', label: 'Current smoker' }]} {...form.getInputProps('tobaccoStatus')} />
              {form.values.tobaccoStatus === 'current' || form.values.tobaccoStatus === 'former' ? (
                <>
                  <NumberInput label="Packs per day" min={0} max={10} step={0.5} decimalScale={2} {...form.getInputProps('packsPerDay')} />
                  <NumberInput label="Years smoked" min={0} max={100} {...form.getInputProps('yearsSmoked')} />
                </>
              ) : null}
              {form.values.tobaccoStatus === 'former' ? <NumberInput label="Quit year" min={1900} max={2100} {...form.getInputProps('quitYear')} /> : null}
              <NumberInput label="Alcohol drinks per week" min={0} max={200} {...form.getInputProps('alcoholDrinksPerWeek')} />
            </SimpleGrid>
            <Textarea label="Notes" autosize minRows={1} {...form.getInputProps('notes')} />
            <Text size="xs" c="dimmed">Pack-years are computed from packs per day × years smoked.</Text>
            <WriteProblem error={problem} what="social history" onReload={() => { setProblem(null); setEditing(false); void queryClient.invalidateQueries({ queryKey: historyKeys.social(patientId) }); }} />
            <Group>
              <Button type="submit" loading={save.isPending}>Save social history</Button>
              <Button variant="subtle" onClick={() => setEditing(false)}>Cancel</Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack gap={2}>
          <Text size="sm"><Text span c="dimmed">Tobacco </Text><Text span data-testid="tobacco-summary">{tobacco}</Text></Text>
          <Text size="sm"><Text span c="dimmed">Alcohol </Text>{data.alcoholDrinksPerWeek === null ? 'Not recorded' : `${data.alcoholDrinksPerWeek} drinks per week`}</Text>
          {data.notes ? <Text size="sm">{data.notes}</Text> : null}
          <WhoWhen staff={data.recordedBy} at={data.recordedAt} />
        </Stack>
      )}
    </Stack>
  );
}

/** Past medical, surgical, family and social history, with tobacco (pack-years) and alcohol. */
export function HistoriesPanel({ patientId }: { patientId: string }) {
  const { can } = useSession();
  const entries = useHistoryEntries(patientId);
  const [adding, setAdding] = useState(false);
  const mayRecord = can('history.record');
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Histories">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">Histories</Title>
        {mayRecord && !adding ? <Button variant="light" size="xs" onClick={() => setAdding(true)}>Add history</Button> : null}
      </Group>
      <Stack gap="md">
        {adding ? <RecordEntryForm patientId={patientId} onDone={() => setAdding(false)} /> : null}
        {entries.isPending ? <LoadingState label="Loading histories…" /> : entries.isError ? (
          <ErrorState error={entries.error} onRetry={() => void entries.refetch()} />
        ) : (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            {historyKinds.filter((kind) => kind !== 'social').map((kind) => (
              <EntryGroup key={kind} kind={kind} entries={entries.data.entries.filter((entry) => entry.kind === kind)} />
            ))}
            <Stack gap="md">
              <SocialHistoryCard patientId={patientId} mayRecord={mayRecord} />
              {entries.data.entries.some((entry) => entry.kind === 'social') ? (
                <EntryGroup kind="social" entries={entries.data.entries.filter((entry) => entry.kind === 'social')} />
              ) : null}
            </Stack>
          </SimpleGrid>
        )}
      </Stack>
      {!mayRecord ? <Badge mt="sm" color="gray" variant="light">Read only</Badge> : null}
    </Paper>
  );
}
