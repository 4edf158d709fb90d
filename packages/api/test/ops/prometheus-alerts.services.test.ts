import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@sge/contracts';
import { createTestClient, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TDatabase } from '../../src/db/client';
import { tempDir } from '../support/platform';
import { spawnPlatformProcess, type TPlatformProcess } from '../support/processes';
import { startRealStack, type TRealStack } from '../support/real-chain';
import { insertIntent } from '../support/reconciliation-fixtures';
import { PROMETHEUS_DIR } from './ops-paths';

/** A key as `npm run wallet:new` makes them: Real mode refuses guessable admin keys. */
const OPS_ADMIN_KEY = 'ops-Z8rT2vQ6xL0mN4pW7kC1sH9dF3jB5gY';

type TAlert = { labels: Record<string, string>; state: 'pending' | 'firing' };

/**
 * The shipped alert rules in a real Prometheus (Debian's package) scraping a real API process in Real mode
 * (PostgreSQL, Redis, anvil with the contracts): the relayer is drained below the RelayerLowBalance
 * threshold with anvil_setBalance and an intent is left PROCESSING past INTENT_TIMEOUT_MINUTES, and both
 * alerts fire through Prometheus's HTTP API, while LedgerImbalance (a balanced ledger) does not. The rules
 * are the shipped ones with their `for:` durations shortened to 2 s; thresholds are unchanged.
 */
describe('alert rules in a real Prometheus scraping the API', () => {
  const dir = tempDir('sge-prometheus-');
  let stack: TRealStack;
  let api: TPlatformProcess;
  let database: TDatabase;
  let prometheus: ChildProcess | null = null;
  let prometheusUrl: string;
  let prometheusLog = '';

  beforeAll(async () => {
    stack = await startRealStack();
    api = await spawnPlatformProcess({
      env: { ...stack.env, INTENT_TIMEOUT_MINUTES: '1', ADMIN_API_KEYS: `ops:${OPS_ADMIN_KEY}` },
      role: 'api',
    });
    database = await openDatabase({ kind: 'postgres', url: stack.postgres.url });

    const rules = readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8').replace(
      /^(\s+for:\s*)\S+$/gm,
      '$12s',
    );
    writeFileSync(join(dir.path, 'alerts.yml'), rules);
    const target = new URL(api.url!).host;
    writeFileSync(
      join(dir.path, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 1s }',
        'rule_files: [alerts.yml]',
        'scrape_configs:',
        '  - job_name: sge-api',
        `    static_configs: [{ targets: ['${target}'] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir.path, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir.path, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr!.on('data', (chunk: Buffer) => {
      prometheusLog = (prometheusLog + chunk.toString()).slice(-4000);
    });
  }, 180_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await database?.close();
    await api?.stop();
    await stack?.stop();
    dir.remove();
  });

  const alerts = async (): Promise<TAlert[]> => {
    const response = await fetch(`${prometheusUrl}/api/v1/alerts`).catch(() => null);
    if (!response?.ok) return [];
    const body = (await response.json()) as { data: { alerts: TAlert[] } };
    return body.data.alerts;
  };

  it('fires RelayerLowBalance and StuckIntents once the relayer is drained and an intent is stuck', async () => {
    // Healthy first: the relayer holds 10,000 ETH and nothing is stuck.
    const relayer = privateKeyToAccount(stack.env.RELAYER_PRIVATE_KEY as `0x${string}`).address;
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/^sge_relayer_balance_eth 10000$/m);
    expect(metrics).toMatch(/^sge_stuck_intents\{type="REGISTER"\} 0$/m);

    await createTestClient({ mode: 'anvil', transport: http(stack.anvil.rpcUrl) }).setBalance({
      address: relayer,
      value: parseEther('0.01'),
    });
    const fiveMinutesAgo = new Date(Date.now() - 5 * 60_000);
    await insertIntent(database.db, {
      type: 'REGISTER',
      status: 'PROCESSING',
      createdAt: fiveMinutesAgo,
      updatedAt: fiveMinutesAgo,
    });

    const deadline = Date.now() + 120_000;
    let firing = new Set<string>();
    let seen: TAlert[] = [];
    while (Date.now() < deadline) {
      seen = await alerts();
      firing = new Set(
        seen.filter((alert) => alert.state === 'firing').map((alert) => alert.labels.alertname!),
      );
      if (firing.has('RelayerLowBalance') && firing.has('StuckIntents')) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect([...firing], `alerts: ${JSON.stringify(seen)}\nprometheus: ${prometheusLog}`).toEqual(
      expect.arrayContaining(['RelayerLowBalance', 'StuckIntents']),
    );
    const stuck = seen.find((alert) => alert.labels.alertname === 'StuckIntents')!;
    expect(stuck.labels).toMatchObject({ type: 'REGISTER', severity: 'warning' });
    expect(firing.has('LedgerImbalance')).toBe(false);
    expect(firing.has('HighErrorRate')).toBe(false);
  }, 150_000);
});
