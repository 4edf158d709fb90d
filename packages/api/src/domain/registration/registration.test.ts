import { sgeIdAbi } from '@sge/contracts';
import { ZIntentView, ZRegisterResponse, ZWalletStatus } from '@sge/shared';
import type { Address, LocalAccount } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../../test/support/platform';
import { signRegistration, testWalletAccount } from '../../../test/support/registration-proof';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import type { TPlatform } from '../../platform';

const accounts = new Map<string, LocalAccount>();
/** The n-th test wallet (one the test holds the key of, so it can sign its registrations). */
const wallet = (n: number) => {
  const account = testWalletAccount(n);
  accounts.set(account.address.toLowerCase(), account);
  return account.address;
};

/** Signs a request body for a test wallet (issue 18's proof of wallet) unless it already carries a signature. */
async function signed(body: unknown, programId = DEFAULT_PROGRAM_ID): Promise<unknown> {
  const fields = body as { wallet?: unknown; ref?: string; signature?: string };
  if (typeof fields !== 'object' || fields === null || typeof fields.wallet !== 'string' || fields.signature)
    return body;
  const account = accounts.get(fields.wallet.toLowerCase());
  if (!account) return body;
  const proof = await signRegistration({
    account,
    programId,
    ...(fields.ref === undefined ? {} : { ref: fields.ref }),
  });
  return { ...fields, signature: proof.signature, expiresAt: proof.expiresAt };
}

const programIdOfPath = (path: string) =>
  /programs\/([0-9a-f-]{36})\/register|programId=([0-9a-f-]{36})/.exec(path)?.slice(1).find(Boolean) ??
  DEFAULT_PROGRAM_ID;

