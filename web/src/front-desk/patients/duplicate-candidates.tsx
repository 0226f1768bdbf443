import { Alert, Anchor, Badge, Group, List, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { DuplicateCandidate } from '../../../../contracts/front-desk/patient.contract.js';
import { formatDate, formatPhone, patientName } from '../../platform/format.js';

const reasonLabels: Record<DuplicateCandidate['reasons'][number], string> = {
  'same-birth-date-similar-name': 'Same date of birth, similar name',
  'same-phone': 'Same phone number',
  'same-name-and-birth-date': 'Same name and date of birth',
};

/** The likely-duplicate records for the person being registered, each with why it matched. */
export function DuplicateCandidates({ candidates, title = 'Possible duplicates', children }: { candidates: DuplicateCandidate[]; title?: string; children?: ReactNode }) {
  return (
    <Alert color="yellow" variant="light" title={title} role="region" aria-label={title}>
      <Text size="sm" mb="xs">
        {candidates.length === 1 ? 'This patient may already be registered.' : `These ${candidates.length} patients may be the same person.`} Open a record to check before registering.
      </Text>
      <List spacing="xs" listStyleType="none" pl={0}>
        {candidates.map((candidate) => (
          <List.Item key={candidate.id}>
            <Group gap="xs" wrap="wrap">
              <Text fw={600}>{patientName(candidate)}</Text>
              {candidate.preferredName ? <Text c="dimmed">“{candidate.preferredName}”</Text> : null}
              <Text size="sm">DOB {formatDate(candidate.dateOfBirth)}</Text>
              <Text size="sm" ff="monospace">MRN {candidate.mrn}</Text>
              {candidate.mobilePhone || candidate.homePhone ? <Text size="sm">{formatPhone(candidate.mobilePhone || candidate.homePhone)}</Text> : null}
              {candidate.reasons.map((reason) => <Badge key={reason} color="yellow" variant="outline" size="sm">{reasonLabels[reason]}</Badge>)}
              <Anchor component={Link} to={`/patients/${candidate.id}`} size="sm" aria-label={`Open ${patientName(candidate)}, MRN ${candidate.mrn}`}>Open</Anchor>
            </Group>
          </List.Item>
        ))}
      </List>
      {children}
    </Alert>
  );
}
