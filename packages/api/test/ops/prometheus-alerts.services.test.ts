import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@sge/contracts';
import { createTestClient, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TDatabase } from '../../src/db/client';
import { startHeartbeat } from '../../src/worker/heartbeat';
import { tempDir } from '../support/platform';
import { spawnPlatformProcess, type TPlatformProcess } from '../support/processes';
import { startRealStack, type TRealStack } from '../support/real-chain';
import { insertIntent } from '../support/reconciliation-fixtures';
import { ALERTMANAGER_DIR, PROMETHEUS_DIR } from './ops-paths';

/** A key as `npm run wallet:new` makes them: Real mode refuses guessable admin keys. */
const OPS_ADMIN_KEY = 'ops-Z8rT2vQ6xL0mN4pW7kC1sH9dF3jB5gY';

type TAlert = { labels: Record<string, string>; state: 'pending' | 'firing' };

/** The routing key the PagerDuty stand-in expects: what the operator's secret file holds. */
const PAGERDUTY_ROUTING_KEY = 'R0UT1NGKEYF0RSGEPLATF0RMTEST0001';

type TReceived = { path: string; body: Record<string, unknown> };

/**
 * A local HTTP server standing in for PagerDuty's Events API v2 (`POST /v2/enqueue`, answered 202 as PagerDuty
 * does) and for a Slack incoming webhook (`POST /slack/…`, answered "ok"): it records what Alertmanager sends.
 */
