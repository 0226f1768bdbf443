import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.js';
import { testEngine } from '../../../test/test-database.js';
import { toOutcome } from '../../interop/fhir/core/operation-outcome.js';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';

// Real driver errors: a refused connection, and (on PostgreSQL) a connection the server ended.
async function refusedConnection(): Promise<unknown> {
  const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'none', connectionTimeoutMillis: 2000 });
  return client.connect().then(() => new Error('connected to port 1?'), (error: unknown) => error);
}

async function terminatedConnection(): Promise<unknown> {
  const url = process.env.TEST_DATABASE_URL!;
  const victim = new pg.Client({ connectionString: url });
  const admin = new pg.Client({ connectionString: url });
  await victim.connect();
  await admin.connect();
  victim.on('error', () => {});
  try {
    const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
    await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    return await victim.query('select 1').then(() => new Error('still connected'), (error: unknown) => error);
  } finally {
    await admin.end();
    await victim.end().catch(() => {});
  }
}

let thrown: unknown;
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({
    extraRoutes: (app) => {
      app.get('/api/test-only/database-away', { config: { policy: 'public' } }, async () => {
        throw thrown;
      });
    },
  });
});
afterAll(() => t.close());

describe('a database that cannot be reached', () => {
  it('is told apart from a broken request', async () => {
    expect(isDatabaseUnavailable(await refusedConnection())).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('Cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it.runIf(testEngine === 'postgres')('includes a connection the server ended (restart or shutdown)', async () => {
    const ended = await terminatedConnection();
    expect((ended as { code?: string }).code).toBe('57P01');
    expect(isDatabaseUnavailable(ended)).toBe(true);
  });

  it('is answered 503 with Retry-After, not 500, by the app and by the FHIR API', async () => {
    thrown = await refusedConnection();
    const response = await t.app.inject({ method: 'GET', url: '/api/test-only/database-away' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json().error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId: expect.any(String) });

    const fhir = toOutcome(thrown);
    expect(fhir.status).toBe(503);
    expect(fhir.body.issue[0]).toMatchObject({ severity: 'error', code: 'transient' });

    thrown = new TypeError('Cannot read properties of undefined');
    expect((await t.app.inject({ method: 'GET', url: '/api/test-only/database-away' })).statusCode).toBe(500);
  });
});
