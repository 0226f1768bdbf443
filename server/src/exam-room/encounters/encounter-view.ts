import type { Kysely, Selectable, Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Encounter } from '../../../../contracts/exam-room/encounters.js';
import type { Database } from '../../platform/db/schema.js';
import type { EncountersTable } from '../exam-room.table.js';
import { ensureDefaultRoomingChecklists } from './rooming-checklists.js';
import { ageInMonths, checklistItemAppliesAt, visitTypeLabel } from './visit-types.js';

type Db = Kysely<Database> | Transaction<Database>;
export type EncounterRow = Selectable<EncountersTable>;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** Display names for staff ids (who roomed, handed off, signed off …), one query. */
export async function staffNames(db: Db, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('staffMembers').select(['id', 'displayName']).where('id', 'in', wanted).execute();
  return new Map(rows.map((row) => [row.id, row.displayName]));
}

export function staffRef(names: Map<string, string>, id: string | null) {
  return id ? { id, name: names.get(id) ?? 'Unknown staff member' } : null;
}

/**
 * What an encounter's view needs besides its row, in one round trip: the visit type's switched-on
 * checklist items, the patient's birth date (items apply by age) and the display names of the staff
 * who roomed, handed off and signed off. A clinic with no checklists yet gets the defaults first.
 */
async function readViewParts(db: Db, row: EncounterRow, staffIds: readonly (string | null)[]) {
  const wanted = [...new Set(staffIds.filter((id): id is string => !!id))];
  const read = () => db
    .selectNoFrom((eb) => [
      eb.selectFrom('patients').select('dateOfBirth').where('id', '=', row.patientId).as('dateOfBirth'),
      eb.exists(eb.selectFrom('roomingChecklistItems').select('id').where('organizationId', '=', row.organizationId)).as('hasChecklists'),
      jsonArrayFrom(eb
        .selectFrom('roomingChecklistItems')
        .select(['itemKey', 'label', 'isSpecialtyExtra'])
        .where('organizationId', '=', row.organizationId)
        .where('visitType', '=', row.visitType)
        .where('isActive', '=', true)
        .orderBy('position')
        .orderBy('itemKey')).as('items'),
      jsonArrayFrom(eb.selectFrom('staffMembers').select(['id', 'displayName']).where('id', '=', eb.fn.any(eb.val(wanted)))).as('staff'),
    ])
    .executeTakeFirstOrThrow();
  let parts = await read();
  if (!parts.hasChecklists) {
    await ensureDefaultRoomingChecklists(db, row.organizationId);
    parts = await read();
  }
  const age = ageInMonths(parts.dateOfBirth ?? null, new Date(row.startedAt));
  return {
    checklist: parts.items.filter((item) => checklistItemAppliesAt(item.itemKey, age)),
    names: new Map(parts.staff.map((member) => [member.id, member.displayName])),
  };
}

/** The checklist this encounter shows: the visit type's switched-on items that apply at the patient's age. */
export async function encounterChecklist(db: Db, row: EncounterRow) {
  return (await readViewParts(db, row, [])).checklist;
}

/** The encounter as the rooming screens see it: checklist with ticks, who did what and when. */
export async function toEncounterView(db: Db, row: EncounterRow): Promise<Encounter> {
  const { checklist: items, names } = await readViewParts(db, row, [row.roomedBy, row.readyForProviderBy, row.summarySignedOffBy]);
  const done = new Set(row.checklistDone);
  return {
    id: row.id,
    patientId: row.patientId,
    appointmentId: row.appointmentId,
    locationId: row.locationId,
    providerId: row.providerId,
    visitType: row.visitType,
    visitTypeLabel: visitTypeLabel(row.visitType),
    status: row.status,
    chiefComplaint: row.chiefComplaint,
    reasonForVisit: row.reasonForVisit,
    checklist: items.map((item) => ({ key: item.itemKey, label: item.label, isSpecialtyExtra: item.isSpecialtyExtra, isDone: done.has(item.itemKey) })),
    checklistDone: row.checklistDone,
    startedAt: iso(row.startedAt)!,
    roomedBy: staffRef(names, row.roomedBy),
    roomedAt: iso(row.roomedAt),
    readyForProviderBy: staffRef(names, row.readyForProviderBy),
    readyForProviderAt: iso(row.readyForProviderAt),
    summarySignedOffBy: staffRef(names, row.summarySignedOffBy),
    summarySignedOffAt: iso(row.summarySignedOffAt),
    version: row.version,
  };
}
