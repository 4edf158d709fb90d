import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZSystemStatus } from '@sge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemStatusFixture } from '../../test/fixtures/system-status';
import { ApiError } from './api-error';
import { createApiClient } from './client';

const systemStatusSchema = () => ZSystemStatus;

/**
 * The client against a real HTTP server on localhost: each test picks how the server answers by the
 * handler it installs, so the client's fetch, body reading, timeout and parsing all run for real.
 */
type THandler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: THandler = (_request, response) => response.end();
const requests: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function answer(status: number, body: string, headers: Record<string, string> = {}): THandler {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body);
  };
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('createApiClient().getSystemStatus', () => {
  it('returns the parsed status and asks for JSON at /api/system/status', async () => {
    handler = answer(200, JSON.stringify(systemStatusFixture()));
    const status = await createApiClient({ baseUrl }).getSystemStatus();
    expect(status).toEqual(systemStatusFixture());
    const request = requests.at(-1);
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/api/system/status');
    expect(request?.headers.accept).toBe('application/json');
  });

  it("turns the API's error shape into an api failure with code, status, details and request id", async () => {
    handler = answer(
      503,
      JSON.stringify({
        error: 'DEPENDENCY_UNAVAILABLE',
        message: 'RPC unreachable',
        details: { rpc: 'timeout' },
      }),
      { 'x-request-id': 'req-7' },
    );
    const error = await failure(createApiClient({ baseUrl }).getSystemStatus());
    expect(error.failure).toEqual({
      kind: 'api',
      status: 503,
      code: 'DEPENDENCY_UNAVAILABLE',
      details: { rpc: 'timeout' },
    });
    expect(error.message).toBe('RPC unreachable');
    expect(error.requestId).toBe('req-7');
    expect(error.method).toBe('GET');
    expect(error.path).toBe('/api/system/status');
  });

  it('reports a non-2xx answer without the error shape (a proxy page) as an http failure', async () => {
    handler = (_request, response) => {
      response.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' });
      response.end('<html>bad gateway</html>');
    };
    const error = await failure(createApiClient({ baseUrl }).getSystemStatus());
    expect(error.failure).toEqual({ kind: 'http', status: 502, statusText: 'Bad Gateway' });
    expect(error.requestId).toBeNull();
    expect(error.status).toBe(502);
    expect(error.code).toBe('HTTP_ERROR');
    expect(error.field).toBeNull();
  });

  it('rejects a 2xx body that is not JSON', async () => {
    handler = answer(200, 'not json');
    const error = await failure(createApiClient({ baseUrl }).getSystemStatus());
    expect(error.failure).toEqual({
      kind: 'invalid-response',
      status: 200,
      issues: ['the body is not JSON'],
    });
  });

  it('rejects a 2xx body that does not match the shared schema, naming the fields', async () => {
    const body = { ...systemStatusFixture(), mode: 'STAGING', chainId: '31337' };
    handler = answer(200, JSON.stringify(body));
    const error = await failure(createApiClient({ baseUrl }).getSystemStatus());
    expect(error.failure.kind).toBe('invalid-response');
    const issues = error.failure.kind === 'invalid-response' ? error.failure.issues : [];
    expect(issues.some((issue) => issue.startsWith('mode:'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('chainId:'))).toBe(true);
  });

  it('quotes at most five schema problems and counts the rest', async () => {
    handler = answer(200, JSON.stringify({}));
    const error = await failure(createApiClient({ baseUrl }).getSystemStatus());
    const issues = error.failure.kind === 'invalid-response' ? error.failure.issues : [];
    expect(issues).toHaveLength(6);
    expect(issues.at(-1)).toMatch(/^and \d+ more$/);
  });

  it('reports a refused connection as a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(createApiClient({ baseUrl: `http://127.0.0.1:${port}` }).getSystemStatus());
    expect(error.failure).toEqual({ kind: 'network' });
  });

  it('gives up after the timeout when the API does not answer', async () => {
    handler = () => {};
    const error = await failure(createApiClient({ baseUrl, timeoutMs: 150 }).getSystemStatus());
    expect(error.failure).toEqual({ kind: 'timeout', timeoutMs: 150 });
    expect(error.code).toBe('TIMEOUT');
    expect(error.status).toBeNull();
    expect(error.message).toBe('No answer within 150 ms');
  });

  it("uses one request's own timeout over the client's", async () => {
    handler = () => {};
    const client = createApiClient({ baseUrl, timeoutMs: 60_000 });
    const error = await failure(client.send('GET', '/api/slow', systemStatusSchema(), { timeoutMs: 120 }));
    expect(error.failure).toEqual({ kind: 'timeout', timeoutMs: 120 });
  });

  it('times out when the headers arrive but the body stalls', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"mode":');
    };
    const error = await failure(createApiClient({ baseUrl, timeoutMs: 150 }).getSystemStatus());
    expect(error.failure).toEqual({ kind: 'timeout', timeoutMs: 150 });
  });

  it('rejects with the caller’s abort reason, not an ApiError, when the caller cancels', async () => {
    handler = () => {};
    const controller = new AbortController();
    const request = createApiClient({ baseUrl }).getSystemStatus({ signal: controller.signal });
    const reason = new Error('page left');
    controller.abort(reason);
    await expect(request).rejects.toBe(reason);
  });

  it('sends requests to the configured base URL, path appended', async () => {
    const seen: string[] = [];
    const status = await createApiClient({
      baseUrl: 'https://api.example.com',
      fetch: async (input) => {
        seen.push(String(input));
        return new Response(JSON.stringify(systemStatusFixture()), { status: 200 });
      },
    }).getSystemStatus();
    expect(seen).toEqual(['https://api.example.com/api/system/status']);
    expect(status.chainId).toBe(31337);
  });
});

