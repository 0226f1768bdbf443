import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  auditPageSchema,
  chainVerificationSchema,
  disclosureReportSchema,
} from '../../../../contracts/platform/audit.contract.js';
import type { staffDirectoryEntrySchema } from '../../../../contracts/platform/organization.contract.js';
import { api } from '../api.js';

export type AuditPage = z.infer<typeof auditPageSchema>;
export type ChainVerification = z.infer<typeof chainVerificationSchema>;
export type DisclosureReport = z.infer<typeof disclosureReportSchema>;
export type StaffDirectoryEntry = z.infer<typeof staffDirectoryEntrySchema>;

/** Kept in step with the server's AuditAction list (not yet in contracts/). */
export const auditActions = [
  'read', 'search', 'create', 'update', 'merge', 'export', 'print', 'disclose', 'sign-in', 'sign-in-failed',
  'sign-out', 'session-expired', 'policy-refused', 'break-the-glass', 'token-issued', 'token-refused',
] as const;

export interface AuditFilters {
  patientId?: string;
  staffMemberId?: string;
  from?: string;
  to?: string;
  action?: string;
}

function toQuery(filters: AuditFilters, before?: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  params.set('limit', '100');
  if (before) params.set('before', String(before));
  return params.toString();
}

export function useAuditEvents(filters: AuditFilters, before?: number) {
  return useQuery({
    queryKey: ['audit', 'events', filters, before ?? null],
    queryFn: ({ signal }) => api.get<AuditPage>(`/api/audit/events?${toQuery(filters, before)}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useStaffDirectory() {
  return useQuery({
    queryKey: ['staff'],
    queryFn: ({ signal }) => api.get<{ staff: StaffDirectoryEntry[] }>('/api/staff', { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useVerifyChain() {
  return useMutation({ mutationFn: () => api.get<ChainVerification>('/api/audit/verification') });
}

export function useDisclosureReport(patientId: string) {
  return useQuery({
    queryKey: ['audit', 'disclosures', patientId],
    queryFn: ({ signal }) => api.get<DisclosureReport>(`/api/audit/disclosures/${encodeURIComponent(patientId)}`, { signal }),
    enabled: patientId !== '',
  });
}

export interface ManagerAlert {
  id: string;
  kind: string;
  message: string;
  patientId: string | null;
  staffMemberId: string | null;
  createdAt: string;
  acknowledgedAt: string | null;
}

export function useManagerAlerts() {
  return useQuery({
    queryKey: ['manager-alerts'],
    queryFn: ({ signal }) => api.get<{ alerts: ManagerAlert[] }>('/api/manager-alerts', { signal }),
  });
}

export function useAcknowledgeAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (alertId: string) => api.post<undefined>(`/api/manager-alerts/${encodeURIComponent(alertId)}/acknowledge`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['manager-alerts'] }),
  });
}
