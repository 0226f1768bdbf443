import { Alert, Button, Center, Code, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { SessionView } from '../../../contracts/platform/session.contract.js';
import { api, applyFieldErrors } from './api.js';
import { useSession } from './session.js';

interface SetupDetails {
  secret: string;
  otpauthUri: string;
}

/** Shown instead of the app when this person's role needs a second factor that is not set up yet. */
export function SecondFactorSetupPage() {
  const { acceptSession, signOut } = useSession();
  const [details, setDetails] = useState<SetupDetails | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (value) => (/^\d{6}$/.test(value) ? null : 'The code is 6 digits.') },
  });

  const start = async () => {
    setProblem(null);
    setBusy(true);
    try {
      setDetails(await api.post<SetupDetails>('/api/session/second-factor/setup'));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'Set-up could not start.');
    } finally {
      setBusy(false);
    }
  };

  const confirm = async ({ code }: { code: string }) => {
    setProblem(null);
    setBusy(true);
    try {
      acceptSession(await api.post<SessionView>('/api/session/second-factor/confirm', { code }));
    } catch (error) {
      if (!applyFieldErrors(error, form.setFieldError, (field) => field === 'code')) {
        setProblem(error instanceof Error ? error.message : 'The code could not be checked.');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={560}>
        <Stack>
          <Title order={1} size="h2">Set up your second factor</Title>
          <Text>
            Your role works with sensitive records, so Medassist asks for a 6-digit code from an authenticator app
            (for example Google Authenticator or Microsoft Authenticator) each time you sign in.
          </Text>
          {problem ? <Alert color="red" variant="light" role="alert">{problem}</Alert> : null}
          {!details ? (
            <Group>
              <Button onClick={() => void start()} loading={busy}>Start set-up</Button>
              <Button variant="subtle" onClick={() => void signOut()}>Sign out</Button>
            </Group>
          ) : (
            <form onSubmit={form.onSubmit((values) => void confirm(values))} noValidate>
              <Stack>
                <Text fw={600}>1. In your authenticator app, add an account and type this key:</Text>
                <Code block data-testid="second-factor-secret" fz="lg">{details.secret}</Code>
                <Text size="sm" c="dimmed">Or, if your app accepts a set-up link, use:</Text>
                <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="second-factor-uri">{details.otpauthUri}</Code>
                <Text fw={600}>2. Enter the 6-digit code the app shows now:</Text>
                <TextInput label="6-digit code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} {...form.getInputProps('code')} />
                <Group>
                  <Button type="submit" loading={busy}>Confirm and continue</Button>
                  <Button variant="subtle" onClick={() => void signOut()}>Sign out</Button>
                </Group>
              </Stack>
            </form>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