async function startReceiverStandIn(): Promise<{ url: string; received: TReceived[]; server: Server }> {
  const received: TReceived[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(raw) as Record<string, unknown> });
      if (request.url?.startsWith('/v2/enqueue')) {
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'success', message: 'Event processed' }));
      } else {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

/**
 * The shipped alert rules in a real Prometheus (Debian's package) scraping a real API process in Real mode
 * (PostgreSQL, Redis, anvil with the contracts): the relayer is drained below the RelayerLowBalance
 * threshold with anvil_setBalance and an intent is left PROCESSING past INTENT_TIMEOUT_MINUTES, and both
 * alerts fire through Prometheus's HTTP API, while LedgerImbalance (a balanced ledger) does not. The rules
 * are the shipped ones with their `for:` durations shortened to 2 s; thresholds are unchanged.
 *
 * Prometheus sends its alerts to a real Alertmanager (Debian's prometheus-alertmanager) running the shipped
 * ops/alertmanager/alertmanager.yml: its secret files are written by the test, its PagerDuty URL points at a local
 * stand-in (the only change besides shorter group waits), and the test checks who is paged and who is not.
 */
describe('alert rules in a real Prometheus scraping the API', () => {
  const dir = tempDir('sge-prometheus-');
  let stack: TRealStack;
  let api: TPlatformProcess;
  let database: TDatabase;
  let prometheus: ChildProcess | null = null;
  let prometheusUrl: string;
  let prometheusLog = '';
  let alertmanager: ChildProcess | null = null;
  let alertmanagerLog = '';
  let alertmanagerUrl = '';
  let receiver: Awaited<ReturnType<typeof startReceiverStandIn>>;
  let stopHeartbeat: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    stack = await startRealStack();
    api = await spawnPlatformProcess({
      env: { ...stack.env, INTENT_TIMEOUT_MINUTES: '1', ADMIN_API_KEYS: `ops:${OPS_ADMIN_KEY}` },
      role: 'api',
    });
    database = await openDatabase({ kind: 'postgres', url: stack.postgres.url });
    // A live worker heartbeat, so WorkerDown (critical, `for` shortened to 2 s below) stays quiet and the only
    // page is the one this suite provokes.
    stopHeartbeat = await startHeartbeat(database.db, 'prometheus-alerts-test', 'all', (error) => {
      throw error;
    });

    const rules = readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8').replace(
      /^(\s+for:\s*)\S+$/gm,
      '$12s',
    );
    writeFileSync(join(dir.path, 'alerts.yml'), rules);

    receiver = await startReceiverStandIn();
    const secrets = join(dir.path, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'pagerduty-routing-key'), `${PAGERDUTY_ROUTING_KEY}\n`);
    writeFileSync(join(secrets, 'slack-webhook-url'), `${receiver.url}/slack/T000/B000/XXXX\n`);
    const shipped = readFileSync(join(ALERTMANAGER_DIR, 'alertmanager.yml'), 'utf8');
    const alertmanagerConfig = shipped
      .replaceAll('/etc/alertmanager/secrets', secrets)
      .replace(/^global:\n/m, `global:\n  pagerduty_url: ${receiver.url}/v2/enqueue\n`)
      .replace(/^(\s+group_wait:\s*)\S+$/m, '$11s')
      .replace(/^(\s+group_interval:\s*)\S+$/m, '$11s');
    expect(alertmanagerConfig).toContain(`pagerduty_url: ${receiver.url}`);
    writeFileSync(join(dir.path, 'alertmanager.yml'), alertmanagerConfig);
    const alertmanagerPort = await freePort();
    alertmanagerUrl = `http://127.0.0.1:${alertmanagerPort}`;
    alertmanager = spawn(
      'prometheus-alertmanager',
      [
        `--config.file=${join(dir.path, 'alertmanager.yml')}`,
        `--storage.path=${join(dir.path, 'alertmanager-data')}`,
        `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    alertmanager.stderr!.on('data', (chunk: Buffer) => {
      alertmanagerLog = (alertmanagerLog + chunk.toString()).slice(-4000);
    });

    const target = new URL(api.url!).host;
    writeFileSync(
      join(dir.path, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 1s }',
        'rule_files: [alerts.yml]',
        `alerting: { alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:${alertmanagerPort}'] }] }] }`,
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
    await stopHeartbeat?.();
    prometheus?.kill('SIGTERM');
    alertmanager?.kill('SIGTERM');
    receiver?.server.close();
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
    expect(firing.has('WorkerDown')).toBe(false);
  }, 150_000);

  it('Alertmanager pages PagerDuty for the critical RelayerLowBalance, mutes its warning tier, and sends StuckIntents to Slack', async () => {
    // Runs after the alerts fired in Prometheus (the test above). Alertmanager groups for 1 s here.
    const deadline = Date.now() + 60_000;
    const pages = () => receiver.received.filter((entry) => entry.path === '/v2/enqueue');
    const slack = () => receiver.received.filter((entry) => entry.path.startsWith('/slack/'));
    while (Date.now() < deadline) {
      const paged = pages().some((entry) => String(entry.body.dedup_key ?? '').length > 0);
      const stuckInSlack = slack().some((entry) => JSON.stringify(entry.body).includes('StuckIntents'));
      if (paged && stuckInSlack) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const received = JSON.stringify(receiver.received, null, 1);
    const page = pages().find((entry) => entry.body.event_action === 'trigger');
    expect(page, `received: ${received}\nalertmanager: ${alertmanagerLog}`).toBeDefined();
    expect(page!.body.routing_key).toBe(PAGERDUTY_ROUTING_KEY);
    const payload = page!.body.payload as { summary: string; severity: string };
    expect(payload.summary).toBe('RelayerLowBalance: Relayer balance is low');
    expect(payload.severity).toBe('critical');

    // Slack (warnings) got StuckIntents, and never RelayerLowBalance: its warning tier is inhibited by the
    // critical one. Nothing that is only a warning paged anybody.
    const slackText = JSON.stringify(slack().map((entry) => entry.body));
    expect(slackText, received).toContain('StuckIntents: Intents are stuck');
    expect(slackText).not.toContain('RelayerLowBalance');
    expect(JSON.stringify(pages().map((entry) => entry.body))).not.toContain('StuckIntents');

    // Alertmanager itself holds the warning tier as suppressed (inhibited) by the critical one.
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(
        'amtool',
        ['alert', 'query', '--inhibited', '-o', 'json', `--alertmanager.url=${alertmanagerUrl}`],
        (error, out) => (error ? reject(error) : resolve({ stdout: out })),
      ),
    );
    const inhibited = (JSON.parse(stdout) as { labels: Record<string, string> }[]).map(
      (alert) => `${alert.labels.alertname}/${alert.labels.severity}`,
    );
    expect(inhibited).toContain('RelayerLowBalance/warning');
  }, 90_000);

  it('promtool check metrics accepts the live /metrics of the API', async () => {
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdin.end(metrics);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});
