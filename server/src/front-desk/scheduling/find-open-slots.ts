import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { AppError } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { findBusyRanges, findTemplateBlocks, getLocationAndType } from './scheduling.repository.js';
import { findOpenSlots as computeOpenSlots, localDateOf, localDayBounds, type OpenSlot } from './slots.js';

/**
 * Days searched per round trip, 120 in all: with many providers the first day usually fills the
 * list; one provider's week does.
 */
const windowsFor = (providers: number): readonly number[] => (providers <= 3 ? [7, 14, 28, 71] : [1, 6, 14, 28, 71]);

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
  // Few round trips, one after another: on a busy database server, parallel queries only compete.
  const found = await getLocationAndType(db, organizationId, query.locationId, query.appointmentTypeId);
  if (!found) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
  if (!found.typeId || !found.isActive || found.durationMinutes === null) throw new AppError('APPOINTMENT_TYPE_NOT_FOUND', { field: 'appointmentTypeId' });
  const location = { id: found.id, timeZone: found.timeZone };
  const type = { id: found.typeId, durationMinutes: found.durationMinutes };
  const templates = await findTemplateBlocks(db, organizationId, { locationId: query.locationId, providerId: query.providerId, appointmentTypeId: query.appointmentTypeId });
  if (templates.length === 0) return [];
  const providerIds = [...new Set(templates.map((template) => template.providerId))];
  const names = new Map(templates.map((row) => [row.providerId, row.providerCredentials ? `${row.providerName}, ${row.providerCredentials}` : row.providerName]));
  const after = query.after ? new Date(query.after) : now;
  const firstDate = localDateOf(after > now ? after : now, location.timeZone);
  const slots: OpenSlot[] = [];
  let offset = 0;
  for (const days of windowsFor(providerIds.length)) {
    if (slots.length >= query.limit) break;
    const fromDate = DateTime.fromISO(firstDate).plus({ days: offset }).toISODate()!;
    const toDate = DateTime.fromISO(firstDate).plus({ days: offset + days - 1 }).toISODate()!;
    offset += days;
    const from = localDayBounds(fromDate, location.timeZone).startsAt;
    const to = localDayBounds(toDate, location.timeZone).endsAt;
    const busy = await findBusyRanges(db, organizationId, location.id, providerIds, from, to);
    slots.push(...computeOpenSlots({
      templates, busy, timeZone: location.timeZone, appointmentTypeId: type.id, durationMinutes: type.durationMinutes,
      after, now, fromDate, toDate, preferredProviderId: query.preferredProviderId ?? null, limit: query.limit - slots.length,
    }));
  }
  return slots.map((slot) => ({ ...slot, providerName: names.get(slot.providerId) ?? '' }));
}
