import type { Kysely, Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { AfterVisitLanguage } from '../../../../contracts/exam-room/after-visit.js';
import { AppError } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { describeVital, summaryLabels } from './after-visit-labels.js';
import type { AfterVisitSummaryContent } from './after-visit-summary-pdf.js';
import { findTemplatesByIds } from './after-visit-templates.repository.js';
import { findActiveMedications, findAllergies, findEncounterHeader, findEncounterVitals, findNextAppointment } from './after-visit-summary.repository.js';

type Db = Kysely<Database> | Transaction<Database>;

const dateFormat: Record<AfterVisitLanguage, string> = { en: 'MM/dd/yyyy', es: 'dd/MM/yyyy' };

/**
 * Gathers what the after-visit summary prints for one encounter: two identifiers (name and date
 * of birth), the visit's vitals as entered with their flags, active medications, allergies, the
 * chosen instructions in the summary's language, and the next booked visit.
 */
export async function gatherSummaryContent(
  db: Db,
  organizationId: string,
  input: { encounterId: string; language: AfterVisitLanguage; templateIds: readonly string[]; instructions: string; now: Date },
): Promise<{ content: AfterVisitSummaryContent; patientId: string; header: NonNullable<Awaited<ReturnType<typeof findEncounterHeader>>> }> {
  const header = await findEncounterHeader(db, organizationId, input.encounterId);
  if (!header) throw new AppError('NOT_FOUND', { field: 'encounterId' });
  const labels = summaryLabels[input.language];
  const templates = await findTemplatesByIds(db, organizationId, input.templateIds);
  const missing = input.templateIds.findIndex((id) => !templates.some((template) => template.id === id));
  if (missing >= 0) throw new AppError('VALIDATION_FAILED', { field: `templateIds.${missing}`, issues: [{ field: `templateIds.${missing}`, message: 'No such template.' }] });
  const wrongLanguage = input.templateIds.findIndex((id) => templates.find((template) => template.id === id)?.language !== input.language);
  if (wrongLanguage >= 0) {
    throw new AppError('VALIDATION_FAILED', { field: `templateIds.${wrongLanguage}`, issues: [{ field: `templateIds.${wrongLanguage}`, message: 'This template is in another language than the summary.' }] });
  }
  const [vitals, medications, allergyInfo, next] = await Promise.all([
    findEncounterVitals(db, header.id),
    findActiveMedications(db, header.patientId),
    findAllergies(db, header.patientId),
    findNextAppointment(db, header.patientId, input.now),
  ]);
  const zone = header.timeZone ?? 'America/Chicago';
  const locale = input.language === 'es' ? 'es' : 'en-US';
  const instructions = input.templateIds.map((id) => templates.find((template) => template.id === id)!).map((template) => ({ title: template.title, body: template.body }));
  if (input.instructions.trim()) instructions.push({ title: labels.instructions, body: input.instructions.trim() });
  const nextAt = next ? DateTime.fromJSDate(new Date(next.startsAt), { zone: next.timeZone }).setLocale(locale) : null;
  const content: AfterVisitSummaryContent = {
    language: input.language,
    clinicName: header.clinicName,
    locationLines: [header.locationName ?? '', header.addressLine1 ?? '', [header.city, [header.state, header.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', '), header.phone ?? ''],
    patientName: `${header.givenName} ${header.familyName}`,
    dateOfBirth: DateTime.fromISO(String(header.dateOfBirth).slice(0, 10)).toFormat(dateFormat[input.language]),
    visitDate: DateTime.fromJSDate(new Date(header.startedAt), { zone }).toFormat(dateFormat[input.language]),
    providerName: header.providerName ? [header.providerName, header.providerCredentials].filter(Boolean).join(', ') : '',
    vitals: vitals.map((row) => describeVital({
      ...row,
      value: row.value == null ? null : Number(row.value),
      enteredValue: row.enteredValue == null ? null : Number(row.enteredValue),
      components: (row.components ?? []) as { code: string; value: number | null; unit: string | null }[],
    }, labels)),
    medications: medications.map((medication) => [medication.name, medication.dose, medication.route, medication.frequency].filter((part) => part.trim()).join(' ')),
    allergyStatus: allergyInfo.allergies.length > 0 ? 'has-allergies' : allergyInfo.statement ?? 'unknown',
    allergies: allergyInfo.allergies.map((allergy) => [allergy.substanceText, allergy.reaction].filter((part) => part?.trim()).join(': ')),
    instructions,
    nextAppointment: nextAt && next
      ? { date: nextAt.toLocaleString(DateTime.DATE_HUGE), time: nextAt.toLocaleString(DateTime.TIME_SIMPLE), providerName: next.providerName, locationName: next.locationName }
      : null,
  };
  return { content, patientId: header.patientId, header };
}
