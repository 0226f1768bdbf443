// Shared by the benchmarks: percentiles, figures as rows, one printed table.
import { pathToFileURL } from 'node:url';

export interface Figure {
  benchmark: string;
  metric: string;
  value: string;
}

export function percentile(sortedMs: readonly number[], fraction: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil(fraction * sortedMs.length) - 1));
  return sortedMs[index]!;
}

/** p50/p95/p99 of a list of durations, as figures. */
export function latencyFigures(benchmark: string, label: string, durationsMs: number[], fractions = [0.5, 0.95, 0.99]): Figure[] {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return fractions.map((fraction) => ({
    benchmark,
    metric: `${label} p${Math.round(fraction * 100)}`,
    value: `${percentile(sorted, fraction).toFixed(2)} ms`,
  }));
}

export function printTable(figures: readonly Figure[]): void {
  const header = { benchmark: 'benchmark', metric: 'metric', value: 'value' };
  const rows = [header, ...figures];
  const width = (key: keyof Figure) => Math.max(...rows.map((row) => row[key].length));
  const [b, m, v] = [width('benchmark'), width('metric'), width('value')];
  const line = (row: Figure) => `${row.benchmark.padEnd(b)}  ${row.metric.padEnd(m)}  ${row.value.padStart(v)}`;
  console.log(line(header));
  console.log(`${'-'.repeat(b)}  ${'-'.repeat(m)}  ${'-'.repeat(v)}`);
  for (const row of figures) console.log(line(row));
}

/** True when the module at `url` is the script node was started with. */
export const isMain = (url: string) => process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;
