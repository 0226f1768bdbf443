import { readItemAnswers, sum } from './screening-answers.js';

export type AuditCSex = 'male' | 'female' | 'unknown';

/**
 * AUDIT-C positive cut-points (range 0–12, three items scored 0–4): ≥ 4 for men, ≥ 3 for women.
 * Sources: Bush K et al. The AUDIT alcohol consumption questions (AUDIT-C). Arch Intern Med
 * 1998;158(16):1789–1795; Bradley KA et al. AUDIT-C as a brief screen for alcohol misuse in
 * primary care. Alcohol Clin Exp Res 2007;31(7):1208–1217.
 * When sex is not recorded we use the lower (women's) cut-point so that no positive is missed.
 */
export const auditCPositiveAt: Readonly<Record<AuditCSex, number>> = { male: 4, female: 3, unknown: 3 };

export interface AuditCResult {
  items: number[];
  total: number;
  isPositive: boolean;
}

export function scoreAuditC(answers: readonly unknown[], sex: AuditCSex): AuditCResult {
  const items = readItemAnswers(answers, 3, 4);
  const total = sum(items);
  return { items, total, isPositive: total >= auditCPositiveAt[sex] };
}
