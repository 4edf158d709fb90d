import type { TProgram as TProgramView } from '@sge/shared';
import type { TProgram } from '../../db/schema';

/** The API shape of a program row: amounts as decimal strings, times as ISO strings. */
export function toProgramView(row: TProgram): TProgramView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    treasuryAddress: row.treasury_address,
    sgeIdAddress: row.sge_id_address,
    sgeClaimAddress: row.sge_claim_address,
    payoutAddress: row.payout_address,
    feeMicroUsd: row.fee_micro_usd.toString(),
    claimAmountWei: row.claim_amount_wei.toString(),
    commissionLevelsBps: row.commission_levels_bps,
    maxAffiliateDepth: row.max_affiliate_depth,
    holdPeriodSeconds: row.hold_period_seconds,
    minPayoutMicroUsd: row.min_payout_micro_usd.toString(),
    paymentRequired: row.payment_required,
    kycRequired: row.kyc_required,
    registrationProof: row.registration_proof,
    allowlistRequired: row.allowlist_required,
    challengeRequired: row.challenge_required,
    mintsPerDayMax: row.mints_per_day_max,
    gasPerDayMaxWei: row.gas_per_day_max_wei === null ? null : row.gas_per_day_max_wei.toString(),
    paymentProvider: row.payment_provider,
    claimRelayFeeMicroUsd: row.claim_relay_fee_micro_usd.toString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
