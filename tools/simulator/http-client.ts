// The virtual users' HTTP client: keep-alive connections (one pool per clinic, from its own loopback
// address, as a clinic's workstations would), session cookie + CSRF header, timing per operation.
import http from 'node:http';
import { Metrics } from './metrics.js';

export interface Response { status: number; body: any; network?: string }

export class NetworkError extends Error {
  constructor(public readonly code: string) {
    super(code);
  }
}

export class StaffClient {
  private cookie = '';
  private csrf = '';
  staffMemberId = '';

  constructor(
    private readonly metrics: Metrics,
    private readonly agent: http.Agent,
    private readonly port: () => number,
    public readonly username: string,
  ) {}

  async signIn(password: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.raw('sign-in', 'POST', '/api/session', { username: this.username, password }).catch((error: unknown) => {
        if (error instanceof NetworkError && attempt < 60) return undefined;
        throw error;
      });
      if (response?.status === 200) {
        this.csrf = response.body.csrfToken;
        this.staffMemberId = response.body.staffMember.id;
        return;
      }
      if (response && response.status !== 429 && response.status < 500) throw new Error(`sign-in as ${this.username}: ${response.status}`);
      await sleep(500 + Math.random() * 500);
    }
  }

  request(operation: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.raw(operation, method, path, body, headers);
  }

  private raw(operation: string, method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf) headers['x-csrf-token'] = this.csrf;
    const started = performance.now();
    const startedAt = Date.now();
    return new Promise((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port: this.port(), method, path, headers, agent: this.agent, timeout: 30_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => {
          this.metrics.networkError(operation, (error as NodeJS.ErrnoException).code ?? 'ERROR', startedAt);
          reject(new NetworkError((error as NodeJS.ErrnoException).code ?? 'ERROR'));
        });
        response.on('end', () => {
          const elapsed = performance.now() - started;
          const setCookie = response.headers['set-cookie'];
          if (setCookie) {
            const session = setCookie.map((value) => value.split(';')[0]!).find((value) => value.startsWith('medassist_session='));
            if (session) this.cookie = session;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = text;
          if ((response.headers['content-type'] ?? '').includes('json') && text) {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
          }
          const status = response.statusCode ?? 0;
          this.metrics.record(operation, status, elapsed, status >= 400 ? parsed?.error?.code : undefined, startedAt);
          resolve({ status, body: parsed });
        });
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      request.on('error', (error: NodeJS.ErrnoException) => {
        this.metrics.networkError(operation, error.code ?? 'ERROR', startedAt);
        reject(new NetworkError(error.code ?? 'ERROR'));
      });
      request.end(payload);
    });
  }

  /** The cookie for the SSE watcher, which opens its own long-lived connection. */
  get sessionCookie(): string {
    return this.cookie;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
