import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  Appointment,
  AppointmentType,
  bookAppointmentRequestSchema,
  cancelRequestSchema,
  dayAppointmentSchema,
  dayScheduleSchema,
  openSlotSchema,
  rescheduleRequestSchema,
  walkInRequestSchema,
  waitlistEntrySchema,
  waitlistRequestSchema,
} from '../../../../contracts/front-desk/scheduling.contract.js';
import type { staffDirectoryEntrySchema } from '../../../../contracts/platform/organization.contract.js';
import { api } from '../../platform/api.js';

export type DaySchedule = z.infer<typeof dayScheduleSchema>;
export type DayAppointment = z.infer<typeof dayAppointmentSchema>;
export type OpenSlot = z.infer<typeof openSlotSchema>;
export type BookAppointmentRequest = z.input<typeof bookAppointmentRequestSchema>;
export type WalkInRequest = z.input<typeof walkInRequestSchema>;
export type RescheduleRequest = z.input<typeof rescheduleRequestSchema>;
export type CancelRequest = z.input<typeof cancelRequestSchema>;
export type WaitlistEntry = z.infer<typeof waitlistEntrySchema>;
export type WaitlistRequest = z.input<typeof waitlistRequestSchema>;
export type StaffMember = z.infer<typeof staffDirectoryEntrySchema>;

export const schedulingKeys = {
  day: (locationId: string, date: string) => ['schedule', locationId, date] as const,
  openSlots: (query: OpenSlotQuery) => ['open-slots', query] as const,
  types: ['appointment-types'] as const,
  staff: ['staff'] as const,
};

export function useAppointmentTypes() {
  return useQuery({
    queryKey: schedulingKeys.types,
    queryFn: ({ signal }) => api.get<AppointmentType[]>('/api/appointment-types', { signal }),
    staleTime: 5 * 60_000,
    select: (data) => data.filter((type) => type.isActive),
  });
}

/** Providers of the clinic, from the staff directory. */
export function useProviders() {
  return useQuery({
    queryKey: schedulingKeys.staff,
    queryFn: ({ signal }) => api.get<{ staff: StaffMember[] }>('/api/staff', { signal }),
    staleTime: 5 * 60_000,
    select: (data) => data.staff.filter((member) => member.isActive && member.roles.includes('provider')),
  });
}

export function useDaySchedule(locationId: string | undefined, date: string) {
  return useQuery({
    queryKey: schedulingKeys.day(locationId ?? '', date),
    queryFn: ({ signal }) => api.get<DaySchedule>(`/api/scheduling/day?${new URLSearchParams({ locationId: locationId ?? '', date }).toString()}`, { signal }),
    enabled: Boolean(locationId),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export interface OpenSlotQuery {
  locationId: string;
  appointmentTypeId: string;
  providerId?: string;
  /** The patient being booked: times they already have an appointment are left out. */
  patientId?: string;
  after?: string;
  limit?: number;
}

export function useOpenSlots(query: OpenSlotQuery | null) {
  return useQuery({
    queryKey: schedulingKeys.openSlots(query ?? { locationId: '', appointmentTypeId: '' }),
    queryFn: ({ signal }) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(key, String(value));
      return api.get<{ slots: OpenSlot[] }>(`/api/scheduling/open-slots?${params.toString()}`, { signal });
    },
    enabled: query !== null,
  });
}

function useInvalidateSchedule() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['schedule'] });
    void queryClient.invalidateQueries({ queryKey: ['open-slots'] });
    void queryClient.invalidateQueries({ queryKey: ['flow-board'] });
  };
}

export function useBookAppointment() {
  const invalidate = useInvalidateSchedule();
  return useMutation({
    mutationFn: (request: BookAppointmentRequest) => api.post<Appointment>('/api/appointments', request),
    onSettled: invalidate,
  });
}

export function useWalkIn() {
  const invalidate = useInvalidateSchedule();
  return useMutation({
    mutationFn: (request: WalkInRequest) => api.post<Appointment>('/api/appointments/walk-in', request),
    onSettled: invalidate,
  });
}

export function useReschedule() {
  const invalidate = useInvalidateSchedule();
  return useMutation({
    mutationFn: ({ appointmentId, ...request }: RescheduleRequest & { appointmentId: string }) =>
      api.post<Appointment>(`/api/appointments/${encodeURIComponent(appointmentId)}/reschedule`, request),
    onSettled: invalidate,
  });
}

export function useCancelAppointment() {
  const invalidate = useInvalidateSchedule();
  return useMutation({
    mutationFn: ({ appointmentId, ...request }: CancelRequest & { appointmentId: string }) =>
      api.post<Appointment>(`/api/appointments/${encodeURIComponent(appointmentId)}/cancel`, request),
    onSettled: invalidate,
  });
}

export function useMarkNoShow() {
  const invalidate = useInvalidateSchedule();
  return useMutation({
    mutationFn: ({ appointmentId, version }: { appointmentId: string; version: number }) =>
      api.post<Appointment>(`/api/appointments/${encodeURIComponent(appointmentId)}/no-show`, { version }),
    onSettled: invalidate,
  });
}

/** Words for the FHIR cancellation reasons the front desk picks from most often. */
export const cancellationReasonLabels: Partial<Record<CancelRequest['reason'], string>> = {
  pat: 'Patient request',
  'pat-crs': 'Patient: care received elsewhere',
  'pat-cpp': 'Patient: conflicting plans',
  'pat-fb': 'Patient: feeling better',
  'pat-lt': 'Patient: lack of transportation',
  'pat-mt': 'Patient: member terminated',
  'pat-mv': 'Patient: moved',
  'pat-swl': 'Patient: work/life schedule',
  prov: 'Provider request',
  'prov-pers': 'Provider: personal',
  'prov-hosp': 'Provider: hospital duty',
  'oth-weath': 'Weather',
  'oth-err': 'Booked in error',
  other: 'Other',
};

/** Puts the patient on the waitlist; when a matching slot frees up the server offers it. */
export function useAddToWaitlist() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: WaitlistRequest) => api.post<WaitlistEntry>('/api/waitlist', request),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['waitlist'] }),
  });
}
