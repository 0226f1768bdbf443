import { describe, expect, it } from 'vitest';
import { decide, policyTable, staffRoles, type PolicyAction } from './policy-table.js';

// DOMAIN.md §6: an MA may not diagnose, prescribe, sign orders, approve refills or interpret results.
const providerDecisions: PolicyAction[] = [
  'problem.confirm-diagnosis', 'prescription.write', 'order.sign', 'refill.approve', 'result.interpret', 'result.review',
  'rooming-summary.sign-off', 'vitals.reinterpret',
];

describe('scope-of-practice policy', () => {
  it.each(providerDecisions)('refuses %s to a medical assistant, with a reason that routes it to a provider', (action) => {
    const decision = decide(action, ['medical-assistant']);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) expect(decision.reason).toMatch(/provider/);
    expect(decide(action, ['provider']).allowed).toBe(true);
  });

  it('lets a medical assistant do the work MAs do: vitals, rooming, pending an order, preparing a refill', () => {
    for (const action of ['vitals.record', 'encounter.room', 'order.pend', 'refill.prepare', 'vaccine.administer', 'specimen.collect'] as const) {
      expect(decide(action, ['medical-assistant']).allowed, action).toBe(true);
    }
  });

  it('gives a person with several roles the union of them', () => {
    expect(decide('audit.view', ['front-desk']).allowed).toBe(false);
    expect(decide('audit.view', ['front-desk', 'manager']).allowed).toBe(true);
  });

  it('denies by default: a role that no rule names gets nothing clinical', () => {
    expect(decide('vitals.record', ['biller']).allowed).toBe(false);
    expect(decide('patient.merge', ['admin']).allowed).toBe(false);
  });

  it('names a refusal reason for every action and only known roles', () => {
    for (const [action, rule] of Object.entries(policyTable)) {
      expect(rule.refusal.length, action).toBeGreaterThan(5);
      for (const role of rule.allow) expect([...staffRoles, 'integration'], action).toContain(role);
    }
  });
});
