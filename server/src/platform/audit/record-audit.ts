import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { hashAuditContent, type AuditContent } from './audit-hash.js';

export type AuditAction =
  | 'read'
  | 'search'
  | 'create'
  | 'update'
  | 'merge'
  | 'export'
  | 'print'
  | 'disclose'
  | 'sign-in'
  | 'sign-in-failed'
  | 'sign-out'
  | 'session-expired'
  | 'policy-refused'
  | 'break-the-glass'
  | 'token-issued'
  | 'token-refused';

export interface AuditEntry {
  action: AuditAction;
  outcome?: 'success' | 'refused' | 'failure';
  recordType?: string;
  recordId?: string;
  patientId?: string | null;
  reason?: string;
  details?: Record<string, unknown>;
}

/** Who and from where, as the request context knows it. */
export interface AuditContext {
  actor: Actor | null;
  organizationId: string | null;
  clientAddress: string;
  requestId: string;
}

/**
 * Appends one entry to the audit trail inside the caller's transaction, so the entry exists
 * exactly when the change it describes does. Entries are chained later by the sealer; this
 * insert takes no lock, so concurrent requests never queue behind one chain head.
 *
 * @example
 * await recordAudit(trx, context, { action: 'read', recordType: 'Patient', recordId: id, patientId: id });
 */
export async function recordAudit(
  db: Kysely<Database> | Transaction<Database>,
  context: AuditContext,
  entry: AuditEntry | AuditEntry[],
): Promise<void> {
  const entries = Array.isArray(entry) ? entry : [entry];
  if (entries.length === 0) return;
  const occurredAt = new Date();
  const rows = entries.map((item) => {
    const content: AuditContent = {
      organizationId: context.organizationId ?? context.actor?.organizationId ?? null,
      occurredAt,
      actorKind: context.actor?.kind ?? 'anonymous',
      actorId: context.actor?.id ?? null,
      actorName: context.actor?.name ?? '',
      actorRoles: context.actor?.roles ?? [],
      action: item.action,
      outcome: item.outcome ?? 'success',
      recordType: item.recordType ?? null,
      recordId: item.recordId ?? null,
      patientId: item.patientId ?? null,
      clientAddress: context.clientAddress,
      reason: item.reason ?? null,
      requestId: context.requestId,
      details: item.details ?? {},
    };
    return {
      ...content,
      actorKind: content.actorKind as 'staff' | 'client' | 'anonymous' | 'system',
      actorRoles: [...content.actorRoles],
      outcome: content.outcome as 'success' | 'refused' | 'failure',
      details: JSON.stringify(content.details),
      contentHash: hashAuditContent(content),
    };
  });
  await db.insertInto('auditEvents').values(rows).execute();
}
