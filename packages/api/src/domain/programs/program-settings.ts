import type { TProgramSettings } from '@sge/shared';
import type { Updateable } from 'kysely';
import { getAddress } from 'viem';
import type { ProgramsTable } from '../../db/schema';

/** Maps whitelisted API settings (camelCase, amounts as strings) to program columns. */
export function programSettingsToColumns(settings: Partial<TProgramSettings>): Updateable<ProgramsTable> {
  const columns: Updateable<ProgramsTable> = {};
  const address = (value: string | null) => (value === null ? null : getAddress(value));
  if (settings.name !== undefined) columns.name = settings.name;
  if (settings.treasuryAddress !== undefined) columns.treasury_address = address(settings.treasuryAddress);
  if (settings.sgeIdAddress !== undefined) columns.sge_id_address = address(settings.sgeIdAddress);
  if (settings.sgeClaimAddress !== undefined) columns.sge_claim_address = address(settings.sgeClaimAddress);
  if (settings.payoutAddress !== undefined) columns.payout_address = address(settings.payoutAddress);
  if (settings.feeMicroUsd !== undefined) columns.fee_micro_usd = BigInt(settings.feeMicroUsd);
  if (settings.claimAmountWei !== undefined) columns.claim_amount_wei = BigInt(settings.claimAmountWei);
  if (settings.commissionLevelsBps !== undefined)
    columns.commission_levels_bps = settings.commissionLevelsBps;
  if (settings.maxAffiliateDepth !== undefined) columns.max_affiliate_depth = settings.maxAffiliateDepth;
  if (settings.holdPeriodSeconds !== undefined) columns.hold_period_seconds = settings.holdPeriodSeconds;
  if (settings.minPayoutMicroUsd !== undefined)
    columns.min_payout_micro_usd = BigInt(settings.minPayoutMicroUsd);
  if (settings.paymentRequired !== undefined) columns.payment_required = settings.paymentRequired;
  if (settings.kycRequired !== undefined) columns.kyc_required = settings.kycRequired;
  if (settings.registrationProof !== undefined) columns.registration_proof = settings.registrationProof;
  if (settings.allowlistRequired !== undefined) columns.allowlist_required = settings.allowlistRequired;
  if (settings.challengeRequired !== undefined) columns.challenge_required = settings.challengeRequired;
  if (settings.mintsPerDayMax !== undefined) columns.mints_per_day_max = settings.mintsPerDayMax;
  if (settings.gasPerDayMaxWei !== undefined)
    columns.gas_per_day_max_wei = settings.gasPerDayMaxWei === null ? null : BigInt(settings.gasPerDayMaxWei);
  if (settings.paymentProvider !== undefined) columns.payment_provider = settings.paymentProvider;
  if (settings.claimRelayFeeMicroUsd !== undefined)
    columns.claim_relay_fee_micro_usd = BigInt(settings.claimRelayFeeMicroUsd);
  return columns;
}
