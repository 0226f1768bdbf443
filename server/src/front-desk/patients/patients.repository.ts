import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { SearchTerm } from './search-terms.js';
import type { PatientsTable } from './patients.table.js';

type Db = Kysely<Database> | Transaction<Database>;
export type PatientRow = Selectable<PatientsTable>;

const summaryColumns = [
  'id', 'mrn', 'givenName', 'familyName', 'preferredName', 'dateOfBirth', 'sexAtBirth', 'mobilePhone', 'homePhone', 'city', 'isRestricted', 'status',
] as const;

export function findById(db: Db, organizationId: string, patientId: string) {
  return db.selectFrom('patients').selectAll().where('organizationId', '=', organizationId).where('id', '=', patientId).executeTakeFirst();
}

export function lockById(db: Transaction<Database>, organizationId: string, patientId: string) {
  return db.selectFrom('patients').selectAll().where('organizationId', '=', organizationId).where('id', '=', patientId).forUpdate().executeTakeFirst();
}

export async function hasPhoto(db: Db, patientId: string): Promise<boolean> {
  return !!(await db.selectFrom('patientPhotos').select('patientId').where('patientId', '=', patientId).executeTakeFirst());
}

/** The next MRN of the organization (row-locked counter, so concurrent registrations never share one). */
export async function takeNextMrn(trx: Transaction<Database>, organizationId: string): Promise<string> {
  const row = await trx
    .insertInto('mrnCounters')
    .values({ organizationId, nextValue: 1000002 })
    .onConflict((conflict) => conflict.column('organizationId').doUpdateSet((eb) => ({ nextValue: eb('mrnCounters.nextValue', '+', 1) })))
    .returning('nextValue')
    .executeTakeFirstOrThrow();
  return String(Number(row.nextValue) - 1);
}

export function mrnExists(db: Db, organizationId: string, mrn: string) {
  return db.selectFrom('patients').select('id').where('organizationId', '=', organizationId).where('mrn', '=', mrn).executeTakeFirst();
}

/** Ranked search by the kind of term typed; merged records are left out. */
export async function searchPatients(db: Db, organizationId: string, term: SearchTerm, limit: number) {
  const base = db
    .selectFrom('patients')
    .select(summaryColumns)
    .where('organizationId', '=', organizationId)
    .where('status', '<>', 'merged');
  switch (term.kind) {
    case 'mrn':
      return base.select(sql<number>`1`.as('rank')).where('mrn', '=', term.mrn).limit(limit).execute();
    case 'phone':
      return base
        .select(sql<number>`1`.as('rank'))
        .where('phoneDigits', '@>', sql<string[]>`array[${term.digits}]::text[]`)
        .orderBy('familyName').orderBy('givenName')
        .limit(limit)
        .execute();
    case 'birth-date':
      return base
        .select(sql<number>`1`.as('rank'))
        .where('dateOfBirth', '=', term.date)
        .orderBy('familyName').orderBy('givenName')
        .limit(limit)
        .execute();
    case 'name': {
      const { text, given, family } = term;
      // Candidates: trigram similarity on the whole name (typos), or the family name sounding
      // alike (Soundex or Double Metaphone), narrowed by the given name's sound when one was typed.
      const soundsAlike = given
        ? sql<boolean>`(family_soundex = soundex(${family}) and given_soundex = soundex(${given}))`
        : sql<boolean>`(family_soundex = soundex(${family}) or family_metaphone = dmetaphone(${family}))`;
      const rank = sql<number>`(
          word_similarity(${text}, search_name)
          + case when family_soundex = soundex(${family}) then 0.25 else 0 end
          + case when family_metaphone = dmetaphone(${family}) then 0.15 else 0 end
          + case when ${given ?? ''} <> '' and given_soundex = soundex(${given ?? ''}) then 0.2 else 0 end
          + case when lower(family_name) = ${family} then 0.3 else 0 end
        )`;
      return base
        .select(rank.as('rank'))
        .where((eb) => eb.or([sql<boolean>`${text} <% search_name`, soundsAlike]))
        .orderBy(rank, 'desc')
        .orderBy('familyName')
        .limit(limit)
        .execute();
    }
  }
}

/** Patients who may be the same person: same birth date and a similar name, or a shared phone. */
export async function findLikelyDuplicates(
  db: Db,
  organizationId: string,
  input: { givenName: string; familyName: string; dateOfBirth?: string | undefined; phones: string[] },
) {
  const name = `${input.givenName} ${input.familyName}`.toLowerCase();
  const conditions: RawBuilder<boolean>[] = [];
  if (input.dateOfBirth) {
    conditions.push(sql<boolean>`(date_of_birth = ${input.dateOfBirth} and (
      similarity(lower(given_name || ' ' || family_name), ${name}) >= 0.3
      or family_soundex = soundex(${input.familyName})
      or (given_soundex = soundex(${input.givenName}) and similarity(lower(family_name), ${input.familyName.toLowerCase()}) >= 0.2)))`);
  }
  if (input.phones.length > 0) conditions.push(sql<boolean>`phone_digits && ${sql.val(input.phones)}::text[]`);
  if (conditions.length === 0) return [];
  return db
    .selectFrom('patients')
    .select(summaryColumns)
    .select([
      sql<boolean>`${input.dateOfBirth ?? null}::date is not null and date_of_birth = ${input.dateOfBirth ?? null}::date`.as('sameBirthDate'),
      sql<boolean>`phone_digits && ${sql.val(input.phones)}::text[]`.as('samePhone'),
      sql<number>`similarity(lower(given_name || ' ' || family_name), ${name})`.as('nameSimilarity'),
    ])
    .where('organizationId', '=', organizationId)
    .where('status', '=', 'active')
    .where((eb) => eb.or(conditions))
    .orderBy(sql`similarity(lower(given_name || ' ' || family_name), ${name})`, 'desc')
    .limit(10)
    .execute();
}

export type PatientSummaryRow = Awaited<ReturnType<typeof searchPatients>>[number];
