import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { DuplicateCandidate } from '../../../../contracts/front-desk/patient.contract.js';
import { applyFieldErrors, isApiError } from '../../platform/api.js';
import { NotAllowedPanel } from '../../platform/ui/states.js';
import { DuplicateCandidates } from './duplicate-candidates.js';
import { emptyPatientForm, formPathForServerField, isFormPath, formToPatientFields, toIsoDate, type PatientFormValues } from './patient-form.js';
import { PatientFields, validatePatientForm } from './patient-fields.js';
import { checkDuplicates, useRegisterPatient, type DuplicateCheckInput } from './patients.queries.js';

/** What the live duplicate check needs, or null while there is not enough to compare. */
function duplicateCheckInput(values: PatientFormValues): DuplicateCheckInput | null {
  const givenName = values.givenName.trim();
  const familyName = values.familyName.trim();
  const dateOfBirth = toIsoDate(values.dateOfBirth) ?? undefined;
  const phones = [values.mobilePhone, values.homePhone, values.workPhone].filter((phone) => phone.replace(/\D/g, '').length >= 10);
  if (!givenName || !familyName || (!dateOfBirth && phones.length === 0)) return null;
  return { givenName, familyName, ...(dateOfBirth ? { dateOfBirth } : {}), phones };
}

export function RegisterPatientPage() {
  const navigate = useNavigate();
  const register = useRegisterPatient();
  const [submitCandidates, setSubmitCandidates] = useState<DuplicateCandidate[] | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm<PatientFormValues>({
    initialValues: emptyPatientForm(),
    validate: validatePatientForm,
    onValuesChange: () => setSubmitCandidates(null),
  });

  const checkInput = duplicateCheckInput(form.values);
  const [debouncedCheck] = useDebouncedValue(checkInput ? JSON.stringify(checkInput) : null, 400);
  const liveCheck = useQuery({
    queryKey: ['patients', 'duplicate-check', debouncedCheck],
    queryFn: ({ signal }) => checkDuplicates(JSON.parse(debouncedCheck!) as DuplicateCheckInput, signal),
    enabled: debouncedCheck !== null,
    staleTime: 30_000,
    retry: false,
  });
  const liveCandidates = debouncedCheck && liveCheck.data ? liveCheck.data.candidates : [];

  const submit = async (values: PatientFormValues, duplicatesReviewed: boolean) => {
    setProblem(null);
    try {
      const result = await register.mutateAsync({ ...formToPatientFields(values), duplicatesReviewed });
      if (result.outcome === 'possible-duplicates') {
        setSubmitCandidates(result.candidates);
        return;
      }
      await navigate(`/patients/${result.patient.id}`, { state: { registered: true } });
    } catch (error) {
      const placed = applyFieldErrors(
        error,
        (field, message) => form.setFieldError(formPathForServerField(field), message),
        (field) => isFormPath(form.values, formPathForServerField(field)),
      );
      if (!placed) setProblem(error);
    }
  };

  return (
    <Stack maw={1000}>
      <Title order={2}>Register patient</Title>
      <Text c="dimmed">Enter the legal name and date of birth exactly as on the patient’s ID or insurance card.</Text>
      {liveCandidates.length > 0 && !submitCandidates ? <DuplicateCandidates candidates={liveCandidates} /> : null}
      <form
        noValidate
        onSubmit={form.onSubmit((values) => void submit(values, false))}
        aria-label="Register patient"
      >
        <Stack>
          <PatientFields form={form} />
          {problem ? (
            isApiError(problem, 'FORBIDDEN_BY_POLICY') ? (
              <NotAllowedPanel message={problem.message} />
            ) : (
              <Alert color="red" variant="light" title="The patient was not registered" role="alert">
                {problem instanceof Error ? problem.message : 'Something went wrong.'}
                {isApiError(problem) && problem.issues.length > 0 ? (
                  <ul>{problem.issues.map((issue, index) => <li key={`${issue.field}-${index}`}>{issue.message}</li>)}</ul>
                ) : null}
              </Alert>
            )
          ) : null}
          {submitCandidates ? (
            <DuplicateCandidates candidates={submitCandidates} title="Possible duplicates — check before registering">
              <Group mt="md">
                <Button color="yellow.8" loading={register.isPending} onClick={() => void submit(form.values, true)}>
                  This is a new patient — register anyway
                </Button>
              </Group>
            </DuplicateCandidates>
          ) : null}
          <Group>
            <Button type="submit" size="md" loading={register.isPending && !submitCandidates} disabled={submitCandidates !== null}>Register patient</Button>
            <Button variant="subtle" onClick={() => void navigate('/patients')}>Cancel</Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
