import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit entry that its content hash covers. */
export interface AuditContent {
  organizationId: string | null;
  occurredAt: Date;
  actorKind: string;
  actorId: string | null;
  actorName: string;
  actorRoles: readonly string[];
  action: string;
  outcome: string;
  recordType: string | null;
  recordId: string | null;
  patientId: string | null;
  clientAddress: string;
  reason: string | null;
  requestId: string | null;
  details: unknown;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

const sha256 = (text: string) => hash('sha256', text, 'hex');

/** SHA-256 over a canonical serialisation (fixed field order, sorted object keys, ISO time to the millisecond). */
export function hashAuditContent(content: AuditContent): string {
  return sha256(
    JSON.stringify([
      content.organizationId,
      content.occurredAt.toISOString(),
      content.actorKind,
      content.actorId,
      content.actorName,
      [...content.actorRoles],
      content.action,
      content.outcome,
      content.recordType,
      content.recordId,
      content.patientId,
      content.clientAddress,
      content.reason,
      content.requestId,
      canonical(content.details ?? {}),
    ]),
  );
}

/** Each sealed entry's hash binds its content to everything before it. */
export function chainHash(previousHash: string, contentHash: string): string {
  return sha256(previousHash + contentHash);
}
