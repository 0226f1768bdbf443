import type { Role } from '../../platform/db/platform.table.js';
import type { AppointmentStatus } from '../scheduling/scheduling.table.js';

/** Who moves a visit along: the front desk (arrival, checkout, exceptions) or clinical staff (rooming, provider). */
export type FlowTeam = 'front-desk' | 'clinical';

interface Transition {
  to: AppointmentStatus;
  by: readonly FlowTeam[];
}

const frontDesk: readonly FlowTeam[] = ['front-desk'];
const clinical: readonly FlowTeam[] = ['clinical'];
const both: readonly FlowTeam[] = ['front-desk', 'clinical'];

/**
 * The visit's path through the clinic (DOMAIN.md §2.1): scheduled → arrived → roomed →
 * ready-for-provider → with-provider → checkout → done, with backward moves (the provider steps
 * out: with-provider → ready-for-provider; a patient sent back to the waiting room) and the
 * exceptions: no-show and cancelled only from scheduled, left-without-being-seen after arrival and
 * before the provider, entered-in-error before anyone has seen the patient.
 */
export const flowTransitions: Readonly<Record<AppointmentStatus, readonly Transition[]>> = {
  scheduled: [
    { to: 'arrived', by: frontDesk },
    { to: 'no-show', by: frontDesk },
    { to: 'cancelled', by: frontDesk },
    { to: 'entered-in-error', by: frontDesk },
  ],
  arrived: [
    { to: 'roomed', by: clinical },
    { to: 'left-without-being-seen', by: both },
    { to: 'scheduled', by: frontDesk },
    { to: 'entered-in-error', by: frontDesk },
  ],
  roomed: [
    { to: 'ready-for-provider', by: clinical },
    { to: 'with-provider', by: clinical },
    { to: 'arrived', by: clinical },
    { to: 'left-without-being-seen', by: both },
  ],
  'ready-for-provider': [
    { to: 'with-provider', by: clinical },
    { to: 'roomed', by: clinical },
    { to: 'left-without-being-seen', by: both },
  ],
  'with-provider': [
    { to: 'checkout', by: both },
    { to: 'ready-for-provider', by: clinical },
  ],
  checkout: [
    { to: 'done', by: frontDesk },
    { to: 'with-provider', by: clinical },
  ],
  'no-show': [{ to: 'scheduled', by: frontDesk }],
  done: [],
  cancelled: [],
  'left-without-being-seen': [],
  'entered-in-error': [],
};

/** Statuses in which the patient is in an exam room. */
export const inRoomStatuses: readonly AppointmentStatus[] = ['roomed', 'ready-for-provider', 'with-provider'];

/** Statuses from which nothing moves on: the visit is over. */
export function isFinal(status: AppointmentStatus): boolean {
  return flowTransitions[status].length === 0;
}

/** The statuses a visit may move to next from `from`, whoever moves it. */
export function allowedNextStatuses(from: AppointmentStatus): AppointmentStatus[] {
  return flowTransitions[from].map((transition) => transition.to);
}

/** The teams a person belongs to for flow purposes; a manager covers both. */
export function flowTeamsOf(roles: readonly Role[]): FlowTeam[] {
  const teams = new Set<FlowTeam>();
  for (const role of roles) {
    if (role === 'front-desk' || role === 'manager') teams.add('front-desk');
    if (role === 'medical-assistant' || role === 'nurse' || role === 'provider' || role === 'manager') teams.add('clinical');
  }
  return [...teams];
}

/** The statuses someone holding `roles` may move a visit to next from `from` (the same rule `decideTransition` applies). */
export function allowedNextStatusesFor(from: AppointmentStatus, roles: readonly Role[]): AppointmentStatus[] {
  const teams = flowTeamsOf(roles);
  return flowTransitions[from].filter((transition) => transition.by.some((team) => teams.includes(team))).map((transition) => transition.to);
}

export type TransitionDecision =
  | { allowed: true }
  | { allowed: false; reason: 'invalid-transition'; allowedNext: AppointmentStatus[] }
  | { allowed: false; reason: 'not-your-step'; teams: FlowTeam[] };

/** Whether someone holding `roles` may move a visit from `from` to `to`. */
export function decideTransition(from: AppointmentStatus, to: AppointmentStatus, roles: readonly Role[]): TransitionDecision {
  const transition = flowTransitions[from].find((candidate) => candidate.to === to);
  if (!transition) return { allowed: false, reason: 'invalid-transition', allowedNext: allowedNextStatuses(from) };
  const teams = flowTeamsOf(roles);
  if (!transition.by.some((team) => teams.includes(team))) return { allowed: false, reason: 'not-your-step', teams: [...transition.by] };
  return { allowed: true };
}
