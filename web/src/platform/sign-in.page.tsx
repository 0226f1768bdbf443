import { Alert, Button, Center, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import type { SessionView } from '../../../contracts/platform/session.contract.js';
import { api, applyFieldErrors, isApiError } from './api.js';
import { useSession } from './session.js';

interface SignInValues {
  username: string;
  password: string;
  totpCode: string;
}

export function SignInPage() {
  const { state, acceptSession } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [needsCode, setNeedsCode] = useState(false);
  const [problem, setProblem] = useState<{ title: string; message: string } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const form = useForm<SignInValues>({
    initialValues: { username: '', password: '', totpCode: '' },
    validate: {
      username: (value) => (value.trim() ? null : 'Enter your username.'),
      password: (value) => (value ? null : 'Enter your password.'),
      totpCode: (value) => (!needsCode || /^\d{6}$/.test(value) ? null : 'The code is 6 digits.'),
    },
  });

  if (state.status === 'signed-in') return <Navigate to={from} replace />;

  const submit = async (values: SignInValues) => {
    setProblem(null);
    setSubmitting(true);
    try {
      const session = await api.post<SessionView>('/api/session', {
        username: values.username.trim(),
        password: values.password,
        ...(needsCode ? { totpCode: values.totpCode } : {}),
      }, { quietOnSignedOut: true });
      acceptSession(session);
      await navigate(from, { replace: true });
    } catch (error) {
      if (isApiError(error, 'SECOND_FACTOR_REQUIRED')) {
        setNeedsCode(true);
      } else if (isApiError(error, 'SECOND_FACTOR_INVALID')) {
        form.setFieldError('totpCode', error.message);
      } else if (isApiError(error, 'ACCOUNT_LOCKED')) {
        setProblem({ title: 'Account locked', message: error.message });
      } else if (isApiError(error, 'VALIDATION_FAILED')) {
        if (!applyFieldErrors(error, form.setFieldError)) setProblem({ title: 'Could not sign in', message: error.message });
      } else {
        setProblem({ title: 'Could not sign in', message: error instanceof Error ? error.message : 'Something went wrong.' });
      }
    } finally {
      setSubmitting(false);
    }
  };

  const signedOutMessage = state.status === 'signed-out' ? state.message : null;

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={form.onSubmit((values) => void submit(values))} noValidate>
          <Stack>
            <div>
              <Title order={1} size="h2">Medassist</Title>
              <Text c="dimmed">Sign in to the clinic workspace.</Text>
            </div>
            {signedOutMessage && !problem ? (
              <Alert color="blue" variant="light" role="status">{signedOutMessage}</Alert>
            ) : null}
            {problem ? (
              <Alert color={problem.title === 'Account locked' ? 'orange' : 'red'} variant="light" title={problem.title} role="alert">
                {problem.message}
              </Alert>
            ) : null}
            <TextInput label="Username" autoComplete="username" autoFocus required {...form.getInputProps('username')} />
            <TextInput type="password" label="Password" autoComplete="current-password" required {...form.getInputProps('password')} />
            {needsCode ? (
              <TextInput
                label="6-digit code"
                description="From the authenticator app on your phone."
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                autoFocus
                {...form.getInputProps('totpCode')}
              />
            ) : null}
            <Button type="submit" loading={submitting} fullWidth>Sign in</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
