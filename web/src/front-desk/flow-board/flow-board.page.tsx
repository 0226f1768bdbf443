import { Badge, Button, Group, Menu, NativeSelect, Paper, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { FlowBoard, FlowBoardRow, VisitStatus } from '../../../../contracts/front-desk/flow.contract.js';
import { formatDate } from '../../platform/format.js';
import { useLiveTopics } from '../../platform/live.js';
import { formatTimeIn, minutesSince, todayIn, useCurrentLocation } from '../../platform/location.js';
import { useSignedInSession } from '../../platform/session.js';
import { LiveIndicator } from '../../platform/ui/live-indicator.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { CheckoutDialog } from './checkout-dialog.js';
import { statusColors, statusLabels, useChangeVisitStatus, useFlowBoard, useRoomGrid, type ExamRoom } from './flow-board.queries.js';

const flagLabels: Record<FlowBoardRow['flags'][number], { label: string; color: string }> = {
  'interpreter-needed': { label: 'Interpreter', color: 'indigo' },
  'allergy-alert': { label: 'Allergy', color: 'red' },
  'abnormal-vitals': { label: 'Abnormal vitals', color: 'orange' },
};

/** The one forward step each status offers as its main button; other allowed moves go under "More". */
const forwardStep: Partial<Record<VisitStatus, VisitStatus>> = {
  roomed: 'ready-for-provider',
  'ready-for-provider': 'with-provider',
  'with-provider': 'checkout',
};

const mainStepLabels: Partial<Record<VisitStatus, string>> = {
  'ready-for-provider': 'Ready for provider',
  'with-provider': 'With provider',
  checkout: 'To checkout',
};

/** Statuses with no clock running: not yet here, or the visit is over. */
const untimedStatuses: readonly VisitStatus[] = ['scheduled', 'done', 'no-show', 'cancelled', 'left-without-being-seen', 'entered-in-error'];

function urgencyOf(minutes: number, thresholds: FlowBoard['thresholds'], status: VisitStatus): 'normal' | 'amber' | 'red' {
  if (untimedStatuses.includes(status)) return 'normal';
  if (minutes >= thresholds.redMinutes) return 'red';
  if (minutes >= thresholds.amberMinutes) return 'amber';
  return 'normal';
}

export function FlowBoardPage() {
  const { location, locations, setLocationId, isPending: locationPending, error: locationError } = useCurrentLocation();
  const [params, setParams] = useSearchParams();
  const isLarge = params.get('large') === '1';
  const timeZone = location?.timeZone ?? 'UTC';
  const date = params.get('date') ?? todayIn(timeZone);
  const board = useFlowBoard(location?.id, date);
  const rooms = useRoomGrid(location?.id);
  const live = useLiveTopics(location ? [`flow-board:${location.id}`, `rooms:${location.id}`] : []);
  const [now, setNow] = useState(Date.now());
  const ticker = useInterval(() => setNow(Date.now()), 30_000);
  useEffect(() => {
    ticker.start();
    return ticker.stop;
  }, [ticker]);
  const [checkoutRow, setCheckoutRow] = useState<FlowBoardRow | null>(null);

  if (locationPending) return <LoadingState label="Opening the flow board…" />;
  if (locationError) return <ErrorState error={locationError} />;
  if (!location) return <EmptyState title="No clinic location">Ask an administrator to add a location.</EmptyState>;

  const setLarge = (value: boolean) => setParams((current) => {
    const next = new URLSearchParams(current);
    if (value) next.set('large', '1');
    else next.delete('large');
    return next;
  }, { replace: true });

  const active = board.data?.rows ?? [];
  const readyRooms = (rooms.data?.rooms ?? []).filter((room) => room.state === 'ready');

  return (
    <Stack maw={isLarge ? undefined : 1400} className={isLarge ? 'flow-board-large' : undefined}>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={2}>
          <Title order={2}>Flow board</Title>
          <Text c="dimmed">{location.name} · {formatDate(date)}</Text>
        </Stack>
        <Group gap="md" align="center">
          {locations.length > 1 ? (
            <NativeSelect aria-label="Location" data={locations.map((item) => ({ value: item.id, label: item.name }))} value={location.id} onChange={(event) => setLocationId(event.currentTarget.value)} />
          ) : null}
          <Switch label="Large type" checked={isLarge} onChange={(event) => setLarge(event.currentTarget.checked)} />
          <LiveIndicator connection={live} />
        </Group>
      </Group>
      <Paper withBorder radius="md" p={0}>
        {board.isPending ? (
          <LoadingState label="Loading the day’s patients…" />
        ) : board.isError ? (
          <ErrorState error={board.error} onRetry={() => void board.refetch()} />
        ) : active.length === 0 ? (
          <EmptyState title="No patients today">Booked visits and walk-ins appear here as the day goes on.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing={isLarge ? 'md' : 'xs'} fz={isLarge ? 'xl' : 'sm'} aria-label="Patients today" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>In status</Table.Th>
                  <Table.Th>Room</Table.Th>
                  <Table.Th>MA</Table.Th>
                  <Table.Th>Provider</Table.Th>
                  <Table.Th className="no-print">Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {active.map((row) => (
                  <FlowRow
                    key={row.appointmentId}
                    row={row}
                    now={now}
                    thresholds={board.data.thresholds}
                    timeZone={timeZone}
                    locationId={location.id}
                    readyRooms={readyRooms}
                    isLarge={isLarge}
                    onCheckout={() => setCheckoutRow(row)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <Text size="sm" c="dimmed">
        Time in status turns amber after {board.data?.thresholds.amberMinutes ?? 15} minutes and red after {board.data?.thresholds.redMinutes ?? 30}.
      </Text>
      <CheckoutDialog row={checkoutRow} locationId={location.id} timeZone={timeZone} onClose={() => setCheckoutRow(null)} />
    </Stack>
  );
}

function FlowRow({ row, now, thresholds, timeZone, locationId, readyRooms, isLarge, onCheckout }: {
  row: FlowBoardRow;
  now: number;
  thresholds: FlowBoard['thresholds'];
  timeZone: string;
  locationId: string;
  readyRooms: ExamRoom[];
  isLarge: boolean;
  onCheckout: () => void;
}) {
  const change = useChangeVisitStatus(locationId);
  const session = useSignedInSession();
  /** The moves this signed-in person may make, as the server's state machine decides them. */
  const allowedNext = row.allowedNextForYou;
  const minutes = minutesSince(row.statusChangedAt, now);
  const urgency = urgencyOf(minutes, thresholds, row.status);
  const size = isLarge ? 'md' : 'xs';

  const move = (to: VisitStatus, roomId?: string) => {
    change.mutate(
      { appointmentId: row.appointmentId, to, version: row.version, ...(roomId ? { roomId } : {}) },
      { onError: (error) => notifications.show({ color: 'red', title: `${row.patient.name}: not changed`, message: error.message }) },
    );
  };

  const forward = forwardStep[row.status];
  const mainSteps = forward && allowedNext.includes(forward) ? [forward] : [];
  const otherSteps = allowedNext.filter((status) => status !== 'roomed' && status !== 'done' && status !== 'arrived' && !mainSteps.includes(status));
  const canRoom = allowedNext.includes('roomed') && row.status === 'arrived';
  const canCheckIn = row.status === 'scheduled' && session.allowedActions.includes('appointment.check-in');
  const canOpenRooming = (row.status === 'roomed' || row.status === 'ready-for-provider' || row.status === 'with-provider') && session.allowedActions.includes('vitals.record');
  const hasCriticalAlert = row.hasCriticalAlert;

  return (
    <Table.Tr data-appointment-id={row.appointmentId} data-status={row.status} data-critical={hasCriticalAlert || undefined}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTimeIn(row.startsAt, timeZone)}</Table.Td>
      <Table.Td>
        <Text fw={600} inherit>{row.patient.name}</Text>
        <Text c="dimmed" size={isLarge ? 'md' : 'xs'}>DOB {formatDate(row.patient.dateOfBirth)}{row.appointmentTypeName ? ` · ${row.appointmentTypeName}` : ''}</Text>
        {row.isWalkIn || row.flags.length > 0 || row.isSuggestedNoShow || hasCriticalAlert ? (
        <Group gap={4} mt={2}>
          {hasCriticalAlert ? <Badge size={isLarge ? 'lg' : 'sm'} color="red" variant="filled" data-testid="critical-flag" leftSection={<span aria-hidden="true">!!</span>} styles={{ root: { maxWidth: 'none' }, label: { overflow: 'visible' } }}>Critical vital</Badge> : null}
          {row.isWalkIn ? <Badge size={isLarge ? 'lg' : 'sm'} variant="outline" color="grape">Walk-in</Badge> : null}
          {row.flags.map((flag) => (
            <Badge key={flag} size={isLarge ? 'lg' : 'sm'} color={flagLabels[flag].color} variant="light" styles={{ root: { maxWidth: 'none' }, label: { overflow: 'visible' } }}>
              {flag === 'interpreter-needed' && row.interpreterLanguage ? `Interpreter (${row.interpreterLanguage})` : flagLabels[flag].label}
            </Badge>
          ))}
          {row.isSuggestedNoShow ? <Badge size={isLarge ? 'lg' : 'sm'} color="red" variant="outline" styles={{ root: { maxWidth: 'none' }, label: { overflow: 'visible' } }}>Not arrived</Badge> : null}
        </Group>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Badge color={statusColors[row.status]} variant="light" size={isLarge ? 'xl' : 'md'} tt="none" style={{ overflow: 'visible' }} styles={{ label: { overflow: 'visible' } }} data-testid="visit-status">{statusLabels[row.status]}</Badge>
      </Table.Td>
      <Table.Td>
        <Text
          inherit
          fw={urgency === 'normal' ? 400 : 700}
          c={urgency === 'red' ? 'red.8' : urgency === 'amber' ? 'yellow.9' : undefined}
          bg={urgency === 'red' ? 'red.0' : urgency === 'amber' ? 'yellow.0' : undefined}
          px={4}
          style={{ borderRadius: 4, display: 'inline-block' }}
          aria-label={`${minutes} minutes in ${statusLabels[row.status].toLowerCase()}${urgency === 'normal' ? '' : `, ${urgency}`}`}
        >
          {untimedStatuses.includes(row.status) ? '—' : `${minutes} min`}
        </Text>
      </Table.Td>
      <Table.Td>{row.room?.name ?? '—'}</Table.Td>
      <Table.Td>{row.medicalAssistant?.name ?? '—'}</Table.Td>
      <Table.Td>{row.provider.name}</Table.Td>
      <Table.Td className="no-print">
        <Group gap={6} wrap="nowrap">
          {canRoom ? (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button size={size} loading={change.isPending}>Room</Button>
              </Menu.Target>
              <Menu.Dropdown aria-label={`Choose a room for ${row.patient.name}`}>
                <Menu.Label>Ready rooms</Menu.Label>
                {readyRooms.length === 0 ? <Menu.Item disabled>No room is ready</Menu.Item> : null}
                {readyRooms.map((room) => (
                  <Menu.Item key={room.id} onClick={() => move('roomed', room.id)}>{room.name}</Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          ) : null}
          {canOpenRooming ? <Button size={size} variant="default" component={Link} to={`/visits/${row.appointmentId}/rooming`}>Rooming</Button> : null}
          {mainSteps.map((status) => (
            <Button key={status} size={size} variant="light" loading={change.isPending} onClick={() => move(status)}>{mainStepLabels[status]}</Button>
          ))}
          {canCheckIn ? <Button size={size} variant="light" component={Link} to={`/schedule?date=${row.startsAt ? todayIn(timeZone, new Date(row.startsAt)) : ''}&open=${row.appointmentId}`}>Check in</Button> : null}
          {row.status === 'checkout' && allowedNext.includes('done') ? (
            <Button size={size} onClick={onCheckout}>Check out</Button>
          ) : null}
          {otherSteps.length > 0 ? (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button size={size} variant="subtle" color="gray" aria-label={`More actions for ${row.patient.name}`}>More</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {otherSteps.map((status) => (
                  <Menu.Item key={status} onClick={() => move(status)}>
                    {status === row.status ? statusLabels[status] : `Move to ${statusLabels[status].toLowerCase()}`}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          ) : null}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