describe('createApiClient() registration calls', () => {
  const WALLET = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
  const INTENT_ID = '4b9d6f0e-3c1a-4f5e-9a8b-2c7d1e0f3a4b';

  function readBody(request: IncomingMessage): Promise<string> {
    return new Promise((resolve) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => resolve(body));
    });
  }

  it('POSTs the registration as JSON with the Idempotency-Key and parses the 202', async () => {
    // Only POST bodies: a request aborted by an earlier test can still reach the server late.
    const bodies: string[] = [];
    handler = (request, response) => {
      void readBody(request).then((body) => {
        if (request.method === 'POST') bodies.push(body);
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ intentId: INTENT_ID, status: 'PENDING', wallet: WALLET }));
      });
    };
    const answer = await createApiClient({ baseUrl }).register(
      { wallet: WALLET, ref: 'alpha' },
      { idempotencyKey: 'register-0123' },
    );
    expect(answer).toEqual({ intentId: INTENT_ID, status: 'PENDING', wallet: WALLET });
    const request = requests.findLast((candidate) => candidate.method === 'POST');
    expect(request?.url).toBe('/api/register');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe('register-0123');
    expect(JSON.parse(bodies[0] ?? '')).toEqual({ wallet: WALLET, ref: 'alpha' });
  });

  it('sends no Idempotency-Key unless given one', async () => {
    handler = answer(
      200,
      JSON.stringify({ intentId: INTENT_ID, status: 'CONFIRMED', wallet: WALLET, tokenId: '1' }),
    );
    await createApiClient({ baseUrl }).register({ wallet: WALLET });
    expect(
      requests.findLast((request) => request.method === 'POST')?.headers['idempotency-key'],
    ).toBeUndefined();
  });

  it('carries the wait of a 429 from its Retry-After header', async () => {
    handler = answer(
      429,
      JSON.stringify({
        error: 'RATE_LIMITED',
        message: 'Too many requests; retry after the time in the Retry-After header',
      }),
      { 'retry-after': '17' },
    );
    const error = await failure(createApiClient({ baseUrl }).register({ wallet: WALLET }));
    expect(error.failure).toMatchObject({ kind: 'api', status: 429, code: 'RATE_LIMITED' });
    expect(error.retryAfterMs).toBe(17_000);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.status).toBe(429);
  });

  it('carries the Retry-After of a 429 that has no JSON body (a proxy limit)', async () => {
    handler = (_request, response) => {
      response.writeHead(429, 'Too Many Requests', { 'content-type': 'text/plain', 'retry-after': '3' });
      response.end('slow down');
    };
    const error = await failure(createApiClient({ baseUrl }).register({ wallet: WALLET }));
    expect(error.failure).toEqual({ kind: 'http', status: 429, statusText: 'Too Many Requests' });
    expect(error.retryAfterMs).toBe(3_000);
  });

  it('names the field a VALIDATION_FAILED blames', async () => {
    handler = answer(
      400,
      JSON.stringify({
        error: 'VALIDATION_FAILED',
        message: 'body.wallet: must be an address',
        details: { issues: [{ field: 'body.wallet', message: 'must be an address' }] },
      }),
    );
    const error = await failure(createApiClient({ baseUrl }).register({ wallet: 'nope' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.field).toBe('body.wallet');
  });

  it('asks for a wallet status and an affiliate code with the values URL-encoded', async () => {
    handler = answer(404, JSON.stringify({ error: 'NOT_FOUND', message: 'no affiliate has the code "a&b"' }));
    const error = await failure(createApiClient({ baseUrl }).lookupAffiliate('a&b'));
    expect(error.failure).toMatchObject({ kind: 'api', status: 404, code: 'NOT_FOUND' });
    expect(requests.at(-1)?.url).toBe('/api/affiliates/lookup?code=a%26b');

    handler = answer(400, JSON.stringify({ error: 'VALIDATION_FAILED', message: 'querystring.wallet: bad' }));
    await failure(createApiClient({ baseUrl }).getWalletStatus(`${WALLET} `));
    expect(requests.at(-1)?.url).toBe(`/api/status?wallet=${WALLET}+`);
  });

  it('checks the dev wallet against its schema', async () => {
    handler = answer(200, JSON.stringify({ address: WALLET, privateKey: '0x1234', chainId: 31337 }));
    const error = await failure(createApiClient({ baseUrl }).getDevWallet());
    expect(error.failure.kind).toBe('invalid-response');
  });
});

describe('createApiClient().sendForText', () => {
  it('returns a text body as it came, with the headers given', async () => {
    handler = (request, response) => {
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.end(`wallet,amount\n${request.headers['x-admin-key'] ?? ''},1\n`);
    };
    const text = await createApiClient({ baseUrl }).sendForText('GET', '/api/admin/settlements?format=csv', {
      headers: { 'x-admin-key': 'k-1' },
    });
    expect(text).toBe('wallet,amount\nk-1,1\n');
  });

  it("fails with the API's error shape like a JSON call", async () => {
    handler = answer(401, JSON.stringify({ error: 'UNAUTHORIZED', message: 'bad key' }));
    const error = await failure(createApiClient({ baseUrl }).sendForText('GET', '/api/admin/settlements'));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('bad key');
  });
});
