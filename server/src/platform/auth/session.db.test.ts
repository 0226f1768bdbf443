import * as otp from 'otplib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';

let t: TestApp;
let organizationId: string;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId } = await makeOrganization(t.db));
});
afterAll(() => t.close());

const signIn = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/session', payload });

describe('sign-in', () => {
  it('opens a server-side session with an httpOnly SameSite cookie and a CSRF token', async () => {
    const { username, id } = await makeStaffMember(t.db, organizationId, ['medical-assistant']);
    const response = await signIn({ username, password: TEST_PASSWORD });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'medassist_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(response.json().csrfToken).toMatch(/.{20,}/);
    expect(response.json().allowedActions).toContain('vitals.record');
    expect(response.json().allowedActions).not.toContain('refill.approve');
    const session = await t.db.selectFrom('staffSessions').selectAll().where('staffMemberId', '=', id).executeTakeFirstOrThrow();
    expect(session.tokenHash).not.toBe(cookie.value);
    const audit = await t.db.selectFrom('auditEvents').selectAll().where('actorId', '=', id).where('action', '=', 'sign-in').execute();
    expect(audit).toHaveLength(1);
  });

  it('refuses a wrong password with one message that does not reveal whether the user exists, and audits both', async () => {
    const { username } = await makeStaffMember(t.db, organizationId, ['front-desk']);
    const wrong = await signIn({ username, password: 'nope-nope-nope' });
    const unknown = await signIn({ username: 'nobody-here', password: 'nope-nope-nope' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
    const failures = await t.db.selectFrom('auditEvents').select(['reason']).where('action', '=', 'sign-in-failed').execute();
    expect(failures.map((f) => f.reason)).toEqual(expect.arrayContaining(['wrong password', 'unknown username']));
  });

  it('locks the account after 5 failed attempts, even for the right password, until an admin unlocks it', async () => {
    const { username, id } = await makeStaffMember(t.db, organizationId, ['front-desk']);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn({ username, password: 'wrong-password' })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const locked = await signIn({ username, password: TEST_PASSWORD });
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    const member = await t.db.selectFrom('staffMembers').select(['lockedUntil']).where('id', '=', id).executeTakeFirstOrThrow();
    const minutes = (member.lockedUntil!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15.1);

    const admin = await makeStaffMember(t.db, organizationId, ['admin']);
    const adminClient = await signInAs(t.app, admin.username, TEST_PASSWORD);
    expect((await adminClient.request({ method: 'POST', url: `/api/staff/${id}/unlock` })).statusCode).toBe(204);
    expect((await signIn({ username, password: TEST_PASSWORD })).statusCode).toBe(200);
  });

  it('signs a person out after the clinic inactivity limit and says why', async () => {
    const { username } = await makeStaffMember(t.db, organizationId, ['front-desk']);
    const client = await signInAs(t.app, username, TEST_PASSWORD);
    expect((await client.request({ method: 'GET', url: '/api/session' })).statusCode).toBe(200);
    // 16 minutes pass: far longer than the server keeps a session it has looked up
    await t.db.updateTable('staffSessions').set({ lastSeenAt: sql`now() - interval '16 minutes'` }).where('endedAt', 'is', null).execute();
    t.app.staffSessions.clear();
    const expired = await client.request({ method: 'GET', url: '/api/session' });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('SESSION_EXPIRED');
    // and the session stays ended
    expect((await client.request({ method: 'GET', url: '/api/session' })).json().error.code).toBe('NOT_SIGNED_IN');
  });

  it('refuses a state-changing request without the CSRF token', async () => {
    const { username } = await makeStaffMember(t.db, organizationId, ['front-desk']);
    const client = await signInAs(t.app, username, TEST_PASSWORD);
    const response = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: client.cookie } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await client.request({ method: 'DELETE', url: '/api/session' })).statusCode).toBe(204);
    expect((await client.request({ method: 'GET', url: '/api/session' })).statusCode).toBe(401);
  });

  it('asks for the TOTP code once a second factor is set up, and accepts the current code', async () => {
    const { username } = await makeStaffMember(t.db, organizationId, ['provider']);
    const client = await signInAs(t.app, username, TEST_PASSWORD);
    const setup = (await client.request({ method: 'POST', url: '/api/session/second-factor/setup' })).json();
    expect(setup.otpauthUri).toContain('otpauth://totp/');
    const confirm = await client.request({ method: 'POST', url: '/api/session/second-factor/confirm', payload: { code: await otp.generate({ secret: setup.secret }) } });
    expect(confirm.statusCode).toBe(200);
    const withoutCode = await signIn({ username, password: TEST_PASSWORD });
    expect(withoutCode.json().error.code).toBe('SECOND_FACTOR_REQUIRED');
    const badCode = await signIn({ username, password: TEST_PASSWORD, totpCode: '000000' });
    expect(badCode.statusCode).toBe(401);
    const good = await signIn({ username, password: TEST_PASSWORD, totpCode: await otp.generate({ secret: setup.secret }) });
    expect(good.statusCode).toBe(200);
  });

  it('holds a person whose role requires a second factor at set-up until they enrol', async () => {
    const org = await makeOrganization(t.db, 'Strict Clinic');
    await t.db.updateTable('organizationSettings').set({ secondFactorRequiredRoles: ['provider'] }).where('organizationId', '=', org.organizationId).execute();
    const { username } = await makeStaffMember(t.db, org.organizationId, ['provider']);
    const client = await signInAs(t.app, username, TEST_PASSWORD);
    expect((await client.request({ method: 'GET', url: '/api/session' })).json().secondFactorSetupRequired).toBe(true);
    const blocked = await client.request({ method: 'GET', url: '/api/patients?q=smith' });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('SECOND_FACTOR_SETUP_REQUIRED');
  });
});

