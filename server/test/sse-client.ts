/** One server-sent event as a browser's EventSource would see it. */
export interface ReceivedEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
  receivedAt: number;
}

/** Reads a `text/event-stream` over real HTTP (Node's fetch), for tests and benchmarks. */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  status = 0;
  contentType = '';
  private waiters: Array<() => void> = [];
  private controller = new AbortController();
  private ended = false;
  private done: Promise<void> = Promise.resolve();

  private constructor(private readonly onEvent?: (event: ReceivedEvent) => void) {}

  static async open(url: string, headers: Record<string, string>, onEvent?: (event: ReceivedEvent) => void): Promise<SseClient> {
    const client = new SseClient(onEvent);
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: client.controller.signal });
    client.status = response.status;
    client.contentType = response.headers.get('content-type') ?? '';
    if (!response.body) return client;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    client.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let boundary: number;
          while ((boundary = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            opened();
            client.take(frame);
          }
        }
      } catch {
        // aborted
      } finally {
        client.ended = true;
        opened();
        client.wake();
      }
    })();
    // The server's first frame (`retry:`) says the subscription is in place.
    await isOpen;
    return client;
  }

  private take(frame: string): void {
    const event: ReceivedEvent = { id: undefined, event: undefined, data: '', receivedAt: performance.now() };
    let hasData = false;
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') {
        event.data += (hasData ? '\n' : '') + value;
        hasData = true;
      }
    }
    if (!hasData) return;
    this.events.push(event);
    this.onEvent?.(event);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Waits until `count` events arrived (or the stream ended, or the time ran out); returns what arrived. */
  async waitFor(count: number, timeoutMs = 2000): Promise<ReceivedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count && !this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events;
  }

  /** Resolves when the server ended the stream. */
  finished(): Promise<void> {
    return this.done;
  }

  close(): void {
    this.controller.abort();
  }
}
