import type { TaskView } from '../../../../contracts/platform/task.contract.js';
import type { TaskRow } from './tasks.repository.js';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function toTaskView(row: TaskRow, now = new Date()): TaskView {
  const hasPatient = Boolean(row.patientId);
  const isRestricted = row.patientIsRestricted === true;
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    patient: hasPatient
      ? {
          id: row.patientId!,
          name: isRestricted || !row.patientFamilyName ? null : `${row.patientFamilyName}, ${row.patientGivenName ?? ''}`.trim(),
          mrn: isRestricted ? null : (row.patientMrn ?? null),
        }
      : null,
    ownerStaff: row.ownerStaffId ? { id: row.ownerStaffId, name: row.ownerName ?? '' } : null,
    ownerPool: row.ownerPool,
    priority: row.priority,
    status: row.status,
    dueAt: iso(row.dueAt),
    isOverdue: Boolean(row.dueAt && row.dueAt < now && (row.status === 'open' || row.status === 'claimed')),
    focusType: row.focusType,
    focusId: row.focusId,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    claimedBy: row.claimedBy ? { id: row.claimedBy, name: row.claimerName ?? '' } : null,
    claimedAt: iso(row.claimedAt),
    completedAt: iso(row.completedAt),
    version: row.version,
  };
}
