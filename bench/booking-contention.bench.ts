// Booking under contention on PostgreSQL, through the same use case and slot guard `POST /api/appointments`
// uses: 100 concurrent attempts at one slot (exactly one should win; the rest get 409 SLOT_TAKEN), then
// the throughput of non-conflicting bookings. Prints figures; asserts nothing.
//   npx tsx bench/booking-contention.bench.ts [--bookings 600] [--concurrency 20]
//   BENCH_BOOKING_DATABASE_URL=postgres://… (default: medassist_bench_booking on the local server, rebuilt each run)
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { openDatabase } from '../server/src/platform/db/database.js';
import type { AuditContext } from '../server/src/platform/audit/record-audit.js';
import { AppError } from '../server/src/platform/index.js';
import { bookAppointment, withSlotGuard, type BookAppointmentInput } from '../server/src/front-desk/scheduling/book-appointment.js';
import { buildSlotBenchClinic, recreateDatabase } from './slot-search.bench.js';
import { isMain, latencyFigures, printTable, type Figure } from './report.js';

const BENCHMARK = 'booking contention';
const defaultUrl = process.env.BENCH_BOOKING_DATABASE_URL ?? 'postgres://medassist:medassist@127.0.0.1:5432/medassist_bench_booking';

export async function benchBookingContention(options: { databaseUrl?: string; bookings?: number; concurrency?: number; log?: (line: string) => void } = {}): Promise<Figure[]> {
  const databaseUrl = options.databaseUrl ?? defaultUrl;
  const log = options.log ?? ((line: string) => console.error(line));
  const bookings = options.bookings ?? 600;
  const concurrency = options.concurrency ?? 20;
  await recreateDatabase(databaseUrl);
  const database = await openDatabase({ databaseUrl, poolSize: concurrency });
  try {
    const clinic = await buildSlotBenchClinic(database.db, log);
    const context: AuditContext & { organizationId: string; staffMemberId: string } = {
      actor: { kind: 'staff', id: clinic.frontDeskId, organizationId: clinic.organizationId, name: 'Bench front desk', roles: ['front-desk'], sessionId: 'bench', csrfToken: 'bench', secondFactorPassed: true },
      organizationId: clinic.organizationId, clientAddress: '127.0.0.1', requestId: 'bench', staffMemberId: clinic.frontDeskId,
    };
    const book = (input: BookAppointmentInput) => {
      const startsAt = new Date(input.startsAt);
      return withSlotGuard(
        database.db, clinic.organizationId,
        () => ({ providerId: input.providerId, patientId: input.patientId, roomId: null, startsAt, endsAt: new Date(startsAt.getTime() + 20 * 60_000), isOverbook: false }),
        () => database.db.transaction().execute((trx) => bookAppointment(trx, context, input)),
      );
    };
    // Beyond the 90 booked days, on a weekday: an empty schedule to book into.
    let day = DateTime.now().setZone(clinic.timeZone).startOf('day').plus({ days: 120 });
    const weekdays: DateTime[] = [];
    while (weekdays.length < 40) {
      if (day.weekday <= 5) weekdays.push(day);
      day = day.plus({ days: 1 });
    }

    const slot = weekdays[0]!.plus({ hours: 9 }).toJSDate();
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, index) =>
      book({ patientId: clinic.patientIds[index]!, providerId: clinic.providerIds[0]!, locationId: clinic.locationId, appointmentTypeId: clinic.followUpId, startsAt: slot })
        .then(() => 'booked', (error: unknown) => (error instanceof AppError ? error.code : `error: ${String(error)}`))));
    const tally = new Map<string, number>();
    for (const outcome of outcomes) tally.set(outcome, (tally.get(outcome) ?? 0) + 1);

    // Non-conflicting: each booking its own provider, slot and patient.
    const plan: BookAppointmentInput[] = [];
    for (let index = 0; plan.length < bookings; index++) {
      const provider = index % clinic.providerIds.length;
      const slotIndex = Math.floor(index / clinic.providerIds.length);
      const date = weekdays[1 + Math.floor(slotIndex / 12)]!;
      const startsAt = date.plus({ hours: 8, minutes: (slotIndex % 12) * 20 }).toJSDate();
      plan.push({ patientId: clinic.patientIds[(200 + index) % clinic.patientIds.length]!, providerId: clinic.providerIds[provider]!, locationId: clinic.locationId, appointmentTypeId: clinic.followUpId, startsAt });
    }
    const durations: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < plan.length) {
        const input = plan[next++]!;
        const begun = performance.now();
        await book(input).catch(() => failures++);
        durations.push(performance.now() - begun);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    return [
      { benchmark: BENCHMARK, metric: '100 concurrent attempts, one slot: booked', value: String(tally.get('booked') ?? 0) },
      { benchmark: BENCHMARK, metric: '100 concurrent attempts, one slot: 409 SLOT_TAKEN', value: String(tally.get('SLOT_TAKEN') ?? 0) },
      { benchmark: BENCHMARK, metric: '100 concurrent attempts, one slot: other', value: String(outcomes.length - (tally.get('booked') ?? 0) - (tally.get('SLOT_TAKEN') ?? 0)) },
      { benchmark: BENCHMARK, metric: `non-conflicting bookings (${concurrency} at a time)`, value: `${plan.length - failures} of ${plan.length}` },
      { benchmark: BENCHMARK, metric: 'non-conflicting throughput', value: `${Math.round((plan.length - failures) / seconds)} bookings/s` },
      ...latencyFigures(BENCHMARK, 'one booking', durations, [0.5, 0.95]),
      { benchmark: BENCHMARK, metric: 'machine load average (1 min)', value: os.loadavg()[0]!.toFixed(1) },
    ];
  } finally {
    await database.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { bookings: { type: 'string' }, concurrency: { type: 'string' } } });
  printTable(await benchBookingContention({ bookings: values.bookings ? Number(values.bookings) : undefined, concurrency: values.concurrency ? Number(values.concurrency) : undefined }));
}
