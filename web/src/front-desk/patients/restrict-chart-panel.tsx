import { Button, Group, Paper, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { Patient } from '../../../../contracts/front-desk/patient.contract.js';
import { ErrorState } from '../../platform/ui/states.js';
import { useRestrictChart } from './patients.queries.js';

/** The manager's control to restrict a chart (break-the-glass needed to open it) or lift the restriction. */
export function RestrictChartPanel({ patient }: { patient: Patient }) {
  const restrict = useRestrictChart(patient.id);
  const [reason, setReason] = useState('');
  const next = !patient.isRestricted;
  return (
    <Paper withBorder radius="md" p="md" aria-label="Chart restriction" component="section">
      <Text fw={600} mb={4}>{patient.isRestricted ? 'This chart is restricted' : 'Chart restriction'}</Text>
      <Text size="sm" c="dimmed" mb="sm">
        {patient.isRestricted
          ? 'Staff must give a reason (break-the-glass) to open it, and you are alerted each time.'
          : 'Restrict a chart such as a staff member’s own: staff must then give a reason to open it.'}
      </Text>
      <Group align="flex-end">
        <Textarea label="Reason for the change" autosize minRows={1} w={420} value={reason} onChange={(event) => setReason(event.currentTarget.value)} />
        <Button
          variant="light"
          color={next ? 'orange' : 'gray'}
          disabled={reason.trim().length < 5}
          loading={restrict.isPending}
          onClick={() => restrict.mutate({ isRestricted: next, reason: reason.trim(), version: patient.version }, { onSuccess: () => setReason('') })}
        >
          {next ? 'Restrict chart' : 'Lift restriction'}
        </Button>
      </Group>
      {restrict.isError ? <ErrorState error={restrict.error} title="The restriction was not changed" /> : null}
    </Paper>
  );
}
