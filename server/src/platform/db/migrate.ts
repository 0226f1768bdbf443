import { sql, type Kysely } from 'kysely';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import type { Database } from './schema.js';

/**
 * Splits a migration script into statements on top-level semicolons, leaving semicolons inside
 * quotes and dollar-quoted bodies alone (PGlite's extended protocol takes one statement at a time).
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let index = 0;
  while (index < script.length) {
    const char = script[index]!;
    if (char === '-' && script[index + 1] === '-') {
      const end = script.indexOf('\n', index);
      index = end === -1 ? script.length : end;
      continue;
    }
    if (char === "'") {
      const end = script.indexOf("'", index + 1);
      current += script.slice(index, end + 1);
      index = end + 1;
      continue;
    }
    if (char === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(index))?.[0];
      if (tag) {
        const end = script.indexOf(tag, index + tag.length);
        current += script.slice(index, end + tag.length);
        index = end + tag.length;
        continue;
      }
    }
    if (char === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      index++;
      continue;
    }
    current += char;
    index++;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/**
 * Applies every migration not yet applied, each in its own transaction, holding an advisory lock
 * so that several server processes starting together migrate once.
 */
export async function migrateToLatest(db: Kysely<Database>, migrations: readonly Migration[] = allMigrations): Promise<string[]> {
  await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(db);
  const applied: string[] = [];
  for (const migration of migrations) {
    const didApply = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(7310001)`.execute(trx);
      const existing = await sql<{ name: string }>`select name from schema_migrations where name = ${migration.name}`.execute(trx);
      if (existing.rows.length > 0) return false;
      for (const statement of splitStatements(migration.script)) {
        await sql.raw(statement).execute(trx);
      }
      await sql`insert into schema_migrations (name) values (${migration.name})`.execute(trx);
      return true;
    });
    if (didApply) applied.push(migration.name);
  }
  return applied;
}
