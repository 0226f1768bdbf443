// The clinic-day simulation: builds a population, starts real server processes, plays compressed
// clinic days through the HTTP API with many virtual users (optionally killing the server at random
// moments), then stops everything, verifies the audit chain and runs the checks. Used by the CLI
// (main.ts) and by simulate.db.test.ts.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../server/src/platform/db/database.js';
import { migrateToLatest } from '../../server/src/platform/db/migrate.js';
import { ClinicDay, emptyAcknowledged } from './clinic-day.js';
import { runChecks, type CheckResult } from './checks.js';
import { Metrics, percentile, type OperationFigures, type PhaseFigures, type WindowFigures } from './metrics.js';
import { buildPopulation } from './population.js';
import { folderSize, freePort, ServerProcess } from './servers.js';

export interface SimulationOptions {
  clinics: number;
  providers: number;
  /** Visits per provider in the day (booked plus walk-ins). */
  visits: number;
  patientsPerClinic: number;
  /** Real minutes the 9-hour clinic day takes. */
  dayMinutes: number;
  criticalRate: number;
  /** PostgreSQL; unset = a fresh private PGlite folder. */
  databaseUrl?: string;
  processes: number;
  chaos: boolean;
  /** With --chaos on PostgreSQL: restart the database once (`pg_ctlcluster 15 main restart`; only when this run owns it). */
  restartDatabase: boolean;
  seed: number;
  reportFile?: string;
  log: (line: string) => void;
}

export const defaultOptions: Omit<SimulationOptions, 'log'> = {
  clinics: 3, providers: 2, visits: 10, patientsPerClinic: 200, dayMinutes: 1, criticalRate: 0.15, processes: 1, chaos: false, restartDatabase: false, seed: 20261124,
};

export interface SimulationReport {
  options: Omit<SimulationOptions, 'log' | 'databaseUrl'> & { database: 'pglite' | 'postgres' };
  startedAt: string;
  wallSeconds: number;
  daySeconds: number;
  operations: OperationFigures[];
  /** The booking race and the clinic day, each on its own. */
  phases: PhaseFigures[];
  errors: Record<string, number>;
  counters: Record<string, number>;
  sse: { expected: number; delivered: number; missed: number; reconnects: number; lagMs: { p50: number; p95: number; p99: number; max: number } };
  database: { bytesBefore: number; bytesAfter: number; bytesPerVisit: number };
  visits: { booked: number; completed: number; criticals: number };
  chaos: { kills: number; databaseRestarts: number; killedWindows: { from: string; to: string }[] };
  checks: CheckResult[];
  /** The servers' error log lines (message, error type and code), to trace a 500. */
  serverErrorLog: string[];
  passed: boolean;
}

const run = promisify(execFile);

