// `npm test`: runs every test project this machine can run, says in one line what it could not,
// and under CI=true refuses to pass without PostgreSQL or Chromium.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';

const isCi = process.env.CI === 'true';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://medassist:medassist@127.0.0.1:5432/postgres';
const passthrough = process.argv.slice(2);

async function postgresReachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const projects = ['unit', 'pglite'];
const notRun = [];
if (await postgresReachable(databaseUrl)) projects.push('postgres');
else notRun.push(`PostgreSQL tests (no PostgreSQL answered at ${process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'the default 127.0.0.1:5432 medassist role'}; set TEST_DATABASE_URL)`);
if (fs.existsSync(chromiumPath)) projects.push('browser');
else notRun.push(`browser tests (no Chromium at ${chromiumPath}; apt-get install chromium)`);

for (const line of notRun) console.log(`Not run: ${line}`);
if (isCi && notRun.length > 0) {
  console.error('CI=true: every test must run here, so this run fails.');
  process.exit(1);
}

if (projects.includes('browser') && !fs.existsSync('dist/web/index.html')) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'web'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

fs.mkdirSync('test-results', { recursive: true });
const reportFile = 'test-results/vitest-report.json';
fs.rmSync(reportFile, { force: true });
const vitest = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs', 'run',
    ...projects.flatMap((project) => ['--project', project]),
    '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`,
    ...passthrough,
  ],
  { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: databaseUrl, CHROMIUM_PATH: chromiumPath } },
);

let summary = 'no report';
if (fs.existsSync(reportFile)) {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  // A file that fails before its tests run (a broken import, a failed beforeAll) counts as a failure too.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  ).length;
  const failed = report.numFailedTests + brokenFiles;
  summary = `${report.numPassedTests} passed, ${failed} failed, ${report.numPendingTests + report.numTodoTests} skipped`;
  if (report.numTotalTests === 0) summary = '0 passed, 0 failed';
}
console.log(`Projects run: ${projects.join(', ')}${notRun.length ? ` (not run: ${notRun.length})` : ''}`);
console.log(`Tests: ${summary}`);
process.exit(vitest.status ?? 1);
