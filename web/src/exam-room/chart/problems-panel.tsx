import { Badge, Button, Group, Modal, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { codeSystems, type Problem } from '../../../../contracts/exam-room/histories.js';
import { applyFieldErrors, isApiError } from '../../platform/api.js';
import { useSession } from '../../platform/session.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { WhoWhen, WriteProblem, formatPartialDate } from './chart-parts.js';
import { useConfirmDiagnosis, useProblems, useRecordProblem } from './histories.queries.js';

const verificationLabels: Record<Problem['verification'], string> = {
  'patient-reported': 'Patient-reported', confirmed: 'Confirmed diagnosis', refuted: 'Refuted', 'entered-in-error': 'Entered in error',
};
const verificationColors: Record<Problem['verification'], string> = {
  'patient-reported': 'yellow', confirmed: 'teal', refuted: 'gray', 'entered-in-error': 'gray',
};

function RecordProblemForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const record = useRecordProblem(patientId);
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm({
    initialValues: { description: '', onset: '' },
    validate: { description: (value: string) => (value.trim() ? null : 'Describe the problem in the patient’s words.') },
  });
  const submit = async (values: { description: string; onset: string }) => {
    setProblem(null);
    try {
      await record.mutateAsync({ description: values.description.trim(), onset: values.onset.trim() || null });
      notifications.show({ color: 'teal', message: 'Patient-reported problem recorded.' });
      form.reset();
      onDone();
    } catch (error) {
      const placed = isApiError(error, 'VALIDATION_FAILED') && applyFieldErrors(error, (field, message) => form.setFieldError(field, message), (field) => field === 'description' || field === 'onset');
      if (!placed) setProblem(error);
    }
  };
  return (
    <form noValidate aria-label="Record patient-reported problem" onSubmit={form.onSubmit((values) => void submit(values))}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Problem in the patient’s words" placeholder="e.g. High blood pressure" required {...form.getInputProps('description')} />
          <TextInput label="Since (YYYY, YYYY-MM or YYYY-MM-DD)" placeholder="e.g. 2019" {...form.getInputProps('onset')} />
        </SimpleGrid>
        <WriteProblem error={problem} onReload={() => setProblem(null)} />
        <Group>
          <Button type="submit" loading={record.isPending}>Record problem</Button>
          <Button variant="subtle" onClick={onDone}>Cancel</Button>
        </Group>
      </Stack>
    </form>
  );
}

function ConfirmDiagnosisDialog({ patientId, problem, onClose }: { patientId: string; problem: Problem; onClose: () => void }) {
  const confirm = useConfirmDiagnosis(patientId);
  const form = useForm({ initialValues: { system: codeSystems.icd10cm as string, code: '', description: problem.description } });
  const [failure, setFailure] = useState<unknown>(null);
  const submit = async (values: { system: string; code: string; description: string }) => {
    setFailure(null);
    try {
      await confirm.mutateAsync({
        problemId: problem.id,
        version: problem.version,
        ...(values.code.trim() ? { code: { system: values.system as typeof codeSystems.icd10cm, code: values.code.trim().toUpperCase() } } : {}),
        ...(values.description.trim() && values.description.trim() !== problem.description ? { description: values.description.trim() } : {}),
      });
      notifications.show({ color: 'teal', message: 'Diagnosis confirmed.' });
      onClose();
    } catch (error) {
      const placed = isApiError(error, 'VALIDATION_FAILED') && applyFieldErrors(error, (field, message) => form.setFieldError(field.replace(/^code\./, ''), message), (field) => ['code.code', 'code.system', 'description'].includes(field));
      if (!placed) setFailure(error);
    }
  };
  return (
    <Modal opened onClose={onClose} title="Confirm diagnosis">
      <form noValidate aria-label="Confirm diagnosis" onSubmit={form.onSubmit((values) => void submit(values))}>
        <Stack>
          <Text size="sm">The patient reported: <Text span fw={600}>{problem.description}</Text></Text>
          <TextInput label="Diagnosis" {...form.getInputProps('description')} />
          <Group grow>
            <NativeSelect label="Code system" data={[{ value: codeSystems.icd10cm, label: 'ICD-10-CM' }, { value: codeSystems.snomed, label: 'SNOMED CT' }]} {...form.getInputProps('system')} />
            <TextInput label="Diagnosis code" placeholder="e.g. I10" {...form.getInputProps('code')} />
          </Group>
          <WriteProblem error={failure} what="problem" onReload={onClose} />
          <Group justify="flex-end">
            <Button variant="subtle" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={confirm.isPending}>Confirm diagnosis</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The problem list: an MA records what the patient reports; only a provider confirms it as a diagnosis. */
export function ProblemsPanel({ patientId }: { patientId: string }) {
  const { can } = useSession();
  const problems = useProblems(patientId);
  const [adding, setAdding] = useState(false);
  const [confirming, setConfirming] = useState<Problem | null>(null);
  if (problems.isPending) return <LoadingState label="Loading problems…" />;
  if (problems.isError) return <ErrorState error={problems.error} onRetry={() => void problems.refetch()} />;
  const mayRecord = can('problem.record-reported');
  const mayConfirm = can('problem.confirm-diagnosis');
  const list = problems.data.problems.filter((problem) => problem.verification !== 'entered-in-error');
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Problems">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">Problem list</Title>
        {mayRecord && !adding ? <Button variant="light" size="xs" onClick={() => setAdding(true)}>Add patient-reported problem</Button> : null}
      </Group>
      <Stack gap="sm">
        {adding ? <RecordProblemForm patientId={patientId} onDone={() => setAdding(false)} /> : null}
        {list.length === 0 ? <EmptyState title="No problems recorded" /> : (
          <Table striped fz="sm" aria-label="Problem list">
            <Table.Thead>
              <Table.Tr><Table.Th>Problem</Table.Th><Table.Th>Status</Table.Th><Table.Th>Recorded</Table.Th>{mayConfirm ? <Table.Th /> : null}</Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((problem) => (
                <Table.Tr key={problem.id}>
                  <Table.Td>
                    <Text fw={600} size="sm">{problem.description}</Text>
                    <Text size="xs" c="dimmed">
                      {problem.code ? `${problem.codeSystem === codeSystems.snomed ? 'SNOMED CT' : 'ICD-10-CM'} ${problem.code}` : 'Not coded'}
                      {problem.onset ? ` · since ${formatPartialDate(problem.onset)}` : ''} · {problem.clinicalStatus}
                    </Text>
                  </Table.Td>
                  <Table.Td><Badge size="sm" variant="light" color={verificationColors[problem.verification]}>{verificationLabels[problem.verification]}</Badge></Table.Td>
                  <Table.Td>
                    <WhoWhen staff={problem.reportedBy} at={problem.reportedAt} prefix="Reported by" />
                    {problem.confirmedAt ? <WhoWhen staff={problem.confirmedBy} at={problem.confirmedAt} prefix="Confirmed by" /> : null}
                  </Table.Td>
                  {mayConfirm ? (
                    <Table.Td>
                      {problem.verification === 'patient-reported' ? <Button size="compact-xs" variant="light" onClick={() => setConfirming(problem)}>Confirm diagnosis</Button> : null}
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      {confirming ? <ConfirmDiagnosisDialog patientId={patientId} problem={confirming} onClose={() => setConfirming(null)} /> : null}
    </Paper>
  );
}
