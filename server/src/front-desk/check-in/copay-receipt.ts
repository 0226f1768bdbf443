import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import PDFDocument from 'pdfkit';
import { AppError, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';

const methodNames = { cash: 'Cash', card: 'Card', check: 'Check' } as const;

export interface ReceiptContent {
  clinicName: string;
  locationName: string;
  addressLines: string[];
  phone: string;
  patientName: string;
  dateOfBirth: string;
  mrn: string;
  collectedAt: string;
  amount: string;
  method: string;
  receiptNumber: string;
  collectedBy: string;
}

/** Lays out a one-page copay receipt. */
export function renderReceiptPdf(content: ReceiptContent): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'LETTER', margin: 56, info: { Title: `Receipt ${content.receiptNumber}`, Author: content.clinicName } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    doc.font('Helvetica-Bold').fontSize(18).text(content.clinicName);
    doc.font('Helvetica').fontSize(10).fillColor('#444');
    for (const line of [content.locationName, ...content.addressLines, content.phone].filter(Boolean)) doc.text(line);
    doc.moveDown(1.5).fillColor('#000').font('Helvetica-Bold').fontSize(14).text('Copay receipt');
    doc.moveDown(0.5);
    const row = (label: string, value: string) => {
      const y = doc.y;
      doc.font('Helvetica').fontSize(11).fillColor('#555').text(label, 56, y, { width: 150 });
      doc.font('Helvetica-Bold').fillColor('#000').text(value, 210, y, { width: 340 });
      doc.moveDown(0.4);
    };
    row('Receipt number', content.receiptNumber);
    row('Date', content.collectedAt);
    row('Patient', content.patientName);
    row('Date of birth', content.dateOfBirth);
    row('MRN', content.mrn);
    row('Amount paid', content.amount);
    row('Payment method', content.method);
    row('Collected by', content.collectedBy);
    doc.moveDown(2).font('Helvetica').fontSize(9).fillColor('#666').text('Thank you. Please keep this receipt for your records.', 56);
    doc.end();
  });
}

/** Prints the receipt of one copay payment (an audited print: it carries the patient's name and birth date). */
export async function printCopayReceipt(db: Kysely<Database>, context: AuditContext & { organizationId: string }, paymentId: string): Promise<Buffer> {
  const row = await db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('copayPayments as c')
      .innerJoin('appointments as a', 'a.id', 'c.appointmentId')
      .innerJoin('locations as l', 'l.id', 'a.locationId')
      .innerJoin('organizations as o', 'o.id', 'c.organizationId')
      .innerJoin('patients as p', 'p.id', 'c.patientId')
      .innerJoin('staffMembers as s', 's.id', 'c.collectedBy')
      .select([
        'c.id', 'c.amountCents', 'c.method', 'c.receiptNumber', 'c.collectedAt', 'c.patientId',
        'o.name as clinicName', 'l.name as locationName', 'l.addressLine1', 'l.addressLine2', 'l.city', 'l.state', 'l.postalCode', 'l.phone', 'l.timeZone',
        'p.givenName', 'p.familyName', 'p.dateOfBirth', 'p.mrn', 's.displayName as collectorName',
      ])
      .where('c.id', '=', paymentId)
      .where('c.organizationId', '=', context.organizationId)
      .executeTakeFirst();
    if (!found) throw new AppError('NOT_FOUND');
    await recordAudit(trx, context, { action: 'print', recordType: 'CopayPayment', recordId: found.id, patientId: found.patientId, details: { receiptNumber: found.receiptNumber } });
    return found;
  });
  const cityLine = [row.city, [row.state, row.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return renderReceiptPdf({
    clinicName: row.clinicName,
    locationName: row.locationName,
    addressLines: [row.addressLine1, row.addressLine2, cityLine].filter(Boolean),
    phone: row.phone,
    patientName: `${row.givenName} ${row.familyName}`,
    dateOfBirth: DateTime.fromISO(row.dateOfBirth).toFormat('MM/dd/yyyy'),
    mrn: row.mrn,
    collectedAt: DateTime.fromJSDate(new Date(row.collectedAt), { zone: row.timeZone }).toFormat('MM/dd/yyyy h:mm a'),
    amount: `$${(row.amountCents / 100).toFixed(2)}`,
    method: methodNames[row.method],
    receiptNumber: row.receiptNumber,
    collectedBy: row.collectorName,
  });
}
