import { randomUUID } from 'node:crypto';
import { SIWE_CLOCK_SKEW_SECONDS, SIWE_MESSAGE_AGE_SECONDS_MAX } from '@sge/shared';
import { erc20Abi } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  databaseFingerprint,
  newWallet,
  registerAffiliateViaApi,
  signIn,
  type TApi,
} from '../../test/support/money-api';
import { APPROVER_ACCOUNTS, signBatchApproval } from '../../test/support/payout-approvers';
import { startTestPlatform, tempDir } from '../../test/support/platform';
import type { TDb } from '../db/client';
import { DEFAULT_PROGRAM_ID } from '../db/migrations/0001-core-schema';
import { matureCommissions } from '../domain/commissions/mature-commissions';
import { recordRevenueSettlement } from '../domain/commissions/record-revenue-settlement';
import { assertProgramAcceptsIntents } from '../domain/programs/assert-program-accepts-intents';
import { getProgram } from '../domain/programs/get-program';
import type { TPlatform } from '../platform';

const ALICE = 'alice-admin-key-0001';
const BOB = 'bob-admin-key-00002';

/**
 * The money HTTP API in Mock mode (embedded database, real anvil): authorization of every admin and
 * affiliate endpoint, the two-person rule, programs, affiliates (signed terms, depth, codes), Sign-In with
 * Ethereum, and a payout from batch creation to the affiliate seeing its transaction.
 */
