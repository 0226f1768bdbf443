import { Badge, Group, NativeSelect, Paper, Spoiler, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { PatientMessage } from '../../../../contracts/front-desk/reminders.contract.js';
import { patientMessageStatuses } from '../../../../contracts/front-desk/reminders.contract.js';
import { api } from '../../platform/api.js';
import { useCurrentLocation } from '../../platform/location.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';

const statusColors: Record<PatientMessage['status'], string> = { scheduled: 'blue', sent: 'green', failed: 'red', cancelled: 'gray', 'skipped-no-consent': 'yellow' };
const statusLabels: Record<PatientMessage['status'], string> = { scheduled: 'Scheduled', sent: 'Sent', failed: 'Failed', cancelled: 'Cancelled', 'skipped-no-consent': 'Skipped (no consent)' };

/** "02/24/2027, 8:00 AM" in the clinic's time zone. */
function formatClinicTime(isoDateTime: string, timeZone: string): string {
  return new Date(isoDateTime).toLocaleString('en-US', { timeZone, month: '2-digit', day: '2-digit', year: 'numeric', hour: 'numeric', minute: '2-digit' });
}

function useOutbox(filters: { status: string; date: string }) {
  return useQuery({
    queryKey: ['reminders', 'outbox', filters],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ limit: '200' });
      if (filters.status) params.set('status', filters.status);
      if (filters.date) params.set('date', filters.date);
      return api.get<{ messages: PatientMessage[] }>(`/api/reminders/outbox?${params.toString()}`, { signal });
    },
    refetchInterval: 30_000,
  });
}

/** The patient-message outbox: reminders as generated, and where each went (SMTP or the local dev sink). */
export function RemindersOutboxPage() {
  const [status, setStatus] = useState('');
  const [date, setDate] = useState('');
  const outbox = useOutbox({ status, date });
  const timeZone = useCurrentLocation().location?.timeZone ?? 'UTC';
  const messages = outbox.data?.messages ?? [];
  return (
    <Stack maw={1300}>
      <Title order={2}>Reminders outbox</Title>
      <Text c="dimmed">Appointment reminders as the clinic sends them. Without an SMTP server they are kept here (the dev sink) instead of being delivered.</Text>
      <Group align="flex-end">
        <NativeSelect label="Status" value={status} onChange={(event) => setStatus(event.currentTarget.value)} data={[{ value: '', label: 'Any status' }, ...patientMessageStatuses.map((value) => ({ value, label: statusLabels[value] }))]} />
        <TextInput type="date" label="Scheduled on" value={date} onChange={(event) => setDate(event.currentTarget.value)} />
      </Group>
      <Paper withBorder radius="md" p={0}>
        {outbox.isPending ? (
          <LoadingState label="Loading messages…" />
        ) : outbox.isError ? (
          <ErrorState error={outbox.error} onRetry={() => void outbox.refetch()} />
        ) : messages.length === 0 ? (
          <EmptyState title="No messages">Reminders appear here when appointments are booked for patients who agreed to texts or email.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table aria-label="Patient messages" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Scheduled for</Table.Th>
                  <Table.Th>Channel</Table.Th>
                  <Table.Th>To</Table.Th>
                  <Table.Th>Message</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Sent</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {messages.map((message) => (
                  <Table.Tr key={message.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatClinicTime(message.scheduledFor, timeZone)}</Table.Td>
                    <Table.Td><Badge size="sm" variant="light">{message.channel === 'sms' ? 'Text' : 'Email'} · {message.language.toUpperCase()}</Badge></Table.Td>
                    <Table.Td>{message.recipient ?? '—'}</Table.Td>
                    <Table.Td maw={420}>
                      {message.subject ? <Text size="sm" fw={600}>{message.subject}</Text> : null}
                      {!message.subject && !message.body ? <Text size="sm" c="dimmed">Not written (not sent)</Text> : null}
                      <Spoiler maxHeight={40} showLabel="More" hideLabel="Less"><Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{message.body}</Text></Spoiler>
                    </Table.Td>
                    <Table.Td>
                      <Badge size="sm" color={statusColors[message.status]} tt="none">{statusLabels[message.status]}</Badge>
                      {message.error ? <Text size="xs" c="red.8">{message.error}</Text> : null}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{message.sentAt ? `${formatClinicTime(message.sentAt, timeZone)}${message.transport ? ` (${message.transport})` : ''}` : '—'}</Table.Td>
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
