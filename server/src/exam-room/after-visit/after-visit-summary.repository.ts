import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The encounter with the names the summary header prints: clinic, location, patient, provider. */
export async function findEncounterHeader(db: Db, organizationId: string, encounterId: string) {
  return db
    .selectFrom('encounters as e')
    .innerJoin('organizations as o', 'o.id', 'e.organizationId')
    .innerJoin('patients as p', 'p.id', 'e.patientId')
    .leftJoin('appointments as a', 'a.id', 'e.appointmentId')
    .leftJoin('locations as l', (join) => join.on((eb) => eb('l.id', '=', eb.fn.coalesce('e.locationId', 'a.locationId'))))
    .leftJoin('staffMembers as s', (join) => join.on((eb) => eb('s.id', '=', eb.fn.coalesce('e.providerId', 'a.providerId'))))
    .select([
      'e.id', 'e.patientId', 'e.startedAt', 'e.appointmentId',
      'o.name as clinicName', 'l.name as locationName', 'l.addressLine1', 'l.city', 'l.state', 'l.postalCode', 'l.phone', 'l.timeZone',
      'p.givenName', 'p.familyName', 'p.dateOfBirth', 'p.email', 'p.consentToEmail', 'p.preferredLanguage',
      's.displayName as providerName', 's.credentials as providerCredentials',
    ])
    .where('e.id', '=', encounterId)
    .where('e.organizationId', '=', organizationId)
    .executeTakeFirst();
}

/** The encounter's current vital signs (corrected readings replaced, entered-in-error left out), in the order taken. */
export async function findEncounterVitals(db: Db, encounterId: string) {
  return db
    .selectFrom('observations')
    .select(['code', 'codeDisplay', 'value', 'unit', 'enteredValue', 'enteredUnit', 'components', 'interpretation', 'effectiveAt'])
    .where('encounterId', '=', encounterId)
    .where('category', '=', 'vital-signs')
    .where('status', '!=', 'entered-in-error')
    .where('replacedById', 'is', null)
    .orderBy('effectiveAt')
    .orderBy('id')
    .execute();
}

export async function findActiveMedications(db: Db, patientId: string) {
  return db
    .selectFrom('medications')
    .select(['name', 'dose', 'route', 'frequency'])
    .where('patientId', '=', patientId)
    .where('status', '=', 'active')
    .orderBy('name')
    .execute();
}

export async function findAllergies(db: Db, patientId: string) {
  const [allergies, statement] = await Promise.all([
    db
      .selectFrom('allergies')
      .select(['substanceText', 'reaction', 'severity'])
      .where('patientId', '=', patientId)
      .where('status', '=', 'active')
      .where('clinicalStatus', '=', 'active')
      .orderBy('substanceText')
      .execute(),
    db.selectFrom('allergyStatements').select('statement').where('patientId', '=', patientId).executeTakeFirst(),
  ]);
  return { allergies, statement: statement?.statement ?? null };
}

/** The patient's next booked visit after `after`. */
export async function findNextAppointment(db: Db, patientId: string, after: Date) {
  return db
    .selectFrom('appointments as a')
    .innerJoin('staffMembers as s', 's.id', 'a.providerId')
    .innerJoin('locations as l', 'l.id', 'a.locationId')
    .select(['a.startsAt', 's.displayName as providerName', 'l.name as locationName', 'l.timeZone'])
    .where('a.patientId', '=', patientId)
    .where('a.status', '=', 'scheduled')
    .where('a.startsAt', '>', after)
    .orderBy('a.startsAt')
    .limit(1)
    .executeTakeFirst();
}

export async function findSummary(db: Db, organizationId: string, summaryId: string) {
  return db.selectFrom('afterVisitSummaries').selectAll().where('id', '=', summaryId).where('organizationId', '=', organizationId).executeTakeFirst();
}

export type AfterVisitSummaryRow = NonNullable<Awaited<ReturnType<typeof findSummary>>>;
