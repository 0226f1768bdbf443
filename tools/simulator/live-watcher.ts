// A flow-board screen: one server-sent-event stream (GET /api/live) per clinic, reconnecting with
// the last event id after a dropped connection (a killed server). Every flow change the server
// acknowledged is expected on it; the lag is from the acknowledgement to the event's arrival.
import http from 'node:http';
import type { Metrics } from './metrics.js';

export class LiveWatcher {
  private readonly received = new Map<string, number>();
  private readonly expected = new Map<string, number>();
  private lastEventId = 0;
  private request: http.ClientRequest | undefined;
  private stopped = false;
  private readonly agent = new http.Agent({ keepAlive: false });
  reconnects = 0;

  constructor(private readonly port: () => number, private readonly cookie: string, private readonly topic: string, private readonly metrics: Metrics) {}

  /** Opens the stream; resolves once the server has answered 200. */
  open(): Promise<void> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      const headers: Record<string, string> = { cookie: this.cookie, accept: 'text/event-stream' };
      if (this.lastEventId) headers['last-event-id'] = String(this.lastEventId);
      const request = http.get({ host: '127.0.0.1', port: this.port(), agent: this.agent, path: `/api/live?topics=${encodeURIComponent(this.topic)}`, headers }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          settle();
          this.reopenLater();
          return;
        }
        settle();
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk: string) => {
          const at = Date.now();
          buffer += chunk;
          let boundary: number;
          while ((boundary = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            const id = /^id: ?(\d+)$/m.exec(frame);
            if (id) this.lastEventId = Math.max(this.lastEventId, Number(id[1]));
            const data = /^data: ?(.*)$/m.exec(frame);
            if (!data) continue;
            try {
              const event = JSON.parse(data[1]!) as { payload?: { appointmentId?: string; status?: string } };
              const { appointmentId, status } = event.payload ?? {};
              if (appointmentId && status) {
                const key = `${appointmentId}:${status}`;
                if (!this.received.has(key)) this.received.set(key, at);
              }
            } catch {
              // a comment or keep-alive line
            }
          }
        });
        // a killed server drops the stream without an end: reopen on close, once
        let reopened = false;
        const reopen = () => {
          if (reopened) return;
          reopened = true;
          this.reopenLater();
        };
        response.on('end', reopen);
        response.on('close', reopen);
        response.on('error', reopen);
      });
      request.on('error', () => {
        settle();
        this.reopenLater();
      });
      this.request = request;
    });
  }

  private reopenLater(): void {
    if (this.stopped) return;
    this.reconnects++;
    setTimeout(() => {
      if (!this.stopped) void this.open();
    }, 300);
  }

  expect(appointmentId: string, status: string): void {
    const key = `${appointmentId}:${status}`;
    if (!this.expected.has(key)) this.expected.set(key, Date.now());
  }

  /** Stops reading; lags go to the metrics; returns how many expected events never arrived. */
  close(): { expected: number; missed: string[] } {
    this.stopped = true;
    this.request?.destroy();
    this.agent.destroy();
    const missed: string[] = [];
    for (const [key, acknowledgedAt] of this.expected) {
      const at = this.received.get(key);
      if (at === undefined) missed.push(key);
      else this.metrics.sseLags.push(Math.max(0, at - acknowledgedAt));
    }
    return { expected: this.expected.size, missed };
  }
}
