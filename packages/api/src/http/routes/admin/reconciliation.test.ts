import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type TApi } from '../../../../test/support/money-api';
import { startTestPlatform, tempDir } from '../../../../test/support/platform';
import { insertIntent } from '../../../../test/support/reconciliation-fixtures';
import type { TDb } from '../../../db/client';
import type { TPlatform } from '../../../platform';

const ALICE = 'alice-admin-key-0001';

/** The reconciliation admin API in Mock mode (embedded database, real anvil, workers in the process). */
describe('reconciliation admin API', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let api: TApi;
  let db: TDb;

  beforeAll(async () => {
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      ADMIN_API_KEYS: `alice:${ALICE}`,
      RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    });
    api = apiClient(platform.url!);
    db = platform.runtime.database.db;
  });
  afterAll(async () => {
    await platform?.stop();
    dataDir.remove();
  });

  const waitForRun = async (id: string) => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const response = await api('GET', `/api/admin/reconciliation/runs/${id}`, { key: ALICE });
      if (response.body.status !== 'RUNNING') return response;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${id} did not finish`);
  };

  it('refuses callers without an admin key, and bad requests, changing nothing', async () => {
    expect((await api('POST', '/api/admin/reconciliation/run')).status).toBe(401);
    expect((await api('GET', '/api/admin/reconciliation/runs', { key: 'wrong-key-123456' })).status).toBe(
      401,
    );
    const bad = await api('POST', '/api/admin/reconciliation/run', {
      key: ALICE,
      body: { checks: ['nope'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
    expect((await api('GET', '/api/admin/reconciliation/latest', { key: ALICE })).status).toBe(404);
    expect(await db.selectFrom('reconciliation_runs').selectAll().execute()).toEqual([]);
  });

  it('runs every check now (audited), stores the results, lists them in the history and as the latest', async () => {
    const started = await api('POST', '/api/admin/reconciliation/run', {
      key: ALICE,
      headers: { 'x-request-id': 'req-reconcile-1' },
    });
    expect(started.status, started.text).toBe(202);
    expect(started.body).toMatchObject({ trigger: 'MANUAL', requestedBy: 'alice', slot: null });
    const finished = await waitForRun(started.body.id);
    expect(finished.status).toBe(200);
    expect(finished.body.checks.map((check: { name: string }) => check.name)).toEqual([
      'ledger',
      'settlements_on_chain',
      'commissions',
      'payouts',
      'payout_approvals',
      'claims_recorded',
      'affiliate_tree',
      'stuck_intents',
      'queue_depth',
      'worker_heartbeats',
      'processing_time',
      'pending_payout_batches',
      'webhook_failures',
      'manual_revenue',
    ]);
    expect(finished.body.checkStatuses).toMatchObject({
      ledger: 'OK',
      manual_revenue: 'OK',
      settlements_on_chain: 'OK',
      worker_heartbeats: 'OK',
    });
    const history = await api('GET', '/api/admin/reconciliation/runs?limit=5', { key: ALICE });
    expect(history.body.items.map((run: { id: string }) => run.id)).toEqual([started.body.id]);
    const latest = await api('GET', '/api/admin/reconciliation/latest', { key: ALICE });
    expect(latest.body.id).toBe(started.body.id);
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'reconciliation.run')
      .execute();
    expect(audit).toMatchObject([
      { actor: 'alice', subject_id: started.body.id, request_id: 'req-reconcile-1' },
    ]);

    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    expect(metrics).toMatch(/^sge_reconciliation_check_status\{check="ledger"\} 0$/m);
    expect(metrics).toMatch(/^sge_workers_alive 1$/m);
    expect(metrics).toMatch(/^sge_queue_depth\{queue="payout"\} 0$/m);
  });

  it('shows stuck intents live with a retry that puts one back to PENDING (audited), once', async () => {
    const longAgo = new Date(Date.now() - 60 * 60_000);
    const stuck = await insertIntent(db, {
      type: 'PAYOUT',
      status: 'PROCESSING',
      createdAt: longAgo,
      updatedAt: longAgo,
    });
    const live = await api('GET', '/api/admin/reconciliation/live', { key: ALICE });
    expect(live.status).toBe(200);
    const stuckCheck = live.body.checks.find((check: { name: string }) => check.name === 'stuck_intents');
    expect(stuckCheck.status).toBe('WARN');
    expect(stuckCheck.findings[0].action).toEqual({
      kind: 'RETRY_INTENT',
      intentId: stuck,
      path: `/api/admin/reconciliation/stuck-intents/${stuck}/retry`,
    });
    const path = stuckCheck.findings[0].action.path;
    expect((await api('POST', path, { key: ALICE, body: {} })).status).toBe(400);
    const retried = await api('POST', path, { key: ALICE, body: { reason: 'worker restarted' } });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: stuck, status: 'PENDING' });
    const again = await api('POST', path, { key: ALICE, body: { reason: 'twice' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('INVALID_STATE');
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'intent.retry_stuck')
      .execute();
    expect(audit).toMatchObject([{ actor: 'alice', subject_id: stuck }]);
  });
});
