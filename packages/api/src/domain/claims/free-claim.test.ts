import { sgeIdAbi } from '@sge/contracts';
import { sql } from 'kysely';
import { createWalletClient, getAddress, type Hex, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlementLedgerEntries } from '../../../test/support/ledger';
import {
  reconciliationContext,
  startReconciliationChain,
  type TReconciliationChain,
} from '../../../test/support/reconciliation-fixtures';
import { openTestPglite, type TTestDatabase } from '../../../test/support/test-database';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { getProgram } from '../programs/get-program';
import { checkClaimsRecorded } from '../reconciliation/check-claims-recorded';
import { checkCommissions } from '../reconciliation/check-commissions';
import { checkLedger } from '../reconciliation/check-ledger';
import { checkSettlementsOnChain } from '../reconciliation/check-settlements-on-chain';
import type { TClaimEnvironment } from './claim-context';
import { prepareClaim } from './prepare-claim';
import { recordVerifiedClaim } from './record-claim';
import { verifyClaimTransaction } from './verify-claim-transaction';
import { claimCursorName } from './watch-claims';

const AMOUNT_WEI = 1_000n * 10n ** 18n; // the deployment's claim amount: 1,000 SGE

/**
 * A free program (the claim contract deployed with a fee of 0, which it allows) end to end on anvil with the
 * real contracts: prepare asks for no approval, the wallet claims holding no stablecoin at all, the claim is
 * verified and recorded once (a settlement of 0, the SGE it handed out in the ledger, no commissions), and
 * reconciliation finds it consistent with the chain and the ledger (and still reports a settlement of money
 * without its treasury entry).
 */
describe('a free claim (fee 0)', () => {
  let chain: TReconciliationChain;
  let test: TTestDatabase;
  let env: TClaimEnvironment;

  beforeAll(async () => {
    chain = await startReconciliationChain({ feeMicroUsd: 0n });
    test = await openTestPglite();
    const { contracts } = chain.deployment;
    await test.database.db
      .updateTable('programs')
      .set({ fee_micro_usd: 0n, sge_claim_address: contracts.sgeClaim, sge_id_address: contracts.sgeId })
      .where('id', '=', DEFAULT_PROGRAM_ID)
      .execute();
    env = {
      db: test.database.db,
      client: chain.publicClient as TClaimEnvironment['client'],
      chainId: await chain.publicClient.getChainId(),
      defaults: { sgeClaim: null, sgeId: null },
      explorerUrl: null,
      confirmations: 1,
    };
  });
  afterAll(async () => {
    await test?.cleanup();
    await chain?.stop();
  });

  it('is prepared without approval, claimed with no stablecoin, recorded once and reconciled', async () => {
    const { db } = test.database;
    const account = privateKeyToAccount(generatePrivateKey());
    const wallet = createWalletClient({ transport: http(chain.anvil.rpcUrl), account });
    await chain.testClient.setBalance({ address: account.address, value: 10n ** 18n });
    // The relayer mints the wallet's SGE-ID (the claim contract requires one).
    await chain.publicClient.waitForTransactionReceipt({
      hash: await chain.relayerWallet.writeContract({
        address: chain.deployment.contracts.sgeId,
        abi: sgeIdAbi,
        functionName: 'mint',
        args: [account.address],
        chain: null,
        account: chain.relayer,
      }),
    });

    const program = await getProgram(db, DEFAULT_PROGRAM_ID);
    const prepared = await prepareClaim(env, program, account.address, 'USDC');
    expect(prepared).toMatchObject({ fee: '0', balance: '0', amountWei: AMOUNT_WEI.toString() });
    expect(prepared.transactions.map((transaction) => transaction.step)).toEqual(['claim']);

    const [claimStep] = prepared.transactions;
    const hash: Hex = await wallet.sendTransaction({
      to: getAddress(claimStep!.to),
      data: claimStep!.data as Hex,
      chain: null,
      account,
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');

    // The chain watcher has finished the claim's block, and nothing recorded it yet: reconciliation says so.
    await db
      .insertInto('chain_cursors')
      .values({
        name: claimCursorName(chain.anvil.chainId, chain.deployment.contracts.sgeClaim),
        block_number: Number(receipt.blockNumber),
        updated_at: new Date(),
      })
      .execute();
    const unrecorded = await checkClaimsRecorded.run(reconciliationContext(db, chain));
    expect(unrecorded.findings.items).toEqual([
      expect.objectContaining({ kind: 'CLAIM_NOT_RECORDED', subject: `tx:${hash}` }),
    ]);

    const verified = await verifyClaimTransaction(env, program, {
      wallet: account.address,
      txHash: hash,
      direct: false,
      source: 'api',
    });
    expect(verified).toMatchObject({ fee: 0n, amountWei: AMOUNT_WEI, token: 'USDC' });
    const recorded = await recordVerifiedClaim(db, verified);
    expect(recorded.created).toBe(true);
    expect((await recordVerifiedClaim(db, { ...verified, source: 'watcher' })).created).toBe(false);

    const settlement = await db
      .selectFrom('settlements')
      .select(['amount', 'currency', 'tx_hash'])
      .where('id', '=', recorded.settlementId)
      .executeTakeFirstOrThrow();
    expect(settlement).toEqual({ amount: 0n, currency: 'USDC', tx_hash: hash });
    expect(await settlementLedgerEntries(db, recorded.settlementId)).toEqual([
      { account: 'sge_distributed', currency: 'SGE', amount: AMOUNT_WEI },
      { account: 'sge_vault', currency: 'SGE', amount: -AMOUNT_WEI },
    ]);

    const context = reconciliationContext(db, chain);
    for (const check of [checkLedger, checkCommissions, checkClaimsRecorded]) {
      const outcome = await check.run(context);
      expect(outcome.findings.items, check.name).toEqual([]);
    }
    // The transaction moved no stablecoin, and the settlement says 0: it matches.
    const onChain = await checkSettlementsOnChain.run(context);
    expect(onChain.findings.items).toEqual([]);
    expect(onChain.figures).toMatchObject({ checkedSettlements: 1, matched: 1 });
    const verifiedAt = await db
      .selectFrom('settlements')
      .select('verified_at')
      .where('id', '=', recorded.settlementId)
      .executeTakeFirstOrThrow();
    expect(verifiedAt.verified_at).not.toBeNull();

    // The check still reports a settlement of money without its treasury entry (the database's rules, which
    // would refuse the change, bypassed: how records end up corrupt in real life).
    await db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      await tx
        .updateTable('settlements')
        .set({ amount: 1n })
        .where('id', '=', recorded.settlementId)
        .execute();
    });
    const broken = await checkCommissions.run(context);
    expect(broken.findings.items.map((finding) => finding.kind)).toEqual(['REVENUE_LEDGER_MISSING']);
  });
});
