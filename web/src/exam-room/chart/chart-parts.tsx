import { Alert, Button, Text } from '@mantine/core';
import type { StaffRef } from '../../../../contracts/exam-room/histories.js';
import { isApiError } from '../../platform/api.js';
import { formatDateTime } from '../../platform/format.js';
import { ErrorState } from '../../platform/ui/states.js';

/** "Maria Lopez, 11/24/2026, 9:30:00 AM": who recorded something and when. */
export function byLine(staff: StaffRef | null, at: string | null): string {
  const parts = [staff?.name, at ? formatDateTime(at) : null].filter(Boolean);
  return parts.join(', ');
}

export function WhoWhen({ staff, at, prefix = 'Recorded by' }: { staff: StaffRef | null; at: string | null; prefix?: string }) {
  const text = byLine(staff, at);
  if (!text) return null;
  return <Text size="xs" c="dimmed">{prefix} {text}</Text>;
}

/** "YYYY", "YYYY-MM" or "YYYY-MM-DD" shown the US way (MM/YYYY, MM/DD/YYYY). */
export function formatPartialDate(value: string | null): string {
  if (!value) return '';
  const [year, month, day] = value.split('-');
  if (day) return `${month}/${day}/${year}`;
  if (month) return `${month}/${year}`;
  return year ?? value;
}

/**
 * A failed write: a 409 means someone else changed the same list since it was opened, so the
 * person reloads and makes the change again; anything else is the general error panel.
 */
export function WriteProblem({ error, onReload, what = 'list' }: { error: unknown; onReload: () => void; what?: string }) {
  if (!error) return null;
  if (isApiError(error, 'VERSION_CONFLICT')) {
    return (
      <Alert color="orange" variant="light" title={`Someone else changed this ${what}`} role="alert" data-testid="version-conflict">
        <Text>Someone else changed this {what} since you opened it — reload to see their change, then make yours again. Nothing of yours was saved.</Text>
        <Button mt="sm" size="xs" variant="light" color="orange" onClick={onReload}>Reload</Button>
      </Alert>
    );
  }
  return <ErrorState error={error} title="This was not saved" />;
}

/** Empty strings out of optional text fields, so the server's defaults apply. */
export function orNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed ? trimmed : null;
}
