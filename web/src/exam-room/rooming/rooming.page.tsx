import { Badge, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { Encounter } from '../../../../contracts/exam-room/encounters.js';
import type { RecordVitalsResponse } from '../../../../contracts/exam-room/vitals.js';
import { PatientBanner } from '../../front-desk/patients/patient-banner.js';
import { usePatient } from '../../front-desk/patients/patients.queries.js';
import { isApiError } from '../../platform/api.js';
import { useLiveTopics } from '../../platform/live.js';
import { ageInYears } from '../../platform/format.js';
import { useSession } from '../../platform/session.js';
import { ErrorState, LoadingState, NotAllowedPanel } from '../../platform/ui/states.js';
import { AfterVisitPanel } from './after-visit-panel.js';
import { EncounterPanel } from './encounter-panel.js';
import { useEncounterOfAppointment, useOpenEncounter, useReadyForProvider } from './rooming.queries.js';
import { ScreeningsPanel } from './screenings-panel.js';
import { VitalsForm } from './vitals-form.js';
import { VitalsReadings } from './vitals-readings.js';
import { ageInMonths } from './vitals-units.js';

/** The MA's rooming workspace for one visit: reason, checklist, vitals, screenings, hand-off, after-visit summary. */
export function RoomingPage() {
  const { appointmentId = '' } = useParams();
  const { can } = useSession();
  const encounter = useEncounterOfAppointment(appointmentId);
  const open = useOpenEncounter();
  const missing = isApiError(encounter.error) && encounter.error.status === 404;
  const canRoom = can('encounter.room');

  useEffect(() => {
    // A visit roomed before encounters existed (or a walk-in) gets its encounter when the MA opens rooming.
    if (missing && canRoom && open.isIdle) open.mutate({ appointmentId });
  }, [missing, canRoom, open, appointmentId]);

  if (encounter.isPending || (missing && canRoom && !open.isError)) return <LoadingState label="Opening the visit…" />;
  if (open.isError) return <ErrorState error={open.error} title="The visit could not be opened" />;
  if (missing) return <NotAllowedPanel message="This visit has no encounter yet; clinical staff open it when they room the patient." />;
  if (encounter.isError) return <ErrorState error={encounter.error} onRetry={() => void encounter.refetch()} />;
  return <RoomingWorkspace key={encounter.data.id} encounter={encounter.data} />;
}

function RoomingWorkspace({ encounter }: { encounter: Encounter }) {
  const { can } = useSession();
  const patient = usePatient(encounter.patientId);
  const ready = useReadyForProvider();
  // Alerts raised and acknowledged arrive on the location's flow-board topic.
  useLiveTopics(encounter.locationId ? [`flow-board:${encounter.locationId}`] : []);
  const [lastSave, setLastSave] = useState<RecordVitalsResponse | null>(null);
  const dateOfBirth = patient.data?.dateOfBirth;
  const ageMonths = dateOfBirth ? ageInMonths(dateOfBirth) : null;
  const ageYears = dateOfBirth ? ageInYears(dateOfBirth) : null;
  const canEdit = can('encounter.room') && encounter.status !== 'finished' && encounter.status !== 'cancelled';
  const isReady = encounter.readyForProviderAt !== null;

  const markReady = () => ready.mutate({ encounterId: encounter.id, version: encounter.version }, {
    onSuccess: () => notifications.show({ color: 'green', title: 'Ready for provider', message: 'The provider sees the rooming summary now.' }),
    onError: (error) => notifications.show({ color: 'red', title: 'Not handed off', message: error.message }),
  });

  const onSaved = (response: RecordVitalsResponse) => {
    setLastSave(response);
    if (response.alerts.length > 0) notifications.show({ color: 'red', title: 'Critical reading', message: 'The provider has been alerted. Re-measure now.' });
  };

  return (
    <Stack maw={1400} gap="md">
      {patient.data ? <PatientBanner patient={patient.data} /> : patient.isError ? <ErrorState error={patient.error} title="The patient could not be loaded" /> : <LoadingState label="Loading the patient…" />}
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={2}>
          <Title order={2}>Rooming</Title>
          <Text c="dimmed" size="sm">
            {encounter.visitTypeLabel}
            {encounter.roomedBy ? ` · roomed by ${encounter.roomedBy.name}` : ''}
            {encounter.roomedAt ? ` at ${new Date(encounter.roomedAt).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' })}` : ''}
          </Text>
        </Stack>
        <Group gap="sm">
          {isReady ? <Badge color="orange" variant="light" size="lg" tt="none">Ready for provider{encounter.readyForProviderBy ? ` · ${encounter.readyForProviderBy.name}` : ''}</Badge> : null}
          {encounter.summarySignedOffAt ? <Badge color="green" variant="light" size="lg" tt="none">Signed off{encounter.summarySignedOffBy ? ` by ${encounter.summarySignedOffBy.name}` : ''}</Badge> : null}
          <Button component={Link} to={`/encounters/${encounter.id}/summary`} variant="default">Rooming summary</Button>
          {can('rooming.mark-ready') && !isReady ? <Button color="orange" loading={ready.isPending} onClick={markReady}>Ready for provider</Button> : null}
        </Group>
      </Group>
      <Grid gap="md" align="stretch">
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <EncounterPanel key={encounter.id} encounter={encounter} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          {can('vitals.record') ? (
            <Paper withBorder radius="md" p="md" role="region" aria-label="Vitals" h="100%">
              <Stack gap="sm">
                <Title order={3} size="h4">Vitals</Title>
                {patient.data ? <VitalsForm encounterId={encounter.id} ageMonths={ageMonths} onSaved={onSaved} /> : <LoadingState />}
              </Stack>
            </Paper>
          ) : null}
        </Grid.Col>
      </Grid>
      <Paper withBorder radius="md" p="md" role="region" aria-label="Readings">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={3} size="h4">Readings this visit</Title>
            {lastSave?.bmi ? (
              <Text size="sm" data-testid="bmi-saved"><Text span c="dimmed">BMI (computed) </Text><Text span fw={700}>{lastSave.bmi.value.toFixed(1)} kg/m²</Text>{lastSave.bmi.category ? ` · ${lastSave.bmi.category}` : ''}</Text>
            ) : null}
          </Group>
          <VitalsReadings encounterId={encounter.id} ageMonths={ageMonths} lastPrompts={lastSave?.prompts ?? []} onSaved={onSaved} />
        </Stack>
      </Paper>
      <Grid gap="md" align="stretch">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          {can('screening.record') ? <ScreeningsPanel encounterId={encounter.id} patientId={encounter.patientId} ageYears={ageYears} /> : null}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <AfterVisitPanel encounterId={encounter.id} preferredLanguage={patient.data?.preferredLanguage} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
