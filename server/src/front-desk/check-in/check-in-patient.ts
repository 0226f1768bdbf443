import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { CheckInRequest, CheckInResponse } from '../../../../contracts/front-desk/check-in.contract.js';
import { recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { lockVisit, moveVisit, toVisit, type FlowContext } from '../flow/move-visit.js';

/** The next receipt number of the day for the organization, R-YYYYMMDD-NNNN (serialised per organization). */
export async function nextReceiptNumber(trx: Kysely<Database>, organizationId: string, localDate: string): Promise<string> {
  await sql`select pg_advisory_xact_lock(hashtext(${`copay-receipt:${organizationId}`}))`.execute(trx);
  const prefix = `R-${localDate.replaceAll('-', '')}-`;
  const last = await trx
    .selectFrom('copayPayments')
    .select('receiptNumber')
    .where('organizationId', '=', organizationId)
    .where('receiptNumber', 'like', `${prefix}%`)
    .orderBy('receiptNumber', 'desc')
    .limit(1)
    .executeTakeFirst();
  const next = last ? Number(last.receiptNumber.slice(prefix.length)) + 1 : 1;
  return `${prefix}${String(next).padStart(4, '0')}`;
}

/**
 * Checks a patient in: records the arrival time, who verified demographics and the insurance card
 * and when, the copay with its receipt number, and moves the visit to arrived. Walk-ins booked as
 * already arrived are checked in the same way without a second move.
 */
export async function checkInPatient(db: Kysely<Database>, context: FlowContext, appointmentId: string, input: CheckInRequest): Promise<CheckInResponse> {
  return db.transaction().execute(async (trx) => {
    const appointment = await lockVisit(trx, context, appointmentId, input.version);
    const existing = await trx.selectFrom('checkIns').select('appointmentId').where('appointmentId', '=', appointmentId).executeTakeFirst();
    const alreadyArrivedWalkIn = appointment.isWalkIn && appointment.status === 'arrived' && !existing;
    const visit = alreadyArrivedWalkIn
      ? toVisit(
          await trx
            .updateTable('appointments')
            .set({ version: appointment.version + 1, updatedAt: new Date() })
            .where('id', '=', appointmentId)
            .returning(['id', 'status', 'statusChangedAt', 'currentRoomId', 'medicalAssistantId', 'version'])
            .executeTakeFirstOrThrow(),
        )
      : await moveVisit(trx, context, appointment, 'arrived');
    const now = new Date();
    const verifiedBy = context.staffMemberId;
    const values = {
      arrivedAt: alreadyArrivedWalkIn ? new Date(appointment.statusChangedAt) : now,
      demographicsVerifiedAt: input.demographicsVerified ? now : null,
      demographicsVerifiedBy: input.demographicsVerified ? verifiedBy : null,
      insuranceCardVerifiedAt: input.insuranceCardVerified ? now : null,
      insuranceCardVerifiedBy: input.insuranceCardVerified ? verifiedBy : null,
    };
    const checkIn = await trx
      .insertInto('checkIns')
      .values({ appointmentId, organizationId: context.organizationId, ...values })
      .onConflict((conflict) => conflict.column('appointmentId').doUpdateSet((eb) => ({ ...values, version: eb('checkIns.version', '+', 1) })))
      .returningAll()
      .executeTakeFirstOrThrow();

    let copay: CheckInResponse['copay'] = null;
    if (input.copay) {
      const location = await trx.selectFrom('locations').select('timeZone').where('id', '=', appointment.locationId).executeTakeFirstOrThrow();
      const receiptNumber = await nextReceiptNumber(trx, context.organizationId, DateTime.fromJSDate(now, { zone: location.timeZone }).toISODate()!);
      const payment = await trx
        .insertInto('copayPayments')
        .values({
          organizationId: context.organizationId, appointmentId, patientId: appointment.patientId,
          amountCents: input.copay.amountCents, method: input.copay.method, receiptNumber, collectedBy: verifiedBy!, collectedAt: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      copay = {
        id: payment.id, amountCents: payment.amountCents, method: payment.method, receiptNumber: payment.receiptNumber,
        collectedAt: new Date(payment.collectedAt).toISOString(), receiptUrl: `/api/copay-payments/${payment.id}/receipt.pdf`,
      };
    }
    await recordAudit(trx, context, [
      {
        action: existing ? 'update' : 'create', recordType: 'CheckIn', recordId: appointmentId, patientId: appointment.patientId,
        details: { demographicsVerified: input.demographicsVerified, insuranceCardVerified: input.insuranceCardVerified },
      },
      ...(copay ? [{ action: 'create' as const, recordType: 'CopayPayment', recordId: copay.id, patientId: appointment.patientId, details: { receiptNumber: copay.receiptNumber, amountCents: copay.amountCents, method: copay.method } }] : []),
    ]);
    const iso = (value: Date | string | null) => (value ? new Date(value).toISOString() : null);
    return {
      visit,
      checkIn: {
        arrivedAt: new Date(checkIn.arrivedAt).toISOString(),
        demographicsVerifiedAt: iso(checkIn.demographicsVerifiedAt),
        demographicsVerifiedBy: checkIn.demographicsVerifiedBy,
        insuranceCardVerifiedAt: iso(checkIn.insuranceCardVerifiedAt),
        insuranceCardVerifiedBy: checkIn.insuranceCardVerifiedBy,
        intakeStatus: checkIn.intakeStatus,
      },
      copay,
    };
  });
}