async function waitForConfirmed(url: string, address: Address, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = ZWalletStatus.parse(await (await fetch(`${url}/api/status?wallet=${address}`)).json());
    if (status.registration.status === 'CONFIRMED' || status.registration.status === 'FAILED') return status;
    if (Date.now() > deadline)
      throw new Error(`registration of ${address} not settled: ${status.registration.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('registration end to end in Mock mode', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let url: string;
  const post = async (body: unknown, headers: Record<string, string> = {}, path = '/api/register') =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(await signed(body, programIdOfPath(path))),
    });

  beforeAll(async () => {
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      RELAYER_POLL_INTERVAL_MS: '100',
      SWEEP_INTERVAL_MS: '500',
    });
    url = platform.url!;
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('accepts a wallet with 202, mints its SGE-ID gaslessly, and records settlement, token id and gas', async () => {
    const address = wallet(1);
    const response = await post({ wallet: address.toLowerCase() });
    expect(response.status).toBe(202);
    const accepted = ZRegisterResponse.parse(await response.json());
    expect(accepted).toMatchObject({ status: 'PENDING', wallet: address });

    const status = await waitForConfirmed(url, address);
    expect(status.registration.status).toBe('CONFIRMED');
    expect(status.registration.intentId).toBe(accepted.intentId);
    // The token id is the wallet as a number (SGEID's one-slot design); the chain agrees.
    expect(status.registration.tokenId).toBe(BigInt(address).toString());
    const { publicClient } = platform.runtime.chain;
    const sgeId = platform.runtime.contracts.sgeId!;
    expect(
      await publicClient.readContract({
        address: sgeId,
        abi: sgeIdAbi,
        functionName: 'ownerOf',
        args: [BigInt(address)],
      }),
    ).toBe(address);
    const receipt = await publicClient.getTransactionReceipt({
      hash: status.registration.txHash as `0x${string}`,
    });
    expect(receipt.from.toLowerCase()).toBe(platform.runtime.chain.relayer.address.toLowerCase());

    const { db } = platform.runtime.database;
    const settlement = await db
      .selectFrom('settlements')
      .selectAll()
      .where('intent_id', '=', accepted.intentId)
      .executeTakeFirstOrThrow();
    expect(settlement).toMatchObject({
      kind: 'REGISTER',
      tx_hash: receipt.transactionHash,
      block_number: Number(receipt.blockNumber),
    });
    const gas = await db
      .selectFrom('ledger_entries')
      .select(['account', 'amount'])
      .where('account', '=', 'gas_expense')
      .where('program_id', '=', DEFAULT_PROGRAM_ID)
      .execute();
    expect(gas.reduce((sum, entry) => sum + entry.amount, 0n)).toBeGreaterThanOrEqual(
      receipt.gasUsed * receipt.effectiveGasPrice,
    );

    // Registering again answers 200 with the SGE-ID, and mints nothing more.
    const again = await post({ wallet: address });
    expect(again.status).toBe(200);
    expect(ZRegisterResponse.parse(await again.json())).toMatchObject({
      intentId: accepted.intentId,
      status: 'CONFIRMED',
      tokenId: BigInt(address).toString(),
      txHash: receipt.transactionHash,
    });
    const intent = ZIntentView.parse(await (await fetch(`${url}/api/intents/${accepted.intentId}`)).json());
    expect(intent).toMatchObject({ status: 'CONFIRMED', type: 'REGISTER', txHash: receipt.transactionHash });
  });

  it('rejects a malformed wallet with 400 naming the field, and writes nothing', async () => {
    const before = await platform.runtime.database.db.selectFrom('intents').select('id').execute();
    for (const body of [{ wallet: '0x123' }, { wallet: 42 }, {}, { wallet: wallet(2), ref: 'x' }]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const error = await response.json();
      expect(error.error).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/body\.(wallet|ref)/);
    }
    expect(await platform.runtime.database.db.selectFrom('intents').select('id').execute()).toHaveLength(
      before.length,
    );
  });

  it('attributes a referral by code, case-insensitively, locks first touch and ignores self-referral', async () => {
    const { db } = platform.runtime.database;
    const affiliateWallet = wallet(50);
    const affiliate = await db
      .insertInto('affiliates')
      .values({ program_id: DEFAULT_PROGRAM_ID, wallet: affiliateWallet, code: 'RefTest' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await post({ wallet: wallet(3), ref: 'reftest' })).status).toBe(202);
    expect((await post({ wallet: affiliateWallet, ref: 'REFTEST' })).status).toBe(202);
    // A later request with another ref does not move the first touch.
    expect((await post({ wallet: wallet(3), ref: affiliateWallet.toLowerCase() })).status).toBe(202);
    // Before the mint the status already shows the referrer decided at acceptance.
    const early = ZWalletStatus.parse(await (await fetch(`${url}/api/status?wallet=${wallet(3)}`)).json());
    expect(early.registration.referredBy).toBe('RefTest');
    await waitForConfirmed(url, wallet(3));
    await waitForConfirmed(url, affiliateWallet);
    const referred = await db
      .selectFrom('users')
      .selectAll()
      .where('wallet', '=', wallet(3))
      .executeTakeFirstOrThrow();
    expect(referred.referred_by_affiliate_id).toBe(affiliate.id);
    const self = await db
      .selectFrom('users')
      .selectAll()
      .where('wallet', '=', affiliateWallet)
      .executeTakeFirstOrThrow();
    expect(self.referred_by_affiliate_id).toBeNull();
    expect(self.referral_note).toBe('self-referral ignored');
    const status = await waitForConfirmed(url, wallet(3));
    expect(status.registration.referredBy).toBe('RefTest');
  });

  it('honours Idempotency-Key: same body replays the stored response, another body is 409', async () => {
    const key = 'idem-test-key-1';
    // One signed body sent twice (a new signature would be another body).
    const body = await signed({ wallet: wallet(4) });
    const first = await post(body, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    await waitForConfirmed(url, wallet(4));
    const replay = await post(body, { 'idempotency-key': key });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(await replay.json()).toEqual(firstBody);
    const reused = await post({ wallet: wallet(5) }, { 'idempotency-key': key });
    expect(reused.status).toBe(409);
    expect((await reused.json()).error).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(
      await platform.runtime.database.db
        .selectFrom('users')
        .select('id')
        .where('wallet', '=', wallet(5))
        .execute(),
    ).toHaveLength(0);
  });

  it('refuses a paused program with 409 and a payment-gated one with 402, changing nothing', async () => {
    const { db } = platform.runtime.database;
    const paused = await db
      .insertInto('programs')
      .values({ slug: 'paused-one', name: 'Paused', status: 'PAUSED' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const gated = await db
      .insertInto('programs')
      .values({ slug: 'gated-one', name: 'Gated', payment_required: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const pausedResponse = await post({ wallet: wallet(6) }, {}, `/api/v2/programs/${paused.id}/register`);
    expect(pausedResponse.status).toBe(409);
    expect((await pausedResponse.json()).error).toBe('PROGRAM_PAUSED');
    const gatedResponse = await post({ wallet: wallet(6) }, {}, `/api/register?programId=${gated.id}`);
    expect(gatedResponse.status).toBe(402);
    expect((await gatedResponse.json()).error).toBe('PAYMENT_REQUIRED');
    const unknown = await post(
      { wallet: wallet(6) },
      {},
      '/api/v2/programs/00000000-0000-4000-8000-00000000dead/register',
    );
    expect(unknown.status).toBe(404);
    expect(
      await db.selectFrom('intents').select('id').where('wallet', '=', wallet(6)).execute(),
    ).toHaveLength(0);
  });

  it('limits registrations per wallet with 429 and Retry-After, whatever the IP budget', async () => {
    const limitedDir = tempDir();
    const limited = await startTestPlatform({
      DATA_DIR: limitedDir.path,
      REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE: '3',
      RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
    });
    try {
      const send = async (address: string) =>
        fetch(`${limited.url}/api/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(await signed({ wallet: address })),
        });
      // The request that creates the registration is not counted (once per wallet and program): three repeats
      // pass, the fourth is refused, in any letter case.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await send(wallet(900))).status);
      expect(statuses[0]).toBe(202);
      expect(statuses.slice(1).every((status) => status === 202 || status === 200)).toBe(true);
      const refused = await send(wallet(900).toLowerCase());
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await refused.json()).error).toBe('RATE_LIMITED');
      // Another wallet from the same client is not affected.
      expect([200, 202]).toContain((await send(wallet(901))).status);
    } finally {
      await limited.stop();
      limitedDir.remove();
    }
  });

  it('mints a burst of concurrent registrations in batches, one SGE-ID per wallet', async () => {
    const wallets = Array.from({ length: 60 }, (_, i) => wallet(100 + i));
    const responses = await Promise.all(
      wallets.flatMap((w) => [post({ wallet: w }), post({ wallet: w.toLowerCase() })]),
    );
    expect(responses.every((r) => r.status === 202 || r.status === 200)).toBe(true);
    for (const w of wallets) expect((await waitForConfirmed(url, w)).registration.status).toBe('CONFIRMED');
    const { db } = platform.runtime.database;
    const batches = await db
      .selectFrom('mint_batches')
      .select(['size', 'status'])
      .where('status', '=', 'SETTLED')
      .execute();
    expect(Math.max(...batches.map((b) => b.size))).toBeGreaterThan(1);
    const supply = await platform.runtime.chain.publicClient.readContract({
      address: platform.runtime.contracts.sgeId!,
      abi: sgeIdAbi,
      functionName: 'totalSupply',
    });
    const confirmed = await db
      .selectFrom('intents')
      .select('id')
      .where('type', '=', 'REGISTER')
      .where('status', '=', 'CONFIRMED')
      .execute();
    expect(Number(supply)).toBe(confirmed.length);
  });
});