describe('OAuth 2.0 client credentials', () => {
  let clientId: string;
  const secret = 'integration-secret-for-tests';
  beforeAll(async () => {
    const { hashPassword } = await import('../auth/secrets.js');
    clientId = `client-${Math.random().toString(36).slice(2)}`;
    await t.db.insertInto('oauthClients').values({
      organizationId, clientId, secretHash: await hashPassword(secret), name: 'Lab interface', roles: ['integration'],
      allowedScopes: ['system/*.read', 'system/*.write'],
    }).execute();
  });

  it('issues a bearer token to HTTP Basic credentials', async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/oauth2/token',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&scope=system%2FPatient.read',
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'system/Patient.read' });
    const search = await t.app.inject({ method: 'GET', url: '/api/patients?q=adams', headers: { authorization: `Bearer ${body.access_token}` } });
    expect(search.statusCode).toBe(200);
  });

  it('issues a token to form credentials, and bearer requests need no CSRF token', async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().scope).toBe('system/*.read system/*.write');
    const created = await t.app.inject({
      method: 'POST', url: '/api/patients', headers: { authorization: `Bearer ${response.json().access_token}` },
      payload: { givenName: 'Ivy', familyName: 'Interface', dateOfBirth: '1970-01-01', sexAtBirth: 'female' },
    });
    expect(created.statusCode).toBe(201);
  });

  it('refuses a wrong secret, an unknown grant and a scope beyond the client', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=nope` });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('invalid_client');
    const grant = await t.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=password' });
    expect(grant.json().error).toBe('unsupported_grant_type');
    const scope = await t.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}&scope=user%2F*.read` });
    expect(scope.json().error).toBe('invalid_scope');
  });

  it('refuses an expired token', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}` });
    await t.db.updateTable('accessTokens').set({ expiresAt: new Date(Date.now() - 1000) }).execute();
    const search = await t.app.inject({ method: 'GET', url: '/api/patients?q=adams', headers: { authorization: `Bearer ${response.json().access_token}` } });
    expect(search.statusCode).toBe(401);
  });
});
