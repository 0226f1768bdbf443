import { Alert, Anchor, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import type { Patient } from '../../../../contracts/front-desk/patient.contract.js';
import { applyFieldErrors, isApiError } from '../../platform/api.js';
import { formatDate, formatDateTime, formatPhone, languageLabels } from '../../platform/format.js';
import { useSession } from '../../platform/session.js';
import { ErrorState, LoadingState, NotAllowedPanel } from '../../platform/ui/states.js';
import { ClinicalSection } from '../../exam-room/chart/clinical-section.js';
import { BreakTheGlassDialog } from './break-the-glass-dialog.js';
import { PatientBanner } from './patient-banner.js';
import { RestrictChartPanel } from './restrict-chart-panel.js';
import { MergeDuplicatePanel } from './merge-duplicate-panel.js';
import { formPathForServerField, formToPatientFields, isFormPath, patientToForm, type PatientFormValues } from './patient-form.js';
import { PatientFields, validatePatientForm } from './patient-fields.js';
import { patientKeys, usePatient, useUpdateDemographics } from './patients.queries.js';

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <Grid.Col span={{ base: 12, xs: 6, md: 4 }}>
      <Text size="sm" c="dimmed">{label}</Text>
      <Text>{value || '—'}</Text>
    </Grid.Col>
  );
}

function yesNo(value: boolean): string {
  return value ? 'Yes' : 'No';
}

function DemographicsView({ patient }: { patient: Patient }) {
  const address = [patient.addressLine1, patient.addressLine2, [patient.city, patient.state].filter(Boolean).join(', '), patient.postalCode].filter(Boolean).join(' · ');
  const language = languageLabels[patient.preferredLanguage] ?? patient.preferredLanguage;
  const guarantor = patient.guarantor
    ? patient.guarantor.relationship === 'self'
      ? 'Self'
      : `${patient.guarantor.name} (${patient.guarantor.relationship})${patient.guarantor.phone ? ` · ${formatPhone(patient.guarantor.phone)}` : ''}`
    : '';
  const emergency = patient.emergencyContact
    ? `${patient.emergencyContact.name}${patient.emergencyContact.relationship ? ` (${patient.emergencyContact.relationship})` : ''}${patient.emergencyContact.phone ? ` · ${formatPhone(patient.emergencyContact.phone)}` : ''}`
    : '';
  return (
    <Grid>
      <Fact label="Legal name" value={[patient.givenName, patient.middleName, patient.familyName, patient.nameSuffix].filter(Boolean).join(' ')} />
      <Fact label="Preferred name" value={patient.preferredName} />
      <Fact label="Date of birth" value={formatDate(patient.dateOfBirth)} />
      <Fact label="Gender identity" value={patient.genderIdentity} />
      <Fact label="Pronouns" value={patient.pronouns} />
      <Fact label="Address" value={address} />
      <Fact label="Mobile phone" value={formatPhone(patient.mobilePhone)} />
      <Fact label="Home phone" value={formatPhone(patient.homePhone)} />
      <Fact label="Work phone" value={formatPhone(patient.workPhone)} />
      <Fact label="Email" value={patient.email} />
      <Fact label="Preferred language" value={`${language}${patient.interpreterNeeded ? ' — interpreter needed' : ''}`} />
      <Fact label="Emergency contact" value={emergency} />
      <Fact label="Guarantor" value={guarantor} />
      <Fact label="Privacy notice" value={patient.privacyNoticeAcknowledgedAt ? `Acknowledged ${formatDateTime(patient.privacyNoticeAcknowledgedAt)}` : 'Not yet acknowledged'} />
      <Fact label="Texts / email" value={`Texts: ${yesNo(patient.consentToText)} · Email: ${yesNo(patient.consentToEmail)}`} />
    </Grid>
  );
}