function newestMtime(folder: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The simulation runs the built server (`node dist/server/main.js`); rebuild it when the source is newer. */
function serverBundleStale(): boolean {
  const bundles = ['dist/server/main.js', 'dist/server/audit-verify.js'];
  if (!bundles.every((file) => fs.existsSync(file))) return true;
  const built = Math.min(...bundles.map((file) => fs.statSync(file).mtimeMs));
  return ['server/src', 'contracts'].some((folder) => newestMtime(folder) > built);
}

async function databaseBytes(handle: DatabaseHandle): Promise<number> {
  const result = await sql<{ bytes: string }>`select pg_database_size(current_database())::text as bytes`.execute(handle.db);
  return Number(result.rows[0]!.bytes);
}

export async function simulate(options: SimulationOptions): Promise<SimulationReport> {
  const log = options.log;
  const started = Date.now();
  if (serverBundleStale()) {
    log('Building the server (dist/server is missing or older than server/src)…');
    execFileSync(process.execPath, ['scripts/build.mjs', 'server'], { stdio: 'inherit' });
  }
  const isPostgres = Boolean(options.databaseUrl);
  if (!isPostgres && options.processes > 1) throw new Error('--processes 2 needs PostgreSQL (--database-url): a PGlite folder belongs to one process.');
  const dataDir = isPostgres ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-sim-'));
  const environment = { databaseUrl: options.databaseUrl, dataDir };
  const open = () => openDatabase(isPostgres ? { databaseUrl: options.databaseUrl, poolSize: 4 } : { dataDir });

  log(`Population: ${options.clinics} clinics × ${options.providers} providers, ${options.patientsPerClinic} patients each, on ${isPostgres ? 'PostgreSQL' : `PGlite (${dataDir})`}`);
  let handle = await open();
  await migrateToLatest(handle.db);
  const clinics = await buildPopulation(handle.db, { clinics: options.clinics, providers: options.providers, patientsPerClinic: options.patientsPerClinic, seed: options.seed }, log);
  if (isPostgres) await sql`analyze`.execute(handle.db);
  await handle.close();

  const metrics = new Metrics();
  const ack = emptyAcknowledged();
  const servers: ServerProcess[] = [];
  for (let index = 0; index < options.processes; index++) servers.push(new ServerProcess(await freePort(), environment, `server ${index + 1}`));
  for (const server of servers) await server.start();
  log(`Servers: ${servers.map((server) => `127.0.0.1:${server.port}`).join(', ')} (${options.processes} process${options.processes > 1 ? 'es' : ''})`);

  let bytesBefore = 0;
  let bytesAfter = 0;
  if (isPostgres) {
    handle = await open();
    bytesBefore = await databaseBytes(handle);
    await handle.close();
  } else {
    bytesBefore = folderSize(dataDir!);
  }

  const days = clinics.map((clinic, index) =>
    new ClinicDay(clinic, { dayMinutes: options.dayMinutes, visitsPerProvider: options.visits, criticalRate: options.criticalRate, seed: options.seed }, metrics, ack,
      () => servers[index % servers.length]!.port,
      // the flow-board screen watches through the other process when there are two (LISTEN/NOTIFY carries the events across)
      () => servers[(index + 1) % servers.length]!.port),
  );
  metrics.startedAt = Date.now();
  log('Signing in the staff…');
  for (let index = 0; index < days.length; index += 10) await Promise.all(days.slice(index, index + 10).map((day) => day.signIn()));
  await Promise.all(days.map((day) => day.watcher!.open()));
  log('Booking the day (front desks race for the same slots)…');
  metrics.startPhase('booking race (the days before)');
  await Promise.all(days.map((day) => day.book()));
  metrics.endPhase();
  log(`Booked ${ack.appointments.length} visits; playing the day (9 hours in ${options.dayMinutes} min)…`);

  let chaosStop = false;
  let kills = 0;
  let databaseRestarts = 0;
  const chaos = options.chaos
    ? (async () => {
        const dayMs = options.dayMinutes * 60_000;
        const dayEnds = Date.now() + dayMs;
        let restartedDatabase = !isPostgres || !options.restartDatabase;
        if (isPostgres && !options.restartDatabase) log('Chaos: the database is not restarted (it is not this run’s own; pass --restart-database to run pg_ctlcluster 15 main restart).');
        while (!chaosStop && Date.now() < dayEnds) {
          await new Promise((resolve) => setTimeout(resolve, Math.max(3000, dayMs / 5) * (0.5 + Math.random())));
          if (chaosStop || Date.now() >= dayEnds) break;
          const from = Date.now();
          if (!restartedDatabase && Date.now() > dayEnds - dayMs / 2) {
            restartedDatabase = true;
            log('Chaos: restarting PostgreSQL (pg_ctlcluster 15 main restart)');
            metrics.killedWindows.push({ from, to: Number.POSITIVE_INFINITY });
            await run('pg_ctlcluster', ['15', 'main', 'restart']).catch((error: unknown) => log(`  could not restart PostgreSQL: ${String(error)}`));
            databaseRestarts++;
            metrics.killedWindows[metrics.killedWindows.length - 1]!.to = Date.now() + 5000;
            continue;
          }
          const victim = servers[Math.floor(Math.random() * servers.length)]!;
          log(`Chaos: SIGKILL ${victim.name} at ${((Date.now() - metrics.startedAt) / 1000).toFixed(1)} s`);
          const window = { from, to: Number.POSITIVE_INFINITY };
          metrics.killedWindows.push(window);
          await victim.kill();
          kills++;
          await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1500));
          await victim.start();
          window.to = Date.now() + 2000;
        }
      })()
    : Promise.resolve();

  const dayStarted = Date.now();
  metrics.startPhase('clinic day');
  try {
    await Promise.all(days.map((day) => day.play()));
  } finally {
    chaosStop = true;
    await chaos;
  }
  metrics.endPhase();
  const daySeconds = (Date.now() - dayStarted) / 1000;
  metrics.endedAt = Date.now();
  // let the last live events reach the screens
  await new Promise((resolve) => setTimeout(resolve, 1500));
  let expected = 0;
  const missed: string[] = [];
  let reconnects = 0;
  for (const day of days) {
    const closed = day.watcher!.close();
    expected += closed.expected;
    missed.push(...closed.missed);
    reconnects += day.watcher!.reconnects;
  }

  for (const server of servers) await server.stop();
  log('Servers stopped; verifying the audit chain and running the checks…');
  const verifyEnvironment: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete verifyEnvironment.DATABASE_URL;
  if (isPostgres) verifyEnvironment.DATABASE_URL = options.databaseUrl;
  else verifyEnvironment.DATA_DIR = dataDir;
  const verified = await run(process.execPath, ['dist/server/audit-verify.js'], { env: verifyEnvironment })
    .then((result) => ({ ok: true, output: result.stdout + result.stderr }))
    .catch((error: { stdout?: string; stderr?: string; message: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` || error.message }));

  handle = await open();
  let checks: CheckResult[];
  let criticals = 0;
  try {
    bytesAfter = isPostgres ? await databaseBytes(handle) : 0;
    checks = await runChecks(handle.db, clinics.map((clinic) => clinic.organizationId), ack, metrics, verified);
    const row = await sql<{ n: number }>`select count(*)::int as n from observations where is_critical and organization_id = any(${clinics.map((clinic) => clinic.organizationId)}::uuid[])`.execute(handle.db);
    criticals = row.rows[0]!.n;
  } finally {
    await handle.close();
  }
  if (!isPostgres) bytesAfter = folderSize(dataDir!);
  // a flow change acknowledged outside a killed window must reach the board (replayed after a reconnect if need be)
  checks.push({
    name: 'flow board (SSE) received every acknowledged change',
    passed: missed.length === 0,
    detail: missed.length === 0 ? `${expected} changes delivered${options.processes > 1 ? ' across processes' : ''}` : `${missed.length} of ${expected} never arrived, e.g. ${missed.slice(0, 3).join(', ')}`,
  });

  const completed = metrics.get('visits completed');
  const lags = [...metrics.sseLags].sort((a, b) => a - b);
  const report: SimulationReport = {
    options: { ...options, log: undefined, databaseUrl: undefined, database: isPostgres ? 'postgres' : 'pglite' } as never,
    startedAt: new Date(started).toISOString(),
    wallSeconds: (Date.now() - started) / 1000,
    daySeconds,
    operations: metrics.figures(),
    phases: metrics.phaseFigures(),
    errors: Object.fromEntries([...metrics.errors.entries()].sort((a, b) => b[1] - a[1])),
    counters: Object.fromEntries([...metrics.counters.entries()].sort()),
    sse: { expected, delivered: expected - missed.length, missed: missed.length, reconnects, lagMs: { p50: percentile(lags, 0.5), p95: percentile(lags, 0.95), p99: percentile(lags, 0.99), max: lags.at(-1) ?? 0 } },
    database: { bytesBefore, bytesAfter, bytesPerVisit: completed > 0 ? Math.round((bytesAfter - bytesBefore) / completed) : 0 },
    visits: { booked: ack.appointments.length, completed, criticals },
    chaos: { kills, databaseRestarts, killedWindows: metrics.killedWindows.map((window) => ({ from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() })) },
    checks,
    serverErrorLog: servers.flatMap((server) => server.errorLines),
    passed: checks.every((check) => check.passed),
  };
  if (options.reportFile) fs.mkdirSync(path.dirname(path.resolve(options.reportFile)), { recursive: true });
  if (options.reportFile) fs.writeFileSync(options.reportFile, JSON.stringify(report, null, 2));
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  return report;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** The printed table: operations, errors, SSE, database growth and the checks. */
export function formatReport(report: SimulationReport): string {
  const lines: string[] = [];
  const o = report.options;
  lines.push('');
  lines.push(`Clinic-day simulation on ${o.database}${o.processes > 1 ? ` (${o.processes} server processes)` : ''}${o.chaos ? ', chaos' : ''}: ${o.clinics} clinics × ${o.providers} providers × ${o.visits} visits, 9-hour day in ${o.dayMinutes} min`);
  lines.push(`Visits booked ${report.visits.booked}, completed ${report.visits.completed}, critical readings ${report.visits.criticals}; day took ${fixed(report.daySeconds)} s, whole run ${fixed(report.wallSeconds)} s`);
  lines.push('');
  lines.push(`${'operation'.padEnd(28)} ${'count'.padStart(7)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
  for (const row of report.operations) {
    lines.push(`${row.operation.padEnd(28)} ${String(row.count).padStart(7)} ${fixed(row.perSecond).padStart(8)} ${fixed(row.p50).padStart(8)} ${fixed(row.p95).padStart(8)} ${fixed(row.p99).padStart(8)} ${fixed(row.max).padStart(8)}`);
  }
  lines.push('');
  for (const phase of report.phases) {
    const window = (figures: WindowFigures | null) => (figures ? `${fixed(figures.perSecond)} req/s at p50/p99 ${fixed(figures.p50)}/${fixed(figures.p99)} ms (from ${figures.startsAtSecond} s)` : '—');
    lines.push(`${phase.phase}: ${phase.count} requests in ${fixed(phase.seconds)} s, ${fixed(phase.perSecond)} req/s, p50/p95/p99 ${fixed(phase.p50)}/${fixed(phase.p95)}/${fixed(phase.p99)} ms`);
    lines.push(`  busiest 10 s: ${window(phase.busiestWindow)}; worst p99 10 s: ${window(phase.worstWindow)}`);
  }
  lines.push('');
  lines.push(`Errors by kind: ${Object.entries(report.errors).map(([kind, count]) => `${kind} ×${count}`).join(', ') || 'none'}`);
  lines.push(`Counters: ${Object.entries(report.counters).map(([name, count]) => `${name} ${count}`).join(', ')}`);
  lines.push(`SSE: ${report.sse.delivered}/${report.sse.expected} flow changes delivered, lag p50 ${fixed(report.sse.lagMs.p50)} ms, p95 ${fixed(report.sse.lagMs.p95)} ms, p99 ${fixed(report.sse.lagMs.p99)} ms, max ${fixed(report.sse.lagMs.max)} ms; ${report.sse.reconnects} reconnects`);
  lines.push(`Database: ${(report.database.bytesBefore / 1048576).toFixed(1)} MB → ${(report.database.bytesAfter / 1048576).toFixed(1)} MB, ${(report.database.bytesPerVisit / 1024).toFixed(1)} kB per completed visit`);
  if (o.chaos) lines.push(`Chaos: ${report.chaos.kills} server kills, ${report.chaos.databaseRestarts} database restarts`);
  lines.push('');
  lines.push('Checks:');
  for (const check of report.checks) lines.push(`  ${check.passed ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  if (report.serverErrorLog.length > 0) {
    lines.push('Server error log:');
    for (const line of report.serverErrorLog.slice(0, 10)) lines.push(`  ${line}`);
  }
  lines.push(report.passed ? 'All checks passed.' : 'SOME CHECKS FAILED.');
  return lines.join('\n');
}
