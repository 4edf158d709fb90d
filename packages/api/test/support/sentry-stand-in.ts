import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { parseEnvelope } from '@sentry/core';

export type TIngested = {
  path: string;
  auth: string;
  items: { type: string; payload: Record<string, unknown> }[];
};

/**
 * A local HTTP server standing in for Sentry's ingest endpoint (`POST /api/<project>/envelope/`, the envelope
 * protocol): it decodes each envelope with Sentry's own parser (@sentry/core) and keeps it. The DSN points at
 * project 42 with a made-up public key.
 */
export async function startSentryStandIn(): Promise<{
  dsn: string;
  envelopes: TIngested[];
  server: Server;
  /** Every event item received so far, with its envelope. */
  events(): { envelope: TIngested; event: Record<string, unknown> }[];
}> {
  const envelopes: TIngested[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const [, items] = parseEnvelope(new Uint8Array(body));
      envelopes.push({
        path: request.url ?? '',
        auth: String(request.headers['x-sentry-auth'] ?? ''),
        items: items.map(([header, payload]) => ({
          type: String(header.type),
          payload: payload as Record<string, unknown>,
        })),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://5e9c0ffee0a1450cb0aa11ce0f0ba5e1@127.0.0.1:${port}/42`,
    envelopes,
    server,
    events: () =>
      envelopes.flatMap((envelope) =>
        envelope.items
          .filter((item) => item.type === 'event')
          .map((item) => ({ envelope, event: item.payload })),
      ),
  };
}
