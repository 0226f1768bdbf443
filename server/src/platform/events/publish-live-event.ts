import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * The NOTIFY channel that carries a committed live event to every server process: the event itself
 * as JSON (so no process has to read it back), or only its id when it would not fit a notification.
 */
export const LIVE_CHANNEL = 'medassist_live';
/** PostgreSQL refuses a notification payload of 8,000 bytes or more. */
const NOTIFY_PAYLOAD_LIMIT = 7_900;

export interface LiveEventInput {
  organizationId: string;
  /** What screens subscribe to, e.g. `flow-board:<locationId>`, `rooms:<locationId>`, `schedule:<locationId>`, `inbox`. */
  topic: string;
  /** What happened, e.g. `appointment.arrived`; it becomes the SSE `event:` name. */
  type: string;
  /** Ids and statuses only: screens refetch what they show. Never names, dates of birth or notes. */
  payload?: Record<string, unknown>;
}

/**
 * Records a live event in the caller's transaction and signals it to every server process with
 * `pg_notify`, which PostgreSQL (and PGlite) deliver only at commit: a rolled-back change is never
 * shown, and a committed one reaches open screens (`GET /api/live`) within a second.
 *
 * @example
 * await publishLiveEvent(trx, { organizationId, topic: `flow-board:${locationId}`, type: 'appointment.arrived', payload: { appointmentId, status: 'arrived' } });
 */
export async function publishLiveEvent(
  trx: Transaction<Database> | Kysely<Database>,
  event: LiveEventInput,
): Promise<{ id: number }> {
  const [published] = await publishLiveEvents(trx, [event]);
  if (!published) throw new Error('live event was not recorded');
  return published;
}

/** Several live events of one change (e.g. a visit's flow-board move and its room's new state) in one statement, in order. */
export async function publishLiveEvents(
  trx: Transaction<Database> | Kysely<Database>,
  events: readonly LiveEventInput[],
): Promise<Array<{ id: number }>> {
  if (events.length === 0) return [];
  const result = await sql<{ id: string | number }>`
    with inserted as (
      insert into live_events (organization_id, topic, type, payload)
      select organization_id, topic, type, payload::jsonb
      from unnest(${events.map((event) => event.organizationId)}::uuid[], ${events.map((event) => event.topic)}::text[],
        ${events.map((event) => event.type)}::text[], ${events.map((event) => JSON.stringify(event.payload ?? {}))}::text[])
        with ordinality as input(organization_id, topic, type, payload, position)
      order by position
      returning id, organization_id, topic, type, payload
    )
    select id, pg_notify(${LIVE_CHANNEL}, case when octet_length(message) < ${NOTIFY_PAYLOAD_LIMIT} then message else id::text end)
    from (
      select id, json_build_object('id', id, 'organizationId', organization_id, 'topic', topic, 'type', type, 'payload', payload)::text as message
      from inserted
    ) as notified
    order by id
  `.execute(trx);
  if (result.rows.length !== events.length) throw new Error('live events were not recorded');
  return result.rows.map((row) => ({ id: Number(row.id) }));
}
