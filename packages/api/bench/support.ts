import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@sge/contracts';
import autocannon from 'autocannon';
import { findRepoRoot } from '../src/config/repo-root';

export type TLoadResult = {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
};

/** Drives `url` with `connections` concurrent keep-alive connections for `seconds`. */
export async function load(
  url: string,
  options: {
    seconds: number;
    connections: number;
    method?: 'GET' | 'POST';
    body?: string;
    headers?: Record<string, string>;
  },
): Promise<TLoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    method: options.method ?? 'GET',
    body: options.body,
    headers: options.headers,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export type TChild = { process: ChildProcess; url: string; stop(): Promise<void> };

/** Waits until GET url answers 200, or throws after timeoutMs. Returns the milliseconds it took. */
export async function waitForOk(url: string, timeoutMs: number, child?: ChildProcess): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs)
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `node --import tsx <script> ...args` from the repo root as a separate process. */
export async function startNodeProcess(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: findRepoRoot(),
    env: { ...process.env, LOG_LEVEL: 'warn', ENV_FILE: '/nonexistent', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Starts the platform's API (plus workers in Mock mode) as its own process; resolves once /healthz is 200. */
export async function startApiProcess(
  env: Record<string, string>,
  role: 'api' | 'all' = 'all',
): Promise<TChild & { coldStartSeconds: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = await startNodeProcess('packages/api/src/main.ts', ['--role', role], {
    PORT: String(port),
    HOST: '127.0.0.1',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/healthz`, 120_000, child);
  return {
    process: child,
    url,
    coldStartSeconds: Math.round((performance.now() - started) / 10) / 100,
    stop: () => stopProcess(child),
  };
}

export function tempDataDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'sge-bench-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
