/**
 * Runs a background round every `intervalMs` (0 or less: never) until the returned stop is awaited.
 * A round answers how many items it handled; while that is more than zero the backlog is worked
 * off at once instead of waiting for the next tick. Rounds never overlap, and an error is reported
 * through `onError` without stopping later rounds.
 */
export function startRepeatingRounds(round: () => Promise<number>, intervalMs: number, onError: (error: unknown) => void): () => Promise<void> {
  if (intervalMs <= 0) return async () => {};
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      while (!stopped && (await round()) > 0) {
        // keep going while there is a backlog
      }
    } catch (error) {
      if (!stopped) onError(error);
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
