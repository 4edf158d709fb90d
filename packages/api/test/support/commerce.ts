import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signCommercePayload } from '../../src/domain/commerce/commerce-signature';

/**
 * A Coinbase Commerce webhook delivery as Commerce sends it: the envelope `{id, scheduled_for, event: {id,
 * resource, type, api_version, created_at, data}}` with `data` a charge resource, serialised once (the
 * signature is over these exact bytes).
 */
export function commerceDelivery(input: {
  type: string;
  code: string;
  eventId?: string;
  programId: string;
  wallet: string;
  amount?: string;
  createdAt?: Date;
}) {
  const at = (input.createdAt ?? new Date()).toISOString();
  const envelope = {
    id: randomUUID(),
    scheduled_for: at,
    event: {
      id: input.eventId ?? randomUUID(),
      resource: 'event',
      type: input.type,
      api_version: '2018-03-22',
      created_at: at,
      data: {
        id: randomUUID(),
        resource: 'charge',
        code: input.code,
        name: 'SGE',
        pricing_type: 'fixed_price',
        pricing: { local: { amount: input.amount ?? '100.00', currency: 'USD' } },
        metadata: { programId: input.programId, wallet: input.wallet },
        timeline: [{ time: at, status: 'NEW' }],
        payments: [],
      },
    },
  };
  const body = JSON.stringify(envelope);
  return { envelope, body };
}

/** POSTs a raw webhook body to `${baseUrl}/api/commerce/webhook`, signed with `secret` unless told otherwise. */
export async function postCommerceWebhook(
  baseUrl: string,
  body: string,
  signature: { secret: string } | { header: string } | null,
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) {
    headers['x-cc-webhook-signature'] =
      'secret' in signature ? signCommercePayload(body, signature.secret) : signature.header;
  }
  const response = await fetch(`${baseUrl}/api/commerce/webhook`, { method: 'POST', headers, body });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json };
}

export type TFakeCommerceRequest = {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
};

/**
 * A small local HTTP server speaking the Coinbase Commerce charges API (POST /charges, GET /charges/:code)
 * for tests: it checks X-CC-Api-Key and X-CC-Version like Commerce (401 / 400 otherwise), records every
 * request, and answers charges shaped like Commerce's (`{data: {id, code, hosted_url, expires_at, timeline,
 * pricing, metadata}}`). `timelineOf` sets what GET reports for a code.
 */
export async function startFakeCommerce(apiKey: string) {
  const requests: TFakeCommerceRequest[] = [];
  const charges = new Map<string, Record<string, unknown>>();
  const timelines = new Map<string, { time: string; status: string }[]>();
  let failNext: number | null = null;
  let counter = 0;
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {}
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const send = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      if (failNext !== null) {
        const status = failNext;
        failNext = null;
        return send(status, { error: { type: 'internal_server_error', message: 'try again later' } });
      }
      if (request.headers['x-cc-api-key'] !== apiKey) {
        return send(401, { error: { type: 'authorization_error', message: 'No such API key.' } });
      }
      if (request.headers['x-cc-version'] !== '2018-03-22') {
        return send(400, { error: { type: 'invalid_request', message: 'Invalid API version' } });
      }
      const match = /^\/charges(?:\/([A-Z0-9]+))?$/.exec(request.url ?? '');
      if (request.method === 'POST' && match && !match[1]) {
        counter++;
        const code = `FAKE${String(counter).padStart(4, '0')}`;
        const now = new Date();
        const charge = {
          id: randomUUID(),
          resource: 'charge',
          code,
          hosted_url: `https://commerce.example/charges/${code}`,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 3_600_000).toISOString(),
          ...(body as Record<string, unknown>),
          pricing: { local: (body as { local_price?: unknown }).local_price },
        };
        charges.set(code, charge);
        timelines.set(code, [{ time: now.toISOString(), status: 'NEW' }]);
        return send(201, { data: { ...charge, timeline: timelines.get(code) } });
      }
      if (request.method === 'GET' && match?.[1] && charges.has(match[1])) {
        return send(200, { data: { ...charges.get(match[1]), timeline: timelines.get(match[1]) } });
      }
      return send(404, { error: { type: 'not_found', message: 'Not found' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    timelineOf(code: string, timeline: { time: string; status: string }[]) {
      timelines.set(code, timeline);
    },
    failNextWith(status: number) {
      failNext = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
