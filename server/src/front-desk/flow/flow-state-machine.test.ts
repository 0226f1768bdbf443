import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appointmentStatuses } from '../scheduling/scheduling.table.js';
import { allowedNextStatuses, allowedNextStatusesFor, decideTransition, flowTransitions, inRoomStatuses, isFinal } from './flow-state-machine.js';

const status = fc.constantFrom(...appointmentStatuses);

describe('visit status state machine', () => {
  it('walks the happy path from scheduled to done with the right team at each step', () => {
    const path = ['scheduled', 'arrived', 'roomed', 'ready-for-provider', 'with-provider', 'checkout', 'done'] as const;
    const movers = [['front-desk'], ['medical-assistant'], ['medical-assistant'], ['provider'], ['provider'], ['front-desk']] as const;
    for (let step = 0; step < path.length - 1; step++) {
      expect(decideTransition(path[step]!, path[step + 1]!, [...movers[step]!])).toEqual({ allowed: true });
    }
  });

  it('lets the provider step out and back (with-provider → ready-for-provider → with-provider)', () => {
    expect(decideTransition('with-provider', 'ready-for-provider', ['provider']).allowed).toBe(true);
    expect(decideTransition('ready-for-provider', 'with-provider', ['provider']).allowed).toBe(true);
  });

  it('allows no-show and cancelled only from scheduled', () => {
    for (const from of appointmentStatuses) {
      expect(allowedNextStatuses(from).includes('no-show'), from).toBe(from === 'scheduled');
      expect(allowedNextStatuses(from).includes('cancelled'), from).toBe(from === 'scheduled');
    }
  });

  it('allows left-without-being-seen after arrival and before the provider only', () => {
    const from = appointmentStatuses.filter((candidate) => allowedNextStatuses(candidate).includes('left-without-being-seen'));
    expect(from.sort()).toEqual(['arrived', 'ready-for-provider', 'roomed']);
  });

  it('names the allowed next states when a transition is invalid', () => {
    expect(decideTransition('scheduled', 'with-provider', ['provider'])).toEqual({
      allowed: false, reason: 'invalid-transition', allowedNext: ['arrived', 'no-show', 'cancelled', 'entered-in-error'],
    });
  });

  it('keeps each team to its steps: the front desk does not room, an MA does not check out', () => {
    expect(decideTransition('arrived', 'roomed', ['front-desk'])).toMatchObject({ allowed: false, reason: 'not-your-step' });
    expect(decideTransition('checkout', 'done', ['medical-assistant'])).toMatchObject({ allowed: false, reason: 'not-your-step' });
    expect(decideTransition('scheduled', 'arrived', ['medical-assistant'])).toMatchObject({ allowed: false, reason: 'not-your-step' });
    expect(decideTransition('arrived', 'roomed', ['manager']).allowed).toBe(true);
    expect(decideTransition('arrived', 'roomed', ['biller'])).toMatchObject({ allowed: false, reason: 'not-your-step' });
  });

  it('never allows a move that is not in the table, for any role (property)', () => {
    fc.assert(
      fc.property(status, status, fc.subarray(['front-desk', 'medical-assistant', 'nurse', 'provider', 'biller', 'manager', 'admin'] as const), (from, to, roles) => {
        const decision = decideTransition(from, to, roles);
        if (decision.allowed) expect(allowedNextStatuses(from)).toContain(to);
        if (!allowedNextStatuses(from).includes(to)) expect(decision).toMatchObject({ allowed: false, reason: 'invalid-transition' });
      }),
    );
  });

  it('offers a caller exactly the moves decideTransition would allow them (property)', () => {
    fc.assert(
      fc.property(status, fc.subarray(['front-desk', 'medical-assistant', 'nurse', 'provider', 'biller', 'manager', 'admin'] as const), (from, roles) => {
        expect(allowedNextStatusesFor(from, roles)).toEqual(allowedNextStatuses(from).filter((to) => decideTransition(from, to, roles).allowed));
      }),
    );
  });

  it('reaches done from every non-final status, and final statuses go nowhere (property)', () => {
    const reachesDone = (from: string, seen = new Set<string>()): boolean => {
      if (from === 'done') return true;
      seen.add(from);
      return flowTransitions[from as keyof typeof flowTransitions].some((t) => !seen.has(t.to) && reachesDone(t.to, seen));
    };
    fc.assert(
      fc.property(status, (from) => {
        if (isFinal(from)) expect(allowedNextStatuses(from)).toEqual([]);
        else if (from !== 'no-show') expect(reachesDone(from)).toBe(true);
      }),
    );
    expect(inRoomStatuses.every((s) => !isFinal(s))).toBe(true);
  });
});
