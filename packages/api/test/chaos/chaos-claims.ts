import { testUsdcAbi } from '@sge/contracts';
import {
  type Address,
  createWalletClient,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type Hex,
  http,
  keccak256,
  type PrivateKeyAccount,
  parseGwei,
  toHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { signRegistration } from '../support/registration-proof';
import type { TChaosModel, TExpectedCommission } from './chaos-checks';
import type { chaosClient } from './chaos-client';
import type { TChaosCluster } from './chaos-cluster';
import type { TSeededRandom } from './seeded-random';

/**
 * Claims under faults (issue 8's mixed load): wallets with keys of their own register through the API, wait
 * for their SGE-ID, then claim SGE with USDC or USDT the way the Claim page does — prepare, sign each step
 * after the previous one's receipt, record — while workers are killed and the RPC, Redis and PostgreSQL
 * fail. Some claims are recorded once, some twice at once on both APIs, some never (the chain watcher in
 * the workers must find them from the contract's events, resuming from its cursor after each kill).
 */

export type TClaimPlan = {
  account: PrivateKeyAccount;
  token: 'USDC' | 'USDT';
  /** Index of the referring affiliate (its tree earns commissions on the fee), or none. */
  ref: number | null;
  /** A non-zero allowance short of the fee beforehand: prepare must reset it first (USDT's rule). */
  priorAllowance: boolean;
  record: 'api' | 'api-twice' | 'watcher';
};

/** Test stablecoin units each claimer mints itself (6 decimals): more than one fee. */
const CLAIMER_FUNDS = 250_000_000n;
/** ETH each claimer is given for gas (anvil_setBalance). */
const CLAIMER_ETH_WEI = 10n ** 19n;
/**
 * The claimers' fee cap: far above any base fee of the run (the base-fee spike included), so a claimer's
 * transaction is never stranded — stranding and replacement are the relayer's part of the test.
 */
const CLAIMER_MAX_FEE = parseGwei('2000');
/** How long a claimer waits for its SGE-ID (registration under faults) before it reports an anomaly. */
const MINT_WAIT_MS = 420_000;

/** The claimers of a run: keys derived from the seed, so a replay uses the same wallets. */
export function planClaims(
  random: TSeededRandom,
  seed: number,
  count: number,
  affiliates: number,
): TClaimPlan[] {
  return Array.from({ length: count }, (_, i) => {
    const account = privateKeyToAccount(keccak256(toHex(`sge-chaos-claimer-${seed}-${i}`)));
    const token = random.chance(0.5) ? 'USDC' : 'USDT';
    const draw = random.next();
    return {
      account,
      token,
      ref: random.chance(0.6) ? random.int(0, affiliates - 1) : null,
      priorAllowance: random.chance(0.4),
      record: draw < 0.5 ? 'api' : draw < 0.75 ? 'api-twice' : 'watcher',
    };
  });
}

/** Runs every plan (a few at a time); each claim made on chain lands in `model.claims`. */
export async function runClaims(
  cluster: TChaosCluster,
  api: ReturnType<typeof chaosClient>,
  model: TChaosModel,
  plans: TClaimPlan[],
  context: {
    seed: number;
    lanes: number;
    affiliateCode: (index: number) => string;
    expectedCommissions: (ref: number | null, base: bigint) => TExpectedCommission[];
    count: (kind: string, n?: number) => void;
    anomalies: string[];
  },
) {
  const { chain } = cluster;
  const { contracts } = cluster.deployment;
  const tokenAddress = (token: 'USDC' | 'USDT') => (token === 'USDC' ? contracts.usdc : contracts.usdt);
  const anomaly = (plan: TClaimPlan, message: string) =>
    context.anomalies.push(`claim by ${plan.account.address}: ${message}`);

  const claimOne = async (plan: TClaimPlan) => {
    const wallet = plan.account.address;
    const client = createWalletClient({ account: plan.account, transport: http(cluster.anvil.rpcUrl) });
    const send = async (to: Address, data: Hex, label: string) => {
      const hash = await client.sendTransaction({
        chain: null,
        to,
        data,
        maxFeePerGas: CLAIMER_MAX_FEE,
        maxPriorityFeePerGas: parseGwei('1'),
      });
      const receipt = await chain.waitForTransactionReceipt({ hash, timeout: 300_000 });
      if (receipt.status !== 'success') throw new Error(`${label} ${hash} reverted`);
      return hash;
    };

    // The wallet's own preparations: gas money, stablecoins from the test token's open mint, and for some
    // a small allowance left over from an earlier attempt.
    await chain.setBalance({ address: wallet, value: CLAIMER_ETH_WEI });
    // (Both test tokens share mint's and approve's signatures.)
    const token = tokenAddress(plan.token);
    await send(
      token,
      encodeFunctionData({ abi: testUsdcAbi, functionName: 'mint', args: [wallet, CLAIMER_FUNDS] }),
      'mint',
    );
    if (plan.priorAllowance)
      await send(
        token,
        encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [contracts.sgeClaim, 1n] }),
        'approve 1',
      );

    // Register and wait for the SGE-ID (the claim contract requires one).
    const registered = await api('POST', '/api/register', {
      headers: { 'idempotency-key': `chaos-claimer-${context.seed}-${wallet}` },
      body: await signRegistration({
        account: plan.account,
        ...(plan.ref === null ? {} : { ref: context.affiliateCode(plan.ref) }),
      }),
    });
    context.count('claimerRegister');
    if (registered.status !== 202 && registered.status !== 200) {
      anomaly(plan, `register answered ${registered.status} ${JSON.stringify(registered.body)}`);
      return;
    }
    model.registrations.set(wallet, { intentId: registered.body.intentId });
    const deadline = Date.now() + MINT_WAIT_MS;
    for (;;) {
      const status = await api('GET', `/api/status?wallet=${wallet}`);
      const registration = status.status === 200 ? status.body.registration.status : null;
      if (registration === 'CONFIRMED') break;
      if (registration === 'FAILED' || Date.now() > deadline) {
        anomaly(plan, `SGE-ID not minted (${registration}) — no claim made`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    const info = await api('GET', `/api/claim/info?wallet=${wallet.toLowerCase()}`);
    if (info.status !== 200 || info.body.eligible !== true) {
      anomaly(plan, `info answered ${info.status} ${JSON.stringify(info.body)}`);
      return;
    }
    const fee = BigInt(info.body.fee);
    const prepared = await api('POST', '/api/claim/prepare', { body: { wallet, token: plan.token } });
    if (prepared.status !== 200) {
      anomaly(plan, `prepare answered ${prepared.status} ${JSON.stringify(prepared.body)}`);
      return;
    }
    const steps = (prepared.body.transactions as { step: string }[]).map((t) => t.step).join(',');
    const expectedSteps = plan.priorAllowance ? 'reset,approve,claim' : 'approve,claim';
    if (steps !== expectedSteps) anomaly(plan, `prepared steps ${steps}, expected ${expectedSteps}`);
    let claimHash: Hex | null = null;
    for (const transaction of prepared.body.transactions as { step: string; to: string; data: Hex }[])
      claimHash = await send(getAddress(transaction.to), transaction.data, transaction.step);
    context.count(`claimOnChain${plan.token}`);
    model.claims.push({
      wallet,
      txHash: claimHash!,
      token: plan.token,
      fee,
      amountWei: BigInt(info.body.amountWei),
      expected: context.expectedCommissions(plan.ref, fee),
    });

    if (plan.record === 'watcher') {
      context.count('claimLeftToWatcher');
      return;
    }
    const record = (preferred: number) =>
      api('POST', '/api/claim/record', { preferred, body: { wallet, txHash: claimHash } });
    const answers =
      plan.record === 'api-twice' ? await Promise.all([record(0), record(1)]) : [await record(0)];
    // The watcher may have recorded it first: 200 then. At most one answer says it recorded it now.
    let created = 0;
    for (const answer of answers) {
      context.count(`claimRecord${answer.status}`);
      if (answer.status === 201) created += 1;
      else if (answer.status !== 200)
        anomaly(plan, `record answered ${answer.status} ${JSON.stringify(answer.body)}`);
      if (answer.body?.claim && answer.body.claim.txHash !== claimHash)
        anomaly(plan, `record answered another claim: ${answer.body.claim.txHash}`);
    }
    if (created > 1) anomaly(plan, `recorded ${created} times`);
  };

  await Promise.all(
    Array.from({ length: context.lanes }, async (_, lane) => {
      for (let k = lane; k < plans.length; k += context.lanes) {
        const plan = plans[k]!;
        await claimOne(plan).catch((error: unknown) =>
          anomaly(plan, `failed: ${(error as Error).message.split('\n')[0]}`),
        );
      }
    }),
  );
}
