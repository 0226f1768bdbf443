import { bandFor, readItemAnswers, sum, type ScoreBand } from './screening-answers.js';

export type Gad7Severity = 'minimal' | 'mild' | 'moderate' | 'severe';

/**
 * GAD-7 severity bands (range 0–21, items 0–3).
 * Source: Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized
 * anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092–1097 — 5, 10, 15 as mild,
 * moderate and severe.
 */
export const gad7Bands: readonly ScoreBand<Gad7Severity>[] = [
  { band: 'minimal', min: 0, max: 4 },
  { band: 'mild', min: 5, max: 9 },
  { band: 'moderate', min: 10, max: 14 },
  { band: 'severe', min: 15, max: 21 },
];

export interface Gad7Result {
  items: number[];
  total: number;
  severity: Gad7Severity;
}

export function gad7Severity(total: number): Gad7Severity {
  return bandFor(gad7Bands, total);
}

export function scoreGad7(answers: readonly unknown[]): Gad7Result {
  const items = readItemAnswers(answers, 7, 3);
  const total = sum(items);
  return { items, total, severity: gad7Severity(total) };
}
