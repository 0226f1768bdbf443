import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { checkoutRequestSchema, checkoutResponseSchema } from '../../../../contracts/front-desk/flow.contract.js';
import { AppError } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { bookAppointment, lockAppointment, searchOpenSlots } from '../scheduling/index.js';
import { lockVisit, moveVisit, type FlowContext } from './move-visit.js';

type CheckoutInput = z.output<typeof checkoutRequestSchema>;
type FollowUpRequest = NonNullable<CheckoutInput['followUp']>;

/** The local date from which a follow-up is searched: a given date, or the visit's date plus weeks or months. */
export function followUpSearchDate(followUp: FollowUpRequest, visitStartsAt: Date, timeZone: string): string {
  if (followUp.afterDate) return followUp.afterDate;
  const visitDay = DateTime.fromJSDate(visitStartsAt, { zone: timeZone }).startOf('day');
  return visitDay.plus({ weeks: followUp.inWeeks ?? 0, months: followUp.inMonths ?? 0 }).toISODate()!;
}

/**
 * Checks a patient out: books the follow-up the provider asked for ("return in 3 months": the
 * first open slot of that type with the same provider on or after the date, at a time the patient
 * is not already booked) and ends the visit,
 * leaving the room to be cleaned. All or nothing.
 */
export async function checkoutVisit(db: Kysely<Database>, context: FlowContext, appointmentId: string, input: CheckoutInput): Promise<z.infer<typeof checkoutResponseSchema>> {
  return db.transaction().execute(async (trx) => {
    let appointment = await lockVisit(trx, context, appointmentId, input.version);
    let followUp: z.infer<typeof checkoutResponseSchema>['followUp'] = null;
    if (input.followUp) {
      const location = await trx.selectFrom('locations').select('timeZone').where('id', '=', appointment.locationId).executeTakeFirstOrThrow();
      const fromDate = followUpSearchDate(input.followUp, new Date(appointment.startsAt), location.timeZone);
      const after = DateTime.fromISO(fromDate, { zone: location.timeZone }).startOf('day').toJSDate();
      const [slot] = await searchOpenSlots(trx, context.organizationId, {
        locationId: appointment.locationId, appointmentTypeId: input.followUp.appointmentTypeId, providerId: appointment.providerId, patientId: appointment.patientId,
        after: after.toISOString(), limit: 1,
      });
      if (!slot) throw new AppError('NO_FOLLOW_UP_SLOT', { field: 'followUp', details: { searchedFrom: fromDate } });
      const booked = await bookAppointment(trx, context, {
        patientId: appointment.patientId, providerId: appointment.providerId, locationId: appointment.locationId,
        appointmentTypeId: input.followUp.appointmentTypeId, startsAt: slot.startsAt, source: 'follow-up', followUpOfId: appointment.id,
      });
      followUp = { appointmentId: booked.id, startsAt: new Date(booked.startsAt).toISOString(), providerId: booked.providerId };
    }
    if (appointment.status !== 'checkout') {
      await moveVisit(trx, context, appointment, 'checkout');
      appointment = (await lockAppointment(trx, context.organizationId, appointmentId))!;
    }
    const visit = await moveVisit(trx, context, appointment, 'done');
    return { visit, followUp };
  });
}
