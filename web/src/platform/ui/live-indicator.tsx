import { Badge, Tooltip } from '@mantine/core';
import type { LiveConnection } from '../live.js';

const labels: Record<LiveConnection, { text: string; color: string; help: string }> = {
  connecting: { text: 'Connecting…', color: 'gray', help: 'Opening the live connection.' },
  open: { text: 'Live', color: 'green', help: 'Changes appear here as they happen.' },
  reconnecting: { text: 'Reconnecting…', color: 'orange', help: 'The live connection dropped; it reconnects by itself and catches up.' },
  closed: { text: 'Not live', color: 'red', help: 'Live updates are off; the page refreshes every minute.' },
};

export function LiveIndicator({ connection }: { connection: LiveConnection }) {
  const label = labels[connection];
  return (
    <Tooltip label={label.help}>
      <Badge variant="dot" color={label.color} size="lg" data-testid="live-indicator" data-state={connection}>{label.text}</Badge>
    </Tooltip>
  );
}
