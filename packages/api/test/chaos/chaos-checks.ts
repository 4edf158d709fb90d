import { sgeIdAbi, sgePayoutAbi, testUsdcAbi } from '@sge/contracts';
import { sql } from 'kysely';
import { type Address, createPublicClient, erc20Abi, http } from 'viem';
import type { TDb } from '../../src/db/client';
import { verifyLedger } from '../../src/domain/ledger/verify-ledger';
import { onChainBatchId } from '../../src/domain/payouts/execute-payout-batch';
import type { TChaosChain, TChaosCluster } from './chaos-cluster';

/** A commission the program's rules give a revenue settlement, as the model states it. */
export type TExpectedCommission = { affiliateId: string; level: number; amount: bigint };

/** What the load driver knows independently of the platform: the model the database is checked against. */
export type TChaosModel = {
  /** Every wallet the driver asked to register, with the intent id it was answered (null: never accepted). */
  registrations: Map<Address, { intentId: string | null }>;
  /** Revenue settlements the driver caused, with the commissions the program's rules give them. */
  revenue: {
    /** The Commerce charge code (the settlement's provider_ref). */
    providerRef: string;
    expected: TExpectedCommission[];
  }[];
  /** Affiliate wallets (they start with no USDC: what they hold at the end is what they were paid). */
  affiliateWallets: Map<string, Address>;
  /** Claims made on chain by the driver's claimers (recorded through the API or left to the watcher). */
  claims: {
    wallet: Address;
    txHash: string;
    token: 'USDC' | 'USDT';
    fee: bigint;
    amountWei: bigint;
    expected: TExpectedCommission[];
  }[];
  /** The treasury's stablecoin balances before the load (claim fees are checked as the difference). */
  treasuryBefore: { USDC: bigint; USDT: bigint };
};

export type TViolation = { check: string; detail: unknown };

/** The treasury's USDC and USDT balances (claim fees land there). */
export async function treasuryBalances(chain: TChaosChain, deployment: TChaosCluster['deployment']) {
  const { contracts, treasury } = deployment;
  const balance = (address: Address) =>
    chain.readContract({ address, abi: erc20Abi, functionName: 'balanceOf', args: [treasury] });
  return { USDC: await balance(contracts.usdc), USDT: await balance(contracts.usdt) };
}

/** Nothing left in flight: no intent PENDING/PROCESSING, no relayer transaction unsettled, no batch executing. */
export async function inFlight(db: TDb) {
  const row = await sql<{ intents: number; transactions: number; batches: number; mints: number }>`
    SELECT (SELECT count(*)::int8 FROM intents WHERE status IN ('PENDING', 'PROCESSING')) AS intents,
           (SELECT count(*)::int8 FROM relayer_transactions WHERE status IN ('SIGNED', 'BROADCAST', 'MINED')) AS transactions,
           (SELECT count(*)::int8 FROM payout_batches WHERE status = 'EXECUTING') AS batches,
           (SELECT count(*)::int8 FROM mint_batches WHERE status IN ('CREATED', 'SENT')) AS mints`.execute(
    db,
  );
  return row.rows[0]!;
}

