import http from 'node:http';

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * A keep-alive HTTP/1.1 client for load generation. Node's `fetch` (undici) costs several times
 * more CPU per request than `node:http`; on a two-core machine where the load generator shares the
 * cores with the server, fetch alone caps a trivial endpoint at about 3,000 requests/s, so it would
 * measure itself rather than the server.
 */
export function httpClient(baseUrl: string, connections: number) {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const send = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const request = http.request({ host: base.hostname, port: base.port, path, method, headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  return {
    get: (path: string, headers: Record<string, string>) => send('GET', path, headers),
    post: (path: string, headers: Record<string, string>, body: string) => send('POST', path, headers, body),
    json: async <T>(path: string, headers: Record<string, string>): Promise<T> => JSON.parse((await send('GET', path, headers)).body) as T,
    close: () => agent.destroy(),
  };
}
