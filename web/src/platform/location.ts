import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { z } from 'zod';
import type { organizationViewSchema } from '../../../contracts/platform/organization.contract.js';
import { api } from './api.js';

export type OrganizationView = z.infer<typeof organizationViewSchema>;
export type ClinicLocation = OrganizationView['locations'][number];

export function useOrganization() {
  return useQuery({
    queryKey: ['organization'],
    queryFn: ({ signal }) => api.get<OrganizationView>('/api/organization', { signal }),
    staleTime: 5 * 60_000,
  });
}

/**
 * The location this screen works on: `?location=<id>` when given, otherwise the clinic's first
 * location. Kept in the address (not in web storage) so a wall display can be bookmarked.
 */
export function useCurrentLocation(): { location: ClinicLocation | undefined; locations: ClinicLocation[]; setLocationId: (id: string) => void; isPending: boolean; error: unknown } {
  const organization = useOrganization();
  const [params, setParams] = useSearchParams();
  const locations = organization.data?.locations ?? [];
  const wanted = params.get('location');
  const location = locations.find((candidate) => candidate.id === wanted) ?? locations[0];
  return {
    location,
    locations,
    isPending: organization.isPending,
    error: organization.error,
    setLocationId: (id) => setParams((current) => {
      const next = new URLSearchParams(current);
      next.set('location', id);
      return next;
    }, { replace: true }),
  };
}

/** Today's date (YYYY-MM-DD) in a location's time zone, which is the clinic's day, not the browser's. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** "9:40 AM" in the location's time zone. */
export function formatTimeIn(isoDateTime: string, timeZone: string): string {
  const date = new Date(isoDateTime);
  if (Number.isNaN(date.getTime())) return isoDateTime;
  return date.toLocaleTimeString('en-US', { timeZone, hour: 'numeric', minute: '2-digit' });
}

/** "Tue 11/24, 9:40 AM" in the location's time zone. */
export function formatSlotIn(isoDateTime: string, timeZone: string): string {
  const date = new Date(isoDateTime);
  if (Number.isNaN(date.getTime())) return isoDateTime;
  return date.toLocaleString('en-US', { timeZone, weekday: 'short', month: '2-digit', day: '2-digit', hour: 'numeric', minute: '2-digit' });
}

/** Whole minutes since an instant ("12 min"), for time-in-status. */
export function minutesSince(isoDateTime: string, now: number = Date.now()): number {
  return Math.max(0, Math.floor((now - new Date(isoDateTime).getTime()) / 60_000));
}
