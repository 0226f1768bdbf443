import { sql, type Kysely, type Insertable } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { PatientsTable } from '../front-desk/patients/patients.table.js';
import { reserveMrnRange } from '../front-desk/patients/patients.repository.js';
import { cities, familyNames, femaleGivenNames, maleGivenNames, streetKinds, streetNames } from './names.js';

/** A small, seedable PRNG (mulberry32) so a generated population is the same every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const digits = (random: Random, count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');

/** A typing slip as front desks make them: two letters swapped, one dropped, or one doubled. */
export function misspell(random: Random, name: string): string {
  if (name.length < 4) return name + name.at(-1);
  const at = 1 + Math.floor(random() * (name.length - 2));
  const kind = Math.floor(random() * 3);
  if (kind === 0) return name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2);
  if (kind === 1) return name.slice(0, at) + name.slice(at + 1);
  return name.slice(0, at) + name[at] + name.slice(at);
}

function birthDate(random: Random, today: Date): string {
  // Ages 0–95, weighted a little toward adults as a primary-care panel is.
  const age = random() < 0.22 ? Math.floor(random() * 18) : 18 + Math.floor(random() * 78);
  const date = new Date(Date.UTC(today.getUTCFullYear() - age, 0, 1) - Math.floor(random() * 365) * 86_400_000);
  return date.toISOString().slice(0, 10);
}

type NewPatient = Omit<Insertable<PatientsTable>, 'organizationId' | 'mrn'>;

/** One synthetic person; about 2 % are near-duplicates of someone generated before. */
export function syntheticPatient(random: Random, today: Date, previous: NewPatient[]): NewPatient {
  const earlier = previous.length > 20 && random() < 0.02 ? pick(random, previous) : undefined;
  if (earlier) {
    const twin = { ...earlier };
    if (random() < 0.6) twin.familyName = misspell(random, String(earlier.familyName));
    else twin.givenName = misspell(random, String(earlier.givenName));
    if (random() < 0.5) twin.mobilePhone = '';
    return twin;
  }
  const female = random() < 0.51;
  const place = pick(random, cities);
  const phone = () => `${place.area}-${2 + Math.floor(random() * 8)}${digits(random, 2)}-${digits(random, 4)}`;
  const spanish = random() < 0.12;
  return {
    givenName: pick(random, female ? femaleGivenNames : maleGivenNames),
    middleName: random() < 0.4 ? pick(random, female ? femaleGivenNames : maleGivenNames) : '',
    familyName: pick(random, familyNames),
    dateOfBirth: birthDate(random, today),
    sexAtBirth: female ? 'female' : 'male',
    addressLine1: `${1 + Math.floor(random() * 9899)} ${pick(random, streetNames)} ${pick(random, streetKinds)}`,
    city: place.city,
    state: place.state,
    postalCode: `${place.zip}${digits(random, 2)}`,
    mobilePhone: random() < 0.85 ? phone() : '',
    homePhone: random() < 0.3 ? phone() : '',
    email: '',
    preferredLanguage: spanish ? 'es' : 'en',
    interpreterNeeded: spanish && random() < 0.4,
    consentToText: random() < 0.7,
    consentToEmail: random() < 0.5,
    privacyNoticeAcknowledgedAt: new Date(today.getTime() - Math.floor(random() * 3650) * 86_400_000),
    emergencyContact: null,
    guarantor: null,
    restrictedStaffMemberId: null,
    mergedIntoPatientId: null,
    createdBy: null,
  };
}

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * Adds `count` synthetic patients to an organization, reserving their block of MRNs first.
 * Each batch is one multi-row insert of a JSON array (a single parameter, so batch size is not
 * bound by the protocol's parameter limit); on PostgreSQL `concurrency` batches are in flight at
 * once. Deterministic for a given seed. Calls `onProgress` after every batch.
 */
export async function generatePatients(
  db: Kysely<Database>,
  organizationId: string,
  count: number,
  options: { seed?: number; batchSize?: number; concurrency?: number; today?: Date; onProgress?: (done: number) => void } = {},
): Promise<void> {
  if (count <= 0) return;
  const random = seededRandom(options.seed ?? 20261124);
  const today = options.today ?? new Date();
  const batchSize = options.batchSize ?? 2000;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const firstMrn = await reserveMrnRange(db, organizationId, count);
  const recent: NewPatient[] = [];
  let columns: string | undefined;
  let made = 0;
  let done = 0;
  const inFlight = new Set<Promise<void>>();
  while (made < count) {
    const size = Math.min(batchSize, count - made);
    const rows = Array.from({ length: size }, (_, index) => {
      const patient = syntheticPatient(random, today, recent);
      if (recent.length < 5000) recent.push(patient);
      else recent[Math.floor(random() * recent.length)] = patient;
      return { ...patient, organizationId, mrn: String(firstMrn + made + index) };
    });
    made += size;
    columns ??= Object.keys(rows[0]!).map(snakeCase).join(', ');
    const payload = JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [snakeCase(key), value]))));
    const insert = sql`insert into patients (${sql.raw(columns)})
      select ${sql.raw(columns)} from json_populate_recordset(null::patients, ${payload}::json)`
      .execute(db)
      .then(() => {
        done += size;
        options.onProgress?.(done);
      });
    const tracked = insert.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await sql`vacuum (analyze) patients`.execute(db);
  await sql`vacuum (analyze) patient_name_words`.execute(db);
}
