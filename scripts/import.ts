// `npm run import -- <files or folders> [--organization <id>] [--concurrency N]`: loads FHIR R4
// transaction Bundles (.json, e.g. Synthea) and NDJSON files (.ndjson) into the database the
// environment names (DATABASE_URL, else the PGlite folder DATA_DIR), through the FHIR mapping.
// Idempotent: running it again changes nothing; a run killed half-way completes when run again.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/platform/db/database.js';
import { migrateToLatest } from '../server/src/platform/db/migrate.js';
import { seedDemoClinic } from '../server/src/demo/seed-demo-clinic.js';
import { commandLineImportContext, formatSummary, runImport, sourcesFromPaths } from '../server/src/interop/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { organization: { type: 'string' }, concurrency: { type: 'string' }, quiet: { type: 'boolean' } },
});
if (positionals.length === 0) {
  console.error('Usage: npm run import -- <files or folders of .json Bundles / .ndjson> [--organization <id>] [--concurrency N]');
  process.exit(2);
}

const config = loadConfig();
const sources = await sourcesFromPaths(positionals);
if (sources.length === 0) {
  console.error('No .json or .ndjson files found there.');
  process.exit(2);
}
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 12 });
try {
  await migrateToLatest(database.db);
  let organizationId = values.organization;
  if (!organizationId) {
    await seedDemoClinic(database.db, { patients: 0 });
    organizationId = (await database.db.selectFrom('organizations').select('id').orderBy('createdAt').limit(1).executeTakeFirstOrThrow()).id;
  }
  const concurrency = Number(values.concurrency ?? (database.engine === 'postgres' ? 8 : 1));
  const started = performance.now();
  const bar = new cliProgress.SingleBar({
    format: ' {bar} {percentage}% | {patients} patients | {resources} resources | {rate}/s | ETA {eta_formatted}',
    hideCursor: true,
    noTTYOutput: !process.stdout.isTTY,
    notTTYSchedule: 5000,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  const totalBytes = sources.reduce((sum, source) => sum + source.bytes, 0);
  if (!values.quiet) bar.start(totalBytes, 0, { patients: 0, resources: 0, rate: 0 });
  const result = await runImport(database.db, commandLineImportContext(organizationId), sources, {
    concurrency,
    onProgress: (progress) => {
      const seconds = (performance.now() - started) / 1000;
      if (!values.quiet) bar.update(progress.bytesDone, { patients: progress.result.patients.toLocaleString('en-US'), resources: progress.resources.toLocaleString('en-US'), rate: Math.round(progress.resources / Math.max(seconds, 0.001)).toLocaleString('en-US') });
    },
  });
  if (!values.quiet) bar.stop();
  const seconds = (performance.now() - started) / 1000;
  console.log(formatSummary(result, { seconds, engine: database.engine, files: sources.length }));
  process.exitCode = result.failed.length > 0 ? 1 : 0;
} finally {
  await database.close();
}
