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
 * health check still answering when one replica is gone. Needs nginx (Debian: apt-get install nginx-light).
 */
let stack: TRealStack;
let replicas: TPlatformProcess[] = [];
let nginx: ReturnType<typeof spawn> | null = null;
let dir: string;
let base: string;

async function get(path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: await response.text() };
}

describe('nginx in front of two API replicas', () => {
  beforeAll(async () => {
    stack = await startRealStack();
    replicas = await Promise.all([0, 1].map(() => spawnPlatformProcess({ env: stack.env, role: 'api' })));
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
});
