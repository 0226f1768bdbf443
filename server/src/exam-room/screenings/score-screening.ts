import type { ScreeningInstrumentName } from '../../../../contracts/exam-room/screenings.js';
import { AppError } from '../../platform/index.js';
import { scoreAuditC, type AuditCSex } from './alcohol.js';
import { scoreGad7 } from './anxiety.js';
import { scorePhq2, scorePhq9 } from './depression.js';
import { fallRiskQuestions, screenFallRisk } from './fall-risk.js';
import { assessTobaccoUse } from './tobacco.js';

/**
 * Positive cut-points for the instruments whose scoring module gives a band, not a yes/no:
 * PHQ-9 ≥ 10 (moderate or worse; Kroenke 2001, the usual referral point) and GAD-7 ≥ 10
 * (Spitzer 2006, the cut-point validated for GAD). A current smoker screens positive (the provider
 * offers cessation help, USPSTF 2021).
 */
export const phq9PositiveAt = 10;
export const gad7PositiveAt = 10;

export interface ScoredScreening {
  /** The answers as stored: item numbers for questionnaires, the validated fields otherwise. */
  answers: unknown;
  total: number | null;
  band: string;
  isPositive: boolean;
  needsUrgentFollowUp: boolean;
  nextInstrument: ScreeningInstrumentName | null;
}

/** Reads questionnaire answers given as a list, or as `{ item1, item2, … }`. */
function itemList(answers: unknown): unknown[] {
  if (Array.isArray(answers)) return answers;
  if (answers && typeof answers === 'object') {
    const record = answers as Record<string, unknown>;
    const count = Object.keys(record).length;
    return Array.from({ length: count }, (_, index) => record[`item${index + 1}`]);
  }
  throw new AppError('VALIDATION_FAILED', { field: 'answers', issues: [{ field: 'answers', message: 'Send one answer per question.' }] });
}

function record(answers: unknown): Record<string, unknown> {
  if (answers && typeof answers === 'object' && !Array.isArray(answers)) return answers as Record<string, unknown>;
  throw new AppError('VALIDATION_FAILED', { field: 'answers', issues: [{ field: 'answers', message: 'Send the answers by question name.' }] });
}

/** Re-throws a scoring module's validation error with fields under `answers.` so the form finds the question. */
function underAnswers<T>(score: () => T): T {
  try {
    return score();
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.issues) {
      const issues = error.issues.map((issue) => ({ field: issue.field === 'answers' ? issue.field : `answers.${issue.field}`, message: issue.message }));
      throw new AppError('VALIDATION_FAILED', { field: issues[0]?.field, issues });
    }
    throw error;
  }
}

/** Scores one screening with the instrument's published rules; throws VALIDATION_FAILED naming each bad answer. */
export function scoreScreening(instrument: ScreeningInstrumentName, answers: unknown, sex: AuditCSex): ScoredScreening {
  return underAnswers((): ScoredScreening => {
    switch (instrument) {
      case 'phq-2': {
        const result = scorePhq2(itemList(answers));
        return {
          answers: result.items, total: result.total, band: result.isPositive ? 'positive' : 'negative',
          isPositive: result.isPositive, needsUrgentFollowUp: false, nextInstrument: result.needsPhq9 ? 'phq-9' : null,
        };
      }
      case 'phq-9': {
        const result = scorePhq9(itemList(answers));
        return {
          answers: result.items, total: result.total, band: result.severity,
          isPositive: result.total >= phq9PositiveAt || result.needsUrgentSafetyFollowUp,
          needsUrgentFollowUp: result.needsUrgentSafetyFollowUp, nextInstrument: null,
        };
      }
      case 'gad-7': {
        const result = scoreGad7(itemList(answers));
        return { answers: result.items, total: result.total, band: result.severity, isPositive: result.total >= gad7PositiveAt, needsUrgentFollowUp: false, nextInstrument: null };
      }
      case 'audit-c': {
        const result = scoreAuditC(itemList(answers), sex);
        return { answers: result.items, total: result.total, band: result.isPositive ? 'positive' : 'negative', isPositive: result.isPositive, needsUrgentFollowUp: false, nextInstrument: null };
      }
      case 'fall-risk': {
        const given = record(answers);
        const result = screenFallRisk(given);
        const stored = Object.fromEntries(fallRiskQuestions.map((question) => [question, given[question] === true]));
        return {
          answers: stored, total: result.positiveAnswers.length, band: result.isAtRisk ? 'at-risk' : 'not-at-risk',
          isPositive: result.isAtRisk, needsUrgentFollowUp: false, nextInstrument: null,
        };
      }
      case 'tobacco': {
        const given = record(answers);
        const result = assessTobaccoUse({ status: given.status, packsPerDay: given.packsPerDay, yearsSmoked: given.yearsSmoked });
        const stored = result.status === 'never' ? { status: result.status } : { status: result.status, packsPerDay: given.packsPerDay, yearsSmoked: given.yearsSmoked };
        return { answers: stored, total: result.packYears, band: result.status, isPositive: result.status === 'current', needsUrgentFollowUp: false, nextInstrument: null };
      }
    }
  });
}

const instrumentNames: Record<ScreeningInstrumentName, string> = {
  'phq-2': 'PHQ-2', 'phq-9': 'PHQ-9', 'gad-7': 'GAD-7', 'audit-c': 'AUDIT-C', 'fall-risk': 'Fall risk (STEADI)', tobacco: 'Tobacco use',
};

/** The instrument's name as the inbox and the PDF show it. */
export function instrumentName(instrument: ScreeningInstrumentName): string {
  return instrumentNames[instrument];
}

/** What the MA is told after recording: the safety instruction first, then the cascade. */
export function messageForMedicalAssistant(scored: ScoredScreening): string | null {
  if (scored.needsUrgentFollowUp) {
    return 'PHQ-9 item 9 is positive. Stay with the patient and do not leave them alone; the provider has an urgent task and must see the patient before they leave.';
  }
  if (scored.nextInstrument === 'phq-9') return 'PHQ-2 is positive: ask the PHQ-9 now.';
  if (scored.isPositive) return 'Positive screen: the provider has been flagged.';
  return null;
}
