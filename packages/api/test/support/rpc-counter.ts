import { createServer, type Server } from 'node:http';

/**
 * A JSON-RPC proxy in front of a node that counts every call passing through it (a batch counts each of its
 * calls), by method — what a metered RPC provider would bill. Loopback only.
 */
export type TRpcCounter = {
  url: string;
  total(): number;
  byMethod(): Record<string, number>;
  reset(): void;
  close(): Promise<void>;
};

export async function startRpcCounter(targetUrl: string): Promise<TRpcCounter> {
  const counts = new Map<string, number>();
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    try {
      const parsed = JSON.parse(body);
      for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
        const method = typeof call?.method === 'string' ? call.method : 'invalid';
        counts.set(method, (counts.get(method) ?? 0) + 1);
      }
    } catch {
      counts.set('invalid', (counts.get('invalid') ?? 0) + 1);
    }
    try {
      const upstream = await fetch(targetUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      response.writeHead(upstream.status, { 'content-type': 'application/json' });
      response.end(await upstream.text());
    } catch {
      response.writeHead(502);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    byMethod: () => Object.fromEntries(counts),
    reset: () => counts.clear(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
