/**
 * Formats an amount in micro-USD (6 decimals; USD, USDC and USDT alike) given as a decimal string, exactly:
 * bigint math, never a float, so the cents shown are the cents owed.
 *
 * @example formatMicroUsd('12345678') // '12.345678'
 * @example formatMicroUsd('10000000') // '10.00'
 */
export function formatMicroUsd(amount: string): string {
  const value = BigInt(amount);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}.${fraction.padEnd(2, '0')}`;
}

/** `formatMicroUsd` with the currency: '10.00 USDC'. */
export function formatMoney(amount: string, currency: string): string {
  return `${formatMicroUsd(amount)} ${currency}`;
}

/**
 * Parses what a person types as an amount in whole units with up to 6 decimals ("12.5") into micro-units
 * as a decimal string ("12500000"), or null when it is not such a number or not positive.
 *
 * @example parseMicroUsd('12.5') // '12500000'
 */
export function parseMicroUsd(input: string): string | null {
  const match = /^(\d{1,30})(?:\.(\d{1,6}))?$/.exec(input.trim());
  if (match === null) return null;
  const micro = BigInt(match[1] ?? '0') * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0') || '0');
  return micro > 0n ? micro.toString() : null;
}
