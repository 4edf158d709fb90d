import { sql } from 'kysely';
import { getAddress } from 'viem';
import { ACCOUNTS } from '../ledger/accounts';
import { postLedgerTransaction } from '../ledger/post-ledger-transaction';
import type { TMintBatch, TMintDeps } from './mint-batch';

/**
 * Records a mined batch in one database transaction: each wallet's settlement (its share of the gas, the
 * token id from the Transfer log or, for a wallet that already held one, from the contract), the users row
 * with the attribution decided at acceptance, the intents CONFIRMED, the gas to the ledger, the batch
 * SETTLED. A batch already SETTLED records nothing. Returns how many intents it confirmed.
 */
export async function settleMintBatch(
  deps: TMintDeps,
  batch: TMintBatch,
  intents: { id: string; wallet: string | null }[],
  chainFacts: {
    txHash: string;
    blockNumber: number;
    blockHash: string;
    gasCostWei: bigint;
    minted: Map<string, { tokenId: bigint; logIndex: number }>;
    alreadyHeld: Map<string, bigint>;
  },
): Promise<number> {
  const now = new Date();
  const count = BigInt(intents.length);
  const confirmed = await deps.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('mint_batches')
      .select('status')
      .where('id', '=', batch.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.status === 'SETTLED') return [];
    const rows = intents.map((intent, index) => {
      const wallet = getAddress(intent.wallet!);
      const minted = chainFacts.minted.get(wallet);
      const tokenId = minted?.tokenId ?? chainFacts.alreadyHeld.get(wallet)!;
      // The batch's gas, split exactly: the first (cost mod n) wallets carry one wei more.
      const gasShareWei =
        chainFacts.gasCostWei / count + (BigInt(index) < chainFacts.gasCostWei % count ? 1n : 0n);
      return { intent, wallet, tokenId, minted, gasShareWei };
    });
    await trx
      .insertInto('settlements')
      .values(
        rows.map((row) => ({
          program_id: batch.program_id,
          intent_id: row.intent.id,
          kind: 'REGISTER' as const,
          wallet: row.wallet,
          tx_hash: row.minted ? chainFacts.txHash : null,
          block_number: row.minted ? chainFacts.blockNumber : null,
          block_hash: row.minted ? chainFacts.blockHash : null,
          log_index: row.minted?.logIndex ?? null,
          amount: row.minted ? row.gasShareWei : 0n,
          currency: 'ETH',
          details: JSON.stringify({
            batchId: batch.id,
            batchTxHash: chainFacts.txHash,
            tokenId: row.tokenId.toString(),
            alreadyHeld: !row.minted,
            gasShareWei: row.gasShareWei.toString(),
          }),
        })),
      )
      .onConflict((oc) => oc.column('intent_id').doNothing())
      .execute();
    // The users row, with the attribution decided when the registration was accepted (first touch: a
    // referrer already recorded, e.g. by a payment, is kept; the database refuses to overwrite it anyway).
    await sql`
      INSERT INTO users (program_id, wallet, referred_by_affiliate_id, referral_note, token_id, registered_at)
      SELECT ${batch.program_id}::uuid, t.wallet, (i.payload->>'affiliateId')::uuid, i.payload->>'referralNote',
             t.token_id, ${now}
        FROM unnest(${rows.map((row) => row.wallet)}::text[], ${rows.map((row) => row.tokenId.toString())}::numeric[])
             AS t(wallet, token_id)
        JOIN intents i ON i.idempotency_key = 'register:' || ${batch.program_id} || ':' || t.wallet
      ON CONFLICT (program_id, wallet) DO UPDATE
         SET token_id = EXCLUDED.token_id,
             registered_at = coalesce(users.registered_at, EXCLUDED.registered_at),
             referred_by_affiliate_id = coalesce(users.referred_by_affiliate_id, EXCLUDED.referred_by_affiliate_id),
             referral_note = coalesce(users.referral_note, EXCLUDED.referral_note),
             updated_at = EXCLUDED.registered_at`.execute(trx);
    const updated = await trx
      .updateTable('intents')
      .set({
        status: 'CONFIRMED',
        status_reason: `minted in ${chainFacts.txHash}`,
        confirmed_at: now,
        locked_by: null,
        updated_at: now,
        last_error: null,
      })
      .where('batch_id', '=', batch.id)
      .where('status', '=', 'PROCESSING')
      .returning(['id', 'created_at'])
      .execute();
    if (chainFacts.gasCostWei > 0n) {
      await postLedgerTransaction(trx, {
        programId: batch.program_id,
        reference: `gas:mint-batch:${batch.id}`,
        kind: 'gas',
        description: `SGE-ID mint batch of ${intents.length} (${chainFacts.txHash})`,
        entries: [
          { account: ACCOUNTS.gasExpense, currency: 'ETH', amount: chainFacts.gasCostWei },
          { account: ACCOUNTS.relayer, currency: 'ETH', amount: -chainFacts.gasCostWei },
        ],
      });
    }
    await trx
      .updateTable('mint_batches')
      .set({ status: 'SETTLED', settled_at: now, locked_until: null, updated_at: now })
      .where('id', '=', batch.id)
      .execute();
    return updated;
  });
  for (const intent of confirmed) {
    deps.metrics.settlementDuration.observe(
      { type: 'REGISTER' },
      (now.getTime() - new Date(intent.created_at).getTime()) / 1000,
    );
  }
  deps.metrics.intentsTotal.inc({ type: 'REGISTER', status: 'CONFIRMED' }, confirmed.length);
  deps.metrics.registrationsTotal.inc(confirmed.length);
  return confirmed.length;
}
