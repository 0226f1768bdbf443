import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CheckInRequest, CheckInResponse } from '../../../../contracts/front-desk/check-in.contract.js';
import { api } from '../../platform/api.js';

/** Checks the patient in (arrival time, verifications, copay); the flow board shows the arrival live. */
export function useCheckIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ appointmentId, ...request }: CheckInRequest & { appointmentId: string }) =>
      api.post<CheckInResponse>(`/api/appointments/${encodeURIComponent(appointmentId)}/check-in`, request),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['schedule'] });
      void queryClient.invalidateQueries({ queryKey: ['flow-board'] });
    },
  });
}

/** "$25.00" from cents. */
export function formatMoney(cents: number): string {
  return (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}

/** Cents from what the clerk typed ("25", "25.5", "$25.00"); null when it is not an amount. */
export function parseMoney(text: string): number | null {
  const cleaned = text.replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number.parseFloat(cleaned) * 100);
}
