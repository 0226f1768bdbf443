import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { LiveEventData } from '../../../contracts/platform/live.contract.js';

export type LiveConnection = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * Which cached queries an event on a topic makes stale. Topics are `flow-board:<locationId>`,
 * `rooms:<locationId>`, `schedule:<locationId>` and `inbox`; the keys are the first segments the
 * area query modules use, so invalidation refetches every view of that location.
 */
export function queryKeysForTopic(topic: string): QueryKey[] {
  const [kind, locationId] = topic.split(':');
  switch (kind) {
    case 'flow-board':
      // Critical-vital raised/acknowledged events ride this topic too: the exam room's encounter views refresh.
      return locationId ? [['flow-board', locationId], ['exam-rooms', locationId], ['schedule', locationId], ['encounters']] : [['flow-board']];
    case 'rooms':
      return locationId ? [['exam-rooms', locationId], ['flow-board', locationId]] : [['exam-rooms']];
    case 'schedule':
      return locationId ? [['schedule', locationId], ['flow-board', locationId], ['open-slots']] : [['schedule']];
    case 'inbox':
      return [['tasks']];
    default:
      return [];
  }
}

/** One parsed server-sent event (only the fields this app reads). */
export interface SseMessage {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

/**
 * Splits a server-sent-events text stream into messages (WHATWG rules: blank line ends a
 * message, `:` lines are comments, several `data:` lines join with newlines). Answers the
 * complete messages and the unfinished rest, to be prefixed to the next chunk.
 */
export function parseSseChunk(buffer: string): { messages: SseMessage[]; rest: string } {
  const messages: SseMessage[] = [];
  const normalized = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalized.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | undefined;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) messages.push({ id, event, data: data.join('\n') });
  }
  return { messages, rest };
}

const RETRY_MS = [500, 1000, 2000, 5000];

/**
 * Subscribes this screen to live topics (`GET /api/live`, server-sent events) and refetches the
 * queries an event makes stale; the payload carries only ids and statuses.
 *
 * Read with fetch rather than EventSource because the server names each event by its type
 * (`event: appointment.arrived`), and EventSource only hands named events to listeners
 * registered for each name. On a dropped connection it reconnects with `Last-Event-ID`, so the
 * server replays what was missed, and refetches everything watched in case it could not.
 *
 * @example const live = useLiveTopics([`flow-board:${locationId}`, `rooms:${locationId}`]);
 */
export function useLiveTopics(topics: readonly string[]): LiveConnection {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<LiveConnection>('connecting');
  const topicList = [...new Set(topics.filter(Boolean))].sort().join(',');

  useEffect(() => {
    if (!topicList) return undefined;
    const controller = new AbortController();
    let lastEventId: string | undefined;
    let attempt = 0;
    let stopped = false;

    const invalidate = (topic: string) => {
      for (const queryKey of queryKeysForTopic(topic)) void queryClient.invalidateQueries({ queryKey });
    };
    const invalidateAll = () => topicList.split(',').forEach(invalidate);

    const run = async () => {
      while (!stopped) {
        try {
          const headers: Record<string, string> = { accept: 'text/event-stream' };
          if (lastEventId) headers['last-event-id'] = lastEventId;
          const response = await fetch(`/api/live?${new URLSearchParams({ topics: topicList }).toString()}`, {
            headers, credentials: 'same-origin', cache: 'no-store', signal: controller.signal,
          });
          if (response.status === 401 || response.status === 403) {
            setConnection('closed');
            return;
          }
          if (!response.ok || !response.body) throw new Error(`live stream answered ${response.status}`);
          if (attempt > 0) invalidateAll();
          attempt = 0;
          setConnection('open');
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            const parsed = parseSseChunk(buffer + value);
            buffer = parsed.rest;
            for (const message of parsed.messages) {
              if (message.id) lastEventId = message.id;
              try {
                invalidate((JSON.parse(message.data) as LiveEventData).topic);
              } catch {
                invalidateAll();
              }
            }
          }
        } catch (error) {
          if (controller.signal.aborted) return;
          void error;
        }
        if (stopped) return;
        setConnection('reconnecting');
        const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 5000;
        attempt += 1;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    };
    void run();
    return () => {
      stopped = true;
      controller.abort();
    };
  }, [queryClient, topicList]);

  return connection;
}
