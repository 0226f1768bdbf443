import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.js';

let plain: TestApp;
let secure: TestApp;

beforeAll(async () => {
  plain = await buildTestApp();
  secure = await buildTestApp({ config: { cookieSecure: true } });
});
afterAll(async () => {
  await plain.close();
  await secure.close();
});

describe('security headers', () => {
  it('every answer carries the content security policy and the browser hardening headers', async () => {
    for (const url of ['/healthz', '/api/session', '/fhir/R4/metadata', '/no-such-page']) {
      const response = await plain.app.inject({ method: 'GET', url });
      const policy = String(response.headers['content-security-policy']);
      expect(policy, url).toContain("default-src 'self'");
      expect(policy, url).toContain("script-src 'self'");
      expect(policy, url).toContain("frame-ancestors 'none'");
      expect(policy, url).not.toContain('upgrade-insecure-requests');
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
      expect(response.headers['x-powered-by'], url).toBeUndefined();
    }
  });

  it('asks browsers for HTTPS only when the clinic serves it (secure cookies)', async () => {
    expect((await plain.app.inject({ method: 'GET', url: '/healthz' })).headers['strict-transport-security']).toBeUndefined();
    expect((await secure.app.inject({ method: 'GET', url: '/healthz' })).headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});