/** The invariants of issue 8, each violation listed with what was found. */
export async function checkInvariants(
  cluster: TChaosCluster,
  model: TChaosModel,
): Promise<{
  violations: TViolation[];
  figures: Record<string, unknown>;
}> {
  const { db } = cluster.database;
  const violations: TViolation[] = [];
  const violate = (check: string, detail: unknown) => violations.push({ check, detail });
  const chain = createPublicClient({ transport: http(cluster.anvil.rpcUrl, { batch: { batchSize: 250 } }) });

  // 1. Every accepted request's intent is CONFIRMED or FAILED with a reason; nothing left in flight.
  const intents = await db
    .selectFrom('intents')
    .select(['id', 'type', 'status', 'status_reason', 'wallet'])
    .execute();
  const byId = new Map(intents.map((intent) => [intent.id, intent]));
  let lost = 0;
  for (const [wallet, registration] of model.registrations) {
    if (registration.intentId && !byId.has(registration.intentId)) {
      lost += 1;
      if (lost <= 10) violate('accepted intent lost', { wallet, intentId: registration.intentId });
    }
  }
  const unfinished = intents.filter((i) => i.status === 'PENDING' || i.status === 'PROCESSING');
  if (unfinished.length > 0)
    violate('intents left in flight', { count: unfinished.length, sample: unfinished.slice(0, 5) });
  const failedWithoutReason = intents.filter((i) => i.status === 'FAILED' && !i.status_reason);
  if (failedWithoutReason.length > 0)
    violate('FAILED without a reason', {
      count: failedWithoutReason.length,
      sample: failedWithoutReason.slice(0, 5),
    });
  const registerIntents = intents.filter((i) => i.type === 'REGISTER');
  const confirmedRegistrations = registerIntents.filter((i) => i.status === 'CONFIRMED');
  const perWallet = new Map<string, number>();
  for (const intent of registerIntents)
    perWallet.set(intent.wallet!, (perWallet.get(intent.wallet!) ?? 0) + 1);
  const twice = [...perWallet].filter(([, n]) => n > 1);
  if (twice.length > 0) violate('two registration intents for one wallet', twice.slice(0, 5));

  // 2. On-chain SGE-ID supply equals confirmed registrations; no wallet holds two (every wallet sampled).
  const sgeId = cluster.deployment.contracts.sgeId;
  const supply = await chain.readContract({ address: sgeId, abi: sgeIdAbi, functionName: 'totalSupply' });
  if (supply !== BigInt(confirmedRegistrations.length))
    violate('SGE-ID supply differs from confirmed registrations', {
      supply: supply.toString(),
      confirmed: confirmedRegistrations.length,
    });
  const confirmedWallets = new Set(confirmedRegistrations.map((i) => i.wallet!));
  const wallets = [...model.registrations.keys()];
  let badBalances = 0;
  for (let i = 0; i < wallets.length; i += 1000) {
    const slice = wallets.slice(i, i + 1000);
    const balances = await Promise.all(
      slice.map((wallet) =>
        chain.readContract({ address: sgeId, abi: sgeIdAbi, functionName: 'balanceOf', args: [wallet] }),
      ),
    );
    slice.forEach((wallet, k) => {
      const expected = confirmedWallets.has(wallet) ? 1n : 0n;
      if (balances[k] !== expected) {
        badBalances += 1;
        if (badBalances <= 10)
          violate('SGE-ID balance', {
            wallet,
            balance: balances[k]!.toString(),
            expected: expected.toString(),
          });
      }
    });
  }

  // 3. Relayer nonces contiguous, nothing pending, database and chain agreeing.
  const relayerRows = await db
    .selectFrom('relayer_transactions')
    .select(['nonce', 'status', 'mined_hash'])
    .where('from_address', '=', cluster.relayerAddress)
    .orderBy('nonce')
    .execute();
  const minedCount = await chain.getTransactionCount({ address: cluster.relayerAddress });
  const pendingCount = await chain.getTransactionCount({
    address: cluster.relayerAddress,
    blockTag: 'pending',
  });
  const gaps = relayerRows.filter((row, index) => row.nonce !== index);
  if (gaps.length > 0) violate('relayer nonces not contiguous', gaps.slice(0, 5));
  if (relayerRows.length !== minedCount || pendingCount !== minedCount)
    violate('relayer nonces: database and chain differ', {
      databaseRows: relayerRows.length,
      minedCount,
      pendingCount,
    });
  const notFinal = relayerRows.filter((row) => ['SIGNED', 'BROADCAST', 'MINED'].includes(row.status));
  if (notFinal.length > 0) violate('relayer transactions still pending', notFinal.slice(0, 5));
  const relayerStatuses: Record<string, number> = {};
  for (const row of relayerRows) relayerStatuses[row.status] = (relayerStatuses[row.status] ?? 0) + 1;

  // 4. Every program's ledger balanced (and payables equal to unpaid commissions net of clawbacks).
  const programs = await db.selectFrom('programs').select('id').execute();
  for (const program of programs) {
    const report = await verifyLedger(db, program.id);
    if (!report.balanced)
      violate(
        'ledger not balanced',
        JSON.parse(JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? v.toString() : v))),
      );
  }

  // 5. Commissions equal the model: per settlement, per level, affiliate and amount.
  const commissions = await db
    .selectFrom('commissions')
    .select(['settlement_id', 'affiliate_id', 'level', 'amount', 'status'])
    .execute();
  const bySettlement = new Map<string, typeof commissions>();
  for (const row of commissions)
    bySettlement.set(row.settlement_id, [...(bySettlement.get(row.settlement_id) ?? []), row]);
  const settlements = await db
    .selectFrom('settlements')
    .select(['id', 'provider_ref'])
    .where('kind', '=', 'COMMERCE_PAYMENT')
    .execute();
  const settlementOf = new Map(settlements.map((row) => [row.provider_ref, row.id]));
  const claimSettlements = await db
    .selectFrom('settlements')
    .select(['id', 'tx_hash', 'wallet', 'amount', 'currency'])
    .where('kind', '=', 'CLAIM')
    .execute();
  const claimSettlementsOf = new Map<string, typeof claimSettlements>();
  for (const row of claimSettlements)
    claimSettlementsOf.set(row.tx_hash!, [...(claimSettlementsOf.get(row.tx_hash!) ?? []), row]);
  // Each revenue settlement the driver caused, with the commissions the model gives it.
  const revenue: { settlementId: string; expected: TExpectedCommission[] }[] = [];
  for (const payment of model.revenue) {
    const settlementId = settlementOf.get(payment.providerRef);
    if (settlementId) revenue.push({ settlementId, expected: payment.expected });
    else violate('a confirmed Commerce payment has no settlement', { charge: payment.providerRef });
  }

  // 5a. Claims: each claim made on chain recorded exactly once (API or watcher) with its fee; nothing else
  // recorded; every claimer holds its SGE and is CLAIMED; the treasury received exactly the fees.
  for (const claim of model.claims) {
    const rows = claimSettlementsOf.get(claim.txHash) ?? [];
    if (rows.length !== 1) {
      violate('a claim made on chain is not recorded exactly once', { ...claim, settlements: rows.length });
      continue;
    }
    const row = rows[0]!;
    if (row.wallet !== claim.wallet || BigInt(row.amount) !== claim.fee || row.currency !== claim.token)
      violate('claim settlement differs from the claim made', {
        txHash: claim.txHash,
        settlement: { wallet: row.wallet, amount: String(row.amount), currency: row.currency },
        expected: { wallet: claim.wallet, fee: claim.fee.toString(), token: claim.token },
      });
    revenue.push({ settlementId: row.id, expected: claim.expected });
  }
  if (claimSettlements.length !== model.claims.length)
    violate('CLAIM settlements differ from the claims made', {
      settlements: claimSettlements.length,
      claims: model.claims.length,
    });
  const claimers = model.claims.map((claim) => claim.wallet);
  const claimedUsers = new Set(
    claimers.length === 0
      ? []
      : (
          await db
            .selectFrom('users')
            .select('wallet')
            .where('wallet', 'in', claimers)
            .where('claim_status', '=', 'CLAIMED')
            .execute()
        ).map((row) => row.wallet),
  );
  for (const claim of model.claims) {
    if (!claimedUsers.has(claim.wallet)) violate('claimer not CLAIMED', { wallet: claim.wallet });
    const sge = await chain.readContract({
      address: cluster.deployment.contracts.sgeToken,
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [claim.wallet],
    });
    if (sge !== claim.amountWei)
      violate('claimer SGE balance', {
        wallet: claim.wallet,
        balance: sge.toString(),
        expected: claim.amountWei.toString(),
      });
  }
  const feeTotals: Record<string, { received: string; fees: string }> = {};
  const treasuryAfter = await treasuryBalances(cluster.chain, cluster.deployment);
  for (const token of ['USDC', 'USDT'] as const) {
    const fees = model.claims.filter((c) => c.token === token).reduce((sum, c) => sum + c.fee, 0n);
    const received = treasuryAfter[token] - model.treasuryBefore[token];
    feeTotals[token] = { received: received.toString(), fees: fees.toString() };
    if (received !== fees)
      violate('treasury received other than the claim fees', { token, ...feeTotals[token] });
  }

  let commissionMismatches = 0;
  const modelled = new Set<string>();
  for (const settlement of revenue) {
    modelled.add(settlement.settlementId);
    const actual = (bySettlement.get(settlement.settlementId) ?? [])
      .map((row) => `${row.level}:${row.affiliate_id}:${BigInt(row.amount)}`)
      .sort();
    const expected = settlement.expected.map((row) => `${row.level}:${row.affiliateId}:${row.amount}`).sort();
    if (actual.join(',') !== expected.join(',')) {
      commissionMismatches += 1;
      if (commissionMismatches <= 5)
        violate('commissions differ from the model', {
          settlementId: settlement.settlementId,
          actual,
          expected,
        });
    }
  }
  const unmodelled = [...bySettlement.keys()].filter((id) => !modelled.has(id));
  if (unmodelled.length > 0) violate('commissions the model does not know', unmodelled.slice(0, 5));
  if (settlements.length !== model.revenue.length)
    violate('Commerce settlements differ from the payments made', {
      settlements: settlements.length,
      payments: model.revenue.length,
    });

  // 6. No payout paid twice: one BatchPaid event per COMPLETED batch and none for any other; affiliates
  // hold exactly the USDC of their PAID payouts.
  const events = await chain.getContractEvents({
    address: cluster.deployment.contracts.payout,
    abi: sgePayoutAbi,
    eventName: 'BatchPaid',
    fromBlock: 0n,
  });
  const eventsByBatch = new Map<bigint, number>();
  for (const event of events) {
    const id = event.args.batchId!;
    eventsByBatch.set(id, (eventsByBatch.get(id) ?? 0) + 1);
  }
  const batches = await db.selectFrom('payout_batches').select(['id', 'status']).execute();
  for (const batch of batches) {
    const count = eventsByBatch.get(onChainBatchId(batch.id)) ?? 0;
    if (batch.status === 'COMPLETED' ? count !== 1 : count !== 0)
      violate('payout batch paid on chain a wrong number of times', { batch, events: count });
  }
  if (events.length !== batches.filter((b) => b.status === 'COMPLETED').length)
    violate('BatchPaid events for unknown batches', { events: events.length });
  const paid = await db
    .selectFrom('payouts')
    .select(['affiliate_id', sql<string>`sum(amount)::text`.as('total')])
    .where('status', '=', 'PAID')
    .groupBy('affiliate_id')
    .execute();
  const paidByAffiliate = new Map(paid.map((row) => [row.affiliate_id, BigInt(row.total)]));
  for (const [affiliateId, wallet] of model.affiliateWallets) {
    const balance = await chain.readContract({
      address: cluster.deployment.contracts.usdc,
      abi: testUsdcAbi,
      functionName: 'balanceOf',
      args: [wallet],
    });
    const expected = paidByAffiliate.get(affiliateId) ?? 0n;
    if (balance !== expected)
      violate('affiliate USDC differs from its PAID payouts', {
        affiliateId,
        balance: balance.toString(),
        expected: expected.toString(),
      });
  }

  const statusCounts: Record<string, Record<string, number>> = {};
  for (const intent of intents) {
    statusCounts[intent.type] ??= {};
    statusCounts[intent.type]![intent.status] = (statusCounts[intent.type]![intent.status] ?? 0) + 1;
  }
  const batchStatuses: Record<string, number> = {};
  for (const batch of batches) batchStatuses[batch.status] = (batchStatuses[batch.status] ?? 0) + 1;
  return {
    violations,
    figures: {
      intents: statusCounts,
      sgeIdSupply: Number(supply),
      walletsChecked: wallets.length,
      relayerTransactions: relayerStatuses,
      relayerNonce: minedCount,
      programsVerified: programs.length,
      commissions: commissions.length,
      settlementsModelled: revenue.length,
      claimsRecorded: claimSettlements.length,
      claimFees: feeTotals,
      payoutBatches: batchStatuses,
      batchPaidEvents: events.length,
    },
  };
}
