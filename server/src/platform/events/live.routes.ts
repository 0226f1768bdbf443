import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { liveQuerySchema, type LiveEventData } from '../../../../contracts/platform/live.contract.js';
import type { LiveEvent, LiveHub } from './live-hub.js';
import { isSessionOpen } from './live-session.js';

const HEARTBEAT_MS = 15_000;
/** A screen this far behind is cut off; it reconnects with Last-Event-ID and catches up. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

function formatEvent(event: LiveEvent): string {
  const data: LiveEventData = { topic: event.topic, type: event.type, payload: event.payload };
  return `id: ${event.id}\nevent: ${event.type.replace(/[\r\n]/g, '')}\ndata: ${JSON.stringify(data)}\n\n`;
}

function lastEventIdFrom(header: string | string[] | undefined, query: number | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return query;
}

/** `GET /api/live?topics=a,b`: a server-sent-events stream of the organization's live events on those topics. */
export async function liveRoutes(appInstance: FastifyInstance, options: { hub: LiveHub }): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();
  const { hub } = options;

  app.get('/api/live', { config: { policy: 'live.subscribe' }, schema: { querystring: liveQuerySchema } }, async (request, reply) => {
    const actor = request.actor!;
    const lastEventId = lastEventIdFrom(request.headers['last-event-id'], request.query.lastEventId);
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    response.write('retry: 2000\n\n');
    let isOpen = true;
    let unsubscribe: (() => void) | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    const finish = () => {
      if (!isOpen) return;
      isOpen = false;
      if (heartbeat) clearInterval(heartbeat);
      unsubscribe?.();
      if (!response.writableEnded) response.end();
    };
    response.on('close', finish);
    response.on('error', finish);
    const send = (text: string) => {
      if (!isOpen) return;
      if (response.writableLength > MAX_BUFFERED_BYTES) return finish();
      response.write(text);
    };
    unsubscribe = await hub.subscribe(
      {
        organizationId: actor.organizationId,
        topics: new Set(request.query.topics),
        deliver: (event) => send(formatEvent(event)),
        end: finish,
      },
      lastEventId,
    );
    if (!isOpen || request.query.once === '1') return finish();
    const sessionId = actor.kind === 'staff' ? actor.sessionId : undefined;
    heartbeat = setInterval(() => {
      send(': heartbeat\n\n');
      if (!sessionId) return;
      // Signed out, deactivated or idle past the limit: the stream ends; the browser's reconnect gets 401.
      isSessionOpen(app.db, sessionId).then(
        (isOpen) => {
          if (!isOpen) finish();
        },
        () => undefined,
      );
    }, HEARTBEAT_MS);
  });
}
