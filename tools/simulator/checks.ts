// The checks after every run, read from the database once the servers have stopped: acknowledged
// writes present, no provider or room double-booked, every visit's status history a valid path of
// the flow state machine, one urgent provider task per critical vital, an audit entry behind every
// patient-data request, and no 500s outside the windows in which a server was killed.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../server/src/platform/db/schema.js';
import { allowedNextStatuses } from '../../server/src/front-desk/flow/flow-state-machine.js';
import type { AppointmentStatus } from '../../server/src/front-desk/scheduling/scheduling.table.js';
import type { Acknowledged } from './clinic-day.js';
import type { Metrics } from './metrics.js';

export interface CheckResult { name: string; passed: boolean; detail: string }

const chunks = <T>(list: T[], size = 500): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, index) => list.slice(index * size, index * size + size));

async function missingIds(db: Kysely<Database>, table: 'appointments' | 'copayPayments' | 'observations' | 'screenings', ids: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const part of chunks([...new Set(ids)])) {
    if (part.length === 0) continue;
    const rows = await db.selectFrom(table).select('id').where('id', 'in', part).execute();
    for (const row of rows) found.add(row.id);
  }
  return ids.filter((id) => !found.has(id));
}

export async function runChecks(db: Kysely<Database>, organizationIds: string[], ack: Acknowledged, metrics: Metrics, auditVerified: { ok: boolean; output: string }): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (name: string, problems: string[], okDetail: string) =>
    results.push({ name, passed: problems.length === 0, detail: problems.length === 0 ? okDetail : `${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}` });

  // 1. every acknowledged write is present
  {
    const problems: string[] = [];
    for (const id of await missingIds(db, 'appointments', [...ack.appointments, ...ack.followUps])) problems.push(`appointment ${id} missing`);
    for (const id of await missingIds(db, 'copayPayments', ack.copays)) problems.push(`copay ${id} missing`);
    for (const id of await missingIds(db, 'observations', ack.observations)) problems.push(`observation ${id} missing`);
    for (const id of await missingIds(db, 'screenings', ack.screenings)) problems.push(`screening ${id} missing`);
    const checkIns = new Set<string>();
    for (const part of chunks([...new Set(ack.checkIns)])) {
      for (const row of await db.selectFrom('checkIns').select('appointmentId').where('appointmentId', 'in', part).execute()) checkIns.add(row.appointmentId);
    }
    for (const id of ack.checkIns) if (!checkIns.has(id)) problems.push(`check-in of ${id} missing`);
    const signed = new Set<string>();
    for (const part of chunks([...new Set(ack.signOffs)])) {
      for (const row of await db.selectFrom('encounters').select('id').where('id', 'in', part).where('summarySignedOffAt', 'is not', null).execute()) signed.add(row.id);
    }
    for (const id of ack.signOffs) if (!signed.has(id)) problems.push(`sign-off of encounter ${id} missing`);
    const acknowledgedAlerts = new Set<string>();
    for (const part of chunks([...new Set(ack.alertAcknowledgements)])) {
      for (const row of await db.selectFrom('vitalAlerts').select('id').where('id', 'in', part).where('acknowledgedAt', 'is not', null).execute()) acknowledgedAlerts.add(row.id);
    }
    for (const id of ack.alertAcknowledgements) if (!acknowledgedAlerts.has(id)) problems.push(`acknowledgement of alert ${id} missing`);
    const moves = new Set<string>();
    const movedIds = [...new Set(ack.statusMoves.map((move) => move.appointmentId))];
    for (const part of chunks(movedIds)) {
      for (const row of await db.selectFrom('appointmentStatusChanges').select(['appointmentId', 'toStatus']).where('appointmentId', 'in', part).execute()) moves.add(`${row.appointmentId}:${row.toStatus}`);
    }
    for (const move of ack.statusMoves) if (!moves.has(`${move.appointmentId}:${move.to}`)) problems.push(`move of ${move.appointmentId} to ${move.to} missing`);
    const total = ack.appointments.length + ack.followUps.length + ack.copays.length + ack.observations.length + ack.screenings.length + ack.checkIns.length + ack.signOffs.length + ack.alertAcknowledgements.length + ack.statusMoves.length;
    add('acknowledged writes present', problems, `${total} acknowledged writes read back`);
  }

  // 2. no provider double-booked (active, not overbooked appointments overlapping)
  {
    const rows = await sql<{ a: string; b: string }>`
      select a.id as a, b.id as b from appointments a join appointments b
        on a.provider_id = b.provider_id and a.id < b.id
       and tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')
     where a.organization_id = any(${organizationIds}::uuid[])
       and a.status not in ('cancelled', 'no-show', 'entered-in-error') and b.status not in ('cancelled', 'no-show', 'entered-in-error')
       and not a.is_overbook and not b.is_overbook`.execute(db);
    add('no provider double-booked', rows.rows.map((row) => `${row.a} overlaps ${row.b}`), 'no overlapping bookings');
  }

  // 3. no room double-booked: the intervals each visit spent in a room never overlap in one room
  //    and 4. every visit's status history is a valid path of the flow state machine
  {
    const changes = await db
      .selectFrom('appointmentStatusChanges as c')
      .innerJoin('appointments as a', 'a.id', 'c.appointmentId')
      .select(['c.appointmentId', 'c.fromStatus', 'c.toStatus', 'c.changedAt', 'c.roomId', 'c.id', 'a.status as currentStatus'])
      .where('c.organizationId', 'in', organizationIds)
      .orderBy('c.appointmentId')
      .orderBy('c.changedAt')
      .orderBy('c.id')
      .execute();
    const byVisit = new Map<string, typeof changes>();
    for (const change of changes) {
      const list = byVisit.get(change.appointmentId);
      if (list) list.push(change);
      else byVisit.set(change.appointmentId, [change]);
    }
    const pathProblems: string[] = [];
    const intervals = new Map<string, { appointmentId: string; from: number; to: number }[]>();
    const inRoom = new Set(['roomed', 'ready-for-provider', 'with-provider']);
    for (const [appointmentId, list] of byVisit) {
      let previous: AppointmentStatus | null = null;
      let enteredAt: number | null = null;
      let roomId: string | null = null;
      for (const change of list) {
        if (change.fromStatus !== previous) pathProblems.push(`${appointmentId}: ${change.fromStatus ?? 'start'} recorded after ${previous ?? 'start'}`);
        else if (previous === null ? !['scheduled', 'arrived'].includes(change.toStatus) : !allowedNextStatuses(previous).includes(change.toStatus)) {
          pathProblems.push(`${appointmentId}: ${previous ?? 'start'} → ${change.toStatus} is not a flow transition`);
        }
        const at = new Date(change.changedAt).getTime();
        if (inRoom.has(change.toStatus) && enteredAt === null) {
          enteredAt = at;
          roomId = change.roomId;
        } else if (!inRoom.has(change.toStatus) && enteredAt !== null && roomId) {
          const list = intervals.get(roomId) ?? [];
          list.push({ appointmentId, from: enteredAt, to: at });
          intervals.set(roomId, list);
          enteredAt = null;
          roomId = null;
        }
        previous = change.toStatus;
      }
      if (previous !== list[0]!.currentStatus) pathProblems.push(`${appointmentId}: history ends at ${previous}, visit is ${list[0]!.currentStatus}`);
      if (enteredAt !== null && roomId) {
        const open = intervals.get(roomId) ?? [];
        open.push({ appointmentId, from: enteredAt, to: Number.POSITIVE_INFINITY });
        intervals.set(roomId, open);
      }
    }
    const roomProblems: string[] = [];
    for (const [roomId, list] of intervals) {
      list.sort((a, b) => a.from - b.from);
      for (let index = 1; index < list.length; index++) {
        if (list[index]!.from < list[index - 1]!.to) roomProblems.push(`room ${roomId}: ${list[index - 1]!.appointmentId} and ${list[index]!.appointmentId} at once`);
      }
    }
    add('no room double-booked', roomProblems, `${[...intervals.values()].reduce((sum, list) => sum + list.length, 0)} room stays, none overlapping`);
    add('every status history is a valid flow path', pathProblems, `${byVisit.size} visits, ${changes.length} transitions`);
  }

  // 5. every critical vital produced exactly one urgent provider task
  {
    const rows = await sql<{ id: string; alerts: number; urgentProviderTasks: number }>`
      select o.id, count(distinct va.id)::int as alerts,
             count(distinct t.id) filter (where t.priority in ('urgent', 'stat') and (t.owner_pool = 'provider' or 'provider' = any(s.roles)))::int as "urgentProviderTasks"
        from observations o
        left join vital_alerts va on va.observation_id = o.id
        left join tasks t on t.id = va.task_id
        left join staff_members s on s.id = t.owner_staff_id
       where o.organization_id = any(${organizationIds}::uuid[]) and o.is_critical
       group by o.id`.execute(db);
    const problems = rows.rows.filter((row) => row.alerts !== 1 || row.urgentProviderTasks !== 1).map((row) => `observation ${row.id}: ${row.alerts} alerts, ${row.urgentProviderTasks} urgent provider tasks`);
    const acknowledgedCritical = new Set(rows.rows.map((row) => row.id));
    for (const id of ack.criticalObservations) if (!acknowledgedCritical.has(id)) problems.push(`critical observation ${id} not found as critical`);
    add('one urgent provider task per critical vital', problems, `${rows.rows.length} critical readings, each with one urgent provider task`);
  }

  // 6. the audit chain verifies, and every patient-data request has its audit entry
  results.push({ name: 'audit chain verifies (npm run audit:verify)', passed: auditVerified.ok, detail: auditVerified.output.trim().split('\n').slice(-2).join(' ') });
  {
    const wanted = new Map<string, number>();
    for (const request of ack.patientRequests) {
      const key = `${request.staffMemberId}:${request.patientId}`;
      wanted.set(key, (wanted.get(key) ?? 0) + 1);
    }
    const have = new Map<string, number>();
    const pairs = [...wanted.keys()].map((key) => key.split(':') as [string, string]);
    for (const part of chunks(pairs, 300)) {
      const rows = await db
        .selectFrom('auditEvents')
        .select(['actorId', 'patientId', db.fn.countAll<number>().as('entries')])
        .where('actorId', 'in', [...new Set(part.map(([staff]) => staff))])
        .where('patientId', 'in', [...new Set(part.map(([, patient]) => patient))])
        .where('outcome', '=', 'success')
        .groupBy(['actorId', 'patientId'])
        .execute();
      for (const row of rows) have.set(`${row.actorId}:${row.patientId}`, Number(row.entries));
    }
    const problems: string[] = [];
    for (const [key, count] of wanted) {
      if ((have.get(key) ?? 0) < count) problems.push(`${key}: ${count} requests, ${have.get(key) ?? 0} audit entries`);
    }
    add('every patient-data request audited', problems, `${ack.patientRequests.length} patient-data requests, each with an audit entry`);
  }

  // 7. no 500s outside the killed windows
  {
    const outside = metrics.serverErrors.filter((error) => !metrics.inKilledWindow(error.startedAt, error.at));
    const refused = metrics.networkErrors.filter((error) => !metrics.inKilledWindow(error.startedAt, error.at));
    add(
      'no 500s (or dropped connections) outside killed windows',
      [...outside.map((error) => `${error.status} on ${error.operation}`), ...refused.map((error) => `${error.code} on ${error.operation}`)],
      `${metrics.serverErrors.length} 5xx and ${metrics.networkErrors.length} connection errors, all inside killed windows`,
    );
  }
  return results;
}
