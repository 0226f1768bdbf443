import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startRepeatingRounds } from './repeating-rounds.js';

describe('startRepeatingRounds', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('works off a backlog of full batches at once, then waits for the next tick', async () => {
    const answers = [5, 5, 2, 5, 1];
    const calls: number[] = [];
    const stop = startRepeatingRounds(
      async () => {
        calls.push(Date.now());
        return answers.shift() ?? 0;
      },
      { intervalMs: 1000, batchSize: 5 },
      () => {},
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(3); // 5 (full), 5 (full), 2 (partial: stop until the next tick)
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(5); // 5 (full), 1
    await stop();
  });

  it('keeps a steady trickle to one round per tick', async () => {
    let calls = 0;
    const stop = startRepeatingRounds(
      async () => {
        calls += 1;
        return 3;
      },
      { intervalMs: 100, batchSize: 2000 },
      () => {},
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(10);
    await stop();
  });

  it('reports a failed round and runs the next one on the next tick', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const stop = startRepeatingRounds(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('connection lost');
        return 0;
      },
      { intervalMs: 100, batchSize: 10 },
      (error) => errors.push(error),
    );
    await vi.advanceTimersByTimeAsync(200);
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
    await stop();
  });

  it('never starts when the interval is zero', async () => {
    let calls = 0;
    const stop = startRepeatingRounds(async () => ++calls, { intervalMs: 0, batchSize: 1 }, () => {});
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(0);
    await stop();
  });
});
