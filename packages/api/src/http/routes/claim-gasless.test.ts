import { sgeClaimAbi, testUsdcAbi, testUsdtAbi } from '@sge/contracts';
import { ZClaimInfo, ZGaslessClaimPrepareResponse, ZGaslessClaimSubmitResponse } from '@sge/shared';
import {
  type Address,
  createWalletClient,
  erc20Abi,
  getAddress,
  type Hex,
  http,
  type PrivateKeyAccount,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../../test/support/platform';
import { signRegistration } from '../../../test/support/registration-proof';
import { devPrivateKey } from '../../config';
import type { TPlatform } from '../../platform';

/**
 * Gasless claims and real-token behaviour end to end in Mock mode (embedded database, anvil with the real
 * contracts, the API over HTTP, the workers in process): a wallet holding only USDC registers and claims with
 * one signature; a blacklisted wallet is refused before any transaction; a USDT claim with TetherToken's fee
 * switched on is recorded with what the treasury received.
 */

const FEE = 100_000_000n;
const AMOUNT_WEI = 1_000n * 10n ** 18n;
const TIMEOUT_MS = 90_000;

describe('gasless claims in Mock mode', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let url: string;

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const get = async (path: string) =>
    (await (await fetch(`${url}${path}`)).json()) as Record<string, unknown>;
  const client = () => platform.runtime.chain.publicClient;
  const walletClient = (account: PrivateKeyAccount) =>
    createWalletClient({
      account,
      chain: platform.runtime.chain.chain,
      transport: http(platform.runtime.mockChain!.rpcUrl),
    });
  const deployer = () => privateKeyToAccount(platform.runtime.config.chain.deployerPrivateKey!);
  const send = async (hash: Hex) =>
    expect((await client().waitForTransactionReceipt({ hash })).status).toBe('success');
  const balanceOf = (token: string, owner: Address) =>
    client().readContract({
      address: getAddress(token),
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [owner],
    });
  const until = async <T>(what: string, read: () => Promise<T | null>) => {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const value = await read();
      if (value !== null) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const register = async (account: PrivateKeyAccount) => {
    const accepted = await post('/api/register', await signRegistration({ account }));
    expect([200, 202]).toContain(accepted.status);
    await until('the SGE-ID', async () => {
      const status = await get(`/api/status?wallet=${account.address}`);
      return (status.registration as { status: string }).status === 'CONFIRMED' ? true : null;
    });
  };
  /** Mints test USDC to `wallet` from the deployer (the wallet itself never sends a transaction). */
  const mintUsdc = async (wallet: Address, amount: bigint) =>
    send(
      await walletClient(deployer()).writeContract({
        address: getAddress(platform.runtime.contracts.usdc!),
        abi: testUsdcAbi,
        functionName: 'mint',
        args: [wallet, amount],
      }),
    );

  beforeAll(async () => {
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      CLAIM_WATCHER_INTERVAL_MS: '0',
      RELAYER_POLL_INTERVAL_MS: '100',
      SWEEP_INTERVAL_MS: '500',
    });
    url = platform.url!;
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    dataDir.remove();
  });

  it('a wallet with only USDC registers and claims with one signature; the relayer is repaid in USDC', async () => {
    const { contracts } = platform.runtime;
    const account = privateKeyToAccount(generatePrivateKey());
    const treasury = getAddress(platform.runtime.config.chain.treasuryAddress!);
    const relayer = platform.runtime.relayer.address;
    await register(account);
    const prepared0 = await post('/api/claim/gasless/prepare', { wallet: account.address });
    expect(prepared0).toMatchObject({ status: 409, body: { error: 'INSUFFICIENT_BALANCE' } });

    const info = ZClaimInfo.parse(await get(`/api/claim/info?wallet=${account.address}`));
    const relayFee = BigInt(info.relayFee);
    expect(relayFee).toBeGreaterThan(0n);
    expect(info.tokens.USDC).toMatchObject({ gasless: true, blacklisted: false });
    await mintUsdc(account.address, FEE + relayFee);
    const [treasuryBefore, relayerBefore] = await Promise.all([
      balanceOf(contracts.usdc!, treasury),
      balanceOf(contracts.usdc!, relayer),
    ]);

    const prepared = await post('/api/claim/gasless/prepare', { wallet: account.address });
    expect(prepared.status).toBe(200);
    const plan = ZGaslessClaimPrepareResponse.parse(prepared.body);
    expect(plan).toMatchObject({
      fee: FEE.toString(),
      relayFee: relayFee.toString(),
      total: (FEE + relayFee).toString(),
    });
    expect(plan.typedData.domain).toMatchObject({
      name: 'USD Coin',
      version: '2',
      verifyingContract: getAddress(contracts.usdc!),
    });
    const signature = await account.signTypedData({
      domain: {
        ...plan.typedData.domain,
        verifyingContract: getAddress(plan.typedData.domain.verifyingContract),
      },
      types: plan.typedData.types,
      primaryType: 'ReceiveWithAuthorization',
      message: plan.typedData.message,
    });
    const body = { wallet: account.address, authorization: plan.typedData.message, signature };
    const submitted = await post('/api/claim/gasless/submit', body);
    expect(submitted.status).toBe(202);
    const first = ZGaslessClaimSubmitResponse.parse(submitted.body);
    // Exactly once: the same authorization again is the same intent.
    const again = ZGaslessClaimSubmitResponse.parse((await post('/api/claim/gasless/submit', body)).body);
    expect(again.intentId).toBe(first.intentId);

    let last: unknown = null;
    const claimed = await until('the gasless claim', async () => {
      const now = ZClaimInfo.parse(await get(`/api/claim/info?wallet=${account.address}`));
      last = now.gaslessClaim;
      return now.claim ?? null;
    }).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(last)}`);
    });
    expect(claimed).toMatchObject({
      token: 'USDC',
      fee: FEE.toString(),
      feeCharged: FEE.toString(),
      relayFee: relayFee.toString(),
    });
    expect(await client().getBalance({ address: account.address })).toBe(0n);
    expect(await client().getTransactionCount({ address: account.address })).toBe(0);
    expect(await balanceOf(contracts.sgeId!, account.address)).toBe(1n);
    expect(await balanceOf(contracts.sgeToken!, account.address)).toBe(AMOUNT_WEI);
    expect(await balanceOf(contracts.usdc!, treasury)).toBe(treasuryBefore + FEE);
    expect(await balanceOf(contracts.usdc!, relayer)).toBe(relayerBefore + relayFee);
    expect(
      await client().readContract({
        address: getAddress(contracts.sgeClaim!),
        abi: sgeClaimAbi,
        functionName: 'hasClaimed',
        args: [account.address],
      }),
    ).toBe(true);
    // The relayer's gas is booked against the program's gas budget.
    const gas = await platform.runtime.database.db
      .selectFrom('ledger_transactions')
      .select('reference')
      .where('reference', 'like', 'gas:claim-gasless:%')
      .execute();
    expect(gas.length).toBeGreaterThan(0);
    const final = ZGaslessClaimSubmitResponse.parse((await post('/api/claim/gasless/submit', body)).body);
    expect(final).toMatchObject({ intentId: first.intentId, status: 'CONFIRMED' });
  }, 240_000);

  it('refuses a blacklisted wallet with WALLET_BLACKLISTED naming the token before any transaction', async () => {
    const { contracts } = platform.runtime;
    const account = privateKeyToAccount(generatePrivateKey());
    await register(account);
    await mintUsdc(account.address, FEE * 2n);
    await send(
      await walletClient(deployer()).writeContract({
        address: getAddress(contracts.usdc!),
        abi: testUsdcAbi,
        functionName: 'blacklist',
        args: [account.address],
      }),
    );
    const info = ZClaimInfo.parse(await get(`/api/claim/info?wallet=${account.address}`));
    expect(info.tokens.USDC.blacklisted).toBe(true);
    for (const [path, body] of [
      ['/api/claim/gasless/prepare', { wallet: account.address }],
      ['/api/claim/prepare', { wallet: account.address, token: 'USDC' }],
    ] as const) {
      const refused = await post(path, body);
      expect(refused).toMatchObject({
        status: 403,
        body: { error: 'WALLET_BLACKLISTED', details: { token: 'USDC' } },
      });
      expect(String(refused.body.message)).toContain('USDC');
    }
    expect(await client().getTransactionCount({ address: account.address })).toBe(0);
  }, 240_000);

  it('records a USDT claim with the fee switched on at what the treasury received', async () => {
    const { contracts } = platform.runtime;
    const account = privateKeyToAccount(devPrivateKey(12));
    const treasury = getAddress(platform.runtime.config.chain.treasuryAddress!);
    await register(account);
    expect((await post('/api/dev/faucet', { wallet: account.address })).status).toBe(200);
    const usdt = getAddress(contracts.usdt!);
    await send(
      await walletClient(deployer()).writeContract({
        address: usdt,
        abi: testUsdtAbi,
        functionName: 'setParams',
        args: [10n, 5n],
      }),
    );
    try {
      const before = await balanceOf(usdt, treasury);
      const plan = await post('/api/claim/prepare', { wallet: account.address, token: 'USDT' });
      expect(plan.status).toBe(200);
      let last: Hex = '0x';
      for (const transaction of plan.body.transactions as { to: string; data: Hex }[]) {
        last = await walletClient(account).sendTransaction({
          to: getAddress(transaction.to),
          data: transaction.data,
        });
        await send(last);
      }
      const recorded = await post('/api/claim/record', { wallet: account.address, txHash: last });
      expect(recorded.status).toBe(201);
      const net = FEE - (FEE * 10n) / 10_000n;
      expect(recorded.body.claim).toMatchObject({
        token: 'USDT',
        fee: net.toString(),
        feeCharged: FEE.toString(),
      });
      expect(await balanceOf(usdt, treasury)).toBe(before + net);
    } finally {
      await send(
        await walletClient(deployer()).writeContract({
          address: usdt,
          abi: testUsdtAbi,
          functionName: 'setParams',
          args: [0n, 0n],
        }),
      );
    }
  }, 240_000);
});
