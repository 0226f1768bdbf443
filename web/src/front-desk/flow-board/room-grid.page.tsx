import { Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { RoomState } from '../../../../contracts/front-desk/flow.contract.js';
import { useLiveTopics } from '../../platform/live.js';
import { useCurrentLocation } from '../../platform/location.js';
import { useSession } from '../../platform/session.js';
import { LiveIndicator } from '../../platform/ui/live-indicator.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { statusLabels, useMarkRoomCleaned, useRoomGrid, type ExamRoom } from './flow-board.queries.js';

const roomLook: Record<RoomState, { label: string; color: string; background: string; border: string }> = {
  ready: { label: 'Ready', color: 'green', background: 'var(--mantine-color-green-0)', border: 'var(--mantine-color-green-6)' },
  occupied: { label: 'Occupied', color: 'blue', background: 'var(--mantine-color-blue-0)', border: 'var(--mantine-color-blue-6)' },
  'needs-cleaning': { label: 'Needs cleaning', color: 'yellow', background: 'var(--mantine-color-yellow-0)', border: 'var(--mantine-color-yellow-6)' },
  'out-of-service': { label: 'Out of service', color: 'gray', background: 'var(--mantine-color-gray-1)', border: 'var(--mantine-color-gray-5)' },
};

/** Every exam room at a glance: ready (green), occupied (who, by initials), needs cleaning (amber). */
export function RoomGridPage() {
  const { location, isPending, error } = useCurrentLocation();
  const rooms = useRoomGrid(location?.id);
  const live = useLiveTopics(location ? [`rooms:${location.id}`, `flow-board:${location.id}`] : []);

  if (isPending) return <LoadingState label="Opening the room grid…" />;
  if (error) return <ErrorState error={error} />;
  if (!location) return <EmptyState title="No clinic location">Ask an administrator to add a location.</EmptyState>;

  return (
    <Stack maw={1200}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Exam rooms</Title>
          <Text c="dimmed">{location.name}</Text>
        </Stack>
        <LiveIndicator connection={live} />
      </Group>
      {rooms.isPending ? (
        <LoadingState label="Loading rooms…" />
      ) : rooms.isError ? (
        <ErrorState error={rooms.error} onRetry={() => void rooms.refetch()} />
      ) : rooms.data.rooms.length === 0 ? (
        <EmptyState title="No exam rooms">Rooms are set up by an administrator.</EmptyState>
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} spacing="md" role="list" aria-label="Exam rooms">
          {rooms.data.rooms.map((room) => <RoomCard key={room.id} room={room} locationId={location.id} />)}
        </SimpleGrid>
      )}
    </Stack>
  );
}

function RoomCard({ room, locationId }: { room: ExamRoom; locationId: string }) {
  const { can } = useSession();
  const markCleaned = useMarkRoomCleaned(locationId);
  const look = roomLook[room.state];
  return (
    <Paper
      role="listitem"
      aria-label={`${room.name}: ${look.label}`}
      data-room-state={room.state}
      withBorder
      radius="md"
      p="md"
      style={{ background: look.background, borderColor: look.border, borderWidth: 2, minHeight: 150 }}
    >
      <Stack gap="xs" h="100%" justify="space-between">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={700} size="xl">{room.name}</Text>
          <Badge color={look.color} variant="filled" tt="none" data-testid="room-state">{look.label}</Badge>
        </Group>
        {room.occupant ? (
          <Stack gap={0}>
            <Text size="xl" fw={700} aria-label={`Patient initials ${room.occupant.initials}`}>{room.occupant.initials}</Text>
            <Text size="sm" c="dimmed">{statusLabels[room.occupant.status]} · {room.minutesInState} min</Text>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">{room.state === 'ready' ? 'Free' : `${room.minutesInState} min`}</Text>
        )}
        {room.state === 'needs-cleaning' && can('room.mark-cleaned') ? (
          <Button
            size="sm"
            color="yellow.8"
            loading={markCleaned.isPending}
            onClick={() => markCleaned.mutate(
              { roomId: room.id },
              { onError: (failure) => notifications.show({ color: 'red', title: `${room.name} not changed`, message: failure.message }) },
            )}
          >
            Mark cleaned
          </Button>
        ) : null}
      </Stack>
    </Paper>
  );
}
