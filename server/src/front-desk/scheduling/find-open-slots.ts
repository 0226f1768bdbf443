import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { AppError } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { findBusyRanges, findTemplateBlocks, getLocationAndType } from './scheduling.repository.js';
import { findOpenSlots as computeOpenSlots, localDateOf, localDayBounds, type OpenSlot } from './slots.js';

/**
 * Days searched per round trip, 120 in all. Across all providers one working day nearly always
 * fills the list, so the first week goes a day at a time (a closed day costs one small template
 * query); for one provider, a week at a time.
 */
const windowsFor = (oneProvider: boolean): readonly number[] => (oneProvider ? [7, 14, 28, 71] : [1, 1, 1, 1, 1, 1, 1, 14, 28, 71]);

export interface OpenSlotQuery {
  locationId: string;
  appointmentTypeId: string;
  providerId?: string | undefined;
  preferredProviderId?: string | undefined;
  /** The patient the slot is for: times when they are already booked (with anyone) are not offered. */
  patientId?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/** Weekdays (0 = Sunday) of the local dates from `fromDate` to `toDate`, inclusive. */
function weekdaysBetween(fromDate: string, toDate: string): number[] {
  const weekdays = new Set<number>();
  for (let day = DateTime.fromISO(fromDate); day.toISODate()! <= toDate && weekdays.size < 7; day = day.plus({ days: 1 })) {
    weekdays.add(day.weekday % 7);
  }
  return [...weekdays];
}

/** "Next open 20-minute follow-up with this provider (or any) after a date": ranked slots, earliest first. */
export async function searchOpenSlots(db: Kysely<Database>, organizationId: string, query: OpenSlotQuery, now = new Date()): Promise<Array<OpenSlot & { providerName: string }>> {
  // Few round trips, one after another: on a busy database server, parallel queries only compete.
  const found = await getLocationAndType(db, organizationId, query.locationId, query.appointmentTypeId);
  if (!found) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
  if (!found.typeId || !found.isActive || found.durationMinutes === null) throw new AppError('APPOINTMENT_TYPE_NOT_FOUND', { field: 'appointmentTypeId' });
  const location = { id: found.id, timeZone: found.timeZone };
  const type = { id: found.typeId, durationMinutes: found.durationMinutes };
  const after = query.after ? new Date(query.after) : now;
  const firstDate = localDateOf(after > now ? after : now, location.timeZone);
  const names = new Map<string, string>();
  const slots: OpenSlot[] = [];
  let offset = 0;
  let searchedAnyTemplate = false;
  for (const days of windowsFor(!!query.providerId)) {
    if (slots.length >= query.limit) break;
    const fromDate = DateTime.fromISO(firstDate).plus({ days: offset }).toISODate()!;
    const toDate = DateTime.fromISO(firstDate).plus({ days: offset + days - 1 }).toISODate()!;
    offset += days;
    // Only the blocks of the window's weekdays: a one-day window reads a fifth of a week's templates.
    const weekdays = days >= 7 ? undefined : weekdaysBetween(fromDate, toDate);
    const templates = await findTemplateBlocks(db, organizationId, { locationId: query.locationId, providerId: query.providerId, appointmentTypeId: query.appointmentTypeId, weekdays });
    if (templates.length === 0) continue;
    searchedAnyTemplate = true;
    for (const row of templates) names.set(row.providerId, row.providerCredentials ? `${row.providerName}, ${row.providerCredentials}` : row.providerName);
    const providerIds = [...new Set(templates.map((template) => template.providerId))];
    const from = localDayBounds(fromDate, location.timeZone).startsAt;
    const to = localDayBounds(toDate, location.timeZone).endsAt;
    const busy = await findBusyRanges(db, organizationId, location.id, providerIds, from, to, query.patientId);
    slots.push(...computeOpenSlots({
      templates, busy, timeZone: location.timeZone, appointmentTypeId: type.id, durationMinutes: type.durationMinutes,
      after, now, fromDate, toDate, preferredProviderId: query.preferredProviderId ?? null, limit: query.limit - slots.length,
    }));
  }
  if (!searchedAnyTemplate) return [];
  return slots.map((slot) => ({ ...slot, providerName: names.get(slot.providerId) ?? '' }));
}
