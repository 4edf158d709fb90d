import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@sge/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot } from '../src/config/repo-root';
import { spawnPlatformProcess, type TPlatformProcess } from './support/processes';
import { startRealStack, type TRealStack } from './support/real-chain';
import { signRegistration, testWalletAccount } from './support/registration-proof';

/**
 * ops/nginx/nginx.conf in front of two real API replicas (Real mode on PostgreSQL, Redis and anvil), as in
 * docker-compose.prod.yml: the app's files and client-side routes, the API through either replica, and the
 * health check still answering when one replica is gone, and the per-IP limit holding against spoofed
 * X-Forwarded-For headers with the shipped TRUST_PROXY=1. Needs nginx (Debian: apt-get install nginx-light).
 */
/** The per-IP limit of the replicas here: small, so that a flood crosses it quickly. */
const RATE_LIMIT_PER_IP_PER_MINUTE = 20;

let stack: TRealStack;
let replicas: TPlatformProcess[] = [];
let nginx: ReturnType<typeof spawn> | null = null;
let dir: string;
let base: string;

/** GET through nginx from a given local source address (any 127.0.0.0/8 address works on Linux). */
function statusFrom(localAddress: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { localAddress }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end();
  });
}

async function get(path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: await response.text() };
}

describe('nginx in front of two API replicas', () => {
  beforeAll(async () => {
    stack = await startRealStack();
    // As docker-compose.prod.yml runs them: one trusted proxy hop (the nginx below).
    const env = {
      ...stack.env,
      TRUST_PROXY: '1',
      RATE_LIMIT_PER_IP_PER_MINUTE: String(RATE_LIMIT_PER_IP_PER_MINUTE),
    };
    replicas = await Promise.all([0, 1].map(() => spawnPlatformProcess({ env, role: 'api' })));
    dir = mkdtempSync(join(tmpdir(), 'sge-nginx-'));
    chmodSync(dir, 0o755); // nginx's workers run as nobody
    mkdirSync(join(dir, 'html/assets'), { recursive: true });
    writeFileSync(join(dir, 'html/index.html'), '<!doctype html><title>SGE</title>');
    writeFileSync(join(dir, 'html/assets/app-1234.js'), 'console.log(1)');
    const port = await freePort();
    const upstreams = replicas.map((r) => new URL(r.url!).host);
    const conf = readFileSync(join(findRepoRoot(), 'ops/nginx/nginx.conf'), 'utf8')
      .replaceAll('/tmp/', `${dir}/`)
      .replace('server api-1:3000', `server ${upstreams[0]}`)
      .replace('server api-2:3000', `server ${upstreams[1]}`)
      .replace('listen 8080;', `listen 127.0.0.1:${port};`)
      .replace('root /usr/share/nginx/html;', `root ${dir}/html;`);
    expect(conf).not.toContain('api-1:3000');
    writeFileSync(join(dir, 'nginx.conf'), conf);
    // nginx opens /dev/stderr and /dev/stdout itself: they must be files, not the test runner's sockets.
    const log = openSync(join(dir, 'nginx.log'), 'w');
    nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    base = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt += 1) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {}
      if (attempt > 100)
        throw new Error(`nginx did not start: ${readFileSync(join(dir, 'nginx.log'), 'utf8')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 300_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await Promise.all(replicas.map((r) => r.stop()));
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('serves the app, its client-side routes and its assets, and proxies the API and /healthz', async () => {
    expect(await get('/')).toMatchObject({
      status: 200,
      body: expect.stringContaining('<title>SGE</title>'),
    });
    expect(await get('/admin/reconciliation')).toMatchObject({
      status: 200,
      body: expect.stringContaining('SGE'),
    });
    const asset = await fetch(`${base}/assets/app-1234.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await get('/assets/missing.js')).status).toBe(404);
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ mode: 'REAL', healthy: true });
    const response = await fetch(`${base}/api/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(await signRegistration({ account: testWalletAccount(0xab) })),
    });
    expect(response.status).toBe(202);
  });

  it('keeps answering through the other replica when one is stopped', async () => {
    await replicas[0]!.stop();
    const statuses: number[] = [];
    for (let n = 0; n < 10; n += 1) statuses.push((await get('/healthz')).status);
    expect(statuses).toEqual(Array(10).fill(200));
    const status = await get(`/api/status?wallet=0x${'ab'.repeat(20)}`);
    expect(status.status).toBe(200);
  });

  it('keeps the per-IP limit when clients send spoofed X-Forwarded-For headers through nginx', async () => {
    // Each request claims another client address, in the shapes an attacker tries: a rotated single address,
    // an nginx-style chain whose first entry is chosen, IPv6 addresses, a header nginx would have appended to.
    const spoofs = (n: number): Record<string, string> => {
      const shapes: Record<string, string>[] = [
        { 'x-forwarded-for': `198.51.100.${n}` },
        { 'x-forwarded-for': `203.0.113.${n}, 10.0.0.${n}` },
        { 'x-forwarded-for': `2001:db8:${n.toString(16)}::1` },
        { 'x-forwarded-for': `192.0.2.${n}`, 'x-real-ip': `192.0.2.${n}`, forwarded: `for=192.0.2.${n}` },
      ];
      return shapes[n % shapes.length]!;
    };
    const attempts = RATE_LIMIT_PER_IP_PER_MINUTE * 3;
    const statuses: number[] = [];
    for (let n = 1; n <= attempts; n += 1) {
      const response = await fetch(`${base}/api/status?wallet=0x${'cd'.repeat(20)}`, { headers: spoofs(n) });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    const passed = statuses.filter((status) => status !== 429).length;
    // All of them come from one client (127.0.0.1 here): at most one window's limit passes, two if a clock
    // minute turns during the loop (windows are aligned to the clock). Before, every spoofed request passed.
    expect(passed).toBeLessThanOrEqual(RATE_LIMIT_PER_IP_PER_MINUTE * 2);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(
      attempts - RATE_LIMIT_PER_IP_PER_MINUTE * 2,
    );
    expect(statuses.filter((status) => status !== 429 && status !== 200)).toEqual([]);
    // Another client (another source address: 127.0.0.2) has its own count: the limit is per client, not one
    // bucket for everyone behind nginx (which a hop count Fastify ignores would give).
    expect(await statusFrom('127.0.0.2', `/api/status?wallet=0x${'cd'.repeat(20)}`)).toBe(200);
  });
});
