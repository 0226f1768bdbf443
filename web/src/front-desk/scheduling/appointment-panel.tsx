import { Badge, Button, Divider, Drawer, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { cancellationReasons } from '../../../../contracts/front-desk/scheduling.contract.js';
import { formatDate } from '../../platform/format.js';
import { formatSlotIn, formatTimeIn } from '../../platform/location.js';
import { useSession } from '../../platform/session.js';
import { ErrorState } from '../../platform/ui/states.js';
import { CheckInPanel } from '../check-in/check-in-panel.js';
import { statusLabels, statusColors } from '../flow-board/flow-board.queries.js';
import type { VisitStatus } from '../../../../contracts/front-desk/flow.contract.js';
import { AppointmentMarks } from './appointment-chip.js';
import { cancellationReasonLabels, useCancelAppointment, useMarkNoShow, useReschedule, type DayAppointment } from './scheduling.queries.js';

/** Local date and time (from a datetime-local input) in a time zone → an ISO instant with offset. */
function localToInstant(local: string, timeZone: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return null;
  const asUtc = new Date(`${local}:00Z`);
  const zoned = new Date(asUtc.toLocaleString('en-US', { timeZone }));
  const utcView = new Date(asUtc.toLocaleString('en-US', { timeZone: 'UTC' }));
  const offsetMs = zoned.getTime() - utcView.getTime();
  return new Date(asUtc.getTime() - offsetMs).toISOString();
}

/** One appointment: check in, reschedule, cancel with a reason, or mark a no-show. */
export function AppointmentPanel({ appointment, timeZone, onClose }: { appointment: DayAppointment | null; timeZone: string; onClose: () => void }) {
  return (
    <Drawer opened={appointment !== null} onClose={onClose} position="right" size="lg" title={appointment ? `${appointment.patientName} · ${formatTimeIn(appointment.startsAt, timeZone)}` : ''}>
      {appointment ? <PanelBody key={appointment.id} appointment={appointment} timeZone={timeZone} onClose={onClose} /> : null}
    </Drawer>
  );
}

function PanelBody({ appointment, timeZone, onClose }: { appointment: DayAppointment; timeZone: string; onClose: () => void }) {
  const { can } = useSession();
  const reschedule = useReschedule();
  const cancel = useCancelAppointment();
  const noShow = useMarkNoShow();
  const [mode, setMode] = useState<'none' | 'reschedule' | 'cancel'>('none');
  const [newStart, setNewStart] = useState('');
  const [reason, setReason] = useState<(typeof cancellationReasons)[number]>('pat');
  const [note, setNote] = useState('');
  const status = appointment.status as VisitStatus;
  const isScheduled = status === 'scheduled';
  const [hasCheckedIn, setHasCheckedIn] = useState(false);

  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Group gap="xs">
          <Badge color={statusColors[status] ?? 'gray'} variant="light" tt="none">{statusLabels[status] ?? appointment.status}</Badge>
          <AppointmentMarks appointment={appointment} />
        </Group>
        <Text size="sm">DOB {formatDate(appointment.patientDateOfBirth)}</Text>
        <Text size="sm">{formatSlotIn(appointment.startsAt, timeZone)}–{formatTimeIn(appointment.endsAt, timeZone)} with {appointment.providerName}</Text>
        <Text size="sm">{appointment.appointmentTypeName ?? 'Visit'}{appointment.reasonForVisit ? ` · ${appointment.reasonForVisit}` : ''}</Text>
        {appointment.overbookReason ? <Text size="sm" c="orange.8">Overbooked: {appointment.overbookReason}</Text> : null}
        {appointment.telehealthJoinUrl ? <Text size="sm">Join link: {appointment.telehealthJoinUrl}</Text> : null}
      </Stack>

      {(isScheduled || hasCheckedIn) && can('appointment.check-in') ? <CheckInPanel appointment={appointment} timeZone={timeZone} onDone={() => setHasCheckedIn(true)} /> : null}

      {isScheduled && !hasCheckedIn ? (
        <>
          <Divider />
          <Group>
            {can('appointment.book') ? <Button variant="default" onClick={() => setMode('reschedule')}>Reschedule</Button> : null}
            {can('appointment.cancel') ? <Button variant="default" color="red" onClick={() => setMode('cancel')}>Cancel appointment</Button> : null}
            {can('appointment.mark-no-show') ? (
              <Button
                variant="subtle"
                color="red"
                loading={noShow.isPending}
                onClick={() => noShow.mutate({ appointmentId: appointment.id, version: appointment.version }, {
                  onSuccess: () => { notifications.show({ message: `${appointment.patientName} marked as a no-show.` }); onClose(); },
                })}
              >
                No-show
              </Button>
            ) : null}
          </Group>
          {noShow.isError ? <ErrorState error={noShow.error} title="Not marked" /> : null}
        </>
      ) : null}

      {mode === 'reschedule' ? (
        <form onSubmit={(event) => {
          event.preventDefault();
          const startsAt = localToInstant(newStart, timeZone);
          if (!startsAt) return;
          reschedule.mutate({ appointmentId: appointment.id, startsAt, version: appointment.version }, {
            onSuccess: () => { notifications.show({ message: 'Appointment moved.' }); onClose(); },
          });
        }}>
          <Stack gap="xs">
            <TextInput type="datetime-local" label="New start" value={newStart} onChange={(event) => setNewStart(event.currentTarget.value)} required />
            {reschedule.isError ? <ErrorState error={reschedule.error} title="Not moved" /> : null}
            <Group justify="flex-end"><Button type="submit" loading={reschedule.isPending}>Move appointment</Button></Group>
          </Stack>
        </form>
      ) : null}

      {mode === 'cancel' ? (
        <form onSubmit={(event) => {
          event.preventDefault();
          cancel.mutate({ appointmentId: appointment.id, reason, note, version: appointment.version }, {
            onSuccess: () => { notifications.show({ message: 'Appointment cancelled.' }); onClose(); },
          });
        }}>
          <Stack gap="xs">
            <NativeSelect
              label="Cancellation reason"
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value as (typeof cancellationReasons)[number])}
              data={cancellationReasons.filter((code) => cancellationReasonLabels[code]).map((code) => ({ value: code, label: cancellationReasonLabels[code] ?? code }))}
            />
            <TextInput label="Note" value={note} onChange={(event) => setNote(event.currentTarget.value)} />
            {cancel.isError ? <ErrorState error={cancel.error} title="Not cancelled" /> : null}
            <Group justify="flex-end"><Button type="submit" color="red" loading={cancel.isPending}>Confirm cancellation</Button></Group>
          </Stack>
        </form>
      ) : null}
    </Stack>
  );
}
