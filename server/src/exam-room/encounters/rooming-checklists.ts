import type { Kysely, Transaction } from 'kysely';
import type { PutRoomingChecklistRequest, RoomingChecklist } from '../../../../contracts/exam-room/encounters.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { defaultChecklistRows, visitTypeLabel } from './visit-types.js';

type Db = Kysely<Database> | Transaction<Database>;
type ChecklistContext = AuditContext & { organizationId: string; staffMemberId: string | null };

/**
 * Gives an organization the default rooming checklists (visit-types.ts) if it has none yet.
 * Called when a clinic is set up (the demo seed) and, for clinics set up another way, the first
 * time a checklist is needed. Never touches a clinic that already has rows (its edits stand).
 */
export async function ensureDefaultRoomingChecklists(db: Db, organizationId: string): Promise<void> {
  const existing = await db.selectFrom('roomingChecklistItems').select('id').where('organizationId', '=', organizationId).limit(1).executeTakeFirst();
  if (existing) return;
  await db
    .insertInto('roomingChecklistItems')
    .values(defaultChecklistRows(organizationId))
    .onConflict((conflict) => conflict.columns(['organizationId', 'visitType', 'itemKey']).doNothing())
    .execute();
}

/** The visit types an organization has a checklist for. */
export async function findVisitTypes(db: Db, organizationId: string): Promise<string[]> {
  const rows = await db.selectFrom('roomingChecklistItems').select('visitType').distinct().where('organizationId', '=', organizationId).execute();
  return rows.map((row) => row.visitType);
}

/** Every visit type's checklist, extras and switched-off items included (the manager's editor). */
export async function readRoomingChecklists(db: Kysely<Database>, organizationId: string): Promise<RoomingChecklist[]> {
  await ensureDefaultRoomingChecklists(db, organizationId);
  const rows = await db
    .selectFrom('roomingChecklistItems')
    .select(['visitType', 'itemKey', 'label', 'position', 'isSpecialtyExtra', 'isActive', 'version'])
    .where('organizationId', '=', organizationId)
    .orderBy('visitType')
    .orderBy('position')
    .orderBy('itemKey')
    .execute();
  const byType = new Map<string, typeof rows>();
  for (const row of rows) byType.set(row.visitType, [...(byType.get(row.visitType) ?? []), row]);
  return [...byType.entries()].map(([visitType, items]) => toChecklist(visitType, items));
}

function toChecklist(visitType: string, items: { itemKey: string; label: string; position: number; isSpecialtyExtra: boolean; isActive: boolean; version: number }[]): RoomingChecklist {
  return {
    visitType,
    label: visitTypeLabel(visitType),
    items: items.map((item) => ({ key: item.itemKey, label: item.label, position: item.position, isSpecialtyExtra: item.isSpecialtyExtra, isActive: item.isActive })),
    version: items.reduce((max, item) => Math.max(max, item.version), 0),
  };
}

/**
 * Replaces one visit type's checklist with the manager's list, in order. Items left out are
 * switched off, never deleted (encounters keep the keys they ticked). A stale version → 409.
 */
export async function putRoomingChecklist(db: Kysely<Database>, context: ChecklistContext, visitType: string, input: PutRoomingChecklistRequest & { version?: number | undefined }): Promise<RoomingChecklist> {
  return db.transaction().execute(async (trx) => {
    await ensureDefaultRoomingChecklists(trx, context.organizationId);
    const current = await trx
      .selectFrom('roomingChecklistItems')
      .select(['id', 'itemKey', 'isSpecialtyExtra', 'version'])
      .where('organizationId', '=', context.organizationId)
      .where('visitType', '=', visitType)
      .forUpdate()
      .execute();
    const currentVersion = current.reduce((max, item) => Math.max(max, item.version), 0);
    if (current.length > 0) {
      if (input.version === undefined) throw new AppError('VERSION_REQUIRED', { field: 'version' });
      if (input.version !== currentVersion) throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion } });
    }
    const nextVersion = currentVersion + 1;
    const keep = new Set(input.items.map((item) => item.key));
    await trx
      .insertInto('roomingChecklistItems')
      .values(input.items.map((item, position) => ({
        organizationId: context.organizationId,
        visitType,
        itemKey: item.key,
        label: item.label,
        position,
        isSpecialtyExtra: item.isSpecialtyExtra ?? current.find((row) => row.itemKey === item.key)?.isSpecialtyExtra ?? false,
        isActive: item.isActive ?? true,
        version: nextVersion,
      })))
      .onConflict((conflict) => conflict.columns(['organizationId', 'visitType', 'itemKey']).doUpdateSet((eb) => ({
        label: eb.ref('excluded.label'),
        position: eb.ref('excluded.position'),
        isSpecialtyExtra: eb.ref('excluded.isSpecialtyExtra'),
        isActive: eb.ref('excluded.isActive'),
        version: eb.ref('excluded.version'),
      })))
      .execute();
    const dropped = current.filter((row) => !keep.has(row.itemKey)).map((row) => row.id);
    if (dropped.length > 0) {
      await trx.updateTable('roomingChecklistItems').set({ isActive: false, version: nextVersion }).where('id', 'in', dropped).execute();
    }
    await recordAudit(trx, context, {
      action: current.length > 0 ? 'update' : 'create',
      recordType: 'RoomingChecklist',
      details: { visitType, items: input.items.map((item) => item.key), switchedOff: current.filter((row) => !keep.has(row.itemKey)).map((row) => row.itemKey) },
    });
    const rows = await trx
      .selectFrom('roomingChecklistItems')
      .select(['itemKey', 'label', 'position', 'isSpecialtyExtra', 'isActive', 'version'])
      .where('organizationId', '=', context.organizationId)
      .where('visitType', '=', visitType)
      .orderBy('position')
      .orderBy('itemKey')
      .execute();
    return toChecklist(visitType, rows);
  });
}
