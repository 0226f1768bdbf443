import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { Patient } from '../../../../contracts/front-desk/patient.contract.js';
import { formatAge, formatDate, patientName, sexLabels } from '../../platform/format.js';
import { LockIcon } from '../../platform/ui/lock-icon.js';

function AllergyArea({ patient }: { patient: Patient }) {
  if (patient.allergyStatus === 'has-allergies' && patient.allergies.length > 0) {
    return (
      <Text fw={700} c="red.8" data-testid="allergy-status">
        Allergies: {patient.allergies.map((allergy) => allergy.substance).join(', ')}
        {patient.allergyStatement?.statement === 'no-known-drug-allergies' ? <Text span inherit c="green.8"> · NKDA</Text> : null}
      </Text>
    );
  }
  if (patient.allergyStatus === 'no-known-drug-allergies' || patient.allergyStatus === 'no-known-allergies') {
    const statement = patient.allergyStatement;
    return (
      <Text fw={600} c="green.8" data-testid="allergy-status">
        Allergies: {patient.allergyStatus === 'no-known-drug-allergies' ? 'NKDA' : 'NKA'}
        {statement ? <Text span size="sm" fw={400} c="dimmed"> (stated{statement.statedBy ? ` by ${statement.statedBy.name}` : ''} {new Date(statement.statedAt).toLocaleDateString('en-US', { month: '2-digit', day: '2-digit', year: 'numeric' })})</Text> : null}
      </Text>
    );
  }
  return <Text fw={600} c="orange.8" data-testid="allergy-status">Allergies not recorded</Text>;
}

/** The two identifiers (name and date of birth) plus MRN and allergies, at the top of every patient view. */
export function PatientBanner({ patient }: { patient: Patient }) {
  return (
    <Paper withBorder radius="md" p="md" bg="teal.0" role="region" aria-label="Patient banner" data-testid="patient-banner">
      <Stack gap={4}>
        <Group gap="sm" align="baseline" wrap="wrap">
          <Title order={2} size="h3">
            {patientName(patient)}{patient.nameSuffix ? ` ${patient.nameSuffix}` : ''}
            {patient.preferredName ? <Text span inherit fw={400} c="dimmed"> “{patient.preferredName}”</Text> : null}
          </Title>
          {patient.isRestricted ? <Badge color="grape" leftSection={<LockIcon />}>Restricted</Badge> : null}
          {patient.status !== 'active' ? <Badge color="gray">{patient.status}</Badge> : null}
          {patient.interpreterNeeded ? <Badge color="blue" variant="light">Interpreter needed</Badge> : null}
        </Group>
        <Group gap="lg" wrap="wrap">
          <Text><Text span c="dimmed">DOB </Text><Text span fw={600}>{formatDate(patient.dateOfBirth)}</Text> ({formatAge(patient.dateOfBirth)})</Text>
          <Text><Text span c="dimmed">Sex </Text>{sexLabels[patient.sexAtBirth]}</Text>
          <Text><Text span c="dimmed">MRN </Text><Text span ff="monospace" fw={600}>{patient.mrn}</Text></Text>
          {patient.pronouns ? <Text><Text span c="dimmed">Pronouns </Text>{patient.pronouns}</Text> : null}
        </Group>
        <AllergyArea patient={patient} />
      </Stack>
    </Paper>
  );
}
