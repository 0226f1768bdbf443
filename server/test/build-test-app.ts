import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import type { Database } from '../src/platform/db/schema.js';
import type { Engine } from '../src/platform/db/database.js';
import { openTestDatabase } from './test-database.js';

export interface TestApp {
  app: FastifyInstance;
  db: Kysely<Database>;
  engine: Engine;
  close(): Promise<void>;
}

/** The real application on a private migrated database; requests go through `app.inject`. */
export async function buildTestApp(options: { config?: Partial<Config>; extraRoutes?: (app: FastifyInstance) => void } = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent' }, options.config);
  const app = await buildApp({ config, database, extraRoutes: options.extraRoutes });
  return {
    app,
    db: database.db,
    engine: database.engine,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

export interface SignedInClient {
  staffMemberId: string;
  csrfToken: string;
  cookie: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

/** Signs in through the real endpoint and returns a client that sends the session cookie and CSRF token. */
export async function signInAs(app: FastifyInstance, username: string, password: string): Promise<SignedInClient> {
  const response = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in as ${username} failed: ${response.statusCode} ${response.body}`);
  const body = response.json() as { csrfToken: string; staffMember: { id: string } };
  const setCookie = response.cookies.find((cookie) => cookie.name === 'medassist_session');
  if (!setCookie) throw new Error('no session cookie');
  const cookie = `medassist_session=${setCookie.value}`;
  return {
    staffMemberId: body.staffMember.id,
    csrfToken: body.csrfToken,
    cookie,
    request: (options) =>
      app.inject({ ...options, headers: { ...(options.headers ?? {}), cookie, 'x-csrf-token': body.csrfToken } }) as Promise<LightMyRequestResponse>,
  };
}
