import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { seedDemoClinic, DEMO_PASSWORD } from '../server/src/demo/seed-demo-clinic.js';
import { openTestDatabase } from '../server/test/test-database.js';

export { DEMO_PASSWORD };

export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];

export interface Clinic {
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The real server (built web app, real database with the demo clinic) listening on a free
 * loopback port, and Debian's Chromium driven by Playwright.
 */
export async function openClinic(options: { patients?: number } = {}): Promise<Clinic> {
  const database = await openTestDatabase();
  await seedDemoClinic(database.db, { patients: options.patients ?? 40 });
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0' });
  if (!fs.existsSync(path.join(config.webRoot, 'index.html'))) throw new Error('The web app is not built: run `npm run build`.');
  const app = await buildApp({ config, database });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
      await database.close();
    },
  };
}

export const screenshotDir = path.resolve('test-results/screenshots');

/** Saves a full-page screenshot under test-results/screenshots/<name>.png. */
export async function snap(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function newStaffContext(clinic: Clinic, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  return clinic.browser.newContext({ baseURL: clinic.baseUrl, viewport });
}

/** Signs in through the sign-in page as a person would. */
export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('button', { name: /sign out/i }).waitFor();
}

export interface StaffApi {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

/**
 * The API as one staff member, signed in through `POST /api/session` (cookie + CSRF token), for
 * setting up a journey's data the way the house style asks: through the API, not the database.
 */
export async function staffApi(clinic: Clinic, username: string): Promise<StaffApi> {
  const signInResponse = await fetch(`${clinic.baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (!signInResponse.ok) throw new Error(`${username} could not sign in: ${signInResponse.status} ${await signInResponse.text()}`);
  const cookie = signInResponse.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
  const { csrfToken } = (await signInResponse.json()) as { csrfToken: string };
  const call = async <T>(method: 'GET' | 'POST', requestPath: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${clinic.baseUrl}${requestPath}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${requestPath} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return { get: (requestPath) => call('GET', requestPath), post: (requestPath, body) => call('POST', requestPath, body) };
}
