import { Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { formatDate } from '../../platform/format.js';
import { useLiveTopics } from '../../platform/live.js';
import { todayIn, useCurrentLocation } from '../../platform/location.js';
import { useSession } from '../../platform/session.js';
import { LiveIndicator } from '../../platform/ui/live-indicator.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { AppointmentChip } from './appointment-chip.js';
import { AppointmentPanel } from './appointment-panel.js';
import { useDaySchedule } from './scheduling.queries.js';

function shiftDate(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The day schedule of one location, by provider or by room. */
export function SchedulePage() {
  const { can } = useSession();
  const { location, isPending, error } = useCurrentLocation();
  const [params, setParams] = useSearchParams();
  const timeZone = location?.timeZone ?? 'UTC';
  const today = todayIn(timeZone);
  const date = params.get('date') ?? today;
  const view = params.get('view') === 'room' ? 'room' : 'provider';
  const schedule = useDaySchedule(location?.id, date);
  const live = useLiveTopics(location ? [`schedule:${location.id}`, `flow-board:${location.id}`] : []);
  const [openId, setOpenId] = useState<string | null>(params.get('open'));

  const setParam = (key: string, value: string | null) => setParams((current) => {
    const next = new URLSearchParams(current);
    if (value === null) next.delete(key);
    else next.set(key, value);
    return next;
  }, { replace: true });

  if (isPending) return <LoadingState label="Opening the schedule…" />;
  if (error) return <ErrorState error={error} />;
  if (!location) return <EmptyState title="No clinic location">Ask an administrator to add a location.</EmptyState>;

  const columns = schedule.data
    ? view === 'provider'
      ? schedule.data.byProvider.map((column) => ({ key: column.providerId, title: column.providerName, appointments: column.appointments }))
      // Visits not yet in a room come first: that is where the front desk looks.
      : [...schedule.data.byRoom]
        .sort((a, b) => Number(a.roomId !== null) - Number(b.roomId !== null))
        .map((column) => ({ key: column.roomId ?? 'none', title: column.roomName, appointments: column.appointments }))
    : [];
  // By room, rooms with nothing booked are listed in one line instead of as empty columns.
  const emptyRooms = view === 'room' ? columns.filter((column) => column.key !== 'none' && column.appointments.length === 0) : [];
  const shownColumns = view === 'room' ? columns.filter((column) => !emptyRooms.includes(column)) : columns;
  const all = columns.flatMap((column) => column.appointments);
  const open = all.find((appointment) => appointment.id === openId) ?? null;
  const count = schedule.data ? new Set(schedule.data.byProvider.flatMap((column) => column.appointments.map((appointment) => appointment.id))).size : 0;

  return (
    <Stack maw={1600}>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={2}>
          <Title order={2}>Schedule</Title>
          <Text c="dimmed">{location.name} · {formatDate(date)}{date === today ? ' (today)' : ''} · {count} {count === 1 ? 'appointment' : 'appointments'}</Text>
        </Stack>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Button variant="default" onClick={() => setParam('date', shiftDate(date, -1))} aria-label="Previous day">‹</Button>
          <TextInput type="date" label="Date" value={date} onChange={(event) => setParam('date', event.currentTarget.value || null)} />
          <Button variant="default" onClick={() => setParam('date', shiftDate(date, 1))} aria-label="Next day">›</Button>
          <Button variant="subtle" onClick={() => setParam('date', null)} disabled={date === today}>Today</Button>
          <SegmentedControl
            aria-label="Arrange by"
            data={[{ value: 'provider', label: 'By provider' }, { value: 'room', label: 'By room' }]}
            value={view}
            onChange={(value) => setParam('view', value === 'room' ? 'room' : null)}
          />
          {can('appointment.book') ? <Button component={Link} to="/schedule/find-slot">Book appointment</Button> : null}
          <LiveIndicator connection={live} />
        </Group>
      </Group>
      {schedule.isPending ? (
        <LoadingState label="Loading the day…" />
      ) : schedule.isError ? (
        <ErrorState error={schedule.error} onRetry={() => void schedule.refetch()} />
      ) : columns.length === 0 ? (
        <EmptyState title="Nothing scheduled">No provider works at {location.name} on {formatDate(date)}.</EmptyState>
      ) : (
        <Group align="flex-start" wrap="wrap" gap="sm" aria-busy={schedule.isFetching}>
          {emptyRooms.length > 0 ? (
            <Text size="sm" c="dimmed" w="100%">Nothing booked in {emptyRooms.map((column) => column.title).join(', ')}.</Text>
          ) : null}
          {shownColumns.map((column) => (
            <Paper key={column.key} withBorder radius="md" p="xs" w={240} role="region" aria-label={column.title} bg="gray.0">
              <Text fw={700} mb="xs">{column.title}</Text>
              <Stack gap={6}>
                {column.appointments.length === 0 ? <Text size="sm" c="dimmed">No appointments</Text> : null}
                {[...column.appointments].sort((a, b) => a.startsAt.localeCompare(b.startsAt)).map((appointment) => (
                  <AppointmentChip key={appointment.id} appointment={appointment} timeZone={timeZone} onOpen={() => setOpenId(appointment.id)} />
                ))}
              </Stack>
            </Paper>
          ))}
        </Group>
      )}
      <AppointmentPanel appointment={open} timeZone={timeZone} onClose={() => { setOpenId(null); setParam('open', null); }} />
    </Stack>
  );
}
