import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { isApiError } from '../api.js';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" gap={4} py="xl">
      <Text fw={600}>{title}</Text>
      {children ? <Text c="dimmed" ta="center">{children}</Text> : null}
    </Stack>
  );
}

/** The server refused this action for this role: show its words plainly. */
export function NotAllowedPanel({ message }: { message: string }) {
  return (
    <Alert color="orange" variant="light" title="Not allowed" role="alert" data-testid="not-allowed">
      <Text>{message}</Text>
      <Text size="sm" c="dimmed" mt="xs">If you need this, ask your practice manager.</Text>
    </Alert>
  );
}

/** One place that turns any failed request into a calm, readable panel. */
export function ErrorState({ error, onRetry, title = 'This could not be loaded' }: { error: unknown; onRetry?: () => void; title?: string }) {
  if (isApiError(error, 'FORBIDDEN_BY_POLICY') || isApiError(error, 'SECOND_FACTOR_SETUP_REQUIRED')) {
    return <NotAllowedPanel message={error.message} />;
  }
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  const requestId = isApiError(error) ? error.requestId : undefined;
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      <Stack gap="xs">
        <Text>{message}</Text>
        {isApiError(error) && error.issues.length > 0 ? (
          <ul style={{ margin: 0 }}>{error.issues.map((issue, index) => <li key={`${issue.field}-${index}`}>{issue.message}</li>)}</ul>
        ) : null}
        {requestId ? <Text size="xs" c="dimmed">Reference: {requestId}</Text> : null}
        {onRetry ? (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>Try again</Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}
