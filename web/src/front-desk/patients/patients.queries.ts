import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  DuplicateCandidate,
  Patient,
  PatientSearchResult,
  RegisterPatientRequest,
  UpdatePatientRequest,
} from '../../../../contracts/front-desk/patient.contract.js';
import { api } from '../../platform/api.js';

export const patientKeys = {
  all: ['patients'] as const,
  search: (q: string) => ['patients', 'search', q] as const,
  one: (patientId: string) => ['patients', 'one', patientId] as const,
};

export function usePatientSearch(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: patientKeys.search(term),
    queryFn: ({ signal }) => api.get<PatientSearchResult>(`/api/patients?${new URLSearchParams({ q: term, limit: '25' }).toString()}`, { signal }),
    enabled: term.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function usePatient(patientId: string) {
  return useQuery({
    queryKey: patientKeys.one(patientId),
    queryFn: ({ signal }) => api.get<Patient>(`/api/patients/${encodeURIComponent(patientId)}`, { signal }),
  });
}

export interface DuplicateCheckInput {
  givenName: string;
  familyName: string;
  dateOfBirth?: string;
  phones: string[];
}

export function checkDuplicates(input: DuplicateCheckInput, signal?: AbortSignal) {
  return api.post<{ candidates: DuplicateCandidate[] }>('/api/patients/duplicate-check', input, signal ? { signal } : {});
}

export type RegisterOutcome =
  | { outcome: 'registered'; patient: Patient }
  | { outcome: 'possible-duplicates'; candidates: DuplicateCandidate[] };

export function useRegisterPatient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: RegisterPatientRequest) => api.post<RegisterOutcome>('/api/patients', request),
    onSuccess: (result) => {
      if (result.outcome === 'registered') {
        queryClient.setQueryData(patientKeys.one(result.patient.id), result.patient);
        void queryClient.invalidateQueries({ queryKey: ['patients', 'search'] });
      }
    },
  });
}

export function useUpdateDemographics(patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: UpdatePatientRequest) => api.put<Patient>(`/api/patients/${encodeURIComponent(patientId)}`, request),
    onSuccess: (patient) => {
      queryClient.setQueryData(patientKeys.one(patientId), patient);
      void queryClient.invalidateQueries({ queryKey: ['patients', 'search'] });
    },
  });
}

export function useBreakTheGlass(patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => api.post<unknown>(`/api/patients/${encodeURIComponent(patientId)}/break-the-glass`, { reason }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: patientKeys.one(patientId) }),
  });
}

export function useRestrictChart(patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: { isRestricted: boolean; reason: string; version: number }) =>
      api.put<Patient>(`/api/patients/${encodeURIComponent(patientId)}/restriction`, request),
    onSuccess: (patient) => {
      queryClient.setQueryData(patientKeys.one(patientId), patient);
      void queryClient.invalidateQueries({ queryKey: ['patients', 'search'] });
    },
  });
}

export interface MergePatientsInput {
  survivingPatientId: string;
  mergedPatientId: string;
  reason: string;
  survivingVersion: number;
  mergedVersion: number;
}

export function useMergePatients() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: MergePatientsInput) => api.post<{ mergeId: string }>('/api/patients/merges', input),
    onSuccess: (_result, input) => {
      void queryClient.invalidateQueries({ queryKey: patientKeys.one(input.survivingPatientId) });
      void queryClient.invalidateQueries({ queryKey: patientKeys.one(input.mergedPatientId) });
      void queryClient.invalidateQueries({ queryKey: ['patients', 'search'] });
    },
  });
}

export function fetchPatient(patientId: string) {
  return api.get<Patient>(`/api/patients/${encodeURIComponent(patientId)}`);
}
