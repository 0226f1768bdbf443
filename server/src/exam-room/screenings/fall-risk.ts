import { AppError } from '../../platform/index.js';
import type { AnswerIssue } from './screening-answers.js';

/**
 * CDC STEADI "three key questions" for adults 65 and older: any "yes" means the patient is at
 * risk of falling and needs a full fall-risk assessment.
 * Source: CDC STEADI — Algorithm for Fall Risk Screening, Assessment, and Intervention (2019).
 */
export interface FallRiskAnswers {
  hasFallenInPastYear: boolean;
  feelsUnsteady: boolean;
  worriesAboutFalling: boolean;
}

export const fallRiskQuestions = ['hasFallenInPastYear', 'feelsUnsteady', 'worriesAboutFalling'] as const;

export interface FallRiskResult {
  isAtRisk: boolean;
  /** The questions answered yes. */
  positiveAnswers: (typeof fallRiskQuestions)[number][];
}

export function screenFallRisk(answers: Partial<Record<(typeof fallRiskQuestions)[number], unknown>>): FallRiskResult {
  const issues: AnswerIssue[] = [];
  for (const question of fallRiskQuestions) {
    if (typeof answers[question] !== 'boolean') issues.push({ field: question, message: 'Answer yes or no.' });
  }
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', { issues });
  const positiveAnswers = fallRiskQuestions.filter((question) => answers[question] === true);
  return { isAtRisk: positiveAnswers.length > 0, positiveAnswers };
}
