import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { TConfig } from './config';
import { buildServer, type TApp } from './http/server';
import type { Logger } from './logging/logger';
import { createRuntime, type TRuntime } from './runtime';
import { startWorkers } from './worker/start-workers';

export type TPlatform = {
  runtime: TRuntime;
  server: TApp | null;
  /** Base URL of the HTTP API when this process serves it. */
  url: string | null;
  workerId: string;
  /** Graceful stop: no new requests or jobs, in-flight ones finish (up to SHUTDOWN_TIMEOUT_MS), then close. */
  stop(): Promise<void>;
};

/**
 * Starts one process of the platform in the role the configuration names: `api` (HTTP only), `worker`
 * (queues and scheduled jobs only) or `all` (both; Mock mode always runs all in one process).
 *
 * @example
 * const platform = await startPlatform(loadConfig(process.env), logger);
 * // ... platform.url serves /healthz ...
 * await platform.stop();
 */
export async function startPlatform(config: TConfig, logger: Logger): Promise<TPlatform> {
  const runtime = await createRuntime(config, logger);
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let server: TApp | null = null;
  let stopWorkers: (() => Promise<void>) | null = null;
  try {
    if (config.role === 'worker' || config.role === 'all') {
      stopWorkers = await startWorkers(runtime, workerId);
    }
    if (config.role === 'api' || config.role === 'all') {
      server = await buildServer(runtime);
      await server.listen({ port: config.http.port, host: config.http.host });
    }
  } catch (error) {
    await server?.close();
    await stopWorkers?.();
    await runtime.close();
    throw error;
  }
  const address = server?.server.address();
  const port = typeof address === 'object' && address ? address.port : null;
  const url = port === null ? null : `http://127.0.0.1:${port}`;

  let stopping: Promise<void> | null = null;
  return {
    runtime,
    server,
    url,
    workerId,
    stop() {
      stopping ??= (async () => {
        // HTTP first (stop accepting, finish in-flight requests), then workers (finish running jobs), then
        // the connections they used.
        await server?.close();
        await stopWorkers?.();
        await runtime.close();
      })();
      return stopping;
    },
  };
}
