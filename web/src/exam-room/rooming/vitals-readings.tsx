import { Alert, Badge, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { ObservationView, RecordVitalsResponse } from '../../../../contracts/exam-room/vitals.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { ReadingCell, ReadingFlags, vitalNames } from '../shared/vital-reading.js';
import { useEncounterVitals, type EncounterVitals } from './rooming.queries.js';
import { VitalsForm } from './vitals-form.js';

type Prompt = RecordVitalsResponse['prompts'][number];

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
}

/**
 * The prompts still open: the last save's answer, plus any critical reading whose alert has no
 * re-measure yet (so a reload keeps the prompt) and any elevated BP not yet repeated.
 */
export function openPrompts(vitals: EncounterVitals | undefined, lastPrompts: Prompt[]): Prompt[] {
  const observations = vitals?.observations ?? [];
  const repeated = new Set(observations.map((observation) => observation.repeatOfId).filter(Boolean));
  const prompts = new Map<string, Prompt>();
  for (const prompt of lastPrompts) if (!repeated.has(prompt.observationId)) prompts.set(`${prompt.kind}:${prompt.observationId}`, prompt);
  for (const alert of vitals?.alerts ?? []) {
    if (alert.remeasureObservationId || repeated.has(alert.observationId)) continue;
    const key = `re-measure-critical:${alert.observationId}`;
    if (!prompts.has(key)) prompts.set(key, { kind: 're-measure-critical', observationId: alert.observationId, message: 'Critical reading: re-measure now. The provider has been alerted.' });
  }
  return [...prompts.values()].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 're-measure-critical' ? -1 : 1));
}

/** The readings of this visit, newest first, each with its flag; critical and repeat prompts above them. */
export function VitalsReadings({ encounterId, ageMonths, lastPrompts, onSaved }: {
  encounterId: string;
  ageMonths: number | null;
  lastPrompts: Prompt[];
  onSaved: (response: RecordVitalsResponse) => void;
}) {
  const vitals = useEncounterVitals(encounterId);
  const [remeasure, setRemeasure] = useState<{ observation: ObservationView; kind: Prompt['kind'] } | null>(null);
  if (vitals.isPending) return <LoadingState label="Loading this visit’s vitals…" />;
  if (vitals.isError) return <ErrorState error={vitals.error} onRetry={() => void vitals.refetch()} />;
  const observations = [...vitals.data.observations].sort((a, b) => b.effectiveAt.localeCompare(a.effectiveAt) || b.recordedAt.localeCompare(a.recordedAt));
  const byId = new Map(observations.map((observation) => [observation.id, observation]));
  const prompts = openPrompts(vitals.data, lastPrompts);
  const alertFor = new Map(vitals.data.alerts.map((alert) => [alert.observationId, alert]));

  return (
    <Stack gap="sm">
      {prompts.map((prompt) => {
        const observation = byId.get(prompt.observationId);
        const name = observation ? vitalNames[observation.code] ?? observation.display : 'Reading';
        if (prompt.kind === 're-measure-critical') {
          return (
            <Alert key={`${prompt.kind}-${prompt.observationId}`} color="red" variant="filled" role="alert" title={`Critical ${name.toLowerCase()} — re-measure now`} data-testid="remeasure-prompt">
              <Group justify="space-between" align="center" wrap="wrap">
                <Text size="sm">{prompt.message} {observation ? `(${name} at ${timeOf(observation.effectiveAt)}: see below.)` : ''}</Text>
                <Button color="white" c="red.9" variant="white" disabled={!observation} onClick={() => observation && setRemeasure({ observation, kind: prompt.kind })}>Re-measure now</Button>
              </Group>
            </Alert>
          );
        }
        return (
          <Alert key={`${prompt.kind}-${prompt.observationId}`} color="yellow" variant="light" role="status" title="Elevated blood pressure: repeat after 5 minutes rest" data-testid="repeat-prompt">
            <Group justify="space-between" align="center" wrap="wrap">
              <Text size="sm">{prompt.message}</Text>
              <Button color="orange" disabled={!observation} onClick={() => observation && setRemeasure({ observation, kind: prompt.kind })}>Record repeat</Button>
            </Group>
          </Alert>
        );
      })}
      {observations.length === 0 ? (
        <EmptyState title="No vitals yet">Readings appear here with their flags once saved.</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Vitals this visit" verticalSpacing={6} highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Measure</Table.Th>
                <Table.Th>Reading</Table.Th>
                <Table.Th>Flag</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {observations.map((observation) => {
                const repeatOf = observation.repeatOfId ? byId.get(observation.repeatOfId) : undefined;
                const alert = alertFor.get(observation.id);
                return (
                  <Table.Tr key={observation.id} data-code={observation.code} data-critical={observation.isCritical || undefined} bg={observation.isCritical ? 'red.0' : undefined}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}><Text size="sm">{timeOf(observation.effectiveAt)}</Text></Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>{vitalNames[observation.code] ?? observation.display}</Text>
                      {repeatOf ? <Badge size="xs" variant="outline" color="gray" tt="none">Re-measure of {timeOf(repeatOf.effectiveAt)} reading</Badge> : null}
                    </Table.Td>
                    <Table.Td><ReadingCell reading={observation} /></Table.Td>
                    <Table.Td>
                      <Stack gap={2}>
                        <ReadingFlags reading={observation} />
                        {observation.interpretationMessage ? <Text size="xs" c={observation.isCritical ? 'red.9' : 'dimmed'}>{observation.interpretationMessage}</Text> : null}
                        {alert ? <Text size="xs" c={alert.acknowledgedAt ? 'green.8' : 'red.8'} fw={600}>{alert.acknowledgedAt ? `Provider acknowledged at ${timeOf(alert.acknowledgedAt)}` : alert.escalatedAt ? 'Provider alerted — escalated, not yet acknowledged' : 'Provider alerted — not yet acknowledged'}</Text> : null}
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={remeasure !== null}
        onClose={() => setRemeasure(null)}
        title={remeasure ? `${remeasure.kind === 're-measure-critical' ? 'Re-measure' : 'Repeat'} ${(vitalNames[remeasure.observation.code] ?? remeasure.observation.display).toLowerCase()}` : ''}
        size="lg"
      >
        {remeasure ? (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">Earlier reading at {timeOf(remeasure.observation.effectiveAt)}: <Text span fw={700} c="dark">{vitalNames[remeasure.observation.code] ?? remeasure.observation.display}</Text>. Both readings are kept.</Text>
            <VitalsForm
              encounterId={encounterId}
              ageMonths={ageMonths}
              repeatOf={remeasure.observation}
              onCancel={() => setRemeasure(null)}
              onSaved={(response) => {
                setRemeasure(null);
                onSaved(response);
              }}
            />
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
