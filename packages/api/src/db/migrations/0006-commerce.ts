import { type Kysely, sql } from 'kysely';

/**
 * Coinbase Commerce (issue 6). The tables `commerce_charges` and `webhook_events` exist since 0001; this
 * migration gives them what exactly-once payment processing needs:
 *
 * - `commerce_charges` gains Commerce's charge id and expiry, where the charge came from (COMMERCE in Real
 *   mode, MOCK for Mock mode's simulated checkout), the attribution decided when the charge was created
 *   (`referrer_affiliate_id`, so that a user who pays before registering still pays their referrer's
 *   commission), the app URL the checkout returns to, when it was last refreshed from Commerce, and a CHECK
 *   on its status;
 * - `commerce_charge_events` is the charge's status history: one row per status change, with the webhook
 *   event (unique per event) or the action (refresh, admin refund) that caused it;
 * - `webhook_events` keeps one row per provider event id (the primary key is the exactly-once key): it is
 *   inserted and marked PROCESSED in the same database transaction as the event's effects, or left FAILED
 *   (retryable) with its last error when they did not commit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE commerce_charges
  ADD COLUMN commerce_id text,
  ADD COLUMN source text NOT NULL DEFAULT 'COMMERCE' CHECK (source IN ('COMMERCE', 'MOCK')),
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN ref text,
  ADD COLUMN referrer_affiliate_id uuid REFERENCES affiliates(id),
  ADD COLUMN referral_note text,
  ADD COLUMN return_url text,
  ADD COLUMN refreshed_at timestamptz,
  ADD COLUMN confirmed_at timestamptz,
  ADD CONSTRAINT commerce_charges_status_check CHECK (status IN
    ('NEW', 'PENDING', 'CONFIRMED', 'RESOLVED', 'DELAYED', 'FAILED', 'EXPIRED', 'CANCELED', 'UNRESOLVED', 'REFUNDED')),
  ADD CONSTRAINT commerce_charges_amount_check CHECK (amount > 0);
CREATE UNIQUE INDEX commerce_charges_commerce_id_key ON commerce_charges (commerce_id) WHERE commerce_id IS NOT NULL;

CREATE TABLE commerce_charge_events (
  id bigserial PRIMARY KEY,
  charge_code text NOT NULL REFERENCES commerce_charges(code),
  status text NOT NULL,
  cause text NOT NULL CHECK (cause IN ('created', 'webhook', 'refresh', 'admin')),
  webhook_event_id text REFERENCES webhook_events(id),
  event_type text,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX commerce_charge_events_charge_idx ON commerce_charge_events (charge_code, id);
CREATE UNIQUE INDEX commerce_charge_events_webhook_key ON commerce_charge_events (webhook_event_id)
  WHERE webhook_event_id IS NOT NULL;

CREATE INDEX webhook_events_retryable_idx ON webhook_events (received_at) WHERE status <> 'PROCESSED';
`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DROP INDEX webhook_events_retryable_idx;
DROP TABLE commerce_charge_events;
DROP INDEX commerce_charges_commerce_id_key;
ALTER TABLE commerce_charges
  DROP CONSTRAINT commerce_charges_amount_check,
  DROP CONSTRAINT commerce_charges_status_check,
  DROP COLUMN confirmed_at,
  DROP COLUMN refreshed_at,
  DROP COLUMN return_url,
  DROP COLUMN referral_note,
  DROP COLUMN referrer_affiliate_id,
  DROP COLUMN ref,
  DROP COLUMN expires_at,
  DROP COLUMN source,
  DROP COLUMN commerce_id;
`)
    .execute(db);
}
