import { AppError } from '../../platform/index.js';

/** A field-level problem with a screening's answers; the form shows `message` under `field`. */
export interface AnswerIssue {
  field: string;
  message: string;
}

/**
 * Reads a questionnaire's item answers as whole numbers in `0..maxPerItem`. Items are named
 * `item1`, `item2`, … so each problem points at the question the patient left blank or the
 * value that is not on the instrument's answer scale. Throws VALIDATION_FAILED with one issue
 * per bad item.
 */
export function readItemAnswers(answers: readonly unknown[], itemCount: number, maxPerItem: number): number[] {
  const issues: AnswerIssue[] = [];
  const items: number[] = [];
  if (answers.length > itemCount) {
    issues.push({ field: 'items', message: `Expected ${itemCount} answers, got ${answers.length}.` });
  }
  for (let index = 0; index < itemCount; index++) {
    const field = `item${index + 1}`;
    const value = answers[index];
    if (value === undefined || value === null) {
      issues.push({ field, message: 'Answer is missing.' });
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > maxPerItem) {
      issues.push({ field, message: `Answer must be a whole number from 0 to ${maxPerItem}.` });
    } else {
      items.push(value);
    }
  }
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', { issues });
  return items;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** A band covers whole-number totals `min..max` inclusive. */
export interface ScoreBand<B extends string> {
  band: B;
  min: number;
  max: number;
}

/** Finds the one band holding `total`; throws if the table has a gap (a programming error). */
export function bandFor<B extends string>(bands: readonly ScoreBand<B>[], total: number): B {
  const match = bands.find((entry) => total >= entry.min && total <= entry.max);
  if (!match) throw new Error(`No band covers total ${total}`);
  return match.band;
}
