import { bandFor, readItemAnswers, sum, type ScoreBand } from './screening-answers.js';

/** Every PHQ item is scored 0 (not at all) to 3 (nearly every day). */
export const phqItemMax = 3;

/**
 * PHQ-2 positive cut-point: a total ≥ 3 (range 0–6) screens positive and cascades to the PHQ-9.
 * Source: Kroenke K, Spitzer RL, Williams JBW. The Patient Health Questionnaire-2: validity of a
 * two-item depression screener. Med Care 2003;41(11):1284–1292.
 */
export const phq2PositiveAt = 3;

export interface Phq2Result {
  items: number[];
  total: number;
  isPositive: boolean;
  /** A positive PHQ-2 is followed by the full PHQ-9. */
  needsPhq9: boolean;
}

/** Scores the PHQ-2 (items 1–2 of the PHQ-9). */
export function scorePhq2(answers: readonly unknown[]): Phq2Result {
  const items = readItemAnswers(answers, 2, phqItemMax);
  const total = sum(items);
  const isPositive = total >= phq2PositiveAt;
  return { items, total, isPositive, needsPhq9: isPositive };
}

export type Phq9Severity = 'none-minimal' | 'mild' | 'moderate' | 'moderately-severe' | 'severe';

/**
 * PHQ-9 severity bands (range 0–27).
 * Source: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity
 * measure. J Gen Intern Med 2001;16(9):606–613 — 5, 10, 15, 20 as mild, moderate, moderately
 * severe and severe.
 */
export const phq9Bands: readonly ScoreBand<Phq9Severity>[] = [
  { band: 'none-minimal', min: 0, max: 4 },
  { band: 'mild', min: 5, max: 9 },
  { band: 'moderate', min: 10, max: 14 },
  { band: 'moderately-severe', min: 15, max: 19 },
  { band: 'severe', min: 20, max: 27 },
];

export interface Phq9Result {
  items: number[];
  total: number;
  severity: Phq9Severity;
  /**
   * Item 9 ("thoughts that you would be better off dead, or of hurting yourself") answered above
   * 0: the provider must be told at once through an urgent task, whatever the total.
   */
  needsUrgentSafetyFollowUp: boolean;
}

export function phq9Severity(total: number): Phq9Severity {
  return bandFor(phq9Bands, total);
}

/** Scores the PHQ-9 and raises the item-9 safety flag. */
export function scorePhq9(answers: readonly unknown[]): Phq9Result {
  const items = readItemAnswers(answers, 9, phqItemMax);
  const total = sum(items);
  return { items, total, severity: phq9Severity(total), needsUrgentSafetyFollowUp: (items[8] ?? 0) > 0 };
}
