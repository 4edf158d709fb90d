import { type Kysely, sql } from 'kysely';

/**
 * Payment providers (issue 19):
 * - `programs.payment_provider`: how a program's payment gate is paid — `coinbase-commerce` (the legacy
 *   charges API, the default, so existing programs keep what they had), `coinbase-business` (the Business
 *   Checkouts API) or `onchain` (a direct USDC/USDT transfer to the program's treasury). A money setting:
 *   changed through a second admin's approval;
 * - `commerce_charges.source` also BUSINESS (a Business checkout: code = its id upper-cased) and
 *   MOCK_BUSINESS (Mock mode's simulated Business checkout);
 * - `onchain_payment_requests`: the exact amount (smallest unit) and token asked of a wallet, paid to the
 *   treasury from `from_block` on;
 * - `onchain_payments`: the Transfer log that paid a request. Its primary key (chain_id, tx_hash, log_index)
 *   makes one transfer one payment, and `request_id` unique makes one request paid once, whichever of the
 *   page's report and the chain watcher comes first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE programs
  ADD COLUMN payment_provider text NOT NULL DEFAULT 'coinbase-commerce'
    CONSTRAINT programs_payment_provider_check
    CHECK (payment_provider IN ('coinbase-business', 'coinbase-commerce', 'onchain'));

ALTER TABLE commerce_charges DROP CONSTRAINT commerce_charges_source_check;
ALTER TABLE commerce_charges ADD CONSTRAINT commerce_charges_source_check
  CHECK (source IN ('COMMERCE', 'MOCK', 'BUSINESS', 'MOCK_BUSINESS'));

CREATE TABLE onchain_payment_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id uuid NOT NULL REFERENCES programs(id),
  wallet text NOT NULL,
  chain_id int8 NOT NULL,
  token text NOT NULL CHECK (token IN ('USDC', 'USDT')),
  token_address text NOT NULL,
  treasury text NOT NULL,
  amount numeric(78,0) NOT NULL CHECK (amount > 0),
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PAID', 'EXPIRED')),
  from_block int8 NOT NULL,
  referrer_affiliate_id uuid REFERENCES affiliates(id),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  settlement_id uuid REFERENCES settlements(id),
  CHECK ((status = 'PAID') = (settlement_id IS NOT NULL))
);
CREATE INDEX onchain_payment_requests_open_idx ON onchain_payment_requests (chain_id, status, created_at)
  WHERE status = 'PENDING';
CREATE INDEX onchain_payment_requests_wallet_idx ON onchain_payment_requests (program_id, wallet, created_at);

CREATE TABLE onchain_payments (
  chain_id int8 NOT NULL,
  tx_hash text NOT NULL,
  log_index int4 NOT NULL,
  request_id uuid NOT NULL UNIQUE REFERENCES onchain_payment_requests(id),
  settlement_id uuid NOT NULL UNIQUE REFERENCES settlements(id),
  source text NOT NULL CHECK (source IN ('page', 'watcher')),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, tx_hash, log_index)
);
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP TABLE onchain_payments;
DROP TABLE onchain_payment_requests;
ALTER TABLE commerce_charges DROP CONSTRAINT commerce_charges_source_check;
-- The release before this one knew only these two; its refresh skips anything not COMMERCE.
UPDATE commerce_charges SET source = 'MOCK' WHERE source = 'MOCK_BUSINESS';
UPDATE commerce_charges SET source = 'MOCK' WHERE source = 'BUSINESS';
ALTER TABLE commerce_charges ADD CONSTRAINT commerce_charges_source_check CHECK (source IN ('COMMERCE', 'MOCK'));
ALTER TABLE programs DROP COLUMN payment_provider;
`)
    .execute(db);
}