describe('money API', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let api: TApi;
  let db: TDb;
  let chainId: number;
  const A = DEFAULT_PROGRAM_ID;
  let B: string;
  let keyA: { id: string; key: string };
  let keyB: { id: string; key: string };
  const x = newWallet(); // affiliate XRAY in A (root)
  const y = newWallet(); // affiliate YANKEE in A (child of XRAY)
  const z = newWallet(); // affiliate ZULU in B
  let xId: string;
  let yId: string;
  let sessionX: string;
  let sessionY: string;
  let sessionZ: string;
  let settlementId: string;
  let intentId: string;
  let failedIntentId: string;

  /** Each admin in turn signs a batch's approval with their wallet; the last answer. */
  const signAndApprove = async (
    batch: { id: string; approval: Parameters<typeof signBatchApproval>[0] },
    signers: [string, (typeof APPROVER_ACCOUNTS)[number]][],
  ) => {
    let answer = null as Awaited<ReturnType<TApi>> | null;
    for (const [key, account] of signers) {
      answer = await api('POST', `/api/admin/payout-batches/${batch.id}/approve`, {
        key,
        body: { signature: await signBatchApproval(batch.approval, account) },
      });
      expect(answer.status).toBe(200);
    }
    return answer!;
  };

  /** A user of program A referred by YANKEE pays `amount` micro-USD (a recorded Commerce settlement). */
  const referredPayment = async (amount: bigint) => {
    const wallet = newWallet().address;
    await db.insertInto('users').values({ program_id: A, wallet, referred_by_affiliate_id: yId }).execute();
    const intent = await db
      .insertInto('intents')
      .values({
        program_id: A,
        type: 'COMMERCE_PAYMENT',
        idempotency_key: `commerce:${A}:${randomUUID()}`,
        wallet,
        status: 'CONFIRMED',
        payload: {},
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const recorded = await recordRevenueSettlement(db, {
      programId: A,
      intentId: intent.id,
      kind: 'COMMERCE_PAYMENT',
      wallet,
      amount,
      currency: 'USD',
      providerRef: `charge-${randomUUID().slice(0, 8)}`,
      occurredAt: new Date(Date.now() - 30 * 24 * 3600 * 1000),
    });
    return { intentId: intent.id, settlementId: recorded.settlement.id, commissions: recorded.commissions };
  };

  beforeAll(async () => {
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      // Each admin's wallet is a payout approver of the Mock deployment (its approvers are the admins').
      ADMIN_API_KEYS: `alice:${ALICE}:${APPROVER_ACCOUNTS[0].address},bob:${BOB}:${APPROVER_ACCOUNTS[1].address}`,
      APP_ORIGIN: 'http://localhost:5173',
      RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    });
    api = apiClient(platform.url!);
    db = platform.runtime.database.db;
    chainId = platform.runtime.chain.chainId;

    const created = await api('POST', '/api/admin/programs', {
      key: ALICE,
      body: { slug: 'other-program', name: 'Other program', maxAffiliateDepth: 2, minPayoutMicroUsd: '1' },
    });
    expect(created.status).toBe(201);
    B = created.body.id;
    // Its minimum payout is a money setting: the program waits, PAUSED, for a second admin (issue 17).
    expect(created.body).toMatchObject({
      status: 'PAUSED',
      minPayoutMicroUsd: '10000000',
      maxAffiliateDepth: 2,
      pendingChange: { kind: 'PROGRAM_SETTINGS', status: 'PENDING', payload: { minPayoutMicroUsd: '1' } },
    });
    const approvedB = await api('POST', `/api/admin/changes/${created.body.pendingChange.id}/approve`, {
      key: BOB,
    });
    expect(approvedB.status).toBe(200);
    expect((await api('POST', `/api/admin/programs/${B}/resume`, { key: ALICE })).body).toMatchObject({
      status: 'ACTIVE',
      minPayoutMicroUsd: '1',
    });
    const newKey = async (programId: string, name: string) => {
      const response = await api('POST', `/api/admin/programs/${programId}/api-keys`, {
        key: ALICE,
        body: { name },
      });
      expect(response.status).toBe(201);
      return { id: response.body.id as string, key: response.body.key as string };
    };
    keyA = await newKey(A, 'ops-a');
    keyB = await newKey(B, 'ops-b');

    const registered = await registerAffiliateViaApi(api, x, { programId: A, code: 'XRAY' });
    expect(registered.status).toBe(201);
    xId = registered.body.id;
    const child = await registerAffiliateViaApi(api, y, { programId: A, code: 'YANKEE', parentCode: 'xray' });
    expect(child.status).toBe(201);
    yId = child.body.id;
    expect((await registerAffiliateViaApi(api, z, { programId: B, code: 'ZULU' })).status).toBe(201);

    sessionX = (await signIn(api, x, { programId: A, chainId })).token;
    sessionY = (await signIn(api, y, { programId: A, chainId })).token;
    sessionZ = (await signIn(api, z, { programId: B, chainId })).token;
    expect([sessionX, sessionY, sessionZ].every(Boolean)).toBe(true);

    ({ settlementId, intentId } = await referredPayment(200_000_000n));
    const failed = await db
      .insertInto('intents')
      .values({
        program_id: A,
        type: 'COMMERCE_PAYMENT',
        idempotency_key: `commerce:${A}:failed-${randomUUID()}`,
        status: 'FAILED',
        status_reason: 'provider said no',
        attempts: 8,
        payload: {},
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    failedIntentId = failed.id;
    await matureCommissions(db, new Date());
  });

  afterAll(async () => {
    await platform?.stop();
    dataDir.remove();
  });

  describe('authorization', () => {
    type TCase = {
      method: string;
      path: string;
      body?: unknown;
      /** Needs an admin key: a program key gets 403 whatever program it names. */
      global?: boolean;
    };
    let batchId: string;
    let payoutIdOfX: string;
    let changeIdOfA: string;
    const adminCases = (): TCase[] => [
      { method: 'POST', path: '/api/admin/programs', body: { slug: 'never', name: 'Never' }, global: true },
      { method: 'GET', path: `/api/admin/programs/${A}` },
      { method: 'PATCH', path: `/api/admin/programs/${A}`, body: { name: 'Renamed' } },
      { method: 'POST', path: `/api/admin/programs/${A}/pause` },
      { method: 'POST', path: `/api/admin/programs/${A}/resume` },
      { method: 'GET', path: `/api/admin/programs/${A}/stats` },
      { method: 'PUT', path: `/api/admin/programs/${A}/allowlist`, body: [] },
      { method: 'POST', path: `/api/admin/programs/${A}/api-keys`, body: { name: 'sneaky' }, global: true },
      { method: 'GET', path: `/api/admin/programs/${A}/api-keys`, global: true },
      { method: 'POST', path: `/api/admin/api-keys/${keyA.id}/revoke`, global: true },
      { method: 'GET', path: `/api/admin/affiliates?programId=${A}` },
      { method: 'GET', path: `/api/admin/affiliates/${xId}` },
      { method: 'POST', path: `/api/admin/affiliates/${xId}/suspend`, body: { reason: 'r' } },
      { method: 'POST', path: `/api/admin/affiliates/${xId}/reinstate`, body: { reason: 'r' } },
      { method: 'POST', path: `/api/admin/affiliates/${xId}/terminate`, body: { reason: 'r' } },
      { method: 'GET', path: `/api/admin/overview?programId=${A}&range=7d` },
      { method: 'GET', path: `/api/admin/users?programId=${A}` },
      { method: 'GET', path: `/api/admin/intents?programId=${A}` },
      { method: 'GET', path: `/api/admin/intents/${intentId}` },
      { method: 'POST', path: `/api/admin/intents/${failedIntentId}/retry`, body: { reason: 'r' } },
      { method: 'GET', path: `/api/admin/settlements?programId=${A}` },
      { method: 'GET', path: `/api/admin/settlements?programId=${A}&format=csv` },
      { method: 'POST', path: `/api/admin/settlements/${settlementId}/refund`, body: { reason: 'r' } },
      { method: 'GET', path: `/api/admin/ledger/accounts?programId=${A}` },
      { method: 'GET', path: `/api/admin/ledger/balances?programId=${A}` },
      { method: 'GET', path: `/api/admin/ledger/entries?programId=${A}` },
      { method: 'GET', path: `/api/admin/ledger/verify?programId=${A}` },
      { method: 'GET', path: `/api/admin/commissions?programId=${A}` },
      // Moving money needs an admin (a person): a program key gets 403 whatever program it names.
      { method: 'POST', path: '/api/admin/payout-batches', body: { programId: A }, global: true },
      { method: 'GET', path: `/api/admin/payout-batches?programId=${A}` },
      { method: 'GET', path: `/api/admin/payout-batches/${batchId}` },
      {
        method: 'POST',
        path: `/api/admin/payout-batches/${batchId}/approve`,
        body: { signature: `0x${'11'.repeat(65)}` },
        global: true,
      },
      {
        method: 'POST',
        path: `/api/admin/payout-batches/${batchId}/reject`,
        body: { reason: 'r' },
        global: true,
      },
      {
        method: 'POST',
        path: `/api/admin/payout-batches/${batchId}/cancel`,
        body: { reason: 'r' },
        global: true,
      },
      { method: 'POST', path: `/api/admin/payout-batches/${batchId}/execute`, global: true },
      { method: 'GET', path: `/api/admin/audit-log?programId=${A}` },
      { method: 'GET', path: `/api/admin/changes?programId=${A}` },
      { method: 'GET', path: `/api/admin/changes/${changeIdOfA}` },
      { method: 'POST', path: `/api/admin/changes/${changeIdOfA}/approve`, global: true },
      {
        method: 'POST',
        path: `/api/admin/changes/${changeIdOfA}/reject`,
        body: { reason: 'r' },
        global: true,
      },
      {
        global: true,
        method: 'POST',
        path: '/api/admin/payments',
        body: {
          programId: A,
          wallet: newWallet().address,
          amount: '1000000',
          currency: 'USD',
          reference: 'authz-manual-payment',
          note: 'never recorded',
        },
      },
      // Routes of other modules behind the same guards (the coverage test below finds any that are missing).
      { method: 'GET', path: '/api/admin/fund-check', global: true },
      { method: 'GET', path: '/api/admin/queues', global: true },
      { method: 'POST', path: '/api/admin/queues/payout/pause', global: true },
      { method: 'POST', path: '/api/admin/queues/payout/resume', global: true },
      { method: 'POST', path: '/api/admin/reconciliation/run', global: true },
      { method: 'POST', path: '/api/admin/reconciliation/full', global: true },
      { method: 'GET', path: '/api/admin/reconciliation/runs', global: true },
      { method: 'GET', path: `/api/admin/reconciliation/runs/${intentId}`, global: true },
      { method: 'GET', path: '/api/admin/reconciliation/latest', global: true },
      { method: 'GET', path: '/api/admin/reconciliation/live', global: true },
      {
        method: 'POST',
        path: `/api/admin/reconciliation/stuck-intents/${intentId}/retry`,
        body: { reason: 'r' },
      },
      { method: 'POST', path: '/api/admin/commerce/charges/NOSUCHCHARGE1/refund', body: { reason: 'r' } },
      // Lists a program key may call without naming a program: they show only its own program (below).
      { method: 'GET', path: '/api/admin/programs' },
      { method: 'GET', path: '/api/admin/me' },
    ];
    const affiliateCases = (): TCase[] => [
      { method: 'GET', path: '/api/affiliate/me' },
      { method: 'GET', path: '/api/affiliate/downline' },
      { method: 'GET', path: '/api/affiliate/stats' },
      { method: 'GET', path: '/api/affiliate/commissions' },
      { method: 'GET', path: '/api/affiliate/payouts' },
      { method: 'GET', path: `/api/affiliate/payouts/${payoutIdOfX}` },
      { method: 'GET', path: '/api/affiliate/statement?format=csv' },
      { method: 'POST', path: '/api/auth/logout' },
    ];

    beforeAll(async () => {
      // A pending batch of program A paying XRAY (and YANKEE), and a paid one so XRAY has a payout id.
      const paid = await api('POST', '/api/admin/payout-batches', { key: ALICE, body: { programId: A } });
      expect(paid.status).toBe(201);
      payoutIdOfX = paid.body.payouts.find((p: { affiliateId: string }) => p.affiliateId === xId).id;
      await referredPayment(300_000_000n);
      await matureCommissions(db, new Date());
      const pending = await api('POST', '/api/admin/payout-batches', { key: ALICE, body: { programId: A } });
      expect(pending.status).toBe(201);
      batchId = pending.body.id;
      // A pending change of program A (its hold period), for the change routes' cases.
      const change = await api('PATCH', `/api/admin/programs/${A}`, {
        key: ALICE,
        body: { holdPeriodSeconds: 7200 },
      });
      expect(change.status).toBe(202);
      changeIdOfA = change.body.pendingChange.id;
    });

    it('lists every admin and affiliate route of the OpenAPI document in its cases', async () => {
      const document = (await api('GET', '/api/openapi.json')).body;
      const routes = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const guarded = routes.filter(
        (route) => /^\S+ \/api\/(admin|affiliate)\//.test(route) || route === 'POST /api/auth/logout',
      );
      const pattern = (path: string) =>
        path
          .split('?')[0]!
          .replaceAll(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')
          .replace(/\/charges\/[A-Z0-9]+\//, '/charges/{id}/')
          .replace(/\/queues\/[a-z]+\//, '/queues/{id}/');
      const covered = new Set(
        [...adminCases(), ...affiliateCases()].map((c) => `${c.method} ${pattern(c.path)}`),
      );
      for (const route of guarded) {
        expect(covered, `no authorization case for ${route}`).toContain(
          route.replaceAll(/\{[A-Za-z]+\}/g, '{id}'),
        );
      }
      expect(guarded.length).toBeGreaterThanOrEqual(40);
    });

    it('refuses every admin endpoint without credentials, with wrong ones, with an affiliate session, and with another program’s key; nothing changes', async () => {
      const before = await databaseFingerprint(db);
      for (const c of adminCases()) {
        const name = `${c.method} ${c.path}`;
        const none = await api(c.method, c.path, { body: c.body });
        expect(none.status, `${name} without credentials`).toBe(401);
        expect(none.body.error).toBe('UNAUTHORIZED');
        const wrong = await api(c.method, c.path, { key: 'not-a-key-at-all', body: c.body });
        expect(wrong.status, `${name} with a wrong key`).toBe(401);
        const wrongBearer = await api(c.method, c.path, { bearer: `sgek_${'A'.repeat(43)}`, body: c.body });
        expect(wrongBearer.status, `${name} with an unknown program key`).toBe(401);
        const affiliate = await api(c.method, c.path, { bearer: sessionX, body: c.body });
        expect(affiliate.status, `${name} with an affiliate session`).toBe(401);
        const other = await api(c.method, c.path, { key: keyB.key, body: c.body });
        if (c.method === 'GET' && c.path === '/api/admin/programs') {
          expect(other.status).toBe(200);
          expect(other.body.items.map((p: { id: string }) => p.id)).toEqual([B]);
          continue;
        }
        if (c.method === 'GET' && c.path === '/api/admin/me') {
          expect(other.body).toEqual({
            name: 'apikey:ops-b',
            kind: 'program-key',
            wallet: null,
            programId: B,
          });
          continue;
        }
        expect(other.status, `${name} with program B's key`).toBe(c.global ? 403 : 404);
        expect(other.body.error).toBe(c.global ? 'FORBIDDEN' : 'NOT_FOUND');
        // A 404 reads the same as for an object that does not exist: nothing about program A leaks.
        expect(JSON.stringify(other.body)).not.toContain('XRAY');
      }
      expect(await databaseFingerprint(db)).toEqual(before);
    });

    it('refuses every affiliate endpoint without a session, with a wrong one and with an admin key; another affiliate sees only its own data', async () => {
      const before = await databaseFingerprint(db);
      for (const c of affiliateCases()) {
        const name = `${c.method} ${c.path}`;
        expect((await api(c.method, c.path)).status, `${name} without a session`).toBe(401);
        expect(
          (await api(c.method, c.path, { bearer: `sges_${'B'.repeat(43)}` })).status,
          `${name} wrong`,
        ).toBe(401);
        expect((await api(c.method, c.path, { bearer: 'garbage' })).status, `${name} garbage`).toBe(401);
        expect((await api(c.method, c.path, { key: ALICE })).status, `${name} with an admin key`).toBe(401);
      }
      // Another affiliate's session reaches only its own data.
      const z = (path: string) => api('GET', path, { bearer: sessionZ });
      const zMe = await z('/api/affiliate/me');
      expect(zMe.status).toBe(200);
      expect(zMe.body.code).toBe('ZULU');
      expect((await z('/api/affiliate/downline')).body.nodes).toEqual([]);
      expect((await z('/api/affiliate/commissions')).body.items).toEqual([]);
      expect((await z('/api/affiliate/payouts')).body.items).toEqual([]);
      expect((await z(`/api/affiliate/payouts/${payoutIdOfX}`)).status).toBe(404);
      expect((await api('GET', `/api/affiliate/payouts/${payoutIdOfX}`, { bearer: sessionY })).status).toBe(
        404,
      );
      const statement = await z('/api/affiliate/statement');
      expect(statement.body).toMatchObject({ code: 'ZULU', lines: [], closingBalance: '0' });
      expect((await z('/api/affiliate/stats')).body.totals.commissionCount).toBe(0);
      expect(await databaseFingerprint(db)).toEqual(before);
    });

    it('refuses the same admin approving their own batch with 403, and the database refuses the write too', async () => {
      const detail = await api('GET', `/api/admin/payout-batches/${batchId}`, { key: ALICE });
      const aliceSignature = await signBatchApproval(detail.body.approval, APPROVER_ACCOUNTS[0]);
      const signed = await api('POST', `/api/admin/payout-batches/${batchId}/approve`, {
        key: ALICE,
        body: { signature: aliceSignature },
      });
      expect(signed.status).toBe(200);
      expect(signed.body.status).toBe('PENDING_APPROVAL');
      const own = await api('POST', `/api/admin/payout-batches/${batchId}/approve`, {
        key: ALICE,
        body: { signature: aliceSignature },
      });
      expect(own.status).toBe(403);
      expect(own.body.error).toBe('PAYOUT_SELF_APPROVAL');
      await expect(
        db
          .updateTable('payout_batches')
          .set({ approved_by: 'alice', status: 'APPROVED' })
          .where('id', '=', batchId)
          .execute(),
      ).rejects.toThrow(/payout_batches_two_person/);
      expect(
        (
          await db
            .selectFrom('payout_batches')
            .select('status')
            .where('id', '=', batchId)
            .executeTakeFirstOrThrow()
        ).status,
      ).toBe('PENDING_APPROVAL');
      // Program A's own key is automation, not a second person: it cannot approve alice's batch, whatever
      // it signs with.
      const byKey = await api('POST', `/api/admin/payout-batches/${batchId}/approve`, {
        key: keyA.key,
        body: { signature: await signBatchApproval(detail.body.approval, APPROVER_ACCOUNTS[1]) },
      });
      expect(byKey.status).toBe(403);
      expect((await api('GET', `/api/admin/payout-batches/${batchId}`, { key: ALICE })).body.status).toBe(
        'PENDING_APPROVAL',
      );
      // Bob, a second person with his own wallet, may.
      const byBob = await api('POST', `/api/admin/payout-batches/${batchId}/approve`, {
        key: BOB,
        body: { signature: await signBatchApproval(detail.body.approval, APPROVER_ACCOUNTS[1]) },
      });
      expect(byBob.status).toBe(200);
      expect(byBob.body).toMatchObject({ status: 'APPROVED', approvedBy: 'bob' });
    });

    it('one admin with two program keys cannot create and approve their own batch: program keys are not people', async () => {
      // Issue 17's attack: alice mints two program keys of program A, creates with one, approves with the other.
      const mint = async (name: string) =>
        (await api('POST', `/api/admin/programs/${A}/api-keys`, { key: ALICE, body: { name } })).body
          .key as string;
      const [first, second] = [await mint('attacker-1'), await mint('attacker-2')];
      const before = await databaseFingerprint(db);
      const created = await api('POST', '/api/admin/payout-batches', { key: first, body: { programId: A } });
      expect(created.status).toBe(403);
      expect(created.body).toMatchObject({ error: 'FORBIDDEN', message: expect.stringMatching(/admin/) });
      for (const verb of ['approve', 'execute']) {
        const response = await api('POST', `/api/admin/payout-batches/${batchId}/${verb}`, { key: second });
        expect(response.status, verb).toBe(403);
      }
      // Nor can a program key mint more keys, revoke them, or record the payment such a batch would pay.
      expect(
        (await api('POST', `/api/admin/programs/${A}/api-keys`, { key: first, body: { name: 'third' } }))
          .status,
      ).toBe(403);
      expect((await api('POST', `/api/admin/api-keys/${keyA.id}/revoke`, { key: first })).status).toBe(403);
      const payment = await api('POST', '/api/admin/payments', {
        key: first,
        body: {
          wallet: newWallet().address,
          amount: '10000000000000',
          currency: 'USD',
          reference: 'attack-1',
          note: 'never recorded',
        },
      });
      expect(payment.status).toBe(403);
      expect(await databaseFingerprint(db)).toEqual(before);
    });
  });

  describe('programs', () => {
    it('updates whitelisted fields only, with 400s naming the field, and audits before/after with the request id', async () => {
      const unknown = await api('PATCH', `/api/admin/programs/${B}`, {
        key: ALICE,
        body: { slug: 'renamed' },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toMatch(/slug/);
      const levels = await api('PATCH', `/api/admin/programs/${B}`, {
        key: ALICE,
        body: { commissionLevelsBps: [6000, 5000] },
      });
      expect(levels.status).toBe(400);
      expect(levels.body.message).toMatch(/commissionLevelsBps/);
      const fee = await api('PATCH', `/api/admin/programs/${B}`, {
        key: ALICE,
        body: { feeMicroUsd: '1.5' },
      });
      expect(fee.status).toBe(400);
      expect(fee.body.message).toMatch(/feeMicroUsd/);

      // Money settings wait for a second admin; the name applies at once.
      const proposed = await api('PATCH', `/api/admin/programs/${B}`, {
        key: ALICE,
        headers: { 'x-request-id': 'req-program-update-1' },
        body: {
          name: 'Other program, renamed',
          commissionLevelsBps: [1500, 500, 250],
          feeMicroUsd: '50000000',
        },
      });
      expect(proposed.status).toBe(202);
      expect(proposed.body).toMatchObject({
        name: 'Other program, renamed',
        commissionLevelsBps: [1000, 500],
        feeMicroUsd: '100000000',
        pendingChange: {
          kind: 'PROGRAM_SETTINGS',
          status: 'PENDING',
          proposedBy: 'alice',
          payload: { commissionLevelsBps: [1500, 500, 250], feeMicroUsd: '50000000' },
          before: { commissionLevelsBps: [1000, 500], feeMicroUsd: '100000000' },
        },
      });
      const changeId = proposed.body.pendingChange.id;
      const self = await api('POST', `/api/admin/changes/${changeId}/approve`, { key: ALICE });
      expect(self.status).toBe(403);
      expect(self.body.error).toBe('CHANGE_SELF_APPROVAL');
      const ok = await api('POST', `/api/admin/changes/${changeId}/approve`, {
        key: BOB,
        headers: { 'x-request-id': 'req-change-approve-1' },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'APPLIED', decidedBy: 'bob' });
      expect((await api('GET', `/api/admin/programs/${B}`, { key: ALICE })).body).toMatchObject({
        commissionLevelsBps: [1500, 500, 250],
        feeMicroUsd: '50000000',
      });
      const audit = await api('GET', `/api/admin/audit-log?programId=${B}&action=program.update`, {
        key: ALICE,
      });
      expect(audit.body.items[0]).toMatchObject({
        actor: 'bob',
        requestId: 'req-change-approve-1',
        before: { commissionLevelsBps: [1000, 500], feeMicroUsd: '100000000' },
        after: { commissionLevelsBps: [1500, 500, 250], feeMicroUsd: '50000000' },
      });
      const proposal = await api('GET', `/api/admin/audit-log?subjectId=${changeId}`, { key: ALICE });
      expect(proposal.body.items.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
        ['change.approve', 'bob'],
        ['change.propose', 'alice'],
      ]);
    });

    it('a program key cannot change commission levels, hold, addresses, fees, claim amount or minimum payout', async () => {
      const before = await databaseFingerprint(db);
      const money: Record<string, unknown> = {
        commissionLevelsBps: [9000],
        holdPeriodSeconds: 0,
        minPayoutMicroUsd: '1',
        feeMicroUsd: '1',
        claimAmountWei: '1',
        treasuryAddress: newWallet().address,
        sgeIdAddress: newWallet().address,
        sgeClaimAddress: newWallet().address,
        payoutAddress: platform.runtime.contracts.payout,
      };
      for (const [field, value] of Object.entries(money)) {
        const response = await api('PATCH', `/api/admin/programs/${B}`, {
          key: keyB.key,
          body: { name: 'sneaky', [field]: value },
        });
        expect(response.status, field).toBe(403);
        expect(response.body).toMatchObject({ error: 'FORBIDDEN', details: { field: `body.${field}` } });
      }
      expect(await databaseFingerprint(db)).toEqual(before);
    });

    it('takes contract and treasury addresses only from the known deployments, and bounds every amount', async () => {
      const before = await databaseFingerprint(db);
      for (const field of ['treasuryAddress', 'sgeIdAddress', 'sgeClaimAddress', 'payoutAddress']) {
        const unknown = await api('PATCH', `/api/admin/programs/${B}`, {
          key: ALICE,
          body: { [field]: newWallet().address },
        });
        expect(unknown.status, field).toBe(400);
        expect(unknown.body).toMatchObject({
          error: 'VALIDATION_FAILED',
          details: { field: `body.${field}` },
        });
        expect(unknown.body.message).toMatch(new RegExp(`^body\\.${field}: `));
      }
      // The SGE-ID contract is known, but not as a payout contract.
      const wrongRole = await api('PATCH', `/api/admin/programs/${B}`, {
        key: ALICE,
        body: { payoutAddress: platform.runtime.contracts.sgeId },
      });
      expect(wrongRole.status).toBe(400);
      for (const [field, value] of [
        ['feeMicroUsd', '100000000001'],
        ['minPayoutMicroUsd', '100000000001'],
        ['claimAmountWei', `1${'0'.repeat(27)}1`],
      ] as const) {
        const tooMuch = await api('PATCH', `/api/admin/programs/${B}`, {
          key: ALICE,
          body: { [field]: value },
        });
        expect(tooMuch.status, field).toBe(400);
        expect(tooMuch.body.message).toMatch(new RegExp(field));
      }
      expect(await databaseFingerprint(db)).toEqual(before);
      const known = await api('PATCH', `/api/admin/programs/${B}`, {
        key: ALICE,
        body: { payoutAddress: platform.runtime.contracts.payout },
      });
      expect(known.status).toBe(202);
      expect(known.body.pendingChange.payload).toEqual({ payoutAddress: platform.runtime.contracts.payout });
      const withdrawn = await api('POST', `/api/admin/changes/${known.body.pendingChange.id}/reject`, {
        key: ALICE,
        body: { reason: 'proposed by mistake' },
      });
      expect(withdrawn.body).toMatchObject({ status: 'REJECTED', decidedBy: 'alice' });
    });

    it('pauses and resumes a program; a paused program accepts no new intents', async () => {
      const paused = await api('POST', `/api/admin/programs/${B}/pause`, { key: keyB.key });
      expect(paused.body.status).toBe('PAUSED');
      expect(() => assertProgramAcceptsIntents(paused.body)).toThrow(/paused/);
      const error = (() => {
        try {
          assertProgramAcceptsIntents({ id: B, slug: 'other-program', status: 'PAUSED' });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toMatchObject({ code: 'PROGRAM_PAUSED' });
      expect((await api('POST', `/api/admin/programs/${B}/resume`, { key: keyB.key })).body.status).toBe(
        'ACTIVE',
      );
      assertProgramAcceptsIntents(await getProgram(db, B));
    });

    it('reports program stats', async () => {
      const stats = await api('GET', `/api/admin/programs/${A}/stats`, { key: ALICE });
      expect(stats.status).toBe(200);
      expect(stats.body.affiliates).toBeGreaterThanOrEqual(2);
      expect(stats.body.revenue).toContainEqual({ currency: 'USD', amount: expect.stringMatching(/^\d+$/) });
      expect(stats.body.commissions.map((c: { status: string }) => c.status)).toEqual([
        'ACCRUED',
        'PAYABLE',
        'PAID',
        'CANCELLED',
      ]);
    });

    it('creates program keys only by admins, and a revoked key stops working', async () => {
      const created = await api('POST', `/api/admin/programs/${B}/api-keys`, {
        key: ALICE,
        body: { name: 'temp' },
      });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^sgek_/);
      expect((await api('GET', `/api/admin/programs/${B}`, { key: created.body.key })).status).toBe(200);
      const listed = await api('GET', `/api/admin/programs/${B}/api-keys`, { key: ALICE });
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
      expect((await api('POST', `/api/admin/api-keys/${created.body.id}/revoke`, { key: BOB })).status).toBe(
        200,
      );
      expect((await api('GET', `/api/admin/programs/${B}`, { key: created.body.key })).status).toBe(401);
    });
  });

  describe('affiliates', () => {
    it('refuses a signature that is not the wallet’s, or that signed another code', async () => {
      const wallet = newWallet();
      const response = await api('POST', '/api/affiliates/register', {
        body: {
          programId: A,
          wallet: wallet.address,
          code: 'FORGED',
          signature: await newWallet().signMessage({ message: 'anything' }),
        },
      });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error: 'SIGNATURE_INVALID', details: { field: 'signature' } });
    });

    it('refuses a terms signature made for another deployment (domain) or another chain, and accepts this one’s', async () => {
      const v = newWallet();
      const elsewhere = await registerAffiliateViaApi(api, v, {
        programId: A,
        code: 'VICTOR',
        domain: 'other-deployment.example',
      });
      expect(elsewhere.status).toBe(401);
      expect(elsewhere.body).toMatchObject({ error: 'SIGNATURE_INVALID' });
      const otherChain = await registerAffiliateViaApi(api, v, { programId: A, code: 'VICTOR', chainId: 1 });
      expect(otherChain.status).toBe(401);
      expect(otherChain.body.message).toContain(`on chain ${chainId} and localhost:5173`);
      expect((await registerAffiliateViaApi(api, v, { programId: A, code: 'VICTOR' })).status).toBe(201);
      const stored = await db
        .selectFrom('affiliates')
        .select('terms_message')
        .where('code', '=', 'VICTOR')
        .executeTakeFirstOrThrow();
      expect(stored.terms_message).toContain(`Chain ID: ${chainId}\nDomain: localhost:5173`);
    });

    it('keeps codes unique regardless of case and refuses a tree deeper than the program allows with a clear 409', async () => {
      const taken = await registerAffiliateViaApi(api, newWallet(), { programId: A, code: 'xRaY' });
      expect(taken.status).toBe(409);
      expect(taken.body.error).toBe('AFFILIATE_CODE_TAKEN');
      // Program B allows depth 2: ZULU (1) → ZED2 (2) → ZED3 (3) is refused, never attached elsewhere.
      expect(
        (await registerAffiliateViaApi(api, newWallet(), { programId: B, code: 'ZED2', parentCode: 'ZULU' }))
          .status,
      ).toBe(201);
      const deep = await registerAffiliateViaApi(api, newWallet(), {
        programId: B,
        code: 'ZED3',
        parentCode: 'zed2',
      });
      expect(deep.status).toBe(409);
      expect(deep.body).toMatchObject({
        error: 'AFFILIATE_DEPTH_EXCEEDED',
        details: { depth: 3, maxDepth: 2 },
      });
      expect(deep.body.message).toMatch(/maximum of 2/);
      const missing = await registerAffiliateViaApi(api, newWallet(), {
        programId: A,
        code: 'ORPHAN',
        parentCode: 'NOPE',
      });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/parentCode/);
      // Registering again the same way returns the affiliate (200).
      expect((await registerAffiliateViaApi(api, x, { programId: A, code: 'XRAY' })).status).toBe(200);
    });

    it('looks codes up publicly without revealing wallets', async () => {
      const found = await api('GET', '/api/affiliates/lookup?code=yankee');
      expect(found.body).toEqual({ code: 'YANKEE', programId: A, active: true });
      expect(found.text).not.toContain(y.address);
      expect((await api('GET', '/api/affiliates/lookup?code=NOBODY')).status).toBe(404);
      expect((await api('GET', '/api/affiliates/lookup?code=a')).status).toBe(400);
    });

    it('shows an affiliate its profile, referral link, downline, stats and commissions', async () => {
      const me = await api('GET', '/api/affiliate/me', { bearer: sessionX });
      expect(me.body).toMatchObject({
        code: 'XRAY',
        wallet: x.address,
        referralLink: 'http://localhost:5173/?ref=XRAY',
      });
      const downline = await api('GET', '/api/affiliate/downline', { bearer: sessionX });
      expect(downline.body.nodes).toContainEqual(
        expect.objectContaining({ code: 'YANKEE', parentId: xId, level: 1 }),
      );
      const commissions = await api('GET', '/api/affiliate/commissions', { bearer: sessionY });
      expect(commissions.body.items[0]).toMatchObject({ affiliateId: yId, level: 1, rateBps: 1000 });
      const stats = await api('GET', '/api/affiliate/stats', { bearer: sessionY });
      expect(stats.body.days).toHaveLength(30);
      expect(stats.body.totals.referrals).toBeGreaterThanOrEqual(1);
    });
  });

  describe('sign-in with Ethereum', () => {
    it('refuses a reused nonce, another domain and another chain', async () => {
      const first = await signIn(api, x, { programId: A, chainId });
      expect(first.response.status).toBe(200);
      const replay = await api('POST', '/api/auth/siwe/verify', {
        body: { message: first.message, signature: first.signature },
      });
      expect(replay.status).toBe(401);
      expect(replay.body.message).toMatch(/used/);
      const domain = await signIn(api, x, { programId: A, chainId, domain: 'evil.example' });
      expect(domain.response.status).toBe(401);
      expect(domain.response.body.message).toMatch(/evil\.example/);
      const chain = await signIn(api, x, { programId: A, chainId: 1 });
      expect(chain.response.status).toBe(401);
      expect(chain.response.body.message).toMatch(/chain 1/);
      const unknown = await signIn(api, x, { programId: A, chainId, nonce: 'abcdef0123456789' });
      expect(unknown.response.status).toBe(401);
    });

    it('refuses a uri on another origin, an issuedAt in the future and one older than the validity', async () => {
      const uri = await signIn(api, x, { programId: A, chainId, uri: 'https://evil.example/affiliate' });
      expect(uri.response.status).toBe(401);
      expect(uri.response.body.message).toMatch(/uri https:\/\/evil\.example/);
      const future = await signIn(api, x, {
        programId: A,
        chainId,
        issuedAt: new Date(Date.now() + (SIWE_CLOCK_SKEW_SECONDS + 60) * 1000),
      });
      expect(future.response.status).toBe(401);
      expect(future.response.body.message).toMatch(/future/);
      const old = await signIn(api, x, {
        programId: A,
        chainId,
        issuedAt: new Date(Date.now() - (SIWE_MESSAGE_AGE_SECONDS_MAX + 60) * 1000),
      });
      expect(old.response.status).toBe(401);
      expect(old.response.body.message).toMatch(/minutes ago/);
      // Within the skew, and a few minutes old: accepted.
      const skewed = await signIn(api, x, { programId: A, chainId, issuedAt: new Date(Date.now() + 20_000) });
      expect(skewed.response.status).toBe(200);
      const recent = await signIn(api, x, {
        programId: A,
        chainId,
        issuedAt: new Date(Date.now() - 120_000),
      });
      expect(recent.response.status).toBe(200);
    });

    it('ends a suspended affiliate’s sessions at once and refuses its sign-in until reinstated; termination too', async () => {
      const w = newWallet();
      expect((await registerAffiliateViaApi(api, w, { programId: A, code: 'WHISKEY' })).status).toBe(201);
      const affiliateId = (
        await db.selectFrom('affiliates').select('id').where('code', '=', 'WHISKEY').executeTakeFirstOrThrow()
      ).id;
      const sessions = [
        (await signIn(api, w, { programId: A, chainId })).token,
        (await signIn(api, w, { programId: A, chainId })).token,
      ];
      for (const token of sessions)
        expect((await api('GET', '/api/affiliate/me', { bearer: token })).status).toBe(200);

      const suspended = await api('POST', `/api/admin/affiliates/${affiliateId}/suspend`, {
        key: ALICE,
        body: { reason: 'fraud review' },
      });
      expect(suspended.status).toBe(200);
      for (const token of sessions)
        expect((await api('GET', '/api/affiliate/me', { bearer: token })).status).toBe(401);
      const again = await signIn(api, w, { programId: A, chainId });
      expect(again.response.status).toBe(403);
      expect(again.response.body.message).toMatch(/SUSPENDED/);
      const audit = await db
        .selectFrom('audit_log')
        .select('after')
        .where('subject_id', '=', affiliateId)
        .where('action', '=', 'affiliate.suspend')
        .executeTakeFirstOrThrow();
      expect(audit.after).toMatchObject({ sessionsEnded: 2 });

      await api('POST', `/api/admin/affiliates/${affiliateId}/reinstate`, {
        key: ALICE,
        body: { reason: 'ok' },
      });
      const reinstated = await signIn(api, w, { programId: A, chainId });
      expect(reinstated.response.status).toBe(200);
      const terminated = await api('POST', `/api/admin/affiliates/${affiliateId}/terminate`, {
        key: ALICE,
        body: { reason: 'left' },
      });
      expect(terminated.status).toBe(200);
      expect(terminated.body.status).toBe('TERMINATED');
      expect((await api('GET', '/api/affiliate/me', { bearer: reinstated.token })).status).toBe(401);
      expect((await signIn(api, w, { programId: A, chainId })).response.status).toBe(403);
      // Termination is final.
      const back = await api('POST', `/api/admin/affiliates/${affiliateId}/reinstate`, {
        key: ALICE,
        body: { reason: 'changed my mind' },
      });
      expect(back.status).toBe(409);
      expect(back.body.error).toBe('INVALID_STATE');
    });

    it('signs a wallet out everywhere: every session of the wallet, in every program, and no other wallet’s', async () => {
      const inA = [
        (await signIn(api, z, { programId: A, chainId })).token,
        (await signIn(api, z, { programId: A, chainId })).token,
      ];
      const inB = (await signIn(api, z, { programId: B, chainId })).token;
      const other = (await signIn(api, y, { programId: A, chainId })).token;
      const ended = await api('POST', '/api/auth/sign-out-everywhere', { bearer: inA[0] });
      expect(ended.status).toBe(200);
      // sessionZ (signed in before these tests) is one of the wallet's too.
      expect(ended.body).toMatchObject({ ok: true, ended: 4 });
      for (const token of [...inA, inB, sessionZ])
        expect((await api('GET', '/api/affiliate/me', { bearer: token })).status).toBe(401);
      expect((await api('GET', '/api/affiliate/me', { bearer: other })).status).toBe(200);
      sessionZ = (await signIn(api, z, { programId: B, chainId })).token;
    });

    it('ends a session on logout', async () => {
      const { token } = await signIn(api, y, { programId: A, chainId });
      expect((await api('POST', '/api/auth/logout', { bearer: token })).status).toBe(200);
      expect((await api('GET', '/api/affiliate/me', { bearer: token })).status).toBe(401);
    });
  });

  describe('payouts', () => {
    it('creates, approves by a second admin, executes on-chain, and shows the payout with its tx hash to the affiliate', async () => {
      await referredPayment(1_000_000_000n);
      await matureCommissions(db, new Date());
      const created = await api('POST', '/api/admin/payout-batches', { key: BOB, body: {} });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'PENDING_APPROVAL', createdBy: 'bob', programId: A });
      const batchId: string = created.body.id;
      const approved = await signAndApprove(created.body, [
        [BOB, APPROVER_ACCOUNTS[1]],
        [ALICE, APPROVER_ACCOUNTS[0]],
      ]);
      expect(approved.body).toMatchObject({ status: 'APPROVED', approvedBy: 'alice' });
      const started = await api('POST', `/api/admin/payout-batches/${batchId}/execute`, { key: ALICE });
      expect(started.status).toBe(202);
      expect(started.body.batch.status).toBe('EXECUTING');
      const intent = await api('GET', `/api/admin/intents/${started.body.intentId}`, { key: ALICE });
      expect(intent.body).toMatchObject({ type: 'PAYOUT', idempotencyKey: `payout:${batchId}` });

      // The worker's part (in-process in Mock mode): the relayer pays on the chain, then it is recorded.
      let batch = await api('GET', `/api/admin/payout-batches/${batchId}`, { key: BOB });
      for (const until = Date.now() + 30_000; batch.body.status !== 'COMPLETED' && Date.now() < until; ) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        batch = await api('GET', `/api/admin/payout-batches/${batchId}`, { key: BOB });
      }
      expect(batch.body.status).toBe('COMPLETED');
      const txHash: string = batch.body.txHash;
      const mine = created.body.payouts.find((p: { affiliateId: string }) => p.affiliateId === xId);
      const usdcOfX = await platform.runtime.chain.publicClient.readContract({
        address: platform.runtime.contracts.usdc!,
        abi: erc20Abi,
        functionName: 'balanceOf',
        args: [x.address],
      });
      expect(usdcOfX).toBeGreaterThanOrEqual(BigInt(mine.amount));

      const payouts = await api('GET', '/api/affiliate/payouts', { bearer: sessionX });
      expect(payouts.body.items).toContainEqual(
        expect.objectContaining({ batchId, status: 'PAID', txHash, amount: mine.amount }),
      );
      const statement = await api('GET', '/api/affiliate/statement?format=csv', { bearer: sessionX });
      expect(statement.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(statement.text).toContain(`payout:${batchId}`);
      const verify = await api('GET', '/api/admin/ledger/verify', { key: ALICE });
      expect(verify.body).toMatchObject({ balanced: true, payableMismatches: [] });
      const completed = await api('GET', `/api/admin/audit-log?subjectId=${batchId}`, { key: ALICE });
      expect(completed.body.items.map((e: { action: string }) => e.action)).toEqual([
        'payout_batch.complete',
        'payout_batch.execute',
        'payout_batch.approve',
        'payout_batch.sign',
        'payout_batch.create',
      ]);
    });

    it('rejects a batch (commissions return to PAYABLE) and refuses cancelling an executing one', async () => {
      await referredPayment(500_000_000n);
      await matureCommissions(db, new Date());
      const created = await api('POST', '/api/admin/payout-batches', { key: ALICE, body: {} });
      expect(created.status).toBe(201);
      const rejected = await api('POST', `/api/admin/payout-batches/${created.body.id}/reject`, {
        key: BOB,
        body: { reason: 'amounts look wrong' },
      });
      expect(rejected.body).toMatchObject({
        status: 'REJECTED',
        rejectedBy: 'bob',
        reason: 'amounts look wrong',
      });
      for (const payout of created.body.payouts as { id: string }[]) {
        const linked = await api('GET', `/api/admin/commissions?payoutId=${payout.id}`, { key: ALICE });
        expect(linked.body.items).toEqual([]);
      }
      const again = await api('POST', '/api/admin/payout-batches', { key: ALICE, body: {} });
      const amounts = (batch: { payouts: { affiliateId: string; amount: string }[] }) =>
        Object.fromEntries(batch.payouts.map((p) => [p.affiliateId, p.amount]));
      expect(amounts(again.body)).toEqual(amounts(created.body));
      await signAndApprove(again.body, [
        [ALICE, APPROVER_ACCOUNTS[0]],
        [BOB, APPROVER_ACCOUNTS[1]],
      ]);
      await api('POST', `/api/admin/payout-batches/${again.body.id}/execute`, { key: BOB });
      const cancel = await api('POST', `/api/admin/payout-batches/${again.body.id}/cancel`, {
        key: BOB,
        body: { reason: 'x' },
      });
      expect(cancel.status).toBe(409);
      expect(cancel.body.error).toBe('INVALID_STATE');
    });

    it('refunds a paid settlement with a clawback that the next batch nets', async () => {
      const refund = await api('POST', `/api/admin/settlements/${settlementId}/refund`, {
        key: ALICE,
        body: { reason: 'chargeback' },
      });
      expect(refund.status).toBe(200);
      expect(refund.body.clawedBack.length + refund.body.cancelled.length).toBe(2);
      const verify = await api('GET', '/api/admin/ledger/verify', { key: ALICE });
      expect(verify.body).toMatchObject({ balanced: true });
      const settlements = await api('GET', `/api/admin/settlements?format=csv`, { key: ALICE });
      expect(settlements.text.split('\r\n')[0]).toMatch(/^id,program_id,intent_id,kind/);
      expect(settlements.text).toContain(`${settlementId},`);
    });

    it('retries a FAILED intent (PENDING, attempts reset, reason recorded and audited)', async () => {
      const retried = await api('POST', `/api/admin/intents/${failedIntentId}/retry`, {
        key: BOB,
        body: { reason: 'provider fixed' },
      });
      expect(retried.body).toMatchObject({
        status: 'PENDING',
        attempts: 0,
        statusReason: 'retried by bob: provider fixed',
      });
      const detail = await api('GET', `/api/admin/intents/${failedIntentId}`, { key: BOB });
      expect(detail.body.events.at(-1)).toMatchObject({ fromStatus: 'FAILED', toStatus: 'PENDING' });
      expect(
        (
          await api('POST', `/api/admin/intents/${failedIntentId}/retry`, {
            key: BOB,
            body: { reason: 'again' },
          })
        ).status,
      ).toBe(409);
    });

    it('lists ledger balances as of a past time and entries', async () => {
      const now = await api('GET', '/api/admin/ledger/balances?account=revenue', { key: ALICE });
      const past = await api('GET', `/api/admin/ledger/balances?account=revenue&asOf=2000-01-01T00:00:00Z`, {
        key: ALICE,
      });
      expect(now.body.balances.length).toBeGreaterThan(0);
      expect(past.body.balances).toEqual([]);
      const entries = await api('GET', '/api/admin/ledger/entries?limit=2', { key: ALICE });
      expect(entries.body.items).toHaveLength(2);
      const next = await api('GET', `/api/admin/ledger/entries?limit=2&cursor=${entries.body.nextCursor}`, {
        key: ALICE,
      });
      expect(next.body.items[0].id).toBeLessThan(entries.body.items[1].id);
      expect((await api('GET', '/api/admin/ledger/entries?limit=1000', { key: ALICE })).status).toBe(400);
    });
  });
});
