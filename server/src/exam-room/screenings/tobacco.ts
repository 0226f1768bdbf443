import { AppError } from '../../platform/index.js';
import type { AnswerIssue } from './screening-answers.js';

export type TobaccoStatus = 'current' | 'former' | 'never';

export interface TobaccoAnswers {
  status: unknown;
  packsPerDay?: unknown;
  yearsSmoked?: unknown;
}

export interface TobaccoResult {
  status: TobaccoStatus;
  /** Packs per day × years smoked (NCI Dictionary of Cancer Terms, "pack year"); 0 for never. */
  packYears: number;
}

const statuses: readonly TobaccoStatus[] = ['current', 'former', 'never'];
const maxPacksPerDay = 10;
const maxYearsSmoked = 100;

function readAmount(value: unknown, field: string, max: number, issues: AnswerIssue[]): number {
  if (value === undefined || value === null) {
    issues.push({ field, message: 'Required for a current or former smoker.' });
  } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    issues.push({ field, message: `Must be a number from 0 to ${max}.` });
  } else {
    return value;
  }
  return 0;
}

/**
 * Records tobacco use and computes pack-years (packs per day × years), the measure USPSTF (2021)
 * uses for lung-cancer screening eligibility (≥ 20 pack-years).
 */
export function assessTobaccoUse(answers: TobaccoAnswers): TobaccoResult {
  const issues: AnswerIssue[] = [];
  const status = statuses.find((candidate) => candidate === answers.status);
  if (!status) {
    throw new AppError('VALIDATION_FAILED', { issues: [{ field: 'status', message: 'Choose current, former or never.' }] });
  }
  if (status === 'never') return { status, packYears: 0 };
  const packsPerDay = readAmount(answers.packsPerDay, 'packsPerDay', maxPacksPerDay, issues);
  const yearsSmoked = readAmount(answers.yearsSmoked, 'yearsSmoked', maxYearsSmoked, issues);
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', { issues });
  return { status, packYears: Math.round(packsPerDay * yearsSmoked * 100) / 100 };
}
