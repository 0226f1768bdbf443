import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { hashPassword } from '../auth/secrets.js';
import type { Role } from '../db/platform.table.js';
import { allRoles, decide, isPolicyAction, PUBLIC, staffRoles } from './policy-table.js';
import { routesWithoutPolicy } from './require-policy.js';

// The only routes anyone may call without signing in. Adding one here is a security decision.
const expectedPublicRoutes = ['POST /api/session', 'POST /oauth2/token', 'GET /', 'HEAD /', 'GET /assets/*', 'HEAD /assets/*', 'GET /healthz', 'HEAD /healthz', 'GET /confirm/:token', 'HEAD /confirm/:token', 'POST /confirm/:token', 'GET /fhir/R4/metadata', 'HEAD /fhir/R4/metadata'];

let t: TestApp;
const clients = new Map<Role, { request: SignedInClient['request'] }>();

beforeAll(async () => {
  t = await buildTestApp();
  const { organizationId } = await makeOrganization(t.db);
  for (const role of staffRoles) {
    const member = await makeStaffMember(t.db, organizationId, [role]);
    clients.set(role, await signInAs(t.app, member.username, TEST_PASSWORD));
  }
  await t.db.insertInto('oauthClients').values({
    organizationId, clientId: 'policy-test-client', secretHash: await hashPassword('policy-test-secret'), name: 'Policy test',
    roles: ['integration'], allowedScopes: ['system/*.cruds'],
  }).execute();
  const token = await t.app.inject({
    method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials&client_id=policy-test-client&client_secret=policy-test-secret',
  });
  const bearer = `Bearer ${token.json().access_token}`;
  clients.set('integration', { request: (options) => t.app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: bearer } }) as Promise<LightMyRequestResponse> });
});
afterAll(() => t.close());

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

/** The error code and message of a refusal: the app's `{ error }` body, or a FHIR OperationOutcome naming the code. */
function refusalOf(body: string): { code?: string; message?: string } | undefined {
  if (!body) return undefined;
  const parsed = JSON.parse(body) as { error?: { code?: string; message?: string }; resourceType?: string; issue?: Array<{ diagnostics?: string; details?: { coding?: Array<{ code?: string }> } }> };
  if (parsed.resourceType === 'OperationOutcome') return { code: parsed.issue?.[0]?.details?.coding?.[0]?.code, message: parsed.issue?.[0]?.diagnostics };
  return parsed.error;
}
const concreteUrl = (url: string) => url.replace(/:[A-Za-z]+/g, SAMPLE_ID).replace('*', 'x');

describe('route policy', () => {
  it('gives every registered route a policy entry from the table, and only the expected routes are public', () => {
    expect(t.app.registeredRoutes.length).toBeGreaterThan(15);
    expect(routesWithoutPolicy(t.app.registeredRoutes)).toEqual([]);
    const publicRoutes = t.app.registeredRoutes.filter((route) => route.policy === PUBLIC).map((route) => `${route.method} ${route.url}`);
    expect(publicRoutes.sort()).toEqual([...expectedPublicRoutes].sort());
  });

  it('catches a route registered without a policy, and refuses calls to it', async () => {
    const withBadRoute = await buildTestApp({
      extraRoutes: (app) => {
        app.get('/api/forgotten', async () => ({ secret: 'should never be served' }));
      },
    });
    try {
      const missing = routesWithoutPolicy(withBadRoute.app.registeredRoutes);
      expect(missing.map((route) => `${route.method} ${route.url}`)).toContain('GET /api/forgotten');
      const response = await withBadRoute.app.inject({ method: 'GET', url: '/api/forgotten' });
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toContain('should never be served');
    } finally {
      await withBadRoute.close();
    }
  });

  it('gives each role exactly what the table says: allowed, or 403 with the reason', async () => {
    // Signing out ends the session the other checks use, so it goes last.
    const routes = t.app.registeredRoutes
      .filter((route) => route.policy !== PUBLIC && route.method !== 'HEAD')
      .sort((a, b) => Number(a.policy === 'session.sign-out') - Number(b.policy === 'session.sign-out'));
    let checks = 0;
    for (const route of routes) {
      const action = route.policy;
      if (!isPolicyAction(action)) throw new Error(`no policy on ${route.method} ${route.url}`);
      for (const role of allRoles) {
        const client = clients.get(role)!;
        const response = await client.request({
          method: route.method as 'GET',
          url: concreteUrl(route.url),
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        const decision = decide(action, [role]);
        const label = `${role} → ${route.method} ${route.url} (${action})`;
        if (decision.allowed) {
          expect(response.statusCode, label).not.toBe(401);
          expect(refusalOf(response.body)?.code, label).not.toBe('FORBIDDEN_BY_POLICY');
        } else {
          expect(response.statusCode, label).toBe(403);
          expect(refusalOf(response.body), label).toMatchObject({ code: 'FORBIDDEN_BY_POLICY', message: decision.reason });
        }
        checks++;
      }
    }
    expect(checks).toBe(routes.length * allRoles.length);
    const refusals = await t.db.selectFrom('auditEvents').select(['reason']).where('action', '=', 'policy-refused').execute();
    expect(refusals.length).toBeGreaterThan(0);
  });
});
