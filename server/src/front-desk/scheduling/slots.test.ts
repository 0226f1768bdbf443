import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { findOpenSlots, localDateOf, localDayBounds, templateFor, type BusyRange, type TemplateBlock } from './slots.js';

const zone = 'America/Chicago';
const followUp = 'type-follow-up';
const newPatient = 'type-new-patient';

const block = (overrides: Partial<TemplateBlock> = {}): TemplateBlock => ({
  id: 'tpl-mon-am', providerId: 'dr-a', weekday: 1, startsAtLocal: '08:00', endsAtLocal: '12:00', slotMinutes: 20,
  appointmentTypeIds: [followUp, newPatient], isSameDayHold: false, effectiveFrom: '2026-01-01', effectiveUntil: null, ...overrides,
});

const search = (overrides: Partial<Parameters<typeof findOpenSlots>[0]> = {}) =>
  findOpenSlots({
    templates: [block()], busy: [], timeZone: zone, appointmentTypeId: followUp, durationMinutes: 20,
    after: new Date('2026-01-01T00:00:00Z'), now: new Date('2026-01-01T00:00:00Z'),
    fromDate: '2026-03-02', toDate: '2026-03-02', limit: 100, ...overrides,
  });

describe('expanding weekly templates across daylight-saving changes', () => {
  it('keeps a Monday 8:00 block at 8:00 local on both sides of the March change (the UTC instant moves an hour)', () => {
    const before = search({ fromDate: '2026-03-02', toDate: '2026-03-02' });
    const after = search({ fromDate: '2026-03-09', toDate: '2026-03-09' });
    expect(before[0]!.startsAt.toISOString()).toBe('2026-03-02T14:00:00.000Z'); // CST, UTC-6
    expect(after[0]!.startsAt.toISOString()).toBe('2026-03-09T13:00:00.000Z'); // CDT, UTC-5
    expect(before).toHaveLength(12);
    expect(after).toHaveLength(12);
  });

  it('keeps a Monday 8:00 block at 8:00 local on both sides of the November change', () => {
    const before = search({ fromDate: '2026-10-26', toDate: '2026-10-26' });
    const after = search({ fromDate: '2026-11-02', toDate: '2026-11-02' });
    expect(before[0]!.startsAt.toISOString()).toBe('2026-10-26T13:00:00.000Z');
    expect(after[0]!.startsAt.toISOString()).toBe('2026-11-02T14:00:00.000Z');
    expect(after.at(-1)!.endsAt.toISOString()).toBe('2026-11-02T18:00:00.000Z'); // 12:00 CST
  });

  it('places a Sunday block on the change days themselves at local wall-clock time', () => {
    const sunday = block({ weekday: 0, startsAtLocal: '09:00', endsAtLocal: '10:00' });
    const spring = search({ templates: [sunday], fromDate: '2026-03-08', toDate: '2026-03-08' });
    const autumn = search({ templates: [sunday], fromDate: '2026-11-01', toDate: '2026-11-01' });
    expect(spring.map((slot) => slot.startsAt.toISOString())).toEqual(['2026-03-08T14:00:00.000Z', '2026-03-08T14:20:00.000Z', '2026-03-08T14:40:00.000Z']);
    expect(autumn[0]!.startsAt.toISOString()).toBe('2026-11-01T15:00:00.000Z');
  });

  it('knows a DST day is 23 or 25 hours long', () => {
    const spring = localDayBounds('2026-03-08', zone);
    const autumn = localDayBounds('2026-11-01', zone);
    expect((spring.endsAt.getTime() - spring.startsAt.getTime()) / 3_600_000).toBe(23);
    expect((autumn.endsAt.getTime() - autumn.startsAt.getTime()) / 3_600_000).toBe(25);
  });

  it('gives the local date of any instant, across midnights, DST changes and zones asked in turn', () => {
    const zones = [zone, 'Pacific/Honolulu', 'Australia/Lord_Howe', 'America/New_York'];
    // every 37 minutes across both 2026 DST changes, each zone in turn, and back in time now and then
    const start = Date.parse('2026-03-07T00:00:00Z');
    const instants = Array.from({ length: 400 }, (_, index) => start + index * 37 * 60_000)
      .concat(Array.from({ length: 400 }, (_, index) => Date.parse('2026-10-31T00:00:00Z') + index * 37 * 60_000));
    for (const [index, time] of instants.entries()) {
      for (const timeZone of index % 5 === 0 ? [...zones].reverse() : zones) {
        const at = new Date(index % 7 === 0 ? time - 86_400_000 : time);
        expect(localDateOf(at, timeZone), `${at.toISOString()} in ${timeZone}`).toBe(DateTime.fromJSDate(at, { zone: timeZone }).toISODate());
      }
    }
    // the bounds a caller gets are its own: changing them changes nothing kept
    const bounds = localDayBounds('2026-03-09', zone);
    bounds.startsAt.setTime(0);
    expect(localDayBounds('2026-03-09', zone).startsAt.toISOString()).toBe('2026-03-09T05:00:00.000Z');
  });
});

