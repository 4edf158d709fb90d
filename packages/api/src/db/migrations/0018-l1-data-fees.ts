import { type Kysely, sql } from 'kysely';

/**
 * L1 data fees (issue 20). On an OP-stack chain (Base, OP Mainnet) a transaction pays, besides gas used ×
 * effective gas price, an L1 data fee for posting its bytes to Ethereum; the receipt reports it as `l1Fee`.
 * `relayer_transactions.l1_fee_wei` keeps it next to `gas_used` and `effective_gas_price_wei`, so the gas
 * ledger entries and the relayer's fee metrics count the whole cost. NULL: not mined yet, or mined before
 * this column existed; 0: a chain without a separate L1 fee (Ethereum; Arbitrum counts its L1 component in
 * `gas_used`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw('ALTER TABLE relayer_transactions ADD COLUMN l1_fee_wei numeric(78,0) CHECK (l1_fee_wei >= 0);')
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('ALTER TABLE relayer_transactions DROP COLUMN l1_fee_wei;').execute(db);
}
