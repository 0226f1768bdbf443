import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { AfterVisitLanguage, AfterVisitSummaryResponse, AfterVisitTemplate, CreateAfterVisitSummaryRequest } from '../../../../contracts/exam-room/after-visit.js';
import type { RecordScreeningRequest, RecordScreeningResponse, PatientScreeningsResponse } from '../../../../contracts/exam-room/screenings.js';
import type { acknowledgeAlertResponseSchema, encounterVitalsResponseSchema, RecordVitalsRequest, RecordVitalsResponse } from '../../../../contracts/exam-room/vitals.js';
import type { Encounter, OpenEncounterRequest, RoomingChecklist, RoomingSummary, UpdateEncounterRequest, readyForProviderResponseSchema } from '../../../../contracts/exam-room/encounters.js';
import { api, apiRequest, isApiError } from '../../platform/api.js';

export type EncounterVitals = z.infer<typeof encounterVitalsResponseSchema>;
export type ReadyForProviderResponse = z.infer<typeof readyForProviderResponseSchema>;
export type AcknowledgeAlertResponse = z.infer<typeof acknowledgeAlertResponseSchema>;

/** Query-key prefixes of the exam room (live topics may invalidate them). */
export const roomingKeys = {
  encounterOfAppointment: (appointmentId: string) => ['encounters', 'appointment', appointmentId] as const,
  encounter: (encounterId: string) => ['encounters', encounterId] as const,
  vitals: (encounterId: string) => ['encounters', encounterId, 'vitals'] as const,
  summary: (encounterId: string) => ['encounters', encounterId, 'rooming-summary'] as const,
  screenings: (patientId: string) => ['screenings', patientId] as const,
  templates: (language: string) => ['after-visit-templates', language] as const,
};

const path = (value: string) => encodeURIComponent(value);

export function useEncounterVitals(encounterId: string | undefined) {
  return useQuery({
    queryKey: roomingKeys.vitals(encounterId ?? ''),
    queryFn: ({ signal }) => api.get<EncounterVitals>(`/api/encounters/${path(encounterId ?? '')}/vitals`, { signal }),
    enabled: Boolean(encounterId),
  });
}

/** Records one vitals set (or a repeat/re-measure when repeatOfId is set). */
export function useRecordVitals(encounterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: RecordVitalsRequest) => api.post<RecordVitalsResponse>(`/api/encounters/${path(encounterId)}/vitals`, request),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['encounters', encounterId] });
      void queryClient.invalidateQueries({ queryKey: ['flow-board'] });
    },
  });
}

export function useAcknowledgeAlert(encounterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (alertId: string) => api.post<AcknowledgeAlertResponse>(`/api/vital-alerts/${path(alertId)}/acknowledge`, {}),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['encounters', encounterId] });
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      void queryClient.invalidateQueries({ queryKey: ['flow-board'] });
    },
  });
}

export function usePatientScreenings(patientId: string | undefined) {
  return useQuery({
    queryKey: roomingKeys.screenings(patientId ?? ''),
    queryFn: ({ signal }) => api.get<PatientScreeningsResponse>(`/api/patients/${path(patientId ?? '')}/screenings`, { signal }),
    enabled: Boolean(patientId),
  });
}

/** Scores one screening on the server (the answer carries the total, band and any urgent flag). */
export function useRecordScreening(encounterId: string, patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: RecordScreeningRequest) => api.post<RecordScreeningResponse>(`/api/encounters/${path(encounterId)}/screenings`, request),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: roomingKeys.screenings(patientId) });
      void queryClient.invalidateQueries({ queryKey: ['encounters', encounterId] });
    },
  });
}

export function useAfterVisitTemplates(language: AfterVisitLanguage) {
  return useQuery({
    queryKey: roomingKeys.templates(language),
    queryFn: ({ signal }) => api.get<{ templates: AfterVisitTemplate[] }>(`/api/after-visit-templates?${new URLSearchParams({ language }).toString()}`, { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useCreateAfterVisitSummary(encounterId: string) {
  return useMutation({
    mutationFn: (request: CreateAfterVisitSummaryRequest) => api.post<AfterVisitSummaryResponse>(`/api/encounters/${path(encounterId)}/after-visit-summary`, request),
  });
}

export function useEncounterOfAppointment(appointmentId: string) {
  return useQuery({
    queryKey: roomingKeys.encounterOfAppointment(appointmentId),
    queryFn: ({ signal }) => api.get<Encounter>(`/api/appointments/${path(appointmentId)}/encounter`, { signal }),
    retry: (count, error) => !(isApiError(error) && error.status === 404) && count < 2,
  });
}

/** Opens the visit's encounter (the server answers the open one when it exists). */
export function useOpenEncounter() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: OpenEncounterRequest) => api.post<Encounter>('/api/encounters', request),
    onSuccess: (encounter) => {
      if (encounter.appointmentId) queryClient.setQueryData(roomingKeys.encounterOfAppointment(encounter.appointmentId), encounter);
    },
  });
}

export function useEncounter(encounterId: string | undefined) {
  return useQuery({
    queryKey: roomingKeys.encounter(encounterId ?? ''),
    queryFn: ({ signal }) => api.get<Encounter>(`/api/encounters/${path(encounterId ?? '')}`, { signal }),
    enabled: Boolean(encounterId),
  });
}

export function useRoomingChecklists() {
  return useQuery({
    queryKey: ['rooming-checklists'],
    queryFn: ({ signal }) => api.get<{ checklists: RoomingChecklist[] }>('/api/rooming-checklists', { signal }),
    staleTime: 5 * 60_000,
  });
}

function useStoreEncounter() {
  const queryClient = useQueryClient();
  return (encounter: Encounter) => {
    queryClient.setQueryData(roomingKeys.encounter(encounter.id), encounter);
    if (encounter.appointmentId) queryClient.setQueryData(roomingKeys.encounterOfAppointment(encounter.appointmentId), encounter);
    void queryClient.invalidateQueries({ queryKey: roomingKeys.summary(encounter.id) });
  };
}

/** Saves the chief complaint, reason for visit, visit type and checklist ticks. */
export function useUpdateEncounter() {
  const store = useStoreEncounter();
  return useMutation({
    mutationFn: ({ encounterId, ...request }: UpdateEncounterRequest & { encounterId: string }) =>
      apiRequest<Encounter>('PATCH', `/api/encounters/${path(encounterId)}`, { body: request }),
    onSuccess: store,
  });
}

/** Hands the patient to the provider (the visit moves to "ready for provider" too). */
export function useReadyForProvider() {
  const store = useStoreEncounter();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ encounterId, version }: { encounterId: string; version: number }) =>
      api.post<ReadyForProviderResponse>(`/api/encounters/${path(encounterId)}/ready-for-provider`, { version }),
    onSuccess: (response) => {
      store(response.encounter);
      void queryClient.invalidateQueries({ queryKey: ['flow-board'] });
    },
  });
}

export function useRoomingSummary(encounterId: string) {
  return useQuery({
    queryKey: roomingKeys.summary(encounterId),
    queryFn: ({ signal }) => api.get<RoomingSummary>(`/api/encounters/${path(encounterId)}/rooming-summary`, { signal }),
    refetchInterval: 60_000,
  });
}

export function useSignOffSummary() {
  const store = useStoreEncounter();
  return useMutation({
    mutationFn: ({ encounterId, version }: { encounterId: string; version: number }) =>
      api.post<Encounter>(`/api/encounters/${path(encounterId)}/sign-off`, { version }),
    onSuccess: store,
  });
}
