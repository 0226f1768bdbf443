import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AddMedicationRequest, AllergyList, AllergyStatementRequest, ConfirmDiagnosisRequest, HistoryEntry, Immunization, MedicationList,
  Problem, ReconcileMedicationsRequest, RecordAllergyRequest, RecordHistoryEntryRequest, RecordImmunizationRequest,
  RecordProblemRequest, SaveSocialHistoryRequest, SocialHistory,
} from '../../../../contracts/exam-room/histories.js';
import { api } from '../../platform/api.js';
import { patientKeys } from '../../front-desk/patients/patients.queries.js';

export const historyKeys = {
  allergies: (patientId: string) => ['patient-chart', patientId, 'allergies'] as const,
  medications: (patientId: string) => ['patient-chart', patientId, 'medications'] as const,
  problems: (patientId: string) => ['patient-chart', patientId, 'problems'] as const,
  entries: (patientId: string) => ['patient-chart', patientId, 'history-entries'] as const,
  social: (patientId: string) => ['patient-chart', patientId, 'social-history'] as const,
  immunizations: (patientId: string) => ['patient-chart', patientId, 'immunizations'] as const,
};

const patientPath = (patientId: string) => `/api/patients/${encodeURIComponent(patientId)}`;

export function useAllergies(patientId: string) {
  return useQuery({
    queryKey: historyKeys.allergies(patientId),
    queryFn: ({ signal }) => api.get<AllergyList>(`${patientPath(patientId)}/allergies`, { signal }),
  });
}

/** Allergy writes answer the whole list; the banner (patient view) is refetched too. */
function useAllergyWrite<T>(patientId: string, send: (input: T) => Promise<AllergyList>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (list) => {
      queryClient.setQueryData(historyKeys.allergies(patientId), list);
      void queryClient.invalidateQueries({ queryKey: historyKeys.allergies(patientId) });
      void queryClient.invalidateQueries({ queryKey: patientKeys.one(patientId) });
    },
  });
}

export function useRecordAllergy(patientId: string) {
  return useAllergyWrite(patientId, (request: RecordAllergyRequest) => api.post<AllergyList>(`${patientPath(patientId)}/allergies`, request));
}

export function useStateNoAllergies(patientId: string) {
  return useAllergyWrite(patientId, (request: AllergyStatementRequest) => api.post<AllergyList>(`${patientPath(patientId)}/allergy-statement`, request));
}

export function useMarkAllergyEnteredInError(patientId: string) {
  return useAllergyWrite(patientId, ({ allergyId, version, reason }: { allergyId: string; version: number; reason?: string }) =>
    api.post<AllergyList>(`/api/allergies/${encodeURIComponent(allergyId)}/entered-in-error`, { version, ...(reason ? { reason } : {}) }));
}

export function useMedications(patientId: string) {
  return useQuery({
    queryKey: historyKeys.medications(patientId),
    queryFn: ({ signal }) => api.get<MedicationList>(`${patientPath(patientId)}/medications`, { signal }),
  });
}

function useMedicationWrite<T>(patientId: string, send: (input: T) => Promise<MedicationList>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (list) => {
      if (list && typeof list === 'object' && 'medications' in list) queryClient.setQueryData(historyKeys.medications(patientId), list);
      void queryClient.invalidateQueries({ queryKey: historyKeys.medications(patientId) });
    },
  });
}

export function useAddMedication(patientId: string) {
  return useMedicationWrite(patientId, (request: AddMedicationRequest) => api.post<MedicationList>(`${patientPath(patientId)}/medications`, request));
}

export function useReconcileMedications(patientId: string) {
  return useMedicationWrite(patientId, (request: ReconcileMedicationsRequest) => api.post<MedicationList>(`${patientPath(patientId)}/medications/reconciliation`, request));
}

export function useProblems(patientId: string) {
  return useQuery({
    queryKey: historyKeys.problems(patientId),
    queryFn: ({ signal }) => api.get<{ problems: Problem[] }>(`${patientPath(patientId)}/problems`, { signal }),
  });
}

export function useRecordProblem(patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: RecordProblemRequest) => api.post<Problem>(`${patientPath(patientId)}/problems`, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: historyKeys.problems(patientId) }),
  });
}

export function useConfirmDiagnosis(patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ problemId, ...request }: ConfirmDiagnosisRequest & { problemId: string }) =>
      api.post<Problem>(`/api/problems/${encodeURIComponent(problemId)}/confirm`, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: historyKeys.problems(patientId) }),
  });
}

export function useHistoryEntries(patientId: string) {
  return useQuery({
    queryKey: historyKeys.entries(patientId),
    queryFn: ({ signal }) => api.get<{ entries: HistoryEntry[] }>(`${patientPath(patientId)}/history-entries`, { signal }),
  });
}

export function useRecordHistoryEntry(patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: RecordHistoryEntryRequest) => api.post<HistoryEntry>(`${patientPath(patientId)}/history-entries`, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: historyKeys.entries(patientId) }),
  });
}

export function useSocialHistory(patientId: string) {
  return useQuery({
    queryKey: historyKeys.social(patientId),
    queryFn: ({ signal }) => api.get<SocialHistory>(`${patientPath(patientId)}/social-history`, { signal }),
  });
}

export function useSaveSocialHistory(patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: SaveSocialHistoryRequest) => api.put<SocialHistory>(`${patientPath(patientId)}/social-history`, request),
    onSuccess: (saved) => {
      queryClient.setQueryData(historyKeys.social(patientId), saved);
      void queryClient.invalidateQueries({ queryKey: historyKeys.social(patientId) });
    },
  });
}

export function useImmunizations(patientId: string) {
  return useQuery({
    queryKey: historyKeys.immunizations(patientId),
    queryFn: ({ signal }) => api.get<{ immunizations: Immunization[] }>(`${patientPath(patientId)}/immunizations`, { signal }),
  });
}

export function useRecordImmunization(patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: RecordImmunizationRequest) => api.post<Immunization>(`${patientPath(patientId)}/immunizations`, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: historyKeys.immunizations(patientId) }),
  });
}
