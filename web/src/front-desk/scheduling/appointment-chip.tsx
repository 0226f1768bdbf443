import { Badge, Group, Text, UnstyledButton } from '@mantine/core';
import type { VisitStatus } from '../../../../contracts/front-desk/flow.contract.js';
import { formatDate } from '../../platform/format.js';
import { formatTimeIn } from '../../platform/location.js';
import { statusColors, statusLabels } from '../flow-board/flow-board.queries.js';
import type { DayAppointment } from './scheduling.queries.js';

export function AppointmentMarks({ appointment }: { appointment: DayAppointment }) {
  return (
    <>
      {appointment.isOverbook ? <Badge size="xs" color="orange" variant="filled" title={appointment.overbookReason ?? undefined}>Overbook</Badge> : null}
      {appointment.isOutsideTemplate ? <Badge size="xs" color="gray" variant="outline">Outside template</Badge> : null}
      {appointment.isWalkIn ? <Badge size="xs" color="grape" variant="outline">Walk-in</Badge> : null}
      {appointment.telehealthJoinUrl ? <Badge size="xs" color="indigo" variant="light">Telehealth</Badge> : null}
    </>
  );
}

/** One appointment on the day schedule: time, patient name and DOB, type colour, status and marks. */
export function AppointmentChip({ appointment, timeZone, onOpen }: { appointment: DayAppointment; timeZone: string; onOpen: () => void }) {
  const status = appointment.status as VisitStatus;
  const isGone = ['cancelled', 'no-show', 'entered-in-error'].includes(status);
  return (
    <UnstyledButton
      onClick={onOpen}
      aria-label={`${formatTimeIn(appointment.startsAt, timeZone)} ${appointment.patientName}, ${statusLabels[status] ?? appointment.status}`}
      data-appointment-id={appointment.id}
      p="xs"
      w="100%"
      style={{
        borderLeft: `5px solid ${appointment.color ?? 'var(--mantine-color-gray-5)'}`,
        borderRadius: 6,
        background: isGone ? 'var(--mantine-color-gray-1)' : 'var(--mantine-color-body)',
        boxShadow: '0 0 0 1px var(--mantine-color-gray-3)',
        opacity: isGone ? 0.65 : 1,
      }}
    >
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="xs" fw={700}>{formatTimeIn(appointment.startsAt, timeZone)}</Text>
        <Badge size="xs" color={statusColors[status] ?? 'gray'} variant="light" tt="none">{statusLabels[status] ?? appointment.status}</Badge>
      </Group>
      <Text size="sm" fw={600} td={isGone ? 'line-through' : undefined} lineClamp={1}>{appointment.patientName}</Text>
      <Text size="xs" c="dimmed" lineClamp={1}>DOB {formatDate(appointment.patientDateOfBirth)} · {appointment.appointmentTypeName ?? 'Visit'}</Text>
      <Group gap={4} mt={2}><AppointmentMarks appointment={appointment} /></Group>
    </UnstyledButton>
  );
}
