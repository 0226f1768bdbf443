import { Badge, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { formatDate, formatAge, formatPhone, patientName, sexLabels } from '../../platform/format.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { usePatientSearch } from './patients.queries.js';
import { LockIcon } from '../../platform/ui/lock-icon.js';

export function PatientSearchPage() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [debounced] = useDebouncedValue(text.trim(), 250);
  const search = usePatientSearch(debounced);
  const [selected, setSelected] = useState(0);
  const navigate = useNavigate();
  const results = search.data?.results ?? [];
  const isCurrent = text.trim() === debounced && debounced !== '' && search.isSuccess && !search.isPlaceholderData;
  /** Enter pressed before the answer for the typed text arrived: open the first result when it does. */
  const openWhenReady = useRef(false);

  useEffect(() => {
    setSelected(0);
    setParams(debounced ? { q: debounced } : {}, { replace: true });
  }, [debounced, setParams]);

  const open = (index: number) => {
    const patient = results[index];
    if (patient) void navigate(`/patients/${patient.id}`);
  };

  useEffect(() => {
    const row = results[selected];
    if (row) document.getElementById(`patient-row-${row.id}`)?.scrollIntoView({ block: 'nearest' });
  }, [selected, results]);

  useEffect(() => {
    if (!openWhenReady.current || !isCurrent) return;
    openWhenReady.current = false;
    const first = results[0];
    if (first) void navigate(`/patients/${first.id}`);
  }, [isCurrent, results, navigate]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setSelected((index) => Math.min(index + 1, results.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setSelected((index) => Math.max(index - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      // Enter on fresh text waits for that text's answer instead of opening a row from the previous search.
      if (isCurrent) open(selected);
      else if (text.trim()) openWhenReady.current = true;
    }
  };

  const isWaiting = text.trim() !== debounced || search.isFetching;
  const activeId = results[selected] ? `patient-row-${results[selected].id}` : undefined;

  return (
    <Stack maw={1200}>
      <Title order={2}>Patients</Title>
      <TextInput
        label="Search patients"
        description="Name, date of birth, phone or MRN. Use ↑ ↓ to choose and Enter to open."
        placeholder="Name, date of birth, phone or MRN"
        value={text}
        onChange={(event) => { openWhenReady.current = false; setText(event.currentTarget.value); }}
        onKeyDown={onKeyDown}
        autoFocus
        size="md"
        aria-controls="patient-results"
        aria-activedescendant={activeId}
        autoComplete="off"
      />
      <Paper withBorder radius="md" p={0} id="patient-results">
        {!debounced ? (
          <EmptyState title="Find a patient">Type at least part of a name, a date of birth (MM/DD/YYYY), a phone number or an MRN.</EmptyState>
        ) : search.isPending ? (
          <LoadingState label="Searching…" />
        ) : search.isError ? (
          <ErrorState error={search.error} onRetry={() => void search.refetch()} title="Search failed" />
        ) : results.length === 0 ? (
          <EmptyState title="No patients found">Check the spelling, try the date of birth or phone number, or register a new patient.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table highlightOnHover verticalSpacing="xs" aria-label="Patient search results" aria-busy={isWaiting}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Preferred name</Table.Th>
                  <Table.Th>Date of birth</Table.Th>
                  <Table.Th>Sex</Table.Th>
                  <Table.Th>MRN</Table.Th>
                  <Table.Th>Phone</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {results.map((patient, index) => (
                  <Table.Tr
                    key={patient.id}
                    id={`patient-row-${patient.id}`}
                    aria-selected={index === selected}
                    bg={index === selected ? 'teal.0' : undefined}
                    style={{ cursor: 'pointer' }}
                    onClick={() => open(index)}
                    onMouseEnter={() => setSelected(index)}
                  >
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Text component={Link} to={`/patients/${patient.id}`} fw={600} c="teal.9" onClick={(event) => event.stopPropagation()}>
                          {patientName(patient)}
                        </Text>
                        {patient.isRestricted ? <Badge color="grape" variant="light" size="sm" leftSection={<LockIcon />}>Restricted</Badge> : null}
                        {patient.status !== 'active' ? <Badge color="gray" size="sm">{patient.status}</Badge> : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>{patient.preferredName ? `“${patient.preferredName}”` : ''}</Table.Td>
                    <Table.Td>{formatDate(patient.dateOfBirth)} <Text span c="dimmed" size="sm">({formatAge(patient.dateOfBirth)})</Text></Table.Td>
                    <Table.Td>{sexLabels[patient.sexAtBirth]}</Table.Td>
                    <Table.Td ff="monospace">{patient.mrn}</Table.Td>
                    <Table.Td>{formatPhone(patient.mobilePhone || patient.homePhone)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  );
}
