import { describe, expect, it } from 'vitest';
import { isSuggestedNoShow, minutesBetween, urgencyFor } from './flow-timing.js';

const thresholds = { amberMinutes: 15, redMinutes: 30 };

describe('flow board timing', () => {
  it('turns a wait amber at the amber threshold and red at the red threshold', () => {
    expect(urgencyFor('arrived', 14, thresholds)).toBe('normal');
    expect(urgencyFor('arrived', 15, thresholds)).toBe('amber');
    expect(urgencyFor('ready-for-provider', 29, thresholds)).toBe('amber');
    expect(urgencyFor('ready-for-provider', 30, thresholds)).toBe('red');
  });

  it('never colours provider face time, booked or finished visits', () => {
    for (const status of ['with-provider', 'scheduled', 'done', 'cancelled'] as const) expect(urgencyFor(status, 500, thresholds)).toBe('normal');
  });

  it('suggests a no-show only for a booked patient past the grace period', () => {
    const start = new Date('2030-01-01T15:00:00Z');
    expect(isSuggestedNoShow('scheduled', start, new Date('2030-01-01T15:14:59Z'), 15)).toBe(false);
    expect(isSuggestedNoShow('scheduled', start, new Date('2030-01-01T15:15:00Z'), 15)).toBe(true);
    expect(isSuggestedNoShow('arrived', start, new Date('2030-01-01T16:00:00Z'), 15)).toBe(false);
  });

  it('counts whole minutes and never negative ones', () => {
    expect(minutesBetween(new Date(0), new Date(119_000))).toBe(1);
    expect(minutesBetween(new Date(60_000), new Date(0))).toBe(0);
  });
});
