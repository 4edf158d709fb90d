import { PAYOUT_APPROVAL_TTL_MS, PAYOUT_BATCH_AFFILIATES_MAX } from '@sge/shared';
import { sql } from 'kysely';
import type { Address } from 'viem';
import { AppError } from '../app-error';
import { type TActor, writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { PAYOUT_CURRENCY } from '../ledger/accounts';
import { getProgram } from '../programs/get-program';
import type { TPayoutBatchRow } from './load-payout-batch';

export type TCreatedPayout = {
  payoutId: string;
  affiliateId: string;
  wallet: string;
  amount: bigint;
  commissionIds: string[];
  clawbackIds: string[];
};

/** Where the batch will be paid: what its approvers sign besides the payouts. */
export type TCreatePayoutBatchDeps = {
  chainId: number;
  /** The platform's payout contract (PAYOUT_ADDRESS), used when the program has none of its own. */
  payoutContract: Address | null;
  /** The ERC-20 payouts are made in (USDC). */
  token: Address;
  now?: () => Date;
};

/**
 * Creates a payout batch (PENDING_APPROVAL) from a program's PAYABLE commissions, as admin `who`.
 *
 * One payout per ACTIVE affiliate whose net payable — PAYABLE commissions not in a batch, minus OPEN
 * clawbacks not in a batch — is positive and at least the program's minimum payout. Its commissions and
 * clawbacks are linked to the payout (they stay PAYABLE / OPEN until the batch is paid). Affiliates with the
 * oldest payable commissions come first, up to PAYOUT_BATCH_AFFILIATES_MAX (one on-chain transaction pays
 * the batch); the rest wait for the next batch. Amounts are USD owed, paid in USDC at par.
 *
 * Batch creation is serialised per program (the program row is locked), and the commissions and clawbacks
 * it takes are locked and re-read, so a concurrent refund or another batch can never take the same ones.
 *
 * The batch fixes what its approvers will sign (chain, payout contract, token, and a deadline
 * PAYOUT_APPROVAL_TTL_MS away); see approvePayoutBatch.
 *
 * @throws AppError PAYOUT_NOTHING_PAYABLE (409) when no affiliate qualifies.
 */
export async function createPayoutBatch(
  db: TDbExecutor,
  who: TActor,
  input: { programId: string },
  deps: TCreatePayoutBatchDeps,
): Promise<{ batch: TPayoutBatchRow; payouts: TCreatedPayout[] }> {
  const now = deps.now?.() ?? new Date();
  return await inTransaction(db, async (tx) => {
    const program = await getProgram(tx, input.programId, { forUpdate: true });
    const payoutContract = program.payout_address ?? deps.payoutContract;
    if (!payoutContract) {
      throw new AppError(
        'INVALID_STATE',
        `program "${program.slug}" has no payout contract (and PAYOUT_ADDRESS is not set): nothing could pay a batch`,
      );
    }
    const minimum = program.min_payout_micro_usd;
    // 1. Candidates from the aggregates (no locks yet).
    const candidates = await sql<{ affiliate_id: string; gross: bigint; oldest: Date }>`
      SELECT c.affiliate_id, sum(c.amount) AS gross, min(c.payable_at) AS oldest
        FROM commissions c JOIN affiliates a ON a.id = c.affiliate_id
       WHERE c.program_id = ${program.id} AND c.status = 'PAYABLE' AND c.payout_id IS NULL
         AND a.status = 'ACTIVE'
       GROUP BY c.affiliate_id
       ORDER BY oldest, c.affiliate_id`.execute(tx);
    const clawbackSums = await sql<{ affiliate_id: string; total: bigint }>`
      SELECT affiliate_id, sum(amount) AS total FROM commission_clawbacks
       WHERE program_id = ${program.id} AND status = 'OPEN' AND payout_id IS NULL
       GROUP BY affiliate_id`.execute(tx);
    const clawbackOf = new Map(clawbackSums.rows.map((row) => [row.affiliate_id, row.total]));
    const chosen = candidates.rows
      .filter((row) => {
        const net = row.gross - (clawbackOf.get(row.affiliate_id) ?? 0n);
        return net > 0n && net >= minimum;
      })
      .slice(0, PAYOUT_BATCH_AFFILIATES_MAX)
      .map((row) => row.affiliate_id);
    if (chosen.length === 0) {
      throw new AppError(
        'PAYOUT_NOTHING_PAYABLE',
        `no affiliate of program "${program.slug}" has payable commissions (net of clawbacks) of at least the minimum payout of ${minimum} micro-USD`,
      );
    }

    // 2. Lock exactly what will be paid and recompute from the locked rows.
    const commissions = await tx
      .selectFrom('commissions')
      .select(['id', 'affiliate_id', 'amount'])
      .where('program_id', '=', program.id)
      .where('affiliate_id', 'in', chosen)
      .where('status', '=', 'PAYABLE')
      .where('payout_id', 'is', null)
      .orderBy('id')
      .forUpdate()
      .execute();
    const clawbacks = await tx
      .selectFrom('commission_clawbacks')
      .select(['id', 'affiliate_id', 'amount'])
      .where('program_id', '=', program.id)
      .where('affiliate_id', 'in', chosen)
      .where('status', '=', 'OPEN')
      .where('payout_id', 'is', null)
      .orderBy('id')
      .forUpdate()
      .execute();
    const affiliates = await tx
      .selectFrom('affiliates')
      .select(['id', 'wallet'])
      .where('id', 'in', chosen)
      .where('status', '=', 'ACTIVE')
      .forShare()
      .execute();
    const walletOf = new Map(affiliates.map((row) => [row.id, row.wallet]));

    const plan: Omit<TCreatedPayout, 'payoutId'>[] = [];
    for (const affiliateId of chosen) {
      const wallet = walletOf.get(affiliateId);
      if (!wallet) continue; // suspended since step 1
      const own = commissions.filter((row) => row.affiliate_id === affiliateId);
      const owed = clawbacks.filter((row) => row.affiliate_id === affiliateId);
      const amount =
        own.reduce((sum, row) => sum + row.amount, 0n) - owed.reduce((sum, row) => sum + row.amount, 0n);
      if (amount <= 0n || amount < minimum) continue; // changed since step 1
      plan.push({
        affiliateId,
        wallet,
        amount,
        commissionIds: own.map((row) => row.id),
        clawbackIds: owed.map((row) => row.id),
      });
    }
    if (plan.length === 0) {
      throw new AppError(
        'PAYOUT_NOTHING_PAYABLE',
        `no affiliate of program "${program.slug}" qualifies any more`,
      );
    }
    const total = plan.reduce((sum, payout) => sum + payout.amount, 0n);

    const batch = await tx
      .insertInto('payout_batches')
      .values({
        program_id: program.id,
        status: 'PENDING_APPROVAL',
        currency: PAYOUT_CURRENCY,
        total,
        created_by: who.actor,
        chain_id: deps.chainId,
        payout_contract: payoutContract,
        token: deps.token,
        approval_deadline: new Date(now.getTime() + PAYOUT_APPROVAL_TTL_MS),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const payoutRows = await tx
      .insertInto('payouts')
      .values(
        plan.map((payout) => ({
          batch_id: batch.id,
          program_id: program.id,
          affiliate_id: payout.affiliateId,
          wallet: payout.wallet,
          amount: payout.amount,
          currency: PAYOUT_CURRENCY,
        })),
      )
      .returning(['id', 'affiliate_id'])
      .execute();
    const payoutOf = new Map(payoutRows.map((row) => [row.affiliate_id, row.id]));
    const created = plan.map((payout) => ({ ...payout, payoutId: payoutOf.get(payout.affiliateId)! }));
    const link = (table: 'commissions' | 'commission_clawbacks', pairs: [string, string][]) =>
      pairs.length === 0
        ? Promise.resolve()
        : sql`
            UPDATE ${sql.table(table)} AS target SET payout_id = link.payout_id::uuid, updated_at = now()
              FROM unnest(${pairs.map(([id]) => id)}::uuid[], ${pairs.map(([, payout]) => payout)}::uuid[])
                   AS link(id, payout_id)
             WHERE target.id = link.id`.execute(tx);
    await link(
      'commissions',
      created.flatMap((payout) => payout.commissionIds.map((id): [string, string] => [id, payout.payoutId])),
    );
    await link(
      'commission_clawbacks',
      created.flatMap((payout) => payout.clawbackIds.map((id): [string, string] => [id, payout.payoutId])),
    );
    await writeAudit(tx, who, {
      action: 'payout_batch.create',
      programId: program.id,
      subjectType: 'payout_batch',
      subjectId: batch.id,
      after: {
        status: batch.status,
        total,
        currency: PAYOUT_CURRENCY,
        payouts: created.map((payout) => ({
          affiliateId: payout.affiliateId,
          amount: payout.amount,
          commissions: payout.commissionIds.length,
          clawbacks: payout.clawbackIds.length,
        })),
      },
    });
    return { batch, payouts: created };
  });
}