function DemographicsEdit({ patient, onDone }: { patient: Patient; onDone: () => void }) {
  const update = useUpdateDemographics(patient.id);
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm<PatientFormValues>({ initialValues: patientToForm(patient), validate: validatePatientForm });

  const submit = async (values: PatientFormValues) => {
    setProblem(null);
    try {
      await update.mutateAsync({ ...formToPatientFields(values), version: patient.version });
      notifications.show({ color: 'teal', message: 'Demographics saved.' });
      onDone();
    } catch (error) {
      const placed = isApiError(error, 'VALIDATION_FAILED') && applyFieldErrors(
        error,
        (field, message) => form.setFieldError(formPathForServerField(field), message),
        (field) => isFormPath(form.values, formPathForServerField(field)),
      );
      if (!placed) setProblem(error);
    }
  };

  return (
    <form noValidate onSubmit={form.onSubmit((values) => void submit(values))} aria-label="Edit demographics">
      <Stack>
        <PatientFields form={form} />
        {isApiError(problem, 'VERSION_CONFLICT') ? (
          <Alert color="orange" variant="light" title="Someone else changed this record" role="alert">
            <Text>Someone else changed this record since you opened it. Your changes were not saved. Reload to see their change, then make yours again.</Text>
            <Button mt="sm" size="xs" variant="light" color="orange" onClick={() => { update.reset(); void queryClient.invalidateQueries({ queryKey: patientKeys.one(patient.id) }); onDone(); }}>Reload</Button>
          </Alert>
        ) : problem ? (
          <ErrorState error={problem} title="Changes were not saved" />
        ) : null}
        <Group>
          <Button type="submit" loading={update.isPending}>Save changes</Button>
          <Button variant="subtle" onClick={onDone}>Cancel</Button>
        </Group>
      </Stack>
    </form>
  );
}

export function PatientPage() {
  const { patientId = '' } = useParams();
  const { can } = useSession();
  const location = useLocation();
  const patient = usePatient(patientId);
  const [editing, setEditing] = useState(false);
  const justRegistered = (location.state as { registered?: boolean } | null)?.registered === true;

  if (patient.isPending) return <LoadingState label="Opening chart…" />;
  if (patient.isError) {
    if (isApiError(patient.error, 'BREAK_THE_GLASS_REQUIRED')) return <BreakTheGlassDialog patientId={patientId} />;
    if (isApiError(patient.error, 'FORBIDDEN_BY_POLICY')) return <NotAllowedPanel message={patient.error.message} />;
    if (isApiError(patient.error, 'PATIENT_NOT_FOUND') || (isApiError(patient.error, 'VALIDATION_FAILED') && patient.error.status === 400)) {
      return <Alert color="gray" title="No such patient" role="alert">This patient record does not exist in this clinic. Search again from Patients.</Alert>;
    }
    return <ErrorState error={patient.error} onRetry={() => void patient.refetch()} />;
  }

  const data = patient.data;
  return (
    <Stack maw={1100}>
      <PatientBanner patient={data} />
      {justRegistered ? <Alert color="teal" variant="light" role="status">Patient registered. MRN {data.mrn}.</Alert> : null}
      {data.status === 'merged' ? (
        <Alert color="gray" role="status">
          This record was merged into another record.{' '}
          {data.mergedIntoPatientId ? <Anchor component={Link} to={`/patients/${data.mergedIntoPatientId}`}>Open the record in use</Anchor> : null}
        </Alert>
      ) : null}
      {data.status !== 'merged' ? <ClinicalSection patient={data} /> : null}
      <Paper withBorder radius="md" p="md">
        <Group justify="space-between" mb="md">
          <Title order={3} size="h4">Demographics</Title>
          {!editing && can('patient.update-demographics') ? <Button variant="light" size="xs" onClick={() => setEditing(true)}>Edit demographics</Button> : null}
        </Group>
        {editing ? <DemographicsEdit patient={data} onDone={() => setEditing(false)} /> : <DemographicsView patient={data} />}
      </Paper>
      {can('patient.restrict') && data.status !== 'merged' ? <RestrictChartPanel patient={data} /> : null}
      {can('patient.merge') && data.status === 'active' ? <MergeDuplicatePanel patient={data} /> : null}
    </Stack>
  );
}
