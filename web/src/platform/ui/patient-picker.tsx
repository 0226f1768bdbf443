import { Badge, Button, Group, Paper, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { usePatientSearch } from '../../front-desk/patients/patients.queries.js';
import { formatDate, patientName } from '../format.js';

export interface PickedPatient {
  id: string;
  name: string;
  mrn: string;
  dateOfBirth: string;
}

/** Choose one patient by searching (name, date of birth, phone or MRN). */
export function PatientPicker({ label = 'Patient', value, onChange }: { label?: string; value: PickedPatient | null; onChange: (patient: PickedPatient | null) => void }) {
  const [text, setText] = useState('');
  const [debounced] = useDebouncedValue(text.trim(), 250);
  const search = usePatientSearch(debounced);

  if (value) {
    return (
      <Stack gap={4}>
        <Text size="sm" fw={500}>{label}</Text>
        <Group gap="xs">
          <Badge size="lg" variant="light" color="teal" tt="none">{value.name} · DOB {formatDate(value.dateOfBirth)} · MRN {value.mrn}</Badge>
          <Button size="compact-xs" variant="subtle" onClick={() => onChange(null)} aria-label={`Clear ${label.toLowerCase()}`}>Clear</Button>
        </Group>
      </Stack>
    );
  }

  const results = debounced ? search.data?.results ?? [] : [];
  return (
    <div style={{ position: 'relative' }}>
      <TextInput label={label} placeholder="Name, date of birth, phone or MRN" value={text} onChange={(event) => setText(event.currentTarget.value)} autoComplete="off" />
      {debounced ? (
        <Paper withBorder shadow="md" p={4} mt={4} style={{ position: 'absolute', zIndex: 20, left: 0, right: 0, maxHeight: 280, overflowY: 'auto' }}>
          {search.isPending ? <Text size="sm" c="dimmed" p="xs">Searching…</Text> : null}
          {search.isError ? <Text size="sm" c="red" p="xs">{search.error.message}</Text> : null}
          {!search.isPending && !search.isError && results.length === 0 ? <Text size="sm" c="dimmed" p="xs">No patients found.</Text> : null}
          {results.map((patient) => (
            <UnstyledButton
              key={patient.id}
              display="block"
              w="100%"
              p="xs"
              onClick={() => {
                onChange({ id: patient.id, name: patientName(patient), mrn: patient.mrn, dateOfBirth: patient.dateOfBirth });
                setText('');
              }}
            >
              <Text size="sm"><b>{patientName(patient)}</b> · DOB {formatDate(patient.dateOfBirth)} · MRN {patient.mrn}</Text>
            </UnstyledButton>
          ))}
        </Paper>
      ) : null}
    </div>
  );
}
