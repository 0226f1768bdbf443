import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  ChangeStatusRequest,
  FlowBoard,
  Visit,
  VisitStatus,
  checkoutResponseSchema,
  followUpRequestSchema,
  roomGridSchema,
} from '../../../../contracts/front-desk/flow.contract.js';
import { api } from '../../platform/api.js';

export type RoomGrid = z.infer<typeof roomGridSchema>;
export type ExamRoom = RoomGrid['rooms'][number];
export type FollowUpRequest = z.input<typeof followUpRequestSchema>;
export type CheckoutResponse = z.infer<typeof checkoutResponseSchema>;

export const flowKeys = {
  board: (locationId: string, date: string) => ['flow-board', locationId, date] as const,
  rooms: (locationId: string) => ['exam-rooms', locationId] as const,
};

export const statusLabels: Record<VisitStatus, string> = {
  scheduled: 'Scheduled',
  arrived: 'Arrived',
  roomed: 'Roomed',
  'ready-for-provider': 'Ready for provider',
  'with-provider': 'With provider',
  checkout: 'Checkout',
  done: 'Done',
  'no-show': 'No-show',
  cancelled: 'Cancelled',
  'left-without-being-seen': 'Left without being seen',
  'entered-in-error': 'Entered in error',
};

export const statusColors: Record<VisitStatus, string> = {
  scheduled: 'gray',
  arrived: 'blue',
  roomed: 'violet',
  'ready-for-provider': 'orange',
  'with-provider': 'teal',
  checkout: 'cyan',
  done: 'green',
  'no-show': 'red',
  cancelled: 'gray',
  'left-without-being-seen': 'red',
  'entered-in-error': 'gray',
};

export function useFlowBoard(locationId: string | undefined, date: string) {
  return useQuery({
    queryKey: flowKeys.board(locationId ?? '', date),
    queryFn: ({ signal }) => api.get<FlowBoard>(`/api/flow-board?${new URLSearchParams({ locationId: locationId ?? '', date }).toString()}`, { signal }),
    enabled: Boolean(locationId),
    // Live events refetch this; a slow poll covers a screen whose stream is down.
    refetchInterval: 60_000,
  });
}

export function useRoomGrid(locationId: string | undefined) {
  return useQuery({
    queryKey: flowKeys.rooms(locationId ?? ''),
    queryFn: ({ signal }) => api.get<RoomGrid>(`/api/exam-rooms?${new URLSearchParams({ locationId: locationId ?? '' }).toString()}`, { signal }),
    enabled: Boolean(locationId),
    refetchInterval: 60_000,
  });
}

function useInvalidateFlow(locationId: string | undefined) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['flow-board', locationId ?? ''] });
    void queryClient.invalidateQueries({ queryKey: ['exam-rooms', locationId ?? ''] });
    void queryClient.invalidateQueries({ queryKey: ['schedule', locationId ?? ''] });
  };
}

/** Moves a visit to its next status (rooming needs the room). */
export function useChangeVisitStatus(locationId: string | undefined) {
  const invalidate = useInvalidateFlow(locationId);
  return useMutation({
    mutationFn: ({ appointmentId, ...request }: ChangeStatusRequest & { appointmentId: string }) =>
      api.post<Visit>(`/api/appointments/${encodeURIComponent(appointmentId)}/status`, request),
    onSettled: invalidate,
  });
}

/** Moves a roomed patient to another room. */
export function useMoveToRoom(locationId: string | undefined) {
  const invalidate = useInvalidateFlow(locationId);
  return useMutation({
    mutationFn: ({ appointmentId, roomId, version }: { appointmentId: string; roomId: string; version: number }) =>
      api.post<Visit>(`/api/appointments/${encodeURIComponent(appointmentId)}/room`, { roomId, version }),
    onSettled: invalidate,
  });
}

/** Checks the patient out, booking the follow-up the provider asked for; the visit is then done. */
export function useCheckout(locationId: string | undefined) {
  const invalidate = useInvalidateFlow(locationId);
  return useMutation({
    mutationFn: ({ appointmentId, version, followUp }: { appointmentId: string; version: number; followUp?: FollowUpRequest }) =>
      api.post<CheckoutResponse>(`/api/appointments/${encodeURIComponent(appointmentId)}/checkout`, followUp ? { version, followUp } : { version }),
    onSettled: invalidate,
  });
}

export function useMarkRoomCleaned(locationId: string | undefined) {
  const invalidate = useInvalidateFlow(locationId);
  return useMutation({
    mutationFn: ({ roomId }: { roomId: string }) =>
      api.post<{ id: string; state: string; version: number }>(`/api/exam-rooms/${encodeURIComponent(roomId)}/cleaned`, {}),
    onSettled: invalidate,
  });
}
