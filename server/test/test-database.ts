import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, pgliteExtensions, pgliteParsers, type DatabaseHandle, type Engine } from '../src/platform/db/database.js';

export const testEngine: Engine = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/** A private, migrated database for one test file, on the engine this test project runs against. */
export async function openTestDatabase(): Promise<DatabaseHandle & { url?: string }> {
  if (testEngine === 'pglite') {
    const snapshot = fs.readFileSync(inject('pgliteSnapshot'));
    const pglite = await PGlite.create({ loadDataDir: new Blob([snapshot]), extensions: pgliteExtensions, parsers: pgliteParsers });
    return openDatabase({ pglite });
  }
  const url = process.env.TEST_DATABASE_URL!;
  const prefix = inject('postgresPrefix');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`create database ${name} template ${prefix}_template`);
      break;
    } catch (error) {
      // Two files copying the template at the same instant: PostgreSQL refuses one; try again.
      if (attempt > 20 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: databaseUrl.toString(), poolSize: 10 });
  return {
    ...handle,
    url: databaseUrl.toString(),
    close: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
