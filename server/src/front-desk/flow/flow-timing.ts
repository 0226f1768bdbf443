import type { AppointmentStatus } from '../scheduling/scheduling.table.js';

/** Statuses in which the patient is waiting on the clinic; time in these is what amber/red warn about. */
export const waitingStatuses: readonly AppointmentStatus[] = ['arrived', 'roomed', 'ready-for-provider', 'checkout'];

export interface FlowThresholds {
  amberMinutes: number;
  redMinutes: number;
  noShowAfterMinutes: number;
}

/** Whole minutes from `since` to `now` (never negative). */
export function minutesBetween(since: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
}

/**
 * Amber once a patient has waited the clinic's amber threshold in one status, red at the red
 * threshold (organization_settings.flow_amber_minutes / flow_red_minutes). Provider face time and
 * finished visits are never coloured.
 */
export function urgencyFor(status: AppointmentStatus, minutesInStatus: number, thresholds: Pick<FlowThresholds, 'amberMinutes' | 'redMinutes'>): 'normal' | 'amber' | 'red' {
  if (!waitingStatuses.includes(status)) return 'normal';
  if (minutesInStatus >= thresholds.redMinutes) return 'red';
  if (minutesInStatus >= thresholds.amberMinutes) return 'amber';
  return 'normal';
}

/** A booked patient not arrived N minutes after the start is suggested as a no-show (DOMAIN.md §3: grace period, e.g. 15 min). */
export function isSuggestedNoShow(status: AppointmentStatus, startsAt: Date, now: Date, noShowAfterMinutes: number): boolean {
  return status === 'scheduled' && now.getTime() >= startsAt.getTime() + noShowAfterMinutes * 60_000;
}
