import { z } from 'zod';

/** A live topic: `inbox`, or an area and an id such as `flow-board:<locationId>`. */
export const liveTopicSchema = z.string().regex(/^[a-z][a-z0-9-]{0,39}(:[A-Za-z0-9-]{1,64})?$/, 'Not a live topic.');

export const liveQuerySchema = z.object({
  /** Comma-separated topics, e.g. `flow-board:<locationId>,rooms:<locationId>`. */
  topics: z
    .string()
    .min(1, 'Name at least one topic.')
    .transform((value) => [...new Set(value.split(',').map((topic) => topic.trim()).filter(Boolean))])
    .pipe(z.array(liveTopicSchema).min(1, 'Name at least one topic.').max(20, 'At most 20 topics.')),
  /** The last event id seen (browsers send the `Last-Event-ID` header instead, which wins). */
  lastEventId: z.coerce.number().int().min(0).optional(),
  /** `1`: send the missed events and end the stream (a catch-up poll; tests). */
  once: z.enum(['0', '1']).optional(),
});

/** The `data:` of every server-sent event on `GET /api/live`; `id:` is the event id, `event:` its type. */
export const liveEventDataSchema = z.object({
  topic: z.string(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
});
export type LiveEventData = z.infer<typeof liveEventDataSchema>;
