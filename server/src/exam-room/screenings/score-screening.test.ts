import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/index.js';
import { scoreScreening } from './score-screening.js';

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return (error.issues ?? []).map((issue) => issue.field);
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('scoring a screening for storage', () => {
  it('flags PHQ-9 item 9 as urgent whatever the total, and positive from a total of 10', () => {
    expect(scoreScreening('phq-9', [0, 0, 0, 0, 0, 0, 0, 0, 1], 'unknown')).toMatchObject({ total: 1, band: 'none-minimal', isPositive: true, needsUrgentFollowUp: true });
    expect(scoreScreening('phq-9', [1, 1, 1, 1, 1, 1, 1, 2, 0], 'unknown')).toMatchObject({ total: 9, band: 'mild', isPositive: false, needsUrgentFollowUp: false });
    expect(scoreScreening('phq-9', [1, 1, 1, 1, 1, 1, 1, 3, 0], 'unknown')).toMatchObject({ total: 10, band: 'moderate', isPositive: true });
  });

  it('cascades a positive PHQ-2 to the PHQ-9', () => {
    expect(scoreScreening('phq-2', { item1: 1, item2: 2 }, 'unknown')).toMatchObject({ total: 3, nextInstrument: 'phq-9' });
    expect(scoreScreening('phq-2', [1, 1], 'unknown')).toMatchObject({ total: 2, nextInstrument: null, isPositive: false });
  });

  it('names each bad answer under answers.', () => {
    expect(issuesOf(() => scoreScreening('gad-7', [0, 0, 7, 0, 0, 0], 'unknown'))).toEqual(['answers.item3', 'answers.item7']);
    expect(issuesOf(() => scoreScreening('fall-risk', { hasFallenInPastYear: 'yes' }, 'unknown'))).toEqual(['answers.hasFallenInPastYear', 'answers.feelsUnsteady', 'answers.worriesAboutFalling']);
    expect(issuesOf(() => scoreScreening('tobacco', [1], 'unknown'))).toEqual(['answers']);
  });
});
