import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { AppError } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { findBookedRanges, findExceptionRanges, findTemplateBlocks, getLocation } from './scheduling.repository.js';
import { findOpenSlots as computeOpenSlots, localDateOf, localDayBounds, type OpenSlot } from './slots.js';

/** Days searched per round trip: growing, since most searches end on the first day or two; 120 days in all. */
const WINDOW_DAYS = [2, 5, 7, 14, 28, 64] as const;

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
  // Independent reads go out together: the search is a handful of round trips, not a chain of them.
  const [location, type, templates] = await Promise.all([
    getLocation(db, organizationId, query.locationId),
    db.selectFrom('appointmentTypes').select(['id', 'durationMinutes', 'isActive']).where('id', '=', query.appointmentTypeId).where('organizationId', '=', organizationId).executeTakeFirst(),
    findTemplateBlocks(db, organizationId, { locationId: query.locationId, providerId: query.providerId, appointmentTypeId: query.appointmentTypeId }),
  ]);
  if (!location) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
  if (!type || !type.isActive) throw new AppError('APPOINTMENT_TYPE_NOT_FOUND', { field: 'appointmentTypeId' });
  if (templates.length === 0) return [];
  const providerIds = [...new Set(templates.map((template) => template.providerId))];
  const namesQuery = db.selectFrom('staffMembers').select(['id', 'displayName', 'credentials']).where('id', 'in', providerIds).execute();
  const after = query.after ? new Date(query.after) : now;
  const firstDate = localDateOf(after > now ? after : now, location.timeZone);
  const found: OpenSlot[] = [];
  let offset = 0;
  for (const days of WINDOW_DAYS) {
    if (found.length >= query.limit) break;
    const fromDate = DateTime.fromISO(firstDate).plus({ days: offset }).toISODate()!;
    const toDate = DateTime.fromISO(firstDate).plus({ days: offset + days - 1 }).toISODate()!;
    offset += days;
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
  const names = new Map((await namesQuery).map((row) => [row.id, row.credentials ? `${row.displayName}, ${row.credentials}` : row.displayName]));
  return found.map((slot) => ({ ...slot, providerName: names.get(slot.providerId) ?? '' }));
}
