import { formatUnits } from 'viem/utils';
import { formatMicroUsd } from '../../affiliate/money';

/** Decimals of each ledger currency's smallest unit: micro-USD for USD, USDC and USDT; wei for SGE and ETH. */
const DECIMALS: Record<string, number> = { USD: 6, USDC: 6, USDT: 6, SGE: 18, ETH: 18 };

/**
 * A ledger amount (signed, in the currency's smallest unit, as a decimal string) with its currency, exactly.
 *
 * @example formatLedgerAmount('-2500000', 'USD') // '-2.50 USD'
 */
export function formatLedgerAmount(amount: string, currency: string): string {
  const decimals = DECIMALS[currency];
  if (decimals === 6) return `${formatMicroUsd(amount)} ${currency}`;
  if (decimals === undefined) return `${amount} (smallest unit) ${currency}`;
  return `${formatUnits(BigInt(amount), decimals)} ${currency}`;
}
