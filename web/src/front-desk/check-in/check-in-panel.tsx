import { Alert, Anchor, Button, Checkbox, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { CheckInResponse } from '../../../../contracts/front-desk/check-in.contract.js';
import { copayMethods } from '../../../../contracts/front-desk/check-in.contract.js';
import { isApiError } from '../../platform/api.js';
import { formatDateOfBirth, formatPhone, languageLabels } from '../../platform/format.js';
import { formatTimeIn } from '../../platform/location.js';
import { ErrorState, LoadingState } from '../../platform/ui/states.js';
import { usePatient } from '../patients/patients.queries.js';
import type { DayAppointment } from '../scheduling/scheduling.queries.js';
import { formatMoney, parseMoney, useCheckIn } from './check-in.queries.js';

const methodLabels: Record<(typeof copayMethods)[number], string> = { cash: 'Cash', card: 'Card', check: 'Check' };

function Field({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">{label}</Text>
      <Text size="sm">{value || '—'}</Text>
    </Stack>
  );
}

/** Check-in at the desk: read back the key demographics, confirm the insurance card, take the copay. */
export function CheckInPanel({ appointment, timeZone, onDone }: { appointment: DayAppointment; timeZone: string; onDone?: (result: CheckInResponse) => void }) {
  const patient = usePatient(appointment.patientId);
  const checkIn = useCheckIn();
  const [demographicsVerified, setDemographicsVerified] = useState(false);
  const [insuranceCardVerified, setInsuranceCardVerified] = useState(false);
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<(typeof copayMethods)[number]>('card');
  const [amountError, setAmountError] = useState<string | null>(null);
  const [result, setResult] = useState<CheckInResponse | null>(null);

  if (result) {
    return (
      <Paper withBorder p="md" radius="md" aria-label="Check-in complete">
        <Stack gap="sm">
          <Alert color="green" variant="light" role="status" title="Checked in">
            Arrived at {formatTimeIn(result.checkIn.arrivedAt, timeZone)}.
            {result.copay ? ` Copay ${formatMoney(result.copay.amountCents)} (${methodLabels[result.copay.method]}), receipt ${result.copay.receiptNumber}.` : ' No copay taken.'}
          </Alert>
          {result.copay ? (
            <Group>
              <Button component="a" href={result.copay.receiptUrl} target="_blank" rel="noopener" variant="light">Print receipt</Button>
            </Group>
          ) : null}
        </Stack>
      </Paper>
    );
  }

  const submit = () => {
    let copay: { amountCents: number; method: (typeof copayMethods)[number] } | undefined;
    if (amount.trim()) {
      const cents = parseMoney(amount);
      if (cents === null || cents <= 0) {
        setAmountError('Enter the amount collected, e.g. 25.00.');
        return;
      }
      copay = { amountCents: cents, method };
    }
    setAmountError(null);
    checkIn.mutate(
      { appointmentId: appointment.id, version: appointment.version, demographicsVerified, insuranceCardVerified, ...(copay ? { copay } : {}) },
      {
        onSuccess: (response) => {
          setResult(response);
          onDone?.(response);
        },
        onError: (error) => {
          const issue = isApiError(error) ? error.issues.find((item) => item.field.startsWith('copay')) : undefined;
          if (issue) setAmountError(issue.message);
        },
      },
    );
  };

  return (
    <Paper withBorder p="md" radius="md">
      <form onSubmit={(event) => { event.preventDefault(); submit(); }} aria-label="Check-in">
        <Stack gap="sm">
          <Title order={4}>Check in</Title>
          {patient.isPending ? <LoadingState label="Loading demographics…" /> : null}
          {patient.isError ? <ErrorState error={patient.error} title="Demographics could not be loaded" /> : null}
          {patient.data ? (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" aria-label="Demographics to verify" role="group">
              <Field label="Name" value={`${patient.data.givenName} ${patient.data.middleName ? `${patient.data.middleName} ` : ''}${patient.data.familyName}`} />
              <Field label="Date of birth" value={formatDateOfBirth(patient.data.dateOfBirth)} />
              <Field label="Address" value={[patient.data.addressLine1, patient.data.addressLine2, [patient.data.city, patient.data.state, patient.data.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ')} />
              <Field label="Phone" value={formatPhone(patient.data.mobilePhone || patient.data.homePhone)} />
              <Field label="Email" value={patient.data.email} />
              <Field label="Language" value={`${languageLabels[patient.data.preferredLanguage] ?? patient.data.preferredLanguage}${patient.data.interpreterNeeded ? ' (interpreter)' : ''}`} />
              <Field label="Emergency contact" value={patient.data.emergencyContact ? `${patient.data.emergencyContact.name}, ${formatPhone(patient.data.emergencyContact.phone)}` : ''} />
              <Field label="MRN" value={patient.data.mrn} />
            </SimpleGrid>
          ) : null}
          <Checkbox label="Demographics verified with the patient" checked={demographicsVerified} onChange={(event) => setDemographicsVerified(event.currentTarget.checked)} />
          <Checkbox label="Insurance card verified" checked={insuranceCardVerified} onChange={(event) => setInsuranceCardVerified(event.currentTarget.checked)} />
          <Group grow align="flex-start">
            <TextInput label="Copay amount" placeholder="0.00" leftSection="$" inputMode="decimal" value={amount} onChange={(event) => setAmount(event.currentTarget.value)} error={amountError} />
            <NativeSelect label="Payment method" data={copayMethods.map((value) => ({ value, label: methodLabels[value] }))} value={method} onChange={(event) => setMethod(event.currentTarget.value as (typeof copayMethods)[number])} />
          </Group>
          {checkIn.isError && !amountError ? <ErrorState error={checkIn.error} title="Check-in failed" /> : null}
          <Group justify="flex-end">
            <Button type="submit" loading={checkIn.isPending}>Check in</Button>
          </Group>
          <Text size="xs" c="dimmed">Leave the amount empty when no copay is due. <Anchor size="xs" href="#" onClick={(event) => { event.preventDefault(); setAmount(''); }}>Clear</Anchor></Text>
        </Stack>
      </form>
    </Paper>
  );
}
