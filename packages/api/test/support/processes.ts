import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { freePort } from '@sge/contracts';
import { findRepoRoot } from '../../src/config/repo-root';
import { TEST_PLATFORM_ENV } from './test-platform-env';

export type TPlatformProcess = {
  process: ChildProcess;
  /** HTTP base URL when the process serves the API. */
  url: string | null;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Starts `packages/api/src/main.ts --role <role>` as its own process (as an operator would) and resolves
 * once it has logged that it started. Its log lines at warn and above are forwarded to this process's
 * stderr when TEST_LOG_LEVEL is set.
 */
export async function spawnPlatformProcess(options: {
  env: Record<string, string>;
  role: 'api' | 'worker' | 'all';
  startTimeoutMs?: number;
  /** A bundled main.js to run instead of the TypeScript sources (e.g. a snapshot built by the test). */
  bundledEntry?: string;
  /** Extra options for node itself (e.g. --cpu-prof, which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
}): Promise<TPlatformProcess> {
  const port = options.role === 'worker' ? 0 : await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ...(options.bundledEntry
        ? ['--enable-source-maps', options.bundledEntry, '--role', options.role]
        : ['--import', 'tsx', 'packages/api/src/main.ts', '--role', options.role]),
    ],
    {
      cwd: findRepoRoot(),
      env: {
        ...process.env,
        ENV_FILE: '/nonexistent',
        LOG_LEVEL: 'info',
        ...TEST_PLATFORM_ENV,
        HOST: '127.0.0.1',
        PORT: String(port),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.role} did not start in time: ${stderr}`)),
      options.startTimeoutMs ?? 120_000,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.includes('SGE platform started')) {
        clearTimeout(timer);
        resolve();
      } else if (process.env.TEST_LOG_LEVEL && /"level":"(warn|error|fatal)"/.test(line)) {
        process.stderr.write(`[${options.role} ${child.pid}] ${line}\n`);
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.role} exited (${code}) before starting: ${stderr}`));
    });
  });
  await started;
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return {
    process: child,
    url: options.role === 'worker' ? null : `http://127.0.0.1:${port}`,
    exited,
    kill,
    async stop() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await kill('SIGTERM');
      clearTimeout(timer);
    },
  };
}
