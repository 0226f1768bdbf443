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

/**
 * Reserves `count` MRNs of the organization in one statement, committed at once when `db` is not a
 * transaction (imports take them before their long unit transaction, so units never queue on the
 * counter). MRNs reserved and not used are simply skipped: they are never given twice.
 */
export async function reserveMrns(db: Db, organizationId: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const first = await reserveMrnRange(db, organizationId, count);
  return Array.from({ length: count }, (_, index) => String(first + index));
}

/** Reserves `count` consecutive MRNs (as reserveMrns) and answers the first; for bulk loads that number patients themselves. */
export async function reserveMrnRange(db: Db, organizationId: string, count: number): Promise<number> {
  // A reservation of its own commits without waiting for the WAL flush, so the counter's row lock is
  // not held through a disk write and concurrent registrations do not queue on it. That is safe: a
  // patient given one of these MRNs commits later with a flush, which makes this earlier commit
  // durable too; if the server dies first, no stored patient has the MRN and it may be given again.
  // (Inside a caller's transaction the setting would last to its end, so it is left alone there.)
  const source = db.isTransaction ? sql`` : sql` from (select set_config('synchronous_commit', 'off', true)) as async_commit`;
  const result = await sql<{ nextValue: string | number }>`
    insert into mrn_counters (organization_id, next_value)
    select ${organizationId}, ${1000001 + count}${source}
    on conflict (organization_id) do update set next_value = mrn_counters.next_value + ${count}
    returning next_value`.execute(db);
  return Number(result.rows[0]!.nextValue) - count;
}

export function mrnExists(db: Db, organizationId: string, mrn: string) {
  return db.selectFrom('patients').select('id').where('organizationId', '=', organizationId).where('mrn', '=', mrn).executeTakeFirst();
}

export type PatientSummaryRow = Pick<PatientRow, (typeof summaryColumns)[number]> & { rank: number };

/** Ranked search by the kind of term typed; merged records are left out. */
export async function searchPatients(db: Db, organizationId: string, term: SearchTerm, limit: number): Promise<PatientSummaryRow[]> {
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
        .orderBy('familyName').orderBy('givenName').orderBy('id')
        .limit(limit)
        .execute();
    case 'birth-date':
      return base
        .select(sql<number>`1`.as('rank'))
        .where('dateOfBirth', '=', term.date)
        .orderBy('familyName').orderBy('givenName').orderBy('id')
        .limit(limit)
        .execute();
    case 'name':
      return searchByName(db, organizationId, term, limit);
  }
}

const summarySql = sql.raw(
  'p.id, p.mrn, p.given_name, p.family_name, p.preferred_name, p.date_of_birth, p.sex_at_birth, p.mobile_phone, p.home_phone, p.city, p.is_restricted, p.status',
);

/** The letters of a word in code-point order: equal for two spellings that only swap letters. */
const lettersOf = (word: string) => [...word].sort().join('');

/** The word with one letter left out, each way (the keys of patient_name_word_variants). */
function oneLetterLeftOut(word: string): string[] {
  const letters = [...word];
  if (letters.length < 3) return [];
  return [...new Set(letters.map((_, index) => [...letters.slice(0, index), ...letters.slice(index + 1)].join('')))];
}

/**
 * The spellings in the name vocabulary closest to what was typed, best first. Candidates are the
 * spellings one slip away (through the one-letter-left-out variants), trigram-similar, starting
 * with what was typed, or sounding alike (Soundex, Double Metaphone). Score: 2 for the exact
 * spelling; about 1–1.2 for one that starts with what was typed (still typing); otherwise edit
 * distance (a swap of two letters counts as one edit), trigram similarity and agreement of the
 * sound codes.
 */
