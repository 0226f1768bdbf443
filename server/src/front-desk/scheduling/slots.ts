// Slot rules as pure functions: weekly templates in the location's local time become concrete
// instants (luxon handles daylight-saving changes), minus exceptions, bookings and the past.
import { DateTime } from 'luxon';

export interface TemplateBlock {
  id: string;
  providerId: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  startsAtLocal: string;
  endsAtLocal: string;
  slotMinutes: number;
  appointmentTypeIds: readonly string[];
  isSameDayHold: boolean;
  effectiveFrom: string;
  effectiveUntil: string | null;
}

/** Time that is not free: a booking, a provider's exception, or (providerId null) a clinic closure. */
export interface BusyRange {
  providerId: string | null;
  startsAt: Date;
  endsAt: Date;
}

export interface OpenSlot {
  providerId: string;
  startsAt: Date;
  endsAt: Date;
  templateId: string;
  isSameDayHold: boolean;
}

export interface SlotSearch {
  templates: readonly TemplateBlock[];
  busy: readonly BusyRange[];
  timeZone: string;
  appointmentTypeId: string;
  durationMinutes: number;
  /** Earliest start offered (the later of this and `now`). */
  after: Date;
  now: Date;
  /** Local dates searched, inclusive. */
  fromDate: string;
  toDate: string;
  preferredProviderId?: string | null;
  limit: number;
}

/** A template block placed on one local date, as UTC instants. */
export interface PlacedBlock {
  template: TemplateBlock;
  localDate: string;
  startsAt: DateTime;
  endsAt: DateTime;
}

// Many providers share the same block times: resolving a wall-clock time in a zone once per search is enough.
const instantCache = new Map<string, DateTime>();
function localInstant(localDate: string, localTime: string, timeZone: string): DateTime {
  const key = `${timeZone}|${localDate}T${localTime}`;
  let instant = instantCache.get(key);
  if (!instant) {
    if (instantCache.size > 20_000) instantCache.clear();
    instant = DateTime.fromISO(`${localDate}T${localTime}`, { zone: timeZone });
    instantCache.set(key, instant);
  }
  return instant;
}

/** The blocks of these templates on one local date in the zone (8:00 local stays 8:00 local across DST). */
export function placeBlocks(templates: readonly TemplateBlock[], localDate: string, timeZone: string): PlacedBlock[] {
  const weekday = new Date(`${localDate}T00:00:00Z`).getUTCDay(); // a calendar date's weekday needs no zone
  const placed: PlacedBlock[] = [];
  for (const template of templates) {
    if (template.weekday !== weekday) continue;
    if (localDate < template.effectiveFrom || (template.effectiveUntil !== null && localDate > template.effectiveUntil)) continue;
    placed.push({ template, localDate, startsAt: localInstant(localDate, template.startsAtLocal, timeZone), endsAt: localInstant(localDate, template.endsAtLocal, timeZone) });
  }
  return placed;
}

/** Busy ranges per provider, sorted by start, with the running maximum end: overlap checks in O(log n). */
export class BusyIndex {
  private readonly byProvider = new Map<string, { starts: number[]; maxEnds: number[] }>();
  private readonly everyone: { starts: number[]; maxEnds: number[] };

  constructor(busy: readonly BusyRange[]) {
    const grouped = new Map<string | null, BusyRange[]>();
    for (const range of busy) {
      const list = grouped.get(range.providerId) ?? [];
      list.push(range);
      grouped.set(range.providerId, list);
    }
    const build = (ranges: BusyRange[]) => {
      const sorted = [...ranges].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
      const starts = sorted.map((range) => range.startsAt.getTime());
      const maxEnds: number[] = [];
      let max = -Infinity;
      for (const range of sorted) maxEnds.push((max = Math.max(max, range.endsAt.getTime())));
      return { starts, maxEnds };
    };
    this.everyone = build(grouped.get(null) ?? []);
    for (const [providerId, ranges] of grouped) if (providerId !== null) this.byProvider.set(providerId, build(ranges));
  }

  /** True when [start, end) overlaps anything busy for this provider or the whole clinic. */
  overlaps(providerId: string, start: number, end: number): boolean {
    return hits(this.everyone, start, end) || hits(this.byProvider.get(providerId), start, end);
  }
}

function hits(index: { starts: number[]; maxEnds: number[] } | undefined, start: number, end: number): boolean {
  if (!index || index.starts.length === 0) return false;
  let low = 0;
  let high = index.starts.length; // first index whose start >= end
  while (low < high) {
    const middle = (low + high) >> 1;
    if (index.starts[middle]! < end) low = middle + 1;
    else high = middle;
  }
  return low > 0 && index.maxEnds[low - 1]! > start;
}

/** Local dates from `fromDate` to `toDate`, inclusive. */
export function localDates(fromDate: string, toDate: string): string[] {
  const dates: string[] = [];
  const last = Date.parse(`${toDate}T00:00:00Z`);
  for (let day = Date.parse(`${fromDate}T00:00:00Z`); day <= last; day += 86_400_000) dates.push(new Date(day).toISOString().slice(0, 10));
  return dates;
}

/**
 * Open slots for a type of `durationMinutes`, earliest first (the preferred provider first at equal
 * times). A visit takes ceil(duration / slot) contiguous slots inside one block; same-day-hold
 * blocks are offered only on today's local date.
 */
