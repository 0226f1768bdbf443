import type { Kysely, Transaction } from 'kysely';
import type { ScreeningInstrument } from '../exam-room.table.js';
import type { Database } from '../../platform/db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The encounter a screening belongs to, locked so two screenings of one visit flag the provider once; with its provider and the patient's sex. */
export async function lockEncounterForScreening(trx: Transaction<Database>, organizationId: string, encounterId: string) {
  const encounter = await trx
    .selectFrom('encounters')
    .select(['id', 'patientId', 'providerId', 'appointmentId', 'status'])
    .where('id', '=', encounterId)
    .where('organizationId', '=', organizationId)
    .forUpdate()
    .executeTakeFirst();
  if (!encounter) return undefined;
  const [appointment, patient] = await Promise.all([
    encounter.appointmentId
      ? trx.selectFrom('appointments').select('providerId').where('id', '=', encounter.appointmentId).executeTakeFirst()
      : Promise.resolve(undefined),
    trx.selectFrom('patients').select('sexAtBirth').where('id', '=', encounter.patientId).executeTakeFirstOrThrow(),
  ]);
  return { ...encounter, providerId: encounter.providerId ?? appointment?.providerId ?? null, sexAtBirth: patient.sexAtBirth };
}

/** The still-open flag task an earlier screening of this instrument raised in this encounter, if any. */
export async function findOpenScreeningTask(trx: Db, encounterId: string, instrument: ScreeningInstrument, priority: 'routine' | 'urgent') {
  return trx
    .selectFrom('screenings as s')
    .innerJoin('tasks as t', 't.id', 's.taskId')
    .select('t.id')
    .where('s.encounterId', '=', encounterId)
    .where('s.instrument', '=', instrument)
    .where('t.priority', '=', priority)
    .where('t.status', 'in', ['open', 'claimed'])
    .limit(1)
    .executeTakeFirst();
}

export async function insertScreening(
  trx: Db,
  row: {
    organizationId: string; patientId: string; encounterId: string; instrument: ScreeningInstrument; answers: unknown;
    total: number | null; band: string; isPositive: boolean; needsUrgentFollowUp: boolean; taskId: string | null; recordedBy: string | null;
  },
) {
  return trx
    .insertInto('screenings')
    .values({ ...row, answers: JSON.stringify(row.answers) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPatientScreenings(db: Db, organizationId: string, patientId: string, options: { instrument?: ScreeningInstrument | undefined; limit: number }) {
  let query = db
    .selectFrom('screenings')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('patientId', '=', patientId)
    .orderBy('recordedAt', 'desc')
    .orderBy('id')
    .limit(options.limit);
  if (options.instrument) query = query.where('instrument', '=', options.instrument);
  return query.execute();
}

export async function patientExists(db: Db, organizationId: string, patientId: string): Promise<boolean> {
  const row = await db.selectFrom('patients').select('id').where('id', '=', patientId).where('organizationId', '=', organizationId).executeTakeFirst();
  return !!row;
}

export type ScreeningRow = Awaited<ReturnType<typeof insertScreening>>;
