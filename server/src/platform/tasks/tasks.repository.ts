import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { TaskPool } from './tasks.table.js';

type Db = Kysely<Database> | Transaction<Database>;

const CLOSED_WINDOW_DAYS = 7;

/** A task row with the names the inbox shows: patient (unless the chart is restricted), owner, claimer. */
function selectTaskRows(db: Db, organizationId: string) {
  return db
    .selectFrom('tasks')
    .leftJoin('patients', 'patients.id', 'tasks.patientId')
    .leftJoin('staffMembers as owner', 'owner.id', 'tasks.ownerStaffId')
    .leftJoin('staffMembers as claimer', 'claimer.id', 'tasks.claimedBy')
    .selectAll('tasks')
    .select([
      'patients.givenName as patientGivenName',
      'patients.familyName as patientFamilyName',
      'patients.mrn as patientMrn',
      'patients.isRestricted as patientIsRestricted',
      'owner.displayName as ownerName',
      'claimer.displayName as claimerName',
    ])
    .where('tasks.organizationId', '=', organizationId);
}

export type TaskRow = Awaited<ReturnType<ReturnType<typeof selectTaskRows>['executeTakeFirstOrThrow']>>;

function byView<T extends ReturnType<typeof selectTaskRows>>(query: T, view: 'active' | 'closed'): T {
  if (view === 'active') return query.where('tasks.status', 'in', ['open', 'claimed']) as T;
  return query
    .where('tasks.status', 'in', ['completed', 'cancelled'])
    .where(sql<boolean>`coalesce(tasks.completed_at, tasks.cancelled_at) > now() - make_interval(days => ${CLOSED_WINDOW_DAYS})`) as T;
}

/** Most urgent first: stat before urgent before routine, then the earliest due, then the oldest. */
function inInboxOrder<T extends ReturnType<typeof selectTaskRows>>(query: T): T {
  return query
    .orderBy(sql`case tasks.priority when 'stat' then 0 when 'urgent' then 1 else 2 end`)
    .orderBy(sql`tasks.due_at asc nulls last`)
    .orderBy('tasks.createdAt')
    .orderBy('tasks.id') as T;
}

/** A person's inbox: tasks they own or claimed, and unclaimed tasks in the pools of their roles. */
export function findPersonalTasks(db: Db, organizationId: string, staffMemberId: string, pools: readonly TaskPool[], view: 'active' | 'closed', limit: number) {
  const query = selectTaskRows(db, organizationId).where((eb) =>
    eb.or([
      eb('tasks.ownerStaffId', '=', staffMemberId),
      eb('tasks.claimedBy', '=', staffMemberId),
      ...(pools.length > 0 && view === 'active'
        ? [eb.and([eb('tasks.ownerPool', 'in', [...pools]), eb('tasks.ownerStaffId', 'is', null), eb('tasks.status', '=', 'open')])]
        : []),
    ]),
  );
  return inInboxOrder(byView(query, view)).limit(limit).execute();
}

/** A role pool's inbox: its waiting tasks and the ones someone has claimed. */
export function findPoolTasks(db: Db, organizationId: string, pool: TaskPool, view: 'active' | 'closed', limit: number) {
  const query = selectTaskRows(db, organizationId).where('tasks.ownerPool', '=', pool).where('tasks.ownerStaffId', 'is', null);
  return inInboxOrder(byView(query, view)).limit(limit).execute();
}

export function findTaskRowsByIds(db: Db, organizationId: string, taskIds: readonly string[]) {
  if (taskIds.length === 0) return Promise.resolve([]);
  return selectTaskRows(db, organizationId).where('tasks.id', 'in', [...taskIds]).execute();
}

/** Locks tasks for a change, in id order so concurrent bulk actions never deadlock. */
export function lockTasks(trx: Transaction<Database>, organizationId: string, taskIds: readonly string[]) {
  return trx
    .selectFrom('tasks')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', 'in', [...taskIds])
    .orderBy('id')
    .forUpdate()
    .execute();
}

export function findStaffMember(db: Db, organizationId: string, staffMemberId: string) {
  return db
    .selectFrom('staffMembers')
    .select(['id', 'displayName', 'roles'])
    .where('organizationId', '=', organizationId)
    .where('id', '=', staffMemberId)
    .executeTakeFirst();
}

/** Open and overdue tasks waiting in each role pool (claimed ones count for the pool too). */
export function countByPool(db: Db, organizationId: string) {
  return db
    .selectFrom('tasks')
    .select((eb) => [
      'ownerPool',
      eb.fn.countAll<number>().as('open'),
      sql<number>`count(*) filter (where due_at < now())`.as('overdue'),
    ])
    .where('organizationId', '=', organizationId)
    .where('status', 'in', ['open', 'claimed'])
    .where('ownerPool', 'is not', null)
    .where('ownerStaffId', 'is', null)
    .groupBy('ownerPool')
    .execute();
}

export function countPersonal(db: Db, organizationId: string, staffMemberId: string) {
  return db
    .selectFrom('tasks')
    .select((eb) => [eb.fn.countAll<number>().as('open'), sql<number>`count(*) filter (where due_at < now())`.as('overdue')])
    .where('organizationId', '=', organizationId)
    .where('status', 'in', ['open', 'claimed'])
    .where((eb) => eb.or([eb('ownerStaffId', '=', staffMemberId), eb('claimedBy', '=', staffMemberId)]))
    .executeTakeFirstOrThrow();
}
