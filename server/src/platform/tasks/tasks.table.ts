import type { ColumnType, Generated } from 'kysely';
import type { StaffRole } from '../db/platform.table.js';

export const taskPriorities = ['routine', 'urgent', 'stat'] as const;
export const taskStatuses = ['open', 'claimed', 'completed', 'cancelled'] as const;
/** The role pools a task can wait in (anyone holding the role may claim it). */
export const taskPools = ['front-desk', 'medical-assistant', 'nurse', 'provider', 'biller', 'manager'] as const;

export type TaskPriority = (typeof taskPriorities)[number];
export type TaskStatus = (typeof taskStatuses)[number];
export type TaskPool = Exclude<StaffRole, 'admin'>;

export interface TasksTable {
  id: Generated<string>;
  organizationId: string;
  title: string;
  kind: string;
  patientId: string | null;
  ownerStaffId: string | null;
  ownerPool: TaskPool | null;
  priority: TaskPriority;
  status: Generated<TaskStatus>;
  dueAt: Date | null;
  focusType: string | null;
  focusId: string | null;
  description: Generated<string>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  createdBy: string | null;
  claimedBy: string | null;
  claimedAt: Date | null;
  completedAt: Date | null;
  completedBy: string | null;
  cancelledAt: Date | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  version: Generated<number>;
}
