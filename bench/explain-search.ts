// EXPLAIN ANALYZE of the SQL one search (or duplicate check) sends, on the benchmark database:
//   npx tsx bench/explain-search.ts "Jonh Smiht"
//   npx tsx bench/explain-search.ts "dup:Given|Family|1984-03-07|2175550140"
import pg from 'pg';
import { defaultBenchUrl } from './patient-search.bench.js';
import { openDatabase } from '../server/src/platform/db/database.js';
import { findLikelyDuplicates, searchPatients } from '../server/src/front-desk/patients/patients.repository.js';
import { classifySearch } from '../server/src/front-desk/patients/search-terms.js';
const original = pg.Client.prototype.query as (...args: unknown[]) => Promise<unknown>;
let capture: { text: string; values: unknown[] } | undefined;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  if (typeof args[0] === 'string' && /patients/.test(args[0]) && !/organizations/.test(args[0])) capture = { text: args[0], values: args[1] as unknown[] };
  return original.apply(this, args);
};
const database = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL ?? defaultBenchUrl });
const { id } = await database.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
const q = process.argv[2]!;
if (q.startsWith('dup:')) {
  const [given, family, dob, phone] = q.slice(4).split('|');
  await findLikelyDuplicates(database.db, id, { givenName: given!, familyName: family!, dateOfBirth: dob, phones: phone ? [phone] : [] });
} else await searchPatients(database.db, id, classifySearch(q), 20);
const client = new pg.Client(process.env.BENCH_DATABASE_URL ?? defaultBenchUrl);
await client.connect();
await original.call(client, `explain (analyze, buffers) ${capture!.text}`, capture!.values);
const result = await original.call(client, `explain (analyze, buffers) ${capture!.text}`, capture!.values) as pg.QueryResult;
console.log(result.rows.map((row) => row['QUERY PLAN']).join('\n'));
await client.end();
await database.close();
