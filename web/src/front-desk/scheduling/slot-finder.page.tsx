import { Alert, Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isApiError } from '../../platform/api.js';
import { formatDate as formatDateOnly } from '../../platform/format.js';
import { formatSlotIn, formatTimeIn, todayIn, useCurrentLocation } from '../../platform/location.js';
import { PatientPicker, type PickedPatient } from '../../platform/ui/patient-picker.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { useAddToWaitlist, useAppointmentTypes, useBookAppointment, useOpenSlots, useProviders, useWalkIn, type OpenSlot } from './scheduling.queries.js';

/** Start of a local date in a time zone, as an ISO instant (for "after this date"). */
function startOfLocalDate(isoDate: string, timeZone: string): string {
  const guess = new Date(`${isoDate}T00:00:00Z`);
  const inZone = new Date(guess.toLocaleString('en-US', { timeZone }));
  const inUtc = new Date(guess.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(guess.getTime() - (inZone.getTime() - inUtc.getTime())).toISOString();
}

/** Finds the next open slots for a patient and books one; walk-ins start now. */
export function SlotFinderPage() {
  const { location, isPending, error } = useCurrentLocation();
  const types = useAppointmentTypes();
  const providers = useProviders();
  const [patient, setPatient] = useState<PickedPatient | null>(null);
  const [typeId, setTypeId] = useState('');
  const [providerId, setProviderId] = useState('');
  const [after, setAfter] = useState('');
  const [reason, setReason] = useState('');
  const book = useBookAppointment();
  const walkIn = useWalkIn();
  const waitlist = useAddToWaitlist();
  const navigate = useNavigate();
  const [booked, setBooked] = useState<{ id: string; startsAt: string; providerName: string } | null>(null);

  if (isPending) return <LoadingState label="Opening the slot finder…" />;
  if (error) return <ErrorState error={error} />;
  if (!location) return <EmptyState title="No clinic location">Ask an administrator to add a location.</EmptyState>;
  const timeZone = location.timeZone;
  const today = todayIn(timeZone);
  const chosenType = types.data?.find((type) => type.id === typeId);
  const afterDate = after && after > today ? after : null;

  const query = typeId
    ? {
      locationId: location.id, appointmentTypeId: typeId, ...(providerId ? { providerId } : {}), ...(patient ? { patientId: patient.id } : {}),
      ...(afterDate ? { after: startOfLocalDate(afterDate, timeZone) } : {}), limit: 12,
    }
    : null;

  return (
    <Stack maw={1000}>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Find a slot</Title>
        <Button component={Link} to="/schedule" variant="subtle">Back to schedule</Button>
      </Group>
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <PatientPicker value={patient} onChange={(value) => { setPatient(value); setBooked(null); }} />
          <Group grow align="flex-start" wrap="wrap">
            <NativeSelect
              label="Appointment type"
              value={typeId}
              onChange={(event) => { setTypeId(event.currentTarget.value); setBooked(null); }}
              data={[{ value: '', label: types.isPending ? 'Loading…' : 'Choose a type' }, ...(types.data ?? []).map((type) => ({ value: type.id, label: `${type.name} (${type.durationMinutes} min)` }))]}
              error={types.isError ? types.error.message : undefined}
            />
            <NativeSelect
              label="Provider"
              value={providerId}
              onChange={(event) => setProviderId(event.currentTarget.value)}
              data={[{ value: '', label: 'Any provider' }, ...(providers.data ?? []).map((provider) => ({ value: provider.id, label: `${provider.displayName}${provider.credentials ? `, ${provider.credentials}` : ''}` }))]}
            />
            <TextInput type="date" label="After" value={after} min={today} onChange={(event) => setAfter(event.currentTarget.value)} />
          </Group>
          <TextInput label="Reason for visit" value={reason} onChange={(event) => setReason(event.currentTarget.value)} maxLength={500} />
          <Group>
            <Button
              variant="light"
              color="grape"
              disabled={!patient || !typeId || !(providerId || providers.data?.[0])}
              loading={walkIn.isPending}
              onClick={() => {
                const provider = providerId || providers.data?.[0]?.id;
                if (!patient || !typeId || !provider) return;
                walkIn.mutate({ patientId: patient.id, providerId: provider, locationId: location.id, appointmentTypeId: typeId, reasonForVisit: reason }, {
                  onSuccess: (appointment) => void navigate(`/schedule?open=${appointment.id}`),
                });
              }}
            >
              Walk-in now
            </Button>
            <Text size="sm" c="dimmed">A walk-in starts now with the chosen provider (or the first provider) and needs no slot.</Text>
          </Group>
          {walkIn.isError ? <ErrorState error={walkIn.error} title="Walk-in not added" /> : null}
          <Group>
            <Button
              variant="default"
              disabled={!patient || !typeId}
              loading={waitlist.isPending}
              onClick={() => {
                if (!patient || !typeId) return;
                const earliestDate = afterDate ?? today;
                const latest = new Date(`${earliestDate}T12:00:00Z`);
                latest.setUTCDate(latest.getUTCDate() + 30);
                waitlist.mutate({ locationId: location.id, patientId: patient.id, appointmentTypeId: typeId, providerId: providerId || null, earliestDate, latestDate: latest.toISOString().slice(0, 10), notes: reason });
              }}
            >
              Add to waitlist
            </Button>
            <Text size="sm" c="dimmed">For an earlier slot: the first opening in the next 30 days is offered to the patient.</Text>
          </Group>
          {waitlist.isSuccess ? <Alert color="teal" variant="light" role="status">On the waitlist until {formatDateOnly(waitlist.data.latestDate)}.</Alert> : null}
          {waitlist.isError ? <ErrorState error={waitlist.error} title="Not added to the waitlist" /> : null}
        </Stack>
      </Paper>

      {booked ? (
        <Alert color="green" variant="light" role="status" title="Booked">
          <Stack gap="xs">
            <Text>{patient?.name} · {formatSlotIn(booked.startsAt, timeZone)} with {booked.providerName}.</Text>
            <Group>
              <Button size="xs" onClick={() => void navigate(`/schedule?date=${todayIn(timeZone, new Date(booked.startsAt))}&open=${booked.id}`)}>Open appointment</Button>
            </Group>
          </Stack>
        </Alert>
      ) : null}

      {book.isError ? (
        isApiError(book.error, 'SLOT_TAKEN') ? (
          <Alert color="orange" variant="light" role="alert" title="That slot was just taken">
            <Stack gap={4}>
              <Text>{book.error.message}</Text>
              <SlotHolder slot={book.error.body?.['slot']} timeZone={timeZone} />
              <Text size="sm" c="dimmed">The list below has been refreshed; choose another slot.</Text>
            </Stack>
          </Alert>
        ) : (
          <ErrorState error={book.error} title="Not booked" />
        )
      ) : null}

      <Paper withBorder radius="md" p={0}>
        <SlotResults
          query={query}
          timeZone={timeZone}
          canBook={Boolean(patient)}
          bookingKey={book.isPending ? book.variables?.startsAt ?? null : null}
          onBook={(slot) => {
            if (!patient || !chosenType) return;
            book.mutate(
              { patientId: patient.id, providerId: slot.providerId, locationId: location.id, appointmentTypeId: chosenType.id, startsAt: slot.startsAt, reasonForVisit: reason },
              { onSuccess: (appointment) => setBooked({ id: appointment.id, startsAt: appointment.startsAt, providerName: slot.providerName }) },
            );
          }}
        />
      </Paper>
    </Stack>
  );
}

/** The slot's new state from a 409: who holds the time now (times and status only). */
function SlotHolder({ slot, timeZone }: { slot: unknown; timeZone: string }) {
  if (!slot || typeof slot !== 'object') return null;
  const holder = slot as { startsAt?: string; endsAt?: string; status?: string; isOverbook?: boolean };
  if (!holder.startsAt || !holder.endsAt) return null;
  return (
    <Text size="sm">
      Now held {formatSlotIn(holder.startsAt, timeZone)}–{formatTimeIn(holder.endsAt, timeZone)}
      {holder.status ? ` (${holder.status}${holder.isOverbook ? ', overbook' : ''})` : ''}.
    </Text>
  );
}

function SlotResults({ query, timeZone, canBook, bookingKey, onBook }: {
  query: Parameters<typeof useOpenSlots>[0];
  timeZone: string;
  canBook: boolean;
  bookingKey: string | null;
  onBook: (slot: OpenSlot) => void;
}) {
  const slots = useOpenSlots(query);
  if (!query) return <EmptyState title="Choose an appointment type">Open slots appear here, earliest first.</EmptyState>;
  if (slots.isPending) return <LoadingState label="Finding open slots…" />;
  if (slots.isError) return <ErrorState error={slots.error} onRetry={() => void slots.refetch()} />;
  if (slots.data.slots.length === 0) return <EmptyState title="No open slots">Try another provider or a later date, or add the patient to the waitlist.</EmptyState>;
  return (
    <Table aria-label="Open slots" verticalSpacing="xs" highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Provider</Table.Th>
          <Table.Th />
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {slots.data.slots.map((slot, index) => (
          <Table.Tr key={`${slot.providerId}-${slot.startsAt}`}>
            <Table.Td><Text fw={index === 0 ? 700 : 400}>{formatSlotIn(slot.startsAt, timeZone)}–{formatTimeIn(slot.endsAt, timeZone)}</Text></Table.Td>
            <Table.Td>{slot.providerName}</Table.Td>
            <Table.Td>{slot.isSameDayHold ? <Badge size="sm" variant="light" color="orange">Same-day hold</Badge> : null}</Table.Td>
            <Table.Td ta="right">
              <Button size="xs" disabled={!canBook} loading={bookingKey === slot.startsAt} onClick={() => onBook(slot)} aria-label={`Book ${formatSlotIn(slot.startsAt, timeZone)} with ${slot.providerName}`}>Book</Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
