import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { AppError } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { findBookedRanges, findExceptionRanges, findTemplateBlocks, getLocation } from './scheduling.repository.js';
import { findOpenSlots as computeOpenSlots, localDateOf, localDayBounds, type OpenSlot } from './slots.js';

/** Days searched per round trip, and how far ahead the search gives up. */
const WINDOW_DAYS = 14;
const HORIZON_DAYS = 120;

export interface OpenSlotQuery {
  locationId: string;
  appointmentTypeId: string;
  providerId?: string | undefined;
  preferredProviderId?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/** "Next open 20-minute follow-up with this provider (or any) after a date": ranked slots, earliest first. */
export async function searchOpenSlots(db: Kysely<Database>, organizationId: string, query: OpenSlotQuery, now = new Date()): Promise<Array<OpenSlot & { providerName: string }>> {
  const location = await getLocation(db, organizationId, query.locationId);
  if (!location) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
  const type = await db.selectFrom('appointmentTypes').select(['id', 'durationMinutes', 'isActive']).where('id', '=', query.appointmentTypeId).where('organizationId', '=', organizationId).executeTakeFirst();
  if (!type || !type.isActive) throw new AppError('APPOINTMENT_TYPE_NOT_FOUND', { field: 'appointmentTypeId' });
  const templates = await findTemplateBlocks(db, organizationId, { locationId: location.id, providerId: query.providerId, appointmentTypeId: type.id });
  if (templates.length === 0) return [];
  const providerIds = [...new Set(templates.map((template) => template.providerId))];
  const names = new Map(
    (await db.selectFrom('staffMembers').select(['id', 'displayName', 'credentials']).where('id', 'in', providerIds).execute())
      .map((row) => [row.id, row.credentials ? `${row.displayName}, ${row.credentials}` : row.displayName]),
  );
  const after = query.after ? new Date(query.after) : now;
  const firstDate = localDateOf(after > now ? after : now, location.timeZone);
  const found: OpenSlot[] = [];
  for (let offset = 0; offset < HORIZON_DAYS && found.length < query.limit; offset += WINDOW_DAYS) {
    const fromDate = DateTime.fromISO(firstDate).plus({ days: offset }).toISODate()!;
    const toDate = DateTime.fromISO(firstDate).plus({ days: Math.min(offset + WINDOW_DAYS, HORIZON_DAYS) - 1 }).toISODate()!;
    const from = localDayBounds(fromDate, location.timeZone).startsAt;
    const to = localDayBounds(toDate, location.timeZone).endsAt;
    const [exceptions, booked] = await Promise.all([
      findExceptionRanges(db, organizationId, location.id, from, to),
      findBookedRanges(db, organizationId, providerIds, from, to),
    ]);
    found.push(...computeOpenSlots({
      templates, busy: [...exceptions, ...booked], timeZone: location.timeZone, appointmentTypeId: type.id, durationMinutes: type.durationMinutes,
      after, now, fromDate, toDate, preferredProviderId: query.preferredProviderId ?? null, limit: query.limit - found.length,
    }));
  }
  return found.map((slot) => ({ ...slot, providerName: names.get(slot.providerId) ?? '' }));
}
