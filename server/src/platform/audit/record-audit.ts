import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AuditEventsTable } from '../db/platform.table.js';
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

type AuditRow = ReturnType<typeof toRow>;

function toRow(context: AuditContext, item: AuditEntry, occurredAt: Date) {
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
}

/**
 * Appends entries to the audit trail. Inside a transaction the insert is part of it, so the entry
 * exists exactly when the change it describes does. Outside one (a read, a refusal) the entries join
 * the next group insert (see AuditGroupCommit) and the promise settles once they are committed, so
 * nothing is answered before its audit entry is durable. Entries are chained later by the sealer;
 * these inserts take no lock, so concurrent requests never queue behind one chain head.
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
  const rows = entries.map((item) => toRow(context, item, occurredAt));
  if (db.isTransaction) {
    await db.executeQuery(auditInsert(rows));
    return;
  }
  let group = groupCommits.get(db);
  if (!group) groupCommits.set(db, (group = new AuditGroupCommit(db)));
  await group.add(rows);
}

// The audit insert is the most frequent statement there is (at least one per request), so its text
// is written here once per row count rather than built and compiled by the query builder each time.
const AUDIT_COLUMNS = [
  ['organizationId', 'organization_id'], ['occurredAt', 'occurred_at'], ['actorKind', 'actor_kind'], ['actorId', 'actor_id'],
  ['actorName', 'actor_name'], ['actorRoles', 'actor_roles'], ['action', 'action'], ['outcome', 'outcome'],
  ['recordType', 'record_type'], ['recordId', 'record_id'], ['patientId', 'patient_id'], ['clientAddress', 'client_address'],
  ['reason', 'reason'], ['requestId', 'request_id'], ['details', 'details'], ['contentHash', 'content_hash'],
] as const satisfies ReadonlyArray<readonly [keyof AuditRow & keyof AuditEventsTable, string]>;
// every field of a row has its column (a field added to toRow and not here fails to compile)
const everyFieldHasItsColumn: [Exclude<keyof AuditRow, (typeof AUDIT_COLUMNS)[number][0]>] extends [never] ? true : never = true;
void everyFieldHasItsColumn;
const INSERT_TEXTS_KEPT_UP_TO_ROWS = 64;
const insertTexts = new Map<number, string>();

function auditInsert(rows: readonly AuditRow[]): CompiledQuery {
  let text = insertTexts.get(rows.length);
  if (!text) {
    const width = AUDIT_COLUMNS.length;
    const tuples = rows.map((_, row) => `(${AUDIT_COLUMNS.map((_, column) => `$${row * width + column + 1}`).join(', ')})`);
    text = `insert into audit_events (${AUDIT_COLUMNS.map(([, column]) => column).join(', ')}) values ${tuples.join(', ')}`;
    if (rows.length <= INSERT_TEXTS_KEPT_UP_TO_ROWS) insertTexts.set(rows.length, text);
  }
  return CompiledQuery.raw(text, rows.flatMap((row) => AUDIT_COLUMNS.map(([key]) => row[key])));
}

const groupCommits = new WeakMap<Kysely<Database>, AuditGroupCommit>();
// One statement's worth: 16 columns × 1,000 rows stays far below PostgreSQL's 65,535 parameters.
const MAX_ROWS_PER_INSERT = 1_000;

interface Waiting {
  rows: AuditRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for audit entries written outside a transaction. At most one insert is in flight per
 * database handle; entries that arrive meanwhile wait and go together in the next one. One request
 * alone is written at once; under load, a hundred concurrent reads cost a few inserts, not a hundred
 * begin/insert/commit round trips. If a group insert fails, each caller's entries are retried on their
 * own, so one bad entry fails only its own request.
 */
class AuditGroupCommit {
  private waiting: Waiting[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<Database>) {}

  add(rows: AuditRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const group: Waiting[] = [];
        let size = 0;
        while (this.waiting.length > 0 && (group.length === 0 || size + this.waiting[0]!.rows.length <= MAX_ROWS_PER_INSERT)) {
          const next = this.waiting.shift()!;
          group.push(next);
          size += next.rows.length;
        }
        try {
          await this.db.executeQuery(auditInsert(group.flatMap((item) => item.rows)));
          for (const item of group) item.resolve();
        } catch (error) {
          if (group.length === 1) {
            group[0]!.reject(error);
            continue;
          }
          for (const item of group) {
            try {
              await this.db.executeQuery(auditInsert(item.rows));
              item.resolve();
            } catch (alone) {
              item.reject(alone);
            }
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
