import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root: the API is started from there, as `npx tsx packages/api/src/main.ts`. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The API prepares its embedded database and chain before it answers; allow this long for /healthz to say 200. */
export const API_READY_TIMEOUT_MS = 90_000;
/** How often /healthz is asked while waiting, and how long one ask may take. */
const READY_POLL_INTERVAL_MS = 250;
const READY_POLL_TIMEOUT_MS = 2_000;
/** After SIGTERM the API gets this long to shut down cleanly before SIGKILL. */
export const API_STOP_GRACE_MS = 10_000;
/** How many of the API's last output lines a failure message quotes. */
const OUTPUT_LINES_KEPT_MAX = 200;

export interface TApiProcess {
  /** e.g. http://127.0.0.1:43121 (no trailing slash). */
  url: string;
  /** The fresh DATA_DIR the API runs with; removed by stop(). */
  dataDir: string;
  /** The API's last output lines (stdout and stderr, JSON log lines), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after API_STOP_GRACE_MS, to the API and everything it started; then removes DATA_DIR. Idempotent. */
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe server'));
      });
    });
  });
}

/**
 * Whether any process of group `pgid` is still running. `kill(-pgid, 0)` alone also counts zombies, which
 * in a container whose PID 1 never reaps orphans stay forever; on Linux /proc tells running from dead.
 */
function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after "pid (comm)" are: state ppid pgrp ...; comm may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

/**
 * Starts the real API (`npx tsx packages/api/src/main.ts` from the repo root) on a free port with a fresh
 * DATA_DIR and LOG_LEVEL=warn, plus `env`, and resolves once GET /healthz answers 200. The API runs in its
 * own process group so that stop() reaches everything it starts (tsx's node, an embedded chain).
 * NODE_ENV and VITEST* are not passed on from the test runner: the API should run as an operator runs it,
 * unless `env` says otherwise.
 *
 * @example
 * const api = await startApiProcess({ env: { MOCK_MODE: 'true' } });
 * // ... api.url ...
 * await api.stop();
 */
export async function startApiProcess(options: {
  env: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<TApiProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'sge-api-browser-test-'));
  const url = `http://127.0.0.1:${port}`;

  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST')),
  );
  const child: ChildProcess = spawn('npx', ['tsx', 'packages/api/src/main.ts'], {
    cwd: REPO_ROOT,
    // No scheduled reconciliation (its daily slot stays due for an hour) unless `env` sets one.
    env: {
      ...inherited,
      LOG_LEVEL: 'warn',
      RECONCILIATION_SCHEDULE: 'off',
      ...options.env,
      PORT: String(port),
      DATA_DIR: dataDir,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('could not start `npx tsx packages/api/src/main.ts`');

  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    if (lines.length > OUTPUT_LINES_KEPT_MAX) lines.splice(0, lines.length - OUTPUT_LINES_KEPT_MAX);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const output = () => lines.join('\n');

  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  child.once('exit', (code, signal) => {
    exit = { code, signal };
  });

  // If the test runner dies without calling stop(), do not leave an API (and its chain) running.
  const killOnExit = () => signalGroup(pgid, 'SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      if (processGroupAlive(pgid)) {
        signalGroup(pgid, 'SIGTERM');
        if (!(await waitUntil(() => !processGroupAlive(pgid), API_STOP_GRACE_MS))) {
          signalGroup(pgid, 'SIGKILL');
          await waitUntil(() => !processGroupAlive(pgid), 5_000);
        }
      }
      process.removeListener('exit', killOnExit);
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? API_READY_TIMEOUT_MS);
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (exit !== null) {
      const { code, signal } = exit;
      await stop();
      throw new Error(
        `the API exited before it was ready (code ${code}, signal ${signal}). Its output:\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(READY_POLL_TIMEOUT_MS) });
      if (response.status === 200) return { url, dataDir, output, stop };
      lastProblem = `GET /healthz answered ${response.status}: ${(await response.text()).slice(0, 500)}`;
    } catch (error) {
      lastProblem = `GET /healthz failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_INTERVAL_MS));
  }
  await stop();
  throw new Error(
    `the API was not ready within ${(options.readyTimeoutMs ?? API_READY_TIMEOUT_MS) / 1000} s (${lastProblem}). Its output:\n${output()}`,
  );
}
