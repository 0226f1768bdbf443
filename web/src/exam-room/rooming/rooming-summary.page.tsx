import { Alert, Badge, Button, Grid, Group, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { RoomingSummary } from '../../../../contracts/exam-room/encounters.js';
import { PatientBanner } from '../../front-desk/patients/patient-banner.js';
import { usePatient } from '../../front-desk/patients/patients.queries.js';
import { formatDate } from '../../platform/format.js';
import { useLiveTopics } from '../../platform/live.js';
import { useSession } from '../../platform/session.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { CriticalFlag } from '../shared/flag-badge.js';
import { screeningBandLabel, screeningNames } from '../shared/screening-labels.js';
import { ReadingCell, ReadingFlags, vitalNames } from '../shared/vital-reading.js';
import { useAcknowledgeAlert, useEncounterVitals, useRoomingSummary, useSignOffSummary } from './rooming.queries.js';

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
}

function Section({ title, children, label }: { title: string; children: ReactNode; label?: string }) {
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label={label ?? title}>
      <Stack gap="xs">
        <Title order={3} size="h5">{title}</Title>
        {children}
      </Stack>
    </Paper>
  );
}

function signed(value: number | null): string {
  if (value === null) return '—';
  const rounded = Math.round(value * 10) / 10;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

/** Open critical-vital alerts on this visit, each with "Acknowledge" for whoever may. */
function CriticalAlerts({ encounterId, summary }: { encounterId: string; summary: RoomingSummary }) {
  const { can } = useSession();
  const vitals = useEncounterVitals(encounterId);
  const acknowledge = useAcknowledgeAlert(encounterId);
  const alerts = vitals.data?.alerts ?? [];
  if (alerts.length === 0) return null;
  const byId = new Map(summary.vitals.map((reading) => [reading.id, reading]));
  return (
    <Stack gap="xs" role="region" aria-label="Critical alerts">
      {alerts.map((alert) => {
        const reading = byId.get(alert.observationId);
        const name = reading ? vitalNames[reading.code] ?? reading.display : 'Reading';
        const remeasure = alert.remeasureObservationId ? byId.get(alert.remeasureObservationId) : undefined;
        if (alert.acknowledgedAt) {
          return (
            <Alert key={alert.id} color="gray" variant="light" title={`Critical ${name.toLowerCase()} — acknowledged at ${timeOf(alert.acknowledgedAt)}`}>
              {reading ? <ReadingCell reading={reading} /> : null}
            </Alert>
          );
        }
        return (
          <Alert key={alert.id} color="red" variant="filled" role="alert" title={`Critical ${name.toLowerCase()}${reading ? ` at ${timeOf(reading.effectiveAt)}` : ''}${alert.escalatedAt ? ' — escalated' : ''}`} data-testid="critical-alert">
            <Group justify="space-between" align="center" wrap="wrap">
              <Stack gap={2}>
                {reading ? <Text fw={700}>{name}: <ReadingInline reading={reading} /></Text> : null}
                {reading?.interpretationMessage ? <Text size="sm">{reading.interpretationMessage}</Text> : null}
                <Text size="sm">{remeasure ? <>Re-measured at {timeOf(remeasure.effectiveAt)}: <ReadingInline reading={remeasure} /></> : 'Not yet re-measured.'}</Text>
              </Stack>
              {can('alert.acknowledge') ? (
                <Button variant="white" color="red" loading={acknowledge.isPending && acknowledge.variables === alert.id} onClick={() => acknowledge.mutate(alert.id, {
                  onError: (error) => notifications.show({ color: 'red', title: 'Not acknowledged', message: error.message }),
                })}>Acknowledge</Button>
              ) : <Text size="sm" fw={600}>Waiting for the provider to acknowledge.</Text>}
            </Group>
          </Alert>
        );
      })}
    </Stack>
  );
}

function SummaryBanner({ patientId }: { patientId: string }) {
  const patient = usePatient(patientId);
  if (patient.isError) return <ErrorState error={patient.error} title="The patient could not be loaded" />;
  return patient.data ? <PatientBanner patient={patient.data} /> : <LoadingState label="Loading the patient…" />;
}

function ReadingInline({ reading }: { reading: RoomingSummary['vitals'][number] }) {
  const systolic = reading.components.find((component) => component.code === '8480-6');
  const diastolic = reading.components.find((component) => component.code === '8462-4');
  if (systolic || diastolic) return <>{systolic?.value ?? '—'}/{diastolic?.value ?? '—'} mmHg</>;
  return <>{reading.enteredValue ?? reading.value ?? '—'} {reading.enteredUnit ?? reading.unit ?? ''}</>;
}

/** The provider's one screen: vitals with flags, changes since last visit, allergies, med changes, screenings, chief complaint. */
export function RoomingSummaryPage() {
  const { encounterId = '' } = useParams();
  const { can } = useSession();
  const summary = useRoomingSummary(encounterId);
  const signOff = useSignOffSummary();
  const locationId = summary.data?.encounter.locationId;
  useLiveTopics(locationId ? [`flow-board:${locationId}`] : []);

  if (summary.isPending) return <LoadingState label="Loading the rooming summary…" />;
  if (summary.isError) return <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />;
  const { encounter, vitals, changesSinceLastVisit, allergies, medicationChanges, screenings, checklistProgress } = summary.data;
  const hasCritical = vitals.some((reading) => reading.isCritical);
  const readings = [...vitals].sort((a, b) => b.effectiveAt.localeCompare(a.effectiveAt));
  const byId = new Map(vitals.map((reading) => [reading.id, reading]));

  return (
    <Stack maw={1300} gap="md">
      <SummaryBanner patientId={encounter.patientId} />
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={2}>
          <Group gap="sm">
            <Title order={2}>Rooming summary</Title>
            {hasCritical ? <CriticalFlag size="lg">Critical vital</CriticalFlag> : null}
          </Group>
          <Text c="dimmed" size="sm">
            {encounter.visitTypeLabel}
            {encounter.readyForProviderAt ? ` · ready for provider at ${timeOf(encounter.readyForProviderAt)}${encounter.readyForProviderBy ? ` (${encounter.readyForProviderBy.name})` : ''}` : ' · rooming in progress'}
            {` · checklist ${checklistProgress.done} of ${checklistProgress.total}`}
          </Text>
        </Stack>
        <Group gap="sm">
          {encounter.appointmentId && can('encounter.room') ? <Button component={Link} to={`/visits/${encounter.appointmentId}/rooming`} variant="default">Open rooming</Button> : null}
          {encounter.summarySignedOffAt ? (
            <Badge color="green" size="lg" variant="light" tt="none">Signed off{encounter.summarySignedOffBy ? ` by ${encounter.summarySignedOffBy.name}` : ''} at {timeOf(encounter.summarySignedOffAt)}</Badge>
          ) : can('rooming-summary.sign-off') ? (
            <Button loading={signOff.isPending} onClick={() => signOff.mutate({ encounterId: encounter.id, version: encounter.version }, {
              onSuccess: () => void summary.refetch(),
              onError: (error) => notifications.show({ color: 'red', title: 'Not signed off', message: error.message }),
            })}>Sign off</Button>
          ) : null}
        </Group>
      </Group>
      <CriticalAlerts encounterId={encounter.id} summary={summary.data} />
      <Section title="Chief complaint" label="Chief complaint">
        <Text fz="lg" fs={encounter.chiefComplaint ? 'italic' : undefined} c={encounter.chiefComplaint ? undefined : 'dimmed'}>
          {encounter.chiefComplaint ? `“${encounter.chiefComplaint}”` : 'Not recorded yet.'}
        </Text>
        {encounter.reasonForVisit ? <Text size="sm"><Text span c="dimmed">Reason for visit: </Text>{encounter.reasonForVisit}</Text> : null}
      </Section>
      <Grid gap="md" align="stretch">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Section title="Vitals">
            {readings.length === 0 ? <EmptyState title="No vitals yet" /> : (
              <Table aria-label="Vitals with flags" verticalSpacing={4}>
                <Table.Thead><Table.Tr><Table.Th>Time</Table.Th><Table.Th>Measure</Table.Th><Table.Th>Reading</Table.Th><Table.Th>Flag</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {readings.map((reading) => {
                    const repeatOf = reading.repeatOfId ? byId.get(reading.repeatOfId) : undefined;
                    return (
                      <Table.Tr key={reading.id} bg={reading.isCritical ? 'red.0' : undefined}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}><Text size="sm">{timeOf(reading.effectiveAt)}</Text></Table.Td>
                        <Table.Td>
                          <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>{vitalNames[reading.code] ?? reading.display}</Text>
                          {repeatOf ? <Text size="xs" c="dimmed">re-measure of {timeOf(repeatOf.effectiveAt)}</Text> : null}
                        </Table.Td>
                        <Table.Td><ReadingCell reading={reading} /></Table.Td>
                        <Table.Td><ReadingFlags reading={reading} /></Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            )}
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Section title="Changes since last visit">
            {changesSinceLastVisit === null ? <Text size="sm" c="dimmed">First visit with vitals.</Text> : (
              <>
                <Text size="xs" c="dimmed">Compared with {formatDate(changesSinceLastVisit.previousVisitAt.slice(0, 10))}</Text>
                <Table aria-label="Changes since last visit" verticalSpacing={2}>
                  <Table.Thead><Table.Tr><Table.Th>Measure</Table.Th><Table.Th>Then</Table.Th><Table.Th>Now</Table.Th><Table.Th>Change</Table.Th></Table.Tr></Table.Thead>
                  <Table.Tbody>
                    {changesSinceLastVisit.changes.flatMap((change) => change.components.length > 0
                      ? change.components.map((component) => (
                        <Table.Tr key={`${change.code}-${component.code}`}>
                          <Table.Td><Text size="sm">{component.display}</Text></Table.Td>
                          <Table.Td>{component.previous ?? '—'}</Table.Td>
                          <Table.Td>{component.current ?? '—'}</Table.Td>
                          <Table.Td>{signed(component.change)}</Table.Td>
                        </Table.Tr>
                      ))
                      : [(
                        <Table.Tr key={change.code}>
                          <Table.Td><Text size="sm">{vitalNames[change.code] ?? change.display}</Text></Table.Td>
                          <Table.Td>{change.previous === null ? '—' : Math.round(change.previous * 10) / 10}</Table.Td>
                          <Table.Td>{change.current === null ? '—' : Math.round(change.current * 10) / 10}</Table.Td>
                          <Table.Td>{signed(change.change)} {change.unit ?? ''}</Table.Td>
                        </Table.Tr>
                      )])}
                  </Table.Tbody>
                </Table>
              </>
            )}
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Section title="Allergies">
            {allergies.status === 'unknown' ? <Text fw={600} c="orange.8">Not yet recorded</Text> : null}
            {allergies.status === 'no-known-drug-allergies' ? <Text fw={600} c="green.8">No known drug allergies{allergies.statedBy ? ` (stated to ${allergies.statedBy.name})` : ''}</Text> : null}
            {allergies.status === 'no-known-allergies' ? <Text fw={600} c="green.8">No known allergies{allergies.statedBy ? ` (stated to ${allergies.statedBy.name})` : ''}</Text> : null}
            {allergies.items.length > 0 ? (
              <List size="sm" spacing={2}>
                {allergies.items.map((allergy) => (
                  <List.Item key={allergy.id}>
                    <Text span fw={700} c="red.8" inherit>{allergy.substance}</Text>
                    {allergy.reaction ? ` — ${allergy.reaction}` : ''}
                    {allergy.severity ? ` (${allergy.severity})` : ''}
                  </List.Item>
                ))}
              </List>
            ) : null}
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Section title="Medication changes">
            {medicationChanges.length === 0 ? <Text size="sm" c="dimmed">No changes reported this visit.</Text> : (
              <List size="sm" spacing={2}>
                {medicationChanges.map((medication) => (
                  <List.Item key={medication.id}>
                    <Text span fw={600} inherit>{medication.name}</Text> {[medication.dose, medication.route, medication.frequency].filter(Boolean).join(' ')}{' '}
                    <Badge size="xs" tt="none" variant="light" color={medication.change === 'not-taking' ? 'orange' : medication.change === 'new' ? 'blue' : 'grape'}>
                      {medication.change === 'not-taking' ? 'Not taking' : medication.change === 'new' ? 'New' : 'Changed'}
                    </Badge>
                    {medication.note ? <Text size="xs" c="dimmed">{medication.note}</Text> : null}
                  </List.Item>
                ))}
              </List>
            )}
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Section title="Screenings">
            {screenings.length === 0 ? <Text size="sm" c="dimmed">No screenings this visit.</Text> : (
              <List size="sm" spacing={2}>
                {screenings.map((screening) => (
                  <List.Item key={screening.id}>
                    <Text span fw={600} inherit>{screeningNames[screening.instrument] ?? screening.instrument}</Text>
                    {screening.total !== null ? ` ${screening.total}` : ''}
                    {screening.band ? ` · ${screeningBandLabel(screening.band)}` : ''}{' '}
                    <Badge size="xs" tt="none" variant={screening.needsUrgentFollowUp ? 'filled' : 'light'} color={screening.needsUrgentFollowUp ? 'red' : screening.isPositive ? 'orange' : 'green'}>
                      {screening.needsUrgentFollowUp ? 'Urgent: item 9' : screening.isPositive ? 'Positive' : 'Negative'}
                    </Badge>
                  </List.Item>
                ))}
              </List>
            )}
          </Section>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