function closestSpellings(kind: 'given' | 'family', typed: string, take: number) {
  const word = sql`${typed}::text`;
  const escaped = typed.replace(/[\\%_]/g, '\\$&');
  // One letter is too little to treat as the start of a name.
  const prefix = sql`${[...typed].length >= 2 ? `${escaped}%` : escaped}::text`;
  const letters = lettersOf(typed);
  const leftOut = oneLetterLeftOut(typed);
  return sql`(
    select word, case when word = ${word} then 2.0 else greatest(
        case when length(${word}) >= 2 and word like ${prefix} then 1.0 + 0.2 * length(${word}) / length(word)::float8 else 0 end,
        0.8 * (1 - least(levenshtein(word, ${word}), case when length(word) = length(${word})
            and (select string_agg(letter, '' order by letter collate "C") from regexp_split_to_table(word, '') as letter) = ${letters}::text
            then 1 else 99 end)::float8 / greatest(length(word), length(${word})))
        + 0.2 * similarity(word, ${word})
        + case when soundex = soundex(${word}) then 0.15 else 0 end
        + case when metaphone = dmetaphone(${word}) then 0.15 else 0 end
      ) end as score
    from (
      -- offset 0 keeps "kind = …" out of the trigram scans: pushed down, it lets the planner
      -- read every spelling of the kind through a btree and test each one (~7 ms, not ~0.3 ms).
      select word, soundex, metaphone from (
        select kind, word, soundex, metaphone from patient_name_words where word % ${word} or word like ${prefix} offset 0
      ) as trigram_matches where kind = ${kind}
      union select word, soundex, metaphone from patient_name_words where kind = ${kind} and soundex = soundex(${word}) and soundex <> ''
      union select word, soundex, metaphone from patient_name_words where kind = ${kind} and metaphone = dmetaphone(${word}) and metaphone <> ''
      union select known.word, known.soundex, known.metaphone from patient_name_word_variants as variant
        join patient_name_words as known on known.kind = variant.kind and known.word = variant.word
        where variant.kind = ${kind} and variant.variant = any(${[typed, ...leftOut]}::text[])
      union select word, soundex, metaphone from patient_name_words where kind = ${kind} and word = any(${leftOut}::text[])
    ) as candidates
    order by score desc, word
    limit ${take}
  )`;
}

/**
 * Name search in two steps, each index-bound whatever the panel size: pick the closest spellings
 * of the typed given and family names from the name vocabulary, then read the patients carrying
 * each spelling pair through the (organization, family, given) btree, at most `limit` per pair.
 * A single word is tried as a family name, then (ranked a little lower) as a given name; two
 * words not both close to known spellings are also tried the other way round ("Smith John"),
 * ranked lower.
 */
async function searchByName(db: Db, organizationId: string, term: Extract<SearchTerm, { kind: 'name' }>, limit: number): Promise<PatientSummaryRow[]> {
  const { given, family } = term;
  if (!given) {
    return findByNamePairs(db, organizationId, limit, sql`
      select f.word as family_word, null::text as given_word, f.score as score from ${closestSpellings('family', family, 10)} as f
      union all
      select null::text, g.word, g.score - 0.1 from ${closestSpellings('given', family, 5)} as g`);
  }
  const asTyped = await findByNamePairs(db, organizationId, limit, sql`
    select f.word as family_word, g.word as given_word, f.score + g.score as score
    from ${closestSpellings('family', family, 10)} as f cross join ${closestSpellings('given', given, 6)} as g`);
  // One word exact and the other one slip away scores about 2.6 or more; short of that, also try
  // the words the other way round.
  if ((asTyped[0]?.rank ?? 0) >= 2.5) return asTyped;
  const turned = await findByNamePairs(db, organizationId, limit, sql`
    select f.word as family_word, g.word as given_word, f.score + g.score - 0.5 as score
    from ${closestSpellings('family', given, 4)} as f cross join ${closestSpellings('given', family, 4)} as g`);
  const seen = new Set<string>();
  return [...asTyped, ...turned]
    .sort((a, b) => b.rank - a.rank || compareText(a.familyName, b.familyName) || compareText(a.givenName, b.givenName) || compareText(a.id, b.id))
    .filter((row) => !seen.has(row.id) && seen.add(row.id))
    .slice(0, limit);
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The patients carrying each (family, given) spelling pair, best pair first, at most `limit` per
 * pair, read through the (organization, family, given) or (organization, given, family) btree.
 * A pair without a given spelling matches the family name alone, and the other way round.
 */
async function findByNamePairs(db: Db, organizationId: string, limit: number, pairs: RawBuilder<unknown>): Promise<PatientSummaryRow[]> {
  const result = await sql<PatientSummaryRow>`
    with pairs as materialized (${pairs})
    select found.*, pairs.score as rank
    from pairs cross join lateral (
      select ${summarySql} from patients as p
      where p.organization_id = ${organizationId} and lower(p.family_name) = pairs.family_word
        and lower(p.given_name) = pairs.given_word and p.status <> 'merged'
      order by p.id limit ${limit}
    ) as found
    where pairs.family_word is not null and pairs.given_word is not null
    union all
    select found.*, pairs.score as rank
    from pairs cross join lateral (
      select ${summarySql} from patients as p
      where p.organization_id = ${organizationId} and lower(p.family_name) = pairs.family_word and p.status <> 'merged'
      order by lower(p.given_name), p.id limit ${limit}
    ) as found
    where pairs.given_word is null
    union all
    select found.*, pairs.score as rank
    from pairs cross join lateral (
      select ${summarySql} from patients as p
      where p.organization_id = ${organizationId} and lower(p.given_name) = pairs.given_word and p.status <> 'merged'
      order by lower(p.family_name), p.id limit ${limit}
    ) as found
    where pairs.family_word is null
    order by rank desc, family_name, given_name, id
    limit ${limit}`.execute(db);
  return result.rows;
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