describe('what removes a slot', () => {
  it('removes slots a vacation covers, and every provider’s slots during a clinic closure', () => {
    const other = block({ id: 'tpl-b', providerId: 'dr-b' });
    const vacation: BusyRange = { providerId: 'dr-a', startsAt: new Date('2026-03-02T14:00:00Z'), endsAt: new Date('2026-03-02T16:00:00Z') };
    const withVacation = search({ templates: [block(), other], busy: [vacation] });
    expect(withVacation.filter((slot) => slot.providerId === 'dr-a')).toHaveLength(6);
    expect(withVacation.filter((slot) => slot.providerId === 'dr-b')).toHaveLength(12);
    const closure: BusyRange = { providerId: null, startsAt: new Date('2026-03-02T06:00:00Z'), endsAt: new Date('2026-03-03T06:00:00Z') };
    expect(search({ templates: [block(), other], busy: [closure] })).toEqual([]);
  });

  it('removes every slot a booking overlaps, also partly', () => {
    const booking: BusyRange = { providerId: 'dr-a', startsAt: new Date('2026-03-02T14:10:00Z'), endsAt: new Date('2026-03-02T14:30:00Z') };
    const slots = search({ busy: [booking] });
    expect(slots.map((slot) => slot.startsAt.toISOString()).slice(0, 2)).toEqual(['2026-03-02T14:40:00.000Z', '2026-03-02T15:00:00.000Z']);
  });

  it('offers nothing in the past', () => {
    const slots = search({ now: new Date('2026-03-02T17:05:00Z') });
    expect(slots.map((slot) => slot.startsAt.toISOString())).toEqual(['2026-03-02T17:20:00.000Z', '2026-03-02T17:40:00.000Z']);
  });

  it('needs ceil(duration / slot) contiguous free slots inside one block for a longer visit', () => {
    const booking: BusyRange = { providerId: 'dr-a', startsAt: new Date('2026-03-02T14:40:00Z'), endsAt: new Date('2026-03-02T15:00:00Z') };
    const slots = search({ appointmentTypeId: newPatient, durationMinutes: 40, busy: [booking] });
    const starts = slots.map((slot) => slot.startsAt.toISOString());
    expect(starts[0]).toBe('2026-03-02T14:00:00.000Z');
    expect(starts).not.toContain('2026-03-02T14:20:00.000Z');
    expect(starts.at(-1)).toBe('2026-03-02T17:20:00.000Z'); // 11:20–12:00 is the last that fits the block
    expect(slots[0]!.endsAt.toISOString()).toBe('2026-03-02T14:40:00.000Z');
  });

  it('offers a same-day-hold block only on the same day', () => {
    const hold = block({ id: 'hold', isSameDayHold: true, startsAtLocal: '13:00', endsAtLocal: '14:00', slotMinutes: 15 });
    expect(search({ templates: [hold], now: new Date('2026-02-27T15:00:00Z') })).toEqual([]);
    expect(search({ templates: [hold], now: new Date('2026-03-02T14:00:00Z'), durationMinutes: 15 })).toHaveLength(4);
  });

  it('ignores templates for other types and outside their effective dates', () => {
    expect(search({ templates: [block({ appointmentTypeIds: [newPatient] })] })).toEqual([]);
    expect(search({ templates: [block({ effectiveUntil: '2026-03-01' })] })).toEqual([]);
  });
});

describe('ranking', () => {
  it('lists earliest first and the preferred provider first at the same time', () => {
    const other = block({ id: 'tpl-b', providerId: 'dr-b' });
    const slots = search({ templates: [block(), other], preferredProviderId: 'dr-b', limit: 3 });
    expect(slots.map((slot) => slot.providerId)).toEqual(['dr-b', 'dr-a', 'dr-b']);
    expect(slots).toHaveLength(3);
  });
});

describe('does a booking fit the template', () => {
  const booking = { providerId: 'dr-a', appointmentTypeId: followUp, startsAt: new Date('2026-03-09T13:00:00Z'), endsAt: new Date('2026-03-09T13:20:00Z'), now: new Date('2026-03-01T00:00:00Z'), timeZone: zone };
  it('fits inside a block and not outside it, during an exception, or for a type the block does not take', () => {
    expect(templateFor([block()], [], booking)?.id).toBe('tpl-mon-am');
    expect(templateFor([block()], [], { ...booking, startsAt: new Date('2026-03-09T12:40:00Z'), endsAt: new Date('2026-03-09T13:00:00Z') })).toBeNull();
    expect(templateFor([block()], [{ providerId: 'dr-a', startsAt: booking.startsAt, endsAt: booking.endsAt }], booking)).toBeNull();
    expect(templateFor([block()], [], { ...booking, appointmentTypeId: 'type-other' })).toBeNull();
  });
});
