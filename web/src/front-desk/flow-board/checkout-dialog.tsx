import { Alert, Button, Checkbox, Group, Modal, NativeSelect, NumberInput, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { FlowBoardRow } from '../../../../contracts/front-desk/flow.contract.js';
import { useAppointmentTypes } from '../scheduling/scheduling.queries.js';
import { useCheckout } from './flow-board.queries.js';
import { ErrorState } from '../../platform/ui/states.js';

/** Checkout: book the follow-up the provider asked for ("return in 3 months"); the visit is then done. */
export function CheckoutDialog({ row, locationId, timeZone, onClose }: { row: FlowBoardRow | null; locationId: string; timeZone: string; onClose: () => void }) {
  const types = useAppointmentTypes();
  const checkout = useCheckout(locationId);
  const [wantsFollowUp, setWantsFollowUp] = useState(true);
  const [count, setCount] = useState<number | string>(3);
  const [unit, setUnit] = useState<'weeks' | 'months'>('months');
  const [typeId, setTypeId] = useState('');
  const [result, setResult] = useState<string | null>(null);

  const appointmentId = row?.appointmentId;
  const firstFollowUpTypeId = (types.data?.find((type) => type.visitKind === 'FOLLOWUP') ?? types.data?.[0])?.id ?? '';
  useEffect(() => {
    setResult(null);
    setTypeId(firstFollowUpTypeId);
  }, [appointmentId, firstFollowUpTypeId]);

  if (!row) return null;
  const amount = typeof count === 'number' ? count : Number.parseInt(count, 10);
  const submit = () => {
    const followUp = wantsFollowUp && typeId && amount > 0
      ? { appointmentTypeId: typeId, ...(unit === 'weeks' ? { inWeeks: amount } : { inMonths: amount }) }
      : undefined;
    checkout.mutate(
      { appointmentId: row.appointmentId, version: row.version, ...(followUp ? { followUp } : {}) },
      {
        onSuccess: (response) => {
          if (response.followUp) {
            const when = new Date(response.followUp.startsAt).toLocaleString('en-US', { timeZone, weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
            setResult(`Follow-up booked for ${when} with ${row.provider.name}. The visit is done.`);
          } else {
            onClose();
          }
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={`Check out ${row.patient.name}`} centered>
      {result ? (
        <Stack>
          <Alert color="green" variant="light" role="status">{result}</Alert>
          <Group justify="flex-end"><Button onClick={onClose}>Close</Button></Group>
        </Stack>
      ) : (
        <Stack>
          <Checkbox label="Book a follow-up visit" checked={wantsFollowUp} onChange={(event) => setWantsFollowUp(event.currentTarget.checked)} />
          {wantsFollowUp ? (
            <>
              <Group grow align="flex-end">
                <NumberInput label="Return in" min={1} max={unit === 'weeks' ? 104 : 24} value={count} onChange={setCount} />
                <NativeSelect label="Unit" data={[{ value: 'weeks', label: 'weeks' }, { value: 'months', label: 'months' }]} value={unit} onChange={(event) => setUnit(event.currentTarget.value as 'weeks' | 'months')} />
              </Group>
              <NativeSelect
                label="Follow-up type"
                value={typeId}
                onChange={(event) => setTypeId(event.currentTarget.value)}
                data={(types.data ?? []).map((type) => ({ value: type.id, label: `${type.name} (${type.durationMinutes} min)` }))}
              />
              <Text size="sm" c="dimmed">The first open slot with {row.provider.name} from then on is booked.</Text>
            </>
          ) : null}
          {checkout.isError ? <ErrorState error={checkout.error} title="Checkout failed" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button onClick={submit} loading={checkout.isPending}>Finish checkout</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
