export interface RoundSchedule {
  /** How often a round starts; 0 or less turns the worker off. */
  intervalMs: number;
  /** The most a round handles at once. A round that handled this many left a backlog. */
  batchSize: number;
}

/**
 * Runs a background round every `intervalMs` until the returned stop is awaited. A round answers
 * how many items it handled; a full batch means more are waiting, so the backlog is worked off at
 * once instead of waiting for the next tick. A partial batch waits for the tick: under steady load
 * (audit entries arrive with every request) going again at once would run a round per handful of
 * items. Rounds never overlap, and an error is reported through `onError` without stopping later
 * rounds.
 */
export function startRepeatingRounds(round: () => Promise<number>, schedule: RoundSchedule, onError: (error: unknown) => void): () => Promise<void> {
  if (schedule.intervalMs <= 0) return async () => {};
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      while (!stopped && (await round()) >= schedule.batchSize) {
        // a full batch: keep going while there is a backlog
      }
    } catch (error) {
      if (!stopped) onError(error);
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, schedule.intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
