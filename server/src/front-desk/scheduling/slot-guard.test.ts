import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/schema.js';
import { withSlotGuard } from './book-appointment.js';

// The database is only consulted after an exclusion violation; these runs never raise one.
const unusedDb = {} as Kysely<Database>;
const failWith = (code: string) => Object.assign(new Error(`database error ${code}`), { code });

describe('withSlotGuard', () => {
  it('runs a booking again after PostgreSQL breaks a deadlock or a serialization failure', async () => {
    for (const code of ['40P01', '40001']) {
      let attempts = 0;
      const result = await withSlotGuard(unusedDb, 'org', () => undefined, async () => {
        attempts += 1;
        if (attempts === 1) throw failWith(code);
        return 'booked';
      });
      expect([code, result, attempts]).toEqual([code, 'booked', 2]);
    }
  });

  it('gives up after three attempts, and never repeats other failures', async () => {
    let deadlocks = 0;
    await expect(withSlotGuard(unusedDb, 'org', () => undefined, async () => {
      deadlocks += 1;
      throw failWith('40P01');
    })).rejects.toMatchObject({ code: '40P01' });
    expect(deadlocks).toBe(3);

    let others = 0;
    await expect(withSlotGuard(unusedDb, 'org', () => undefined, async () => {
      others += 1;
      throw failWith('23505');
    })).rejects.toMatchObject({ code: '23505' });
    expect(others).toBe(1);
  });
});
