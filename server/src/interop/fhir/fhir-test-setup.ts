import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildTestApp, signInAs, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { hashPassword } from '../../platform/auth/secrets.js';
import type { StaffRole } from '../../platform/db/platform.table.js';

export type Caller = (options: InjectOptions) => Promise<LightMyRequestResponse>;

export interface FhirTestSetup {
  t: TestApp;
  organizationId: string;
  locationId: string;
  /** A system client with a token for these scopes (default: everything). */
  client(scopes?: string): Promise<Caller>;
  /** A bearer token of a new system client, for clients that speak HTTP themselves. */
  token(scopes?: string): Promise<string>;
  /** A signed-in staff member of this role (session cookie and CSRF token sent). */
  staff(role: StaffRole): Promise<Caller & { staffMemberId: string }>;
}

let clientCounter = 0;

/** A test app with one clinic, and ways to call its FHIR API as a system client or as staff. */
export async function setUpFhir(): Promise<FhirTestSetup> {
  const t = await buildTestApp();
  const { organizationId, locationId } = await makeOrganization(t.db, 'Riverside Family Clinic');
  const secret = 'fhir-test-secret';
  const secretHash = await hashPassword(secret);
  const token = async (scopes = 'system/*.cruds') => {
    const clientId = `fhir-test-client-${clientCounter++}`;
    await t.db.insertInto('oauthClients').values({ organizationId, clientId, secretHash, name: 'FHIR test client', roles: ['integration'], allowedScopes: ['system/*.cruds'] }).execute();
    const response = await t.app.inject({
      method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: scopes }).toString(),
    });
    if (response.statusCode !== 200) throw new Error(`token: ${response.statusCode} ${response.body}`);
    return (response.json() as { access_token: string }).access_token;
  };
  return {
    t,
    organizationId,
    locationId,
    token,
    async client(scopes = 'system/*.cruds') {
      const bearer = `Bearer ${await token(scopes)}`;
      return (options) => t.app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: bearer } }) as Promise<LightMyRequestResponse>;
    },
    async staff(role) {
      const member = await makeStaffMember(t.db, organizationId, [role]);
      const signedIn = await signInAs(t.app, member.username, TEST_PASSWORD);
      return Object.assign((options: InjectOptions) => signedIn.request(options), { staffMemberId: signedIn.staffMemberId });
    },
  };
}

/** A resource without the parts the server assigns (id, meta), for comparing what was sent with what is read back. */
export function withoutServerParts(resource: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, meta, ...rest } = resource;
  void _id;
  const { versionId: _versionId, lastUpdated: _lastUpdated, ...restMeta } = (meta ?? {}) as Record<string, unknown>;
  void _versionId; void _lastUpdated;
  return Object.keys(restMeta).length ? { ...rest, meta: restMeta } : rest;
}
