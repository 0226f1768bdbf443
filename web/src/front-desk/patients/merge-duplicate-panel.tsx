import { Alert, Button, Group, Paper, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { Patient } from '../../../../contracts/front-desk/patient.contract.js';
import { formatDate, patientName } from '../../platform/format.js';
import { ErrorState } from '../../platform/ui/states.js';
import { fetchPatient, useMergePatients, usePatientSearch } from './patients.queries.js';

/**
 * The manager merges a duplicate record into this one. Both records are kept; the duplicate is
 * marked merged and points here. The manager must name the duplicate and say why.
 */
export function MergeDuplicatePanel({ patient }: { patient: Patient }) {
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query, 300);
  const search = usePatientSearch(debounced);
  const [duplicateId, setDuplicateId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const merge = useMergePatients();
  const candidates = (search.data?.results ?? []).filter((result) => result.id !== patient.id);
  const chosen = candidates.find((candidate) => candidate.id === duplicateId);

  const submit = async () => {
    if (!duplicateId) return;
    const duplicate = await fetchPatient(duplicateId);
    await merge.mutateAsync({
      survivingPatientId: patient.id, mergedPatientId: duplicate.id, reason: reason.trim(),
      survivingVersion: patient.version, mergedVersion: duplicate.version,
    });
    setDuplicateId(null);
    setReason('');
    setQuery('');
  };

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Merge a duplicate record">
      <Text fw={600} mb={4}>Merge a duplicate record into this one</Text>
      <Text size="sm" c="dimmed" mb="sm">Both records are kept. The duplicate is marked merged and points to this record.</Text>
      <Stack gap="sm">
        <TextInput label="Find the duplicate" placeholder="Name, date of birth, phone or MRN" value={query} onChange={(event) => setQuery(event.currentTarget.value)} />
        {candidates.length > 0 ? (
          <Radio.Group label="Duplicate record" value={duplicateId} onChange={setDuplicateId}>
            <Stack gap={4} mt={4}>
              {candidates.slice(0, 8).map((candidate) => (
                <Radio key={candidate.id} value={candidate.id} label={`${patientName(candidate)} · DOB ${formatDate(candidate.dateOfBirth)} · MRN ${candidate.mrn}`} />
              ))}
            </Stack>
          </Radio.Group>
        ) : debounced.trim() && !search.isFetching ? <Text size="sm" c="dimmed">No other records match.</Text> : null}
        {chosen ? (
          <Alert color="orange" variant="light">
            MRN {chosen.mrn} ({patientName(chosen)}) will be merged into MRN {patient.mrn} ({patientName(patient)}).
          </Alert>
        ) : null}
        <Group align="flex-end">
          <Textarea label="Why are these the same person?" autosize minRows={1} w={420} value={reason} onChange={(event) => setReason(event.currentTarget.value)} />
          <Button color="orange" disabled={!chosen || reason.trim().length < 3} loading={merge.isPending} onClick={() => void submit().catch(() => undefined)}>
            Merge into this record
          </Button>
        </Group>
        {merge.isError ? <ErrorState error={merge.error} title="The records were not merged" /> : null}
        {merge.isSuccess ? <Alert color="teal" variant="light" role="status">Records merged.</Alert> : null}
      </Stack>
    </Paper>
  );
}