export function findOpenSlots(search: SlotSearch): OpenSlot[] {
  const busy = new BusyIndex(search.busy);
  const earliest = Math.max(search.after.getTime(), search.now.getTime());
  const today = DateTime.fromJSDate(search.now, { zone: search.timeZone }).toISODate();
  const fitting = search.templates.filter((template) => template.appointmentTypeIds.includes(search.appointmentTypeId));
  const slots: OpenSlot[] = [];
  for (const localDate of localDates(search.fromDate, search.toDate)) {
    const daySlots: OpenSlot[] = [];
    for (const block of placeBlocks(fitting, localDate, search.timeZone)) {
      if (block.template.isSameDayHold && localDate !== today) continue;
      const step = block.template.slotMinutes * 60_000;
      const span = Math.ceil(search.durationMinutes / block.template.slotMinutes) * step;
      const blockEnd = block.endsAt.toMillis();
      for (let start = block.startsAt.toMillis(); start + span <= blockEnd; start += step) {
        if (start < earliest) continue;
        if (busy.overlaps(block.template.providerId, start, start + span)) continue;
        daySlots.push({
          providerId: block.template.providerId,
          startsAt: new Date(start),
          endsAt: new Date(start + search.durationMinutes * 60_000),
          templateId: block.template.id,
          isSameDayHold: block.template.isSameDayHold,
        });
      }
    }
    slots.push(...daySlots.sort((a, b) => compareSlots(a, b, search.preferredProviderId ?? null)));
    if (slots.length >= search.limit) break;
  }
  return slots.slice(0, search.limit);
}

function compareSlots(a: OpenSlot, b: OpenSlot, preferred: string | null): number {
  const byTime = a.startsAt.getTime() - b.startsAt.getTime();
  if (byTime !== 0) return byTime;
  const aPreferred = a.providerId === preferred ? 0 : 1;
  const bPreferred = b.providerId === preferred ? 0 : 1;
  if (aPreferred !== bPreferred) return aPreferred - bPreferred;
  return a.providerId.localeCompare(b.providerId);
}

/**
 * The template block a booking fits (type allowed, inside one block, not during an exception or
 * closure, same-day holds only today), or null when it would be booked outside the template.
 */
export function templateFor(
  templates: readonly TemplateBlock[],
  exceptions: readonly BusyRange[],
  booking: { providerId: string; appointmentTypeId: string | null; startsAt: Date; endsAt: Date; now: Date; timeZone: string },
): TemplateBlock | null {
  const localDate = DateTime.fromJSDate(booking.startsAt, { zone: booking.timeZone }).toISODate()!;
  const today = DateTime.fromJSDate(booking.now, { zone: booking.timeZone }).toISODate();
  const start = booking.startsAt.getTime();
  const end = booking.endsAt.getTime();
  if (new BusyIndex(exceptions).overlaps(booking.providerId, start, end)) return null;
  const own = templates.filter((template) => template.providerId === booking.providerId);
  for (const block of placeBlocks(own, localDate, booking.timeZone)) {
    if (booking.appointmentTypeId && !block.template.appointmentTypeIds.includes(booking.appointmentTypeId)) continue;
    if (block.template.isSameDayHold && localDate !== today) continue;
    if (start >= block.startsAt.toMillis() && end <= block.endsAt.toMillis()) return block.template;
  }
  return null;
}

/** The local date of an instant in the zone, 'YYYY-MM-DD'. */
export function localDateOf(instant: Date, timeZone: string): string {
  // most instants fall on a day already worked out for the zone (today, the day searched)
  const time = instant.getTime();
  const known = lastDayByZone.get(timeZone);
  if (known && time >= known.startsAt && time < known.endsAt) return known.localDate;
  const localDate = DateTime.fromJSDate(instant, { zone: timeZone }).toISODate();
  if (!localDate) return localDate!;
  const bounds = dayBounds(localDate, timeZone);
  lastDayByZone.set(timeZone, { localDate, ...bounds });
  return localDate;
}

/** The UTC instants of the start and end of a local date in the zone (23 or 25 hours on DST days). */
export function localDayBounds(localDate: string, timeZone: string): { startsAt: Date; endsAt: Date } {
  const bounds = dayBounds(localDate, timeZone);
  return { startsAt: new Date(bounds.startsAt), endsAt: new Date(bounds.endsAt) };
}

// Day bounds depend only on the date and the zone's rules, so they are kept (a few hundred days at
// most in practice; the map is emptied if it ever grows past the limit).
const DAY_BOUNDS_KEPT = 5_000;
const boundsByDay = new Map<string, { startsAt: number; endsAt: number }>();
const lastDayByZone = new Map<string, { localDate: string; startsAt: number; endsAt: number }>();

function dayBounds(localDate: string, timeZone: string): { startsAt: number; endsAt: number } {
  const key = `${localDate} ${timeZone}`;
  let bounds = boundsByDay.get(key);
  if (!bounds) {
    const start = DateTime.fromISO(localDate, { zone: timeZone }).startOf('day');
    if (!start.isValid) return { startsAt: Number.NaN, endsAt: Number.NaN };
    bounds = { startsAt: start.toMillis(), endsAt: start.plus({ days: 1 }).toMillis() };
    if (boundsByDay.size >= DAY_BOUNDS_KEPT) boundsByDay.clear();
    boundsByDay.set(key, bounds);
  }
  return bounds;
}
