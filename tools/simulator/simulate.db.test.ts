// A short clinic-day simulation inside `npm test`: real server processes on this test project's
// database engine (a private PGlite folder, or a database of this run on the test PostgreSQL with
// two server processes behind it), a few virtual clinics, and every check of the simulator.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { defaultOptions, formatReport, simulate } from './simulate.js';

const onPostgres = process.env.TEST_DB === 'postgres';
let databaseUrl: string | undefined;
let databaseName: string | undefined;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (databaseName) await admin((client) => client.query(`drop database if exists ${databaseName} with (force)`));
});

describe('clinic-day simulation', () => {
  it(`plays a compressed day through the HTTP API and every check passes (${onPostgres ? 'PostgreSQL, 2 server processes' : 'PGlite'})`, async () => {
    if (onPostgres) {
      // this run's prefix: the global teardown drops it even if this file dies
      const prefix = inject('postgresPrefix');
      databaseName = `${prefix}_sim${randomBytes(3).toString('hex')}`;
      await admin((client) => client.query(`create database ${databaseName} template ${prefix}_template`));
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${databaseName}`;
      databaseUrl = url.toString();
    }
    const lines: string[] = [];
    const report = await simulate({
      ...defaultOptions,
      clinics: 2, providers: 2, visits: 6, patientsPerClinic: 80, dayMinutes: 0.5, criticalRate: 0.35,
      databaseUrl, processes: onPostgres ? 2 : 1,
      log: (line) => lines.push(line),
    });
    const printed = formatReport(report);
    expect(report.checks.filter((check) => !check.passed), printed).toEqual([]);
    expect(report.checks.length).toBeGreaterThanOrEqual(9);
    expect(report.visits.completed, printed).toBeGreaterThan(0);
    expect(report.visits.criticals, printed).toBeGreaterThan(0);
    expect(report.sse.delivered, printed).toBeGreaterThan(0);
    expect(report.operations.find((row) => row.operation === 'POST vitals')?.count ?? 0).toBeGreaterThan(0);
    // the booking race and the day are measured apart; together they hold every request but the sign-ins
    const [booking, day] = report.phases;
    expect(report.phases.map((phase) => phase.phase)).toEqual(['booking race (the days before)', 'clinic day']);
    const all = report.operations.find((row) => row.operation === 'ALL')!;
    const signIns = report.operations.find((row) => row.operation === 'sign-in')?.count ?? 0;
    expect(booking!.count + day!.count).toBe(all.count - signIns);
    expect(day!.count).toBeGreaterThan(booking!.count);
    expect(day!.p99).toBeLessThanOrEqual(all.max);
  }, 300_000);
});
