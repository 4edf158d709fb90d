import type { TClaimRecordResponse } from '@sge/shared';
import type { Address, Hex } from 'viem';
import type { TProgram } from '../../db/schema';
import type { TClaimEnvironment } from './claim-context';
import { toClaimView } from './claim-views';
import { recordVerifiedClaim } from './record-claim';
import { verifyClaimTransaction } from './verify-claim-transaction';

/**
 * POST /api/claim/record: verifies `txHash` on the chain as a direct claim of `wallet` on the program's claim
 * contract (verifyClaimTransaction: nothing from the client is trusted), then records it exactly once
 * (recordVerifiedClaim). A forged or failed transaction is a 4xx and writes nothing.
 *
 * @example
 * const { created, claim } = await recordClaimTransaction(env, program, wallet, txHash);
 */
export async function recordClaimTransaction(
  env: TClaimEnvironment,
  program: TProgram,
  wallet: Address,
  txHash: Hex,
): Promise<TClaimRecordResponse> {
  const verified = await verifyClaimTransaction(env, program, {
    wallet,
    txHash,
    direct: true,
    source: 'api',
  });
  const recorded = await recordVerifiedClaim(env.db, verified);
  const settlement = await env.db
    .selectFrom('settlements')
    .selectAll()
    .where('id', '=', recorded.settlementId)
    .executeTakeFirstOrThrow();
  return { created: recorded.created, claim: toClaimView(settlement, env.explorerUrl) };
}
