import { useState } from 'react';
import { Alert, Button, FileInput, Group, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { importJobSchema, importStartedSchema } from '../../../contracts/interop/import.contract.js';
import { api } from '../platform/api.js';
import { ErrorState } from '../platform/ui/states.js';

type ImportJob = z.infer<typeof importJobSchema>;
type ImportStarted = z.infer<typeof importStartedSchema>;

const number = (value: number) => value.toLocaleString('en-US');
/** "1 patient", "74 resources". */
const counted = (value: number, noun: string) => `${number(value)} ${noun}${value === 1 ? '' : 's'}`;
const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
const perType = (counts: Record<string, number>) => Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type} ${number(n)}`).join(', ') || '—';

function ImportProgress({ jobId }: { jobId: string }) {
  const job = useQuery({
    queryKey: ['interop', 'import', jobId],
    queryFn: () => api.get<ImportJob>(`/api/interop/imports/${jobId}`),
    refetchInterval: (query) => (query.state.data && query.state.data.status !== 'running' && query.state.data.status !== 'queued' ? false : 1000),
  });
  if (job.isError) return <ErrorState error={job.error} onRetry={() => void job.refetch()} />;
  if (!job.data) return <Text c="dimmed">Starting…</Text>;
  const { progress, summary, status } = job.data;
  const percent = progress.bytesTotal > 0 ? Math.round((100 * progress.bytesDone) / progress.bytesTotal) : 0;
  const remaining = progress.ratePerSecond > 0 && progress.bytesDone > 0 ? Math.round(((progress.bytesTotal - progress.bytesDone) / progress.bytesDone) * (progress.resources / progress.ratePerSecond)) : undefined;
  return (
    <Stack>
      <Progress size="lg" value={status === 'completed' ? 100 : percent} animated={status === 'running'} aria-label="Import progress" />
      <Text aria-live="polite">
        {status === 'completed' ? 'Done: ' : status === 'failed' ? 'Stopped: ' : 'Importing: '}
        {counted(progress.patients, 'patient')}, {counted(progress.resources, 'resource')} ({number(progress.ratePerSecond)} resources/s)
        {status === 'running' && remaining !== undefined ? `, about ${remaining} s left` : ''}
      </Text>
      {job.data.error ? <Alert color="red">{job.data.error}</Alert> : null}
      {summary ? (
        <Table withTableBorder verticalSpacing="sm" aria-label="Import summary">
          <Table.Thead>
            <Table.Tr><Table.Th>Outcome</Table.Th><Table.Th ta="right">Resources</Table.Th><Table.Th>By type</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr><Table.Th>Loaded</Table.Th><Table.Td ta="right">{number(total(summary.loaded))}</Table.Td><Table.Td>{perType(summary.loaded)}</Table.Td></Table.Tr>
            <Table.Tr><Table.Th>Already present</Table.Th><Table.Td ta="right">{number(total(summary.alreadyPresent))}</Table.Td><Table.Td>{perType(summary.alreadyPresent)}</Table.Td></Table.Tr>
            {Object.entries(summary.skipped).map(([reason, byType]) => (
              <Table.Tr key={reason}><Table.Th>Skipped ({reason})</Table.Th><Table.Td ta="right">{number(total(byType))}</Table.Td><Table.Td>{perType(byType)}</Table.Td></Table.Tr>
            ))}
            <Table.Tr><Table.Th>Failed</Table.Th><Table.Td ta="right">{number(summary.failed.length)}</Table.Td><Table.Td>
              {summary.failed.slice(0, 20).map((failure, index) => (
                <Text key={index} size="sm">{failure.label}: {failure.resourceType}/{failure.id ?? '?'}: {failure.message}</Text>
              ))}
            </Table.Td></Table.Tr>
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}

/** Admin screen: import FHIR Bundles (e.g. Synthea) and NDJSON with a progress display; running it again loads nothing twice. */
export function ImportPage() {
  const [files, setFiles] = useState<File[]>([]);
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: async () => api.post<ImportStarted>('/api/interop/imports', { files: await Promise.all(files.map(async (file) => ({ name: file.name, content: await file.text() }))) }),
    onSuccess: (started) => setJobId(started.id),
  });
  return (
    <Stack>
      <Title order={2}>Import records</Title>
      <Text c="dimmed">FHIR R4 transaction Bundles (.json, e.g. Synthea) and NDJSON files (.ndjson). Importing the same files again changes nothing.</Text>
      <Paper withBorder p="md">
        <Group align="flex-end">
          <FileInput multiple label="Files" placeholder="Choose files" accept=".json,.ndjson,.jsonl" value={files} onChange={setFiles} style={{ flex: 1 }} />
          <Button onClick={() => start.mutate()} loading={start.isPending} disabled={files.length === 0}>Import</Button>
        </Group>
        {start.isError ? <Alert color="red" mt="sm">{start.error.message}</Alert> : null}
      </Paper>
      {jobId ? <ImportProgress jobId={jobId} /> : null}
    </Stack>
  );
}
