import { sgeClaimAbi, testUsdtAbi } from '@sge/contracts';
import {
  type TClaimInfo,
  type TClaimPrepareResponse,
  type TClaimRecordResponse,
  ZClaimHistory,
  ZClaimInfo,
  ZClaimPrepareResponse,
  ZClaimRecordResponse,
} from '@sge/shared';
import {
  type Address,
  createTestClient,
  createWalletClient,
  erc20Abi,
  getAddress,
  type Hex,
  http,
  type PrivateKeyAccount,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlementLedgerEntries } from '../../../test/support/ledger';
import { startTestPlatform, tempDir } from '../../../test/support/platform';
import { signRegistration } from '../../../test/support/registration-proof';
import { encodeClaim } from '../../chain/claim-contract';
import { devPrivateKey } from '../../config';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { claimEnvironment } from '../../domain/claims/claim-context';
import { verifyClaimTransaction } from '../../domain/claims/verify-claim-transaction';
import { claimCursorName, watchClaims } from '../../domain/claims/watch-claims';
import { getProgram } from '../../domain/programs/get-program';
import type { TPlatform } from '../../platform';
import { runClaimWatcherTick, startClaimWatcher } from '../../worker/processors/claim-watcher';

/**
 * Claims end to end in Mock mode (embedded PGlite, a real anvil with the real contracts, the API over HTTP):
 * prepare → sign with a viem wallet client → record, checked on the chain, in the ledger and in the
 * commissions; forged records refused with nothing changed; the chain watcher picking up direct claims and
 * resuming from its cursor after a restart. The background watcher is off (CLAIM_WATCHER_INTERVAL_MS=0) so
 * that each test decides who records a claim.
 */

const FEE = 100_000_000n; // 100 USDC/USDT (the default program's fee)
const AMOUNT_WEI = 1_000n * 10n ** 18n; // 1,000 SGE
/** Registration (accept, batch, mint, settle) takes a few seconds in Mock mode; allow plenty. */
const MINT_TIMEOUT_MS = 60_000;

