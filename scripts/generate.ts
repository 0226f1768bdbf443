// `npm run generate -- --patients N [--organization <id>]`: adds N synthetic patients to the
// database the environment names (DATABASE_URL, else the PGlite folder DATA_DIR).
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/platform/db/database.js';
import { migrateToLatest } from '../server/src/platform/db/migrate.js';
import { seedDemoClinic } from '../server/src/demo/seed-demo-clinic.js';
import { generatePatients } from '../server/src/demo/population-generator.js';

const { values } = parseArgs({
  options: {
    patients: { type: 'string' },
    organization: { type: 'string' },
    seed: { type: 'string' },
    concurrency: { type: 'string' },
  },
});
const count = Number(values.patients);
if (!Number.isInteger(count) || count < 1) {
  console.error('Usage: npm run generate -- --patients N [--organization <id>] [--seed N] [--concurrency N]');
  process.exit(2);
}

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrateToLatest(database.db);
  let organizationId = values.organization;
  if (!organizationId) {
    await seedDemoClinic(database.db, { patients: 0 });
    const first = await database.db.selectFrom('organizations').select('id').orderBy('createdAt').limit(1).executeTakeFirstOrThrow();
    organizationId = first.id;
  }
  const concurrency = Number(values.concurrency ?? (database.engine === 'postgres' ? 4 : 1));
  const started = performance.now();
  let lastPrinted = 0;
  const progress = (done: number) => {
    const now = performance.now();
    if (done < count && now - lastPrinted < 1000) return;
    lastPrinted = now;
    const seconds = (now - started) / 1000;
    const rate = done / Math.max(seconds, 0.001);
    const eta = (count - done) / Math.max(rate, 1);
    const line = `${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} patients  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${Math.ceil(eta)} s`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line.padEnd(70)}`);
    else console.log(line);
  };
  await generatePatients(database.db, organizationId, count, {
    seed: values.seed === undefined ? Date.now() : Number(values.seed),
    concurrency,
    onProgress: progress,
  });
  const seconds = (performance.now() - started) / 1000;
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.log(`Added ${count.toLocaleString('en-US')} patients in ${seconds.toFixed(1)} s (${Math.round(count / seconds).toLocaleString('en-US')}/s, ${database.engine}).`);
} finally {
  await database.close();
}
