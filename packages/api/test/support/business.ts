import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in of the Coinbase Business Checkouts API (POST /api/v1/checkouts, GET /api/v1/checkouts/:id,
 * POST /api/v1/checkouts/:id/refund) that checks each request's CDP JWT bearer as Coinbase does: an EdDSA
 * JWT signed with the API key (verified here with its public key), `kid` and `sub` = the key id, `iss` =
 * "cdp", `uris` = ["<METHOD> <host><path>"] of this very request, not expired; and `X-Idempotency-Key` on
 * writes (the same key answers the same checkout).
 */
export function cdpTestKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { d: string; x: string };
  const seed = Buffer.from(jwk.d, 'base64url');
  const pub = Buffer.from(jwk.x, 'base64url');
  return {
    apiKeyId: `organizations/${randomBytes(4).toString('hex')}/apiKeys/${randomBytes(4).toString('hex')}`,
    // The CDP format of an Ed25519 key secret: base64 of the 32-byte seed and the 32-byte public key.
    apiKeySecret: Buffer.concat([seed, pub]).toString('base64'),
    publicKey: createPublicKey(publicKey.export({ format: 'pem', type: 'spki' })),
  };
}

export type TBusinessRequest = {
  method: string;
  url: string;
  idempotencyKey: string | null;
  jwt: { header: Record<string, unknown>; claims: Record<string, unknown> };
  body: Record<string, unknown> | null;
};

function checkJwt(
  request: IncomingMessage,
  key: ReturnType<typeof cdpTestKey>,
  host: string,
): TBusinessRequest['jwt'] | string {
  const auth = request.headers.authorization ?? '';
  const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(auth);
  if (!match) return 'no JWT bearer';
  const [, h, c, s] = match as unknown as [string, string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown>;
  if (header.alg !== 'EdDSA') return `alg ${String(header.alg)}`;
  if (!verify(null, Buffer.from(`${h}.${c}`), key.publicKey, Buffer.from(s, 'base64url')))
    return 'bad signature';
  const now = Math.floor(Date.now() / 1000);
  if (header.kid !== key.apiKeyId || claims.sub !== key.apiKeyId || claims.iss !== 'cdp') return 'wrong key';
  if (typeof claims.exp !== 'number' || claims.exp < now || (claims.nbf as number) > now + 5)
    return 'expired';
  const path = (request.url ?? '').split('?')[0];
  const uris = claims.uris as string[] | undefined;
  if (!uris || uris[0] !== `${request.method} ${host}${path}`) return `uris ${JSON.stringify(uris)}`;
  return { header, claims };
}

export async function startFakeBusiness(key: ReturnType<typeof cdpTestKey>) {
  const requests: TBusinessRequest[] = [];
  const checkouts = new Map<string, Record<string, unknown>>();
  const byIdempotencyKey = new Map<string, string>();
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const jwt = checkJwt(request, key, host);
    if (typeof jwt === 'string') return send(401, { errorType: 'unauthorized', errorMessage: jwt });
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    const idempotencyKey = (request.headers['x-idempotency-key'] as string | undefined) ?? null;
    requests.push({ method: request.method ?? '', url: request.url ?? '', idempotencyKey, jwt, body });
    const url = request.url ?? '';
    if (request.method === 'POST' && url === '/api/v1/checkouts') {
      if (!idempotencyKey) return send(400, { errorMessage: 'X-Idempotency-Key is required' });
      const known = byIdempotencyKey.get(idempotencyKey);
      if (known) return send(201, checkouts.get(known));
      const id = randomBytes(12).toString('hex');
      const now = new Date().toISOString();
      const checkout = {
        id,
        url: `https://payments.example/payment-links/pl_${id}`,
        amount: body?.amount,
        currency: body?.currency,
        network: 'base',
        address: '0x742d35Cc6634C0532925a3b844Bc454e4438f44e',
        status: 'ACTIVE',
        description: body?.description,
        metadata: body?.metadata,
        expiresAt: body?.expiresAt,
        createdAt: now,
        updatedAt: now,
      };
      checkouts.set(id, checkout);
      byIdempotencyKey.set(idempotencyKey, id);
      return send(201, checkout);
    }
    const one = /^\/api\/v1\/checkouts\/([0-9a-f]{24})(\/refund)?$/.exec(url);
    const checkout = one ? checkouts.get(one[1]!) : undefined;
    if (!checkout) return send(404, { errorMessage: 'checkout not found' });
    if (request.method === 'GET' && !one![2]) return send(200, checkout);
    if (request.method === 'POST' && one![2]) {
      if (!idempotencyKey) return send(400, { errorMessage: 'X-Idempotency-Key is required' });
      checkout.status = body?.amount === checkout.amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
      checkout.refundedAmount = body?.amount;
      return send(200, { checkout });
    }
    return send(405, { errorMessage: 'method not allowed' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    requests,
    checkouts,
    /** Marks a checkout paid as Coinbase would when the customer pays. */
    complete(id: string) {
      const checkout = checkouts.get(id)!;
      checkout.status = 'COMPLETED';
      checkout.transactionHash = `0x${randomBytes(32).toString('hex')}`;
      checkout.updatedAt = new Date().toISOString();
      return checkout;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