describe('claims in Mock mode', () => {
  const dataDir = tempDir();
  const env = {
    DATA_DIR: dataDir.path,
    CLAIM_WATCHER_INTERVAL_MS: '0',
    RELAYER_POLL_INTERVAL_MS: '100',
    SWEEP_INTERVAL_MS: '500',
  };
  let platform: TPlatform;
  let url: string;
  const accounts = [3, 4, 5, 6, 7, 8].map((index) => privateKeyToAccount(devPrivateKey(index)));
  const [alice, bob, carol, dave, erin, frank] = accounts as [
    PrivateKeyAccount,
    PrivateKeyAccount,
    PrivateKeyAccount,
    PrivateKeyAccount,
    PrivateKeyAccount,
    PrivateKeyAccount,
  ];

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const walletClient = (account: PrivateKeyAccount) =>
    createWalletClient({
      account,
      chain: platform.runtime.chain.chain,
      transport: http(platform.runtime.mockChain!.rpcUrl),
    });
  const waitReceipt = (hash: Hex) => platform.runtime.chain.publicClient.waitForTransactionReceipt({ hash });
  const balanceOf = (token: string, owner: Address) =>
    platform.runtime.chain.publicClient.readContract({
      address: getAddress(token),
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [owner],
    });

  /** Everything a forged record must leave as it was. */
  const snapshot = async () => {
    const { db } = platform.runtime.database;
    const count = async (table: 'intents' | 'settlements' | 'ledger_entries' | 'commissions' | 'users') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const claimed = await db
      .selectFrom('users')
      .select(['wallet', 'claim_status'])
      .where('claim_status', '=', 'CLAIMED')
      .orderBy('wallet')
      .execute();
    return {
      intents: await count('intents'),
      settlements: await count('settlements'),
      entries: await count('ledger_entries'),
      commissions: await count('commissions'),
      claimed,
    };
  };

  /** Registers through the API (with a referral) and waits for the SGE-ID to be minted. */
  const register = async (account: PrivateKeyAccount, ref?: string) => {
    const accepted = await post(
      '/api/register',
      await signRegistration({ account, ...(ref ? { ref } : {}) }),
    );
    expect([200, 202]).toContain(accepted.status);
    const deadline = Date.now() + MINT_TIMEOUT_MS;
    for (;;) {
      const status = await get(`/api/status?wallet=${account.address}`);
      if ((status.body.registration as { status: string }).status === 'CONFIRMED') return;
      if (Date.now() > deadline) throw new Error(`${account.address} was not minted in time`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  /** Sends each prepared transaction in order, each after the previous one's receipt; returns the hashes. */
  const signAll = async (account: PrivateKeyAccount, prepared: TClaimPrepareResponse) => {
    const client = walletClient(account);
    const hashes: Hex[] = [];
    for (const transaction of prepared.transactions) {
      expect(transaction.chainId).toBe(platform.runtime.chain.chainId);
      const hash = await client.sendTransaction({
        to: getAddress(transaction.to),
        data: transaction.data as Hex,
        value: BigInt(transaction.value),
      });
      const receipt = await waitReceipt(hash);
      expect(receipt.status, transaction.description).toBe('success');
      hashes.push(hash);
    }
    return hashes;
  };

  /** A direct claim on the contract, without the API (approve, then claim). */
  const claimDirectly = async (account: PrivateKeyAccount, token: 'USDC' | 'USDT') => {
    const { contracts } = platform.runtime;
    const client = walletClient(account);
    await waitReceipt(
      await client.writeContract({
        address: getAddress(token === 'USDC' ? contracts.usdc! : contracts.usdt!),
        abi: testUsdtAbi,
        functionName: 'approve',
        args: [getAddress(contracts.sgeClaim!), FEE],
      }),
    );
    const hash = await client.writeContract({
      address: getAddress(contracts.sgeClaim!),
      abi: sgeClaimAbi,
      functionName: token === 'USDC' ? 'claimWithUSDC' : 'claimWithUSDT',
    });
    const receipt = await waitReceipt(hash);
    expect(receipt.status).toBe('success');
    return { hash, blockNumber: Number(receipt.blockNumber) };
  };

  const ledgerOf = async (settlementId: string) =>
    (await settlementLedgerEntries(platform.runtime.database.db, settlementId)).map((entry) => ({
      ...entry,
      amount: entry.amount.toString(),
    }));

  const commissionsOf = async (settlementId: string) =>
    (
      await platform.runtime.database.db
        .selectFrom('commissions as c')
        .innerJoin('affiliates as a', 'a.id', 'c.affiliate_id')
        .select(['a.code', 'c.level', 'c.base_amount', 'c.amount', 'c.currency', 'c.status'])
        .where('c.settlement_id', '=', settlementId)
        .orderBy('c.level')
        .execute()
    ).map((row) => ({ ...row, base_amount: row.base_amount.toString(), amount: row.amount.toString() }));

  beforeAll(async () => {
    platform = await startTestPlatform(env);
    url = platform.url!;
    // Everyone gets an SGE-ID (alice, bob and carol referred by BETA, a child of ALPHA) and test stablecoins.
    await Promise.all([
      register(alice, 'BETA'),
      register(bob, 'BETA'),
      register(carol, 'BETA'),
      register(dave),
      register(erin),
    ]);
    for (const account of [alice, bob, carol, dave, erin]) {
      const funded = await post('/api/dev/faucet', { wallet: account.address });
      expect(funded.status).toBe(200);
    }
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    dataDir.remove();
  });

  it('claims with USDC end to end: info → prepare → sign → record, on chain, in the ledger and commissions', async () => {
    const { contracts } = platform.runtime;
    const treasury = getAddress(platform.runtime.config.chain.treasuryAddress!);
    const info = ZClaimInfo.parse((await get(`/api/claim/info?wallet=${alice.address.toLowerCase()}`)).body);
    expect(info).toMatchObject({
      wallet: alice.address,
      eligible: true,
      reason: null,
      fee: FEE.toString(),
      amountWei: AMOUNT_WEI.toString(),
      claimContract: getAddress(contracts.sgeClaim!),
      treasury,
      claim: null,
    });
    expect(info.tokens.USDC).toMatchObject({ address: getAddress(contracts.usdc!), allowance: '0' });
    expect(BigInt(info.tokens.USDC.balance)).toBeGreaterThanOrEqual(FEE);

    const prepared = await post('/api/claim/prepare', { wallet: alice.address, token: 'USDC' });
    expect(prepared.status).toBe(200);
    const plan = ZClaimPrepareResponse.parse(prepared.body);
    // No allowance yet: approve the fee, then claim (no reset).
    expect(plan.transactions.map((t) => t.step)).toEqual(['approve', 'claim']);
    expect(plan.transactions.map((t) => t.to)).toEqual([
      getAddress(contracts.usdc!),
      getAddress(contracts.sgeClaim!),
    ]);

    const usdcBefore = await balanceOf(contracts.usdc!, alice.address);
    const treasuryBefore = await balanceOf(contracts.usdc!, treasury);
    const vaultBefore = await balanceOf(contracts.sgeToken!, getAddress(contracts.sgeClaim!));
    const hashes = await signAll(alice, plan);
    const claimHash = hashes.at(-1)!;

    const recorded = await post('/api/claim/record', { wallet: alice.address, txHash: claimHash });
    expect(recorded.status).toBe(201);
    const { claim } = ZClaimRecordResponse.parse(recorded.body);
    expect(claim).toMatchObject({
      wallet: alice.address,
      token: 'USDC',
      fee: FEE.toString(),
      amountWei: AMOUNT_WEI.toString(),
      txHash: claimHash,
      source: 'api',
      programId: DEFAULT_PROGRAM_ID,
    });

    // On chain: the fee went from alice to the treasury, the SGE from the vault to alice.
    expect(await balanceOf(contracts.usdc!, alice.address)).toBe(usdcBefore - FEE);
    expect(await balanceOf(contracts.usdc!, treasury)).toBe(treasuryBefore + FEE);
    expect(await balanceOf(contracts.sgeToken!, alice.address)).toBe(AMOUNT_WEI);
    expect(await balanceOf(contracts.sgeToken!, getAddress(contracts.sgeClaim!))).toBe(
      vaultBefore - AMOUNT_WEI,
    );

    // The ledger: fee in USDC to treasury/revenue, SGE out of the vault; balanced per currency.
    expect(await ledgerOf(claim.settlementId)).toEqual([
      { account: 'sge_distributed', currency: 'SGE', amount: AMOUNT_WEI.toString() },
      { account: 'sge_vault', currency: 'SGE', amount: (-AMOUNT_WEI).toString() },
      { account: 'revenue', currency: 'USDC', amount: (-FEE).toString() },
      { account: 'treasury', currency: 'USDC', amount: FEE.toString() },
    ]);
    // Commissions on the fee: 10 % to BETA (direct), 5 % to ALPHA (its parent), in USD.
    expect(await commissionsOf(claim.settlementId)).toEqual([
      {
        code: 'BETA',
        level: 1,
        base_amount: FEE.toString(),
        amount: '10000000',
        currency: 'USD',
        status: 'ACCRUED',
      },
      {
        code: 'ALPHA',
        level: 2,
        base_amount: FEE.toString(),
        amount: '5000000',
        currency: 'USD',
        status: 'ACCRUED',
      },
    ]);
    const intent = await platform.runtime.database.db
      .selectFrom('intents')
      .selectAll()
      .where('idempotency_key', '=', `claim:${DEFAULT_PROGRAM_ID}:${alice.address}`)
      .executeTakeFirstOrThrow();
    expect(intent).toMatchObject({ type: 'CLAIM', status: 'CONFIRMED', id: claim.intentId });
    const user = await platform.runtime.database.db
      .selectFrom('users')
      .select('claim_status')
      .where('wallet', '=', alice.address)
      .executeTakeFirstOrThrow();
    expect(user.claim_status).toBe('CLAIMED');

    // Recording the same transaction again: the same claim, 200, nothing new written.
    const before = await snapshot();
    const again = await post('/api/claim/record', {
      wallet: alice.address,
      txHash: claimHash.toUpperCase().replace('0X', '0x'),
    });
    expect(again.status).toBe(200);
    expect((again.body as TClaimRecordResponse).claim).toEqual(claim);
    expect(await snapshot()).toEqual(before);

    // Afterwards: info says ALREADY_CLAIMED, prepare refuses, history lists the claim, the metric counted it.
    const after = (await get(`/api/claim/info?wallet=${alice.address}`)).body as TClaimInfo;
    expect(after).toMatchObject({ eligible: false, reason: 'ALREADY_CLAIMED', claim });
    const refused = await post('/api/claim/prepare', { wallet: alice.address, token: 'USDT' });
    expect(refused).toMatchObject({ status: 409, body: { error: 'ALREADY_CLAIMED' } });
    const history = ZClaimHistory.parse((await get(`/api/claim/history?wallet=${alice.address}`)).body);
    expect(history.claims).toEqual([claim]);
    const twin = ZClaimHistory.parse(
      (await get(`/api/v2/programs/${DEFAULT_PROGRAM_ID}/claim/history?wallet=${alice.address}`)).body,
    );
    expect(twin.claims).toEqual([claim]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/sge_claims_total\{token="USDC"\} 1/);
  });

  it('claims with USDT after a prior non-zero allowance: reset to 0, approve, claim, through the v2 routes', async () => {
    const { contracts } = platform.runtime;
    const usdt = getAddress(contracts.usdt!);
    const claimContract = getAddress(contracts.sgeClaim!);
    // A leftover allowance short of the fee: USDT refuses to change it to another non-zero value directly.
    await waitReceipt(
      await walletClient(bob).writeContract({
        address: usdt,
        abi: testUsdtAbi,
        functionName: 'approve',
        args: [claimContract, 5_000_000n],
      }),
    );
    const base = `/api/v2/programs/${DEFAULT_PROGRAM_ID}/claim`;
    const info = ZClaimInfo.parse((await get(`${base}/info?wallet=${bob.address}`)).body);
    expect(info.tokens.USDT.allowance).toBe('5000000');
    const plan = ZClaimPrepareResponse.parse(
      (await post(`${base}/prepare`, { wallet: bob.address, token: 'USDT' })).body,
    );
    expect(plan.transactions.map((t) => t.step)).toEqual(['reset', 'approve', 'claim']);
    expect(plan.transactions.map((t) => t.to)).toEqual([usdt, usdt, claimContract]);

    const usdtBefore = await balanceOf(usdt, bob.address);
    const hashes = await signAll(bob, plan);
    const recorded = await post(`${base}/record`, { wallet: bob.address, txHash: hashes.at(-1) });
    expect(recorded.status).toBe(201);
    const { claim } = ZClaimRecordResponse.parse(recorded.body);
    expect(claim).toMatchObject({ token: 'USDT', fee: FEE.toString(), wallet: bob.address });
    expect(await balanceOf(usdt, bob.address)).toBe(usdtBefore - FEE);
    expect(await balanceOf(contracts.sgeToken!, bob.address)).toBe(AMOUNT_WEI);
    expect(await ledgerOf(claim.settlementId)).toEqual([
      { account: 'sge_distributed', currency: 'SGE', amount: AMOUNT_WEI.toString() },
      { account: 'sge_vault', currency: 'SGE', amount: (-AMOUNT_WEI).toString() },
      { account: 'revenue', currency: 'USDT', amount: (-FEE).toString() },
      { account: 'treasury', currency: 'USDT', amount: FEE.toString() },
    ]);
    expect((await commissionsOf(claim.settlementId)).map((c) => [c.code, c.amount])).toEqual([
      ['BETA', '10000000'],
      ['ALPHA', '5000000'],
    ]);
  });

  it('refuses every forged record with a clear 4xx and changes nothing', async () => {
    const { contracts } = platform.runtime;
    const aliceClaim = ZClaimHistory.parse((await get(`/api/claim/history?wallet=${alice.address}`)).body)
      .claims[0]!;
    const carolClient = walletClient(carol);
    // A failed transaction: carol calls claimWithUSDC without an allowance (gas given, so it is mined reverted).
    const failed = await carolClient.sendTransaction({
      to: getAddress(contracts.sgeClaim!),
      data: encodeClaim('USDC'),
      gas: 300_000n,
    });
    expect((await waitReceipt(failed)).status).toBe('reverted');
    // Another contract: carol's approve on USDC succeeded, but it is not a claim.
    const approve = await carolClient.writeContract({
      address: getAddress(contracts.usdc!),
      abi: testUsdtAbi,
      functionName: 'approve',
      args: [getAddress(contracts.sgeClaim!), FEE],
    });
    expect((await waitReceipt(approve)).status).toBe('success');
    // A real claim of carol, recorded against a program whose fee is not the contract's: the wrong amount.
    const carolClaim = await claimDirectly(carol, 'USDC');
    const { db } = platform.runtime.database;
    const cheap = await db
      .insertInto('programs')
      .values({ slug: 'cheap', name: 'Cheap', fee_micro_usd: 50_000_000n, treasury_address: null })
      .returning('id')
      .executeTakeFirstOrThrow();

    const before = await snapshot();
    const cases: {
      name: string;
      path: string;
      body: unknown;
      status: number;
      error: string;
      problem?: string;
    }[] = [
      {
        name: "someone else's transaction",
        path: '/api/claim/record',
        body: { wallet: dave.address, txHash: aliceClaim.txHash },
        status: 422,
        error: 'CLAIM_TX_INVALID',
        problem: 'sender',
      },
      {
        name: 'a failed transaction',
        path: '/api/claim/record',
        body: { wallet: carol.address, txHash: failed },
        status: 422,
        error: 'CLAIM_TX_FAILED',
      },
      {
        name: 'a transaction to another contract',
        path: '/api/claim/record',
        body: { wallet: carol.address, txHash: approve },
        status: 422,
        error: 'CLAIM_TX_INVALID',
        problem: 'contract',
      },
      {
        name: 'the wrong amount for the program',
        path: `/api/v2/programs/${cheap.id}/claim/record`,
        body: { wallet: carol.address, txHash: carolClaim.hash },
        status: 422,
        error: 'CLAIM_TX_INVALID',
        problem: 'fee',
      },
      {
        name: 'a transaction hash that does not exist',
        path: '/api/claim/record',
        body: { wallet: carol.address, txHash: `0x${'ab'.repeat(32)}` },
        status: 404,
        error: 'CLAIM_TX_NOT_FOUND',
      },
      {
        name: 'a malformed hash',
        path: '/api/claim/record',
        body: { wallet: carol.address, txHash: '0x1234' },
        status: 400,
        error: 'VALIDATION_FAILED',
      },
    ];
    for (const forged of cases) {
      const response = await post(forged.path, forged.body);
      expect(response.status, forged.name).toBe(forged.status);
      expect(response.body.error, forged.name).toBe(forged.error);
      expect(typeof response.body.message, forged.name).toBe('string');
      if (forged.problem) {
        expect((response.body.details as { problem: string }).problem, forged.name).toBe(forged.problem);
      }
    }
    expect(await snapshot()).toEqual(before);

    // Carol's genuine claim still records in the program it belongs to.
    const genuine = await post('/api/claim/record', { wallet: carol.address, txHash: carolClaim.hash });
    expect(genuine.status).toBe(201);
  });

  it('refuses to prepare what would revert: no SGE-ID, short balance', async () => {
    const stranger = privateKeyToAccount(devPrivateKey(12));
    const info = ZClaimInfo.parse((await get(`/api/claim/info?wallet=${stranger.address}`)).body);
    expect(info).toMatchObject({ eligible: false, reason: 'NO_SGE_ID' });
    const refused = await post('/api/claim/prepare', { wallet: stranger.address, token: 'USDC' });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: 'CLAIM_NOT_ELIGIBLE', details: { reason: 'NO_SGE_ID' } },
    });
    // frank registers but never used the faucet: his stablecoin balance is 0.
    await register(frank);
    const poor = await post('/api/claim/prepare', { wallet: frank.address, token: 'USDT' });
    expect(poor).toMatchObject({
      status: 409,
      body: { error: 'INSUFFICIENT_BALANCE', details: { token: 'USDT' } },
    });
    const bad = await post('/api/claim/prepare', { wallet: frank.address, token: 'DAI' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'VALIDATION_FAILED' } });
  });

  it('records two concurrent records of the same transaction once', async () => {
    const plan = ZClaimPrepareResponse.parse(
      (await post('/api/claim/prepare', { wallet: dave.address, token: 'USDC' })).body,
    );
    const hash = (await signAll(dave, plan)).at(-1)!;
    const before = await snapshot();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => post('/api/claim/record', { wallet: dave.address, txHash: hash })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    const settlementIds = new Set(results.map((r) => (r.body as TClaimRecordResponse).claim.settlementId));
    expect(settlementIds.size).toBe(1);
    const after = await snapshot();
    expect(after.settlements - before.settlements).toBe(1);
    expect(after.intents - before.intents).toBe(1);
    // One revenue transaction of four entries, one commission-free user (dave has no referrer).
    expect(after.entries - before.entries).toBe(4);
  });

  it('picks up a claim made directly on the contract, and resumes from its cursor after a restart', async () => {
    const { runtime } = platform;
    const cursorName = claimCursorName(runtime.chain.chainId, runtime.contracts.sgeClaim!);
    // The first tick scans from the deployment block: the claims so far (alice, bob, carol, dave) were all
    // recorded by the API, so it only finds them recorded.
    const first = await runClaimWatcherTick(runtime);
    expect(first.reduce((sum, range) => sum + range.recorded, 0)).toBe(0);
    expect(first.reduce((sum, range) => sum + range.alreadyRecorded, 0)).toBe(4);

    const direct = await claimDirectly(erin, 'USDT');
    const second = await runClaimWatcherTick(runtime);
    expect(second[0]!.fromBlock).toBe(first.at(-1)!.toBlock + 1);
    expect(second.flatMap((range) => range.recordedClaims)).toEqual([
      { txHash: direct.hash, wallet: erin.address, token: 'USDT' },
    ]);
    const history = ZClaimHistory.parse((await get(`/api/claim/history?wallet=${erin.address}`)).body);
    expect(history.claims).toMatchObject([{ txHash: direct.hash, source: 'watcher', token: 'USDT' }]);
    // Recording it through the API now is the same claim, not a second one.
    const viaApi = await post('/api/claim/record', { wallet: erin.address, txHash: direct.hash });
    expect(viaApi.status).toBe(200);

    const cursor = await runtime.database.db
      .selectFrom('chain_cursors')
      .select('block_number')
      .where('name', '=', cursorName)
      .executeTakeFirstOrThrow();
    expect(cursor.block_number).toBeGreaterThanOrEqual(direct.blockNumber);
    const before = await snapshot();

    // Restart on the same DATA_DIR (database and chain state survive).
    await platform.stop();
    platform = await startTestPlatform(env);
    url = platform.url!;
    // New blocks (the faucet's mints), so that the tick has something to scan.
    await post('/api/dev/faucet', { wallet: frank.address });
    const resumed = await runClaimWatcherTick(platform.runtime);
    expect(resumed[0]!.fromBlock).toBe(cursor.block_number + 1);
    expect(resumed.reduce((sum, range) => sum + range.recorded + range.alreadyRecorded, 0)).toBe(0);
    expect(await snapshot()).toEqual(before);

    // The background loop records a new direct claim by itself.
    const stop = startClaimWatcher(platform.runtime, 100);
    try {
      const late = await claimDirectly(frank, 'USDC');
      const deadline = Date.now() + 30_000;
      for (;;) {
        const claims = ZClaimHistory.parse(
          (await get(`/api/claim/history?wallet=${frank.address}`)).body,
        ).claims;
        if (claims.length === 1) {
          expect(claims[0]).toMatchObject({ txHash: late.hash, source: 'watcher' });
          break;
        }
        if (Date.now() > deadline) throw new Error('the background watcher did not record the claim');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await stop();
    }
    const after = await snapshot();
    expect(after.settlements - before.settlements).toBe(1);
  });

  it('stays RELAYER_CONFIRMATIONS behind the head, and skips (and reports) a claim that fails its program checks', async () => {
    const { runtime } = platform;
    const { db } = runtime.database;
    // As if RELAYER_CONFIRMATIONS were 3: a claim counts once two more blocks are on top of it.
    const env = { ...claimEnvironment(runtime), confirmations: 3 };
    const fromDeployment = { startBlock: () => 0n };
    const grace = privateKeyToAccount(devPrivateKey(10));
    await register(grace);
    await post('/api/dev/faucet', { wallet: grace.address });
    const direct = await claimDirectly(grace, 'USDC');

    const early = await watchClaims(env, fromDeployment);
    expect(early.flatMap((range) => range.recordedClaims)).toEqual([]);
    expect(Math.max(...early.map((range) => range.toBlock))).toBe(direct.blockNumber - 2);
    const program = await getProgram(db, DEFAULT_PROGRAM_ID);
    await expect(
      verifyClaimTransaction(env, program, {
        wallet: grace.address,
        txHash: direct.hash,
        direct: true,
        source: 'api',
      }),
    ).rejects.toMatchObject({ code: 'CLAIM_TX_PENDING' });

    // A wallet registered in the "cheap" program (fee 50 USD) claims on the shared contract at 100 USD.
    const cheap = await db
      .selectFrom('programs')
      .select('id')
      .where('slug', '=', 'cheap')
      .executeTakeFirstOrThrow();
    const henry = privateKeyToAccount(devPrivateKey(11));
    const accepted = await post(
      `/api/v2/programs/${cheap.id}/register`,
      await signRegistration({ account: henry, programId: cheap.id }),
    );
    expect(accepted.status).toBe(202);
    const deadline = Date.now() + MINT_TIMEOUT_MS;
    while (
      !(await db
        .selectFrom('users')
        .select('token_id')
        .where('program_id', '=', cheap.id)
        .where('wallet', '=', henry.address)
        .where('token_id', 'is not', null)
        .executeTakeFirst())
    ) {
      if (Date.now() > deadline) throw new Error('henry was not minted in time');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await post('/api/dev/faucet', { wallet: henry.address });
    const mismatched = await claimDirectly(henry, 'USDT');
    await createTestClient({ mode: 'anvil', transport: http(runtime.mockChain!.rpcUrl) }).mine({ blocks: 2 });

    const later = await watchClaims(env, fromDeployment);
    expect(later.flatMap((range) => range.recordedClaims)).toEqual([
      { txHash: direct.hash, wallet: grace.address, token: 'USDC' },
    ]);
    expect(later.flatMap((range) => range.skipped)).toMatchObject([
      { txHash: mismatched.hash, code: 'CLAIM_TX_INVALID' },
    ]);
    // The cursor moved past the skipped claim: it is reported once, not retried forever.
    const again = await watchClaims(env, fromDeployment);
    expect(again.flatMap((range) => range.skipped)).toEqual([]);
  });

  it('says PAYMENT_REQUIRED while a gated program has no payment, and VAULT_SHORT when the vault cannot pay a claim', async () => {
    const { runtime } = platform;
    const { db } = runtime.database;
    const { contracts } = runtime;
    const ivy = privateKeyToAccount(devPrivateKey(13));
    await register(ivy);
    await post('/api/dev/faucet', { wallet: ivy.address });
    expect((await get(`/api/claim/info?wallet=${ivy.address}`)).body).toMatchObject({ eligible: true });

    await db
      .updateTable('programs')
      .set({ payment_required: true })
      .where('id', '=', DEFAULT_PROGRAM_ID)
      .execute();
    try {
      // Programs are cached for up to PROGRAM_CACHE_MS (1 s) per process.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect((await get(`/api/claim/info?wallet=${ivy.address}`)).body).toMatchObject({
        eligible: false,
        reason: 'PAYMENT_REQUIRED',
      });
      const gated = await post('/api/claim/prepare', { wallet: ivy.address, token: 'USDC' });
      expect(gated).toMatchObject({ status: 402, body: { error: 'PAYMENT_REQUIRED' } });
    } finally {
      await db
        .updateTable('programs')
        .set({ payment_required: false })
        .where('id', '=', DEFAULT_PROGRAM_ID)
        .execute();
      await new Promise((resolve) => setTimeout(resolve, 1_200));
    }

    // The owner (Mock mode's deployer) withdraws the vault's SGE, leaving less than one claim.
    const owner = walletClient(privateKeyToAccount(devPrivateKey(0)));
    const claimContract = getAddress(contracts.sgeClaim!);
    const vault = await balanceOf(contracts.sgeToken!, claimContract);
    await waitReceipt(
      await owner.writeContract({
        address: claimContract,
        abi: sgeClaimAbi,
        functionName: 'withdraw',
        args: [getAddress(contracts.sgeToken!), owner.account.address, vault - AMOUNT_WEI + 1n],
      }),
    );
    try {
      expect((await get(`/api/claim/info?wallet=${ivy.address}`)).body).toMatchObject({
        eligible: false,
        reason: 'VAULT_SHORT',
        vaultBalanceWei: (AMOUNT_WEI - 1n).toString(),
      });
      const short = await post('/api/claim/prepare', { wallet: ivy.address, token: 'USDT' });
      expect(short).toMatchObject({
        status: 409,
        body: { error: 'CLAIM_NOT_ELIGIBLE', details: { reason: 'VAULT_SHORT' } },
      });
    } finally {
      await waitReceipt(
        await owner.writeContract({
          address: getAddress(contracts.sgeToken!),
          abi: erc20Abi,
          functionName: 'transfer',
          args: [claimContract, vault - AMOUNT_WEI + 1n],
        }),
      );
    }
    expect((await get(`/api/claim/info?wallet=${ivy.address}`)).body).toMatchObject({ eligible: true });
  });
});
