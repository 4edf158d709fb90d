import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';

/**
 * What the relayer's mined transactions cost, split as the chain charges it (chain/l1-fees.ts): the L2
 * execution (gas used × effective price) and the OP-stack L1 data fee, in wei. Arbitrum's L1 component is
 * inside gas used, so it counts as execution.
 */
export async function readRelayerFees(db: TDbExecutor): Promise<{ execution: bigint; l1: bigint }> {
  const row = await db
    .selectFrom('relayer_transactions')
    .select([
      sql<string>`coalesce(sum(gas_used * effective_gas_price_wei), 0)::text`.as('execution'),
      sql<string>`coalesce(sum(l1_fee_wei), 0)::text`.as('l1'),
    ])
    .where('gas_used', 'is not', null)
    .executeTakeFirstOrThrow();
  return { execution: BigInt(row.execution), l1: BigInt(row.l1) };
}
