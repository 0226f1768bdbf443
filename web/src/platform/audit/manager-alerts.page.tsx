import { Button, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { formatDateTime } from '../format.js';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.js';
import { useAcknowledgeAlert, useManagerAlerts } from './audit.queries.js';

const kindLabels: Record<string, string> = { 'break-the-glass': 'Restricted chart opened' };

export function ManagerAlertsPage() {
  const alerts = useManagerAlerts();
  const acknowledge = useAcknowledgeAlert();
  return (
    <Stack maw={1100}>
      <Title order={2}>Manager alerts</Title>
      {acknowledge.isError ? <ErrorState error={acknowledge.error} title="The alert was not acknowledged" /> : null}
      <Paper withBorder radius="md" p={0}>
        {alerts.isPending ? (
          <LoadingState />
        ) : alerts.isError ? (
          <ErrorState error={alerts.error} onRetry={() => void alerts.refetch()} />
        ) : alerts.data.alerts.length === 0 ? (
          <EmptyState title="No alerts">Break-the-glass access and other events that need a manager’s review appear here.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" aria-label="Manager alerts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Alert</Table.Th>
                  <Table.Th>Details</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {alerts.data.alerts.map((alert) => (
                  <Table.Tr key={alert.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(alert.createdAt)}</Table.Td>
                    <Table.Td><Text size="sm" fw={600} c="grape.8">{kindLabels[alert.kind] ?? alert.kind}</Text></Table.Td>
                    <Table.Td>
                      <Text size="sm">{alert.message}</Text>
                    </Table.Td>
                    <Table.Td>
                      {alert.acknowledgedAt ? (
                        <Text size="sm" c="dimmed">Acknowledged {formatDateTime(alert.acknowledgedAt)}</Text>
                      ) : (
                        <Button size="xs" onClick={() => acknowledge.mutate(alert.id)} loading={acknowledge.isPending && acknowledge.variables === alert.id}>Acknowledge</Button>
                      )}
                    </Table.Td>
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
