import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { staffDirectoryEntrySchema } from '../../../../contracts/platform/organization.contract.js';
import type { z } from 'zod';
import type { TaskCounts, TaskView, taskPools } from '../../../../contracts/platform/task.contract.js';
import { api } from '../api.js';

export type TaskPool = (typeof taskPools)[number];
export type InboxView = { kind: 'mine' } | { kind: 'pool'; pool: TaskPool };

export const taskKeys = {
  list: (view: InboxView) => ['tasks', 'list', view.kind === 'mine' ? 'mine' : view.pool] as const,
  counts: ['tasks', 'counts'] as const,
};

export const poolLabels: Record<TaskPool, string> = {
  'front-desk': 'Front-desk pool',
  'medical-assistant': 'MA pool',
  nurse: 'Nurse pool',
  provider: 'Provider pool',
  biller: 'Billing pool',
  manager: 'Manager pool',
};

export function useTasks(view: InboxView) {
  return useQuery({
    queryKey: taskKeys.list(view),
    queryFn: ({ signal }) => api.get<{ tasks: TaskView[] }>(view.kind === 'mine' ? '/api/tasks/mine' : `/api/tasks/pools/${encodeURIComponent(view.pool)}`, { signal }),
    refetchInterval: 60_000,
  });
}

export function useTaskCounts() {
  return useQuery({
    queryKey: taskKeys.counts,
    queryFn: ({ signal }) => api.get<TaskCounts>('/api/tasks/counts', { signal }),
    refetchInterval: 60_000,
  });
}

export type TaskAction =
  | { kind: 'claim' | 'release' | 'complete' }
  | { kind: 'assign'; ownerStaffId: string | null; ownerPool: TaskPool | null };

/** One task: claim, release, complete, or assign to a person or a pool. */
export function useWorkTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ task, action }: { task: Pick<TaskView, 'id' | 'version'>; action: TaskAction }) => {
      const body = action.kind === 'assign'
        ? { version: task.version, ...(action.ownerStaffId ? { ownerStaffId: action.ownerStaffId } : { ownerPool: action.ownerPool }) }
        : { version: task.version };
      return api.post<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}/${action.kind}`, body);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['tasks'] }),
  });
}

/** Several tasks at once; all-or-nothing on the server. */
export function useBulkTasks() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ tasks, action }: { tasks: Pick<TaskView, 'id' | 'version'>[]; action: Exclude<TaskAction, { kind: 'release' }> }) =>
      api.post<{ tasks: TaskView[] }>('/api/tasks/bulk', {
        action: action.kind,
        tasks: tasks.map((task) => ({ taskId: task.id, version: task.version })),
        ...(action.kind === 'assign' ? (action.ownerStaffId ? { ownerStaffId: action.ownerStaffId } : { ownerPool: action.ownerPool }) : {}),
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['tasks'] }),
  });
}

/** Active staff, to hand a task to a person. */
export function useStaffDirectory() {
  return useQuery({
    queryKey: ['staff'],
    queryFn: ({ signal }) => api.get<{ staff: z.infer<typeof staffDirectoryEntrySchema>[] }>('/api/staff', { signal }),
    staleTime: 5 * 60_000,
    select: (data) => data.staff.filter((member) => member.isActive),
  });
}
