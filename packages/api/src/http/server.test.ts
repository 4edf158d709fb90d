import { ANVIL_MNEMONIC } from '@sge/contracts';
import { ZHealthResponse, ZSystemStatus } from '@sge/shared';
import { mnemonicToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../test/support/platform';
import type { TPlatform } from '../platform';

describe('HTTP API in Mock mode', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let url: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ DATA_DIR: dataDir.path, RATE_LIMIT_PER_IP_PER_MINUTE: '50' });
    url = platform.url!;
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('GET /healthz answers the seed shape with mode MOCK, the local chain id and every check healthy', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    const body = ZHealthResponse.parse(await response.json());
    expect(body).toMatchObject({ ok: true, mode: 'MOCK', chainId: 31337, healthy: true });
    expect(body.blockNumber).toBeGreaterThanOrEqual(0);
    expect(Object.values(body.checks).every((check) => check.ok)).toBe(true);
  });

  it('GET /api/system/status reports the relayer, its exact balance and the queue', async () => {
    const body = ZSystemStatus.parse(await (await fetch(`${url}/api/system/status`)).json());
    expect(body.mode).toBe('MOCK');
    expect(body.relayer.address).toBe(platform.runtime.chain.relayer.address);
    const onChain = await platform.runtime.chain.publicClient.getBalance({
      address: platform.runtime.chain.relayer.address,
    });
    expect(BigInt(body.relayer.balanceWei!)).toBe(onChain);
    expect(body.relayer.low).toBe(false);
    expect(body.queue.depth).toBe(0);
    // Mock mode starts with the contracts deployed on its local chain.
    for (const name of ['sgeId', 'sgeClaim', 'payout', 'affiliateRegistry', 'usdc', 'usdt', 'sgeToken']) {
      expect(body.contracts[name]).toMatch(/^0x[0-9a-fA-F]{40}$/);
    }
  });

  it('GET /metrics serves Prometheus text with process metrics, the relayer balance and queue depth', async () => {
    await platform.runtime.queue.enqueue('maintenance', 'metrics-test', {}, { delayMs: 60_000 });
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^sge_relayer_balance_eth 10000$/m);
    expect(text).toMatch(/^sge_queue_depth\{queue="maintenance"\} 1$/m);
  });

  it('answers unknown routes and malformed bodies with the JSON error shape, never a 500', async () => {
    const missing = await fetch(`${url}/api/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'NOT_FOUND', message: 'No route GET /api/nope' });

    const badJson = await fetch(`${url}/api/system/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"broken',
    });
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error).toBe('BAD_REQUEST');
  });

  it('knows Mock mode’s two demo admins as people with the wallets of anvil accounts 7 and 8 (GET /api/admin/me)', async () => {
    const me = async (key: string) =>
      await (await fetch(`${url}/api/admin/me`, { headers: { 'x-admin-key': key } })).json();
    expect(await me('dev-admin-key')).toEqual({
      name: 'dev',
      kind: 'admin',
      wallet: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 7 }).address,
      programId: null,
    });
    expect(await me('dev-admin-key-2')).toEqual({
      name: 'dev2',
      kind: 'admin',
      wallet: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 8 }).address,
      programId: null,
    });
    expect((await fetch(`${url}/api/admin/me`)).status).toBe(401);
  });

  it('refuses text PostgreSQL cannot store (a NUL character) as 400 naming the field, writing nothing', async () => {
    const entries = await fetch(`${url}/api/admin/ledger/entries?reference=a%00b`, {
      headers: { 'x-admin-key': 'dev-admin-key' },
    });
    expect(entries.status).toBe(400);
    expect(await entries.json()).toEqual({
      error: 'VALIDATION_FAILED',
      message: 'querystring.reference: must not contain a NUL character (U+0000)',
      details: {
        issues: [{ field: 'querystring.reference', message: 'must not contain a NUL character (U+0000)' }],
      },
    });
    const slug = 'nul-name';
    const created = await fetch(`${url}/api/admin/programs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-key': 'dev-admin-key' },
      body: JSON.stringify({ slug, name: 'Nul\u0000Program' }),
    });
    expect(created.status).toBe(400);
    expect((await created.json()).details.issues).toEqual([
      { field: 'body.name', message: 'must not contain a NUL character (U+0000)' },
    ]);
    const { db } = platform.runtime.database;
    expect(await db.selectFrom('programs').select('id').where('slug', '=', slug).execute()).toEqual([]);
    // Text without NUL passes.
    expect(
      (
        await fetch(`${url}/api/admin/ledger/entries?reference=ab`, {
          headers: { 'x-admin-key': 'dev-admin-key' },
        })
      ).status,
    ).toBe(200);
  });

  it('echoes a well-formed X-Request-Id and makes one otherwise', async () => {
    const given = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'trace-1234567' } });
    expect(given.headers.get('x-request-id')).toBe('trace-1234567');
    const made = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows CORS from APP_ORIGIN only and sends security headers', async () => {
    const allowed = await fetch(`${url}/api/system/status`, { headers: { origin: 'http://localhost:5173' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await fetch(`${url}/api/system/status`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(allowed.headers.get('x-frame-options')).toBe('DENY');
    expect(allowed.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(allowed.headers.get('referrer-policy')).toBe('no-referrer');
    expect(allowed.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    // An error answer carries them too (they are set before anything can fail).
    const missing = await fetch(`${url}/api/no-such-route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    expect(missing.headers.get('x-request-id')).toBeTruthy();
  });

  it('serves an OpenAPI document describing the endpoints', async () => {
    const document = await (await fetch(`${url}/api/openapi.json`)).json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/metrics', '/api/system/status']),
    );
  });

  it('rate-limits a client past its budget with 429 RATE_LIMITED, but never /healthz', async () => {
    let limited: Response | null = null;
    for (let i = 0; i < 60 && !limited; i++) {
      const response = await fetch(`${url}/api/system/status`);
      if (response.status === 429) limited = response;
    }
    expect(limited).not.toBeNull();
    expect((await limited!.json()).error).toBe('RATE_LIMITED');
    expect(limited!.headers.get('retry-after')).toBeTruthy();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
