// The real server processes the simulation talks to: `node dist/server/main.js` with its own port,
// started, killed with SIGKILL (chaos) and restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface ServerEnvironment { databaseUrl?: string; dataDir?: string }

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export class ServerProcess {
  child: ChildProcess | undefined;
  private output: string[] = [];
  /** The server's error log lines (across restarts). */
  readonly errorLines: string[] = [];
  restarts = 0;

  constructor(public readonly port: number, private readonly environment: ServerEnvironment, public readonly name: string) {}

  async start(): Promise<void> {
    const entry = path.resolve('dist/server/main.js');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '0.0.0.0',
      PORT: String(this.port),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      REMINDER_INTERVAL_MS: '0',
      WORKERS: '1',
    };
    delete env.DATABASE_URL;
    if (this.environment.databaseUrl) env.DATABASE_URL = this.environment.databaseUrl;
    if (this.environment.dataDir) env.DATA_DIR = this.environment.dataDir;
    this.output = [];
    const child = spawn(process.execPath, ['--enable-source-maps', entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const remember = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.output.push(text);
      if (this.output.length > 200) this.output.splice(0, 100);
      // error log lines (pino level ≥ 50): kept for the report, so a 500 can be traced to its cause
      for (const line of text.split('\n')) {
        if (!line.startsWith('{') || this.errorLines.length >= 50) continue;
        try {
          const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { type?: string; code?: string; message?: string } };
          if ((entry.level ?? 0) >= 50) this.errorLines.push(`${this.name}: ${entry.msg ?? ''} ${entry.err?.type ?? ''} ${entry.err?.code ?? ''} ${(entry.err?.message ?? '').slice(0, 300)}`.trim());
        } catch {
          // not a log line
        }
      }
    };
    child.stdout!.on('data', remember);
    child.stderr!.on('data', remember);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} exited during start:\n${this.output.join('').slice(-3000)}`);
      if (await this.healthy()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} did not answer /healthz within 120 s:\n${this.output.join('').slice(-3000)}`);
  }

  private healthy(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      socket.setTimeout(1000);
      socket.on('connect', () => {
        socket.write('GET /healthz HTTP/1.0\r\n\r\n');
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data.startsWith('HTTP/1.1 200') || data.startsWith('HTTP/1.0 200')));
      socket.on('error', () => resolve(false));
      socket.on('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
  }

  /** SIGKILL, as a power cut or the OOM killer would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** A clean stop (SIGTERM: the server closes its connections and database). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  get recentOutput(): string {
    return this.output.join('').slice(-4000);
  }
}

/** Bytes on disk of a PGlite folder. */
export function folderSize(folder: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) total += folderSize(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}
