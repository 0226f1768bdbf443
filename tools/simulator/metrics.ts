// Latencies per operation, responses by status, errors by kind, and the windows in which a server
// process was killed (a 500 or a refused connection inside one is expected, outside one it fails the run).

export interface OperationFigures { operation: string; count: number; perSecond: number; p50: number; p95: number; p99: number; max: number }

/** A stretch of the run measured on its own: the booking race is a flood by design, the day is the mixed workload at its offered rate. */
export interface PhaseFigures extends Omit<OperationFigures, 'operation'> {
  phase: string;
  seconds: number;
  /** The run's 10-second windows within the phase: the busiest one, and the one with the worst p99. */
  busiestWindow: WindowFigures | null;
  worstWindow: WindowFigures | null;
  windows: WindowFigures[];
}

export interface WindowFigures { startsAtSecond: number; perSecond: number; p50: number; p99: number }

const WINDOW_MS = 10_000;

function summarize(values: number[], seconds: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: values.length, perSecond: values.length / Math.max(0.001, seconds), p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 };
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

/** Error codes the workload provokes on purpose (contention, concurrent edits): counted, not failures. */
export const EXPECTED_CONFLICTS = new Set(['SLOT_TAKEN', 'VERSION_CONFLICT', 'ROOM_NOT_READY', 'ROOM_OCCUPIED', 'INVALID_STATUS_TRANSITION', 'NO_FOLLOW_UP_SLOT', 'RATE_LIMITED']);

export class Metrics {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  /** Each with the request's start and end (wall clock): a request in flight when a server died belongs to that window. */
  readonly serverErrors: { startedAt: number; at: number; operation: string; status: number }[] = [];
  readonly networkErrors: { startedAt: number; at: number; operation: string; code: string }[] = [];
  readonly killedWindows: { from: number; to: number }[] = [];
  readonly sseLags: number[] = [];
  /** Every answered request's end (wall clock) and latency, for the phase and window figures. */
  private readonly answered: { endedAt: number; ms: number }[] = [];
  readonly phases: { name: string; from: number; to: number }[] = [];
  counters = new Map<string, number>();
  startedAt = 0;
  endedAt = 0;

  record(operation: string, status: number, ms: number, errorCode?: string, startedAt = Date.now() - ms): void {
    if (status < 500) {
      const list = this.latencies.get(operation);
      if (list) list.push(ms);
      else this.latencies.set(operation, [ms]);
      this.answered.push({ endedAt: startedAt + ms, ms });
    }
    if (status >= 400) {
      const kind = `${status} ${errorCode ?? ''}`.trim();
      this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    }
    if (status >= 500) this.serverErrors.push({ startedAt, at: Date.now(), operation, status });
  }

  networkError(operation: string, code: string, startedAt = Date.now()): void {
    this.errors.set(`network ${code}`, (this.errors.get(`network ${code}`) ?? 0) + 1);
    this.networkErrors.push({ startedAt, at: Date.now(), operation, code });
  }

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  /** Whether a request from `startedAt` to `endedAt` overlapped a window in which a server (or the database) was down. */
  inKilledWindow(startedAt: number, endedAt = startedAt): boolean {
    return this.killedWindows.some((window) => startedAt <= window.to && endedAt >= window.from);
  }

  /** Marks a phase of the run from now until `endPhase`. */
  startPhase(name: string): void {
    this.phases.push({ name, from: Date.now(), to: Number.POSITIVE_INFINITY });
  }

  endPhase(): void {
    const phase = this.phases.at(-1);
    if (phase && phase.to === Number.POSITIVE_INFINITY) phase.to = Date.now();
  }

  phaseFigures(): PhaseFigures[] {
    return this.phases.map((phase) => {
      const to = Number.isFinite(phase.to) ? phase.to : this.endedAt;
      const inPhase = this.answered.filter((item) => item.endedAt >= phase.from && item.endedAt < to);
      const windows: WindowFigures[] = [];
      for (let start = phase.from; start + WINDOW_MS <= to; start += WINDOW_MS) {
        const values = inPhase.filter((item) => item.endedAt >= start && item.endedAt < start + WINDOW_MS).map((item) => item.ms);
        if (values.length === 0) continue;
        const figures = summarize(values, WINDOW_MS / 1000);
        windows.push({ startsAtSecond: Math.round((start - phase.from) / 1000), perSecond: figures.perSecond, p50: figures.p50, p99: figures.p99 });
      }
      const busiest = windows.reduce<WindowFigures | null>((best, window) => (!best || window.perSecond > best.perSecond ? window : best), null);
      const worst = windows.reduce<WindowFigures | null>((best, window) => (!best || window.p99 > best.p99 ? window : best), null);
      const seconds = (to - phase.from) / 1000;
      return { phase: phase.name, seconds, ...summarize(inPhase.map((item) => item.ms), seconds), busiestWindow: busiest, worstWindow: worst, windows };
    });
  }

  figures(): OperationFigures[] {
    const seconds = Math.max(0.001, (this.endedAt - this.startedAt) / 1000);
    const rows = [...this.latencies.entries()].map(([operation, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return {
        operation, count: values.length, perSecond: values.length / seconds,
        p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0,
      };
    });
    rows.sort((a, b) => b.count - a.count);
    const all = [...this.latencies.values()].flat().sort((a, b) => a - b);
    rows.push({ operation: 'ALL', count: all.length, perSecond: all.length / seconds, p50: percentile(all, 0.5), p95: percentile(all, 0.95), p99: percentile(all, 0.99), max: all.at(-1) ?? 0 });
    return rows;
  }
}
