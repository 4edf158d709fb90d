import {
  PAYMENT_PROVIDERS,
  type TPaymentProvider,
  type TProgram,
  type TProgramMoneySettings,
  type TUpdateProgramRequest,
} from '@sge/shared';
import { formatUnits, parseUnits } from 'viem/utils';
import { formatMicroUsd } from '../../affiliate/money';
import {
  formatBpsPercent,
  formatDuration,
  microUsdInput,
  parseDaysHours,
  parseLevelsPercent,
  parseUsdMicro,
  toDaysHours,
} from '../units';

/**
 * A program's money settings (PROGRAM_MONEY_SETTINGS) as a form edits them: every value a string in the
 * unit a person types (USD, %, days and hours, SGE), turned back into the API's units only for the fields
 * that changed. The API makes the changed money settings one pending change for a second admin.
 */
export type TMoneyDraft = {
  feeUsd: string;
  claimRelayFeeUsd: string;
  minPayoutUsd: string;
  levelsPercent: string;
  holdDays: string;
  holdHours: string;
  paymentProvider: TPaymentProvider;
  claimAmountSge: string;
  treasuryAddress: string;
  payoutAddress: string;
  sgeIdAddress: string;
  sgeClaimAddress: string;
};

const SGE_DECIMALS = 18;
const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;

export function moneyDraftOf(program: TProgram): TMoneyDraft {
  const hold = toDaysHours(program.holdPeriodSeconds);
  return {
    feeUsd: microUsdInput(program.feeMicroUsd),
    claimRelayFeeUsd: microUsdInput(program.claimRelayFeeMicroUsd),
    minPayoutUsd: microUsdInput(program.minPayoutMicroUsd),
    levelsPercent: program.commissionLevelsBps.map(formatBpsPercent).join(', '),
    holdDays: hold.days,
    holdHours: hold.hours,
    paymentProvider: program.paymentProvider,
    claimAmountSge: formatUnits(BigInt(program.claimAmountWei), SGE_DECIMALS),
    treasuryAddress: program.treasuryAddress ?? '',
    payoutAddress: program.payoutAddress ?? '',
    sgeIdAddress: program.sgeIdAddress ?? '',
    sgeClaimAddress: program.sgeClaimAddress ?? '',
  };
}

/** The changed money settings in the API's units, or the fields that are not valid (named as the form does). */
export function moneyChanges(
  program: TProgram,
  draft: TMoneyDraft,
): { body: TUpdateProgramRequest; errors: string[] } {
  const body: Record<string, unknown> = {};
  const errors: string[] = [];
  const usd = (field: keyof TProgram & string, input: string, label: string) => {
    const micro = parseUsdMicro(input);
    if (micro === null) errors.push(`${label}: a USD amount such as 12.50`);
    else if (micro !== program[field]) body[field] = micro;
  };
  usd('feeMicroUsd', draft.feeUsd, 'Fee');
  usd('claimRelayFeeMicroUsd', draft.claimRelayFeeUsd, 'Relay fee');
  usd('minPayoutMicroUsd', draft.minPayoutUsd, 'Minimum payout');
  const levels = parseLevelsPercent(draft.levelsPercent);
  if (levels === null) errors.push('Commission levels: percentages such as "10, 5"');
  else if (levels.join() !== program.commissionLevelsBps.join()) body.commissionLevelsBps = levels;
  const hold = parseDaysHours(draft.holdDays, draft.holdHours);
  if (hold === null) errors.push('Hold: whole days, and hours from 0 to 23');
  else if (hold !== program.holdPeriodSeconds) body.holdPeriodSeconds = hold;
  if (draft.paymentProvider !== program.paymentProvider) body.paymentProvider = draft.paymentProvider;
  let claimWei: string | null = null;
  try {
    claimWei = /^\d+(\.\d+)?$/.test(draft.claimAmountSge.trim())
      ? parseUnits(draft.claimAmountSge.trim(), SGE_DECIMALS).toString()
      : null;
  } catch {
    claimWei = null;
  }
  if (claimWei === null) errors.push('Claim amount: an SGE amount such as 100');
  else if (claimWei !== program.claimAmountWei) body.claimAmountWei = claimWei;
  for (const field of ['treasuryAddress', 'payoutAddress', 'sgeIdAddress', 'sgeClaimAddress'] as const) {
    const value = draft[field].trim();
    if (value !== '' && !ADDRESS_PATTERN.test(value)) errors.push(`${field}: an address 0x… (40 hex digits)`);
    else if ((value === '' ? null : value) !== program[field]) body[field] = value === '' ? null : value;
  }
  return { body: body as TUpdateProgramRequest, errors };
}

export const PAYMENT_PROVIDER_OPTIONS = PAYMENT_PROVIDERS;

/** One money setting's value in words: "12.50 USD", "10% / 5%", "14 days". */
export function describeMoneySetting(field: string, value: unknown): string {
  if (value === null || value === undefined) return 'none';
  switch (field as keyof TProgramMoneySettings) {
    case 'feeMicroUsd':
    case 'minPayoutMicroUsd':
    case 'claimRelayFeeMicroUsd':
      return `${formatMicroUsd(String(value))} USD`;
    case 'commissionLevelsBps':
      return Array.isArray(value) && value.length > 0
        ? value.map((bps) => `${formatBpsPercent(Number(bps))}%`).join(' / ')
        : 'no levels';
    case 'holdPeriodSeconds':
      return formatDuration(Number(value));
    case 'claimAmountWei':
      return `${formatUnits(BigInt(String(value)), SGE_DECIMALS)} SGE`;
    default:
      return String(value);
  }
}

/** The human labels of the money settings, as the form and the changes page show them. */
export const MONEY_SETTING_LABELS: Record<keyof TProgramMoneySettings, string> = {
  feeMicroUsd: 'Fee',
  claimRelayFeeMicroUsd: 'Relay fee',
  minPayoutMicroUsd: 'Minimum payout',
  commissionLevelsBps: 'Commission levels',
  holdPeriodSeconds: 'Hold',
  paymentProvider: 'Payment provider',
  claimAmountWei: 'Claim amount',
  treasuryAddress: 'Treasury',
  payoutAddress: 'Payout contract',
  sgeIdAddress: 'SGE-ID contract',
  sgeClaimAddress: 'Claim contract',
};
