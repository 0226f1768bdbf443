import { Alert, Button, Grid, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { roleLabels, roleSchema } from '../../../../contracts/platform/session.contract.js';
import { formatDateTime } from '../format.js';
import { PatientPicker, type PickedPatient } from '../ui/patient-picker.js';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.js';
import { auditActions, useAuditEvents, useStaffDirectory, useVerifyChain, type AuditFilters } from './audit.queries.js';

function roleLabel(role: string): string {
  const parsed = roleSchema.safeParse(role);
  return parsed.success ? roleLabels[parsed.data] : role;
}

function VerifyChain() {
  const verify = useVerifyChain();
  return (
    <Stack gap="xs">
      <Group>
        <Button variant="light" onClick={() => verify.mutate()} loading={verify.isPending}>Verify chain</Button>
        <Text size="sm" c="dimmed">Recomputes every sealed entry’s hash to show the trail has not been altered.</Text>
      </Group>
      {verify.isError ? <ErrorState error={verify.error} title="Verification could not run" /> : null}
      {verify.data ? (
        verify.data.ok ? (
          <Alert color="green" variant="light" title="Audit chain intact" role="status">
            {verify.data.sealedEntries} sealed {verify.data.sealedEntries === 1 ? 'entry' : 'entries'} verified; {verify.data.unsealedEntries} recent {verify.data.unsealedEntries === 1 ? 'entry' : 'entries'} not yet sealed.
          </Alert>
        ) : (
          <Alert color="red" variant="light" title="Audit chain broken" role="alert">
            {verify.data.firstBroken
              ? `First broken entry: #${verify.data.firstBroken.id} (chain position ${verify.data.firstBroken.chainPosition}) — ${verify.data.firstBroken.problem}.`
              : 'The chain did not verify.'}{' '}
            Report this to your administrator.
          </Alert>
        )
      ) : null}
    </Stack>
  );
}

export function AuditTrailPage() {
  const [patient, setPatient] = useState<PickedPatient | null>(null);
  const [staffMemberId, setStaffMemberId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [action, setAction] = useState('');
  const [pages, setPages] = useState<number[]>([]);
  const staff = useStaffDirectory();
  const filters: AuditFilters = {
    ...(patient ? { patientId: patient.id } : {}),
    ...(staffMemberId ? { staffMemberId } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(action ? { action } : {}),
  };
  const before = pages[pages.length - 1];
  const events = useAuditEvents(filters, before);
  const resetPaging = () => setPages([]);

  return (
    <Stack maw={1400}>
      <Title order={2}>Audit trail</Title>
      {events.isError && events.error && 'code' in events.error && events.error.code === 'FORBIDDEN_BY_POLICY' ? (
        <ErrorState error={events.error} />
      ) : (
        <>
          <Paper withBorder radius="md" p="md">
            <Grid align="flex-end">
              <Grid.Col span={{ base: 12, md: 3 }}>
                <PatientPicker value={patient} onChange={(picked) => { setPatient(picked); resetPaging(); }} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
                <NativeSelect
                  label="Staff member"
                  value={staffMemberId}
                  onChange={(event) => { setStaffMemberId(event.currentTarget.value); resetPaging(); }}
                  data={[{ value: '', label: 'Anyone' }, ...(staff.data?.staff ?? []).map((member) => ({ value: member.id, label: `${member.displayName} (${member.username})` }))]}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 6, sm: 3, md: 2 }}>
                <TextInput label="From" type="date" value={from} onChange={(event) => { setFrom(event.currentTarget.value); resetPaging(); }} />
              </Grid.Col>
              <Grid.Col span={{ base: 6, sm: 3, md: 2 }}>
                <TextInput label="To" type="date" value={to} onChange={(event) => { setTo(event.currentTarget.value); resetPaging(); }} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6, md: 2 }}>
                <NativeSelect
                  label="Action"
                  value={action}
                  onChange={(event) => { setAction(event.currentTarget.value); resetPaging(); }}
                  data={[{ value: '', label: 'Any' }, ...auditActions.map((value) => ({ value, label: value }))]}
                />
              </Grid.Col>
            </Grid>
          </Paper>
          <VerifyChain />
          <Paper withBorder radius="md" p={0}>
            {events.isPending ? (
              <LoadingState label="Loading audit entries…" />
            ) : events.isError ? (
              <ErrorState error={events.error} onRetry={() => void events.refetch()} />
            ) : events.data.entries.length === 0 ? (
              <EmptyState title="No audit entries match">Widen the dates or clear a filter.</EmptyState>
            ) : (
              <Table.ScrollContainer minWidth={1000}>
                <Table striped verticalSpacing={6} fz="sm" aria-label="Audit entries">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Time</Table.Th>
                      <Table.Th>Who</Table.Th>
                      <Table.Th>Role</Table.Th>
                      <Table.Th>Action</Table.Th>
                      <Table.Th>Outcome</Table.Th>
                      <Table.Th>Record</Table.Th>
                      <Table.Th>Patient</Table.Th>
                      <Table.Th>Client address</Table.Th>
                      <Table.Th>Reason</Table.Th>
                      <Table.Th>Sealed</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {events.data.entries.map((entry) => (
                      <Table.Tr key={entry.id}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.occurredAt)}</Table.Td>
                        <Table.Td>{entry.actorName}{entry.actorKind !== 'staff' ? <Text span c="dimmed" size="xs"> ({entry.actorKind})</Text> : null}</Table.Td>
                        <Table.Td>{entry.actorRoles.map(roleLabel).join(', ')}</Table.Td>
                        <Table.Td>{entry.action}</Table.Td>
                        <Table.Td>
                          <Text span size="sm" fw={600} c={entry.outcome === 'success' ? 'green.8' : 'red.8'}>{entry.outcome}</Text>
                        </Table.Td>
                        <Table.Td>{entry.recordType ?? ''}</Table.Td>
                        <Table.Td>{entry.patientName ?? ''}</Table.Td>
                        <Table.Td ff="monospace">{entry.clientAddress}</Table.Td>
                        <Table.Td>{entry.reason ?? ''}</Table.Td>
                        <Table.Td>{entry.sealed ? 'Yes' : 'No'}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>
          <Group>
            <Button variant="default" disabled={pages.length === 0} onClick={() => setPages((stack) => stack.slice(0, -1))}>Newer entries</Button>
            <Button variant="default" disabled={!events.data?.nextBefore} onClick={() => { const next = events.data?.nextBefore; if (next) setPages((stack) => [...stack, next]); }}>Older entries</Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
