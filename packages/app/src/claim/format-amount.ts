import { formatUnits } from 'viem/utils';

/**
 * An amount in a token's smallest unit (decimal string, as the API sends it) in whole tokens, with
 * thousands separators and without trailing zeros: exact, never through a float.
 *
 * @example formatTokenAmount('1000000000000000000000', 18) // '1,000'
 * @example formatTokenAmount('100500000', 6) // '100.5'
 */
export function formatTokenAmount(smallestUnits: string, decimals: number): string {
  const [whole = '0', fraction] = formatUnits(BigInt(smallestUnits), decimals).split('.');
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/** Stablecoins (USDC, USDT) have 6 decimals; SGE has 18. */
export const STABLECOIN_DECIMALS = 6;
export const SGE_DECIMALS = 18;
