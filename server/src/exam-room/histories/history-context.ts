import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { assertMayOpen } from '../../front-desk/index.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** Who is writing: a staff member in the app, or a system client (FHIR, import) with no staff id. */
export type HistoryContext = AuditContext & { organizationId: string; staffMemberId: string | null };

/** Where a row came from: the app's screens, the FHIR API or a bulk import. */
export interface WriteOptions {
  source: 'app' | 'fhir' | 'import';
}

export interface StaffRef {
  id: string;
  name: string;
}

/** Loads the patient of the caller's organization (404 otherwise) and refuses a restricted chart without break-the-glass. */
export async function getPatientForHistory(db: Db, context: HistoryContext, patientId: string, options: { lock?: boolean } = {}) {
  let query = db.selectFrom('patients').selectAll().where('organizationId', '=', context.organizationId).where('id', '=', patientId);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('PATIENT_NOT_FOUND');
  await assertMayOpen(db, context, row);
  return row;
}

/** Display names of the staff members who recorded, stated or confirmed something. */
export async function staffRefs(db: Db, ids: readonly (string | null | undefined)[]): Promise<(id: string | null | undefined) => StaffRef | null> {
  const unique = [...new Set(ids.filter((id): id is string => !!id))];
  const rows = unique.length === 0 ? [] : await db.selectFrom('staffMembers').select(['id', 'displayName']).where('id', 'in', unique).execute();
  const names = new Map(rows.map((row) => [row.id, row.displayName]));
  return (id) => (id ? { id, name: names.get(id) ?? 'Unknown staff member' } : null);
}

/** The version a client is changing from `If-Match: W/"3"` (or `"3"`), or the body's version. */
export function versionFrom(bodyVersion: number | undefined, ifMatch: string | undefined): number | undefined {
  if (bodyVersion !== undefined) return bodyVersion;
  const match = ifMatch ? /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

export function requireVersion(version: number | undefined, field = 'version'): number {
  if (version === undefined) throw new AppError('VERSION_REQUIRED', { field });
  return version;
}

export const iso = (value: Date | string | null | undefined): string | null => (value == null ? null : new Date(value).toISOString());
export const numberOrNull = (value: unknown): number | null => (value == null ? null : Number(value));
